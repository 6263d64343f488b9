HOST_TESTS += acpi_hpet
acpi_hpet_SRCS := tests/host/test_acpi_hpet.c arch/x86_64/acpi_hpet.c arch/x86_64/acpi_fadt.c arch/x86_64/acpi_tables.c
