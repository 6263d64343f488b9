# Every VMX capability by SDM name, in vmxcap's four states, on Bochs's MSR values.
HOST_TESTS += vmx_capdecode
vmx_capdecode_SRCS := tests/host/test_vmx_capdecode.c vmx/vmx_capdecode.c vmx/vmx_capnames.c vmx/vmx_caps.c \
	kernel/format.c kernel/lib.c
