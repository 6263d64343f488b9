/* Decoding of the VMX capability MSRs (SDM vol. 3C appendix A) and the rules
 * built on them: adjusting wanted controls, applying CR0/CR4 fixed bits,
 * comparing CPUs, and sanity checks in the spirit of kvm-unit-tests'
 * test_vmx_caps. Pure: the kernel reads the MSRs into struct vmx_caps. */
#ifndef VMX_VMX_CAPS_H
#define VMX_VMX_CAPS_H

#include "kernel/types.h"
#include "vmx/vmx_defs.h"

/* Raw values exactly as RDMSR/CPUID returned them. An MSR that does not exist
 * on this CPU (see vmx_caps_msr_exists) is left 0. */
struct vmx_caps {
	u64 basic;		/* 0x480 */
	u64 pinbased;		/* 0x481 */
	u64 procbased;		/* 0x482 */
	u64 exit;		/* 0x483 */
	u64 entry;		/* 0x484 */
	u64 misc;		/* 0x485 */
	u64 cr0_fixed0;		/* 0x486 */
	u64 cr0_fixed1;		/* 0x487 */
	u64 cr4_fixed0;		/* 0x488 */
	u64 cr4_fixed1;		/* 0x489 */
	u64 vmcs_enum;		/* 0x48a */
	u64 procbased2;		/* 0x48b */
	u64 ept_vpid_cap;	/* 0x48c */
	u64 true_pinbased;	/* 0x48d */
	u64 true_procbased;	/* 0x48e */
	u64 true_exit;		/* 0x48f */
	u64 true_entry;		/* 0x490 */
	u64 vmfunc;		/* 0x491 */
	u64 procbased3;		/* 0x492, allowed-1 bits only */
	u64 exit2;		/* 0x493, allowed-1 bits only */
	u64 feature_control;	/* 0x3a */
	u32 cpuid_80000008_eax;	/* 0 when the leaf does not exist */
};

/* One row per value of struct vmx_caps; msr is 0 for the CPUID value. */
struct vmx_caps_item {
	const char *name;	/* "IA32_VMX_BASIC", ..., "CPUID.80000008:EAX" */
	u32 msr;
	u16 offset;		/* offsetof(struct vmx_caps, ...) */
	u8 size;		/* 8, or 4 for the CPUID value */
};
/* In reading order: an MSR's existence depends only on rows before it. */
extern const struct vmx_caps_item vmx_caps_items[];
extern const size_t vmx_caps_items_count;

u64 vmx_caps_item_get(const struct vmx_caps *c, const struct vmx_caps_item *it);
void vmx_caps_item_set(struct vmx_caps *c, const struct vmx_caps_item *it, u64 v);
/* The row for an MSR number, NULL if it is not one of ours. */
const struct vmx_caps_item *vmx_caps_item_by_msr(u32 msr);

/* Whether RDMSR(msr) is architecturally defined, given the MSRs before it in
 * vmx_caps_items already read into c (A.3.3, A.10, A.11: PROCBASED_CTLS2 needs
 * allowed-1 bit 31 of PROCBASED_CTLS; EPT_VPID_CAP needs EPT or VPID allowed;
 * TRUE_* need VMX_BASIC bit 55; VMFUNC needs "enable VM functions";
 * PROCBASED_CTLS3 needs "activate tertiary controls" and EXIT_CTLS2 the exit
 * control "activate secondary controls" allowed to be 1). Only
 * meaningful when CPUID.1:ECX.VMX is set. */
bool vmx_caps_msr_exists(const struct vmx_caps *c, u32 msr);

/* ---- IA32_VMX_BASIC (A.1) ---- */
struct vmx_basic {
	u32 revision_id;	/* bits 30:0 */
	bool bit31;		/* must be 0 */
	u32 region_size;	/* bytes, bits 44:32 */
	bool phys_addr_32;	/* bit 48: regions/VMCS pointers below 4 GiB */
	bool dual_monitor;	/* bit 49 */
	u8 memory_type;		/* bits 53:50; 6 = WB */
	bool ins_outs_info;	/* bit 54 */
	bool true_controls;	/* bit 55 */
	bool no_hw_errcode_check; /* bit 56 */
};
struct vmx_basic vmx_decode_basic(u64 basic);

/* ---- control MSRs (A.3-A.5) ---- */
struct vmx_ctls {
	u32 allowed0;	/* low 32: bits that must be 1 */
	u32 allowed1;	/* high 32: bits that may be 1 */
};
static inline struct vmx_ctls vmx_decode_ctls(u64 msr)
{
	return (struct vmx_ctls){ .allowed0 = (u32)msr, .allowed1 = (u32)(msr >> 32) };
}

