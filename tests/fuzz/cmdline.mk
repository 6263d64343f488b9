FUZZERS += cmdline
fuzz_cmdline_SRCS := tests/fuzz/fuzz_cmdline.c kernel/cmdline.c
