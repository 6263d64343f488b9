/* Console VMCS field and value parsing; see vmcs_parse.h. */
#include "vmx/vmcs_parse.h"
#include "vmx/vmcs_fields.h"
#include "kernel/format.h"
#include "kernel/lib.h"

/* Bits 31:15 of a field encoding are reserved (SDM 25.11.2, table 25-21).
 * Bit 12 is reserved too, but a raw encoding is passed on as typed so the CPU
 * can give its own verdict. */
#define VMCS_ENC_RAW_RESERVED (~0x7fffULL)   /* and anything above bit 31 */

/* A token quoted in a message is cut to this many characters. */
#define TOK_SHOWN "40"

#define FIELD_EXPECTED  "expected a name like guest_cr3 or an encoding like 0x6802"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int vmcs_field_parse(const char *tok, u32 *encoding, char *err, size_t errlen)
{
	size_t len = tok ? strlen(tok) : 0;
	if (len == 0) {
		ksnprintf(err, errlen, "empty VMCS field: " FIELD_EXPECTED);
		return CMDLINE_EEMPTY;
	}
	if (is_digit(tok[0])) {
		u64 v;
		int rc = parse_u64(tok, len, &v);
		if (rc == CMDLINE_ESYNTAX) {
			ksnprintf(err, errlen, "bad VMCS field '%." TOK_SHOWN "s': " FIELD_EXPECTED, tok);
			return rc;
		}
		if (rc != CMDLINE_OK || (v & VMCS_ENC_RAW_RESERVED)) {
			ksnprintf(err, errlen,
				  "VMCS field encoding '%." TOK_SHOWN "s' too large (bits 31:15 must be 0)",
				  tok);
			return rc != CMDLINE_OK ? rc : CMDLINE_ERANGE;
		}
		*encoding = (u32)v;
		return CMDLINE_OK;
	}
	/* the table's names are lowercase; accept GUEST_CR3 too */
	char lower[64];
	const struct vmcs_field *f = NULL;
	if (len < sizeof lower) {
		for (size_t i = 0; i <= len; i++)
			lower[i] = (tok[i] >= 'A' && tok[i] <= 'Z') ? (char)(tok[i] - 'A' + 'a') : tok[i];
		f = vmcs_field_by_name(lower);
	}
	if (!f) {
		ksnprintf(err, errlen, "unknown VMCS field '%." TOK_SHOWN "s': " FIELD_EXPECTED, tok);
		return CMDLINE_ESYNTAX;
	}
	*encoding = f->encoding;
	return CMDLINE_OK;
}

int vmcs_value_parse(const char *tok, u32 encoding, u64 *value, char *err, size_t errlen)
{
	size_t len = tok ? strlen(tok) : 0;
	u64 v;
	int rc = parse_u64(tok, len, &v);
	switch (rc) {
	case CMDLINE_OK:
		break;
	case CMDLINE_EEMPTY:
		ksnprintf(err, errlen, "empty value: expected decimal or 0x hex");
		return rc;
	case CMDLINE_EOVERFLOW:
		ksnprintf(err, errlen, "value '%." TOK_SHOWN "s' does not fit in 64 bits", tok);
		return rc;
	default:
		ksnprintf(err, errlen, "bad value '%." TOK_SHOWN "s': expected decimal or 0x hex", tok);
		return rc;
	}

	enum vmcs_field_width w = vmcs_field_width(encoding);
	/* Table 25-21: high access reads and writes bits 63:32 of a 64-bit field */
	bool high = w == VMCS_WIDTH_64 && vmcs_field_is_high(encoding);
	unsigned bits = high ? 32 : vmcs_field_width_bits(w);
	if (bits < 64 && (v >> bits) != 0) {
		const struct vmcs_field *f = vmcs_field_by_encoding(encoding);
		char name[48];
		if (f)
			ksnprintf(name, sizeof name, "%s", f->name);
		else
			ksnprintf(name, sizeof name, "0x%04x", encoding);
		u64 max = (1ULL << bits) - 1;
		if (high)
			ksnprintf(err, errlen, "value %." TOK_SHOWN "s too large for the high half of "
				  "64-bit field %s (at most 0x%llx)", tok, name, (unsigned long long)max);
		else
			ksnprintf(err, errlen, "value %." TOK_SHOWN "s too large for %s field %s "
				  "(at most 0x%llx)", tok, vmcs_field_width_name(w), name,
				  (unsigned long long)max);
		return CMDLINE_ERANGE;
	}
	*value = v;
	return CMDLINE_OK;
}
