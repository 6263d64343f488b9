# The bench.boot phase table.
HOST_TESTS += bench_boot
bench_boot_SRCS := tests/host/test_bench_boot.c kernel/bench_boot_lines.c kernel/format.c
