/*
 * VT-x across the machine: run the per-CPU job everywhere in parallel, then
 * print the capability summary, the per-CPU table and the KTAP suite "vmx".
 * A machine without usable VT-x is not a failure: the reason is the result.
 */
#include "vmx/vmx.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmx_capdecode.h"
#include "vmx/vmx_capdiff.h"
#include "kernel/format.h"
#include "kernel/ranges.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/report.h"
#include "kernel/lib.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/timer.h"

static bool selected(u32 i)
{
	return cpu_in_mask(opt.vmx_cpus, i);
}

/* One line of a caps diff, for CPU i */
struct diff_ctx {
	u32 cpu;
};

static void diff_line(const char *line, void *ctx)
{
	const struct diff_ctx *d = ctx;
	kprintf("vmx: caps: cpu%u: %s\n", d->cpu, line);
}

static void machine_line(const char *line, void *ctx)
{
	const struct diff_ctx *d = ctx;
	if (d->cpu == ~0u)
		kprintf("vmx: machine: %s\n", line);
	else
		kprintf("vmx: machine: cpu%u: %s\n", d->cpu, line);
}

/* PAT entry of the page at pa in this CPU's page tables (PCD, PWT; the
 * kernel's page tables never set the PAT bit) */
static unsigned pat_index(u64 pa)
{
	u64 e = paging_lookup(pa);
	return (unsigned)(((e >> 4) & 1) << 1 | ((e >> 3) & 1));
}

/* The machine beyond VMX: the first CPU's decode, the pages VT-x used, and
 * what other CPUs differ in (microcode, core type, brand: reported, not failed) */
static void print_machine(const bool *done, u32 ref)
{
	struct diff_ctx all = { ~0u };
	const struct vmx_cpu *r = &vmx_cpus[ref];
	cpuinfo_describe(&r->mach, machine_line, &all);
	if (r->vmxon_pa)
		cpuinfo_describe_page(&r->mach, "VMXON region", r->vmxon_pa, pat_index(r->vmxon_pa), machine_line, &all);
	if (r->vmcs_pa)
		cpuinfo_describe_page(&r->mach, "VMCS", r->vmcs_pa, pat_index(r->vmcs_pa), machine_line, &all);
	for (u32 i = 0; i < cpu_count; i++)
		if (i != ref && done[i]) {
			struct diff_ctx d = { i };
			cpuinfo_diff(&r->mach, ref, &vmx_cpus[i].mach, machine_line, &d);
		}
}

/* The capabilities at boot: a verdict, each CPU's differences from the first
 * (by name), and every VMX MSR that exists, raw, once per kind of CPU (the
 * block tools/vmxcaps.py reads); the named decode of each kind with vmx.caps=full. */
static void print_caps_kinds(const bool *done, u32 ref)
{
	u64 pages = ALIGN_UP((u64)cpu_count * (sizeof(u32) + sizeof(void *)), PAGE_SIZE) / PAGE_SIZE;
	u64 mem = page_alloc(pages);
	if (!mem) {
		kprintf("vmx: caps: out of memory comparing %u CPUs\n", cpu_count);
		return;
	}
	const struct vmx_caps **caps = (const struct vmx_caps **)(uintptr_t)mem;
	u32 *kind = (u32 *)(caps + cpu_count);
	for (u32 i = 0; i < cpu_count; i++)
		caps[i] = done[i] && vmx_cpus[i].caps_read ? &vmx_cpus[i].caps : 0;
	u32 kinds = vmx_caps_kinds(caps, cpu_count, kind), n = 0;
	char cpus_buf[160];
	for (u32 i = 0; i < cpu_count; i++)
		n += caps[i] != 0;
	if (kinds == 1) {
		kprintf("vmx: caps: all %u CPUs identical\n", n);
	} else {
		char line[400];
		size_t pos = (size_t)ksnprintf(line, sizeof(line), "%u kinds of CPU:", kinds);
		for (u32 k = 0; k < kinds && pos < sizeof(line); k++) {
			vmx_caps_kind_cpus(kind, cpu_count, k, cpus_buf, sizeof(cpus_buf));
			pos += (size_t)ksnprintf(line + pos, sizeof(line) - pos, "%s %s", k ? ";" : "", cpus_buf);
		}
		kprintf("vmx: caps: %s\n", line);
	}
	for (u32 i = 0; i < cpu_count; i++)
		if (caps[i] && kind[i] != kind[ref]) {
			struct diff_ctx d = { i };
			vmx_caps_diff(caps[ref], ref, caps[i], diff_line, &d);
		}
	for (u32 k = 0; k < kinds; k++) {
		u32 first = 0;
		while (kind[first] != k)
			first++;
		vmx_caps_kind_cpus(kind, cpu_count, k, cpus_buf, sizeof(cpus_buf));
		for (size_t i = 0; i < vmx_caps_items_count; i++) {
			const struct vmx_caps_item *it = &vmx_caps_items[i];
			if (it->msr && vmx_caps_msr_exists(caps[first], it->msr))
				kprintf("vmx: caps: raw %s: %s 0x%x = 0x%016lx\n", cpus_buf, it->name, it->msr,
					vmx_caps_item_get(caps[first], it));
		}
		if (k == kind[ref])
			print_machine(done, ref);
		if (opt.vmx_caps) {
			char prefix[200];
			ksnprintf(prefix, sizeof(prefix), "vmx: caps: %s%s%s", kinds > 1 ? "CPUs " : "",
				  kinds > 1 ? cpus_buf : "", kinds > 1 ? ": " : "");
			vmx_print_caps_named(caps[first], 0, kprintf, prefix);
		}
	}
	page_free(mem, pages);
}

