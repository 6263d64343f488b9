# Where an AP's start-up goes: the trampoline entry stamp put back together, the "smp: AP start:" line.
HOST_TESTS += smp_stamps
smp_stamps_SRCS := tests/host/test_smp_stamps.c arch/x86_64/smp_stamps.c kernel/format.c kernel/sort.c
