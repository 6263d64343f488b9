/*
 * Console commands for self-virtualization: virt on|off <cpus>, virt status
 * [cpus]; and bringing every CPU out before reboot, poweroff or a panic
 * report. While a CPU is virtualized the rest of the console runs on it from
 * inside the guest; the VT-x commands refuse (vmx/vmx_console.c).
 */
#include "vmx/virt.h"
#include "vmx/virt_console.h"
#include "vmx/vmx.h"
#include "kernel/console.h"
#include "kernel/format.h"
#include "kernel/kprintf.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/percpu.h"

static long job_on(void *arg)
{
	(void)arg;
	return virt_on_this_cpu();
}

static long job_off(void *arg)
{
	(void)arg;
	return virt_off_this_cpu();
}

static int each(const char *sel, bool on)
{
	const u64 *mask;
	u32 failed = 0, want = 0;
	if (con_cpus(sel, &mask))
		return -1;
	if (!vmx_cpus || !virt_cpus_alloc())
		return con_error("VT-x was not set up at boot (vmx=off), or out of memory");
	char why[160];
	if (on && !virt_vmm_reserve(why, sizeof(why)))   /* every CPU's VMM pages, left out of every EPT */
		return con_error("%s", why);
	for (u32 i = 0; i < cpu_count; i++) {
		if (!con_selected(mask, i))
			continue;
		want++;
		long r = 0;
		if (cpus[i].state != CPU_ONLINE) {
			con_printf("cpu%u: not online (APIC ID %u)\n", i, cpus[i].apic_id);
			failed++;
		} else if (on && virt_cpu_on(i)) {
			con_printf("cpu%u: already virtualized\n", i);
		} else if (on && !vmx_cpus[i].completed) {
			con_printf("cpu%u: not virtualized: the VT-x lifecycle did not complete at boot\n", i);
			failed++;
		} else if (!on && !virt_cpu_on(i)) {
			con_printf("cpu%u: not virtualized\n", i);
		} else if (!on_cpu(i, on ? job_on : job_off, 0, ON_CPU_TIMEOUT_US, &r)) {
			con_printf("cpu%u: did not answer within %llu ms\n", i, ON_CPU_TIMEOUT_US / 1000);
			failed++;
		} else if (!r) {
			con_printf("cpu%u: %s: %s\n", i, on ? "not virtualized" : "still virtualized",
				   virt_cpus[i].failure[0] ? virt_cpus[i].failure : "?");
			failed++;
		} else {
			con_printf("cpu%u: %s\n", i, on ? "virtualized: now a guest of vmxboot's VMM (EPT, MSR bitmap)"
						      : "devirtualized: out of VMX operation");
		}
	}
	virt_vmm_release();   /* frees the VMM pages once no CPU is virtualized */
	if (failed)
		return con_error("%u of %u CPUs did not do it (see the cpuN lines)", failed, want);
	return 0;
}

int cmd_virt_on(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc;
	return each(argv[2], true);
}

int cmd_virt_off(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc;
	return each(argv[2], false);
}

int cmd_virt_status(void *ctx, int argc, char **argv)
{
	(void)ctx;
	const u64 *mask;
	if (con_cpus(argc > 2 ? argv[2] : 0, &mask))
		return -1;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!con_selected(mask, i))
			continue;
		if (!virt_cpu_on(i)) {
			con_printf("cpu%u: not virtualized%s%s\n", i, virt_cpus && virt_cpus[i].failure[0] ? ": " : "",
				   virt_cpus ? virt_cpus[i].failure : "");
			continue;
		}
		con_printf("cpu%u: virtualized\n", i);
		virt_print_exits(con_printf, i);
	}
	return 0;
}

int virt_refuse(const u64 *mask)
{
	for (u32 i = 0; i < cpu_count; i++)
		if ((!mask || con_selected(mask, i)) && virt_cpu_on(i))
			return con_error("cpu%u is virtualized: VT-x belongs to vmxboot's VMM; run 'virt off %u' first",
					 i, i);
	return 0;
}

void virt_off_all(void)
{
	for (u32 i = 0; i < cpu_count; i++)
		if (virt_cpu_on(i) && cpus[i].state == CPU_ONLINE)
			on_cpu(i, job_off, 0, ON_CPU_TIMEOUT_US, 0);
	virt_vmm_release();
}

void virt_panic_out(void)
{
	u32 me = this_cpu()->index;
	if (!virt_cpu_on(me))
		return;
	if (virt_cpus[me].in_vmm) {
		kprintf_panic("virt: cpu%u panicked inside its VMM: left in VMX operation\n", me);
		return;
	}
	bool out = virt_off_this_cpu();
	kprintf_panic("virt: cpu%u was virtualized: %s before the report (CR4 0x%lx)\n", me,
		      out ? "brought out of VMX operation" : "could NOT be brought out of VMX operation", read_cr4());
}
