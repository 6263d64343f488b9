/* Host tests of arch/x86_64/acpi_tables.c: RSDP, RSDT/XSDT walk, MADT, FADT,
 * \_S5 and the xAPIC/x2APIC decision, over fake physical memory. Every table
 * is built here and its checksum computed, never pasted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/acpi_tables.h"
#include "tests/host/qemu_fadt.h"

/* ---- fake physical memory: regions of exactly-sized heap buffers ---- */

struct fake_mem {
	struct { u64 base; u8 *buf; size_t len; } r[16];
	int n;
	struct acpi_problem notes[32];
	int nnotes;
	struct acpi_mem mem;
};

static const void *fake_map(u64 phys, size_t len, void *ctx)
{
	struct fake_mem *m = ctx;
	for (int i = 0; i < m->n; i++) {
		u64 base = m->r[i].base;
		if (phys >= base && phys - base <= m->r[i].len && len <= m->r[i].len - (phys - base))
			return m->r[i].buf + (phys - base);
	}
	return NULL;
}

static void fake_note(const struct acpi_problem *p, void *ctx)
{
	struct fake_mem *m = ctx;
	if (m->nnotes < (int)ARRAY_SIZE(m->notes))
		m->notes[m->nnotes++] = *p;
}

static struct fake_mem *fake_new(void)
{
	struct fake_mem *m = calloc(1, sizeof(*m));
	m->mem = (struct acpi_mem){ .map = fake_map, .note = fake_note, .ctx = m };
	return m;
}

/* Maps a copy of len bytes of data at phys; returns the copy. */
static u8 *fake_put(struct fake_mem *m, u64 phys, const void *data, size_t len)
{
	assert_true(m->n < (int)ARRAY_SIZE(m->r));
	u8 *buf = malloc(len ? len : 1);
	if (data)
		memcpy(buf, data, len);
	else
		memset(buf, 0, len);
	m->r[m->n].base = phys;
	m->r[m->n].buf = buf;
	m->r[m->n].len = len;
	m->n++;
	return buf;
}

static void fake_free(struct fake_mem *m)
{
	for (int i = 0; i < m->n; i++)
		free(m->r[i].buf);
	free(m);
}

/* ---- table builder ---- */

static u8 sum(const u8 *p, size_t n)
{
	u8 s = 0;
	while (n--)
		s = (u8)(s + *p++);
	return s;
}

/* Sets p[at] so that the n bytes from p sum to zero. */
static void fix_checksum(u8 *p, size_t n, size_t at)
{
	p[at] = 0;
	p[at] = (u8)(0x100 - sum(p, n));
}

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

struct tb {
	u8 b[8192];
	u32 len;
};

static void tb_begin(struct tb *t, const char *sig, u8 rev)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->b, sig, 4);
	t->b[8] = rev;
	memcpy(t->b + 10, "BOCHS ", 6);
	memcpy(t->b + 16, "BXPC    ", 8);
	put32(t->b + 24, 1);
	memcpy(t->b + 28, "BXPC", 4);
	put32(t->b + 32, 1);
	t->len = ACPI_HDR_LEN;
}

static u8 *tb_grow(struct tb *t, size_t n)
{
	assert_true(t->len + n <= sizeof(t->b));
	u8 *p = t->b + t->len;
	t->len += (u32)n;
	return p;
}

static void tb_bytes(struct tb *t, const void *p, size_t n) { memcpy(tb_grow(t, n), p, n); }
static void tb_u32(struct tb *t, u32 v) { put32(tb_grow(t, 4), v); }
static void tb_u64(struct tb *t, u64 v) { put64(tb_grow(t, 8), v); }

/* Writes the length field and the checksum. */
static u8 *tb_finish(struct tb *t)
{
	put32(t->b + 4, t->len);
	fix_checksum(t->b, t->len, 9);
	return t->b;
}

/* RSDP of the given revision; both checksums computed. */
static void make_rsdp(u8 r[36], u8 rev, u32 rsdt, u64 xsdt)
{
	memset(r, 0, 36);
	memcpy(r, "RSD PTR ", 8);
	memcpy(r + 9, "BOCHS ", 6);
	r[15] = rev;
	put32(r + 16, rsdt);
	put32(r + 20, 36);
	put64(r + 24, xsdt);
	fix_checksum(r, 20, 8);
	fix_checksum(r, 36, 32);
}

/* ---- RSDP ---- */

static void rsdp_v0_good_checksum_is_accepted(void **state)
{
	(void)state;
	u8 r[36];
	struct acpi_rsdp_info info;
	make_rsdp(r, 0, 0x7fe14d2, 0);
	assert_int_equal(acpi_rsdp_check(r, 20, &info), ACPI_OK);
	assert_string_equal(info.oem_id, "BOCHS ");
	assert_int_equal(info.revision, 0);
	assert_int_equal(info.rsdt, 0x7fe14d2);
	assert_int_equal(info.xsdt, 0);
	assert_int_equal(info.length, 20);
}

static void rsdp_v0_bad_checksum_is_refused(void **state)
{
	(void)state;
	u8 r[36];
	struct acpi_rsdp_info info;
	make_rsdp(r, 0, 0x7fe14d2, 0);
	r[16] ^= 1;
	assert_int_equal(acpi_rsdp_check(r, 20, &info), ACPI_ERR_CHECKSUM);
	assert_int_equal(info.rsdt, 0);
	make_rsdp(r, 0, 0x7fe14d2, 0);
	r[0] = 'X';
	assert_int_equal(acpi_rsdp_check(r, 20, &info), ACPI_ERR_SIGNATURE);
	assert_int_equal(acpi_rsdp_check(r, 19, &info), ACPI_ERR_SHORT);
}

static void rsdp_v2_gives_xsdt(void **state)
{
	(void)state;
	u8 r[36];
	struct acpi_rsdp_info info;
	make_rsdp(r, 2, 0x7fe0000, 0x17fe00000ULL);
	assert_int_equal(acpi_rsdp_check(r, 36, &info), ACPI_OK);
	assert_int_equal(info.revision, 2);
	assert_int_equal(info.rsdt, 0x7fe0000);
	assert_int_equal(info.xsdt, 0x17fe00000ULL);
	assert_int_equal(info.length, 36);
}

static void rsdp_v2_bad_extended_checksum_keeps_rsdt(void **state)
{
	(void)state;
	u8 r[36];
	struct acpi_rsdp_info info;
	make_rsdp(r, 2, 0x7fe0000, 0x7fe0100);
	r[24] ^= 0x10;	/* XSDT address: only the extended checksum covers it */
	assert_int_equal(acpi_rsdp_check(r, 36, &info), ACPI_ERR_EXT_CHECKSUM);
	assert_int_equal(info.rsdt, 0x7fe0000);
	assert_int_equal(info.xsdt, 0);
}

static void rsdp_v2_length_field_is_checked(void **state)
{
	(void)state;
	u8 r[36];
	struct acpi_rsdp_info info;
	make_rsdp(r, 2, 0x1000, 0x2000);
	put32(r + 20, 40);	/* longer than the 36 bytes we have */
	fix_checksum(r, 36, 32);
	assert_int_equal(acpi_rsdp_check(r, 36, &info), ACPI_ERR_PAST_MAP);
	put32(r + 20, 24);
	fix_checksum(r, 36, 32);
	assert_int_equal(acpi_rsdp_check(r, 36, &info), ACPI_ERR_SHORT);
	assert_int_equal(info.rsdt, 0x1000);
}

/* GRUB's multiboot2 tag 14 holds the first 20 bytes of whatever RSDP it found. */
static void rsdp_v2_20_byte_copy_is_a_v1_rsdp(void **state)
{
	(void)state;
	u8 r[36];
	struct acpi_rsdp_info info;
	make_rsdp(r, 2, 0x7fe0000, 0x7fe0100);
	assert_int_equal(acpi_rsdp_check(r, 20, &info), ACPI_OK);
	assert_int_equal(info.rsdt, 0x7fe0000);
	assert_int_equal(info.xsdt, 0);
}

static void rsdp_scan_skips_bad_candidate_before_good_one(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	u8 *bios = fake_put(m, 0xe0000, NULL, 0x20000);
	u8 r[36];
	make_rsdp(r, 0, 0xbad, 0);
	r[8] ^= 0xff;	/* bad checksum */
	memcpy(bios + 0x10, r, 20);
	make_rsdp(r, 0, 0x7fe14d2, 0);
	memcpy(bios + 0x15a48, r, 20);	/* not 16-byte aligned: must be ignored */
	memcpy(bios + 0x15a40 + 0x100, r, 20);
	struct acpi_rsdp_info info;
	assert_int_equal(acpi_rsdp_scan(&m->mem, 0xe0000, 0x20000, &info), ACPI_OK);
	assert_int_equal(info.phys, 0xf5b40);
	assert_int_equal(info.rsdt, 0x7fe14d2);
	assert_int_equal(m->nnotes, 1);
	assert_int_equal(m->notes[0].status, ACPI_ERR_CHECKSUM);
	assert_int_equal(m->notes[0].phys, 0xe0010);
	fake_free(m);
}

