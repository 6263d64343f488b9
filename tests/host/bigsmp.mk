# The whole report for 1 to 4096 CPUs: KTAP tree (full and brief), CPU lists and sets.
HOST_TESTS += bigsmp
bigsmp_SRCS := tests/host/test_bigsmp.c kernel/ktap.c kernel/ktap_brief.c kernel/format.c kernel/pmm.c \
	kernel/cpuset.c kernel/cmdline.c arch/x86_64/acpi_madt.c arch/x86_64/acpi_tables.c
