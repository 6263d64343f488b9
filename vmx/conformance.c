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
#include "vmx/conf_exit.h"
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
#include "vmx/conf_ctx.h"
#include "vmx/conf_fault.h"

/* the hand-written cases here, plus those of the case table (conf_entry.c) */
#define MAX_OWN_CASES 192
struct conf_cpu {
	struct case_result *res;   /* cap entries, page_alloc'd: sized from the case table */
	u32 n, cap;
	u64 entry_cycles;          /* the time the case table took */
	u64 exit_cycles;           /* the time the VM-exit cases took (vmx/conf_exit.c) */
	u64 suite_cycles;          /* the time the whole suite took on this CPU */
	bool run_table;            /* the KTAP pool can hold this CPU's table results */
	u64 res_pages;
	bool clean;
	char clean_detail[120];
};
static struct conf_cpu *conf;
static char table_skip[160];   /* why a CPU runs without the case table */

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
	u64 t0 = rdtsc();
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
		conf_fault_cases(x);   /* insn_: CPL 3, compatibility mode, bad operands, MOV SS */
		if (out->run_table)
			out->entry_cycles = table_cases(x);
		else
			record(x, "entry_cases", KTAP_SKIP, "%s", table_skip);
		out->exit_cycles = exit_cases(x);
		caps_cases(x);
	}
	restore(x);
	u64 pages[] = { x->on, x->a, x->b, x->bitmap, x->stack };
	for (size_t i = 0; i < ARRAY_SIZE(pages); i++)
		if (pages[i])
			page_free(pages[i], 1);
	out->n = x->n;
	out->suite_cycles = rdtsc() - t0;
	struct vmx_result off = vmxoff_safe();
	out->clean = !x->in_vmx && read_cr0() == x->cr0 && read_cr4() == x->cr4 && off.status == VMX_FAULT;
	ksnprintf(out->clean_detail, sizeof(out->clean_detail), "CR0 0x%lx (was 0x%lx) CR4 0x%lx (was 0x%lx)",
		  read_cr0(), x->cr0, read_cr4(), x->cr4);
	return 1;
}

/* Which CPUs run the case table: as many as the KTAP pool can hold (the pool
 * is fixed here; conf_table_cpu_budget decides, host-tested). */
#define OWN_NODES_PER_CPU 140  /* this file's cases (INVEPT/INVVPID, insn_ included), the group, its last check */
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
 * VMRESUME-after-VMXOFF/VMXON outcome each CPU saw, and the times of the case
 * table, the VM-exit cases and the whole suite (as ranges over the CPUs). */
#define CONF_KEY 96
static void *keys_, *kind_;

enum conf_time { T_ENTRY, T_EXIT, T_SUITE };

static u64 conf_time(u32 i, enum conf_time t)
{
	return t == T_ENTRY ? conf[i].entry_cycles : t == T_EXIT ? conf[i].exit_cycles : conf[i].suite_cycles;
}

static void print_time(const bool *done, enum conf_time t, const char *what)
{
	char *keys = cpu_array(&keys_, CONF_KEY), list[64];
	u32 *kind = cpu_array(&kind_, sizeof(u32));
	u64 lo = ~0ull, hi = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		u64 c = con_sel_online(i) && done[i] ? conf_time(i, t) : 0;
		ksnprintf(keys + (size_t)i * CONF_KEY, CONF_KEY, "%s", c ? "ran" : "");
		lo = c && c < lo ? c : lo;
		hi = c > hi ? c : hi;
	}
	if (!hi || ranges_kinds(keys, CONF_KEY, cpu_count, kind) != 1)
		return;
	u32 n = ranges_list(kind, cpu_count, 0, 0, list, sizeof(list));
	if (lo == hi)
		kprintf("conformance: %s%s: %s took %lu us (%lu TSC cycles)%s\n", n == 1 ? "cpu" : "cpus ", list, what,
			tsc_to_us(lo), lo, n == 1 ? "" : " on each");
	else
		kprintf("conformance: cpus %s: %s took %lu-%lu us (%lu-%lu TSC cycles) per CPU\n", list, what,
			tsc_to_us(lo), tsc_to_us(hi), lo, hi);
}

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
	print_time(done, T_ENTRY, "the VM-entry case table");
	print_time(done, T_EXIT, "the VM-exit cases");
	print_time(done, T_SUITE, "the suite");
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
	u32 cap = MAX_OWN_CASES + (u32)conf_entry_max_results() + (u32)conf_exit_max_results();
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
	conf_fault_prepare();   /* the CPL-3 cases' user page, kept */
	u64 free_before = report_free_pages();
	on_each_cpu(conformance_job, 0, opt.vmx_cpus, true, ON_CPU_TIMEOUT_US * 4, 0, done);
	int mig[2] = { -1, -1 };   /* the first two CPUs that ran the suite */
	for (u32 i = 0, k = 0; i < cpu_count && k < 2; i++)
		if (con_sel_online(i) && done[i] && vmx_cpus[i].det.usable && vmx_cpus[i].completed && conf[i].res)
			mig[k++] = (int)i;
	if (mig[0] >= 0) {
		u32 t = (u32)(mig[1] >= 0 ? mig[1] : mig[0]);
		conf_migration_run(mig[0], mig[1], conf[t].res, &conf[t].n, conf[t].cap);
	}
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
