/*
 * vmx.virtualize: every selected CPU that completed the VT-x lifecycle
 * virtualizes itself (vmx/virt.c), runs the checks below from inside the
 * guest, and comes back out; KTAP suite "virt", one group per CPU.
 */
#include "vmx/virt.h"
#include "vmx/vmx.h"
#include "vmx/vmx_errors.h"
#include "vmx/guest.h"
#include "kernel/ktap.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/smp.h"

enum {
	VC_VIRTUALIZED, VC_SIGNATURE, VC_VMX_HIDDEN, VC_VMX_UD, VC_FC, VC_VMX_MSR_GP, VC_EPT_GP, VC_IRQ,
	VC_EXITS, VC_DEVIRT, VC_EPT_OTHER, VC_XSETBV, VC_INVD, VC_NMI, VC_NR
};
#define EXIT_INVD 13
static const char *const check_names[VC_NR] = {
	"virtualized", "cpuid_signature", "cpuid_vmx_hidden", "vmx_instruction_in_guest_ud",
	"feature_control_shows_vmx_locked_off", "vmx_msr_read_gp", "ept_violation_on_vmm_page_gp",
	"interrupts_still_delivered", "exits_counted", "devirtualized", "ept_violation_on_other_cpu_vmcs_gp",
	"xsetbv_in_guest_keeps_xcr0", "invd_in_guest_exits_and_keeps_memory", "nmi_in_vmm_reaches_guest",
};

struct virt_result {
	bool ran[VC_NR], ok[VC_NR], skip[VC_NR];
	u64 dr7_seen, dr7_set;   /* in the guest: DR7 as launched, and the value it leaves */
	char why[VC_NR][140];
};
static struct virt_result *results;

#define BENCH_RUNS 100

static void check(struct virt_result *r, int c, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void check(struct virt_result *r, int c, bool ok, const char *fmt, ...)
{
	r->ran[c] = true;
	r->ok[c] = ok;
	if (!ok) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(r->why[c], sizeof(r->why[c]), fmt, ap);
		va_end(ap);
	}
}

static long job_on(void *arg)
{
	(void)arg;
	return virt_on_this_cpu();
}

static void bench(struct virt_cpu *v)
{
	u64 t[BENCH_RUNS];
	for (int i = 0; i < BENCH_RUNS; i++) {
		u64 t0 = rdtsc_ordered();
		cpuid(0);
		t[i] = rdtsc_ordered() - t0;
	}
	for (int i = 1; i < BENCH_RUNS; i++)
		for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
			u64 x = t[j];
			t[j] = t[j - 1];
			t[j - 1] = x;
		}
	v->cpuid_min = t[0];
	v->cpuid_med = t[BENCH_RUNS / 2];
}

static bool wakeup_delivered(void)
{
	struct cpu *c = this_cpu();
	u64 flags = read_rflags();
	u32 before = c->wakeups;
	sti();
	lapic_send_fixed(lapic_id(), VEC_WAKEUP);
	for (int i = 0; i < 1000 && c->wakeups == before; i++)
		udelay(10);
	if (!(flags & (1ULL << 9)))
		cli();
	return c->wakeups != before;
}

/* Another CPU's VMCS is out of this CPU's EPT as well (one exclusion list
 * for all CPUs, vmx/virt_pages.c): a read faults and the VMM records it. */
static void ept_other_cpu(struct virt_cpu *v, struct virt_result *r, u32 me)
{
	u64 other = 0;
	u32 o = me;
	for (u32 k = 1; k < cpu_count && !other; k++)
		other = virt_vmm_page(o = (me + k) % cpu_count, VB_VMCS);
	if (!other) {
		r->ran[VC_EPT_OTHER] = r->ok[VC_EPT_OTHER] = r->skip[VC_EPT_OTHER] = true;
		ksnprintf(r->why[VC_EPT_OTHER], sizeof(r->why[0]), "no other CPU has VMM pages (%u CPU(s))", cpu_count);
		return;
	}
	u32 viol = v->ept_violations;
	u8 b = 0;
	int vec = read_u8_safe((const volatile u8 *)(uintptr_t)(other + 8), &b);
	check(r, VC_EPT_OTHER, vec == 13 && v->ept_violations == viol + 1 && (v->ept_gpa & ~0xfffULL) == other,
	      "read of cpu%u's VMCS page 0x%lx: vector %d, EPT violations %u -> %u, recorded 0x%lx qualification 0x%lx",
	      o, other, vec, viol, v->ept_violations, v->ept_gpa, v->ept_qual);
}

