HOST_TESTS += run_end
run_end_SRCS := tests/host/test_run_end.c kernel/run_end.c
