HOST_TESTS += cmdline
cmdline_SRCS := tests/host/test_cmdline.c kernel/cmdline.c
