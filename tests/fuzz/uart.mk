FUZZERS += uart
fuzz_uart_SRCS := tests/fuzz/fuzz_uart.c arch/x86_64/acpi_spcr.c arch/x86_64/acpi_tables.c arch/x86_64/pci_uart.c
