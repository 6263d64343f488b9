# ACPI S5, ACPI-mode entry and reset as planned register writes (arch/x86_64/acpi_power.c).
HOST_TESTS += acpi_power
acpi_power_SRCS := tests/host/test_acpi_power.c arch/x86_64/acpi_power.c arch/x86_64/acpi_fadt.c arch/x86_64/acpi_tables.c
