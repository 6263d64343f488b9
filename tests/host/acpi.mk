HOST_TESTS += acpi
acpi_SRCS := tests/host/test_acpi.c arch/x86_64/acpi_tables.c
