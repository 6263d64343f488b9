/* ACPI table logic for SMP bring-up and power-off (see acpi_tables.h).
 * Every multi-byte field is read byte-wise, little-endian: firmware tables
 * are not aligned, and the host build runs under UBSan. */
#include "arch/x86_64/acpi_tables.h"
#include "kernel/lib.h"

static u16 rd16(const u8 *p) { return (u16)(p[0] | (u16)p[1] << 8); }
static u32 rd32(const u8 *p) { return rd16(p) | (u32)rd16(p + 2) << 16; }
static u64 rd64(const u8 *p) { return rd32(p) | (u64)rd32(p + 4) << 32; }

static u8 sum8(const u8 *p, size_t n)
{
	u8 s = 0;
	while (n--)
		s = (u8)(s + *p++);
	return s;
}

/* Copies n bytes of a signature or OEM ID for printing: NUL-terminated,
 * anything unprintable as '?'. */
static void copy_name(char *dst, const u8 *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

const char *acpi_status_str(enum acpi_status s)
{
	static const char *const str[] = {
		[ACPI_OK] = "ok",
		[ACPI_ERR_NOT_FOUND] = "not found",
		[ACPI_ERR_SIGNATURE] = "wrong signature",
		[ACPI_ERR_CHECKSUM] = "bad checksum",
		[ACPI_ERR_EXT_CHECKSUM] = "bad extended checksum",
		[ACPI_ERR_SHORT] = "length shorter than the structure",
		[ACPI_ERR_TOO_LONG] = "length implausibly large",
		[ACPI_ERR_PAST_MAP] = "length larger than the mapping",
		[ACPI_ERR_UNMAPPED] = "header not mapped",
		[ACPI_ERR_NULL_ENTRY] = "null table address",
		[ACPI_ERR_BAD_ENTRY] = "entry length < 2 or past the table end",
		[ACPI_ERR_ENTRY_SHORT] = "entry shorter than its type",
		[ACPI_ERR_MALFORMED] = "malformed AML",
		[ACPI_ERR_UNSUPPORTED] = "AML element not a constant integer",
	};
	if ((unsigned)s < ARRAY_SIZE(str) && str[s])
		return str[s];
	return "unknown ACPI status";
}

static enum acpi_status note(const struct acpi_mem *mem, enum acpi_status st,
			     const u8 *sig, u64 phys, u32 length)
{
	struct acpi_problem p = { .status = st, .phys = phys, .length = length };
	if (sig)
		copy_name(p.sig, sig, 4);
	if (mem->note)
		mem->note(&p, mem->ctx);
	return st;
}

/* ---- RSDP ---- */

#define RSDP_V1_LEN 20u
#define RSDP_V2_LEN 36u

enum acpi_status acpi_rsdp_check(const void *p, size_t len, struct acpi_rsdp_info *out)
{
	const u8 *r = p;

	memset(out, 0, sizeof(*out));
	if (len < RSDP_V1_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(r, "RSD PTR ", 8))
		return ACPI_ERR_SIGNATURE;
	if (sum8(r, RSDP_V1_LEN))
		return ACPI_ERR_CHECKSUM;
	copy_name(out->oem_id, r + 9, 6);
	out->revision = r[15];
	out->rsdt = rd32(r + 16);
	out->length = RSDP_V1_LEN;
	/* A 20-byte copy (multiboot2 tag 14) of a 2.0 RSDP is a good 1.0 RSDP. */
	if (out->revision < 2 || len < RSDP_V2_LEN)
		return ACPI_OK;
	u32 length = rd32(r + 20);
	if (length < RSDP_V2_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	if (sum8(r, length))
		return ACPI_ERR_EXT_CHECKSUM;
	out->length = length;
	out->xsdt = rd64(r + 24);
	return ACPI_OK;
}

/* Checks the candidate at phys through the mapper. */
static enum acpi_status rsdp_at(const struct acpi_mem *mem, u64 phys, struct acpi_rsdp_info *out)
{
	const u8 *r = mem->map(phys, RSDP_V1_LEN, mem->ctx);
	size_t len = RSDP_V1_LEN;

	memset(out, 0, sizeof(*out));
	if (!r)
		return ACPI_ERR_UNMAPPED;
	if (memcmp(r, "RSD PTR ", 8))
		return ACPI_ERR_SIGNATURE;
	if (r[15] >= 2) {
		const u8 *r2 = mem->map(phys, RSDP_V2_LEN, mem->ctx);
		if (r2) {
			u32 length = rd32(r2 + 20);
			const u8 *r3 = length > RSDP_V2_LEN && length <= 4096 ?
				       mem->map(phys, length, mem->ctx) : NULL;
			r = r3 ? r3 : r2;
			len = r3 ? length : RSDP_V2_LEN;
		}
	}
	enum acpi_status st = acpi_rsdp_check(r, len, out);
	out->phys = phys;
	return st;
}

enum acpi_status acpi_rsdp_scan(const struct acpi_mem *mem, u64 start, u64 len,
				struct acpi_rsdp_info *out)
{
	u64 end = start + len < start ? UINT64_MAX : start + len;
	struct acpi_rsdp_info cand, fallback = { 0 };
	enum acpi_status fallback_st = ACPI_ERR_NOT_FOUND;

	for (u64 a = ALIGN_UP(start, 16); a >= start && a < end && end - a >= RSDP_V1_LEN; a += 16) {
		enum acpi_status st = rsdp_at(mem, a, &cand);
		if (st == ACPI_OK) {
			*out = cand;
			return ACPI_OK;
		}
		if (st == ACPI_ERR_UNMAPPED || st == ACPI_ERR_SIGNATURE)
			continue;
		note(mem, st, (const u8 *)"RSD ", a, cand.length);
		/* Keep the first one whose checksummed 1.0 part is good. */
		if (cand.rsdt && fallback_st == ACPI_ERR_NOT_FOUND) {
			fallback = cand;
			fallback_st = st;
		}
	}
	*out = fallback;
	return fallback_st;
}

#define BDA_EBDA_SEGMENT 0x40eu

enum acpi_status acpi_rsdp_find_legacy(const struct acpi_mem *mem, struct acpi_rsdp_info *out)
{
	const u8 *seg = mem->map(BDA_EBDA_SEGMENT, 2, mem->ctx);
	enum acpi_status st = ACPI_ERR_NOT_FOUND;

	if (seg) {
		u64 ebda = (u64)rd16(seg) << 4;
		if (ebda > 0x400 && ebda < 0xa0000) {
			st = acpi_rsdp_scan(mem, ebda, 1024, out);
			if (st == ACPI_OK)
				return st;
		}
	}
	struct acpi_rsdp_info bios;
	enum acpi_status st2 = acpi_rsdp_scan(mem, 0xe0000, 0x20000, &bios);
	if (st2 == ACPI_OK || st == ACPI_ERR_NOT_FOUND) {
		*out = bios;
		return st2;
	}
	return st;	/* the EBDA's 1.0-only fallback, already in out */
}

/* ---- RSDT / XSDT ---- */

enum acpi_status acpi_table_at(const struct acpi_mem *mem, u64 phys, const char *sig,
			       struct acpi_table *out)
{
	memset(out, 0, sizeof(*out));
	if (!phys)
		return note(mem, ACPI_ERR_NULL_ENTRY, (const u8 *)sig, 0, 0);
	const u8 *h = mem->map(phys, ACPI_HDR_LEN, mem->ctx);
	if (!h)
		return note(mem, ACPI_ERR_UNMAPPED, (const u8 *)sig, phys, 0);
	u32 length = rd32(h + 4);
	if (sig && memcmp(h, sig, 4))
		return note(mem, ACPI_ERR_SIGNATURE, h, phys, length);
	if (length < ACPI_HDR_LEN)
		return note(mem, ACPI_ERR_SHORT, h, phys, length);
	if (length > ACPI_TABLE_MAX_LEN)
		return note(mem, ACPI_ERR_TOO_LONG, h, phys, length);
	const u8 *t = mem->map(phys, length, mem->ctx);
	if (!t)
		return note(mem, ACPI_ERR_PAST_MAP, h, phys, length);
	if (sum8(t, length))
		return note(mem, ACPI_ERR_CHECKSUM, t, phys, length);
	out->phys = phys;
	out->ptr = t;
	out->length = length;
	copy_name(out->sig, t, 4);
	out->revision = t[8];
	copy_name(out->oem_id, t + 10, 6);
	return ACPI_OK;
}

enum acpi_status acpi_root_open(const struct acpi_mem *mem, const struct acpi_rsdp_info *rsdp,
				struct acpi_root *root)
{
	struct acpi_table t;
	enum acpi_status st = ACPI_ERR_NOT_FOUND;

	memset(root, 0, sizeof(*root));
	if (rsdp->revision >= 2 && rsdp->xsdt) {
		st = acpi_table_at(mem, rsdp->xsdt, "XSDT", &t);
		if (st == ACPI_OK) {
			root->entry_size = 8;
			goto found;
		}
	}
	if (!rsdp->rsdt)
		return st;
	/* An XSDT that does not validate falls back to the RSDT, as ACPICA does. */
	st = acpi_table_at(mem, rsdp->rsdt, "RSDT", &t);
	if (st != ACPI_OK)
		return st;
	root->entry_size = 4;
found:
	root->phys = t.phys;
	root->count = (t.length - ACPI_HDR_LEN) / root->entry_size;
	return ACPI_OK;
}

/* Physical address held in root entry i, 0 when unreadable. */
static u64 root_entry_addr(const struct acpi_mem *mem, const struct acpi_root *root, u32 i)
{
	u64 at = root->phys + ACPI_HDR_LEN + (u64)i * root->entry_size;
	const u8 *e = mem->map(at, root->entry_size, mem->ctx);
	if (!e)
		return 0;
	return root->entry_size == 8 ? rd64(e) : rd32(e);
}

enum acpi_status acpi_root_entry(const struct acpi_mem *mem, const struct acpi_root *root,
				 u32 i, struct acpi_table *out)
{
	memset(out, 0, sizeof(*out));
	if (i >= root->count)
		return ACPI_ERR_NOT_FOUND;
	return acpi_table_at(mem, root_entry_addr(mem, root, i), NULL, out);
}

enum acpi_status acpi_find_table(const struct acpi_mem *mem, const struct acpi_root *root,
				 const char *sig, u32 index, struct acpi_table *out)
{
	memset(out, 0, sizeof(*out));
	for (u32 i = 0; i < root->count; i++) {
		u64 phys = root_entry_addr(mem, root, i);
		const u8 *h = phys ? mem->map(phys, ACPI_HDR_LEN, mem->ctx) : NULL;
		/* Unreadable entries are acpi_root_entry's to report. */
		if (!h || memcmp(h, sig, 4))
			continue;
		if (acpi_table_at(mem, phys, sig, out) != ACPI_OK)
			continue;
		if (index-- == 0)
			return ACPI_OK;
	}
	memset(out, 0, sizeof(*out));
	return ACPI_ERR_NOT_FOUND;
}

/* ---- MADT ---- */

#define MADT_HDR_LEN		44u
#define MADT_LAPIC		0	/* Processor Local APIC, 8 bytes */
#define MADT_IOAPIC		1	/* 12 bytes */
#define MADT_ISO		2	/* Interrupt Source Override, 10 bytes */
#define MADT_LAPIC_OVERRIDE	5	/* Local APIC Address Override, 12 bytes */
#define MADT_X2APIC		9	/* Processor Local x2APIC, 16 bytes */

static const u8 madt_min_len[] = {
	[MADT_LAPIC] = 8, [MADT_IOAPIC] = 12, [MADT_ISO] = 10,
	[MADT_LAPIC_OVERRIDE] = 12, [MADT_X2APIC] = 16,
};

/* Decodes a type 0 / type 9 entry of adequate length into c. Returns false
 * for other entries and for the invalid IDs 0xFF / 0xFFFFFFFF. */
static bool madt_cpu_decode(const u8 *e, u8 revision, struct madt_cpu *c)
{
	if (e[0] == MADT_LAPIC) {
		c->acpi_uid = e[2];
		c->apic_id = e[3];
		c->flags = rd32(e + 4);
		if (c->apic_id == 0xff)
			return false;
	} else if (e[0] == MADT_X2APIC) {
		c->apic_id = rd32(e + 4);
		c->flags = rd32(e + 8);
		c->acpi_uid = rd32(e + 12);
		if (c->apic_id == 0xffffffff)
			return false;
	} else {
		return false;
	}
	c->type = e[0];
	c->enabled = c->flags & MADT_CPU_ENABLED;
	/* Bit 1 was reserved before MADT revision 5 (ACPI 6.3). */
	c->online_capable = !c->enabled && revision >= 5 && (c->flags & MADT_CPU_ONLINE_CAPABLE);
	return true;
}

static bool madt_entry_ok(const u8 *e)
{
	return e[0] >= ARRAY_SIZE(madt_min_len) || e[1] >= madt_min_len[e[0]];
}

/* Is APIC ID id listed by a usable CPU entry in [44, end)? Entries before
 * end were already walked, so their lengths are known to be sane. */
static bool madt_listed_before(const u8 *t, u32 end, u8 revision, u32 id)
{
	struct madt_cpu c;
	for (u32 off = MADT_HDR_LEN; off < end; off += t[off + 1]) {
		if (madt_entry_ok(t + off) && madt_cpu_decode(t + off, revision, &c) &&
		    (c.enabled || c.online_capable) && c.apic_id == id)
			return true;
	}
	return false;
}

static void madt_cpu(const u8 *t, u32 off, struct madt_info *out,
		     struct madt_cpu *cpus, size_t max_cpus)
{
	struct madt_cpu c;

	if (!madt_cpu_decode(t + off, out->revision, &c)) {
		out->cpus_invalid_id++;
		return;
	}
	if (!c.enabled && !c.online_capable) {
		out->cpus_disabled++;
		return;
	}
	/* Firmware may list one CPU as both type 0 and type 9: count it once. */
	if (madt_listed_before(t, off, out->revision, c.apic_id)) {
		if (out->duplicates++ == 0)
			out->first_duplicate_id = c.apic_id;
		return;
	}
	out->cpus_total++;
	if (c.enabled)
		out->cpus_enabled++;
	else
		out->cpus_online_capable++;
	if (c.apic_id > out->max_apic_id)
		out->max_apic_id = c.apic_id;
	if (c.apic_id > 254)
		out->needs_x2apic = true;
	if (out->cpus_stored < max_cpus)
		cpus[out->cpus_stored++] = c;
}

static void madt_entry(const u8 *t, u32 off, struct madt_info *out,
		       struct madt_cpu *cpus, size_t max_cpus)
{
	const u8 *e = t + off;

	if (!madt_entry_ok(e)) {
		if (out->entry_status == ACPI_OK) {
			out->entry_status = ACPI_ERR_ENTRY_SHORT;
			out->entry_offset = off;
		}
		return;
	}
	switch (e[0]) {
	case MADT_LAPIC:
	case MADT_X2APIC:
		madt_cpu(t, off, out, cpus, max_cpus);
		break;
	case MADT_IOAPIC:
		if (out->ioapic_count < MADT_MAX_IOAPICS)
			out->ioapics[out->ioapic_count] = (struct madt_ioapic){
				.id = e[2], .address = rd32(e + 4), .gsi_base = rd32(e + 8) };
		out->ioapic_count++;
		break;
	case MADT_ISO:
		if (out->override_count < MADT_MAX_OVERRIDES)
			out->overrides[out->override_count] = (struct madt_override){
				.bus = e[2], .source = e[3], .gsi = rd32(e + 4),
				.flags = rd16(e + 8) };
		out->override_count++;
		break;
	case MADT_LAPIC_OVERRIDE:
		out->lapic_addr = rd64(e + 4);
		out->lapic_addr_overridden = true;
		break;
	}
}

enum acpi_status acpi_parse_madt(const void *madt, size_t len, struct madt_info *out,
				 struct madt_cpu *cpus, size_t max_cpus)
{
	const u8 *t = madt;

	memset(out, 0, sizeof(*out));
	if (len < MADT_HDR_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(t, "APIC", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(t + 4);
	if (length < MADT_HDR_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	out->revision = t[8];
	out->lapic_addr = rd32(t + 36);
	out->flags = rd32(t + 40);
	if (!cpus)
		max_cpus = 0;
	for (u32 off = MADT_HDR_LEN; off < length; off += t[off + 1]) {
		if (length - off < 2 || t[off + 1] < 2 || t[off + 1] > length - off) {
			/* Cannot find the next entry: stop, keep what we have. */
			out->entry_status = ACPI_ERR_BAD_ENTRY;
			out->entry_offset = off;
			break;
		}
		madt_entry(t, off, out, cpus, max_cpus);
	}
	return out->entry_status;
}

/* ---- FADT ---- */

#define FADT_MIN_LEN 116u	/* ACPI 1.0 FADT, through Flags */

/* An I/O port from the 32-bit block field, or from the 64-bit X_ generic
 * address when the table is long enough and it is a non-zero I/O address. */
static u16 fadt_port(const u8 *f, u32 length, u32 off32, u32 off_gas)
{
	u32 port32 = rd32(f + off32);
	if (f[8] >= 2 && off_gas + 12 <= length && f[off_gas] == ACPI_GAS_IO) {
		u64 x = rd64(f + off_gas + 4);
		if (x && x <= 0xffff)
			return (u16)x;
	}
	return port32 <= 0xffff ? (u16)port32 : 0;
}

enum acpi_status acpi_parse_fadt(const void *fadt, size_t len, struct acpi_fadt_info *out)
{
	const u8 *f = fadt;

	memset(out, 0, sizeof(*out));
	if (len < FADT_MIN_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(f, "FACP", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(f + 4);
	if (length < FADT_MIN_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	out->revision = f[8];
	out->length = length;
	out->dsdt = rd32(f + 40);
	if (length >= 148 && rd64(f + 140))
		out->dsdt = rd64(f + 140);
	out->sci_int = rd16(f + 46);
	out->smi_cmd = rd32(f + 48);
	out->acpi_enable = f[52];
	out->pm1a_evt = fadt_port(f, length, 56, 148);
	out->pm1b_evt = fadt_port(f, length, 60, 160);
	out->pm1a_cnt = fadt_port(f, length, 64, 172);
	out->pm1b_cnt = fadt_port(f, length, 68, 184);
	out->pm_tmr = fadt_port(f, length, 76, 208);
	out->pm1_evt_len = f[88];
	out->pm1_cnt_len = f[89];
	out->pm_tmr_len = f[91];
	out->century = f[108];
	if (out->revision >= 2)
		out->iapc_boot_arch = rd16(f + 109);
	out->flags = rd32(f + 112);
	out->pm_tmr_32bit = out->flags & FADT_F_TMR_VAL_EXT;
	if (length >= 129) {
		out->reset_reg = (struct acpi_gas){ .space_id = f[116], .bit_width = f[117],
			.bit_offset = f[118], .access_size = f[119], .address = rd64(f + 120) };
		out->reset_value = f[128];
	}
	return ACPI_OK;
}

/* ---- \_S5 ---- */

#define AML_ZERO_OP	0x00
#define AML_ONE_OP	0x01
#define AML_BYTE_PREFIX	0x0a
#define AML_WORD_PREFIX	0x0b
#define AML_DWORD_PREFIX 0x0c
#define AML_QWORD_PREFIX 0x0e
#define AML_PACKAGE_OP	0x12
#define AML_ONES_OP	0xff

/* Reads one constant integer at p[*pos], pos < end. */
static enum acpi_status aml_integer(const u8 *p, size_t *pos, size_t end, u64 *v)
{
	static const u8 size[] = { [AML_BYTE_PREFIX] = 1, [AML_WORD_PREFIX] = 2,
				   [AML_DWORD_PREFIX] = 4, [AML_QWORD_PREFIX] = 8 };
	u8 op = p[(*pos)++];

	if (op == AML_ZERO_OP || op == AML_ONE_OP || op == AML_ONES_OP) {
		*v = op == AML_ONES_OP ? ~0ULL : op;
		return ACPI_OK;
	}
	if (op >= ARRAY_SIZE(size) || !size[op])
		return ACPI_ERR_UNSUPPORTED;	/* a name, a method call, ... */
	if (end - *pos < size[op])
		return ACPI_ERR_MALFORMED;
	*v = 0;
	for (unsigned i = 0; i < size[op]; i++)
		*v |= (u64)p[*pos + i] << (8 * i);
	*pos += size[op];
	return ACPI_OK;
}

/* Decodes "PkgLength NumElements Integer [Integer]" after a PackageOp at p
 * (n bytes readable). PkgLength (AML 20.2.4): bits 7:6 of the lead byte
 * count the bytes that follow; with none, bits 5:0 are the length; else
 * bits 3:0 are its low nibble and each following byte adds 8 more bits.
 * The length counts itself and everything up to the package's end. */
static enum acpi_status s5_package(const u8 *p, size_t n, u8 *a, u8 *b)
{
	if (n < 1)
		return ACPI_ERR_MALFORMED;
	size_t follow = p[0] >> 6, pkglen = p[0] & 0x3f;
	if (follow) {
		if ((p[0] & 0x30) || n < 1 + follow)
			return ACPI_ERR_MALFORMED;
		pkglen = p[0] & 0x0f;
		for (size_t i = 0; i < follow; i++)
			pkglen |= (size_t)p[1 + i] << (4 + 8 * i);
	}
	size_t pos = 1 + follow;
	if (pkglen > n || pkglen < pos + 2)	/* NumElements + one element */
		return ACPI_ERR_MALFORMED;
	u8 count = p[pos++];
	u64 v0, v1 = 0;
	if (count == 0)
		return ACPI_ERR_MALFORMED;
	enum acpi_status st = aml_integer(p, &pos, pkglen, &v0);
	if (st == ACPI_OK && count >= 2)
		st = pos < pkglen ? aml_integer(p, &pos, pkglen, &v1) : ACPI_ERR_MALFORMED;
	if (st != ACPI_OK)
		return st;
	/* As ACPICA: one integer holds SLP_TYPa in bits 7:0 and SLP_TYPb in 15:8. */
	*a = (u8)v0;
	*b = count >= 2 ? (u8)v1 : (u8)(v0 >> 8);
	return ACPI_OK;
}

enum acpi_status acpi_aml_find_s5(const void *aml, size_t len, u8 *slp_typa, u8 *slp_typb)
{
	const u8 *p = aml;
	enum acpi_status first = ACPI_ERR_NOT_FOUND;

	/* "_S5_" then PackageOp; what precedes it (NameOp 0x08, a root '\')
	 * does not matter. A malformed match does not end the search. */
	for (size_t i = 0; len >= 5 && i <= len - 5; i++) {
		if (memcmp(p + i, "_S5_", 4) || p[i + 4] != AML_PACKAGE_OP)
			continue;
		enum acpi_status st = s5_package(p + i + 5, len - i - 5, slp_typa, slp_typb);
		if (st == ACPI_OK)
			return ACPI_OK;
		if (first == ACPI_ERR_NOT_FOUND)
			first = st;
	}
	return first;
}

enum acpi_status acpi_find_s5(const void *dsdt, size_t len, u8 *slp_typa, u8 *slp_typb)
{
	const u8 *t = dsdt;

	if (len < ACPI_HDR_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(t, "DSDT", 4) && memcmp(t, "SSDT", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(t + 4);
	if (length < ACPI_HDR_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	return acpi_aml_find_s5(t + ACPI_HDR_LEN, length - ACPI_HDR_LEN, slp_typa, slp_typb);
}

/* ---- xAPIC or x2APIC ---- */

struct apic_mode_choice acpi_apic_mode_choice(bool cpu_has_x2apic, bool firmware_x2apic,
					      bool high_ids, bool force_xapic)
{
	struct apic_mode_choice c = { .mode = APIC_MODE_X2APIC };

	if (firmware_x2apic) {
		/* x2APIC -> xAPIC needs the APIC disabled first (SDM 3A 11.12.5). */
		c.reason = "firmware already enabled x2APIC mode";
		if (force_xapic)
			c.warning = "apic=xapic refused: firmware enabled x2APIC, and leaving it means disabling the APIC";
		else if (!cpu_has_x2apic)
			c.warning = "IA32_APIC_BASE.EXTD is set but CPUID does not report x2APIC";
		return c;
	}
	if (!cpu_has_x2apic) {
		c.mode = APIC_MODE_XAPIC;
		c.reason = "the CPU has no x2APIC";
		if (high_ids) {
			c.warning = "APIC IDs >= 255 listed but the CPU has no x2APIC: those CPUs cannot be started";
			c.high_ids_unreachable = true;
		}
		return c;
	}
	if (force_xapic && high_ids) {
		c.reason = "APIC IDs >= 255 need x2APIC";
		c.warning = "apic=xapic refused: APIC IDs >= 255 need x2APIC";
		return c;
	}
	if (force_xapic) {
		c.mode = APIC_MODE_XAPIC;
		c.reason = "apic=xapic on the command line";
		return c;
	}
	c.reason = high_ids ? "APIC IDs >= 255 need x2APIC" : "the CPU supports x2APIC";
	return c;
}
