/* ACPI table walking (see acpi_tables.h): RSDP, RSDT/XSDT, checksums.
 * The table decoders are in acpi_madt.c, acpi_fadt.c and acpi_aml.c. */
#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/acpi_bytes.h"
#include "kernel/lib.h"

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

