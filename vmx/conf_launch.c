/*
 * Conformance cases that launch the guest (VMLAUNCH/VMRESUME launch states,
 * error 7/8 entries), the VM-entry case table, INVEPT/INVVPID and the
 * capability MSRs' consistency.
 */
#include "vmx/conf_ctx.h"
#include "vmx/conf_exit.h"
#include "kernel/format.h"
#include "vmx/vmx_errors.h"
#include "vmx/conf_entry.h"
#include "vmx/conf_inv.h"
#include "kernel/kprintf.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"

/* A launched VMCS, VMXOFF and VMXON without VMCLEAR, VMPTRLD, VMRESUME. The
 * SDM leaves the outcome open (25.11.1: the VMCS may be corrupt): CPUs give
 * error 5 or 6, or enter the guest. Any of the three passes, and the line says
 * which. It runs on a page of its own, VMCLEARed and freed after, so no later
 * case reuses a region the CPU may have left inconsistent. */
static void vmresume_after_vmxoff_case(struct ctx *x, struct guest_setup *gs)
{
	const char *name = "vmresume_after_vmxoff_vmxon_observed";
	u64 d = page_alloc(1);
	if (!d) {
		record(x, name, KTAP_FAIL, "out of memory");
		return;
	}
	enter(x, ROOT);
	vmx_region_init(d, x->rev);
	if (!vmx_ok(vmclear_safe(d)) || !vmx_ok(vmptrld_safe(d)) || !vmcs_setup_guest(x->c, gs, BREAK_NONE) ||
	    !guest_launch_to_done(x->c, gs->guest_stack_top)) {
		record(x, name, KTAP_FAIL, "could not launch a guest on the case's own VMCS");
	} else {
		vmxoff_safe();
		vmxon_safe(x->on);
		vmptrld_safe(d);
		struct guest_regs regs = { 0 };
		u64 f = vmx_enter(&regs, true);
		struct vmx_result r = f ? vmx_decode_flags(f, 0) : (struct vmx_result){ 0, 0, 0 };
		char g[64];
		vmx_result_str(r, g, sizeof(g));
		bool known = vmx_ok(r) || vmx_result_is(r, VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED_VMCS) ||
			     vmx_result_is(r, VMX_FAIL_VALID, VMXERR_VMRESUME_AFTER_VMXOFF);
		if (known)
			ksnprintf(x->resume_seen, sizeof(x->resume_seen), "%s", vmx_ok(r) ? "entered the guest" : g);
		record(x, name, known ? KTAP_PASS : KTAP_FAIL,
		       "expected VMfailValid 5, VMfailValid 6 or a guest entry, got %s", g);
		if (vmx_ok(r))
			restore(x);   /* the guest ran to its exit: leave VMX cleanly */
	}
	enter(x, ROOT);
	vmclear_safe(d);
	restore(x);
	page_free(d, 1);
}

void launch_cases(struct ctx *x)
{
	struct guest_setup gs = { .guest_stack_top = x->stack + PAGE_SIZE, .msr_bitmap_pa = x->bitmap };
	enter(x, ROOT_VMCS);
	if (!vmcs_setup_guest(x->c, &gs, BREAK_NONE)) {
		record(x, "guest_setup", KTAP_FAIL, "%s", gs.error);
		return;
	}
	struct guest_regs regs = { 0 };
	u64 f = vmx_enter(&regs, true);
	expect(x, "vmresume_clear_vmcs_error_5", f ? vmx_decode_flags(f, 0) : (struct vmx_result){ 0, 0, 0 },
	       VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED_VMCS);
	bool ran = guest_launch_to_done(x->c, gs.guest_stack_top);
	record(x, "vmlaunch_clear_vmcs_runs_guest", ran ? KTAP_PASS : KTAP_FAIL, "the guest did not reach done");
	if (ran) {
		f = vmx_enter(&regs, false);
		expect(x, "vmlaunch_launched_vmcs_error_4", f ? vmx_decode_flags(f, 0) : (struct vmx_result){ 0, 0, 0 },
		       VMX_FAIL_VALID, VMXERR_VMLAUNCH_NONCLEAR_VMCS);
		vmclear_safe(x->a);
		vmptrld_safe(x->a);
		vmcs_reset_guest(&gs);
		bool again = guest_launch_to_done(x->c, gs.guest_stack_top);
		record(x, "vmlaunch_after_vmclear_runs_again", again ? KTAP_PASS : KTAP_FAIL, "no");
		/* the current VMCS is launched now: VMCALL still gives error 1 (SDM 31.3) */
		if (again && vmcall_may_run(x, "vmcall_in_root_launched_vmcs_error_1", false))
			expect(x, "vmcall_in_root_launched_vmcs_error_1", vmcall_root_safe(), VMX_FAIL_VALID,
			       VMXERR_VMCALL_IN_VMX_ROOT);
		vmresume_after_vmxoff_case(x, &gs);
	}
	/* exactly one broken thing per case: controls, then host state */
	static const struct { const char *name; unsigned brk; u32 err; } broken[] = {
		{ "entry_invalid_control_error_7", BREAK_CONTROL, VMXERR_ENTRY_INVALID_CONTROL_FIELD },
		{ "entry_noncanonical_host_rip_error_8", BREAK_HOST_RIP, VMXERR_ENTRY_INVALID_HOST_STATE_FIELD },
	};
	for (size_t i = 0; i < ARRAY_SIZE(broken); i++) {
		enter(x, ROOT_VMCS);
		if (!vmcs_setup_guest(x->c, &gs, broken[i].brk)) {
			record(x, broken[i].name, KTAP_FAIL, "%s", gs.error);
			continue;
		}
		memset(&regs, 0, sizeof(regs));
		f = vmx_enter(&regs, false);
		expect(x, broken[i].name, f ? vmx_decode_flags(f, 0) : (struct vmx_result){ 0, 0, 0 }, VMX_FAIL_VALID,
		       broken[i].err);
	}
}

