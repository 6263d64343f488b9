/*
 * insn_ conformance cases of instruction faults (SDM 31.3, each VMX
 * instruction's "Protected Mode" and "64-Bit Mode Exceptions"; 31.4 errors):
 *   - CPL 3 in VMX root: every VMX instruction #GP(0) (the CPL check comes
 *     right after the #UD and VM-exit checks in each instruction's pseudocode);
 *   - compatibility mode (IA32_EFER.LMA = 1, CS.L = 0) at CPL 0: #UD;
 *   - bad memory operands at CPL 0: non-canonical -> #GP(0), non-canonical
 *     through RBP (the SS segment) -> #SS(0), an unmapped page -> #PF with
 *     the access's error code and CR2 = the address; RFLAGS as it was and the
 *     current VMCS unchanged after the fault;
 *   - VMLAUNCH/VMRESUME in a MOV-SS shadow: VMfailValid 26, before the
 *     launch-state errors 4 and 5;
 *   - VMCLEAR migration across CPUs (conf_migration_run).
 * Every case that would enter a guest if the CPU ignored the rule carries a
 * broken control field, so a wrong CPU fails with error 7 instead of running.
 */
#include "vmx/conf_fault.h"
#include "vmx/conf_fault_verdict.h"
#include "vmx/vmx_errors.h"
#include "vmx/deviations.h"
#include "arch/x86_64/excursion.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/format.h"

/* the order of vmx/conf_fault.S */
enum fi { FI_VMXON, FI_VMCLEAR, FI_VMPTRLD, FI_VMPTRST, FI_VMREAD, FI_VMWRITE, FI_VMLAUNCH, FI_VMRESUME,
	  FI_VMXOFF, FI_INVEPT, FI_INVVPID, FI_NR };
static const char *const fi_name[FI_NR] = { "vmxon", "vmclear", "vmptrld", "vmptrst", "vmread", "vmwrite",
	"vmlaunch", "vmresume", "vmxoff", "invept", "invvpid" };

extern const char conf_user_code[], conf_user_code_end[], conf_compat_code[];
static u64 user_page;      /* code at 0, 16 bytes per instruction; operands at 0x800 */
#define USER_DATA 0x800
#define UNMAPPED_VA ((u64)0x00007ff000000000ULL)  /* canonical at 48 bits, never mapped here */

bool conf_fault_prepare(void)
{
	if (user_page)
		return true;
	u64 p = page_alloc(1);
	if (!p)
		return false;
	memset((void *)(uintptr_t)p, 0, PAGE_SIZE);
	memcpy((void *)(uintptr_t)p, conf_user_code, (size_t)(conf_user_code_end - conf_user_code));
	if (!excursion_user_page(p)) {
		page_free(p, 1);
		return false;
	}
	user_page = p;
	return true;
}

/* why INVEPT/INVVPID cannot run here (they #UD where unsupported), or 0 */
static const char *fi_unsupported(const struct ctx *x, enum fi i)
{
	if (i == FI_INVEPT && !(x->c->ept_vpid_cap & VMX_EPT_INVEPT))
		return "IA32_VMX_EPT_VPID_CAP bit 20 (INVEPT) is 0";
	if (i == FI_INVVPID && !(x->c->ept_vpid_cap & VMX_VPID_INVVPID))
		return "IA32_VMX_EPT_VPID_CAP bit 32 (INVVPID) is 0";
	return 0;
}

/* After a fault: still in VMX root with the same current VMCS (root), or
 * still outside VMX operation with CR4.VMXE set (!root: VMPTRST #UDs) */
