/* The INVEPT / INVVPID cases as data (SDM 31.3 INVEPT, INVVPID; 31.4 error 28).
 * Each row: instruction, type (RCX), descriptor, the capability it needs
 * (IA32_VMX_EPT_VPID_CAP bit), and the exact outcome. They run in VMX root
 * operation with a VMCS current (error numbers need one), the #UD rows outside
 * VMX operation. Pure: the table and its helpers are host-tested. */
#ifndef VMX_CONF_INV_H
#define VMX_CONF_INV_H

#include "kernel/types.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_insn.h"

enum conf_inv_insn { INSN_INVEPT, INSN_INVVPID };
enum conf_inv_eptp { EPTP_VALID, EPTP_MEMTYPE_2, EPTP_WALK_3, EPTP_RESERVED_BIT_8, EPTP_BEYOND_WIDTH };
enum conf_inv_state { INV_ROOT_VMCS, INV_OUTSIDE, INV_BAD_OPERAND };

struct conf_inv_case {
	const char *name;
	const char *sdm;
	enum conf_inv_insn insn;
	enum conf_inv_state state;
	u64 type;
	enum conf_inv_eptp eptp;	/* INVEPT descriptor */
	u64 vpid, gva;			/* INVVPID descriptor */
	u64 need;			/* IA32_VMX_EPT_VPID_CAP bits needed, 0: none */
	enum vmx_status st;		/* expected outcome */
	u32 num;			/* error number or vector */
};

extern const struct conf_inv_case conf_inv_rows[];
extern const size_t conf_inv_rows_n;

/* Why row k cannot run on caps (into buf), or false when it can: INVEPT needs
 * EPT ("enable EPT" may be 1) and EPT_VPID_CAP bit 20, INVVPID needs VPID
 * and bit 32, and each row its own type bit. */
bool conf_inv_skip_reason(const struct conf_inv_case *k, const struct vmx_caps *caps, char *buf, size_t n);
/* The descriptor's EPTP for row k, from a page of zeros. */
u64 conf_inv_eptp(const struct conf_inv_case *k, const struct vmx_caps *caps, u64 zero_page);

#endif
