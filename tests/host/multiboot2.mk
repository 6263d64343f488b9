HOST_TESTS += multiboot2
multiboot2_SRCS := tests/host/test_multiboot2.c kernel/multiboot2.c