static void rsdp_scan_finds_nothing_in_empty_area(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	u8 *bios = fake_put(m, 0xe0000, NULL, 0x20000);
	u8 r[36];
	make_rsdp(r, 0, 0x1234, 0);
	memcpy(bios + 0x1fff0, r, 16);	/* cut off by the end of the range */
	struct acpi_rsdp_info info;
	assert_int_equal(acpi_rsdp_scan(&m->mem, 0xe0000, 0x20000, &info), ACPI_ERR_NOT_FOUND);
	/* unmapped range */
	assert_int_equal(acpi_rsdp_scan(&m->mem, 0x100000, 0x20000, &info), ACPI_ERR_NOT_FOUND);
	assert_int_equal(m->nnotes, 0);
	fake_free(m);
}

static void rsdp_scan_v2_with_bad_extended_checksum_is_a_fallback(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	u8 *bios = fake_put(m, 0xe0000, NULL, 0x20000);
	u8 r[36];
	make_rsdp(r, 2, 0x7fe0000, 0x7fe0100);
	r[32] ^= 1;
	memcpy(bios + 0x100, r, 36);
	struct acpi_rsdp_info info;
	assert_int_equal(acpi_rsdp_scan(&m->mem, 0xe0000, 0x20000, &info), ACPI_ERR_EXT_CHECKSUM);
	assert_int_equal(info.phys, 0xe0100);
	assert_int_equal(info.rsdt, 0x7fe0000);
	assert_int_equal(info.xsdt, 0);
	/* a good one later wins */
	make_rsdp(r, 2, 0x7fe0000, 0x7fe0100);
	memcpy(bios + 0x200, r, 36);
	assert_int_equal(acpi_rsdp_scan(&m->mem, 0xe0000, 0x20000, &info), ACPI_OK);
	assert_int_equal(info.phys, 0xe0200);
	assert_int_equal(info.xsdt, 0x7fe0100);
	fake_free(m);
}

static void rsdp_legacy_search_tries_ebda_first(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	u8 *low = fake_put(m, 0, NULL, 0xa0000);
	u8 *bios = fake_put(m, 0xe0000, NULL, 0x20000);
	u8 r[36];
	put16(low + 0x40e, 0x9f00);	/* EBDA at 0x9f000 */
	make_rsdp(r, 0, 0x1111, 0);
	memcpy(low + 0x9f000 + 0x30, r, 20);
	make_rsdp(r, 0, 0x2222, 0);
	memcpy(bios + 0xf00, r, 20);
	struct acpi_rsdp_info info;
	assert_int_equal(acpi_rsdp_find_legacy(&m->mem, &info), ACPI_OK);
	assert_int_equal(info.phys, 0x9f030);
	assert_int_equal(info.rsdt, 0x1111);
	/* RSDP beyond the EBDA's first KiB: the BIOS area's is found instead */
	memcpy(r, low + 0x9f030, 20);
	memset(low + 0x9f030, 0, 20);
	memcpy(low + 0x9f000 + 0x400, r, 20);
	assert_int_equal(acpi_rsdp_find_legacy(&m->mem, &info), ACPI_OK);
	assert_int_equal(info.phys, 0xe0f00);
	assert_int_equal(info.rsdt, 0x2222);
	/* no EBDA pointer */
	put16(low + 0x40e, 0);
	assert_int_equal(acpi_rsdp_find_legacy(&m->mem, &info), ACPI_OK);
	assert_int_equal(info.rsdt, 0x2222);
	fake_free(m);
}

/* ---- RSDT / XSDT ---- */

#define RSDT_AT 0x7fe0000ULL

/* A table with a signature and some body at phys; returns the mapped copy. */
static u8 *put_table(struct fake_mem *m, u64 phys, const char *sig, size_t body)
{
	struct tb t;
	tb_begin(&t, sig, 1);
	for (size_t i = 0; i < body; i++)
		tb_grow(&t, 1)[0] = (u8)(i * 7);
	tb_finish(&t);
	return fake_put(m, phys, t.b, t.len);
}

/* FACP, APIC (bad checksum), HPET, APIC (good) */
static void fill_tables(struct fake_mem *m)
{
	put_table(m, 0x7fe1000, "FACP", 80);
	u8 *bad = put_table(m, 0x7fe2000, "APIC", 40);
	bad[9]++;
	put_table(m, 0x7fe3000, "HPET", 20);
	put_table(m, 0x7fe4000, "APIC", 40);
}

static void rsdt_walk_skips_bad_checksum_table(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	struct tb t;
	fill_tables(m);
	tb_begin(&t, "RSDT", 1);
	tb_u32(&t, 0x7fe1000);
	tb_u32(&t, 0x7fe2000);
	tb_u32(&t, 0x7fe3000);
	tb_u32(&t, 0x7fe4000);
	fake_put(m, RSDT_AT, tb_finish(&t), t.len);

	struct acpi_rsdp_info rsdp = { .revision = 0, .rsdt = RSDT_AT };
	struct acpi_root root;
	struct acpi_table tbl;
	assert_int_equal(acpi_root_open(&m->mem, &rsdp, &root), ACPI_OK);
	assert_int_equal(root.entry_size, 4);
	assert_int_equal(root.count, 4);
	assert_int_equal(acpi_find_table(&m->mem, &root, "APIC", 0, &tbl), ACPI_OK);
	assert_int_equal(tbl.phys, 0x7fe4000);
	assert_int_equal(tbl.length, 76);
	assert_string_equal(tbl.sig, "APIC");
	assert_string_equal(tbl.oem_id, "BOCHS ");
	assert_int_equal(m->nnotes, 1);
	assert_int_equal(m->notes[0].status, ACPI_ERR_CHECKSUM);
	assert_string_equal(m->notes[0].sig, "APIC");
	assert_int_equal(m->notes[0].phys, 0x7fe2000);
	assert_int_equal(acpi_find_table(&m->mem, &root, "APIC", 1, &tbl), ACPI_ERR_NOT_FOUND);
	assert_null(tbl.ptr);
	assert_int_equal(acpi_find_table(&m->mem, &root, "FACP", 0, &tbl), ACPI_OK);
	assert_int_equal(tbl.phys, 0x7fe1000);
	assert_int_equal(acpi_find_table(&m->mem, &root, "SRAT", 0, &tbl), ACPI_ERR_NOT_FOUND);
	/* listing every entry validates each one */
	assert_int_equal(acpi_root_entry(&m->mem, &root, 1, &tbl), ACPI_ERR_CHECKSUM);
	assert_int_equal(acpi_root_entry(&m->mem, &root, 2, &tbl), ACPI_OK);
	assert_string_equal(tbl.sig, "HPET");
	assert_int_equal(acpi_root_entry(&m->mem, &root, 4, &tbl), ACPI_ERR_NOT_FOUND);
	fake_free(m);
}

static void xsdt_is_preferred_and_walked_with_8_byte_entries(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	struct tb t;
	fill_tables(m);
	put_table(m, 0x1234567000ULL, "SRAT", 8);	/* above 4 GiB */
	tb_begin(&t, "XSDT", 1);
	tb_u64(&t, 0x7fe1000);
	tb_u64(&t, 0x7fe2000);
	tb_u64(&t, 0x7fe3000);
	tb_u64(&t, 0x1234567000ULL);
	tb_u64(&t, 0x7fe4000);
	fake_put(m, 0x7fe0100, tb_finish(&t), t.len);
	tb_begin(&t, "RSDT", 1);	/* the RSDT knows only the FACP */
	tb_u32(&t, 0x7fe1000);
	fake_put(m, RSDT_AT, tb_finish(&t), t.len);

	struct acpi_rsdp_info rsdp = { .revision = 2, .rsdt = RSDT_AT, .xsdt = 0x7fe0100 };
	struct acpi_root root;
	struct acpi_table tbl;
	assert_int_equal(acpi_root_open(&m->mem, &rsdp, &root), ACPI_OK);
	assert_int_equal(root.entry_size, 8);
	assert_int_equal(root.count, 5);
	assert_int_equal(acpi_find_table(&m->mem, &root, "SRAT", 0, &tbl), ACPI_OK);
	assert_int_equal(tbl.phys, 0x1234567000ULL);
	assert_int_equal(acpi_find_table(&m->mem, &root, "APIC", 0, &tbl), ACPI_OK);
	assert_int_equal(tbl.phys, 0x7fe4000);
	assert_int_equal(m->nnotes, 1);
	assert_int_equal(m->notes[0].phys, 0x7fe2000);

	/* revision 0 ignores the XSDT */
	rsdp.revision = 0;
	assert_int_equal(acpi_root_open(&m->mem, &rsdp, &root), ACPI_OK);
	assert_int_equal(root.entry_size, 4);
	assert_int_equal(root.count, 1);
	fake_free(m);
}

