/*
 * Waiting for the APs (smp_await.h). The signs of life: the trampoline's
 * list of APIC IDs (each AP adds its own in real mode, boot/trampoline.S)
 * and arrive_tsc (ap_main's first store). The policy is arrival_decide()
 * (smp_arrival.c); this file only observes, sends and prints.
 */
#include "arch/x86_64/smp_await.h"
#include "arch/x86_64/smp_arrival.h"
#include "arch/x86_64/smp_stamps.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/wait.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/lib.h"

#define RESTART_INIT_US 10000ULL    /* the MP spec's waits for the second start-up */
#define RESTART_SIPI_US 200ULL
#define AWAIT_POLL_US 10000ULL      /* how often the boot CPU looks at the signs of life */
#define LIST_EMPTY    0xffffffffu   /* not an AP's APIC ID (x2APIC broadcast) */

extern const u8 trampoline_start[], trampoline_end[];
extern const u32 tr_off_entered, tr_off_list_cap, tr_off_stamps;

static const struct arrival_limits limits = { ARRIVAL_RESTART_AFTER_US, ARRIVAL_RETRY_TIMEOUT_US, ARRIVAL_HARD_CAP_US };
static u8 *tramp;
static u32 list_cap, scanned, tied;   /* list entries read, and of those tied to a listed AP or a stray */
static u64 t0;                        /* the end of the first start-up round */
static struct arrival_ap *aps;        /* aps[i] is cpus[i]; [0], the boot CPU, stays ONLINE */
static void *aps_;

void smp_await_prepare(u8 *page)
{
	u32 off = (u32)(trampoline_end - trampoline_start);
	tramp = page;
	list_cap = (u32)((PAGE_SIZE - off) / 4);
	memset(page + off, 0xff, (size_t)list_cap * 4);   /* LIST_EMPTY; also #UD (ff ff) to a stray jump */
	*(volatile u32 *)(page + tr_off_entered) = 0;
	*(volatile u32 *)(page + tr_off_list_cap) = list_cap;
}

static u64 since(u64 tsc)
{
	return tsc ? tsc_to_us(tsc > t0 ? tsc - t0 : 0) : ARRIVAL_NEVER;
}

static struct cpu *by_apic_id(u32 id)
{
	for (u32 i = 1; i < cpu_count; i++)
		if (cpus[i].apic_id == id)
			return &cpus[i];
	return 0;
}

/* The new list entries (an entry is counted before it is written: stop at
 * the first unwritten one); returns how many entered. */
static u32 scan_list(void)
{
	const volatile u32 *list = (const volatile u32 *)(tramp + (trampoline_end - trampoline_start));
	const volatile u32 *stamps = (const volatile u32 *)(tramp + tr_off_stamps);
	u32 entered = __atomic_load_n((u32 *)(tramp + tr_off_entered), __ATOMIC_ACQUIRE);
	u64 now = rdtsc();
	for (; scanned < entered && scanned < list_cap && list[scanned] != LIST_EMPTY; scanned++, tied++) {
		struct cpu *c = by_apic_id(list[scanned]);
		if (c && !c->tramp_seen_tsc)
			c->tramp_seen_tsc = now;
		/* the stamp was stored before the list entry (TSO): an entry before
		 * this CPU's SIPI (a stale SIPI's) gives no figure */
		if (c && !c->tramp_entry_tsc && scanned < TR_STAMPS)
			smp_stamp_entry(c->sipi_tsc, stamps[scanned], us_to_tsc(SMP_STAMP_WINDOW_US), &c->tramp_entry_tsc);
	}
	return entered;
}

/* The list, then every AP's state. Returns the entries not tied to any AP:
 * unwritten, or past the end of the list. */
static u32 observe(void)
{
	u32 entered = scan_list();
	u32 c_only = 0;
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		struct arrival_ap *a = &aps[i];
		u64 arrive = __atomic_load_n(&c->arrive_tsc, __ATOMIC_ACQUIRE);
		c_only += arrive && !c->tramp_seen_tsc;
		a->never_started = c->inject_no_sipi;
		a->life_us = since(c->tramp_seen_tsc && (!arrive || c->tramp_seen_tsc < arrive) ? c->tramp_seen_tsc : arrive);
		if (c->state == CPU_ONLINE) {
			a->state = ARRIVAL_ONLINE;
			a->online_us = since(c->parked_tsc);
		} else {
			a->state = a->life_us != ARRIVAL_NEVER ? ARRIVAL_ALIVE : ARRIVAL_SILENT;
		}
	}
	u32 untied = entered - tied;
	return untied > c_only ? untied - c_only : 0;
}

/* "1, 2, 5" of the APs whose outcome (or, with want_outcome < 0, whose
 * state ARRIVAL_ALIVE) matches; cut with ", ..." once */
