HOST_TESTS += acpi
acpi_SRCS := tests/host/test_acpi.c arch/x86_64/acpi_tables.c arch/x86_64/acpi_madt.c arch/x86_64/acpi_fadt.c arch/x86_64/acpi_aml.c
