/* The VMCS field table and the decoding of field encodings.
 * Encoding layout (SDM vol. 3C 25.11.2, table 25-21):
 *   bit 0      access type: 0 = full, 1 = high (upper 32 bits of a 64-bit field)
 *   bits 9:1   index
 *   bits 11:10 type: 0 control, 1 VM-exit information (read-only data),
 *              2 guest state, 3 host state
 *   bit 12     reserved (0)
 *   bits 14:13 width: 0 16-bit, 1 64-bit, 2 32-bit, 3 natural width
 *   bits 31:15 reserved (0)
 * Pure: no state, usable by host unit tests. */
#ifndef VMX_VMCS_FIELDS_H
#define VMX_VMCS_FIELDS_H

#include "kernel/types.h"
#include "vmx/vmx_defs.h"

enum vmcs_field_width {
	VMCS_WIDTH_16 = 0,
	VMCS_WIDTH_64 = 1,
	VMCS_WIDTH_32 = 2,
	VMCS_WIDTH_NATURAL = 3,
};

enum vmcs_field_type {
	VMCS_TYPE_CONTROL = 0,
	VMCS_TYPE_READONLY = 1,	/* "VM-exit information" / read-only data */
	VMCS_TYPE_GUEST = 2,
	VMCS_TYPE_HOST = 3,
};

struct vmcs_field {
	u32 encoding;		/* full access (bit 0 clear) */
	const char *name;	/* lowercase, e.g. "guest_cr3" */
	const char *symbol;	/* the vmx_defs.h macro, e.g. "VMCS_GUEST_CR3" */
	u8 width;		/* enum vmcs_field_width of its appendix B section */
	u8 type;		/* enum vmcs_field_type of its appendix B section */
};

/* Every field of SDM appendix B, in encoding order within each section. */
extern const struct vmcs_field vmcs_fields[];
extern const size_t vmcs_fields_count;

/* By exact lowercase name; NULL when unknown. */
const struct vmcs_field *vmcs_field_by_name(const char *name);
/* By encoding; a high-access encoding (bit 0 set) of a 64-bit field gives the
 * entry of the full field. NULL when the encoding is not in the table. */
const struct vmcs_field *vmcs_field_by_encoding(u32 encoding);

/* Decoded straight from the encoding bits; no table involved. */
static inline enum vmcs_field_width vmcs_field_width(u32 enc)
{
	return (enum vmcs_field_width)((enc >> VMCS_ENC_WIDTH_SHIFT) & VMCS_ENC_WIDTH_MASK);
}
static inline enum vmcs_field_type vmcs_field_type(u32 enc)
{
	return (enum vmcs_field_type)((enc >> VMCS_ENC_TYPE_SHIFT) & VMCS_ENC_TYPE_MASK);
}
static inline bool vmcs_field_is_readonly(u32 enc)
{
	return vmcs_field_type(enc) == VMCS_TYPE_READONLY;
}
static inline u32 vmcs_field_index(u32 enc)
{
	return (enc >> VMCS_ENC_INDEX_SHIFT) & VMCS_ENC_INDEX_MASK;
}
static inline bool vmcs_field_is_high(u32 enc)
{
	return (enc & VMCS_ENC_ACCESS_HIGH) != 0;
}

/* Well-formed: reserved bits clear, high access only on a 64-bit field.
 * (A well-formed encoding may still be unsupported by the CPU: error 12.) */
bool vmcs_field_encoding_valid(u32 enc);
/* Bits a field of this width holds on x86-64 (natural width = 64). */
unsigned vmcs_field_width_bits(enum vmcs_field_width w);
/* "16-bit", "64-bit", "32-bit", "natural-width" */
const char *vmcs_field_width_name(enum vmcs_field_width w);
/* "control", "read-only data", "guest-state", "host-state" */
const char *vmcs_field_type_name(enum vmcs_field_type t);
/* The highest index of any table field, to compare with IA32_VMX_VMCS_ENUM. */
u32 vmcs_fields_highest_index(void);

#endif
