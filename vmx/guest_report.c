/* The guest on every core, run and reported: KTAP suite "guest". */
#include "vmx/guest.h"
#include "vmx/vmx_errors.h"
#include "vmx/deviations.h"
#include "kernel/format.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/platform.h"
#include "kernel/report.h"
#include "kernel/ranges.h"
#include "arch/x86_64/smp.h"

static void ktap_cpu(struct ktap_node *c, const struct guest_cpu *g)
{
	if (opt.vmx_break) {
		char key[40];
		ksnprintf(key, sizeof(key), "vmx.break=%s", vmx_break_names[opt.vmx_break]);
		const struct vmx_deviation *d = g->entry_failed ? 0 :
			vmx_deviation_find(platform.kind, key, vmx_outcome((struct vmx_result){ VMX_SUCCEED, 0, 0 }));
		if (d)
			ktap_add(c, "vm_entry_fails_with_broken_field", KTAP_XFAIL,
				 "SDM %s: expected VM-entry failure (%s), known deviation: %s", d->sdm, key, d->what);
		else
			ktap_check(c, "vm_entry_fails_with_broken_field", !g->done && g->entry_failed,
				   "vmx.break=%s: entry %s", vmx_break_names[opt.vmx_break],
				   g->entry_failed ? "failed" : "did not fail");
		ktap_check(c, "entry_failure_diagnosis_names_field", g->diag_named_break,
			   "vmx.break=%s, diagnosis: %s", vmx_break_names[opt.vmx_break], g->diag);
		return;
	}
	ktap_check(c, "vmlaunch_enters_guest", g->launched, "%s %s", g->entry_failure, g->diag);
	ktap_check(c, "exits_in_expected_order", g->done && g->order_ok,
		   "%s (CPUID %u, VMCALL %u, HLT %u exits)", g->unexpected, g->cpuid_exits, g->vmcall_exits,
		   g->hlt_exits);
	ktap_check(c, "guest_reaches_done", g->done, "stopped at %s: %s", g->fail_step, g->unexpected);
	if (!g->done) {
		ktap_add(c, "launch_state", KTAP_SKIP, "the guest did not finish");
		return;
	}
	ktap_check(c, "second_vmlaunch_fails_error_4", g->second_launch_ok,
		   "VMLAUNCH of a launched VMCS did not give VMfailValid 4");
	ktap_check(c, "vmresume_after_vmclear_fails_error_5", g->resume_after_clear_ok,
		   "VMRESUME of a cleared VMCS did not give VMfailValid 5");
	ktap_check(c, "vmlaunch_after_vmclear_runs_again", g->relaunch_ok, "the relaunched guest did not reach done");
}

void vmx_guest_print_cpu(void (*pr)(const char *fmt, ...), u32 i)
{
	const struct guest_cpu *g = &guest_cpus[i];
	if (g->done) {
		pr("guest: cpu%u: VMLAUNCH -> %u exits (CPUID %u, VMCALL %u, HLT %u) -> done -> VMCLEAR -> VMXOFF\n",
			i, g->exits, g->cpuid_exits, g->vmcall_exits, g->hlt_exits);
		if (g->bench_n)
			pr("guest: cpu%u: round trip in TSC cycles over %lu runs: CPUID exit min %lu median %lu, "
				"VMCALL exit min %lu median %lu, native CPUID min %lu median %lu\n",
				i, g->bench_n, g->cpuid_min, g->cpuid_med, g->vmcall_min, g->vmcall_med, g->native_min,
				g->native_med);
		return;
	}
	pr("guest: cpu%u: did not reach done (%s)\n", i, g->fail_step);
	if (g->entry_failure[0])
		pr("guest: cpu%u: VM entry failed: %s\n", i, g->entry_failure);
	if (g->diag[0])
		pr("guest: cpu%u: likely cause: %s\n", i, g->diag);
	if (g->unexpected[0])
		pr("guest: cpu%u: %s\n", i, g->unexpected);
}

#define GUEST_KEY 320

/* The guest lines of CPU i without its number: CPUs with the same key print
 * once (kernel/ranges.h). report=full keeps every figure in the key, so only
 * CPUs with the same cycle counts fold; the brief form keeps the run count and
 * shows the median CPUID exit round trip as a range. Empty: no guest lines
 * (not run), or a guest that did not reach done (printed in full). */
static void guest_key(u32 i, bool brief, char *key, size_t size)
{
	const struct guest_cpu *g = &guest_cpus[i];
	int n = ksnprintf(key, size, "VMLAUNCH -> %u exits (CPUID %u, VMCALL %u, HLT %u) -> done -> VMCLEAR -> VMXOFF",
			  g->exits, g->cpuid_exits, g->vmcall_exits, g->hlt_exits);
	if (brief)
		ksnprintf(key + n, size - (size_t)n, "|%lu", g->bench_n);
	else if (g->bench_n)
		ksnprintf(key + n, size - (size_t)n, "\nround trip in TSC cycles over %lu runs: CPUID exit min %lu median "
			  "%lu, VMCALL exit min %lu median %lu, native CPUID min %lu median %lu", g->bench_n, g->cpuid_min,
			  g->cpuid_med, g->vmcall_min, g->vmcall_med, g->native_min, g->native_med);
}

