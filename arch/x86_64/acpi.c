/*
 * The kernel side of ACPI: finds the RSDP (multiboot2 tag 15, tag 14, then
 * the legacy BIOS scan), lists the tables, reads the MADT (CPUs), the FADT
 * (PM timer, PM1 control) and \_S5 in the DSDT (power-off). The parsing is
 * arch/x86_64/acpi_tables.c, pure and host-tested; this file prints.
 */
#include "arch/x86_64/acpi.h"
#include "kernel/multiboot2.h"
#include "kernel/kprintf.h"
#include "kernel/platform.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "arch/x86_64/paging.h"

#define MAP_TOP (4ULL << 30)

struct acpi_state acpi;

/* Tables below 4 GiB are in the boot identity map; firmware may put them
 * anywhere, so those above are mapped on demand (write-back: ACPI tables live
 * in RAM the memory map calls ACPI reclaim or NVS). */
static const void *map(u64 phys, size_t len, void *ctx)
{
	(void)ctx;
	if (!phys || len > ~0ULL - phys)
		return 0;
	if (phys < MAP_TOP && len <= MAP_TOP - phys)
		return (const void *)(uintptr_t)phys;
	return paging_map_phys(phys, len, MEM_WB);
}

static void note(const struct acpi_problem *p, void *ctx)
{
	(void)ctx;
	acpi.problems++;
	kprintf("acpi: problem: %s in table '%s' at 0x%lx (length %u); not trusted\n",
		acpi_status_str(p->status), p->sig, p->phys, p->length);
}

static const struct acpi_mem mem = { map, note, 0 };

static bool find_rsdp(const struct mb2_info *mb)
{
	if (mb->rsdp_new && acpi_rsdp_check(mb->rsdp_new, mb->rsdp_new_len, &acpi.rsdp) == ACPI_OK) {
		acpi.rsdp_source = "multiboot2 tag 15 (ACPI 2.0+)";
		return true;
	}
	if (mb->rsdp_old && acpi_rsdp_check(mb->rsdp_old, mb->rsdp_old_len, &acpi.rsdp) == ACPI_OK) {
		acpi.rsdp_source = "multiboot2 tag 14 (ACPI 1.0)";
		return true;
	}
	if (acpi_rsdp_find_legacy(&mem, &acpi.rsdp) == ACPI_OK) {
		acpi.rsdp_source = "BIOS area scan";
		return true;
	}
	return false;
}

static void read_madt(const struct acpi_root *root)
{
	struct acpi_table t;
	if (acpi_find_table(&mem, root, "APIC", 0, &t) != ACPI_OK) {
		kprintf("acpi: no valid MADT: only the boot CPU will run\n");
		return;
	}
	/* count first, then store all usable CPUs: no fixed limit */
	enum acpi_status st = acpi_parse_madt(t.ptr, t.length, &acpi.madt, 0, 0);
	u32 n = acpi.madt.cpus_total;
	u64 pages = ALIGN_UP((u64)n * sizeof(struct madt_cpu), PAGE_SIZE) / PAGE_SIZE;
	acpi.cpus = n ? (struct madt_cpu *)(uintptr_t)page_alloc(pages ? pages : 1) : 0;
	if (n && !acpi.cpus) {
		kprintf("acpi: out of memory for %u CPU entries\n", n);
		return;
	}
	st = acpi_parse_madt(t.ptr, t.length, &acpi.madt, acpi.cpus, n);
	if (st != ACPI_OK)
		kprintf("acpi: MADT entry problem at offset %u: %s; using the %u CPUs before it\n",
			acpi.madt.entry_offset, acpi_status_str(st), acpi.madt.cpus_stored);
	acpi.madt_ok = acpi.madt.cpus_stored > 0;
	const struct madt_info *m = &acpi.madt;
	kprintf("acpi: MADT rev %u: %u usable CPUs (%u enabled, %u online-capable, %u disabled), "
		"max APIC ID %u, %u I/O APIC(s), local APIC at 0x%lx\n",
		m->revision, m->cpus_total, m->cpus_enabled, m->cpus_online_capable, m->cpus_disabled,
		m->max_apic_id, m->ioapic_count, m->lapic_addr);
	if (m->duplicates)
		kprintf("acpi: MADT lists APIC ID %u (and %u more) twice; counted once\n",
			m->first_duplicate_id, m->duplicates - 1);
}

