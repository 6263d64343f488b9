/*
 * The VMX conformance suite. Each case sets up its precondition for real,
 * executes the instruction through a _safe wrapper, checks the exact outcome
 * (#UD / #GP / VMfailInvalid / VMfailValid N) and leaves the CPU clean: out
 * of VMX operation, CR0/CR4 restored, pages freed. An error number exists
 * only while a VMCS is current, so cases that expect one make a VMCS current
 * first; the table says which state each case runs in.
 */
#include <stdarg.h>
#include "vmx/conformance.h"
#include "vmx/vmx.h"
#include "vmx/guest.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmcs_fields.h"
#include "vmx/deviations.h"
#include "vmx/conf_entry.h"
#include "vmx/conf_cases.h"
#include "vmx/conf_inv.h"
#include "vmx/conf_insn.h"
#include "arch/x86_64/timer.h"
#include "kernel/format.h"
#include "kernel/kprintf.h"
#include "kernel/ranges.h"
#include "kernel/ktap.h"
#include "kernel/report.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/platform.h"
#include "kernel/lib.h"
#include "arch/x86_64/smp.h"

/* the state a case runs in (README.md, "conformance cases") */
enum state { OUTSIDE, VMXE_ONLY, ROOT, ROOT_VMCS };

/* the hand-written cases here, plus those of the case table (conf_entry.c) */
#define MAX_OWN_CASES 64
struct case_result {
	char name[64];
	enum ktap_result r;
	char detail[256];
};

struct ctx {
	struct vmx_cpu *v;
	const struct vmx_caps *c;
	u32 rev;
	u64 width_bit;          /* first physical-address bit beyond the width */
	u64 cr0, cr4;
	u64 on, a, b, bitmap, stack;
	bool in_vmx;
	struct case_result *res;   /* this CPU's slot in conf[] */
	u32 n, cap;
	char resume_seen[64];      /* VMRESUME after VMXOFF/VMXON: the allowed outcome seen, printed folded */
};

struct conf_cpu {
	struct case_result *res;   /* cap entries, page_alloc'd: sized from the case table */
	u32 n, cap;
	u64 entry_cycles;          /* the time the case table took */
	bool run_table;            /* the KTAP pool can hold this CPU's table results */
	u64 res_pages;
	bool clean;
	char clean_detail[120];
};
static struct conf_cpu *conf;
static char table_skip[160];   /* why a CPU runs without the case table */

/* ---- recording ---- */

static void record(struct ctx *x, const char *name, enum ktap_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void record(struct ctx *x, const char *name, enum ktap_result r, const char *fmt, ...)
{
	if (x->n >= x->cap)
		return;
	struct case_result *cr = &x->res[x->n++];
	ksnprintf(cr->name, sizeof(cr->name), "%s", name);
	cr->r = r;
	cr->detail[0] = 0;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(cr->detail, sizeof(cr->detail), fmt, ap);
		va_end(ap);
	}
}

/* "VMfailValid 19 (name...)" -> "VMfailValid 19": XFAIL lines keep the words for the deviation */
static const char *short_result(char *s)
{
	for (char *p = s; *p; p++)
		if (p[0] == ' ' && p[1] == '(') {
			*p = 0;
			break;
		}
	return s;
}

/* got must be st/num; a mismatch is an XFAIL only when the known-deviation
 * table lists (platform, name, got), else a FAIL */
static void expect(struct ctx *x, const char *name, struct vmx_result got, enum vmx_status st, u32 num)
{
	char g[112], w[112];
	struct vmx_result want = { st, st == VMX_FAIL_VALID ? num : 0, st == VMX_FAULT ? (int)num : 0 };
	vmx_result_str(got, g, sizeof(g));
	vmx_result_str(want, w, sizeof(w));
	const struct vmx_deviation *d;
	if (vmx_result_is(got, st, num))
		record(x, name, KTAP_PASS, 0);
	else if ((d = vmx_deviation_find(platform.kind, name, vmx_outcome(got))))
		record(x, name, KTAP_XFAIL, "SDM %s: %s: expected %s, got %s", d->sdm, d->what, short_result(w),
		       short_result(g));
	else
		record(x, name, KTAP_FAIL, "expected %s, got %s", w, g);
}

/* ---- state changes ---- */

