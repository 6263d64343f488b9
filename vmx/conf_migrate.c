/*
 * VMCLEAR migration (SDM 25.11.1): a VMCS launched on CPU A and VMCLEARed
 * there has its data in memory and its launch state clear, so CPU B may
 * VMPTRLD it, reads what A wrote, gets VMfailValid 5 from VMRESUME, and
 * VMLAUNCH runs the guest. B rewrites the host state first (A's GDT, TSS and
 * stack are no host state for B). Run from the boot CPU after the jobs, one
 * step per CPU through on_cpu; one CPU: SKIP.
 */
#include "vmx/conf_fault.h"
#include "vmx/vmx_errors.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/format.h"

#define MARKER ((u64)0x1122334455667788ULL)  /* written into the TSC offset (TSC offsetting stays off) */

struct mig {
	u64 vmcs;                /* the migrating VMCS */
	struct case_result *res;
	u32 n, cap;
	bool a_ok;
};

static bool mig_ctx(struct ctx *x, struct mig *m)
{
	u32 me = this_cpu()->index;
	memset(x, 0, sizeof(*x));
	x->v = &vmx_cpus[me];
	x->c = &x->v->caps;
	x->rev = vmx_decode_basic(x->c->basic).revision_id;
	x->cr0 = read_cr0();
	x->cr4 = read_cr4();
	x->res = m->res + m->n;
	x->cap = m->cap - m->n;
	x->on = page_alloc(1);
	x->a = page_alloc(1);
	x->b = page_alloc(1);
	x->bitmap = page_alloc(1);
	x->stack = page_alloc(1);
	return x->on && x->a && x->b && x->bitmap && x->stack;
}

static void mig_done(struct ctx *x, struct mig *m)
{
	restore(x);
	u64 pages[] = { x->on, x->a, x->b, x->bitmap, x->stack };
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			page_free(pages[i], 1);
	m->n += x->n;
}

static long mig_a(void *arg)
{
	struct mig *m = arg;
	struct ctx x;
	struct guest_setup gs = { 0 };
	bool ok = mig_ctx(&x, m);
	gs.guest_stack_top = x.stack + PAGE_SIZE;
	gs.msr_bitmap_pa = x.bitmap;
	if (ok) {
		vmx_region_init(m->vmcs, x.rev);
		ok = enter(&x, ROOT) && vmx_ok(vmclear_safe(m->vmcs)) && vmx_ok(vmptrld_safe(m->vmcs)) &&
		     vmcs_setup_guest(x.c, &gs, BREAK_NONE) && guest_launch_to_done(x.c, gs.guest_stack_top) &&
		     vmx_ok(vmwrite_safe(VMCS_TSC_OFFSET, MARKER)) && vmx_ok(vmclear_safe(m->vmcs));
	}
	if (!ok)
		record(&x, "insn_vmclear_migration_first_cpu", KTAP_FAIL, "cpu%u could not launch and VMCLEAR the "
		       "VMCS %s", this_cpu()->index, gs.error);
	m->a_ok = ok;
	mig_done(&x, m);
	return 1;
}

static long mig_b(void *arg)
{
	struct mig *m = arg;
	struct ctx x;
	struct guest_setup gs = { 0 };
	u64 got = 0;
	if (!mig_ctx(&x, m) || !enter(&x, ROOT) || !vmx_ok(vmptrld_safe(m->vmcs))) {
		record(&x, "insn_vmclear_migration_second_cpu", KTAP_FAIL, "cpu%u could not VMPTRLD the VMCS",
		       this_cpu()->index);
		mig_done(&x, m);
		return 1;
	}
	struct vmx_result r = vmread_safe(VMCS_TSC_OFFSET, &got);
	record(&x, "insn_vmclear_flushes_data_for_another_cpu", vmx_ok(r) && got == MARKER ? KTAP_PASS : KTAP_FAIL,
	       "read 0x%lx, expected 0x%lx (written on the first CPU before VMCLEAR)", got, MARKER);
	gs.guest_stack_top = x.stack + PAGE_SIZE;
	gs.msr_bitmap_pa = x.bitmap;
	if (!vmcs_setup_guest(x.c, &gs, BREAK_NONE)) {
		record(&x, "insn_vmresume_migrated_vmcs_error_5", KTAP_FAIL, "%s", gs.error);
	} else {
		struct guest_regs regs = { 0 };
		u64 f = vmx_enter(&regs, true);
		expect(&x, "insn_vmresume_migrated_vmcs_error_5", f ? vmx_decode_flags(f, 0) : (struct vmx_result){ 0 },
		       VMX_FAIL_VALID, VMXERR_VMRESUME_NONLAUNCHED_VMCS);
		if (!f)   /* it entered: launched now; VMCLEAR to launch again */
			vmclear_safe(m->vmcs), vmptrld_safe(m->vmcs), vmcs_reset_guest(&gs);
		bool ran = guest_launch_to_done(x.c, gs.guest_stack_top);
		record(&x, "insn_vmlaunch_migrated_vmcs_runs_guest", ran ? KTAP_PASS : KTAP_FAIL,
		       "VMLAUNCH on cpu%u of the VMCS VMCLEARed elsewhere did not run the guest", this_cpu()->index);
	}
	vmclear_safe(m->vmcs);
	mig_done(&x, m);
	return 1;
}

void conf_migration_run(int a, int b, struct case_result *res, u32 *n, u32 cap)
{
	static const char name[] = "insn_vmclear_migration_to_another_cpu";
	static struct mig m;   /* a step that times out may still write it */
	m = (struct mig){ 0, res, *n, cap, false };
	if (a < 0 || *n >= cap)
		return;
	if (b < 0) {
		struct case_result *cr = &res[(*n)++];
		ksnprintf(cr->name, sizeof(cr->name), "%s", name);
		cr->r = KTAP_SKIP;
		ksnprintf(cr->detail, sizeof(cr->detail), "one CPU runs the suite: migration needs two");
		return;
	}
	m.vmcs = page_alloc(1);
	long rv = 0;
	bool ran = m.vmcs && on_cpu((u32)a, mig_a, &m, ON_CPU_TIMEOUT_US, &rv);
	if (ran && m.a_ok)
		ran = on_cpu((u32)b, mig_b, &m, ON_CPU_TIMEOUT_US, &rv);
	if (!ran && m.n < cap) {
		struct case_result *cr = &res[m.n++];
		ksnprintf(cr->name, sizeof(cr->name), "%s", name);
		cr->r = KTAP_FAIL;
		ksnprintf(cr->detail, sizeof(cr->detail), "%s", !m.vmcs ? "out of memory" :
			  "a CPU did not finish its step in time");
	}
	if (m.vmcs && ran)
		page_free(m.vmcs, 1);
	*n = m.n;
}