struct named_ctx {
	void (*pr)(const char *fmt, ...);
	const char *prefix;
};

static void named_line(const char *line, void *ctx)
{
	const struct named_ctx *n = ctx;
	n->pr("%s%s\n", n->prefix, line);
}

void vmx_print_caps_named(const struct vmx_caps *c, const struct vmx_cap_group *only,
			  void (*pr)(const char *fmt, ...), const char *prefix)
{
	struct named_ctx n = { pr, prefix };
	for (size_t i = 0; i < vmx_cap_groups_count; i++)
		if (!only || only == &vmx_cap_groups[i])
			vmx_cap_decode_group(c, &vmx_cap_groups[i], named_line, &n);
}

void vmx_print_caps(const struct vmx_caps *c, void (*pr)(const char *fmt, ...))
{
	struct vmx_basic b = vmx_decode_basic(c->basic);
	struct vmx_misc m = vmx_decode_misc(c->misc);
	struct vmx_ept_vpid e = vmx_decode_ept_vpid(c->ept_vpid_cap);
	pr("vmx: caps: VMX_BASIC 0x%lx: revision 0x%x, region %u bytes, memory type %u%s, INS/OUTS info %s, "
		"true controls %s, physical address width %u bits\n",
		c->basic, b.revision_id, b.region_size, b.memory_type, b.memory_type == 6 ? " (WB)" : "",
		b.ins_outs_info ? "yes" : "no", b.true_controls ? "yes" : "no",
		vmx_phys_addr_bits(c->cpuid_80000008_eax));
	static const char *const kinds[VMX_CTL_NR] = { "pin-based", "proc-based", "proc-based 2", "exit", "entry" };
	for (int k = 0; k < VMX_CTL_NR; k++) {
		struct vmx_ctls ct = vmx_decode_ctls(vmx_caps_ctl_msr(c, (enum vmx_ctl_kind)k));
		pr("vmx: caps: %-12s controls (MSR 0x%x): must-be-1 0x%08x, may-be-1 0x%08x\n", kinds[k],
			vmx_caps_ctl_msr_number(c, (enum vmx_ctl_kind)k), ct.allowed0, ct.allowed1);
	}
	pr("vmx: caps: VMX_MISC 0x%lx: preemption timer rate %u, CR3 targets %u, MSR list max %u, "
		"VMWRITE to read-only fields %s\n", c->misc, m.preemption_timer_rate, m.cr3_target_count,
		m.max_msr_list, m.vmwrite_any_field ? "allowed" : "not allowed");
	pr("vmx: caps: CR0 fixed0/1 0x%lx/0x%lx, CR4 fixed0/1 0x%lx/0x%lx, VMCS_ENUM highest index 0x%x\n",
		c->cr0_fixed0, c->cr0_fixed1, c->cr4_fixed0, c->cr4_fixed1, vmx_vmcs_enum_highest_index(c->vmcs_enum));
	pr("vmx: caps: EPT/VPID 0x%lx: 4-level %s, WB %s, 2M %s, 1G %s, INVEPT %s, INVVPID %s\n",
		c->ept_vpid_cap, e.walk_4 ? "yes" : "no", e.memtype_wb ? "yes" : "no", e.pages_2m ? "yes" : "no",
		e.pages_1g ? "yes" : "no", e.invept ? "yes" : "no", e.invvpid ? "yes" : "no");
}

