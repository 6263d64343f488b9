/* ACPI tables for SMP bring-up and power-off: RSDP, RSDT/XSDT, MADT, FADT and
 * the \_S5 package in the DSDT (ACPI 6.5 chapter 5).
 *
 * Pure logic: no printing, no global state, no inline asm. Physical memory is
 * reached only through a caller-supplied mapper, so the host tests and the
 * fuzzer run the very same code over fake memory. Problems found on the way
 * (bad checksum, truncated table, ...) go to an optional note callback; the
 * kernel prints them and carries on with the tables it trusts. */
#ifndef ARCH_X86_64_ACPI_TABLES_H
#define ARCH_X86_64_ACPI_TABLES_H

#include "kernel/types.h"

enum acpi_status {
	ACPI_OK = 0,
	ACPI_ERR_NOT_FOUND,	/* no such table / RSDP / \_S5 */
	ACPI_ERR_SIGNATURE,	/* signature is not the expected one */
	ACPI_ERR_CHECKSUM,	/* bytes do not sum to 0 */
	ACPI_ERR_EXT_CHECKSUM,	/* RSDP 2.0 extended checksum bad (1.0 part good) */
	ACPI_ERR_SHORT,		/* length field shorter than the structure */
	ACPI_ERR_TOO_LONG,	/* length field implausibly large */
	ACPI_ERR_PAST_MAP,	/* length field runs past the mapped/given bytes */
	ACPI_ERR_UNMAPPED,	/* header not readable through the mapper */
	ACPI_ERR_NULL_ENTRY,	/* RSDT/XSDT entry is 0 */
	ACPI_ERR_BAD_ENTRY,	/* MADT entry length < 2 or past the table end */
	ACPI_ERR_ENTRY_SHORT,	/* MADT entry shorter than its type's structure */
	ACPI_ERR_MALFORMED,	/* AML bytes do not decode as expected */
	ACPI_ERR_UNSUPPORTED,	/* AML element is not a constant we can read */
};

/* Short English phrase for a status ("bad checksum", ...); never NULL. */
const char *acpi_status_str(enum acpi_status s);

/* Returns a pointer to [phys, phys+len) or NULL when that is not readable. */
typedef const void *(*acpi_map_fn)(u64 phys, size_t len, void *ctx);

/* One problem met while walking the tables (for the kernel to print). */
struct acpi_problem {
	enum acpi_status status;
	char sig[5];		/* table concerned, "" when unknown */
	u64 phys;		/* where it is */
	u32 length;		/* its length field, 0 when not read */
};
typedef void (*acpi_note_fn)(const struct acpi_problem *p, void *ctx);

struct acpi_mem {
	acpi_map_fn map;
	acpi_note_fn note;	/* may be NULL */
	void *ctx;		/* passed to both */
};

/* Tables longer than this are refused rather than checksummed. */
#define ACPI_TABLE_MAX_LEN (16u << 20)
#define ACPI_HDR_LEN 36u

/* ---- RSDP (5.2.5) ---- */
struct acpi_rsdp_info {
	u64 phys;		/* where it was found (scan), else 0 */
	char oem_id[7];
	u8 revision;		/* 0 = ACPI 1.0, >= 2 = 2.0+ */
	u32 rsdt;
	u64 xsdt;		/* 0 for revision 0 or bad extended checksum */
	u32 length;		/* 20 for revision 0 */
};

/* Checks the RSDP at p (len readable bytes): "RSD PTR ", 20-byte checksum,
 * and for revision >= 2 the length field (36..len) and extended checksum.
 * When only the 2.0 part is bad (ACPI_ERR_SHORT, _PAST_MAP, _EXT_CHECKSUM)
 * out still holds the checksummed 1.0 part with xsdt = 0: rsdt != 0 tells
 * a caller it may carry on with the RSDT. A 20-byte copy of a 2.0 RSDP
 * (multiboot2 tag 14) is a good 1.0 RSDP. */
enum acpi_status acpi_rsdp_check(const void *p, size_t len, struct acpi_rsdp_info *out);

/* Looks for a valid RSDP on 16-byte boundaries in [start, start+len); bad
 * candidates are noted and skipped. With no fully valid one, the first whose
 * 1.0 part is good is returned with its error (see acpi_rsdp_check). */
enum acpi_status acpi_rsdp_scan(const struct acpi_mem *mem, u64 start, u64 len,
				struct acpi_rsdp_info *out);

/* The legacy BIOS search (5.2.5.1): first KiB of the EBDA (segment at
 * 0x40E), then 0xE0000-0xFFFFF. Not on UEFI machines: use multiboot2 tags. */