/* the case table: entry_ctl_, entry_host_, entry_guest_, entry_msr_ */
u64 table_cases(struct ctx *x)
{
	if (!enter(x, ROOT_VMCS)) {
		record(x, "entry_cases_setup", KTAP_FAIL, "VMXON/VMPTRLD failed");
		return 0;
	}
	struct conf_entry_env e = { x->c, x->a, x->b, x->bitmap, x->stack, record_cb, x };
	return conf_entry_run(&e);
}

/* the core VM-exit cases (vmx/conf_exit.c) */
u64 exit_cases(struct ctx *x)
{
	if (!enter(x, ROOT_VMCS)) {
		record(x, "exit_cases_setup", KTAP_FAIL, "VMXON/VMPTRLD failed");
		return 0;
	}
	struct conf_exit_run_env e = { x->v, x->a, x->bitmap, x->stack, record_cb, x };
	return conf_exit_run(&e);
}

/* INVEPT / INVVPID (vmx/conf_inv.c): error numbers need a current VMCS */
void inv_cases(struct ctx *x)
{
	for (size_t i = 0; i < conf_inv_rows_n; i++) {
		const struct conf_inv_case *k = &conf_inv_rows[i];
		char why[160];
		if (conf_inv_skip_reason(k, x->c, why, sizeof(why))) {
			record(x, k->name, KTAP_SKIP, "%s", why);
			continue;
		}
		if (!enter(x, k->state == INV_OUTSIDE ? OUTSIDE : ROOT_VMCS)) {
			record(x, k->name, KTAP_FAIL, "could not reach the case's VMX state");
			continue;
		}
		struct invept_desc ed = { conf_inv_eptp(k, x->c, x->bitmap), 0 };
		struct invvpid_desc vd = { k->vpid, k->gva };
		/* a non-canonical memory operand: #GP(0) before anything else (SDM 31.3) */
		volatile uintptr_t bad = (uintptr_t)VMX_NONCANONICAL;
		const void *op = k->state == INV_BAD_OPERAND ? (const void *)bad
			       : k->insn == INSN_INVEPT ? (const void *)&ed : (const void *)&vd;
		struct vmx_result r = k->insn == INSN_INVEPT ? invept_safe(k->type, op) : invvpid_safe(k->type, op);
		expect(x, k->name, r, k->st, k->num);
	}
}

void caps_cases(struct ctx *x)
{
	const struct vmx_caps *c = x->c;
	struct vmx_basic b = vmx_decode_basic(c->basic);
	record(x, "caps_basic_bit31_clear_size_in_range", !b.bit31 && b.region_size && b.region_size <= 4096 ?
	       KTAP_PASS : KTAP_FAIL, "VMX_BASIC 0x%lx", c->basic);
	bool ok = true;
	for (int k = 0; k < VMX_CTL_NR; k++) {
		if (k == VMX_CTL_PROCBASED2 && !(vmx_decode_ctls(vmx_caps_ctl_msr(c, VMX_CTL_PROCBASED)).allowed1 >> 31))
			continue;
		struct vmx_ctls ct = vmx_decode_ctls(vmx_caps_ctl_msr(c, (enum vmx_ctl_kind)k));
		ok &= (ct.allowed0 & ~ct.allowed1) == 0;
	}
	/* the non-TRUE MSRs keep their default-1 bits (SDM A.2) */
	ok &= ((u32)c->pinbased & 0x16) == 0x16 && ((u32)c->procbased & 0x0401e172) == 0x0401e172 &&
	      ((u32)c->exit & 0x36dff) == 0x36dff && ((u32)c->entry & 0x11ff) == 0x11ff;
	record(x, "caps_controls_must_be_1_within_may_be_1", ok ? KTAP_PASS : KTAP_FAIL, "a control MSR is inconsistent");
	record(x, "caps_fixed0_subset_of_fixed1", !(c->cr0_fixed0 & ~c->cr0_fixed1) && !(c->cr4_fixed0 & ~c->cr4_fixed1) ?
	       KTAP_PASS : KTAP_FAIL, "CR0 0x%lx/0x%lx CR4 0x%lx/0x%lx", c->cr0_fixed0, c->cr0_fixed1, c->cr4_fixed0,
	       c->cr4_fixed1);
	record(x, "caps_misc_reserved_bits_clear", !(c->misc & VMX_MISC_RESERVED) ? KTAP_PASS : KTAP_FAIL,
	       "VMX_MISC 0x%lx", c->misc);
}