#define VMX_KEY 256

/* The row of CPU i without its own numbers (index, APIC ID, pages, time): CPUs
 * with the same key print as one row (kernel/ranges.h). Empty: the CPU has
 * lines of its own (an unlocked FEATURE_CONTROL, forced CR bits, a failed step)
 * and prints in full. A second line after '\n' is the reason in full. */
static void row_key(u32 i, const bool *done, char *key, size_t size)
{
	const struct vmx_cpu *v = &vmx_cpus[i];
	key[0] = 0;
	if (cpus[i].state != CPU_ONLINE || !selected(i) || !done[i])
		ksnprintf(key, size, "%s", cpus[i].state != CPU_ONLINE ? "not online" : !selected(i) ?
			  "not selected (vmx.cpus)" : "did not answer");
	else if (!v->det.usable)
		ksnprintf(key, size, "FEATURE_CONTROL %s  no VT-x: %s\n%s",
			  v->in.feature_control_read ? "(see below)" : "-", vmx_detect_reason_text(v->det.verdict), v->why);
	else if (v->completed && !v->fc_written && !v->cr0_forced && !v->cr4_forced)
		ksnprintf(key, size, "FEATURE_CONTROL 0x%lx  VMXON -> VMCS lifecycle -> VMXOFF ok (%u/%lu rounds)",
			  v->in.feature_control, v->rounds_done, opt.vmx_rounds);
}

static bool timed(u32 i)
{
	return vmx_cpus[i].det.usable && vmx_cpus[i].completed;
}

/* "vmx: 0-14  0-14  <row> (1103-1298 us)" for the CPUs of kind k */
static void print_kind(const char *keys, const u32 *kind, const u32 *ids, u32 k, u32 first)
{
	char cpus_[64], idl[64];
	ranges_list(kind, cpu_count, k, 0, cpus_, sizeof(cpus_));
	u32 n = ranges_list(kind, cpu_count, k, ids, idl, sizeof(idl));
	const char *key = keys + (size_t)first * VMX_KEY, *nl = 0;   /* a second line: the reason in full */
	for (const char *c = key; *c && !nl; c++)
		if (*c == '\n')
			nl = c;
	kprintf("vmx: %9s  %9s  %.*s", cpus_, idl, nl ? (int)(nl - key) : (int)strlen(key), key);
	u64 lo = ~0ull, hi = 0;
	for (u32 i = first; i < cpu_count; i++)
		if (kind[i] == k && timed(i)) {
			u64 t = tsc_to_us(vmx_cpus[i].lifecycle_cycles);
			lo = t < lo ? t : lo;
			hi = t > hi ? t : hi;
		}
	if (n == 1 && timed(first))   /* a CPU alone: its pages on its row */
		kprintf_raw(" (%lu us), VMXON region %#lx, VMCS %#lx", lo, vmx_cpus[first].vmxon_pa, vmx_cpus[first].vmcs_pa);
	else if (lo == hi)
		kprintf_raw(" (%lu us)", lo);
	else if (hi)
		kprintf_raw(" (%lu-%lu us)", lo, hi);
	kprintf_raw("\n");
	if (nl)
		kprintf("vmx: %s%s: %s\n", n == 1 ? "cpu" : "cpus ", cpus_, nl + 1);
}