static void bad_xsdt_falls_back_to_rsdt(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	struct tb t;
	fill_tables(m);
	tb_begin(&t, "XSDT", 1);
	tb_u64(&t, 0x7fe4000);
	u8 *x = fake_put(m, 0x7fe0100, tb_finish(&t), t.len);
	x[20] ^= 0x55;
	tb_begin(&t, "RSDT", 1);
	tb_u32(&t, 0x7fe4000);
	fake_put(m, RSDT_AT, tb_finish(&t), t.len);

	struct acpi_rsdp_info rsdp = { .revision = 2, .rsdt = RSDT_AT, .xsdt = 0x7fe0100 };
	struct acpi_root root;
	assert_int_equal(acpi_root_open(&m->mem, &rsdp, &root), ACPI_OK);
	assert_int_equal(root.entry_size, 4);
	assert_int_equal(root.phys, RSDT_AT);
	assert_int_equal(m->nnotes, 1);
	assert_int_equal(m->notes[0].status, ACPI_ERR_CHECKSUM);
	assert_string_equal(m->notes[0].sig, "XSDT");
	/* neither root usable */
	rsdp.rsdt = 0x5000;
	assert_int_equal(acpi_root_open(&m->mem, &rsdp, &root), ACPI_ERR_UNMAPPED);
	fake_free(m);
}

static void table_length_larger_than_mapping_is_refused(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	struct tb t;
	tb_begin(&t, "APIC", 1);
	tb_grow(&t, 100);
	tb_finish(&t);
	fake_put(m, 0x9000, t.b, t.len - 10);	/* the mapping ends early */
	struct acpi_table tbl;
	assert_int_equal(acpi_table_at(&m->mem, 0x9000, "APIC", &tbl), ACPI_ERR_PAST_MAP);
	assert_int_equal(m->notes[0].length, 136);
	assert_null(tbl.ptr);
	fake_free(m);
}

static void table_header_problems_are_reported(void **state)
{
	(void)state;
	struct fake_mem *m = fake_new();
	struct tb t;
	struct acpi_table tbl;
	tb_begin(&t, "APIC", 1);
	tb_finish(&t);
	put32(t.b + 4, 35);	/* shorter than the header */
	fake_put(m, 0x9000, t.b, 36);
	assert_int_equal(acpi_table_at(&m->mem, 0x9000, NULL, &tbl), ACPI_ERR_SHORT);
	put32(t.b + 4, 0xfffffff0);
	fake_put(m, 0xa000, t.b, 36);
	assert_int_equal(acpi_table_at(&m->mem, 0xa000, NULL, &tbl), ACPI_ERR_TOO_LONG);
	assert_int_equal(acpi_table_at(&m->mem, 0xa000, "FACP", &tbl), ACPI_ERR_SIGNATURE);
	assert_int_equal(acpi_table_at(&m->mem, 0xb000, NULL, &tbl), ACPI_ERR_UNMAPPED);
	assert_int_equal(acpi_table_at(&m->mem, 0, "DSDT", &tbl), ACPI_ERR_NULL_ENTRY);
	assert_int_equal(m->nnotes, 5);
	assert_string_equal(m->notes[4].sig, "DSDT");
	/* the note callback is optional */
	m->mem.note = NULL;
	assert_int_equal(acpi_table_at(&m->mem, 0xb000, NULL, &tbl), ACPI_ERR_UNMAPPED);
	fake_free(m);
}

/* ---- MADT ---- */

static void madt_begin(struct tb *t, u8 rev)
{
	tb_begin(t, "APIC", rev);
	tb_u32(t, 0xfee00000);
	tb_u32(t, MADT_PCAT_COMPAT);
}

static void madt_lapic(struct tb *t, u8 uid, u8 id, u32 flags)
{
	u8 *e = tb_grow(t, 8);
	e[0] = 0; e[1] = 8; e[2] = uid; e[3] = id;
	put32(e + 4, flags);
}

static void madt_x2apic(struct tb *t, u32 id, u32 flags, u32 uid)
{
	u8 *e = tb_grow(t, 16);
	e[0] = 9; e[1] = 16;
	put32(e + 4, id);
	put32(e + 8, flags);
	put32(e + 12, uid);
}

static void madt_ioapic(struct tb *t, u8 id, u32 addr, u32 gsi)
{
	u8 *e = tb_grow(t, 12);
	e[0] = 1; e[1] = 12; e[2] = id;
	put32(e + 4, addr);
	put32(e + 8, gsi);
}

static void madt_iso(struct tb *t, u8 src, u32 gsi, u16 flags)
{
	u8 *e = tb_grow(t, 10);
	e[0] = 2; e[1] = 10; e[2] = 0; e[3] = src;
	put32(e + 4, gsi);
	put16(e + 8, flags);
}

static void madt_lapic_nmi(struct tb *t)
{
	static const u8 nmi[] = { 4, 6, 0xff, 0, 0, 1 };
	tb_bytes(t, nmi, sizeof(nmi));
}

/* What QEMU 7.2 (pc) builds for -smp N, with the given APIC IDs. */
static void madt_qemu(struct tb *t, const u8 *ids, int n)
{
	madt_begin(t, 1);
	for (int i = 0; i < n; i++)
		madt_lapic(t, (u8)i, ids[i], MADT_CPU_ENABLED);
	madt_ioapic(t, 0, 0xfec00000, 0);
	madt_iso(t, 0, 2, 0);
	madt_iso(t, 5, 5, 0xd);
	madt_iso(t, 9, 9, 0xd);
	madt_iso(t, 10, 10, 0xd);
	madt_iso(t, 11, 11, 0xd);
	madt_lapic_nmi(t);
	tb_finish(t);
}

static void madt_qemu_4_cpus(void **state)
{
	(void)state;
	static const u8 ids[] = { 0, 1, 2, 3 };
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_qemu(&t, ids, 4);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.lapic_addr, 0xfee00000);
	assert_false(mi.lapic_addr_overridden);
	assert_int_equal(mi.flags, MADT_PCAT_COMPAT);
	assert_int_equal(mi.cpus_total, 4);
	assert_int_equal(mi.cpus_stored, 4);
	assert_int_equal(mi.cpus_enabled, 4);
	assert_int_equal(mi.cpus_disabled, 0);
	assert_int_equal(mi.max_apic_id, 3);
	assert_false(mi.needs_x2apic);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(cpus[i].apic_id, i);
		assert_int_equal(cpus[i].acpi_uid, i);
		assert_int_equal(cpus[i].type, 0);
		assert_true(cpus[i].enabled);
		assert_false(cpus[i].online_capable);
	}
	assert_int_equal(mi.ioapic_count, 1);
	assert_int_equal(mi.ioapics[0].address, 0xfec00000);
	assert_int_equal(mi.ioapics[0].gsi_base, 0);
	assert_int_equal(mi.override_count, 5);
	assert_int_equal(mi.overrides[0].source, 0);
	assert_int_equal(mi.overrides[0].gsi, 2);
	assert_int_equal(mi.overrides[4].source, 11);
	assert_int_equal(mi.overrides[4].flags, 0xd);
	assert_int_equal(mi.entry_status, ACPI_OK);
}

/* -smp 6,sockets=2,cores=3: each socket's cores are numbered to a power of two. */
static void madt_sparse_apic_ids(void **state)
{
	(void)state;
	static const u8 ids[] = { 0, 1, 2, 4, 5, 6 };
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_qemu(&t, ids, 6);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.cpus_total, 6);
	assert_int_equal(mi.max_apic_id, 6);
	for (int i = 0; i < 6; i++) {
		assert_int_equal(cpus[i].apic_id, ids[i]);
		assert_int_equal(cpus[i].acpi_uid, i);
	}
}