static void skip(struct virt_result *r, int c, const char *why)
{
	r->ran[c] = r->ok[c] = r->skip[c] = true;
	ksnprintf(r->why[c], sizeof(r->why[c]), "%s", why);
}

/* XSETBV exits unconditionally (SDM 26.1.2) once CR4.OSXSAVE is set (without
 * it: #UD first, no exit). The VMM executes it: the same XCR0 again is taken,
 * XCR0 with x87 (bit 0) clear gets #GP, and XCR0 is unchanged after both. */
static void xsetbv_check(struct virt_cpu *v, struct virt_result *r)
{
	if (!(cpuid(1).ecx & (1u << 26))) {
		skip(r, VC_XSETBV, "CPUID.1:ECX.XSAVE[26] clear: no XSETBV");
		return;
	}
	u64 cr4 = read_cr4();   /* the guest's view: VMXE reads as clear, which writing back keeps */
	int ud = -1;
	if (!(cr4 & CR4_OSXSAVE)) {
		ud = xsetbv_safe(0, 1);
		write_cr4(cr4 | CR4_OSXSAVE);
	}
	u64 n0 = v->exits[EXIT_REASON_XSETBV], xcr0 = xgetbv(0);
	int same = xsetbv_safe(0, xcr0);
	u64 after = xgetbv(0);
	int bad = xsetbv_safe(0, xcr0 & ~1ULL);
	u64 still = xgetbv(0), n1 = v->exits[EXIT_REASON_XSETBV];
	if (ud >= 0)
		write_cr4(cr4);
	check(r, VC_XSETBV, (ud < 0 || ud == 6) && same == 0 && after == xcr0 && bad == 13 && still == xcr0 && n1 == n0 + 2,
	      "without OSXSAVE vector %d (want 6); XCR0 0x%lx: XSETBV of it vector %d, then 0x%lx; of 0x%lx vector %d "
	      "(want 13), then 0x%lx; XSETBV exits %lu -> %lu", ud, xcr0, same, after, (u64)(xcr0 & ~1ULL), bad, still, n0, n1);
}

/* INVD exits unconditionally; the VMM executes WBINVD for it (vmx/virt_exit.c):
 * a write just before it is still there afterwards. */
static void invd_check(struct virt_cpu *v, struct virt_result *r, u32 me)
{
	volatile u64 word = 0x1dc0ffee00000000ULL | me;
	u64 n0 = v->exits[EXIT_INVD];
	invd();
	u64 n1 = v->exits[EXIT_INVD], got = word;
	check(r, VC_INVD, got == (0x1dc0ffee00000000ULL | me) && n1 == n0 + 1,
	      "a word written before INVD reads 0x%lx afterwards (wrote 0x%lx); INVD exits %lu -> %lu", got,
	      (u64)(0x1dc0ffee00000000ULL | me), n0, n1);
}

/* virt.break=vmm_nmi: the VMM sends itself an NMI while handling a VMCALL;
 * its own IDT takes it on the NMI IST stack and it is injected into the
 * guest at the VM entry, where the kernel's handler counts it (nmis=). */
static void nmi_check(struct virt_cpu *v, struct virt_result *r)
{
	if (opt.virt_break != 5) {
		skip(r, VC_NMI, "virt.break=vmm_nmi not given (its NMIs are counted in nmis=)");
		return;
	}
	struct cpu *c = this_cpu();
	u32 k0 = c->nmi_count, in0 = v->nmis_injected;
	u64 rax = 0;
	int vec = virt_vmcall_safe(VIRT_CALL_NMI, v->key, &rax);
	for (int i = 0; i < 1000 && c->nmi_count == k0; i++)
		udelay(10);
	check(r, VC_NMI, !vec && rax == 1 && v->nmis_injected == in0 + 1 && c->nmi_count == k0 + 1,
	      "NMI VMCALL vector %d, taken in the VMM %lu; injected %u -> %u; the kernel counted %u -> %u NMIs", vec,
	      rax, in0, v->nmis_injected, k0, c->nmi_count);
}

