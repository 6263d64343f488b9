/*
 * The VM-entry conformance cases on this CPU (issue 12). One known-good guest
 * VMCS per CPU (vmcs_setup_guest, conf_good_vmcs_extras, guest RIP at a
 * VMCALL); each case breaks one field, hands the same VMCS to the software
 * model and to VMLAUNCH, and restores the field. A case passes only when the
 * CPU's outcome is the row's and the model's first finding names the row's
 * field and section; a model that disagrees is a FAIL; a CPU that deviates is
 * a FAIL unless vmx_deviation_find() lists (platform, case, outcome): XFAIL.
 * A CPU that wrongly enters the guest exits at the VMCALL (or at any fault:
 * exception bitmap all ones, or a triple-fault exit), recorded as a FAIL.
 */
#include "vmx/conf_entry.h"
#include "vmx/vmcs_view.h"
#include "vmx/conf_cases.h"
#include "vmx/deviations.h"
#include "vmx/entry_check.h"
#include "vmx/guest.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx.h"
#include "arch/x86_64/paging.h"
#include "kernel/format.h"
#include "kernel/lib.h"
#include "kernel/platform.h"
#include "kernel/pmm.h"

void conf_guest_vmcall(void), conf_guest_ud2(void), conf_guest_hlt(void), conf_guest_cpuid(void);
void conf_guest_mov_to_cr3(void), conf_guest_rdtsc(void), conf_guest_rdmsr(void), conf_guest_out_80(void);
extern u64 conf_guest_cr3;

static void (*const guest_entry[])(void) = {
	[GUEST_VMCALL] = conf_guest_vmcall, [GUEST_UD2] = conf_guest_ud2, [GUEST_HLT] = conf_guest_hlt,
	[GUEST_CPUID] = conf_guest_cpuid, [GUEST_MOV_TO_CR3] = conf_guest_mov_to_cr3, [GUEST_RDTSC] = conf_guest_rdtsc,
	[GUEST_RDMSR] = conf_guest_rdmsr, [GUEST_OUT_80] = conf_guest_out_80,
};

struct run {
	const struct conf_entry_env *e;
	struct conf_env_vals vals;
	struct guest_setup gs;
	u32 rev;
};

size_t conf_entry_max_results(void)
{
	return conf_case_slots() + 3;
}

static void w(u32 field, u64 v, void *ctx)
{
	(void)ctx;
	vmwrite_safe(field, v);
}

/* a clear current VMCS holding the known-good guest */
static bool build_good(struct run *r)
{
	if (!vmx_ok(vmclear_safe(r->e->vmcs)) || !vmx_ok(vmptrld_safe(r->e->vmcs)) ||
	    !vmcs_setup_guest(r->e->caps, &r->gs, BREAK_NONE))
		return false;
	u32 proc = r->gs.proc, proc2;
	conf_good_vmcs_extras(r->e->caps, &r->vals, w, 0, &proc, &proc2);
	vmwrite_safe(VMCS_GUEST_RIP, (u64)(uintptr_t)conf_guest_vmcall);
	return true;
}

/* VMLAUNCH of the current VMCS; the outcome as conf_outcome_code() */
static u64 launch(bool *exited)
{
	struct guest_regs regs = { 0 };
	u64 f = vmx_enter(&regs, false);
	*exited = !f;
	if (f) {
		struct vmx_result res = vmx_decode_flags(f, 0);
		return res.status == VMX_FAIL_VALID ? conf_outcome_code(EXP_FAIL_VALID, res.error, 0)
						    : conf_outcome_code(EXP_FAIL_INVALID, 0, 0);
	}
	u64 reason = 0, qual = 0;
	vmread_safe(VMCS_EXIT_REASON, &reason);
	vmread_safe(VMCS_EXIT_QUALIFICATION, &qual);
	return conf_outcome_code(reason & EXIT_REASON_ENTRY_FAILURE ? EXP_ENTRY_FAIL : EXP_ENTERED,
				 (u32)reason & EXIT_REASON_BASIC_MASK, (u32)qual);
}

static void verdict(struct run *r, const struct conf_case *k, u64 got, const struct entry_finding *f, size_t n)
{
	char d[256];
	int v = conf_case_verdict(k, got, n ? f : 0, n, platform.kind, d, sizeof(d));
	r->e->rec(r->e->rec_ctx, k->name, (enum ktap_result)v, d[0] ? d : 0);
}

static void fill_msr_area(const struct run *r, const struct conf_case *k)
{
	struct conf_msr_entry *a = (struct conf_msr_entry *)(uintptr_t)r->vals.page_msr;
	memset(a, 0, PAGE_SIZE);
	for (u32 i = 0; i < k->msr_count && i < 2; i++)
		a[i] = k->msr[i];
}