static void madt_disabled_and_online_capable_cpus(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_begin(&t, 5);	/* ACPI 6.3: bit 1 means Online Capable */
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	madt_lapic(&t, 1, 2, 0);			/* disabled, not hot-pluggable */
	madt_lapic(&t, 2, 4, MADT_CPU_ONLINE_CAPABLE);
	madt_lapic(&t, 3, 6, MADT_CPU_ENABLED);
	madt_x2apic(&t, 8, MADT_CPU_ONLINE_CAPABLE, 4);
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.cpus_total, 4);
	assert_int_equal(mi.cpus_enabled, 2);
	assert_int_equal(mi.cpus_online_capable, 2);
	assert_int_equal(mi.cpus_disabled, 1);
	assert_int_equal(cpus[1].apic_id, 4);
	assert_false(cpus[1].enabled);
	assert_true(cpus[1].online_capable);
	assert_int_equal(cpus[3].apic_id, 8);
	assert_true(cpus[3].online_capable);
	assert_int_equal(mi.max_apic_id, 8);

	/* before MADT revision 5 bit 1 was reserved: those CPUs are just disabled */
	t.b[8] = 4;
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.cpus_total, 2);
	assert_int_equal(mi.cpus_online_capable, 0);
	assert_int_equal(mi.cpus_disabled, 3);
	assert_int_equal(mi.max_apic_id, 6);
}

static void madt_x2apic_entries_past_254(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_begin(&t, 4);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	madt_lapic(&t, 1, 1, MADT_CPU_ENABLED);
	madt_x2apic(&t, 255, MADT_CPU_ENABLED, 2);
	madt_x2apic(&t, 300, MADT_CPU_ENABLED, 300);
	madt_lapic(&t, 7, 0xff, MADT_CPU_ENABLED);		/* broadcast ID: invalid */
	madt_x2apic(&t, 0xffffffff, MADT_CPU_ENABLED, 9);	/* likewise */
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.cpus_total, 4);
	assert_int_equal(mi.cpus_invalid_id, 2);
	assert_true(mi.needs_x2apic);
	assert_int_equal(mi.max_apic_id, 300);
	assert_int_equal(cpus[2].apic_id, 255);
	assert_int_equal(cpus[2].type, 9);
	assert_int_equal(cpus[3].apic_id, 300);
	assert_int_equal(cpus[3].acpi_uid, 300);

	/* the boundary: 254 is the last xAPIC ID, 255 the first x2APIC-only one */
	madt_begin(&t, 4);
	madt_x2apic(&t, 254, MADT_CPU_ENABLED, 0);
	madt_x2apic(&t, 300, 0, 1);	/* disabled: does not count */
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_false(mi.needs_x2apic);
	assert_int_equal(mi.max_apic_id, 254);
	put32(t.b + 44 + 4, 255);
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_true(mi.needs_x2apic);
}

static void madt_300_cpus_counted_beyond_storage(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[64];
	madt_begin(&t, 5);
	for (u32 i = 0; i < 300; i++)
		madt_x2apic(&t, i * 2, MADT_CPU_ENABLED, i);
	madt_ioapic(&t, 0, 0xfec00000, 0);
	tb_finish(&t);
	assert_true(t.len > 4096);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 64), ACPI_OK);
	assert_int_equal(mi.cpus_total, 300);
	assert_int_equal(mi.cpus_stored, 64);
	assert_int_equal(mi.max_apic_id, 598);
	assert_true(mi.needs_x2apic);
	assert_int_equal(cpus[63].apic_id, 126);
	assert_int_equal(mi.ioapic_count, 1);
	/* counting only */
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, NULL, 0), ACPI_OK);
	assert_int_equal(mi.cpus_total, 300);
	assert_int_equal(mi.cpus_stored, 0);
}

static void madt_duplicate_apic_id_counted_once(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_begin(&t, 4);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	madt_lapic(&t, 1, 1, MADT_CPU_ENABLED);
	madt_x2apic(&t, 1, MADT_CPU_ENABLED, 1);	/* same CPU again as type 9 */
	madt_x2apic(&t, 2, 0, 2);			/* disabled: not a duplicate... */
	madt_lapic(&t, 2, 2, MADT_CPU_ENABLED);		/* ...so this one counts */
	madt_lapic(&t, 3, 0, MADT_CPU_ENABLED);		/* ID 0 again */
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.cpus_total, 3);
	assert_int_equal(mi.cpus_stored, 3);
	assert_int_equal(mi.duplicates, 2);
	assert_int_equal(mi.first_duplicate_id, 1);
	assert_int_equal(cpus[1].type, 0);
	assert_int_equal(cpus[2].apic_id, 2);
	/* duplicates beyond the stored ones are still found */
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 1), ACPI_OK);
	assert_int_equal(mi.cpus_total, 3);
	assert_int_equal(mi.duplicates, 2);
}

static void madt_bad_checksum_is_skipped(void **state)
{
	(void)state;
	static const u8 ids[] = { 0, 1, 2, 3 };
	struct fake_mem *m = fake_new();
	struct tb t;
	struct acpi_table tbl;
	madt_qemu(&t, ids, 4);
	t.b[44 + 3] = 9;	/* an APIC ID changed after the checksum */
	fake_put(m, 0x7fe2000, t.b, t.len);
	assert_int_equal(acpi_table_at(&m->mem, 0x7fe2000, "APIC", &tbl), ACPI_ERR_CHECKSUM);
	assert_int_equal(m->notes[0].status, ACPI_ERR_CHECKSUM);
	assert_string_equal(acpi_status_str(m->notes[0].status), "bad checksum");
	fake_free(m);
}

static void madt_truncated_length_keeps_earlier_entries(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_begin(&t, 1);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	madt_lapic(&t, 1, 1, MADT_CPU_ENABLED);
	madt_x2apic(&t, 2, MADT_CPU_ENABLED, 2);
	tb_finish(&t);
	put32(t.b + 4, t.len - 5);	/* the length field cuts the x2APIC entry */
	fix_checksum(t.b, t.len - 5, 9);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_BAD_ENTRY);
	assert_int_equal(mi.entry_status, ACPI_ERR_BAD_ENTRY);
	assert_int_equal(mi.entry_offset, 60);
	assert_int_equal(mi.cpus_total, 2);
	assert_int_equal(cpus[1].apic_id, 1);
	/* a lone trailing byte */
	put32(t.b + 4, 61);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_BAD_ENTRY);
	assert_int_equal(mi.entry_offset, 60);
	/* header shorter than 44 */
	put32(t.b + 4, 40);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_SHORT);
	assert_int_equal(mi.cpus_total, 0);
	assert_int_equal(acpi_parse_madt(t.b, 43, &mi, cpus, 8), ACPI_ERR_SHORT);
	t.b[0] = 'X';
	put32(t.b + 4, 60);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_SIGNATURE);
}

static void madt_length_larger_than_mapping(void **state)
{
	(void)state;
	static const u8 ids[] = { 0, 1, 2, 3 };
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_qemu(&t, ids, 4);
	/* an exactly-sized copy, so ASan sees any read past it */
	u8 *copy = malloc(t.len - 1);
	memcpy(copy, t.b, t.len - 1);
	assert_int_equal(acpi_parse_madt(copy, t.len - 1, &mi, cpus, 8), ACPI_ERR_PAST_MAP);
	assert_int_equal(mi.cpus_total, 0);
	free(copy);
}

static void madt_entry_length_0_stops_the_walk(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	static const u8 zero[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	madt_begin(&t, 1);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	tb_bytes(&t, zero, sizeof(zero));
	madt_lapic(&t, 1, 1, MADT_CPU_ENABLED);
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_BAD_ENTRY);
	assert_int_equal(mi.entry_offset, 52);
	assert_int_equal(mi.cpus_total, 1);
	/* length 1 likewise; an entry running past the end too */
	t.b[53] = 1;
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_BAD_ENTRY);
	t.b[53] = 17;
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_BAD_ENTRY);
	assert_int_equal(mi.cpus_total, 1);
	/* length 16 skips both: parse goes on and ends cleanly */
	t.b[53] = 16;
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_int_equal(mi.cpus_total, 1);
}

static void madt_short_entry_is_skipped_and_reported(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	static const u8 short_lapic[] = { 0, 6, 1, 1, 1, 0 };
	static const u8 unknown[] = { 0x7f, 3, 0 };	/* unknown types are stepped over */
	madt_begin(&t, 1);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	tb_bytes(&t, short_lapic, sizeof(short_lapic));
	tb_bytes(&t, unknown, sizeof(unknown));
	madt_lapic(&t, 2, 2, MADT_CPU_ENABLED);
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_ERR_ENTRY_SHORT);
	assert_int_equal(mi.entry_offset, 52);
	assert_int_equal(mi.cpus_total, 2);
	assert_int_equal(cpus[1].apic_id, 2);
}

