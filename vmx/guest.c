/*
 * The guest on every VT-x core: VMXON -> VMCLEAR -> VMPTRLD -> set-up ->
 * VMLAUNCH -> exits / VMRESUME ... -> done, then the launch state shown by
 * behaviour (a second VMLAUNCH fails with error 4; after VMCLEAR, VMRESUME
 * fails with error 5 and VMLAUNCH works again) -> VMCLEAR -> VMXOFF.
 */
#include "vmx/guest.h"
#include "vmx/vmcs_view.h"
#include "arch/x86_64/paging.h"
#include "vmx/vmx_errors.h"
#include "vmx/entry_check.h"
#include "vmx/vmcs_fields.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/sort.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/smp.h"

struct guest_cpu *guest_cpus;

#define SIG_EBX 0x42786d56   /* "VmxB" */
#define SIG_ECX 0x47746f6f   /* "ootG" */
#define SIG_EDX 0x74736575   /* "uest" */

/* The exits the stub causes, in order (vmx/guest.S). */
enum expect { X_SIG_CPUID, X_HELLO, X_HLT, X_BENCH_CPUID, X_BENCH_VMCALL, X_DONE };

struct run {
	struct guest_cpu *g;
	struct guest_regs regs;
	struct guest_data data;
	enum expect next;
	u64 left;               /* bench iterations left in this phase */
};

static void advance_rip(void)
{
	u64 rip = vmcs_read(VMCS_GUEST_RIP), len = vmcs_read(VMCS_VM_EXIT_INSTRUCTION_LENGTH);
	vmwrite_safe(VMCS_GUEST_RIP, rip + len);
}

static bool expect(struct run *r, enum expect e, u32 reason)
{
	if (r->next != e) {
		ksnprintf(r->g->unexpected, sizeof(r->g->unexpected),
			  "exit %u (%s) at guest RIP 0x%lx out of order (expected step %d)", reason,
			  vmx_exit_reason_name(reason), vmcs_read(VMCS_GUEST_RIP), r->next);
		return false;
	}
	return true;
}

/* one exit: false ends the run (done, or something unexpected) */
static bool handle_exit(struct run *r, bool *done)
{
	u32 reason = (u32)vmcs_read(VMCS_EXIT_REASON);
	u32 basic = reason & EXIT_REASON_BASIC_MASK;
	struct guest_cpu *g = r->g;
	/* an NMI for the host (NMI exiting, SDM 26.2): reported, and the guest
	 * resumes where it was; not one of the guest's exits */
	if (vmx_exit_is_nmi(reason, (u32)vmcs_read(VMCS_VM_EXIT_INTERRUPTION_INFO))) {
		irq_nmi_guest_exit(vmcs_read(VMCS_GUEST_RIP));
		return true;
	}
	if (g->exits < GUEST_MAX_EXITS_LOGGED)
		g->log[g->exits] = reason;
	g->exits++;
	if (reason & EXIT_REASON_ENTRY_FAILURE) {
		g->entry_failed = true;
		ksnprintf(g->entry_failure, sizeof(g->entry_failure),
			  "VM-entry failure exit %u (%s), qualification 0x%lx", basic, vmx_exit_reason_name(basic),
			  vmcs_read(VMCS_EXIT_QUALIFICATION));
		return false;
	}
	switch (basic) {
	case EXIT_REASON_CPUID: {
		g->cpuid_exits++;
		u32 leaf = (u32)r->regs.rax, sub = (u32)r->regs.rcx;
		if (leaf == 0x40000000) {
			if (!expect(r, X_SIG_CPUID, basic))
				return false;
			r->regs.rax = 0x40000000;
			r->regs.rbx = SIG_EBX;
			r->regs.rcx = SIG_ECX;
			r->regs.rdx = SIG_EDX;
			r->next = X_HELLO;
		} else {
			if (!expect(r, X_BENCH_CPUID, basic))
				return false;
			struct cpuid_regs c = cpuid_count(leaf, sub);
			r->regs.rax = c.eax;
			r->regs.rbx = c.ebx;
			r->regs.rcx = c.ecx;
			r->regs.rdx = c.edx;
			if (--r->left == 0) {
				r->next = X_BENCH_VMCALL;
				r->left = r->data.n;
				if (!r->left)
					r->next = X_DONE;
			}
		}
		advance_rip();
		return true;
	}
	case EXIT_REASON_VMCALL: {
		g->vmcall_exits++;
		u64 req = r->regs.rax;
		if (req == 1 && expect(r, X_HELLO, basic))
			r->next = X_HLT;
		else if (req == 4 && expect(r, X_BENCH_VMCALL, basic)) {
			if (--r->left == 0)
				r->next = X_DONE;
		} else if (req == 2 && expect(r, X_DONE, basic)) {
			*done = true;
			advance_rip();
			return false;
		} else {
			if (req == 3)
				ksnprintf(g->unexpected, sizeof(g->unexpected),
					  "the guest saw a wrong emulated CPUID 0x40000000 signature");
			else if (!g->unexpected[0])
				ksnprintf(g->unexpected, sizeof(g->unexpected), "VMCALL %lu unexpected", req);
			return false;
		}
		advance_rip();
		return true;
	}
	case EXIT_REASON_HLT:
		g->hlt_exits++;
		if (!expect(r, X_HLT, basic))
			return false;
		r->left = r->data.n;
		r->next = r->left ? X_BENCH_CPUID : X_DONE;
		advance_rip();
		return true;
	default:
		ksnprintf(g->unexpected, sizeof(g->unexpected),
			  "unexpected exit %u (%s): qualification 0x%lx, guest RIP 0x%lx, RSP 0x%lx, "
			  "interruption info 0x%lx",
			  basic, vmx_exit_reason_name(basic), vmcs_read(VMCS_EXIT_QUALIFICATION),
			  vmcs_read(VMCS_GUEST_RIP), vmcs_read(VMCS_GUEST_RSP),
			  vmcs_read(VMCS_VM_EXIT_INTERRUPTION_INFO));
		return false;
	}
}

