# Self-virtualization: the one VMM exclusion list of all CPUs, and the EPT built around it.
HOST_TESTS += virt_excl
virt_excl_SRCS := tests/host/test_virt_excl.c vmx/virt_excl.c vmx/ept.c arch/x86_64/cpuinfo.c kernel/format.c kernel/lib.c