enum vmx_ctl_kind {
	VMX_CTL_PINBASED,
	VMX_CTL_PROCBASED,
	VMX_CTL_PROCBASED2,
	VMX_CTL_EXIT,
	VMX_CTL_ENTRY,
	VMX_CTL_NR
};
/* The MSR value to adjust against: TRUE_* when VMX_BASIC bit 55 is set
 * (A.2), the plain MSR otherwise; PROCBASED2 has no TRUE twin. */
u64 vmx_caps_ctl_msr(const struct vmx_caps *c, enum vmx_ctl_kind k);
/* Its MSR number, for messages. */
u32 vmx_caps_ctl_msr_number(const struct vmx_caps *c, enum vmx_ctl_kind k);

enum vmx_adjust_status {
	VMX_ADJUST_OK = 0,
	VMX_ADJUST_UNSUPPORTED,	/* a wanted bit has allowed-1 clear: see refused */
	VMX_ADJUST_BAD_MSR,	/* a must-be-1 bit may not be 1: see refused */
};
struct vmx_adjust {
	u32 value;	/* (wanted | allowed0) & allowed1: what to VMWRITE */
	u32 forced_on;	/* must-be-1 bits not in wanted */
	u32 refused;	/* wanted (or required) bits the CPU cannot set */
};
/* Appendix A.3: a control may be 1 only if its allowed-1 bit is set and must
 * be 1 if its allowed-0 bit is set. Never writes past *out. */
enum vmx_adjust_status vmx_adjust_controls(u32 wanted, u64 msr_value,
					   struct vmx_adjust *out);

/* ---- IA32_VMX_MISC (A.6) ---- */
struct vmx_misc {
	u8 preemption_timer_rate;	/* timer ticks when TSC bit X changes */
	bool stores_lma;		/* bit 5 */
	bool activity_hlt, activity_shutdown, activity_wait_for_sipi;
	bool pt_in_vmx;			/* bit 14 */
	bool rdmsr_smbase_in_smm;	/* bit 15 */
	u16 cr3_target_count;		/* bits 24:16 */
	u32 max_msr_list;		/* 512 * (N + 1), N = bits 27:25 */
	bool smm_monitor_ctl_bit2;	/* bit 28 */
	bool vmwrite_any_field;		/* bit 29: VMWRITE may write read-only fields */
	bool inject_zero_length;	/* bit 30 */
	u32 mseg_revision;		/* bits 63:32 */
};
struct vmx_misc vmx_decode_misc(u64 misc);

/* ---- CR0/CR4 fixed bits (A.7, A.8) ---- */
struct vmx_fixed {
	u64 value;	/* (value | fixed0) & fixed1 */
	u64 changed;	/* bits that differ from the input */
	bool possible;	/* false if fixed0 has a bit fixed1 forbids */
};
struct vmx_fixed vmx_fixed_apply(u64 value, u64 fixed0, u64 fixed1);

/* ---- EPT and VPID (A.10) ---- */
struct vmx_ept_vpid {
	bool exec_only, walk_4, walk_5, memtype_uc, memtype_wb;
	bool pages_2m, pages_1g, ad_flags, advanced_exit_info;
	bool invept, invept_single, invept_all;
	bool invvpid, invvpid_addr, invvpid_single, invvpid_all,
	     invvpid_single_nonglobal;
};
struct vmx_ept_vpid vmx_decode_ept_vpid(u64 cap);

/* ---- IA32_VMX_VMCS_ENUM (A.9) and CPUID.80000008 ---- */
static inline u32 vmx_vmcs_enum_highest_index(u64 vmcs_enum)
{
	return (u32)((vmcs_enum >> VMX_VMCS_ENUM_INDEX_SHIFT) & VMX_VMCS_ENUM_INDEX_MASK);
}
/* EAX[7:0]; 36 when the leaf is absent (eax == 0), as the SDM prescribes. */
unsigned vmx_phys_addr_bits(u32 cpuid_80000008_eax);

/* ---- comparing CPUs ---- */
/* True when every value matches; otherwise *first_difference (if non-NULL)
 * names the first row of vmx_caps_items that differs. */
bool vmx_caps_equal(const struct vmx_caps *a, const struct vmx_caps *b,
		    const struct vmx_caps_item **first_difference);

/* ---- sanity checks (kvm-unit-tests x86/vmx.c test_vmx_caps, SDM appendix A) ---- */
struct vmx_caps_failure {
	u32 msr;		/* the MSR at fault */
	const char *msr_name;
	const char *rule;	/* what should have held */
	u64 bad_bits;		/* the offending bits (or value) */
};
/* Runs every check; stores up to max failures in out (out may be NULL when
 * max is 0) and returns how many checks failed in total. */
size_t vmx_caps_check(const struct vmx_caps *c, struct vmx_caps_failure *out,
		      size_t max);

#endif
