# Pure VT-x logic: detection, capability decoding, VMCS field and error tables.
HOST_TESTS += vmx_detect vmx_caps vmcs_fields
vmx_detect_SRCS := tests/host/test_vmx_detect.c vmx/vmx_detect.c vmx/vmx_caps.c kernel/format.c
vmx_caps_SRCS := tests/host/test_vmx_caps.c vmx/vmx_caps.c
vmcs_fields_SRCS := tests/host/test_vmcs_fields.c vmx/vmcs_fields.c vmx/vmx_errors.c
