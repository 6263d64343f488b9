FUZZERS += multiboot2
fuzz_multiboot2_SRCS := tests/fuzz/fuzz_multiboot2.c kernel/multiboot2.c
