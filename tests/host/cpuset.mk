# CPU sets for any CPU count, and vmx.cpus= kept as text until the MADT gives the count.
HOST_TESTS += cpuset
cpuset_SRCS := tests/host/test_cpuset.c kernel/cpuset.c kernel/cmdline.c kernel/format.c
