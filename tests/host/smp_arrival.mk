# The AP arrival policy: who gets a second start-up, how long the boot CPU waits, who was slow.
HOST_TESTS += smp_arrival
smp_arrival_SRCS := tests/host/test_smp_arrival.c arch/x86_64/smp_arrival.c
