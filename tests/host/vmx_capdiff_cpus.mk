# caps diff [cpus]: the differences among selected CPUs, against the first.
HOST_TESTS += vmx_capdiff_cpus
vmx_capdiff_cpus_SRCS := tests/host/test_vmx_capdiff_cpus.c vmx/vmx_capdiff_cpus.c vmx/vmx_capdiff.c \
	vmx/vmx_capdecode.c vmx/vmx_capnames.c vmx/vmx_caps.c arch/x86_64/cpuinfo.c kernel/format.c kernel/lib.c
