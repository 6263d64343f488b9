# The conformance case table through the VM-entry model, with Bochs capabilities.
HOST_TESTS += conf_cases
conf_cases_SRCS := tests/host/test_conf_cases.c vmx/conf_cases.c vmx/conf_ctl.c vmx/conf_inv.c vmx/entry_check.c \
	vmx/entry_check_host.c vmx/entry_check_guest.c vmx/vmx_caps.c vmx/vmcs_fields.c kernel/format.c \
	kernel/lib.c kernel/ktap.c vmx/deviations.c