static bool vmx_state_kept(struct ctx *x, bool root, char *why, size_t n)
{
	u64 cur = 0;
	struct vmx_result r = vmptrst_safe(&cur);
	if (!root && vmx_result_is(r, VMX_FAULT, VEC_UD) && (read_cr4() & CR4_VMXE))
		return true;
	if (root && vmx_ok(r) && cur == x->a && (read_cr4() & CR4_VMXE))
		return true;
	if (!root && !vmx_result_is(r, VMX_FAULT, VEC_UD))
		x->in_vmx = true;   /* it entered VMX operation: restore() leaves it */
	char g[64];
	vmx_result_str(r, g, sizeof(g));
	ksnprintf(why, n, "VMX state changed by the fault: VMPTRST %s, current VMCS 0x%lx (was 0x%lx), CR4 0x%lx", g,
		  cur, x->a, read_cr4());
	return false;
}

/* The fault a case got against the one it wants (conf_fault_verdict): a wrong
 * vector goes through expect() (a listed deviation is an XFAIL), anything
 * else wrong is a FAIL, and so is a changed VMX state. */
static void fault_expect(struct ctx *x, const char *name, const struct conf_fault_got *got,
			 const struct conf_fault_want *want, bool root)
{
	char why[200];
	switch (conf_fault_verdict(got, want, why, sizeof(why))) {
	case FV_VECTOR: {
		struct vmx_result r = { VMX_FAULT, 0, got->vec };
		if (!got->vec)
			r = vmx_decode_flags(got->flags, 0);   /* it ran: its flags say how */
		expect(x, name, r, VMX_FAULT, (u32)want->vec);
		break;
	}
	case FV_OTHER:
		record(x, name, KTAP_FAIL, "%s", why);
		break;
	default:
		if (vmx_state_kept(x, root, why, sizeof(why)))
			record(x, name, KTAP_PASS, 0);
		else
			record(x, name, KTAP_FAIL, "%s", why);
	}
}

/* CPL 3 in VMX root with x->a current (every instruction #GP(0)); compatibility
 * mode there (#UD); CPL 3 outside VMX operation with CR4.VMXE set (VMXON
 * #GP(0), the others #UD: "not in VMX operation" comes before the CPL check) */
enum mode { M_CPL3_ROOT, M_COMPAT, M_CPL3_OUTSIDE };

static void mode_cases(struct ctx *x, enum mode m)
{
	char name[64];
	bool compat = m == M_COMPAT, root = m != M_CPL3_OUTSIDE;
	for (int i = 0; i < FI_NR; i++) {
		int vec = m == M_CPL3_ROOT || (m == M_CPL3_OUTSIDE && i == FI_VMXON) ? VEC_GP : VEC_UD;
		if (m == M_CPL3_OUTSIDE)
			ksnprintf(name, sizeof(name), "insn_%s_cpl3_outside_vmx_%s", fi_name[i], vec == VEC_GP ? "gp0" : "ud");
		else
			ksnprintf(name, sizeof(name), compat ? "insn_%s_compat_mode_ud" : "insn_%s_cpl3_gp0", fi_name[i]);
		const char *un = m == M_CPL3_ROOT ? fi_unsupported(x, (enum fi)i) : 0;
		u64 here = (u64)(uintptr_t)&here;
		if (un) {
			record(x, name, KTAP_SKIP, "%s", un);
			continue;
		}
		if (!compat && !user_page) {
			record(x, name, KTAP_SKIP, "no user page: out of memory");
			continue;
		}
		if (compat && here >> 32) {
			record(x, name, KTAP_SKIP, "the kernel stack (0x%lx) is above 4 GiB: compatibility mode "
			       "cannot use it", here);
			continue;
		}
		if (!enter(x, root ? ROOT_VMCS : VMXE_ONLY)) {
			record(x, name, KTAP_FAIL, "could not reach %s", root ? "VMX root with a current VMCS" :
			       "CR4.VMXE set outside VMX operation");
			continue;
		}
		struct excursion e = { 0 };
		if (compat) {
			e.rip = (u64)(uintptr_t)conf_compat_code + 16 * (u64)i;
			e.cs = KERNEL_CS32;
			e.ss = KERNEL_DS;
			e.rax = x->b;   /* a VMCS-sized page below 4 GiB, if the instruction read it */
		} else {
			invlpg((void *)(uintptr_t)user_page);   /* made a user page on the boot CPU */
			e.rip = user_page + 16 * (u64)i;
			e.cs = USER_CS;
			e.ss = USER_DS;
			e.rsp = user_page + PAGE_SIZE;
			e.rax = user_page + USER_DATA;
		}
		bool ended = excursion_run(&e);
		struct conf_fault_got got = { (int)e.vector, e.error, e.cr2, e.fault_rip, e.fault_cs, 0, true, false };
		struct conf_fault_want want = { vec, 0, ~0ULL, e.rip, e.cs };
		if (!ended)
			record(x, name, KTAP_FAIL, "the excursion ended without a fault");
		else
			fault_expect(x, name, &got, &want, root);
	}
}

