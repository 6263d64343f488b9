# The interrupt code's pure decisions: LINT0/LINT1 from the MADT, acknowledging an
# unexpected vector, the 8259 remap sequence, the machine-check bank lines.
HOST_TESTS += irq
irq_SRCS := tests/host/test_irq.c arch/x86_64/irq_logic.c arch/x86_64/acpi_madt.c kernel/format.c
