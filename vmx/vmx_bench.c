/*
 * bench=vmx: what each VMX instruction costs on this machine, per CPU, in
 * TSC cycles (min and median over many runs), and the whole lifecycle on
 * all CPUs in parallel against one CPU at a time. Figures, not tests.
 * Under Bochs the TSC counts emulated instructions, not hardware time.
 */
#include "vmx/vmx.h"
#include "vmx/vmx_defs.h"
#include "kernel/kprintf.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/sort.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"

#define RUNS 64
enum { B_VMXON, B_VMCLEAR, B_VMPTRLD, B_VMREAD, B_VMWRITE, B_VMXOFF, B_NR };

struct bench_cpu {
	bool ok;
	u64 min[B_NR], med[B_NR];
};
static struct bench_cpu *res;

static void *times_;   /* per CPU: u64 [B_NR][RUNS] */

static long bench_job(void *arg)
{
	(void)arg;
	struct cpu *me = this_cpu();
	struct vmx_cpu *v = &vmx_cpus[me->index];
	struct bench_cpu *b = &res[me->index];
	u64 (*t)[B_NR][RUNS] = cpu_array(&times_, sizeof(*t));
	if (!v->completed)
		return 0;
	u64 (*s)[RUNS] = t[me->index];
	const struct vmx_caps *c = &v->caps;
	u64 cr0 = read_cr0(), cr4 = read_cr4();
	u32 rev = vmx_decode_basic(c->basic).revision_id;
	u64 on = page_alloc(1), vmcs = page_alloc(1);
	if (!on || !vmcs)
		goto out;
	write_cr0_safe(vmx_fixed_apply(cr0, c->cr0_fixed0, c->cr0_fixed1).value);
	write_cr4_safe(vmx_fixed_apply(cr4 | CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1).value);
	vmx_region_init(on, rev);
	vmx_region_init(vmcs, rev);
	b->ok = true;
	for (int i = 0; i < RUNS && b->ok; i++) {
		u64 x, t0;
		t0 = rdtsc_ordered(); b->ok &= vmx_ok(vmxon_safe(on)); s[B_VMXON][i] = rdtsc_ordered() - t0;
		t0 = rdtsc_ordered(); b->ok &= vmx_ok(vmclear_safe(vmcs)); s[B_VMCLEAR][i] = rdtsc_ordered() - t0;
		t0 = rdtsc_ordered(); b->ok &= vmx_ok(vmptrld_safe(vmcs)); s[B_VMPTRLD][i] = rdtsc_ordered() - t0;
		t0 = rdtsc_ordered(); b->ok &= vmx_ok(vmwrite_safe(VMCS_GUEST_CR3, 0x1000)); s[B_VMWRITE][i] = rdtsc_ordered() - t0;
		t0 = rdtsc_ordered(); b->ok &= vmx_ok(vmread_safe(VMCS_GUEST_CR3, &x)); s[B_VMREAD][i] = rdtsc_ordered() - t0;
		vmclear_safe(vmcs);
		t0 = rdtsc_ordered(); b->ok &= vmx_ok(vmxoff_safe()); s[B_VMXOFF][i] = rdtsc_ordered() - t0;
	}
	for (int k = 0; k < B_NR; k++) {
		sort_u64(s[k], RUNS);
		b->min[k] = s[k][0];
		b->med[k] = s[k][RUNS / 2];
	}
out:
	vmxoff_safe();   /* in case a step failed inside VMX operation */
	write_cr4_safe(cr4);
	write_cr0_safe(cr0);
	if (on)
		page_free(on, 1);
	if (vmcs)
		page_free(vmcs, 1);
	return b->ok;
}

void vmx_bench(void)
{
	if (!vmx_cpus)
		return;
	res = (struct bench_cpu *)(uintptr_t)page_alloc(ALIGN_UP(cpu_count * sizeof(*res), PAGE_SIZE) / PAGE_SIZE);
	if (!res)
		return;
	static void *bdone_, *done_;
	bool *bdone = cpu_array(&bdone_, sizeof(bool)), *done = cpu_array(&done_, sizeof(bool));
	cpu_array(&times_, sizeof(u64[B_NR][RUNS]));
	u32 want = smp_cpus_online(), got = on_each_cpu(bench_job, 0, opt.vmx_cpus, true, ON_CPU_TIMEOUT_US * 4, 0, bdone);
	kprintf("bench: vmx: TSC cycles per instruction, min/median over %d runs (%lu kHz TSC)\n", RUNS, tsc_khz);
	kprintf("bench: vmx: CPU   VMXON        VMCLEAR      VMPTRLD      VMREAD       VMWRITE      VMXOFF\n");
	for (u32 i = 0; i < cpu_count; i++) {
		const struct bench_cpu *b = &res[i];
		if (!b->ok)
			continue;
		kprintf("bench: vmx: %3u   %5lu/%-6lu %5lu/%-6lu %5lu/%-6lu %5lu/%-6lu %5lu/%-6lu %5lu/%-6lu\n", i,
			b->min[0], b->med[0], b->min[1], b->med[1], b->min[2], b->med[2], b->min[3], b->med[3],
			b->min[4], b->med[4], b->min[5], b->med[5]);
	}
	/* the whole per-CPU lifecycle (vmx.rounds rounds): all CPUs at once vs one at a time */
	u64 t0 = rdtsc();
	on_each_cpu(vmx_cpu_job, 0, opt.vmx_cpus, true, ON_CPU_TIMEOUT_US * 4, 0, done);
	u64 par = rdtsc() - t0;
	t0 = rdtsc();
	on_each_cpu(vmx_cpu_job, 0, opt.vmx_cpus, false, ON_CPU_TIMEOUT_US * 4, 0, done);
	u64 seq = rdtsc() - t0;
	kprintf("bench: vmx: lifecycle (%lu rounds) on %u CPUs: parallel %lu us, one CPU at a time %lu us\n",
		opt.vmx_rounds, smp_cpus_online(), tsc_to_us(par), tsc_to_us(seq));
	if (got == want)   /* a stuck CPU may still write its figures: then keep the page */
		page_free((u64)(uintptr_t)res, ALIGN_UP(cpu_count * sizeof(*res), PAGE_SIZE) / PAGE_SIZE);
}
