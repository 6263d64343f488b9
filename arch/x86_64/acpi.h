#ifndef ARCH_X86_64_ACPI_H
#define ARCH_X86_64_ACPI_H

#include "kernel/types.h"
#include "arch/x86_64/acpi_tables.h"

struct mb2_info;

struct acpi_state {
	bool rsdp_ok;
	struct acpi_rsdp_info rsdp;
	const char *rsdp_source;     /* "multiboot2 tag 15", ... */
	bool madt_ok;
	struct madt_info madt;
	struct madt_cpu *cpus;       /* madt.cpus_stored entries */
	bool fadt_ok;
	struct acpi_fadt_info fadt;
	u32 problems;                /* bad checksums, truncated tables, ... */
	bool hpet_ok;                /* an HPET table with a memory base address */
	struct acpi_hpet_info hpet;
};
extern struct acpi_state acpi;

/* Find and check the tables; print what was found and every problem. */
void acpi_init(const struct mb2_info *mb);
/* The kernel's mapper and the root table, for decoders run later (SPCR). */
bool acpi_root_get(const struct acpi_mem **mem, struct acpi_root *root);

#endif