static bool set_vmxe(struct ctx *x)
{
	struct vmx_fixed f0 = vmx_fixed_apply(x->cr0, x->c->cr0_fixed0, x->c->cr0_fixed1);
	struct vmx_fixed f4 = vmx_fixed_apply(x->cr4 | CR4_VMXE, x->c->cr4_fixed0, x->c->cr4_fixed1);
	return !write_cr0_safe(f0.value) && !write_cr4_safe(f4.value);
}

static void restore(struct ctx *x)
{
	if (x->in_vmx) {
		u64 cur = ~0ULL;
		vmptrst_safe(&cur);
		if (cur != ~0ULL)
			vmclear_safe(cur);
		if (vmx_ok(vmxoff_safe()))
			x->in_vmx = false;
	}
	write_cr4_safe(x->cr4);
	write_cr0_safe(x->cr0);
	vmx_region_init(x->on, x->rev);
	vmx_region_init(x->a, x->rev);
	vmx_region_init(x->b, x->rev);
}

static bool enter(struct ctx *x, enum state s)
{
	restore(x);
	if (s == OUTSIDE)
		return true;
	if (!set_vmxe(x))
		return false;
	if (s == VMXE_ONLY)
		return true;
	if (!vmx_ok(vmxon_safe(x->on)))
		return false;
	x->in_vmx = true;
	if (s == ROOT)
		return true;
	return vmx_ok(vmclear_safe(x->a)) && vmx_ok(vmptrld_safe(x->a));
}

/* ---- the cases ---- */

static void outside_cases(struct ctx *x)
{
	u64 v;
	enter(x, OUTSIDE);
	/* the precondition of every case below, made true rather than assumed */
	if (write_cr4_safe(read_cr4() & ~CR4_VMXE) || (read_cr4() & CR4_VMXE)) {
		record(x, "outside_vmx_cases", KTAP_FAIL, "could not clear CR4.VMXE (CR4 0x%lx)", read_cr4());
		return;
	}
	expect(x, "vmxon_with_cr4_vmxe_clear_ud", vmxon_safe(x->on), VMX_FAULT, VEC_UD);
	expect(x, "vmxoff_outside_vmx_ud", vmxoff_safe(), VMX_FAULT, VEC_UD);
	expect(x, "vmclear_outside_vmx_ud", vmclear_safe(x->a), VMX_FAULT, VEC_UD);
	expect(x, "vmptrld_outside_vmx_ud", vmptrld_safe(x->a), VMX_FAULT, VEC_UD);
	expect(x, "vmptrst_outside_vmx_ud", vmptrst_safe(&v), VMX_FAULT, VEC_UD);
	expect(x, "vmread_outside_vmx_ud", vmread_safe(VMCS_GUEST_CR3, &v), VMX_FAULT, VEC_UD);
	expect(x, "vmwrite_outside_vmx_ud", vmwrite_safe(VMCS_GUEST_CR3, 0), VMX_FAULT, VEC_UD);
	expect(x, "vmlaunch_outside_vmx_ud", vmlaunch_fail_safe(), VMX_FAULT, VEC_UD);
	expect(x, "vmresume_outside_vmx_ud", vmresume_fail_safe(), VMX_FAULT, VEC_UD);
}

/* VMXON with one bit cleared that IA32_VMX_CR<cr>_FIXED0 requires: #GP (SDM 31.3 VMXON) */
static void vmxon_fixed_bit_case(struct ctx *x, const char *name, int cr, u64 bit)
{
	enter(x, VMXE_ONLY);
	int e = cr == 0 ? write_cr0_safe(read_cr0() & ~bit) : write_cr4_safe(read_cr4() & ~bit);
	struct vmx_result r = vmxon_safe(x->on);
	x->in_vmx = vmx_ok(r);
	if (e)
		record(x, name, KTAP_FAIL, "could not clear CR%d bit 0x%lx (vector %d)", cr, bit, e);
	else
		expect(x, name, r, VMX_FAULT, VEC_GP);
}