enum acpi_status acpi_rsdp_find_legacy(const struct acpi_mem *mem, struct acpi_rsdp_info *out);

/* ---- System description tables (5.2.6-5.2.8) ---- */
struct acpi_table {
	u64 phys;
	const void *ptr;	/* mapped for length bytes (mapper's lifetime) */
	u32 length;
	char sig[5];
	u8 revision;
	char oem_id[7];
};

/* Maps and validates the table at phys: header mapped, sig (NULL: any),
 * length >= 36 and mapped in full, checksum 0. Problems are noted too. */
enum acpi_status acpi_table_at(const struct acpi_mem *mem, u64 phys, const char *sig,
			       struct acpi_table *out);

/* The root table: the XSDT when revision >= 2 and xsdt != 0 and it
 * validates, else the RSDT. */
struct acpi_root {
	u64 phys;
	u32 count;		/* number of entries */
	u8 entry_size;		/* 8 for the XSDT, 4 for the RSDT */
};
enum acpi_status acpi_root_open(const struct acpi_mem *mem, const struct acpi_rsdp_info *rsdp,
				struct acpi_root *root);

/* Entry i of the root, validated (use to list every table once at boot). */
enum acpi_status acpi_root_entry(const struct acpi_mem *mem, const struct acpi_root *root,
				 u32 i, struct acpi_table *out);

/* The index-th valid table with signature sig (4 chars); invalid ones with
 * that signature are noted and skipped, problems of other entries are left
 * to acpi_root_entry (so that each find does not repeat them). */
enum acpi_status acpi_find_table(const struct acpi_mem *mem, const struct acpi_root *root,
				 const char *sig, u32 index, struct acpi_table *out);

/* ---- MADT (5.2.12) ---- */
#define MADT_PCAT_COMPAT	BIT(0)	/* MADT flags: dual 8259 present */
#define MADT_CPU_ENABLED	BIT(0)	/* local (x2)APIC flags */
#define MADT_CPU_ONLINE_CAPABLE	BIT(1)	/* ACPI 6.3, MADT revision >= 5 */
#define MADT_MAX_IOAPICS	8
#define MADT_MAX_OVERRIDES	16

struct madt_cpu {
	u32 apic_id;
	u32 acpi_uid;
	u32 flags;		/* raw entry flags */
	u8 type;		/* 0 (local APIC) or 9 (local x2APIC) */
	bool enabled;		/* running now: start it */
	bool online_capable;	/* not enabled, may be brought online */
};

struct madt_ioapic {
	u8 id;
	u32 address;
	u32 gsi_base;
};

struct madt_override {		/* type 2: ISA IRQ source -> GSI */
	u8 bus;
	u8 source;
	u32 gsi;
	u16 flags;		/* polarity bits 1:0, trigger mode bits 3:2 */
};

struct madt_lapic_nmi {		/* type 4 (Local APIC NMI) / 0xA (Local x2APIC NMI) */
	u32 acpi_uid;		/* processor UID; MADT_NMI_ALL_CPUS: every CPU */
	u16 flags;		/* MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2 */
	u8 lint;		/* 0 = LINT0, 1 = LINT1 */
	u8 type;		/* 4 or 0xA */
};
#define MADT_NMI_ALL_CPUS	0xffffffffu	/* type 4 UID 0xFF is stored as this too */
#define MADT_MAX_LAPIC_NMIS	64

struct madt_info {
	u8 revision;
	u32 flags;		/* MADT_PCAT_COMPAT */
	u64 lapic_addr;		/* after any type 5 override */
	bool lapic_addr_overridden;
	u32 cpus_total;		/* usable CPUs, each APIC ID once */
	u32 cpus_stored;	/* min(cpus_total, max_cpus) */
	u32 cpus_enabled;
	u32 cpus_online_capable;
	u32 cpus_disabled;	/* listed, not usable */
	u32 cpus_invalid_id;	/* type 0 id 0xFF / type 9 id 0xFFFFFFFF, ignored */
	u32 duplicates;		/* usable entries repeating an earlier APIC ID */
	u32 first_duplicate_id;
	u32 max_apic_id;	/* among usable CPUs */
	bool needs_x2apic;	/* a usable APIC ID > 254 */
	u32 ioapic_count;	/* all listed; min(count, MADT_MAX_IOAPICS) stored */
	struct madt_ioapic ioapics[MADT_MAX_IOAPICS];
	u32 override_count;	/* all listed; min(count, MADT_MAX_OVERRIDES) stored */
	struct madt_override overrides[MADT_MAX_OVERRIDES];
	enum acpi_status entry_status;	/* first problem in the entry walk */
	u32 entry_offset;	/* its byte offset in the table */
	u32 lapic_nmi_count;	/* type 4 and 0xA entries listed */
	u32 lapic_nmi_bad_lint;	/* of those, LINT# not 0 or 1 (ignored) */
	u32 lapic_nmi_stored;	/* the others, up to MADT_MAX_LAPIC_NMIS */
	struct madt_lapic_nmi lapic_nmis[MADT_MAX_LAPIC_NMIS];
};

