FUZZERS += acpi
fuzz_acpi_SRCS := tests/fuzz/fuzz_acpi.c arch/x86_64/acpi_tables.c arch/x86_64/acpi_madt.c arch/x86_64/acpi_fadt.c arch/x86_64/acpi_aml.c
fuzz_acpi_SRCS += arch/x86_64/acpi_hpet.c
fuzz_acpi_SRCS += arch/x86_64/acpi_power.c
