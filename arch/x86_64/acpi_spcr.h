/* SPCR, the Serial Port Console Redirection table (Microsoft's SPCR spec,
 * revisions 1-4; interface types from the DBG2 spec): which UART the
 * firmware's console is on. Pure, like the other decoders of acpi_tables.h;
 * the rules follow Linux drivers/acpi/spcr.c (access width -> register
 * stride, baud-rate codes, 0 = "as configured"). */
#ifndef ARCH_X86_64_ACPI_SPCR_H
#define ARCH_X86_64_ACPI_SPCR_H

#include "arch/x86_64/acpi_tables.h"

#define SPCR_MIN_LEN		80u	/* revision 1 and 2 tables */
#define SPCR_16550		0x00	/* fully 16550-compatible */
#define SPCR_16550_SUBSET	0x01	/* 16550 subset (DBGP revision 1) */
#define SPCR_16550_GAS		0x12	/* 16550-compatible with parameters from the GAS */
#define SPCR_DEFAULT_CLOCK	1843200u	/* the PC UART clock: 115200 baud = divisor 1 */

struct acpi_spcr_info {
	u8 revision;
	u8 interface_type;
	struct acpi_gas gas;	/* the base address structure as given */
	bool mmio;		/* system memory (else system I/O) */
	u64 address;
	u8 reg_width;		/* bytes per register access: 1, 2 or 4 */
	u8 reg_shift;		/* register i is at address + (i << reg_shift) */
	bool width_defaulted;	/* MMIO access size 0 or > 3: bytes, as Linux does */
	u32 baud;		/* 0: "as configured", keep the firmware's divisor */
	u32 clock_hz;		/* revision >= 3 UART clock, 0 when not given */
	u16 divisor;		/* to program at 8N1; 0 = keep the firmware's */
	u8 interrupt_type, irq;
	u32 gsi;
	u16 pci_device_id, pci_vendor_id;	/* 0xffff: not a PCI device */
	u8 pci_bus, pci_dev, pci_fn, pci_segment;
	const char *why_not;	/* NULL: usable; else why this UART is not used */
};

/* Parses an SPCR (len readable bytes; the checksum is acpi_table_at's job):
 * ACPI_ERR_SHORT/_SIGNATURE/_PAST_MAP for a header that does not hold one,
 * else ACPI_OK with out filled and out->why_not set when the table names a
 * port this kernel cannot drive (not a 16550, unknown address space or baud
 * code, address 0, a divisor out of range). */
enum acpi_status acpi_parse_spcr(const void *spcr, size_t len, struct acpi_spcr_info *out);

/* Finds the first valid "SPCR" through the root table and parses it; *t
 * gets the table (phys, revision) when one was found. */
enum acpi_status acpi_spcr_find(const struct acpi_mem *mem, const struct acpi_root *root,
				struct acpi_table *t, struct acpi_spcr_info *out);

#endif
