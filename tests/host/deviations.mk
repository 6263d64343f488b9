# The known-deviation table that every conformance XFAIL comes from.
HOST_TESTS += deviations
deviations_SRCS := tests/host/test_deviations.c vmx/deviations.c kernel/lib.c kernel/format.c
