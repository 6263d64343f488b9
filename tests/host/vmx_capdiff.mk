# Differences between CPUs by capability name, and kinds of CPU.
HOST_TESTS += vmx_capdiff
vmx_capdiff_SRCS := tests/host/test_vmx_capdiff.c vmx/vmx_capdiff.c vmx/vmx_capdecode.c vmx/vmx_capnames.c \
	vmx/vmx_caps.c kernel/format.c kernel/lib.c