/* a CPU with lines of its own: its full row and those lines */
static void print_cpu(u32 i, const bool *done)
{
	const struct vmx_cpu *v = &vmx_cpus[i];
	if (cpus[i].state != CPU_ONLINE || !selected(i) || !done[i]) {
		kprintf("vmx: %9u  %9u  %s\n", i, cpus[i].apic_id, cpus[i].state != CPU_ONLINE ? "not online" :
			!selected(i) ? "not selected (vmx.cpus)" : "did not answer");
		return;
	}
	if (!v->det.usable) {
		kprintf("vmx: %9u  %9u  FEATURE_CONTROL %s  no VT-x: %s\n", i, cpus[i].apic_id,
			v->in.feature_control_read ? "(see below)" : "-", vmx_detect_reason_text(v->det.verdict));
		kprintf("vmx: cpu%u: %s\n", i, v->why);
		return;
	}
	const char *res = v->completed ? "VMXON -> VMCS lifecycle -> VMXOFF ok" : "FAILED";
	kprintf("vmx: %9u  %9u  FEATURE_CONTROL 0x%lx  %s (%u/%lu rounds) (%lu us), VMXON region %#lx, VMCS %#lx\n",
		i, cpus[i].apic_id, v->in.feature_control, res, v->rounds_done, opt.vmx_rounds,
		tsc_to_us(v->lifecycle_cycles), v->vmxon_pa, v->vmcs_pa);
	if (v->fc_written)
		kprintf("vmx: cpu%u: IA32_FEATURE_CONTROL was unlocked: locked it as Linux does, now 0x%lx\n",
			i, v->in.feature_control);
	if (v->cr0_forced || v->cr4_forced)
		kprintf("vmx: cpu%u: fixed bits changed CR0 bits 0x%lx, CR4 bits 0x%lx for VMX operation\n", i,
			v->cr0_forced, v->cr4_forced);
	for (int s = 0; s < STEP_NR; s++)
		if (v->steps[s].ran && !v->steps[s].ok)
			kprintf("vmx: cpu%u: step %s failed in round %u: %s\n", i, vmx_step_name((enum vmx_step)s),
				v->steps[s].round, v->steps[s].detail);
}

/* report=full: what the folded rows leave out, the pages and lifecycle time
 * of each CPU folded with others, a few CPUs a line */
static void print_pages(const u32 *kind)
{
	char line[400];
	size_t pos = 0;
	for (u32 i = 0, on_line = 0; i < cpu_count; i++) {
		if (kind[i] == RANGES_NONE || !timed(i) || ranges_list(kind, cpu_count, kind[i], 0, 0, 0) == 1)
			continue;   /* a CPU alone has its figures on its row */
		const struct vmx_cpu *v = &vmx_cpus[i];
		pos += (size_t)ksnprintf(line + pos, sizeof(line) - pos, "%s%u %#lx %#lx %lu us", on_line ? ", " : "",
					 i, v->vmxon_pa, v->vmcs_pa, tsc_to_us(v->lifecycle_cycles));
		if (++on_line == 6) {
			kprintf("vmx: per CPU (VMXON region, VMCS, lifecycle time): %s\n", line);
			pos = on_line = 0;
		}
	}
	if (pos)
		kprintf("vmx: per CPU (VMXON region, VMCS, lifecycle time): %s\n", line);
}

/* One row per kind of CPU (kernel/ranges.h), in the order of its first CPU;
 * a CPU with lines of its own in full, in its place. */
static void print_table(const bool *done)
{
	static void *keys_, *kind_, *ids_;
	bool brief = report_brief();
	char *keys = cpu_array(&keys_, VMX_KEY);
	u32 *kind = cpu_array(&kind_, sizeof(u32)), *ids = cpu_array(&ids_, sizeof(u32));
	for (u32 i = 0; i < cpu_count; i++) {
		row_key(i, done, keys + (size_t)i * VMX_KEY, VMX_KEY);
		ids[i] = cpus[i].apic_id;
	}
	ranges_kinds(keys, VMX_KEY, cpu_count, kind);
	kprintf("vmx: CPUs       APIC IDs   result (lifecycle time)%s\n",
		brief ? ", brief: VMXON/VMCS addresses with report=full" : "");
	for (u32 i = 0; i < cpu_count; i++) {
		if (kind[i] == RANGES_NONE)
			print_cpu(i, done);
		else if (ranges_first(kind, i + 1, kind[i]) == i)
			print_kind(keys, kind, ids, kind[i], i);
	}
	if (!brief)
		print_pages(kind);
}

