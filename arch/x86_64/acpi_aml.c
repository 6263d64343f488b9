/* The \_S5 sleep-type package in the DSDT's AML (ACPI 6.5 7.4.2; see acpi_tables.h). */
#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/acpi_bytes.h"
#include "kernel/lib.h"

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

