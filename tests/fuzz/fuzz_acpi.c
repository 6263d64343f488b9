/* libFuzzer target for arch/x86_64/acpi_tables.c. The input is a fake
 * physical memory image mapped at physical address 0: the RSDP scan, the
 * RSDT/XSDT walk, the MADT/FADT parsers and the \_S5 scan run over it, and
 * the raw parsers also run over the input as a table on its own. Nothing may
 * read outside the image (ASan) or do undefined arithmetic (UBSan).
 *
 * Bits of the first byte steer it: bit 6 plants an RSDP at 16 (see
 * plant_rsdp); bit 0 fixes the checksum of every "RSD PTR " and of every
 * RSDT, XSDT, APIC, FACP and DSDT header in the image, so that the fuzzer
 * reaches the parsers behind the checksum checks; bit 5 runs the legacy
 * BIOS search; bits 1-4 feed the APIC mode choice. The HPET table and
 * capabilities decoders and the FADT's PM timer block run over it too. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/acpi_power.h"

struct image {
	const u8 *buf;
	size_t len;
	unsigned notes;
};

static const void *image_map(u64 phys, size_t len, void *ctx)
{
	struct image *im = ctx;
	if (phys > im->len || len > im->len - phys)
		return NULL;
	return im->buf + phys;
}

static void image_note(const struct acpi_problem *p, void *ctx)
{
	struct image *im = ctx;
	/* what the kernel would print must be a string */
	im->notes += (unsigned)strlen(p->sig) + (unsigned)strlen(acpi_status_str(p->status));
}

static u32 rd32(const u8 *p)
{
	return p[0] | (u32)p[1] << 8 | (u32)p[2] << 16 | (u32)p[3] << 24;
}

static void fix(u8 *p, size_t n, size_t at)
{
	u8 s = 0;
	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s = (u8)(s + p[i]);
	p[at] = (u8)-s;
}

static void fix_checksums(u8 *img, size_t len)
{
	static const char *const sigs[] = { "RSDT", "XSDT", "APIC", "FACP", "DSDT", "HPET" };
	for (size_t off = 0; off + ACPI_HDR_LEN <= len; off++) {
		u8 *p = img + off;
		if (off % 16 == 0 && off + 36 <= len && !memcmp(p, "RSD PTR ", 8)) {
			fix(p, 20, 8);
			u32 l = rd32(p + 20);
			if (p[15] >= 2 && l >= 36 && l <= len - off)
				fix(p, l, 32);
			continue;
		}
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
			u32 l = rd32(p + 4);
			if (!memcmp(p, sigs[i], 4) && l >= ACPI_HDR_LEN && l <= len - off)
				fix(p, l, 9);
		}
	}
}

/* Writes an RSDP at 16 pointing where bytes 1-2 say, so that the fuzzer
 * need not discover the RSDP itself before it reaches the tables. */
static void plant_rsdp(u8 *img, size_t len, const u8 *data)
{
	u32 at = (u32)(data[1] | data[2] << 8) % (u32)len;
	u8 *r = img + 16;
	memcpy(r, "RSD PTR ", 8);
	r[15] = data[3] & 2;	/* revision 0 or 2 */
	memcpy(r + 16, &at, 4);	/* little-endian host */
	r[20] = 36; r[21] = r[22] = r[23] = 0;
	memcpy(r + 24, &at, 4);
	memset(r + 28, 0, 4);
}

static void parse_tables(const struct acpi_mem *mem, const struct acpi_rsdp_info *rsdp)
{
	struct acpi_root root;
	struct acpi_table t;
	struct madt_info mi;
	struct madt_cpu cpus[4];
	struct acpi_fadt_info fi;
	u8 a, b;

	if (acpi_root_open(mem, rsdp, &root) != ACPI_OK)
		return;
	for (u32 i = 0; i < root.count && i < 256; i++)
		acpi_root_entry(mem, &root, i, &t);
	for (u32 i = 0; acpi_find_table(mem, &root, "APIC", i, &t) == ACPI_OK && i < 4; i++)
		acpi_parse_madt(t.ptr, t.length, &mi, cpus, 4);
	struct acpi_hpet_info hi;
	if (acpi_find_table(mem, &root, "HPET", 0, &t) == ACPI_OK)
		acpi_parse_hpet(t.ptr, t.length, &hi);
	if (acpi_find_table(mem, &root, "FACP", 0, &t) != ACPI_OK)
		return;
	if (acpi_parse_fadt(t.ptr, t.length, &fi) != ACPI_OK)
		return;
	if (acpi_table_at(mem, fi.dsdt, "DSDT", &t) == ACPI_OK)
		acpi_find_s5(t.ptr, t.length, &a, &b);
}