static void ktap_cpu(struct ktap_node *g, u32 i)
{
	const struct vmx_cpu *v = &vmx_cpus[i];
	if (!v->det.usable) {
		ktap_add(g, "vtx_usable", KTAP_SKIP, "%s", vmx_detect_reason_text(v->det.verdict));
		return;
	}
	ktap_add(g, "vtx_usable", KTAP_PASS, 0);
	if (v->det.feature_control_write)
		ktap_check(g, "feature_control_set_and_locked", v->fc_written,
			   "WRMSR 0x3a <- 0x%lx gave vector %d", v->det.feature_control_new, v->fc_write_vector);
	struct vmx_caps_failure f[4];
	size_t nf = vmx_caps_check(&v->caps, f, ARRAY_SIZE(f));
	ktap_check(g, "caps_sane", nf == 0, "%zu checks failed, first: %s %s (bits 0x%lx)", nf,
		   nf ? f[0].msr_name : "", nf ? f[0].rule : "", nf ? f[0].bad_bits : 0);
	for (int s = 0; s < STEP_NR; s++) {
		const struct vmx_step_result *sr = &v->steps[s];
		if (!sr->ran)
			ktap_add(g, vmx_step_name((enum vmx_step)s), KTAP_SKIP, "an earlier step failed");
		else
			ktap_check(g, vmx_step_name((enum vmx_step)s), sr->ok, "round %u: %s", sr->round, sr->detail);
	}
	ktap_check(g, "all_rounds_completed", v->completed, "%u of %lu rounds", v->rounds_done, opt.vmx_rounds);
}

void vmx_run_all(void)
{
	struct ktap_node *s = ktap_group(0, "vmx");
	if (!opt.vmx) {
		ktap_set(s, KTAP_SKIP, "vmx=off on the command line");
		report.vmx_ready = 0;
		return;
	}
	u64 pages = ALIGN_UP((u64)cpu_count * sizeof(struct vmx_cpu), PAGE_SIZE) / PAGE_SIZE;
	if (!vmx_cpus)   /* kept across runs (the console's "test" runs it again) */
		vmx_cpus = (struct vmx_cpu *)(uintptr_t)page_alloc(pages);
	static void *done_, *res_;
	bool *done = cpu_array(&done_, sizeof(*done));
	long *res = cpu_array(&res_, sizeof(*res));
	if (!vmx_cpus) {
		ktap_add(s, "setup", KTAP_FAIL, "out of memory for %u per-CPU VMX records", cpu_count);
		return;
	}
	u64 free_before = report_free_pages();
	u64 t0 = rdtsc();
	on_each_cpu(vmx_cpu_job, 0, opt.vmx_cpus, true, ON_CPU_TIMEOUT_US * 4, res, done);
	u64 wall = rdtsc() - t0;
	u64 free_after = report_free_pages();

	/* the capability summary comes from the first CPU that read them */
	u32 ref = cpu_count;
	for (u32 i = 0; i < cpu_count; i++)
		if (done[i] && vmx_cpus[i].caps_read) {
			ref = i;
			break;
		}
	if (ref < cpu_count)
		print_caps_kinds(done, ref);
	print_table(done);
	u32 ready = 0, ran = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!selected(i) || cpus[i].state != CPU_ONLINE)
			continue;
		char name[16];
		ksnprintf(name, sizeof(name), "cpu%u", i);
		struct ktap_node *g = ktap_group(s, name);
		if (!done[i]) {
			ktap_add(g, "answered", KTAP_FAIL, "CPU %u did not finish the VT-x job in time", i);
			continue;
		}
		ran++;
		ktap_cpu(g, i);
		ready += vmx_cpus[i].completed;
	}
	kprintf("vmx: %u of %u CPUs completed %lu lifecycle round(s) in %lu us (all CPUs in parallel)\n",
		ready, ran, opt.vmx_rounds, tsc_to_us(wall));
	/* identical capabilities and FEATURE_CONTROL everywhere (a mismatch is a firmware fault) */
	if (ref < cpu_count) {
		u32 bad = 0;
		for (u32 i = 0; i < cpu_count; i++) {
			const struct vmx_caps_item *it = 0;
			if (i == ref || !done[i] || !vmx_cpus[i].caps_read)
				continue;
			if (!vmx_caps_equal(&vmx_cpus[ref].caps, &vmx_cpus[i].caps, &it)) {
				bad++;
				kprintf("vmx: cpu%u reports %s 0x%lx but cpu%u 0x%lx: the firmware set up CPUs differently\n",
					i, it->name, vmx_caps_item_get(&vmx_cpus[i].caps, it), ref,
					vmx_caps_item_get(&vmx_cpus[ref].caps, it));
			}
		}
		ktap_check(s, "caps_identical_on_all_cpus", bad == 0, "%u CPUs differ from cpu%u", bad, ref);
	}
	ktap_check(s, "no_pages_leaked", free_after == free_before, "free pages %lu before, %lu after", free_before,
		   free_after);
	report.vmx_ready = ready;
}
