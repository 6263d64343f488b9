# The KTAP result tree and its printer (formatting through kernel/format.c).
HOST_TESTS += ktap
ktap_SRCS := tests/host/test_ktap.c kernel/ktap.c kernel/format.c