/* VM entry failed: say what the CPU said, then which rule we think it is */
static void diagnose(struct guest_cpu *g, const struct vmx_caps *caps, struct vmx_result res, unsigned brk)
{
	char b[80];
	if (res.status != VMX_SUCCEED) {
		vmx_result_str(res, b, sizeof(b));
		ksnprintf(g->entry_failure, sizeof(g->entry_failure), "VMLAUNCH: %s", b);
	}
	struct entry_finding f[4];
	u64 cur = ~0ULL;
	vmptrst_safe(&cur);
	struct vmcs_view view = vmcs_view_current(cur);
	size_t n = entry_check_all(&view, caps, f, ARRAY_SIZE(f));
	if (!n) {
		ksnprintf(g->diag, sizeof(g->diag), "the software re-check finds no broken rule");
	} else {
		ksnprintf(g->diag, sizeof(g->diag), "%s = 0x%lx breaks SDM %s: %s%s", f[0].field_name, f[0].value,
			  f[0].sdm, f[0].rule, n > 1 ? " (and more)" : "");
	}
	static const u32 broken_field[BREAK_NR] = {
		0, VMCS_GUEST_CR0, VMCS_GUEST_RIP, VMCS_HOST_RIP, VMCS_PRIMARY_PROC_BASED_CONTROLS, VMCS_LINK_POINTER,
	};
	for (size_t i = 0; i < n && i < ARRAY_SIZE(f); i++)
		if (brk && f[i].field == broken_field[brk])
			g->diag_named_break = true;
}

static u64 median(u64 *a, u64 n, u64 *min)
{
	sort_u64(a, n);
	*min = n ? a[0] : 0;
	return n ? a[n / 2] : 0;
}

static void native_cpuid_bench(struct guest_cpu *g, u64 *buf, u64 n)
{
	for (u64 i = 0; i < n; i++) {
		u64 t0 = rdtsc_ordered();
		cpuid(0);
		buf[i] = rdtsc() - t0;
	}
	g->native_med = median(buf, n, &g->native_min);
}

/* from VMLAUNCH to "done": false when it did not get there */
static bool run_guest(struct run *r, const struct vmx_caps *caps, unsigned brk)
{
	bool launched = false, done = false;
	memset(&r->regs, 0, sizeof(r->regs));
	r->regs.r12 = (u64)(uintptr_t)&r->data;
	r->next = X_SIG_CPUID;
	for (;;) {
		u64 f = vmx_enter(&r->regs, launched);
		if (f) {
			struct vmx_result res = vmx_decode_flags(f, 0);
			r->g->entry_failed = true;
			diagnose(r->g, caps, res, brk);
			return false;
		}
		launched = true;
		r->g->launched = true;
		if (!handle_exit(r, &done)) {
			if (r->g->entry_failed)
				diagnose(r->g, caps, (struct vmx_result){ VMX_SUCCEED, 0, 0 }, brk);
			return done;
		}
	}
}

static void *scratch_;   /* per CPU: guest_launch_to_done's record */

void guest_launch_prepare(void)
{
	cpu_array(&scratch_, sizeof(struct guest_cpu));
}

bool guest_launch_to_done(const struct vmx_caps *caps, u64 stack_top)
{
	struct guest_cpu *scratch = cpu_array(&scratch_, sizeof(struct guest_cpu));
	struct run r = { .g = &scratch[this_cpu()->index] };
	memset(r.g, 0, sizeof(*r.g));
	(void)stack_top;
	return run_guest(&r, caps, BREAK_NONE);
}

