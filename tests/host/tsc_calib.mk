HOST_TESTS += tsc_calib
tsc_calib_SRCS := tests/host/test_tsc_calib.c arch/x86_64/tsc_calib.c kernel/format.c kernel/sort.c
