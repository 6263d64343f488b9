# The human tables' CPU ranges: per-CPU rows grouped into kinds of identical rows.
HOST_TESTS += ranges
ranges_SRCS := tests/host/test_ranges.c kernel/ranges.c kernel/format.c
