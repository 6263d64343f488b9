/* Parsing VMCS fields and values typed at the console ("vmcs read/write").
 * Same conventions as kernel/console_cmd.h: 0 on success or a negative
 * enum cmdline_status with one line in err. Pure. */
#ifndef VMX_VMCS_PARSE_H
#define VMX_VMCS_PARSE_H

#include "kernel/types.h"
#include "kernel/cmdline.h"

/* A VMCS field: a name of the field table, any case ("guest_cr3"), or a raw
 * encoding, decimal or 0x hex, with bits 31:15 clear (SDM 25.11.2).  A raw
 * encoding need not be in the table, nor even well-formed: VMREAD/VMWRITE
 * report whether the CPU has it (VM-instruction error 12). */
int vmcs_field_parse(const char *tok, u32 *encoding, char *err, size_t errlen);

/* A value for VMWRITE to the field `encoding`: decimal or 0x hex, no sign, at
 * most the field's width (16-bit <= 0xffff, 32-bit and the high half of a
 * 64-bit field <= 0xffffffff, 64-bit and natural-width: any u64). */
int vmcs_value_parse(const char *tok, u32 encoding, u64 *value, char *err, size_t errlen);

#endif