/* The S5 / ACPI-mode / reset plans of any parsed FADT stay in bounds, write
 * only 1, 2 or 4 bytes, and a reset always ends in the triple fault. */
static void check_plans(const struct acpi_fadt_info *fi, u16 pm1a, u16 pm1b)
{
	struct acpi_plan p;
	acpi_enable_plan(fi, pm1a, &p);
	if (p.n > ACPI_PLAN_MAX || (p.n == 0 && !p.note))
		abort();
	acpi_s5_plan(fi, (u8)pm1a, (u8)pm1b, pm1a, pm1b, &p);
	if (p.n > ACPI_PLAN_MAX || (p.n == 0 && !p.note))
		abort();
	for (u32 i = 0; i < p.n; i++)
		if (p.op[i].kind != ACPI_OP_WRITE || (p.op[i].width != 1 && p.op[i].width != 2))
			abort();
	acpi_reset_plan(fi, &p);
	if (p.n < 1 || p.n > ACPI_PLAN_MAX || p.op[p.n - 1].kind != ACPI_OP_TRIPLE_FAULT)
		abort();
	for (u32 i = 0; i < p.n; i++)
		if (p.op[i].kind == ACPI_OP_WRITE && p.op[i].width != 1 && p.op[i].width != 4)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* exactly-sized copies, so that ASan sees a read one byte past */
	u8 *raw = malloc(size ? size : 1);
	u8 *img = malloc(size ? size : 1);
	memcpy(raw, data, size);
	memcpy(img, data, size);
	struct acpi_rsdp_info rsdp;
	struct madt_info mi;
	struct madt_cpu cpus[2];
	struct acpi_fadt_info fi;
	u8 a, b;

	/* the input as one structure */
	acpi_rsdp_check(raw, size, &rsdp);
	acpi_parse_madt(raw, size, &mi, cpus, 2);
	acpi_parse_madt(raw, size, &mi, NULL, 0);
	if (mi.lapic_nmi_stored > MADT_MAX_LAPIC_NMIS)
		__builtin_trap();
	u32 uid = size > 2 ? data[2] : 0;
	for (u8 lint = 0; lint < 3; lint++) {   /* the NMI entry lookup (arch/x86_64/irq.c) */
		const struct madt_lapic_nmi *n = acpi_madt_nmi_for(&mi, uid, lint);
		if (n && (n->lint != lint || (n->acpi_uid != uid && n->acpi_uid != MADT_NMI_ALL_CPUS)))
			__builtin_trap();
	}
	if (acpi_parse_fadt(raw, size, &fi) == ACPI_OK)
		check_plans(&fi, size >= 2 ? (u16)(data[0] | data[1] << 8) : 0, size >= 4 ? (u16)(data[2] | data[3] << 8) : 0);
	struct acpi_pm_timer pt;
	acpi_fadt_pm_timer(raw, size, &pt);
	struct acpi_hpet_info hi;
	acpi_parse_hpet(raw, size, &hi);
	struct hpet_caps hc;
	if (size >= 8)
		hpet_decode_caps(rd32(raw) | (u64)rd32(raw + 4) << 32, &hc);
	acpi_find_s5(raw, size, &a, &b);
	acpi_aml_find_s5(raw, size, &a, &b);

	/* the input as physical memory */
	if (size >= 64 && (data[0] & 64))
		plant_rsdp(img, size, data);
	if (size && (data[0] & 1))
		fix_checksums(img, size);
	struct image im = { .buf = img, .len = size };
	struct acpi_mem mem = { .map = image_map, .note = image_note, .ctx = &im };
	if (acpi_rsdp_scan(&mem, 0, size, &rsdp) != ACPI_ERR_NOT_FOUND)
		parse_tables(&mem, &rsdp);
	/* 8192 misses in the unmapped BIOS area make this slow: only sometimes */
	if (size > 0x410 && (data[0] & 32) && acpi_rsdp_find_legacy(&mem, &rsdp) != ACPI_ERR_NOT_FOUND)
		parse_tables(&mem, &rsdp);
	/* an RSDP handed over by the loader (multiboot2 tag 14/15) */
	if (size >= 36 && acpi_rsdp_check(img + size - 36, 36, &rsdp) != ACPI_ERR_NOT_FOUND)
		parse_tables(&mem, &rsdp);

	if (size) {
		struct apic_mode_choice c = acpi_apic_mode_choice(data[0] & 2, data[0] & 4,
								  data[0] & 8, data[0] & 16);
		if (!c.reason)
			abort();
	}
	free(img);
	free(raw);
	return 0;
}