static void madt_lapic_override_and_ioapic_overflow(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[8];
	madt_begin(&t, 3);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	for (int i = 0; i < 10; i++)
		madt_ioapic(&t, (u8)i, 0xfec00000 + 0x1000 * (u32)i, 24 * (u32)i);
	for (int i = 0; i < 20; i++)
		madt_iso(&t, (u8)i, (u32)i, 0);
	u8 *e = tb_grow(&t, 12);
	e[0] = 5; e[1] = 12;
	put64(e + 4, 0x1fee00000ULL);
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 8), ACPI_OK);
	assert_true(mi.lapic_addr_overridden);
	assert_int_equal(mi.lapic_addr, 0x1fee00000ULL);
	assert_int_equal(mi.ioapic_count, 10);
	assert_int_equal(mi.ioapics[MADT_MAX_IOAPICS - 1].gsi_base, 24 * (MADT_MAX_IOAPICS - 1));
	assert_int_equal(mi.override_count, 20);
	assert_int_equal(mi.overrides[MADT_MAX_OVERRIDES - 1].source, MADT_MAX_OVERRIDES - 1);
}

/* ---- FADT ---- */

/* A FADT of the given revision and length with PM blocks at base. */
static void make_fadt(struct tb *t, u8 rev, u32 len, u16 base, u32 dsdt)
{
	tb_begin(t, "FACP", rev);
	tb_grow(t, len - ACPI_HDR_LEN);
	put32(t->b + 40, dsdt);
	put16(t->b + 46, 9);		/* SCI_INT */
	put32(t->b + 48, 0xb2);		/* SMI_CMD */
	t->b[52] = 0xf1;		/* ACPI_ENABLE */
	put32(t->b + 56, base);		/* PM1a_EVT_BLK */
	put32(t->b + 64, base + 4u);	/* PM1a_CNT_BLK */
	put32(t->b + 76, base + 8u);	/* PM_TMR_BLK */
	t->b[88] = 4;
	t->b[89] = 2;
	t->b[91] = 4;
	t->b[108] = 0x32;		/* CENTURY */
	/* WBINVD, PROC_C1, SLP_BUTTON, RTC_S4, RESET_REG_SUP, USE_PLATFORM_CLOCK */
	put32(t->b + 112, 0x000084a5);
	tb_finish(t);
}

static void put_gas(u8 *p, u8 space, u8 width, u64 addr)
{
	p[0] = space; p[1] = width; p[2] = 0; p[3] = 2;
	put64(p + 4, addr);
}

static void fadt_qemu_pm1a_0x604(void **state)
{
	(void)state;
	struct tb t;
	struct acpi_fadt_info fi;
	/* an ACPI 2.0-style FADT: revision 3, 244 bytes, X_ fields filled in */
	make_fadt(&t, 3, 244, 0x600, 0x7fe0040);
	put_gas(t.b + 148, ACPI_GAS_IO, 32, 0x600);
	put_gas(t.b + 172, ACPI_GAS_IO, 16, 0x604);
	put_gas(t.b + 208, ACPI_GAS_IO, 32, 0x608);
	put64(t.b + 140, 0x7fe0040);
	put16(t.b + 109, FADT_BOOT_8042);
	put_gas(t.b + 116, ACPI_GAS_IO, 8, 0xcf9);
	t.b[128] = 0x0f;
	tb_finish(&t);
	assert_int_equal(acpi_parse_fadt(t.b, t.len, &fi), ACPI_OK);
	assert_int_equal(fi.revision, 3);
	assert_int_equal(fi.pm1a_cnt, 0x604);
	assert_int_equal(fi.pm1b_cnt, 0);
	assert_int_equal(fi.pm1a_evt, 0x600);
	assert_int_equal(fi.pm_tmr, 0x608);
	assert_int_equal(fi.pm_tmr_len, 4);
	assert_false(fi.pm_tmr_32bit);	/* QEMU's PM timer counts 24 bits */
	assert_int_equal(fi.dsdt, 0x7fe0040);
	assert_int_equal(fi.sci_int, 9);
	assert_int_equal(fi.smi_cmd, 0xb2);
	assert_int_equal(fi.acpi_enable, 0xf1);
	assert_int_equal(fi.century, 0x32);
	assert_int_equal(fi.iapc_boot_arch, FADT_BOOT_8042);
	assert_true(fi.flags & FADT_F_RESET_REG_SUP);
	assert_int_equal(fi.reset_reg.space_id, ACPI_GAS_IO);
	assert_int_equal(fi.reset_reg.address, 0xcf9);
	assert_int_equal(fi.reset_value, 0x0f);

	/* QEMU pc + SeaBIOS, as our boot logs show it: revision 1, 116 bytes */
	make_fadt(&t, 1, 116, 0x600, 0x7fe0040);
	assert_int_equal(acpi_parse_fadt(t.b, t.len, &fi), ACPI_OK);
	assert_int_equal(fi.revision, 1);
	assert_int_equal(fi.pm1a_cnt, 0x604);
	assert_int_equal(fi.pm_tmr, 0x608);
	assert_false(fi.pm_tmr_32bit);
	assert_int_equal(fi.dsdt, 0x7fe0040);
}

static void fadt_bochs_pm1a_0xb004(void **state)
{
	(void)state;
	struct tb t;
	struct acpi_fadt_info fi;
	make_fadt(&t, 1, 116, 0xb000, 0x000fd0a0);
	put32(t.b + 112, 0);	/* 24-bit timer */
	t.b[109] = 0xff;	/* reserved in revision 1 */
	tb_finish(&t);
	assert_int_equal(acpi_parse_fadt(t.b, t.len, &fi), ACPI_OK);
	assert_int_equal(fi.pm1a_cnt, 0xb004);
	assert_int_equal(fi.pm_tmr, 0xb008);
	assert_false(fi.pm_tmr_32bit);
	assert_int_equal(fi.dsdt, 0xfd0a0);
	assert_int_equal(fi.iapc_boot_arch, 0);
	assert_int_equal(fi.reset_reg.address, 0);
}

static void fadt_x_fields_preferred_only_when_io_and_nonzero(void **state)
{
	(void)state;
	struct tb t;
	struct acpi_fadt_info fi;
	make_fadt(&t, 5, 276, 0x1800, 0x1000);
	put_gas(t.b + 172, ACPI_GAS_IO, 16, 0x1904);		/* X_PM1a_CNT wins */
	put_gas(t.b + 184, ACPI_GAS_MEMORY, 16, 0xfed00000);	/* X_PM1b_CNT: memory, ignored */
	put_gas(t.b + 208, ACPI_GAS_IO, 32, 0);			/* X_PM_TMR zero: ignored */
	put64(t.b + 140, 0x123456789000ULL);			/* X_DSDT wins */
	put32(t.b + 112, FADT_F_TMR_VAL_EXT);
	tb_finish(&t);
	assert_int_equal(acpi_parse_fadt(t.b, t.len, &fi), ACPI_OK);
	assert_true(fi.pm_tmr_32bit);
	assert_int_equal(fi.pm1a_cnt, 0x1904);
	assert_int_equal(fi.pm1b_cnt, 0);
	assert_int_equal(fi.pm_tmr, 0x1808);
	assert_int_equal(fi.dsdt, 0x123456789000ULL);
	/* an X_ field past the length is not read */
	put32(t.b + 4, 180);
	fix_checksum(t.b, 180, 9);
	assert_int_equal(acpi_parse_fadt(t.b, t.len, &fi), ACPI_OK);
	assert_int_equal(fi.pm1a_cnt, 0x1804);
	assert_int_equal(fi.dsdt, 0x123456789000ULL);
	/* X_DSDT zero: the 32-bit DSDT */
	put64(t.b + 140, 0);
	assert_int_equal(acpi_parse_fadt(t.b, t.len, &fi), ACPI_OK);
	assert_int_equal(fi.dsdt, 0x1000);
}

static void fadt_bad_header_refused(void **state)
{
	(void)state;
	struct tb t;
	struct acpi_fadt_info fi;
	make_fadt(&t, 1, 116, 0xb000, 0x1000);
	assert_int_equal(acpi_parse_fadt(t.b, 115, &fi), ACPI_ERR_SHORT);
	put32(t.b + 4, 117);
	assert_int_equal(acpi_parse_fadt(t.b, 116, &fi), ACPI_ERR_PAST_MAP);
	put32(t.b + 4, 100);
	assert_int_equal(acpi_parse_fadt(t.b, 116, &fi), ACPI_ERR_SHORT);
	t.b[0] = 'f';
	assert_int_equal(acpi_parse_fadt(t.b, 116, &fi), ACPI_ERR_SIGNATURE);
	assert_int_equal(fi.pm1a_cnt, 0);
}