/* one bad-operand case: which instruction, the operand, the fault wanted */
static void operand_case(struct ctx *x, const char *name, enum fi i, const void *p, bool ss, int vec, u64 err,
			 u64 cr2)
{
	const char *un = fi_unsupported(x, i);
	if (un) {
		record(x, name, KTAP_SKIP, "%s", un);
		return;
	}
	if (!enter(x, ROOT_VMCS)) {
		record(x, name, KTAP_FAIL, "could not reach VMX root with a current VMCS");
		return;
	}
	u64 fl = 0, type = 2;   /* INVEPT/INVVPID: all-context, so the descriptor is read */
	int v;
	switch (i) {
	case FI_VMPTRLD: v = ss ? vmptrld_ss_safe(p, &fl) : vmptrld_op_at_safe(p, 0, &fl); break;
	case FI_VMPTRST: v = ss ? vmptrst_ss_safe(p, &fl) : vmptrst_op_at_safe(p, 0, &fl); break;
	case FI_VMCLEAR: v = vmclear_op_at_safe(p, 0, &fl); break;
	case FI_VMREAD: v = vmread_op_at_safe(p, VMCS_GUEST_CR3, &fl); break;
	case FI_VMWRITE: v = vmwrite_op_at_safe(p, VMCS_GUEST_CR3, &fl); break;
	case FI_INVEPT: v = invept_op_at_safe(p, type, &fl); break;
	default: v = invvpid_op_at_safe(p, type, &fl); break;
	}
	struct conf_fault_got got = { v, v ? this_cpu()->fault_error : 0, read_cr2(), 0, 0, fl, false, true };
	struct conf_fault_want want = { vec, err, cr2, 0, 0 };
	fault_expect(x, name, &got, &want, true);
}

static void operand_cases(struct ctx *x)
{
	volatile uintptr_t nc = (uintptr_t)VMX_NONCANONICAL;
	const void *bad = (const void *)nc, *unm = (const void *)(uintptr_t)UNMAPPED_VA;
	static const enum fi gp[] = { FI_VMPTRLD, FI_VMCLEAR, FI_VMPTRST, FI_VMREAD, FI_VMWRITE, FI_INVEPT,
					 FI_INVVPID };
	char name[64];
	for (size_t k = 0; k < ARRAY_SIZE(gp); k++) {
		ksnprintf(name, sizeof(name), "insn_%s_noncanonical_operand_gp0", fi_name[gp[k]]);
		operand_case(x, name, gp[k], bad, false, VEC_GP, 0, ~0ULL);
	}
	operand_case(x, "insn_vmptrld_noncanonical_rbp_operand_ss0", FI_VMPTRLD, bad, true, VEC_SS, 0, ~0ULL);
	operand_case(x, "insn_vmptrst_noncanonical_rbp_operand_ss0", FI_VMPTRST, bad, true, VEC_SS, 0, ~0ULL);
	if (paging_lookup(UNMAPPED_VA)) {
		record(x, "insn_operand_unmapped_page_pf", KTAP_SKIP, "0x%lx is mapped here", UNMAPPED_VA);
		return;
	}
	/* #PF error code (SDM vol. 3A, 4.7): P=0 (not present), bit 1 = write */
	static const struct { enum fi i; u64 err; } pf[] = {
		{ FI_VMPTRLD, 0 }, { FI_VMCLEAR, 0 }, { FI_VMPTRST, 2 }, { FI_VMREAD, 2 }, { FI_VMWRITE, 0 },
		{ FI_INVEPT, 0 }, { FI_INVVPID, 0 },
	};
	for (size_t k = 0; k < ARRAY_SIZE(pf); k++) {
		ksnprintf(name, sizeof(name), "insn_%s_unmapped_operand_pf_%s", fi_name[pf[k].i],
			  pf[k].err ? "write" : "read");
		operand_case(x, name, pf[k].i, unm, false, VEC_PF, pf[k].err, UNMAPPED_VA);
	}
}