/* in the guest */
static long job_checks(void *arg)
{
	(void)arg;
	u32 me = this_cpu()->index;
	struct virt_cpu *v = &virt_cpus[me];
	struct virt_result *r = &results[me];
	if (!v->on)
		return 0;
	if (opt.virt_break == 2 && me == 0)
		ud2();        /* virt.break=panic: the panic report must come from outside VMX */
	if (opt.virt_break == 3 && me == cpu_count - 1 && me) {
		/* virt.break=triple: #UD with an empty IDT is #GP, then #DF, then a
		 * triple fault: the VMM reports it and parks this CPU */
		struct desc_ptr none = { 0, 0 };
		lidt(&none);
		ud2();
	}
	if (v->probe) {   /* virt.break=ept_misconfig: a fatal exit; cpu0 comes out, the others are parked */
		u8 p = 0;
		read_u8_safe((const volatile u8 *)(uintptr_t)v->probe, &p);
	}
	u64 rax = 0;
	int vec = virt_vmcall_safe(VIRT_CALL_PING, v->key, &rax);
	struct cpuid_regs h = cpuid(0x40000000), l1 = cpuid(1);
	bool sig = h.ebx == VIRT_SIG_EBX && h.ecx == VIRT_SIG_ECX && h.edx == VIRT_SIG_EDX;
	check(r, VC_VIRTUALIZED, !vec && rax == VIRT_PING_ANSWER && sig,
	      "ping VMCALL gave vector %d RAX 0x%lx, CPUID 0x40000000 EBX 0x%x", vec, rax, h.ebx);
	check(r, VC_SIGNATURE, sig && h.eax >= 0x40000000, "CPUID 0x40000000: EAX 0x%x EBX 0x%x ECX 0x%x EDX 0x%x",
	      h.eax, h.ebx, h.ecx, h.edx);
	check(r, VC_VMX_HIDDEN, !(l1.ecx & (1u << 5)) && (l1.ecx & (1u << 31)), "CPUID.1:ECX 0x%x", l1.ecx);
	struct vmx_result off = vmxoff_safe(), clr = vmclear_safe(v->vmcs);
	check(r, VC_VMX_UD, vmx_result_is(off, VMX_FAULT, 6) && vmx_result_is(clr, VMX_FAULT, 6),
	      "VMXOFF status %d vector %d, VMCLEAR status %d vector %d", off.status, off.vector, clr.status,
	      clr.vector);
	u64 fc = 0;
	vec = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &fc);
	check(r, VC_FC, !vec && (fc & 1) && !(fc & 6), "RDMSR 0x3a: vector %d value 0x%lx", vec, fc);
	u64 basic = 0;
	vec = rdmsr_safe(MSR_IA32_VMX_BASIC, &basic);
	check(r, VC_VMX_MSR_GP, vec == 13, "RDMSR 0x480: vector %d value 0x%lx", vec, basic);
	u32 viol = v->ept_violations;
	u8 b = 0;
	vec = read_u8_safe((const volatile u8 *)(uintptr_t)(v->vmcs + 8), &b);
	check(r, VC_EPT_GP, vec == 13 && v->ept_violations == viol + 1 && (v->ept_gpa & ~0xfffULL) == v->vmcs,
	      "read of the VMCS page 0x%lx: vector %d, EPT violations %u -> %u, recorded 0x%lx qualification 0x%lx",
	      v->vmcs, vec, viol, v->ept_violations, v->ept_gpa, v->ept_qual);
	ept_other_cpu(v, r, me);
	xsetbv_check(v, r);
	invd_check(v, r, me);
	nmi_check(v, r);
	/* DR7 goes in and comes back out (VMCS guest DR7): leave a value the kernel
	 * never uses, LE|GE (bits 8, 9; no breakpoint enabled), for "devirtualized" */
	r->dr7_seen = read_dr7();
	r->dr7_set = r->dr7_seen | 0x300;
	write_dr7(r->dr7_set);
	bool irq = wakeup_delivered();
	check(r, VC_IRQ, irq, "a self-IPI on vector 0x%x was not taken within 10 ms", VEC_WAKEUP);
	bench(v);
	check(r, VC_EXITS, v->exits[EXIT_REASON_CPUID] >= BENCH_RUNS + 2 && v->exits[EXIT_REASON_RDMSR] >= 2 &&
	      v->exits[EXIT_REASON_VMCALL] >= 1 && v->exits[EXIT_REASON_EPT_VIOLATION] >= (u64)(1 + !r->skip[VC_EPT_OTHER]) &&
	      v->exits[26] >= 1,
	      "CPUID %lu, RDMSR %lu, VMCALL %lu, EPT violation %lu, VMXOFF %lu", v->exits[EXIT_REASON_CPUID],
	      v->exits[EXIT_REASON_RDMSR], v->exits[EXIT_REASON_VMCALL], v->exits[EXIT_REASON_EPT_VIOLATION],
	      v->exits[26]);
	return v->on;
}