static void one_case(struct run *r, const struct conf_case *k)
{
	char why[160];
	const struct vmx_caps *c = r->e->caps;
	if (conf_case_skip_reason(k, c, why, sizeof(why))) {
		r->e->rec(r->e->rec_ctx, k->name, KTAP_SKIP, why);
		return;
	}
	u64 pre_old = 0, old = 0;
	if (k->pre_field) {
		vmread_safe(k->pre_field, &pre_old);
		vmwrite_safe(k->pre_field, pre_old | k->pre_or);
	}
	if (k->val == V_PAGE_MSR)
		fill_msr_area(r, k);
	struct vmx_result rd = vmread_safe(k->field, &old);
	struct vmx_result wr = vmwrite_safe(k->field, conf_case_value(k, c, &r->vals, old));
	if (!vmx_ok(rd) || !vmx_ok(wr)) {
		const struct vmcs_field *fl = vmcs_field_by_encoding(k->field);
		ksnprintf(why, sizeof(why), "field %s (0x%x) cannot be %s on this CPU", fl ? fl->name : "?", k->field,
			  vmx_ok(rd) ? "written" : "read");
		r->e->rec(r->e->rec_ctx, k->name, KTAP_FAIL, why);
		if (k->pre_field)
			vmwrite_safe(k->pre_field, pre_old);
		return;
	}
	if (k->guest && k->guest < ARRAY_SIZE(guest_entry))
		vmwrite_safe(VMCS_GUEST_RIP, (u64)(uintptr_t)guest_entry[k->guest]);
	struct entry_finding f[4];
	struct vmcs_view view = vmcs_view_current(r->e->vmcs);
	size_t n = entry_check_all(&view, c, f, ARRAY_SIZE(f));
	bool exited;
	u64 got = launch(&exited);
	verdict(r, k, got, f, n);
	if (k->guest)
		vmwrite_safe(VMCS_GUEST_RIP, (u64)(uintptr_t)conf_guest_vmcall);
	vmwrite_safe(k->field, old);
	if (k->pre_field)
		vmwrite_safe(k->pre_field, pre_old);
	/* after any exit the VMCS may be launched and its guest state saved: start again */
	if (exited && !build_good(r))
		r->e->rec(r->e->rec_ctx, "entry_good_vmcs_rebuilt", KTAP_FAIL, r->gs.error);
}

static void good_case(struct run *r, const char *name)
{
	static const struct conf_case good = { .sdm = "27", .expect = EXP_ENTERED, .num = 18, .model_none = true };
	struct conf_case k = good;
	k.name = name;
	struct entry_finding f[4];
	struct vmcs_view view = vmcs_view_current(r->e->vmcs);
	size_t n = entry_check_all(&view, r->e->caps, f, ARRAY_SIZE(f));
	bool exited;
	u64 got = launch(&exited);
	verdict(r, &k, got, f, n);
	if (exited)
		build_good(r);
}

u64 conf_entry_run(const struct conf_entry_env *e)
{
	u64 t0 = rdtsc();
	struct run r = { .e = e };
	r.rev = vmx_decode_basic(e->caps->basic).revision_id;
	u64 msr = page_alloc(1);
	r.vals = (struct conf_env_vals){ .page_other = e->other, .page_current = e->vmcs, .page_zero = e->zero,
					 .page_msr = msr, .pat = rdmsr(MSR_IA32_PAT), .cr3 = read_cr3() };
	conf_guest_cr3 = r.vals.cr3;
	r.gs = (struct guest_setup){ .guest_stack_top = e->stack + PAGE_SIZE, .msr_bitmap_pa = e->zero };
	/* a valid VMCS region that is not current: for the link-pointer cases */
	vmx_region_init(e->other, r.rev);
	if (!msr || !vmx_ok(vmclear_safe(e->other)) || !build_good(&r)) {
		e->rec(e->rec_ctx, "entry_good_vmcs_setup", KTAP_FAIL, !msr ? "out of memory" : r.gs.error[0] ?
		       r.gs.error : "VMCLEAR/VMPTRLD failed");
	} else {
		good_case(&r, "entry_good_vmcs_enters_guest");
		for (size_t i = 0; i < conf_case_slots(); i++) {
			struct conf_case k;
			char name[64];
			if (conf_case_get(i, e->caps, &k, name))
				one_case(&r, &k);
		}
		good_case(&r, "entry_good_vmcs_enters_guest_after_cases");
	}
	vmclear_safe(e->vmcs);
	vmptrld_safe(e->vmcs);
	if (msr)
		page_free(msr, 1);
	return rdtsc() - t0;
}