long vmx_guest_job(void *arg)
{
	(void)arg;
	struct cpu *me = this_cpu();
	struct vmx_cpu *v = &vmx_cpus[me->index];
	struct guest_cpu *g = &guest_cpus[me->index];
	memset(g, 0, sizeof(*g));
	if (!v->det.usable || !v->completed)
		return 0;
	g->ran = true;
	unsigned brk = opt.vmx_break;
	u64 n = opt.vmx_exits;
	u64 sample_pages = n ? ALIGN_UP(n * 8, PAGE_SIZE) / PAGE_SIZE : 1;
	u64 cr0 = read_cr0(), cr4 = read_cr4();
	const struct vmx_caps *c = &v->caps;
	u32 rev = vmx_decode_basic(c->basic).revision_id;
	u64 vmxon_pa = page_alloc(1), vmcs = page_alloc(1), bitmap = page_alloc(1), stack = page_alloc(1);
	u64 samples = page_alloc(sample_pages * 3);
	bool in_vmx = false;
	struct run r = { .g = g };
	struct guest_setup gs = { .guest_stack_top = stack + PAGE_SIZE, .msr_bitmap_pa = bitmap };
	ksnprintf(g->fail_step, sizeof(g->fail_step), "setup");
	if (!vmxon_pa || !vmcs || !bitmap || !stack || !samples)
		goto out;
	r.data = (struct guest_data){ n, (u64 *)(uintptr_t)samples,
				     (u64 *)(uintptr_t)(samples + sample_pages * PAGE_SIZE) };
	write_cr0_safe(vmx_fixed_apply(cr0, c->cr0_fixed0, c->cr0_fixed1).value);
	write_cr4_safe(vmx_fixed_apply(cr4 | CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1).value);
	vmx_region_init(vmxon_pa, rev);
	vmx_region_init(vmcs, rev);
	ksnprintf(g->fail_step, sizeof(g->fail_step), "VMXON/VMCLEAR/VMPTRLD");
	if (!vmx_ok(vmxon_safe(vmxon_pa)))
		goto out;
	in_vmx = true;
	if (!vmx_ok(vmclear_safe(vmcs)) || !vmx_ok(vmptrld_safe(vmcs)))
		goto out;
	ksnprintf(g->fail_step, sizeof(g->fail_step), "VMCS set-up");
	if (!vmcs_setup_guest(c, &gs, brk)) {
		ksnprintf(g->unexpected, sizeof(g->unexpected), "%s", gs.error);
		goto out;
	}
	ksnprintf(g->fail_step, sizeof(g->fail_step), "guest run");
	g->done = run_guest(&r, c, brk);
	if (brk && !g->entry_failed)   /* the CPU took the broken VMCS: say what we would have expected */
		diagnose(g, c, (struct vmx_result){ VMX_SUCCEED, 0, 0 }, brk);
	g->order_ok = g->done && g->cpuid_exits == 1 + n && g->vmcall_exits == 2 + n && g->hlt_exits == 1;
	if (!g->done)
		goto out;
	g->bench_n = n;
	g->cpuid_med = median(r.data.cpuid_samples, n, &g->cpuid_min);
	g->vmcall_med = median(r.data.vmcall_samples, n, &g->vmcall_min);
	native_cpuid_bench(g, (u64 *)(uintptr_t)(samples + 2 * sample_pages * PAGE_SIZE), n);

	/* the launch state, by behaviour (SDM 24.1, 31.3 VMLAUNCH/VMRESUME) */
	ksnprintf(g->fail_step, sizeof(g->fail_step), "launch-state checks");
	u64 f = vmx_enter(&r.regs, false);
	g->second_launch_ok = f && vmx_result_is(vmx_decode_flags(f, 0), VMX_FAIL_VALID, VMXERR_VMLAUNCH_NONCLEAR_VMCS);
	vmclear_safe(vmcs);
	vmptrld_safe(vmcs);
	f = vmx_enter(&r.regs, true);
	g->resume_after_clear_ok = f && vmx_result_is(vmx_decode_flags(f, 0), VMX_FAIL_VALID,
						      VMXERR_VMRESUME_NONLAUNCHED_VMCS);
	vmcs_reset_guest(&gs);
	struct guest_cpu keep = *g;
	r.data.n = 0;                       /* a short second run: no benchmark */
	g->relaunch_ok = run_guest(&r, c, brk);
	keep.relaunch_ok = g->relaunch_ok;
	*g = keep;
	ksnprintf(g->fail_step, sizeof(g->fail_step), "-");
out:
	if (in_vmx) {
		vmclear_safe(vmcs);
		vmxoff_safe();
	}
	write_cr4_safe(cr4);
	write_cr0_safe(cr0);
	u64 pages[] = { vmxon_pa, vmcs, bitmap, stack };
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			page_free(pages[i], 1);
	if (samples)
		page_free(samples, sample_pages * 3);
	struct vmx_result off = vmxoff_safe();   /* #UD now: out of VMX operation */
	g->left_clean = off.status == VMX_FAULT && off.vector == VEC_UD && read_cr0() == cr0 && read_cr4() == cr4;
	return g->done;
}
