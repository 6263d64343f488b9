HOST_TESTS += format
format_SRCS := tests/host/test_format.c kernel/format.c