/* Parses the MADT (len readable bytes; the checksum is acpi_table_at's job).
 * Header problems (signature, length < 44 or > len) return an error and
 * parse nothing. A bad entry stops or skips as described by entry_status,
 * keeping what came before; the return value is then entry_status. */
enum acpi_status acpi_parse_madt(const void *madt, size_t len, struct madt_info *out,
				 struct madt_cpu *cpus, size_t max_cpus);

/* The local APIC NMI entry for LINT lint (0/1) of the CPU with ACPI
 * processor UID uid: an entry naming that UID wins over an all-CPUs entry
 * (UID 0xFF / 0xFFFFFFFF). NULL when the MADT lists none for it. */
const struct madt_lapic_nmi *acpi_madt_nmi_for(const struct madt_info *m, u32 uid, u8 lint);

/* ---- FADT (5.2.9) ---- */
#define FADT_F_TMR_VAL_EXT	BIT(8)	/* PM timer is 32 bits, else 24 */
#define FADT_F_RESET_REG_SUP	BIT(10)
#define FADT_F_HW_REDUCED_ACPI	BIT(20)	/* no PM1 blocks: S5 differs */
#define FADT_BOOT_LEGACY_DEVICES BIT(0)	/* IAPC_BOOT_ARCH */
#define FADT_BOOT_8042		BIT(1)

struct acpi_gas {		/* Generic Address Structure (5.2.3.2) */
	u8 space_id;		/* 0 memory, 1 system I/O */
	u8 bit_width;
	u8 bit_offset;
	u8 access_size;
	u64 address;
};
#define ACPI_GAS_MEMORY	0
#define ACPI_GAS_IO	1

/* ---- FADT PM timer (5.2.9: PM_TMR_BLK at 76, PM_TMR_LEN at 91, X_PM_TMR_BLK at 208) ---- */
struct acpi_pm_timer {
	u8 space_id;		/* ACPI_GAS_IO or ACPI_GAS_MEMORY */
	u64 address;		/* 0 = no PM timer */
	bool is_32bit;		/* flags bit 8 TMR_VAL_EXT, else 24-bit */
	u8 len;			/* PM_TMR_LEN: 4 when there is a timer */
};
#define ACPI_PM_TIMER_HZ	3579545u

struct acpi_fadt_info {
	u8 revision;
	u32 length;
	u64 dsdt;		/* X_DSDT when present and non-zero, else DSDT */
	u16 pm1a_cnt, pm1b_cnt;	/* I/O ports, 0 = absent */
	u16 pm1a_evt, pm1b_evt;
	u8 pm1_cnt_len, pm1_evt_len;
	u16 pm_tmr;		/* I/O port, 0 = absent */
	u8 pm_tmr_len;
	bool pm_tmr_32bit;	/* FADT_F_TMR_VAL_EXT */
	u32 flags;
	u16 sci_int;
	u32 smi_cmd;		/* write acpi_enable here to enter ACPI mode */
	u8 acpi_enable;
	u8 century;		/* CMOS index of the century, 0 = none */
	u16 iapc_boot_arch;	/* revision >= 2 only, else 0 */
	struct acpi_gas reset_reg;	/* valid when FADT_F_RESET_REG_SUP */
	u8 reset_value;
	struct acpi_pm_timer pm_timer;	/* acpi_fadt_pm_timer() */
	/* hardware-reduced ACPI (ACPI 5.0+, length >= 256 / 268), else zero */
	struct acpi_gas sleep_control;	/* SLEEP_CONTROL_REG, offset 244 */
	struct acpi_gas sleep_status;	/* SLEEP_STATUS_REG, offset 256 */
};

/* Parses the FADT ("FACP", len readable bytes, length field >= 116, the
 * ACPI 1.0 size). X_ fields are used when present inside the length. */
enum acpi_status acpi_parse_fadt(const void *fadt, size_t len, struct acpi_fadt_info *out);

/* ---- \_S5 (7.4.2, AML 20.2) ---- */
/* Finds Name(\_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}) in raw AML bytes. */
enum acpi_status acpi_aml_find_s5(const void *aml, size_t len, u8 *slp_typa, u8 *slp_typb);

/* The same over a whole DSDT/SSDT (header checked, AML after it scanned). */
enum acpi_status acpi_find_s5(const void *dsdt, size_t len, u8 *slp_typa, u8 *slp_typb);