/* ---- \_S5 ---- */

/* Runs acpi_aml_find_s5 over an exactly-sized heap copy. */
static enum acpi_status s5(const u8 *aml, size_t n, u8 *a, u8 *b)
{
	u8 *copy = malloc(n ? n : 1);
	memcpy(copy, aml, n);
	*a = *b = 0xee;
	enum acpi_status st = acpi_aml_find_s5(copy, n, a, b);
	free(copy);
	return st;
}

/* QEMU: aml_name_decl("_S5", Package(4){0,0,0,0}) inside Scope(\):
 * NameOp '_S5_' PackageOp PkgLength=6 (itself, NumElements, 4 x ZeroOp). */
static const u8 qemu_s5[] = { 0x10, 0x0e, '\\', 0x08, '_', 'S', '5', '_',
			      0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00, 0xa4, 0x00 };

static void s5_as_qemu_emits_it(void **state)
{
	(void)state;
	u8 a, b;
	assert_int_equal(s5(qemu_s5, sizeof(qemu_s5), &a, &b), ACPI_OK);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
}

static void s5_with_root_prefix_and_byte_prefix(void **state)
{
	(void)state;
	u8 a, b;
	/* Name (\_S5, Package (0x04) { 0x05, 0x05, Zero, Zero }) */
	static const u8 intel[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				    0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	assert_int_equal(s5(intel, sizeof(intel), &a, &b), ACPI_OK);
	assert_int_equal(a, 5);
	assert_int_equal(b, 5);
	/* Name (_S5, Package (0x04) { 0x07, Zero, Zero, Zero }): PCH style */
	static const u8 pch[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x07, 0x04,
				  0x0a, 0x07, 0x00, 0x00, 0x00 };
	assert_int_equal(s5(pch, sizeof(pch), &a, &b), ACPI_OK);
	assert_int_equal(a, 7);
	assert_int_equal(b, 0);
	/* One, WordPrefix, DWordPrefix, QWordPrefix */
	static const u8 wide[] = { '_', 'S', '5', '_', 0x12, 0x0a, 0x02, 0x0b, 0x06, 0x00,
				   0x0c, 0x03, 0, 0, 0 };
	assert_int_equal(s5(wide, sizeof(wide), &a, &b), ACPI_OK);
	assert_int_equal(a, 6);
	assert_int_equal(b, 3);
	static const u8 q[] = { '_', 'S', '5', '_', 0x12, 0x0c, 0x02, 0x01,
				0x0e, 4, 0, 0, 0, 0, 0, 0, 0 };
	assert_int_equal(s5(q, sizeof(q), &a, &b), ACPI_OK);
	assert_int_equal(a, 1);
	assert_int_equal(b, 4);
}

static void s5_multibyte_pkglength(void **state)
{
	(void)state;
	u8 a, b;
	/* PkgLength 0x13 in two bytes: lead 0x43 (1 byte follows, low nibble 3), 0x01 */
	u8 aml[5 + 0x13] = { '_', 'S', '5', '_', 0x12, 0x43, 0x01, 0x04, 0x0a, 0x03, 0x0a, 0x04 };
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), ACPI_OK);
	assert_int_equal(a, 3);
	assert_int_equal(b, 4);
	/* bits 5:4 of a multi-byte lead are reserved */
	aml[5] = 0x53;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), ACPI_ERR_MALFORMED);
	/* PkgLength one past the AML */
	aml[5] = 0x44;
	assert_int_equal(s5(aml, sizeof(aml), &a, &b), ACPI_ERR_MALFORMED);
}

