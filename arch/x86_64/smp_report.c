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
#include "kernel/fold.h"

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

/* brief form: a run of CPUs in the same state with consecutive APIC IDs is one row */
static void smp_row(const struct fold_run *r, void *ctx)
{
	void (*pr)(const char *fmt, ...) = (void (*)(const char *, ...))ctx;
	char cpus_[24], ids[24];
	fold_range(cpus_, sizeof(cpus_), r->first, r->last);
	fold_range(ids, sizeof(ids), r->id_first, r->id_last);
	if (r->hi)
		pr("smp: %9s  %9s  %-13s  %lu-%lu (%u CPUs)\n", cpus_, ids, r->key, r->lo, r->hi, r->last - r->first + 1);
	else
		pr("smp: %9s  %9s  %-13s  - (%u CPUs)\n", cpus_, ids, r->key, r->last - r->first + 1);
}

static void print_table_brief(void (*pr)(const char *fmt, ...))
{
	static struct fold_run run;
	pr("smp: CPUs       APIC IDs   state          bring-up (us after first INIT), brief: CPUs alike in one row\n");
	pr("smp: %9u  %9u  %-13s  boot CPU\n", 0, cpus[0].apic_id, state_name(cpus[0].state));
	run.open = false;
	for (u32 i = 1; i < cpu_count; i++) {
		const struct cpu *c = &cpus[i];
		char key[32];
		ksnprintf(key, sizeof(key), "%s%s", state_name(c->state), c->online_capable_only ? " online-capable" : "");
		u64 t = c->state == CPU_ONLINE ? tsc_to_us(c->arrive_tsc - smp_fig.first_init_tsc) : 0;
		fold_row(&run, i, c->apic_id, t, key, smp_row, (void *)pr);
	}
	fold_end(&run, smp_row, (void *)pr);
}

void smp_print_table(void (*pr)(const char *fmt, ...))
{
	bool brief = report_brief();
	if (brief)
		print_table_brief(pr);
	else
		pr("smp: CPU  APIC ID  state          bring-up (us after first INIT)\n");
	for (u32 i = 0; i < cpu_count && !brief; i++) {
		const struct cpu *c = &cpus[i];
		if (i == 0)
			pr("smp: %3u  %7u  %-13s  boot CPU\n", i, c->apic_id, state_name(c->state));
		else if (c->state == CPU_ONLINE)
			pr("smp: %3u  %7u  %-13s  %lu (SIPI at %lu)%s\n", i, c->apic_id, state_name(c->state),
				tsc_to_us(c->arrive_tsc - smp_fig.first_init_tsc),
				tsc_to_us(c->sipi_tsc - smp_fig.first_init_tsc),
				c->online_capable_only ? " online-capable" : "");
		else
			pr("smp: %3u  %7u  %-13s  -\n", i, c->apic_id, state_name(c->state));
	}
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
		pr("smp: start-up waits chosen by: %s\n", smp_fig.delay_why);
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