/* PM1_CNT (4.8.3.2.1): SLP_TYP bits 12:10, SLP_EN bit 13. Writing the
 * result to PM1a_CNT (PM1b_CNT with SLP_TYPb) enters the sleep state. */
#define ACPI_PM1_SLP_TYP_SHIFT	10
#define ACPI_PM1_SLP_TYP_MASK	(7u << ACPI_PM1_SLP_TYP_SHIFT)
#define ACPI_PM1_SLP_EN		(1u << 13)
static inline u16 acpi_pm1_cnt_sleep(u16 current, u8 slp_typ)
{
	return (u16)((current & ~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN)) |
		     ((u32)(slp_typ & 7) << ACPI_PM1_SLP_TYP_SHIFT) | ACPI_PM1_SLP_EN);
}

/* ---- xAPIC or x2APIC (SDM vol. 3A 11.12) ---- */
enum apic_mode { APIC_MODE_XAPIC, APIC_MODE_X2APIC };

struct apic_mode_choice {
	enum apic_mode mode;
	const char *reason;	/* why this mode */
	const char *warning;	/* NULL, or something the kernel must print */
	bool high_ids_unreachable;	/* APIC IDs >= 255 cannot be started */
};

/* cpu_has_x2apic: CPUID.1:ECX[21]; firmware_x2apic: IA32_APIC_BASE.EXTD
 * already set at boot; high_ids: the MADT lists a usable APIC ID > 254;
 * force_xapic: "apic=xapic" on the command line. */
struct apic_mode_choice acpi_apic_mode_choice(bool cpu_has_x2apic, bool firmware_x2apic,
					      bool high_ids, bool force_xapic);

/* ---- HPET (IA-PC HPET spec 1.0a, 3.2.4 table; 2.3 registers) ---- */
#define ACPI_HPET_LEN		56u
struct acpi_hpet_info {
	u32 block_id;		/* Event Timer Block ID, raw */
	u8 hw_rev;		/* bits 7:0 */
	u8 comparators;		/* bits 12:8, plus one */
	bool counter_64bit;	/* bit 13 COUNT_SIZE_CAP, as the table claims it */
	bool legacy_replacement;	/* bit 15 */
	u16 pci_vendor;		/* bits 31:16 */
	struct acpi_gas base;	/* the register block: system memory */
	u8 number;		/* HPET sequence number */
	u16 min_tick;		/* main counter minimum clock tick in periodic mode */
	u8 page_protection;
};

/* Parses the HPET table (len readable bytes; checksum: acpi_table_at's job).
 * Header problems return an error with out zeroed. A base address not in
 * system memory returns ACPI_ERR_UNSUPPORTED, a zero one ACPI_ERR_MALFORMED,
 * both with out filled. */
enum acpi_status acpi_parse_hpet(const void *hpet, size_t len, struct acpi_hpet_info *out);

#define HPET_REG_GCAP_ID	0x000	/* general capabilities and ID, 64-bit */
#define HPET_REG_CONFIG		0x010	/* general configuration */
#define HPET_REG_COUNTER	0x0f0	/* main counter value */
#define HPET_CFG_ENABLE		BIT(0)	/* ENABLE_CNF: the main counter runs */
#define HPET_CAP_COUNT_SIZE	BIT(13)	/* COUNT_SIZE_CAP: 64-bit main counter */
#define HPET_PERIOD_MAX_FS	100000000u	/* 100 ns: the spec's slowest tick */

struct hpet_caps {
	u32 period_fs;		/* COUNTER_CLK_PERIOD, bits 63:32 */
	u64 hz;			/* 10^15 / period_fs */
	bool counter_64bit;
	u8 rev_id;		/* bits 7:0, must not be 0 */
	u8 timers;		/* NUM_TIM_CAP (bits 12:8) plus one */
	u16 vendor;		/* bits 31:16 */
};

/* Decodes the capabilities register. ACPI_ERR_NOT_FOUND when it reads all
 * ones or all zeros (nothing answers there), ACPI_ERR_MALFORMED when the
 * period is 0 or above HPET_PERIOD_MAX_FS or the revision is 0. */
enum acpi_status hpet_decode_caps(u64 gcap, struct hpet_caps *out);


/* The PM timer of a parsed FADT (raw table f of f_len bytes, already checked
 * by acpi_parse_fadt): X_PM_TMR_BLK when the table has it and it is a
 * non-zero I/O or memory address, else PM_TMR_BLK (I/O). */
void acpi_fadt_pm_timer(const void *f, size_t f_len, struct acpi_pm_timer *out);

#endif
