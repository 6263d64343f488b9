/* How to power off (ACPI S5) and reset a PC, as lists of register writes.
 *
 * Pure: from the decoded FADT, the \_S5 values and the PM1 control values
 * read a moment before, each function returns the exact writes, waits and
 * delays to perform, in order; kernel/platform.c carries them out and the
 * host tests (tests/host/test_acpi_power.c) check them. References: ACPI 6.5
 * 4.8.3.2.1 (PM1 control), 4.8.3.7 (sleep control/status registers of
 * hardware-reduced ACPI), 4.8.4.6 (reset register), 5.2.9 (FADT), 16.1.6-7
 * (entering S5), and ACPICA's acpi_hw_legacy_sleep / acpi_hw_extended_sleep /
 * acpi_enable, Linux's native_machine_emergency_restart for the reset order. */
#ifndef ARCH_X86_64_ACPI_POWER_H
#define ARCH_X86_64_ACPI_POWER_H

#include "arch/x86_64/acpi_tables.h"

enum acpi_op_kind {
	ACPI_OP_WRITE,		/* write value (width bytes) to addr in space */
	ACPI_OP_WAIT_SET,	/* read width bytes at addr until (v & mask) == mask, at most us */
	ACPI_OP_WAIT_CLEAR,	/* ... until (v & mask) == 0 */
	ACPI_OP_DELAY,		/* wait us microseconds */
	ACPI_OP_TRIPLE_FAULT,	/* load an empty IDT and raise an exception */
};

struct acpi_op {
	u8 kind;		/* enum acpi_op_kind */
	u8 space;		/* ACPI_GAS_IO or ACPI_GAS_MEMORY */
	u8 width;		/* bytes: 1, 2 or 4 */
	u64 addr;		/* I/O port or physical address */
	u32 value;		/* WRITE: the value */
	u32 mask;		/* WAIT_*: the bits */
	u32 us;			/* DELAY: the time; WAIT_*: the timeout */
	const char *what;	/* for the log: "PM1a_CNT: SLP_TYP", ... */
};

#define ACPI_PLAN_MAX 16
struct acpi_plan {
	u32 n;
	struct acpi_op op[ACPI_PLAN_MAX];
	const char *note;	/* why nothing (or less) is planned; NULL when all is well */
};

/* PM1_CNT bits (4.8.3.2.1) besides SLP_TYP/SLP_EN (acpi_tables.h) */
#define ACPI_PM1_SCI_EN		(1u << 0)
#define ACPI_PM1_GBL_RLS	(1u << 2)	/* write-only: a 1 raises an SMI to firmware */
/* Sleep control/status registers of hardware-reduced ACPI (4.8.3.7) */
#define ACPI_SLEEP_CTL_TYP_SHIFT 2		/* SLP_TYPx, bits 4:2 */
#define ACPI_SLEEP_CTL_TYP_MASK	(7u << 2)
#define ACPI_SLEEP_CTL_EN	(1u << 5)
#define ACPI_SLEEP_STS_WAK	(1u << 7)	/* write 1 to clear */
/* ACPICA waits up to 3 s for SCI_EN after writing ACPI_ENABLE to SMI_CMD */
#define ACPI_ENABLE_TIMEOUT_US	3000000u
/* PCI reset control register (Intel PCH/ICH, QEMU PIIX3 and ICH9) */
#define PCI_RESET_CONTROL	0xcf9
#define CF9_SYS_RST		0x02	/* with RST_CPU going 0 -> 1: a hard reset */
#define CF9_RST_CPU		0x04
#define KBC_STATUS		0x64	/* 8042: bit 1 = input buffer full */
#define KBC_PULSE_RESET		0xfe

/* True when the FADT says hardware-reduced ACPI (flags bit 20, revision >= 5
 * tables; checked in the flags alone, as ACPICA does). */
bool acpi_fadt_hw_reduced(const struct acpi_fadt_info *f);

/* Entering ACPI mode (16.3.1 / ACPICA acpi_enable): needed when SCI_EN in
 * PM1a_CNT is clear. Plans SMI_CMD <- ACPI_ENABLE (a byte) then a wait for
 * SCI_EN, or nothing with a note saying why (already on, hardware-reduced,
 * no SMI_CMD or ACPI_ENABLE, SMI_CMD not an I/O port). */
void acpi_enable_plan(const struct acpi_fadt_info *f, u16 pm1a_cnt_now, struct acpi_plan *p);

/* ACPI S5 (soft off). Legacy hardware: PM1a_CNT (and PM1b_CNT when present)
 * read-modify-written keeping every other bit (SLP_EN and the write-only
 * GBL_RLS cleared), SLP_TYP first in both, then SLP_EN in both. Hardware-
 * reduced: WAK_STS cleared in SLEEP_STATUS_REG, then SLP_TYPa | SLP_EN
 * written to SLEEP_CONTROL_REG. With nothing to write, p->n = 0 and a note. */
void acpi_s5_plan(const struct acpi_fadt_info *f, u8 slp_typa, u8 slp_typb,
		  u16 pm1a_cnt_now, u16 pm1b_cnt_now, struct acpi_plan *p);

/* Reset, each method given time to act before the next: the FADT RESET_REG
 * (only with FADT revision >= 2 and flags bit 10, in I/O, memory or PCI
 * configuration space of bus 0), then port 0xCF9 (SYS_RST, 50 us, SYS_RST |
 * RST_CPU), then the keyboard controller's pulse (0xFE to port 0x64 once
 * its input buffer is empty), then a triple fault. p->note says why the
 * reset register was skipped, when it was. */
void acpi_reset_plan(const struct acpi_fadt_info *f, struct acpi_plan *p);

/* Milliseconds each method gets before the next is tried. */
#define ACPI_RESET_WAIT_US	100000u

#endif
