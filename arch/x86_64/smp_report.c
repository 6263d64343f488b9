/*
 * What the SMP bring-up shows: the per-CPU table, the parallel-start
 * evidence and the KTAP suite "smp" (each online CPU runs a job and answers
 * with its own APIC ID, GS base and TSS).
 */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/report.h"
#include "kernel/format.h"
#include "kernel/ranges.h"

static const char *state_name(enum cpu_state s)
{
	switch (s) {
	case CPU_ONLINE: return "online";
	case CPU_NO_START: return "did not start";
	case CPU_STARTING: return "starting";
	case CPU_DEAD: return "dead";
	case CPU_SKIPPED: return "skipped";
	default: return "listed";
	}
}

/* One row per kind of AP (same state; kernel/ranges.h) with its CPUs and APIC
 * IDs as ranges and the arrival times as a range; report=full adds each AP's
 * own times, a few APs a line. */
static void print_kinds(void (*pr)(const char *fmt, ...), bool brief)
{
	static void *keys_, *kind_, *ids_;
	char *keys = cpu_array(&keys_, 32), cpus_[64], idl[64], line[400];
	u32 *kind = cpu_array(&kind_, sizeof(u32)), *ids = cpu_array(&ids_, sizeof(u32));
	u64 t0 = smp_fig.first_init_tsc;
	for (u32 i = 0; i < cpu_count; i++) {
		ksnprintf(keys + (size_t)i * 32, 32, "%s%s", i ? state_name(cpus[i].state) : "",
			  cpus[i].online_capable_only ? " online-capable" : "");
		ids[i] = cpus[i].apic_id;
	}
	ranges_kinds(keys, 32, cpu_count, kind);
	for (u32 i = 1; i < cpu_count; i++) {
		if (ranges_first(kind, i + 1, kind[i]) != i)
			continue;
		u32 n = ranges_list(kind, cpu_count, kind[i], 0, cpus_, sizeof(cpus_));
		ranges_list(kind, cpu_count, kind[i], ids, idl, sizeof(idl));
		u64 lo = ~0ull, hi = 0;
		for (u32 j = i; j < cpu_count; j++)
			if (kind[j] == kind[i] && cpus[j].state == CPU_ONLINE) {
				u64 t = tsc_to_us(cpus[j].arrive_tsc - t0);
				lo = t < lo ? t : lo;
				hi = t > hi ? t : hi;
			}
		if (cpus[i].state != CPU_ONLINE)
			pr("smp: %9s  %9s  %-13s  - (%u %s)\n", cpus_, idl, keys + (size_t)i * 32, n, n == 1 ? "CPU" : "CPUs");
		else if (n == 1)   /* an AP alone: its times on its row */
			pr("smp: %9s  %9s  %-13s  %lu (SIPI at %lu)\n", cpus_, idl, keys + (size_t)i * 32, lo,
			   tsc_to_us(cpus[i].sipi_tsc - t0));
		else if (lo == hi)
			pr("smp: %9s  %9s  %-13s  %lu (%u %s)\n", cpus_, idl, keys + (size_t)i * 32, lo, n, n == 1 ? "CPU" : "CPUs");
		else
			pr("smp: %9s  %9s  %-13s  %lu-%lu (%u CPUs)\n", cpus_, idl, keys + (size_t)i * 32, lo, hi, n);
	}
	if (brief)
		return;
	size_t pos = 0;
	for (u32 i = 1, on_line = 0; i < cpu_count; i++) {
		if (cpus[i].state != CPU_ONLINE || ranges_list(kind, cpu_count, kind[i], 0, 0, 0) == 1)
			continue;
		pos += (size_t)ksnprintf(line + pos, sizeof(line) - pos, "%s%u %lu/%lu", on_line ? ", " : "", i,
					 tsc_to_us(cpus[i].arrive_tsc - t0), tsc_to_us(cpus[i].sipi_tsc - t0));
		if (++on_line == 16 || pos > sizeof(line) - 40) {
			pr("smp: per AP (us after the first INIT: arrived/SIPI sent): %s\n", line);
			pos = on_line = 0;
		}
	}
	if (pos)
		pr("smp: per AP (us after the first INIT: arrived/SIPI sent): %s\n", line);
}