/* the lowest primary processor-based control the CPU does not allow (0: none) */
static u32 bad_proc_bit(const struct ctx *x)
{
	u32 no = ~vmx_decode_ctls(vmx_caps_ctl_msr(x->c, VMX_CTL_PROCBASED)).allowed1;
	return no & (u32)-(s32)no;
}

static void movss_cases(struct ctx *x)
{
	static const char *const names[] = { "insn_vmlaunch_in_mov_ss_shadow_error_26",
		"insn_vmresume_clear_vmcs_in_mov_ss_shadow_error_26",
		"insn_vmlaunch_launched_vmcs_in_mov_ss_shadow_error_26", "insn_vmresume_in_mov_ss_shadow_error_26" };
	u32 bad = bad_proc_bit(x);
	struct guest_setup gs = { .guest_stack_top = x->stack + PAGE_SIZE, .msr_bitmap_pa = x->bitmap };
	const char *why = !bad ? "every primary processor-based control may be 1: no invalid VMCS keeps a CPU "
				 "that ignored MOV-SS blocking from entering" : 0;
	if (!why && (!enter(x, ROOT_VMCS) || !vmcs_setup_guest(x->c, &gs, BREAK_CONTROL)))
		why = "could not set up the VMCS";
	if (why) {
		for (size_t i = 0; i < ARRAY_SIZE(names); i++)
			record(x, names[i], bad ? KTAP_FAIL : KTAP_SKIP, "%s %s", why, gs.error);
		return;
	}
	/* a clear VMCS with an invalid control: without the blocking, error 7 */
	expect(x, names[0], vmlaunch_movss_safe(), VMX_FAIL_VALID, VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS);
	expect(x, names[1], vmresume_movss_safe(), VMX_FAIL_VALID, VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS);
	enter(x, ROOT_VMCS);
	if (!vmcs_setup_guest(x->c, &gs, BREAK_NONE) || !guest_launch_to_done(x->c, gs.guest_stack_top)) {
		record(x, names[2], KTAP_FAIL, "could not launch the guest first");
		record(x, names[3], KTAP_FAIL, "could not launch the guest first");
		return;
	}
	/* launched: error 4 without the blocking */
	expect(x, names[2], vmlaunch_movss_safe(), VMX_FAIL_VALID, VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS);
	/* launched with an invalid control: error 7 without the blocking */
	vmwrite_safe(VMCS_PRIMARY_PROC_BASED_CONTROLS, gs.proc | bad);
	expect(x, names[3], vmresume_movss_safe(), VMX_FAIL_VALID, VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS);
}

void conf_fault_cases(struct ctx *x)
{
	mode_cases(x, M_CPL3_ROOT);
	mode_cases(x, M_COMPAT);
	mode_cases(x, M_CPL3_OUTSIDE);
	operand_cases(x);
	movss_cases(x);
	enter(x, ROOT_VMCS);
}