static u32 id_list(char *buf, size_t size, int want_outcome)
{
	size_t len = 0;
	u32 n = 0;
	buf[0] = 0;
	for (u32 i = 1; i < cpu_count; i++) {
		bool match = want_outcome < 0 ? aps[i].state == ARRIVAL_ALIVE
					      : (int)arrival_outcome(&limits, &aps[i]) == want_outcome;
		if (!match)
			continue;
		if (len < size - 16)
			len += ksnprintf(buf + len, size - len, "%s%u", n ? ", " : "", cpus[i].apic_id);
		else if (len < size - 5)
			len += ksnprintf(buf + len, size - len, ", ...");
		n++;
	}
	return n;
}

static void report_spared(void)
{
	char ids[80];
	u32 n = id_list(ids, sizeof(ids), -1);
	if (n)
		kprintf("smp: %u AP%s not online %lu ms after the start-up IPIs showed life (APIC ID%s %s): not sent "
			"INIT again; waiting up to %lu ms for %s\n", n, n == 1 ? "" : "s", limits.restart_after_us / 1000,
			n == 1 ? "" : "s", ids, limits.hard_cap_us / 1000, n == 1 ? "it" : "them");
}

void smp_await_arrivals(u8 vector, bool deassert)
{
	struct arrival_wait w = { 0 };
	bool spared_told = false;
	aps = cpu_array(&aps_, sizeof(*aps));
	aps[0].state = ARRIVAL_ONLINE;
	t0 = rdtsc();
	for (;;) {
		u32 anonymous = observe();
		u64 now = tsc_to_us(rdtsc() - t0), next;
		enum arrival_action act = arrival_decide(&limits, &w, aps + 1, cpu_count - 1, anonymous, now, &next);
		if (w.restart_point_passed && !spared_told) {
			spared_told = true;
			report_spared();
		}
		if (act == ARRIVAL_DONE) {
			smp_fig.waited_us = now;
			break;
		}
		if (act == ARRIVAL_RESTART) {
			for (u32 i = 1; i < cpu_count; i++)
				cpus[i].restart_wanted = aps[i].restart_now;
			smp_fig.restarted = smp_restart_stragglers(vector, deassert);
			w.restart_us = tsc_to_us(rdtsc() - t0);   /* the full retry timeout after the IPIs */
			continue;
		}
		u64 until = next < now + AWAIT_POLL_US ? next : now + AWAIT_POLL_US;
		wait_until(smp_all_arrived, 0, t0 + us_to_tsc(until));   /* hlt: the last AP wakes us */
	}
	smp_fig.spared = w.spared;
}

void smp_await_report_missing(const struct cpu *c)
{
	const struct arrival_ap *a = &aps[c->index];
	const char *hot = c->online_capable_only ? " (the MADT lists it online-capable, not enabled: a hot-add slot "
						   "that may hold no CPU, so this is not a failure)" : "";
	if (a->state != ARRIVAL_ALIVE) {
		kprintf("smp: APIC ID %u (CPU %u) did not start within %llu ms; carrying on without it%s\n", c->apic_id,
			c->index, ARRIVAL_RETRY_TIMEOUT_US / 1000, hot);
		return;
	}
	kprintf("smp: APIC ID %u (CPU %u) showed life (%s %lu ms after the start-up IPIs) but was not online within "
		"%lu ms; carrying on without it%s\n", c->apic_id, c->index,
		c->arrive_tsc ? "reached C" : "entered the trampoline", a->life_us / 1000, limits.hard_cap_us / 1000, hot);
}

/* one line with every AP that was not simply in time, when there is one */
static void report_outcomes(u32 slow, const char *slow_ids, u32 restarted, const char *restarted_ids)
{
	char never_ids[80], stuck_ids[80];
	u32 never = id_list(never_ids, sizeof(never_ids), ARRIVAL_NEVER_ANSWERED);
	u32 stuck = id_list(stuck_ids, sizeof(stuck_ids), ARRIVAL_LIFE_NOT_ONLINE);
	if (!slow && !restarted && !never && !stuck)
		return;
	kprintf("smp: arrival: waited %lu ms after the start-up IPIs; slow %u%s%s%s, restarted %u%s%s%s, never answered "
		"%u%s%s%s, showed life but not online %u%s%s%s\n", smp_fig.waited_us / 1000,
		slow, slow ? " (APIC ID " : "", slow_ids, slow ? ")" : "",
		restarted, restarted ? " (APIC ID " : "", restarted_ids, restarted ? ")" : "",
		never, never ? " (APIC ID " : "", never_ids, never ? ")" : "",
		stuck, stuck ? " (APIC ID " : "", stuck_ids, stuck ? ")" : "");
}