static long job_off(void *arg)
{
	(void)arg;
	u32 me = this_cpu()->index;
	struct virt_cpu *v = &virt_cpus[me];
	struct virt_result *r = &results[me];
	if (!v->launched)
		return 0;
	bool was_on = v->on;
	bool out = virt_off_this_cpu();
	struct desc_ptr i;
	sidt(&i);
	struct vmx_result off = vmxoff_safe();
	u64 cr4 = read_cr4(), cr3 = read_cr3(), gs = rdmsr(MSR_GS_BASE);
	u16 tr = store_tr();
	u64 dr7 = read_dr7(), dbg = 0;
	write_dr7(v->dr7);   /* the kernel's own value again */
	rdmsr_safe(0x1d9, &dbg);   /* IA32_DEBUGCTL */
	bool state_ok = was_on && out && !(cr4 & CR4_VMXE) && vmx_result_is(off, VMX_FAULT, 6) && cr3 == v->cr3 &&
			gs == v->gs_base && i.base == v->idtr_base && i.limit == v->idtr_limit && tr == v->tr_sel &&
			cr4 == v->cr4 && read_cr0() == v->cr0;
	bool debug_ok = r->dr7_seen == v->dr7 && dr7 == r->dr7_set && dbg == v->debugctl;
	if (!state_ok)
		check(r, VC_DEVIRT, false,
		      "%s; CR4 0x%lx (was 0x%lx), VMXOFF vector %d, CR3 0x%lx (0x%lx), GS base 0x%lx (0x%lx), TR 0x%x (0x%x)",
		      was_on ? (out ? "came out" : "the devirtualize VMCALL failed") : v->failure, cr4, v->cr4,
		      off.vector, cr3, v->cr3, gs, v->gs_base, tr, v->tr_sel);
	else
		check(r, VC_DEVIRT, debug_ok, "DR7 at launch 0x%lx, the guest saw 0x%lx and set 0x%lx, after 0x%lx; "
		      "DEBUGCTL 0x%lx (was 0x%lx)", v->dr7, r->dr7_seen, r->dr7_set, dr7, dbg, v->debugctl);
	return out;
}

