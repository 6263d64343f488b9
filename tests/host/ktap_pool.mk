# The KTAP tree growing from the page allocator (the real pmm over a host arena).
HOST_TESTS += ktap_pool
ktap_pool_SRCS := tests/host/test_ktap_pool.c kernel/ktap.c kernel/format.c kernel/pmm.c