/* "guest: cpus 0-3: ..." for the CPUs of kind k */
static void guest_kind(const char *keys, const u32 *kind, u32 k, u32 first)
{
	char cpus_[64];
	u32 n = ranges_list(kind, cpu_count, k, 0, cpus_, sizeof(cpus_));
	const char *key = keys + (size_t)first * GUEST_KEY, *who = n == 1 ? "cpu" : "cpus ";
	int end = 0;
	while (key[end] && key[end] != '|' && key[end] != '\n')
		end++;
	kprintf("guest: %s%s: %.*s\n", who, cpus_, end, key);
	if (key[end] == '\n')
		kprintf("guest: %s%s: %s\n", who, cpus_, key + end + 1);
	if (key[end] != '|' || key[end + 1] == '0')
		return;
	u64 lo = ~0ull, hi = 0;
	for (u32 i = first; i < cpu_count; i++)
		if (kind[i] == k) {
			lo = guest_cpus[i].cpuid_med < lo ? guest_cpus[i].cpuid_med : lo;
			hi = guest_cpus[i].cpuid_med > hi ? guest_cpus[i].cpuid_med : hi;
		}
	kprintf("guest: %s%s: CPUID exit round trip median %lu-%lu TSC cycles over %s runs "
		"(report=full: each CPU's figures)\n", who, cpus_, lo, hi, key + end + 1);
}

void vmx_guest_report(void)
{
	static void *keys_, *kind_;
	bool brief = report_brief();
	struct ktap_node *s = ktap_group(0, "guest");
	if (!opt.vmx) {
		ktap_set(s, KTAP_SKIP, "vmx=off on the command line");
		return;
	}
	if (!opt.vmx_guest) {
		ktap_set(s, KTAP_SKIP, "vmx.guest=off on the command line");
		return;
	}
	u64 pages = ALIGN_UP((u64)cpu_count * sizeof(struct guest_cpu), PAGE_SIZE) / PAGE_SIZE;
	if (!guest_cpus)
		guest_cpus = (struct guest_cpu *)(uintptr_t)page_alloc(pages);
	static void *done_;
	bool *done = cpu_array(&done_, sizeof(bool));
	if (!guest_cpus || !vmx_cpus) {
		ktap_add(s, "setup", KTAP_FAIL, "out of memory");
		return;
	}
	char *keys = cpu_array(&keys_, GUEST_KEY);   /* before the leak check's first figure */
	u32 *kind = cpu_array(&kind_, sizeof(u32));
	u64 free_before = report_free_pages();
	on_each_cpu(vmx_guest_job, 0, opt.vmx_cpus, true, ON_CPU_TIMEOUT_US * 4, 0, done);
	u32 ready = 0, any = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		const struct guest_cpu *g = &guest_cpus[i];
		keys[(size_t)i * GUEST_KEY] = 0;
		if (cpus[i].state != CPU_ONLINE || !vmx_cpus[i].det.usable)
			continue;
		any++;
		char name[16];
		ksnprintf(name, sizeof(name), "cpu%u", i);
		struct ktap_node *c = ktap_group(s, name);
		if (!done[i]) {
			ktap_add(c, "answered", KTAP_FAIL, "CPU %u did not finish the guest job in time", i);
			continue;
		}
		if (!g->ran) {
			ktap_set(c, KTAP_SKIP, "the VMX lifecycle failed on this CPU");
			continue;
		}
		if (g->done)
			guest_key(i, brief, keys + (size_t)i * GUEST_KEY, GUEST_KEY);
		ktap_cpu(c, g);
		ktap_check(c, "left_out_of_vmx_with_cr0_cr4_restored", g->left_clean,
			   "after the guest: still in VMX operation, or CR0/CR4 differ");
		ready += g->done && g->relaunch_ok;
	}
	/* one line (pair) per kind of CPU, in the order of its first CPU; a
	 * guest that did not reach done prints in full, in its place */
	ranges_kinds(keys, GUEST_KEY, cpu_count, kind);
	for (u32 i = 0; i < cpu_count; i++) {
		if (kind[i] != RANGES_NONE) {
			if (ranges_first(kind, i + 1, kind[i]) == i)
				guest_kind(keys, kind, kind[i], i);
		} else if (cpus[i].state == CPU_ONLINE && vmx_cpus[i].det.usable && done[i] && guest_cpus[i].ran) {
			vmx_guest_print_cpu(kprintf, i);
		}
	}
	if (!any)
		ktap_set(s, KTAP_SKIP, "no CPU with usable VT-x");
	u64 free_after = report_free_pages();
	ktap_check(s, "no_pages_leaked", free_after == free_before, "free pages %lu before, %lu after",
		   free_before, free_after);
	if (!opt.vmx_break)
		report.vmx_ready = ready;   /* now: lifecycle including a guest launch */
}
