# Self-virtualization: what the VMM shares between CPUs and how big it is (vmx/virt_layout.c).
HOST_TESTS += virt_layout
virt_layout_SRCS := tests/host/test_virt_layout.c vmx/virt_layout.c vmx/virt_excl.c vmx/ept.c arch/x86_64/cpuinfo.c kernel/format.c kernel/lib.c
