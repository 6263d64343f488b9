# Quiet waiting's pure decisions: the timer mode from CPUID.1:ECX and the
# self-checks, the one-shot timer's rate and counts, the wake-up slice, the
# pause back-off, udelay's sleep threshold, the INIT level de-assert rule.
HOST_TESTS += wait
wait_SRCS := tests/host/test_wait.c arch/x86_64/wait_policy.c