static void vmxon_cases(struct ctx *x)
{
	/* CR0.NE is required by IA32_VMX_CR0_FIXED0 on every VT-x CPU (SDM A.7) */
	if (x->c->cr0_fixed0 & CR0_NE)
		vmxon_fixed_bit_case(x, "vmxon_cr0_fixed_bit_clear_gp", 0, CR0_NE);
	else
		record(x, "vmxon_cr0_fixed_bit_clear_gp", KTAP_SKIP, "CR0_FIXED0 does not require NE");
	u64 other = x->c->cr4_fixed0 & ~CR4_VMXE;
	if (other) {
		vmxon_fixed_bit_case(x, "vmxon_cr4_fixed_bit_clear_gp", 4, other & -other);
	} else {
		record(x, "vmxon_cr4_fixed_bit_clear_gp", KTAP_SKIP,
		       "CR4_FIXED0 0x%lx requires no bit but VMXE: nothing else to violate", x->c->cr4_fixed0);
	}
	enter(x, VMXE_ONLY);
	struct vmx_result r = vmxon_safe(x->on + 0x10);
	x->in_vmx = vmx_ok(r);
	expect(x, "vmxon_unaligned_pointer_fail_invalid", r, VMX_FAIL_INVALID, 0);
	enter(x, VMXE_ONLY);
	r = vmxon_safe(x->on | x->width_bit);
	x->in_vmx = vmx_ok(r);
	expect(x, "vmxon_pointer_beyond_width_fail_invalid", r, VMX_FAIL_INVALID, 0);
	enter(x, VMXE_ONLY);
	vmx_region_init(x->on, x->rev ^ 1);
	r = vmxon_safe(x->on);
	x->in_vmx = vmx_ok(r);
	expect(x, "vmxon_wrong_revision_fail_invalid", r, VMX_FAIL_INVALID, 0);
	u64 fc = x->v->in.feature_control;
	if ((fc & FEATURE_CONTROL_LOCK) && (fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
		record(x, "vmxon_feature_control_disabled_gp", KTAP_SKIP,
		       "IA32_FEATURE_CONTROL is 0x%lx: locked with VMXON enabled; only a reset can change it", fc);
	else
		record(x, "vmxon_feature_control_disabled_gp", KTAP_SKIP,
		       "IA32_FEATURE_CONTROL 0x%lx cannot be arranged locked-off here", fc);
}

/* Whether a VMCALL-in-root case may run here; else a SKIP with the reason
 * (the decision is vmx_vmcall_skip_reason(), host-tested). */
static bool vmcall_may_run(struct ctx *x, const char *name, bool clear_vmcs)
{
	u64 smm = 0;
	bool hv = cpuid(1).ecx & CPUID1_ECX_HYPERVISOR;
	bool smm_ok = (x->c->basic & VMX_BASIC_DUAL_MONITOR) && !rdmsr_safe(IA32_SMM_MONITOR_CTL, &smm);
	char why[160];
	if (!vmx_vmcall_skip_reason(why, sizeof(why), hv ? platform.hv_vendor : 0, x->c->basic, smm_ok, smm,
				    clear_vmcs, platform.kind))
		return true;
	record(x, name, KTAP_SKIP, "%s", why);
	return false;
}

static void root_cases(struct ctx *x)
{
	u64 v = 0;
	enter(x, ROOT);
	expect(x, "vmxon_in_root_no_vmcs_fail_invalid", vmxon_safe(x->on), VMX_FAIL_INVALID, 0);
	expect(x, "vmread_no_current_vmcs_fail_invalid", vmread_safe(VMCS_GUEST_CR3, &v), VMX_FAIL_INVALID, 0);
	expect(x, "vmwrite_no_current_vmcs_fail_invalid", vmwrite_safe(VMCS_GUEST_CR3, 0), VMX_FAIL_INVALID, 0);
	struct vmx_result r = vmptrst_safe(&v);
	if (vmx_ok(r) && v == ~0ULL)
		record(x, "vmptrst_no_current_vmcs_all_ones", KTAP_PASS, 0);
	else
		record(x, "vmptrst_no_current_vmcs_all_ones", KTAP_FAIL, "VMPTRST gave 0x%lx", v);
	if (vmcall_may_run(x, "vmcall_in_root_no_vmcs_fail_invalid", false))
		expect(x, "vmcall_in_root_no_vmcs_fail_invalid", vmcall_root_safe(), VMX_FAIL_INVALID, 0);

	enter(x, ROOT_VMCS);
	expect(x, "vmxon_in_root_with_vmcs_error_15", vmxon_safe(x->on), VMX_FAIL_VALID, VMXERR_VMXON_IN_VMX_ROOT);
	if (vmcall_may_run(x, "vmcall_in_root_error_1", true))
		expect(x, "vmcall_in_root_error_1", vmcall_root_safe(), VMX_FAIL_VALID, VMXERR_VMCALL_IN_VMX_ROOT);
	expect(x, "vmclear_unaligned_error_2", vmclear_safe(x->b + 8), VMX_FAIL_VALID, VMXERR_VMCLEAR_INVALID_ADDRESS);
	expect(x, "vmclear_beyond_width_error_2", vmclear_safe(x->b | x->width_bit), VMX_FAIL_VALID,
	       VMXERR_VMCLEAR_INVALID_ADDRESS);
	expect(x, "vmclear_vmxon_pointer_error_3", vmclear_safe(x->on), VMX_FAIL_VALID, VMXERR_VMCLEAR_VMXON_POINTER);
	expect(x, "vmptrld_unaligned_error_9", vmptrld_safe(x->b + 8), VMX_FAIL_VALID, VMXERR_VMPTRLD_INVALID_ADDRESS);
	expect(x, "vmptrld_beyond_width_error_9", vmptrld_safe(x->b | x->width_bit), VMX_FAIL_VALID,
	       VMXERR_VMPTRLD_INVALID_ADDRESS);
	expect(x, "vmptrld_vmxon_pointer_error_10", vmptrld_safe(x->on), VMX_FAIL_VALID, VMXERR_VMPTRLD_VMXON_POINTER);
	vmx_region_init(x->b, x->rev ^ 1);
	expect(x, "vmptrld_wrong_revision_error_11", vmptrld_safe(x->b), VMX_FAIL_VALID, VMXERR_VMPTRLD_INCORRECT_REVISION_ID);
	/* index 511 of the 16-bit control fields: beyond any CPU's VMCS_ENUM */
	expect(x, "vmread_unsupported_field_error_12", vmread_safe(0x03fe, &v), VMX_FAIL_VALID,
	       VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	expect(x, "vmwrite_unsupported_field_error_12", vmwrite_safe(0x03fe, 0), VMX_FAIL_VALID,
	       VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	r = vmwrite_safe(VMCS_EXIT_REASON, 1);
	if (vmx_decode_misc(x->c->misc).vmwrite_any_field) {
		if (vmx_ok(r))
			record(x, "vmwrite_readonly_field_ok_with_misc_bit29", KTAP_PASS, 0);
		else
			expect(x, "vmwrite_readonly_field_ok_with_misc_bit29", r, VMX_SUCCEED, 0);
	} else {
		expect(x, "vmwrite_readonly_field_error_13", r, VMX_FAIL_VALID, VMXERR_VMWRITE_READONLY_COMPONENT);
	}
}

/* Fields whose written value need not read back unchanged, and why */
static u64 roundtrip_mask(u32 enc, u64 width_mask)
{
	/* guest access rights: bits 11:8 and 31:17 are reserved and a CPU may drop
	 * them (SDM 25.4.1); the L bit (13) means something only for CS, and real
	 * CPUs may clear it elsewhere. The bits kept are those of kvm-unit-tests'
	 * x86/vmx.c field table, checked on hardware: 0x1f0ff for CS, 0x1d0ff for
	 * the others. Every other field keeps its whole width there. */
	if (enc == VMCS_GUEST_CS_ACCESS_RIGHTS)
		return 0x1f0ff;
	if (enc >= VMCS_GUEST_ES_ACCESS_RIGHTS && enc <= VMCS_GUEST_TR_ACCESS_RIGHTS)
		return 0x1d0ff;
	return width_mask;
}

static void enum_cases(struct ctx *x)
{
	enter(x, ROOT_VMCS);
	bool any_ro = vmx_decode_misc(x->c->misc).vmwrite_any_field;
	u32 highest = 0, accepted = 0, bad = 0, first_bad = 0;
	u64 first_got = 0, first_want = 0;
	for (u32 width = 0; width < 4; width++)
		for (u32 type = 0; type < 4; type++)
			for (u32 index = 0; index < 512; index++) {
				u32 enc = (width << 13) | (type << 10) | (index << 1);
				u64 orig;
				if (!vmx_ok(vmread_safe(enc, &orig)))
					continue;
				accepted++;
				if (index > highest)
					highest = index;
				if (enc == VMCS_VM_INSTRUCTION_ERROR || (type == 1 && !any_ro))
					continue;   /* read-only: not written (see README) */
				u64 wmask = width == 0 ? 0xffff : width == 2 ? 0xffffffff : ~0ULL;
				u64 want = 0x5a5aa5a55a5aa5a5ULL & roundtrip_mask(enc, wmask), got = 0;
				vmwrite_safe(enc, want);
				vmread_safe(enc, &got);
				vmwrite_safe(enc, orig);
				if ((got & roundtrip_mask(enc, wmask)) != want && !bad++) {
					first_bad = enc;
					first_got = got;
					first_want = want;
				}
			}
	u32 enum_hi = vmx_vmcs_enum_highest_index(x->c->vmcs_enum);
	if (bad)
		record(x, "every_readable_field_roundtrips", KTAP_FAIL,
		       "%u of %u fields differ; first 0x%x: wrote 0x%lx, read 0x%lx", bad, accepted, first_bad,
		       first_want, first_got);
	else
		record(x, "every_readable_field_roundtrips", KTAP_PASS, 0);
	const struct vmx_deviation *d = vmx_deviation_find(platform.kind, "highest_field_index_matches_vmcs_enum",
							    highest);
	if (highest == enum_hi)
		record(x, "highest_field_index_matches_vmcs_enum", KTAP_PASS, 0);
	else if (d)
		record(x, "highest_field_index_matches_vmcs_enum", KTAP_XFAIL,
		       "SDM %s: expected highest accepted index 0x%x (VMCS_ENUM), CPU accepts up to 0x%x: %s",
		       d->sdm, enum_hi, highest, d->what);
	else
		record(x, "highest_field_index_matches_vmcs_enum", KTAP_FAIL,
		       "highest accepted index 0x%x, VMCS_ENUM says 0x%x", highest, enum_hi);
}

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

static void launch_cases(struct ctx *x)
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

static void record_cb(void *ctx, const char *name, enum ktap_result r, const char *detail)
{
	record(ctx, name, r, detail ? "%s" : 0, detail);
}

/* the case table: entry_ctl_, entry_host_, entry_guest_, entry_msr_ */
static u64 table_cases(struct ctx *x)
{
	if (!enter(x, ROOT_VMCS)) {
		record(x, "entry_cases_setup", KTAP_FAIL, "VMXON/VMPTRLD failed");
		return 0;
	}
	struct conf_entry_env e = { x->c, x->a, x->b, x->bitmap, x->stack, record_cb, x };
	return conf_entry_run(&e);
}

/* INVEPT / INVVPID (vmx/conf_inv.c): error numbers need a current VMCS */
static void inv_cases(struct ctx *x)
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

static void caps_cases(struct ctx *x)
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

static bool con_sel_online(u32 i)
{
	return cpus[i].state == CPU_ONLINE && cpu_in_mask(opt.vmx_cpus, i);
}

static void *ctxs_;   /* per CPU, allocated before the jobs run */

static long conformance_job(void *arg)
{
	(void)arg;
	u32 me = this_cpu()->index;
	struct conf_cpu *out = &conf[me];
	struct ctx *x = &((struct ctx *)cpu_array(&ctxs_, sizeof(struct ctx)))[me];
	memset(x, 0, sizeof(*x));
	x->v = &vmx_cpus[me];
	x->c = &x->v->caps;
	x->cr0 = read_cr0();
	x->cr4 = read_cr4();
	x->res = out->res;
	x->cap = out->cap;
	x->on = page_alloc(1);
	x->a = page_alloc(1);
	x->b = page_alloc(1);
	x->bitmap = page_alloc(1);
	x->stack = page_alloc(1);
	outside_cases(x);
	if (!x->v->det.usable || !x->v->completed || !x->on || !x->a || !x->b || !x->bitmap || !x->stack) {
		record(x, "vmx_cases", KTAP_SKIP, "%s", !x->v->det.usable ? vmx_detect_reason_text(x->v->det.verdict)
					: "the VMX lifecycle failed on this CPU");
	} else {
		x->rev = vmx_decode_basic(x->c->basic).revision_id;
		x->width_bit = 1ULL << vmx_phys_addr_bits(x->c->cpuid_80000008_eax);
		vmxon_cases(x);
		root_cases(x);
		enum_cases(x);
		launch_cases(x);
		inv_cases(x);
		if (enter(x, ROOT_VMCS))
			conf_insn_run(x->c, x->a, x->b, record_cb, x);
		if (out->run_table)
			out->entry_cycles = table_cases(x);
		else
			record(x, "entry_cases", KTAP_SKIP, "%s", table_skip);
		caps_cases(x);
	}
	restore(x);
	u64 pages[] = { x->on, x->a, x->b, x->bitmap, x->stack };
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			page_free(pages[i], 1);
	out->n = x->n;
	struct vmx_result off = vmxoff_safe();
	out->clean = !x->in_vmx && read_cr0() == x->cr0 && read_cr4() == x->cr4 && off.status == VMX_FAULT;
	ksnprintf(out->clean_detail, sizeof(out->clean_detail), "CR0 0x%lx (was 0x%lx) CR4 0x%lx (was 0x%lx)",
		  read_cr0(), x->cr0, read_cr4(), x->cr4);
	return 1;
}

/* Which CPUs run the case table: as many as the KTAP pool can hold (the pool
 * is fixed here; conf_table_cpu_budget decides, host-tested). */
#define OWN_NODES_PER_CPU 84   /* this file's cases (INVEPT/INVVPID, insn_ included), the group, its last check */
#define NODES_RESERVED 16      /* no_pages_leaked, a panic leaf, ... */
static void plan_table(u32 cap)
{
	u32 sel = 0, table = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!con_sel_online(i) || !vmx_cpus[i].det.usable)
			continue;
		sel++;
		u32 n = conf_case_count(&vmx_cpus[i].caps) + 3;
		table = n > table ? n : table;
	}
	u32 free = ktap_nodes_free();
	u32 k = conf_table_cpu_budget(free, sel, OWN_NODES_PER_CPU, table, NODES_RESERVED);
	ksnprintf(table_skip, sizeof(table_skip), "the KTAP pool (%u nodes free) holds the VM-entry case table (%u "
		  "cases) on %u of %u CPUs; this one runs without it", free, table, k, sel);
	for (u32 i = 0; i < cpu_count && k; i++)
		if (con_sel_online(i) && vmx_cpus[i].det.usable && conf[i].cap == cap) {
			conf[i].run_table = true;
			k--;
		}
}

/* The per-CPU human lines, one per kind of CPU (kernel/ranges.h): the
 * VMRESUME-after-VMXOFF/VMXON outcome each CPU saw, and the case table's time
 * (as a range over the CPUs that ran it). */
#define CONF_KEY 96
static void *keys_, *kind_;

static void print_folded(const bool *done)
{
	char *keys = cpu_array(&keys_, CONF_KEY), list[64];
	u32 *kind = cpu_array(&kind_, sizeof(u32));
	const struct ctx *xs = cpu_array(&ctxs_, sizeof(struct ctx));
	for (u32 i = 0; i < cpu_count; i++)
		ksnprintf(keys + (size_t)i * CONF_KEY, CONF_KEY, "%s", con_sel_online(i) && done[i] ?
			  xs[i].resume_seen : "");
	ranges_kinds(keys, CONF_KEY, cpu_count, kind);
	for (u32 i = 0; i < cpu_count; i++)
		if (kind[i] != RANGES_NONE && ranges_first(kind, i + 1, kind[i]) == i) {
			u32 n = ranges_list(kind, cpu_count, kind[i], 0, list, sizeof(list));
			kprintf("conformance: %s%s: VMRESUME after VMXOFF/VMXON without VMCLEAR: %s (SDM 25.11.1 allows "
				"error 5, error 6 or entering the guest)\n", n == 1 ? "cpu" : "cpus ", list,
				keys + (size_t)i * CONF_KEY);
		}
	u64 lo = ~0ull, hi = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		u64 c = con_sel_online(i) && done[i] ? conf[i].entry_cycles : 0;
		ksnprintf(keys + (size_t)i * CONF_KEY, CONF_KEY, "%s", c ? "table" : "");
		lo = c && c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	if (!hi || ranges_kinds(keys, CONF_KEY, cpu_count, kind) != 1)
		return;
	u32 n = ranges_list(kind, cpu_count, 0, 0, list, sizeof(list));
	if (lo == hi)
		kprintf("conformance: %s%s: the VM-entry case table took %lu us (%lu TSC cycles)%s\n",
			n == 1 ? "cpu" : "cpus ", list, tsc_to_us(lo), lo, n == 1 ? "" : " on each");
	else
		kprintf("conformance: cpus %s: the VM-entry case table took %lu-%lu us (%lu-%lu TSC cycles) per CPU\n",
			list, tsc_to_us(lo), tsc_to_us(hi), lo, hi);
}

void vmx_conformance_run(void)
{
	struct ktap_node *s = ktap_group(0, "conformance");
	if (!opt.vmx || !vmx_cpus) {
		ktap_set(s, KTAP_SKIP, "vmx=off");
		return;
	}
	u64 pages = ALIGN_UP((u64)cpu_count * sizeof(struct conf_cpu), PAGE_SIZE) / PAGE_SIZE;
	conf = (struct conf_cpu *)(uintptr_t)page_alloc(pages);
	static void *done_;
	bool *done = cpu_array(&done_, sizeof(bool));
	cpu_array(&ctxs_, sizeof(struct ctx));   /* before the leak check's first figure */
	cpu_array(&keys_, CONF_KEY);
	cpu_array(&kind_, sizeof(u32));
	guest_launch_prepare();
	if (!conf) {
		ktap_add(s, "setup", KTAP_FAIL, "out of memory");
		return;
	}
	u32 cap = MAX_OWN_CASES + (u32)conf_entry_max_results();
	u64 res_pages = ALIGN_UP((u64)cap * sizeof(struct case_result), PAGE_SIZE) / PAGE_SIZE;
	for (u32 i = 0; i < cpu_count; i++) {
		conf[i] = (struct conf_cpu){ 0 };
		if (!con_sel_online(i))
			continue;
		conf[i].res = (struct case_result *)(uintptr_t)page_alloc(res_pages);
		conf[i].cap = conf[i].res ? cap : 0;
		conf[i].res_pages = conf[i].res ? res_pages : 0;
	}
	plan_table(cap);
	u64 free_before = report_free_pages();
	on_each_cpu(conformance_job, 0, opt.vmx_cpus, true, ON_CPU_TIMEOUT_US * 4, 0, done);
	u32 pass = 0, fail = 0, skip = 0, xfail = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!con_sel_online(i))
			continue;
		char name[16];
		ksnprintf(name, sizeof(name), "cpu%u", i);
		struct ktap_node *g = ktap_group(s, name);
		if (!done[i]) {
			ktap_add(g, "answered", KTAP_FAIL, "CPU %u did not finish the suite in time", i);
			continue;
		}
		for (u32 k = 0; k < conf[i].n; k++) {
			const struct case_result *cr = &conf[i].res[k];
			ktap_add(g, cr->name, cr->r, cr->r == KTAP_PASS ? 0 : "%s", cr->detail);
			pass += cr->r == KTAP_PASS;
			fail += cr->r == KTAP_FAIL;
			skip += cr->r == KTAP_SKIP;
			xfail += cr->r == KTAP_XFAIL;
			if (cr->r == KTAP_FAIL)
				kprintf("conformance: cpu%u: %s: %s\n", i, cr->name, cr->detail);
		}
		ktap_check(g, "left_out_of_vmx_with_cr0_cr4_restored", conf[i].clean, "%s", conf[i].clean_detail);
	}
	u64 free_after = report_free_pages();
	print_folded(done);
	ktap_check(s, "no_pages_leaked", free_after == free_before, "free pages %lu before, %lu after",
		   free_before, free_after);
	bool all_done = true;
	for (u32 i = 0; i < cpu_count; i++)
		if (con_sel_online(i) && !done[i])
			all_done = false;
	if (all_done) {   /* a stuck CPU may still write its results: then keep the pages */
		for (u32 i = 0; i < cpu_count; i++)
			if (conf[i].res)
				page_free((u64)(uintptr_t)conf[i].res, conf[i].res_pages);
		page_free((u64)(uintptr_t)conf, pages);
	}
	kprintf("conformance: %u passed, %u failed, %u skipped, %u expected failures (all CPUs)\n", pass, fail, skip,
		xfail);
}