static void print_cpu(u32 i)
{
	const struct virt_cpu *v = &virt_cpus[i];
	const struct ept_stats *e = &v->ept;
	kprintf("virt: cpu%u: EPT identity map: 1 GiB x %lu, 2 MiB x %lu, 4 KiB x %lu, %lu VMM pages left out, "
		"%lu table pages; WB %lu MiB, UC %lu MiB, other %lu MiB; VPID %s\n", i, e->leaves_1g, e->leaves_2m,
		e->leaves_4k, e->holes, e->tables, e->bytes_wb >> 20, e->bytes_uc >> 20, e->bytes_other >> 20,
		(v->proc2 & (1u << 5)) ? "on" : "off");
	virt_print_exits(kprintf, i);
	virt_print_stacks(i);
	kprintf("virt: cpu%u: CPUID exit round trip inside the virtualized kernel over %u runs: min %lu median %lu "
		"TSC cycles\n", i, BENCH_RUNS, v->cpuid_min, v->cpuid_med);
	if (opt.bench_vmx && guest_cpus && guest_cpus[i].bench_n)   /* next to the minimal guest's figure */
		kprintf("bench: vmx: cpu%u: CPUID exit round trip min/median: %lu/%lu in the virtualized kernel, "
			"%lu/%lu in the minimal guest, native CPUID %lu/%lu (TSC cycles)\n", i, v->cpuid_min,
			v->cpuid_med, guest_cpus[i].cpuid_min, guest_cpus[i].cpuid_med, guest_cpus[i].native_min,
			guest_cpus[i].native_med);
}

static const char *skip_reason(char *buf, size_t n)
{
	for (u32 i = 0; i < cpu_count; i++)
		if (vmx_cpus[i].det.usable && !vmx_cpus[i].completed)
			return ksnprintf(buf, n, "cpu%u did not complete the VT-x lifecycle", i), buf;
	ksnprintf(buf, n, "VT-x not usable: %s", vmx_cpus[0].why[0] ? vmx_cpus[0].why : "see the vmx suite");
	return buf;
}

u64 virt_cpus_pages(void)
{
	return ALIGN_UP((u64)cpu_count * sizeof(struct virt_cpu), PAGE_SIZE) / PAGE_SIZE;
}

bool virt_cpus_alloc(void)
{
	if (!virt_cpus)
		virt_cpus = (struct virt_cpu *)(uintptr_t)page_alloc(virt_cpus_pages());
	return virt_cpus != 0;
}

bool virt_cpu_on(u32 cpu)
{
	return virt_cpus && cpu < cpu_count && virt_cpus[cpu].on;
}

void virt_print_exits(void (*pr)(const char *fmt, ...), u32 i)
{
	const struct virt_cpu *v = &virt_cpus[i];
	char s[400];
	size_t n = 0;
	for (u32 k = 0; k < VIRT_EXIT_SLOTS; k++)
		if (v->exits[k])
			n += (size_t)ksnprintf(s + n, n < sizeof(s) ? sizeof(s) - n : 0, "%s%s %lu", n ? ", " : "",
					       vmx_exit_reason_name(k), v->exits[k]);
	if (!n)
		ksnprintf(s, sizeof(s), "none");
	pr("virt: cpu%u: %lu VM exits while virtualized (%s)%s%s\n", i, v->total_exits, s,
	   v->failure[0] ? "; " : "", v->failure);
}

