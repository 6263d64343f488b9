# The start-up IPI timing policy (Linux's rule) and its command-line overrides.
HOST_TESTS += smp_timing
smp_timing_SRCS := tests/host/test_smp_timing.c arch/x86_64/smp_timing.c arch/x86_64/cpuinfo.c \
	kernel/options.c kernel/cmdline.c kernel/format.c kernel/lib.c