static void s5_single_integer_holds_both_types(void **state)
{
	(void)state;
	u8 a, b;
	static const u8 one[] = { '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x07, 0x05 };
	assert_int_equal(s5(one, sizeof(one), &a, &b), ACPI_OK);
	assert_int_equal(a, 7);
	assert_int_equal(b, 5);
}

static void s5_truncated_aml_never_reads_past_end(void **state)
{
	(void)state;
	u8 a, b;
	static const u8 intel[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04,
				    0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
	for (size_t n = 0; n < sizeof(intel); n++) {
		enum acpi_status st = s5(intel, n, &a, &b);
		assert_int_not_equal(st, ACPI_OK);
		assert_int_equal(st, n < 7 ? ACPI_ERR_NOT_FOUND : ACPI_ERR_MALFORMED);
	}
	for (size_t n = 9; n < sizeof(qemu_s5); n++) {
		enum acpi_status st = s5(qemu_s5 + 3, n - 3, &a, &b);
		assert_int_equal(st, n - 3 < 12 ? ACPI_ERR_MALFORMED : ACPI_OK);
	}
}

static void s5_malformed_or_missing(void **state)
{
	(void)state;
	u8 a, b;
	static const u8 none[] = { 0x08, '_', 'S', '4', '_', 0x12, 0x06, 0x04, 0, 0, 0, 0 };
	assert_int_equal(s5(none, sizeof(none), &a, &b), ACPI_ERR_NOT_FOUND);
	static const u8 method[] = { 0x14, 0x08, '_', 'S', '5', '_', 0x00, 0xa4, 0x00 };
	assert_int_equal(s5(method, sizeof(method), &a, &b), ACPI_ERR_NOT_FOUND);
	static const u8 empty[] = { '_', 'S', '5', '_', 0x12, 0x02, 0x00 };
	assert_int_equal(s5(empty, sizeof(empty), &a, &b), ACPI_ERR_MALFORMED);
	static const u8 zero_elems[] = { '_', 'S', '5', '_', 0x12, 0x03, 0x00, 0x00 };
	assert_int_equal(s5(zero_elems, sizeof(zero_elems), &a, &b), ACPI_ERR_MALFORMED);
	/* a name reference (SS5A) as an element needs an interpreter */
	static const u8 named[] = { '_', 'S', '5', '_', 0x12, 0x07, 0x02, 'S', 'S', '5', 'A', 0, 0 };
	assert_int_equal(s5(named, sizeof(named), &a, &b), ACPI_ERR_UNSUPPORTED);
	/* two elements promised, one present */
	static const u8 half[] = { '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x01 };
	assert_int_equal(s5(half, sizeof(half), &a, &b), ACPI_ERR_MALFORMED);
	/* a bad match first, a good one later */
	u8 both[sizeof(named) + sizeof(qemu_s5)];
	memcpy(both, named, sizeof(named));
	memcpy(both + sizeof(named), qemu_s5, sizeof(qemu_s5));
	assert_int_equal(s5(both, sizeof(both), &a, &b), ACPI_OK);
	assert_int_equal(a, 0);
}

static void s5_in_a_whole_dsdt(void **state)
{
	(void)state;
	struct tb t;
	u8 a = 0xee, b = 0xee;
	tb_begin(&t, "DSDT", 1);
	static const u8 filler[] = { 0x10, 0x05, '_', 'S', 'B', '_', 0xa3 };
	tb_bytes(&t, filler, sizeof(filler));
	static const u8 bochs[] = { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04,
				    0x00, 0x00, 0x00, 0x00 };
	tb_bytes(&t, bochs, sizeof(bochs));
	tb_finish(&t);
	assert_int_equal(acpi_find_s5(t.b, t.len, &a, &b), ACPI_OK);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
	assert_int_equal(acpi_find_s5(t.b, t.len - 1, &a, &b), ACPI_ERR_PAST_MAP);
	put32(t.b + 4, t.len - 2);	/* the length field cuts the package */
	assert_int_equal(acpi_find_s5(t.b, t.len, &a, &b), ACPI_ERR_MALFORMED);
	memcpy(t.b, "FACP", 4);
	assert_int_equal(acpi_find_s5(t.b, t.len, &a, &b), ACPI_ERR_SIGNATURE);
	assert_int_equal(acpi_find_s5(t.b, 35, &a, &b), ACPI_ERR_SHORT);
}

static void pm1_cnt_sleep_value(void **state)
{
	(void)state;
	/* QEMU: SLP_TYP 0 -> 0x2000 with SCI_EN (bit 0) kept */
	assert_int_equal(acpi_pm1_cnt_sleep(0x0001, 0), 0x2001);
	/* Intel PCH S5: SLP_TYP 7; stale SLP_TYP bits cleared first */
	assert_int_equal(acpi_pm1_cnt_sleep(0x1401, 7), 0x3c01);
	assert_int_equal(acpi_pm1_cnt_sleep(0, 5), 0x3400);
	assert_int_equal(acpi_pm1_cnt_sleep(0, 0xff), 0x3c00);
}

/* ---- xAPIC / x2APIC ---- */

static void apic_mode_decision_table(void **state)
{
	(void)state;
	static const struct {
		bool has_x2, fw_x2, high, force_x;
		enum apic_mode mode;
		bool warns, unreachable;
	} rows[] = {
		/* has  fw     high   force   -> mode             warn   unreachable */
		{ false, false, false, false, APIC_MODE_XAPIC,  false, false },	/* QEMU TCG */
		{ false, false, false, true,  APIC_MODE_XAPIC,  false, false },
		{ false, false, true,  false, APIC_MODE_XAPIC,  true,  true },
		{ false, false, true,  true,  APIC_MODE_XAPIC,  true,  true },
		{ true,  false, false, false, APIC_MODE_X2APIC, false, false },	/* Bochs */
		{ true,  false, false, true,  APIC_MODE_XAPIC,  false, false },	/* apic=xapic */
		{ true,  false, true,  false, APIC_MODE_X2APIC, false, false },
		{ true,  false, true,  true,  APIC_MODE_X2APIC, true,  false },	/* refused */
		{ true,  true,  false, false, APIC_MODE_X2APIC, false, false },	/* UEFI */
		{ true,  true,  false, true,  APIC_MODE_X2APIC, true,  false },	/* refused */
		{ true,  true,  true,  false, APIC_MODE_X2APIC, false, false },
		{ true,  true,  true,  true,  APIC_MODE_X2APIC, true,  false },
		{ false, true,  false, false, APIC_MODE_X2APIC, true,  false },	/* CPUID lies */
	};
	for (size_t i = 0; i < ARRAY_SIZE(rows); i++) {
		struct apic_mode_choice c = acpi_apic_mode_choice(rows[i].has_x2, rows[i].fw_x2,
								  rows[i].high, rows[i].force_x);
		assert_non_null(c.reason);
		if (c.mode != rows[i].mode || (c.warning != NULL) != rows[i].warns ||
		    c.high_ids_unreachable != rows[i].unreachable) {
			print_error("row %zu: mode %d (%s) warning %s\n", i, c.mode, c.reason,
				    c.warning ? c.warning : "none");
			fail();
		}
	}
	struct apic_mode_choice c = acpi_apic_mode_choice(false, false, true, false);
	assert_string_equal(c.warning,
		"APIC IDs >= 255 listed but the CPU has no x2APIC: those CPUs cannot be started");
}

static void status_strings_are_distinct(void **state)
{
	(void)state;
	for (int i = ACPI_OK; i <= ACPI_ERR_UNSUPPORTED; i++) {
		assert_non_null(acpi_status_str(i));
		for (int j = ACPI_OK; j < i; j++)
			assert_string_not_equal(acpi_status_str(i), acpi_status_str(j));
	}
	assert_string_equal(acpi_status_str(999), "unknown ACPI status");
}

/* ---- MADT local APIC NMI entries (types 4 and 0xA) ---- */

static void madt_x2apic_nmi(struct tb *t, u16 flags, u32 uid, u8 lint)
{
	u8 *e = tb_grow(t, 12);
	memset(e, 0, 12);
	e[0] = 0xa; e[1] = 12;
	put16(e + 2, flags);
	put32(e + 4, uid);
	e[8] = lint;
}

/* QEMU 7.2: one type 4 entry, UID 0xFF (all CPUs), flags 0, LINT1. */
static void madt_nmi_entry_as_qemu_builds_it(void **state)
{
	(void)state;
	static const u8 ids[] = { 0, 1 };
	struct tb t;
	struct madt_info mi;
	struct madt_cpu cpus[4];
	madt_qemu(&t, ids, 2);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, cpus, 4), ACPI_OK);
	assert_int_equal(mi.lapic_nmi_count, 1);
	assert_int_equal(mi.lapic_nmi_stored, 1);
	assert_int_equal(mi.lapic_nmis[0].type, 4);
	assert_int_equal(mi.lapic_nmis[0].acpi_uid, MADT_NMI_ALL_CPUS);
	assert_int_equal(mi.lapic_nmis[0].flags, 0);
	assert_int_equal(mi.lapic_nmis[0].lint, 1);
	/* every CPU's LINT1, nobody's LINT0 */
	for (u32 uid = 0; uid < 2; uid++) {
		assert_ptr_equal(acpi_madt_nmi_for(&mi, cpus[uid].acpi_uid, 1), &mi.lapic_nmis[0]);
		assert_null(acpi_madt_nmi_for(&mi, cpus[uid].acpi_uid, 0));
	}
}

/* A server-style MADT: one entry per UID (active low, level in the flags),
 * an x2APIC entry for UID 300, and an all-CPUs x2APIC entry on LINT0. A
 * UID-specific entry wins over an all-CPUs one. */
static void madt_nmi_entries_per_uid_and_x2apic(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	madt_begin(&t, 4);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	madt_lapic(&t, 1, 2, MADT_CPU_ENABLED);
	madt_x2apic(&t, 300, MADT_CPU_ENABLED, 300);
	static const u8 nmi0[] = { 4, 6, 0, 0xf, 0, 1 };   /* UID 0, flags 0x000f, LINT1 */
	static const u8 nmi1[] = { 4, 6, 1, 0xd, 0, 1 };   /* UID 1, flags 0x000d, LINT1 */
	tb_bytes(&t, nmi0, sizeof(nmi0));
	tb_bytes(&t, nmi1, sizeof(nmi1));
	madt_x2apic_nmi(&t, 0x5, 300, 1);
	madt_x2apic_nmi(&t, 0, MADT_NMI_ALL_CPUS, 0);
	madt_x2apic_nmi(&t, 0, MADT_NMI_ALL_CPUS, 1);
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, 0, 0), ACPI_OK);
	assert_int_equal(mi.lapic_nmi_count, 5);
	assert_int_equal(mi.lapic_nmi_stored, 5);
	const struct madt_lapic_nmi *n = acpi_madt_nmi_for(&mi, 1, 1);
	assert_non_null(n);
	assert_int_equal(n->type, 4);
	assert_int_equal(n->acpi_uid, 1);
	assert_int_equal(n->flags, 0xd);
	n = acpi_madt_nmi_for(&mi, 300, 1);
	assert_non_null(n);
	assert_int_equal(n->type, 0xa);
	assert_int_equal(n->acpi_uid, 300);
	assert_int_equal(n->flags, 0x5);
	/* UID 7 has no entry of its own: the all-CPUs ones */
	n = acpi_madt_nmi_for(&mi, 7, 1);
	assert_non_null(n);
	assert_int_equal(n->acpi_uid, MADT_NMI_ALL_CPUS);
	n = acpi_madt_nmi_for(&mi, 0, 0);
	assert_non_null(n);
	assert_int_equal(n->type, 0xa);
	assert_int_equal(n->lint, 0);
}

/* LINT# 2 does not exist: counted, not stored; a short type 4 / 0xA entry
 * is reported like any other short entry and not decoded. */
static void madt_nmi_bad_lint_and_short_entries(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	madt_begin(&t, 1);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	static const u8 bad_lint[] = { 4, 6, 0xff, 0, 0, 2 };
	static const u8 short4[] = { 4, 5, 0xff, 0, 0 };
	tb_bytes(&t, bad_lint, sizeof(bad_lint));
	tb_bytes(&t, short4, sizeof(short4));
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, 0, 0), ACPI_ERR_ENTRY_SHORT);
	assert_int_equal(mi.lapic_nmi_count, 1);
	assert_int_equal(mi.lapic_nmi_bad_lint, 1);
	assert_int_equal(mi.lapic_nmi_stored, 0);
	assert_null(acpi_madt_nmi_for(&mi, 0, 1));
	assert_int_equal(mi.entry_offset, 44 + 8 + 6);
	madt_begin(&t, 1);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	static const u8 short_a[] = { 0xa, 11, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 0 };
	tb_bytes(&t, short_a, sizeof(short_a));
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, 0, 0), ACPI_ERR_ENTRY_SHORT);
	assert_int_equal(mi.lapic_nmi_count, 0);
}

/* More entries than MADT_MAX_LAPIC_NMIS: all counted, the first ones kept. */
static void madt_nmi_entries_beyond_storage(void **state)
{
	(void)state;
	struct tb t;
	struct madt_info mi;
	madt_begin(&t, 1);
	madt_lapic(&t, 0, 0, MADT_CPU_ENABLED);
	for (u32 i = 0; i < MADT_MAX_LAPIC_NMIS + 10; i++) {
		u8 e[6] = { 4, 6, (u8)i, 0, 0, 1 };
		tb_bytes(&t, e, sizeof(e));
	}
	tb_finish(&t);
	assert_int_equal(acpi_parse_madt(t.b, t.len, &mi, 0, 0), ACPI_OK);
	assert_int_equal(mi.lapic_nmi_count, MADT_MAX_LAPIC_NMIS + 10);
	assert_int_equal(mi.lapic_nmi_stored, MADT_MAX_LAPIC_NMIS);
	assert_non_null(acpi_madt_nmi_for(&mi, MADT_MAX_LAPIC_NMIS - 1, 1));
	assert_null(acpi_madt_nmi_for(&mi, MADT_MAX_LAPIC_NMIS, 1));
}