void virt_run_all(void)
{
	if (!opt.vmx_virtualize)
		return;   /* the suite is absent: today's top-level plan */
	struct ktap_node *s = ktap_group(0, "virt");
	if (!opt.vmx || !vmx_cpus) {
		ktap_set(s, KTAP_SKIP, "vmx=off on the command line");
		return;
	}
	static void *mask_, *on_, *chk_, *off_;
	u64 *mask = cpu_array(&mask_, sizeof(u8));   /* at least cpu_count bits */
	if (!mask) {
		ktap_add(s, "setup", KTAP_FAIL, "out of memory for a %u-CPU mask", cpu_count);
		return;
	}
	memset(mask, 0, ALIGN_UP(cpu_count, 64) / 8);
	u32 n = 0;
	for (u32 i = 0; i < cpu_count; i++)
		if (cpu_in_mask(opt.vmx_cpus, i) && cpus[i].state == CPU_ONLINE && vmx_cpus[i].completed) {
			mask[i / 64] |= 1ULL << (i % 64);
			n++;
		}
	char why[200];
	if (!n) {
		ktap_set(s, KTAP_SKIP, "%s", skip_reason(why, sizeof(why)));
		kprintf("virt: no CPU virtualized: %s\n", why);
		return;
	}
	/* kept for good (cpu_array): taken before the leak check's first figure */
	bool *on_done = cpu_array(&on_, sizeof(bool)), *chk_done = cpu_array(&chk_, sizeof(bool));
	bool *off_done = cpu_array(&off_, sizeof(bool));
	if (!on_done || !chk_done || !off_done) {
		ktap_add(s, "setup", KTAP_FAIL, "out of memory for per-CPU job records");
		return;
	}
	u64 free_before = kernel_pmm.free_pages;
	u64 pages = virt_cpus ? 0 : virt_cpus_pages();
	u64 rpages = ALIGN_UP((u64)cpu_count * sizeof(struct virt_result), PAGE_SIZE) / PAGE_SIZE;
	results = (struct virt_result *)(uintptr_t)page_alloc(rpages);
	if (!virt_cpus_alloc() || !results) {
		ktap_add(s, "setup", KTAP_FAIL, "out of memory for %lu pages", pages + rpages);
		return;
	}
	if (!virt_vmm_reserve(why, sizeof(why))) {   /* every CPU's VMM pages, before any CPU virtualizes */
		ktap_add(s, "setup", KTAP_FAIL, "%s", why);
		page_free((u64)(uintptr_t)results, rpages);
		return;
	}
	struct virt_vmm_figures fig;
	bool have_fig = virt_vmm_figures(&fig);
	if (have_fig)
		virt_print_figures(&fig);
	u64 t0 = rdtsc();
	on_each_cpu(job_on, 0, mask, true, ON_CPU_TIMEOUT_US, 0, on_done);
	u64 t1 = rdtsc();
	on_each_cpu(job_checks, 0, mask, true, ON_CPU_TIMEOUT_US, 0, chk_done);
	on_each_cpu(job_off, 0, mask, true, ON_CPU_TIMEOUT_US, 0, off_done);
	u64 t2 = rdtsc();
	kprintf("virt: %u CPU(s) virtualized in parallel in %lu us, checked and brought out in %lu us\n", n,
		(t1 - t0) * 1000 / (tsc_khz ? tsc_khz : 1), (t2 - t1) * 1000 / (tsc_khz ? tsc_khz : 1));
	for (u32 i = 0; i < cpu_count; i++) {
		if (!cpu_in_mask(mask, i))
			continue;
		const struct virt_cpu *v = &virt_cpus[i];
		struct virt_result *r = &results[i];
		char name[16];
		ksnprintf(name, sizeof(name), "cpu%u", i);
		struct ktap_node *c = ktap_group(s, name);
		if (!on_done[i] || !chk_done[i] || !off_done[i]) {
			ktap_add(c, "answered", KTAP_FAIL, "CPU %u did not finish its virt job in time%s%s", i,
				 v->failure[0] ? ": " : "", v->failure);
			continue;
		}
		if (!v->launched) {
			ktap_add(c, "virtualized", KTAP_FAIL, "%s", v->failure);
			kprintf("virt: cpu%u: not virtualized: %s\n", i, v->failure);
			continue;
		}
		print_cpu(i);
		bool all = true;
		for (int k = 0; k < VC_NR; k++) {
			if (!r->ran[k])
				check(r, k, false, "not run: the CPU was no longer virtualized (%s)",
				      v->failure[0] ? v->failure : "?");
			if (r->skip[k])
				ktap_add(c, check_names[k], KTAP_SKIP, "%s", r->why[k]);
			else
				ktap_check(c, check_names[k], r->ok[k], "%s", r->why[k]);
			all &= r->ok[k];
		}
		if (all && v->came_out && !v->dead)
			virt_ready_cpus++;
	}
	if (have_fig)
		virt_check_figures(s, &fig);
	virt_check_stacks(s);
	page_free((u64)(uintptr_t)results, rpages);
	u64 kept = virt_vmm_release();   /* kept only while a CPU is parked on its VMM stack */
	/* virt_cpus stays: the console's "virt status" reads it; it was allocated before the count */
	u64 free_after = kernel_pmm.free_pages + pages;
	ktap_check(s, "no_pages_leaked", free_after + kept == free_before,
		   "free pages %lu before, %lu after (%lu VMM pages kept for a parked CPU)", free_before, free_after,
		   kept);
}