static void read_fadt(const struct acpi_root *root)
{
	struct acpi_table t, d;
	if (acpi_find_table(&mem, root, "FACP", 0, &t) != ACPI_OK ||
	    acpi_parse_fadt(t.ptr, t.length, &acpi.fadt) != ACPI_OK) {
		kprintf("acpi: no valid FADT: no ACPI power-off\n");
		return;
	}
	acpi.fadt_ok = true;
	u8 a = 0, b = 0;
	enum acpi_status st = ACPI_ERR_NOT_FOUND;
	if (acpi_table_at(&mem, acpi.fadt.dsdt, "DSDT", &d) == ACPI_OK)
		st = acpi_find_s5(d.ptr, d.length, &a, &b);
	if (st == ACPI_OK) {	/* PM1a_CNT or the hardware-reduced sleep registers: acpi_power.c decides */
		platform.s5_ok = true;
		platform.pm1a_cnt = acpi.fadt.pm1a_cnt;
		platform.pm1b_cnt = acpi.fadt.pm1b_cnt;
		platform.slp_typa = a;
		platform.slp_typb = b;
	}
	kprintf("acpi: FADT rev %u: PM1a_CNT 0x%x, PM timer 0x%x (%s), \\_S5 %s (SLP_TYPa %u)\n",
		acpi.fadt.revision, acpi.fadt.pm1a_cnt, acpi.fadt.pm_tmr,
		acpi.fadt.pm_tmr_32bit ? "32-bit" : "24-bit",
		st == ACPI_OK ? "found" : acpi_status_str(st), a);
}

static void read_hpet(const struct acpi_root *root)
{
	struct acpi_table t;
	if (acpi_find_table(&mem, root, "HPET", 0, &t) != ACPI_OK)
		return;                      /* none: the timer line says so */
	enum acpi_status st = acpi_parse_hpet(t.ptr, t.length, &acpi.hpet);
	if (st != ACPI_OK) {
		kprintf("acpi: HPET table at 0x%lx: %s (address space %u, address 0x%lx); HPET not used\n",
			t.phys, acpi_status_str(st), acpi.hpet.base.space_id, acpi.hpet.base.address);
		return;
	}
	acpi.hpet_ok = true;
}

void acpi_init(const struct mb2_info *mb)
{
	if (!find_rsdp(mb)) {
		kprintf("acpi: no valid RSDP (multiboot2 tags 14/15, BIOS area): boot CPU only, no ACPI power-off\n");
		return;
	}
	acpi.rsdp_ok = true;
	kprintf("acpi: RSDP rev %u OEM '%s' from %s, %s at 0x%lx\n", acpi.rsdp.revision, acpi.rsdp.oem_id,
		acpi.rsdp_source, acpi.rsdp.xsdt ? "XSDT" : "RSDT",
		acpi.rsdp.xsdt ? acpi.rsdp.xsdt : (u64)acpi.rsdp.rsdt);
	struct acpi_root root;
	if (acpi_root_open(&mem, &acpi.rsdp, &root) != ACPI_OK) {
		kprintf("acpi: the root table is not valid: boot CPU only\n");
		return;
	}
	char list[160] = "";
	size_t len = 0;
	for (u32 i = 0; i < root.count && len + 6 < sizeof(list); i++) {
		struct acpi_table t;
		if (acpi_root_entry(&mem, &root, i, &t) == ACPI_OK) {
			memcpy(list + len, t.sig, 4);
			list[len + 4] = ' ';
			len += 5;
			list[len] = 0;
		}
	}
	kprintf("acpi: tables: %s\n", list);
	read_madt(&root);
	read_fadt(&root);
	read_hpet(&root);
}

bool acpi_root_get(const struct acpi_mem **m, struct acpi_root *root)
{
	*m = &mem;
	return acpi.rsdp_ok && acpi_root_open(&mem, &acpi.rsdp, root) == ACPI_OK;
}