void smp_print_table(void (*pr)(const char *fmt, ...))
{
	bool brief = report_brief();
	pr("smp: CPUs       APIC IDs   state          bring-up (us after first INIT)%s\n",
	   brief ? ", brief: each AP's times with report=full" : "");
	pr("smp: %9u  %9u  %-13s  boot CPU\n", 0, cpus[0].apic_id, state_name(cpus[0].state));
	print_kinds(pr, brief);
	if (smp_fig.started) {
		u64 t0 = smp_fig.first_init_tsc;
		bool before = smp_fig.last_sipi_tsc <= smp_fig.first_arrival_tsc;
		pr("smp: last first-round SIPI sent at %lu us, first AP arrived at %lu us, last at %lu us: %s\n",
			tsc_to_us(smp_fig.last_sipi_tsc - t0), tsc_to_us(smp_fig.first_arrival_tsc - t0),
			tsc_to_us(smp_fig.last_arrival_tsc - t0),
			before ? "every SIPI was sent before the first AP checked in (parallel bring-up)"
			       : "an AP checked in before the last SIPI went out (it started within the SIPI loop)");
		u64 up = tsc_to_us(smp_fig.last_parked_tsc - t0);
		pr("smp: bring-up %lu us from the first INIT to the last AP online (%u APs, INIT wait %lu us, "
			"SIPI wait %lu us, %u second SIPIs), %lu us per AP\n",
			up, smp_fig.started, smp_fig.init_delay_us, smp_fig.sipi_delay_us, smp_fig.second_sipis,
			up / smp_fig.started);
	}
	if (smp_fig.strays)
		pr("smp: %u CPU(s) arrived that are not in our list; they are parked\n", smp_fig.strays);
}

struct ident {
	u32 apic_id;
	u32 index;
	bool gs_ok, tr_ok;
};

static long identify(void *arg)
{
	struct ident *out = arg;
	struct cpu *c = this_cpu();
	struct desc_ptr g;
	sgdt(&g);
	struct ident *me = &out[c->index];
	me->apic_id = lapic_id();
	me->index = c->index;
	me->gs_ok = c->self == c && (u64)(uintptr_t)c == rdmsr(MSR_GS_BASE);
	me->tr_ok = store_tr() == KERNEL_TSS && g.base == (u64)(uintptr_t)c->tables.gdt;
	return (long)me->apic_id;
}

/* The start-up waits and why (vendor/family); the boot prints this line as it
 * starts the APs (smp.c), the console's "bench smp" with the table. */
void smp_print_waits(void (*pr)(const char *fmt, ...))
{
	if (smp_fig.started)
		pr("smp: start-up waits: INIT %lu us, SIPI %lu us (%s)\n", smp_fig.init_delay_us, smp_fig.sipi_delay_us,
		   smp_fig.delay_why);
}

void smp_report(void)
{
	smp_print_table(kprintf);
	smp_run_checks();
}

void smp_run_checks(void)
{
	struct ktap_node *s = ktap_group(0, "smp");
	u32 online = smp_cpus_online(), absent_slots = 0;
	for (u32 i = 0; i < cpu_count; i++)   /* online-capable only: may be an empty hot-add slot */
		absent_slots += cpus[i].state != CPU_ONLINE && cpus[i].online_capable_only;
	report.cpus_found = smp_cpus_found();
	report.cpus_online = online;
	ktap_check(s, "all_started_cpus_online", online + absent_slots == cpu_count,
		   "%u of %u CPUs online; see the 'did not start' lines", online, cpu_count);
	if (online + absent_slots != cpu_count)
		report.unexpected = true;
	ktap_check(s, "no_ipi_errors", smp_fig.esr_errors == 0, "%u IPIs reported APIC errors", smp_fig.esr_errors);

	static void *ids_, *res_, *done_;
	struct ident *ids = cpu_array(&ids_, sizeof(*ids));
	long *res = cpu_array(&res_, sizeof(*res));
	bool *done = cpu_array(&done_, sizeof(*done));
	on_each_cpu(identify, ids, 0, true, ON_CPU_TIMEOUT_US, res, done);
	for (u32 i = 0; i < cpu_count; i++) {
		char name[16];
		ksnprintf(name, sizeof(name), "cpu%u", i);
		struct ktap_node *g = ktap_group(s, name);
		const struct cpu *c = &cpus[i];
		if (c->state != CPU_ONLINE && c->online_capable_only) {
			ktap_add(g, "online", KTAP_SKIP, "APIC ID %u is online-capable only (hot-add slot) and did not start",
				 c->apic_id);
			continue;
		}
		if (c->state != CPU_ONLINE) {
			ktap_add(g, "online", KTAP_FAIL, "APIC ID %u %s", c->apic_id, state_name(c->state));
			continue;
		}
		ktap_check(g, "online", true, 0);
		ktap_check(g, "ran_job", done[i], "no answer within %llu ms", ON_CPU_TIMEOUT_US / 1000);
		ktap_check(g, "job_returned_own_apic_id", done[i] && res[i] == c->apic_id && ids[i].index == i,
			   "MADT APIC ID %u, job said %ld", c->apic_id, res[i]);
		ktap_check(g, "own_gs_base_gdt_tss", done[i] && ids[i].gs_ok && ids[i].tr_ok,
			   "GS base ok %d, GDT/TR ok %d", ids[i].gs_ok, ids[i].tr_ok);
	}
}
