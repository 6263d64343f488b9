# The machine beyond VMX: identity, MTRR/PAT memory types, per-CPU differences.
HOST_TESTS += cpuinfo
cpuinfo_SRCS := tests/host/test_cpuinfo.c arch/x86_64/cpuinfo.c kernel/format.c kernel/lib.c
