# Self-virtualization: the EPT identity map and the VMM's exit decisions.
HOST_TESTS += ept virt_policy
ept_SRCS := tests/host/test_ept.c vmx/ept.c arch/x86_64/cpuinfo.c kernel/format.c kernel/lib.c
virt_policy_SRCS := tests/host/test_virt_policy.c vmx/virt_policy.c