/* ---- FADT fields for ending a run, from real QEMU FADTs ---- */

static void fadt_real_qemu_pc_acpi_mode_fields(void **state)
{
	(void)state;
	struct acpi_fadt_info fi;
	assert_int_equal(acpi_parse_fadt(qemu_pc_fadt, sizeof qemu_pc_fadt, &fi), ACPI_OK);
	assert_int_equal(fi.revision, 1);
	assert_int_equal(fi.smi_cmd, 0xb2);		/* offset 48 */
	assert_int_equal(fi.acpi_enable, 0xf1);		/* offset 52 */
	assert_int_equal(fi.pm1a_cnt, 0x604);
	assert_int_equal(fi.pm1b_cnt, 0);
	assert_int_equal(fi.flags, 0x80a5);		/* offset 112 */
	assert_false(fi.flags & FADT_F_RESET_REG_SUP);
	assert_false(fi.flags & FADT_F_HW_REDUCED_ACPI);
	assert_int_equal(fi.reset_reg.address, 0);	/* a 116-byte table has none */
	assert_int_equal(fi.sleep_control.address, 0);
	assert_int_equal(fi.sleep_status.address, 0);
}

static void fadt_real_qemu_q35_reset_reg(void **state)
{
	(void)state;
	struct acpi_fadt_info fi;
	assert_int_equal(acpi_parse_fadt(qemu_q35_fadt, sizeof qemu_q35_fadt, &fi), ACPI_OK);
	assert_int_equal(fi.revision, 3);
	assert_int_equal(fi.smi_cmd, 0xb2);
	assert_int_equal(fi.acpi_enable, 0x02);		/* ICH9's APM value */
	assert_true(fi.flags & FADT_F_RESET_REG_SUP);	/* bit 10 */
	assert_false(fi.flags & FADT_F_HW_REDUCED_ACPI);
	assert_int_equal(fi.reset_reg.space_id, ACPI_GAS_IO);	/* GAS at 116 */
	assert_int_equal(fi.reset_reg.bit_width, 8);
	assert_int_equal(fi.reset_reg.address, 0xcf9);
	assert_int_equal(fi.reset_value, 0x0f);		/* offset 128 */
	assert_int_equal(fi.sleep_control.address, 0);	/* 244 bytes: no sleep registers */
}

static void fadt_real_qemu_microvm_hw_reduced_sleep_regs(void **state)
{
	(void)state;
	struct acpi_fadt_info fi;
	assert_int_equal(acpi_parse_fadt(qemu_microvm_fadt, sizeof qemu_microvm_fadt, &fi), ACPI_OK);
	assert_int_equal(fi.revision, 5);
	assert_int_equal(fi.length, 268);
	assert_true(fi.flags & FADT_F_HW_REDUCED_ACPI);	/* bit 20 */
	assert_true(fi.flags & FADT_F_RESET_REG_SUP);
	assert_int_equal(fi.pm1a_cnt, 0);
	assert_int_equal(fi.smi_cmd, 0);
	assert_int_equal(fi.sleep_control.space_id, ACPI_GAS_MEMORY);	/* GAS at 244 */
	assert_int_equal(fi.sleep_control.bit_width, 8);
	assert_int_equal(fi.sleep_control.address, 0xfea00200);
	assert_int_equal(fi.sleep_status.space_id, ACPI_GAS_MEMORY);	/* GAS at 256 */
	assert_int_equal(fi.sleep_status.bit_width, 8);
	assert_int_equal(fi.sleep_status.address, 0xfea00201);
	assert_int_equal(fi.reset_reg.space_id, ACPI_GAS_MEMORY);
	assert_int_equal(fi.reset_reg.address, 0xfea00202);
	assert_int_equal(fi.reset_value, 0x42);
}

static void fadt_sleep_regs_need_the_length(void **state)
{
	(void)state;
	u8 f[sizeof qemu_microvm_fadt];
	struct acpi_fadt_info fi;
	memcpy(f, qemu_microvm_fadt, sizeof f);
	put32(f + 4, 267);	/* SLEEP_STATUS_REG cut off */
	assert_int_equal(acpi_parse_fadt(f, sizeof f, &fi), ACPI_OK);
	assert_int_equal(fi.sleep_control.address, 0xfea00200);
	assert_int_equal(fi.sleep_status.address, 0);
	put32(f + 4, 255);	/* and SLEEP_CONTROL_REG */
	assert_int_equal(acpi_parse_fadt(f, sizeof f, &fi), ACPI_OK);
	assert_int_equal(fi.sleep_control.address, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rsdp_v0_good_checksum_is_accepted),
		cmocka_unit_test(rsdp_v0_bad_checksum_is_refused),
		cmocka_unit_test(rsdp_v2_gives_xsdt),
		cmocka_unit_test(rsdp_v2_bad_extended_checksum_keeps_rsdt),
		cmocka_unit_test(rsdp_v2_length_field_is_checked),
		cmocka_unit_test(rsdp_v2_20_byte_copy_is_a_v1_rsdp),
		cmocka_unit_test(rsdp_scan_skips_bad_candidate_before_good_one),
		cmocka_unit_test(rsdp_scan_finds_nothing_in_empty_area),
		cmocka_unit_test(rsdp_scan_v2_with_bad_extended_checksum_is_a_fallback),
		cmocka_unit_test(rsdp_legacy_search_tries_ebda_first),
		cmocka_unit_test(rsdt_walk_skips_bad_checksum_table),
		cmocka_unit_test(xsdt_is_preferred_and_walked_with_8_byte_entries),
		cmocka_unit_test(bad_xsdt_falls_back_to_rsdt),
		cmocka_unit_test(table_length_larger_than_mapping_is_refused),
		cmocka_unit_test(table_header_problems_are_reported),
		cmocka_unit_test(madt_qemu_4_cpus),
		cmocka_unit_test(madt_sparse_apic_ids),
		cmocka_unit_test(madt_disabled_and_online_capable_cpus),
		cmocka_unit_test(madt_x2apic_entries_past_254),
		cmocka_unit_test(madt_300_cpus_counted_beyond_storage),
		cmocka_unit_test(madt_duplicate_apic_id_counted_once),
		cmocka_unit_test(madt_bad_checksum_is_skipped),
		cmocka_unit_test(madt_truncated_length_keeps_earlier_entries),
		cmocka_unit_test(madt_length_larger_than_mapping),
		cmocka_unit_test(madt_entry_length_0_stops_the_walk),
		cmocka_unit_test(madt_short_entry_is_skipped_and_reported),
		cmocka_unit_test(madt_lapic_override_and_ioapic_overflow),
		cmocka_unit_test(fadt_qemu_pm1a_0x604),
		cmocka_unit_test(fadt_bochs_pm1a_0xb004),
		cmocka_unit_test(fadt_x_fields_preferred_only_when_io_and_nonzero),
		cmocka_unit_test(fadt_bad_header_refused),
		cmocka_unit_test(s5_as_qemu_emits_it),
		cmocka_unit_test(s5_with_root_prefix_and_byte_prefix),
		cmocka_unit_test(s5_multibyte_pkglength),
		cmocka_unit_test(s5_single_integer_holds_both_types),
		cmocka_unit_test(s5_truncated_aml_never_reads_past_end),
		cmocka_unit_test(s5_malformed_or_missing),
		cmocka_unit_test(s5_in_a_whole_dsdt),
		cmocka_unit_test(pm1_cnt_sleep_value),
		cmocka_unit_test(apic_mode_decision_table),
		cmocka_unit_test(status_strings_are_distinct),
		cmocka_unit_test(madt_nmi_entry_as_qemu_builds_it),
		cmocka_unit_test(madt_nmi_entries_per_uid_and_x2apic),
		cmocka_unit_test(madt_nmi_bad_lint_and_short_entries),
		cmocka_unit_test(madt_nmi_entries_beyond_storage),
		cmocka_unit_test(fadt_real_qemu_pc_acpi_mode_fields),
		cmocka_unit_test(fadt_real_qemu_q35_reset_reg),
		cmocka_unit_test(fadt_real_qemu_microvm_hw_reduced_sleep_regs),
		cmocka_unit_test(fadt_sleep_regs_need_the_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
