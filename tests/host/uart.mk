# The firmware-described UARTs: the ACPI SPCR decoder, PCI 16550 class and BAR choice.
HOST_TESTS += spcr pci_uart
spcr_SRCS := tests/host/test_spcr.c arch/x86_64/acpi_spcr.c arch/x86_64/acpi_tables.c
pci_uart_SRCS := tests/host/test_pci_uart.c arch/x86_64/pci_uart.c
# The bookkeeping of the ports in use: names, dedup by address, tags, the drop rule, the console: text.
HOST_TESTS += serial_ports
serial_ports_SRCS := tests/host/test_serial_ports.c kernel/serial_ports.c kernel/format.c
