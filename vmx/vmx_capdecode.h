/* Every VMX capability by its SDM name (vol. 3C appendix A and the control
 * tables of chapter 25), in the four states of QEMU's scripts/kvm/vmxcap:
 *   yes      may be 0 or 1
 *   no       must be 0
 *   forced   must be 1
 *   default  must be 1 in the non-TRUE MSR, may be 0 in the TRUE MSR (A.2)
 * The names are data (vmx/vmx_capnames.c): one table the kernel prints from,
 * the host tests walk, and tools/vmxcaps.py reads back out of a log. Each row
 * also carries vmxcap's spelling, so users of either find a control.
 * Pure: no printing, no RDMSR. */
#ifndef VMX_VMX_CAPDECODE_H
#define VMX_VMX_CAPDECODE_H

#include "kernel/types.h"
#include "vmx/vmx_caps.h"

enum vmx_cap_state { CAP_NO, CAP_YES, CAP_FORCED, CAP_DEFAULT };
const char *vmx_cap_state_name(enum vmx_cap_state s);   /* "no", "yes", ... */

enum vmx_cap_kind {
	CAPG_CTLS,	/* 32 allowed-0 bits (low), 32 allowed-1 bits (high) */
	CAPG_ALLOWED1,	/* 64 allowed-1 bits (0x492, 0x493) */
	CAPG_FIELDS,	/* bit fields: a flag is yes/no, a range a number */
	CAPG_FIXED,	/* CR0/CR4: FIXED0 bits forced, bits clear in FIXED1 no */
};

struct vmx_cap_name {
	u8 lo, hi;		/* bit, or bit range for a number (CAPG_FIELDS) */
	const char *sdm;	/* the SDM's name */
	const char *vmxcap;	/* vmxcap's spelling; NULL: the same; "": vmxcap lacks it */
};

struct vmx_cap_group {
	const char *key;	/* console/group name: "pin", "proc", "proc2", ... */
	const char *title;	/* "pin-based VM-execution controls" */
	u32 msr, true_msr;	/* true_msr 0: none */
	u32 msr2;		/* CAPG_FIXED: the FIXED1 MSR */
	enum vmx_cap_kind kind;
	const struct vmx_cap_name *names;
	size_t n;
};

extern const struct vmx_cap_group vmx_cap_groups[];
extern const size_t vmx_cap_groups_count;
const struct vmx_cap_group *vmx_cap_group_by_key(const char *key);

/* Whether the group's MSR(s) exist on a CPU with these capabilities. */
bool vmx_cap_group_present(const struct vmx_caps *c, const struct vmx_cap_group *g);
/* The state of one bit of a CAPG_CTLS, CAPG_ALLOWED1 or CAPG_FIXED group. */
enum vmx_cap_state vmx_cap_bit_state(const struct vmx_caps *c, const struct vmx_cap_group *g, unsigned bit);
/* The value of one CAPG_FIELDS row. */
u64 vmx_cap_field_value(const struct vmx_caps *c, const struct vmx_cap_group *g, const struct vmx_cap_name *r);

/* The decode of one group as lines ("  External-interrupt exiting: yes"),
 * each handed to line(); the group title first. Bits the SDM does not define
 * that are allowed (or set, in a field MSR) come as "  bit N: yes" / "  bit N: 1".
 * Returns the number of lines. */
typedef void (*vmx_cap_line_fn)(const char *line, void *ctx);
size_t vmx_cap_decode_group(const struct vmx_caps *c, const struct vmx_cap_group *g, vmx_cap_line_fn line,
			    void *ctx);

#endif
