# The page allocator over a host arena (an aligned_alloc'd buffer as 'physical' memory).
HOST_TESTS += pmm
pmm_SRCS := tests/host/test_pmm.c kernel/pmm.c