void smp_await_report_slow(void)
{
	char ids[80], again[80];
	observe();
	u32 n = id_list(ids, sizeof(ids), ARRIVAL_SLOW), r = id_list(again, sizeof(again), ARRIVAL_AFTER_RESTART);
	smp_fig.slow = n;
	report_outcomes(n, ids, r, again);
	if (!n)
		return;
	u64 last = 0;
	for (u32 i = 1; i < cpu_count; i++)
		if (arrival_outcome(&limits, &aps[i]) == ARRIVAL_SLOW && aps[i].online_us > last)
			last = aps[i].online_us;
	char tail[120];
	if (r)
		ksnprintf(tail, sizeof(tail), "%u AP%s with no sign of life %s restarted (APIC ID%s %s)", r,
			  r == 1 ? "" : "s", r == 1 ? "was" : "were", r == 1 ? "" : "s", again);
	else
		ksnprintf(tail, sizeof(tail), "none was restarted");
	kprintf("smp: %u AP%s %s slow to arrive (APIC ID%s %s): the last online %lu ms after the start-up IPIs, "
		"waited %lu ms; %s\n", n, n == 1 ? "" : "s", n == 1 ? "was" : "were", n == 1 ? "" : "s", ids,
		last / 1000, smp_fig.waited_us / 1000, tail);
}

/* APs still not online ARRIVAL_RESTART_AFTER_US after the first SIPIs, with no sign
 * of life (smp_arrival.c picks them: restart_wanted), get the whole
 * sequence once more, with the MP spec's waits: a start-up IPI can be lost
 * (seen in QEMU TCG with 240 vCPUs on 2 loaded host cores: three APs never
 * arrived), and INIT resets an AP whatever it was doing. Each AP is taken out
 * of CPU_STARTING first (CPU_RESTARTING), so one that reaches ap_main in the
 * INIT wait does not go online under the INIT: go_online() waits for it to
 * end. Returns how many were started again. */
u32 smp_restart_stragglers(u8 vector, bool deassert)
{
	u32 n = 0;
	char ids[80];
	size_t len = 0;
	bool cut = false;
	ids[0] = 0;
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		enum cpu_state starting = CPU_STARTING;
		if (!c->restart_wanted)
			continue;
		scan_list();   /* a sign of life since the decision, even now, spares it */
		if (c->tramp_seen_tsc || __atomic_load_n(&c->arrive_tsc, __ATOMIC_ACQUIRE)) {
			aps[i].restarted = false;
			continue;
		}
		if (c->inject_no_sipi || !__atomic_compare_exchange_n(&c->state, &starting, CPU_RESTARTING, false,
								       __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			continue;
		c->restarted = true;
		smp_check_esr(lapic_send_init(c->apic_id, true), "INIT", c);
		if (deassert)
			lapic_send_init(c->apic_id, false);
		if (c->inject_stale_sipi)   /* test: what QEMU does with a SIPI still pending (go_online) */
			smp_check_esr(lapic_send_sipi(c->apic_id, vector), "SIPI (smp.stalesipi)", c);
		if (len < sizeof(ids) - 16)
			len += ksnprintf(ids + len, sizeof(ids) - len, "%s%u", n ? ", " : "", c->apic_id);
		else if (!cut) {
			ksnprintf(ids + len, sizeof(ids) - len, ", ...");   /* once: the list is cut here */
			cut = true;
		}
		n++;
	}
	if (!n)
		return 0;
	kprintf("smp: %u AP%s not online %llu ms after the start-up IPIs (APIC ID %s): INIT, %llu us, SIPI, %llu us, "
		"SIPI to %s again\n", n, n == 1 ? "" : "s", ARRIVAL_RESTART_AFTER_US / 1000, ids, RESTART_INIT_US,
		RESTART_SIPI_US, n == 1 ? "it" : "them");
	udelay(RESTART_INIT_US);
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (c->state != CPU_RESTARTING)
			continue;
		__atomic_store_n(&c->state, CPU_STARTING, __ATOMIC_SEQ_CST);
		if (!c->sipi_tsc)
			c->sipi_tsc = rdtsc();   /* its first SIPI (smp.lostsipi withheld the first round's) */
		smp_check_esr(lapic_send_sipi(c->apic_id, vector), "SIPI", c);
	}
	udelay(RESTART_SIPI_US);
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (c->restarted && c->state == CPU_STARTING)
			smp_check_esr(lapic_send_sipi(c->apic_id, vector), "second SIPI", c);
	}
	return n;
}

/* "smp: AP start: ..." (smp_stamps.c): SIPI -> the AP's first trampoline
 * instruction, and from there to parked, over the APs with a stamp */
void smp_await_print_stamps(void (*pr)(const char *fmt, ...))
{
	static void *stamps_, *scratch_;
	struct ap_stamp *v = cpu_array(&stamps_, sizeof(*v));
	u64 *scratch = cpu_array(&scratch_, sizeof(*scratch));
	struct smp_stamp_stats st;
	char line[240];
	u32 n = 0;
	for (u32 i = 1; i < cpu_count; i++, n++) {
		v[n].sipi_tsc = cpus[i].sipi_tsc;
		v[n].entry_tsc = cpus[i].tramp_entry_tsc;
		v[n].parked_tsc = cpus[i].state == CPU_ONLINE ? cpus[i].parked_tsc : 0;
	}
	smp_stamp_stats(v, n, tsc_khz, scratch, &st);
	smp_stamp_describe(&st, line, sizeof(line));
	pr("%s\n", line);
}
