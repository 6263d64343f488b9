/* arch/x86_64/smp_arrival.c: the boot CPU's wait for the APs, driven the way
 * arch/x86_64/smp_await.c drives it (a look every 10 ms or at the next
 * deadline, the second start-up when asked), over AP timelines: real ones
 * from QEMU TCG logs (-M q35 -smp 240, smp.lostsipi=2, smp.nosipi=2) and the
 * load cases that made the fixed-timeout policy fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/smp_arrival.h"

#define N ARRIVAL_NEVER
#define MS 1000ULL
#define POLL_US 10000ULL      /* smp_await.c AWAIT_POLL_US */
#define RESTART_SEND_US 10400 /* smp.c: INIT, 10 ms, SIPI, 200 us, SIPI: the retry timeout counts after it */

/* One AP: its first sign of life and its time online, us after the end of
 * the first start-up round; after a second start-up, the same relative to
 * that (an INIT throws the first away). */
struct timeline {
	u64 life, online, life2, online2;
	bool never_started;
};

static const struct arrival_limits lim = { ARRIVAL_RESTART_AFTER_US, ARRIVAL_RETRY_TIMEOUT_US, ARRIVAL_HARD_CAP_US };

struct run {
	u64 waited;
	u32 restarts;      /* ARRIVAL_RESTART answers */
	u64 restart_at;
	struct arrival_wait w;
	enum arrival_outcome out[256];
	struct arrival_ap aps[256];
};

static u64 untied_until;   /* anonymous trampoline entries until then */

static void see(struct run *r, const struct timeline *t, u32 n, u64 now)
{
	for (u32 i = 0; i < n; i++) {
		struct arrival_ap *a = &r->aps[i];
		u64 base = a->restarted ? r->restart_at : 0;
		u64 life = a->restarted ? t[i].life2 : t[i].life, on = a->restarted ? t[i].online2 : t[i].online;
		a->never_started = t[i].never_started;
		a->life_us = life != N && base + life <= now ? base + life : N;
		a->online_us = on != N && base + on <= now ? base + on : N;
		a->state = a->online_us != N ? ARRIVAL_ONLINE : a->life_us != N ? ARRIVAL_ALIVE : ARRIVAL_SILENT;
	}
}

/* the first look comes on an AP's arrival wake-up or after a poll interval */
static void simulate(struct run *r, const struct timeline *t, u32 n)
{
	memset(r, 0, sizeof(*r));
	u64 now = 0, next;
	for (int guard = 0; guard < 100000; guard++) {
		see(r, t, n, now);
		enum arrival_action a = arrival_decide(&lim, &r->w, r->aps, n, now < untied_until, now, &next);
		if (a == ARRIVAL_DONE) {
			r->waited = now;
			for (u32 i = 0; i < n; i++)
				r->out[i] = arrival_outcome(&lim, &r->aps[i]);
			return;
		}
		if (a == ARRIVAL_RESTART) {
			r->restarts++;
			now += RESTART_SEND_US;
			r->w.restart_us = r->restart_at = now;
			continue;
		}
		assert_true(next > now || now < untied_until);
		u64 until = next < now + POLL_US ? next : now + POLL_US;
		for (u32 i = 0; i < n; i++) {   /* the last AP online wakes the boot CPU */
			u64 base = r->aps[i].restarted ? r->restart_at : 0;
			u64 on = r->aps[i].restarted ? t[i].online2 : t[i].online;
			if (on != N && base + on > now && base + on < until)
				until = base + on;
		}
		now = until;
	}
	fail_msg("the wait did not end");
}

static u32 count(const struct run *r, u32 n, enum arrival_outcome o)
{
	u32 k = 0;
	for (u32 i = 0; i < n; i++)
		k += r->out[i] == o;
	return k;
}

/* QEMU TCG -M q35 -smp 240 under load (report=full log of a passing run):
 * each AP's arrival, us after the first INIT; the first start-up round
 * ended at 602312 us (last SIPI at 602302 us, then the 10 us wait) */
static const u64 q35_240_arrived[239] = {
	517298, 517685, 518407, 517995, 517244, 506327, 488528, 535585, 535691, 518573, 517632, 594755, 
	509028, 504409, 518225, 551002, 550868, 550767, 550649, 581577, 581761, 593715, 595575, 589804, 
	594932, 595725, 594391, 594305, 589884, 589707, 573230, 535312, 594663, 594128, 517376, 594480, 
	572350, 594216, 594026, 583110, 572447, 593631, 593909, 571614, 572654, 584099, 572548, 571794, 
	535782, 571919, 584349, 518118, 572048, 572788, 573032, 573139, 593803, 584504, 506271, 572155, 
	550425, 593014, 593555, 594846, 595287, 517438, 582736, 593471, 593379, 593296, 572256, 582329, 
	583028, 550316, 583820, 550097, 590146, 549842, 550539, 582426, 584020, 550207, 518519, 583657, 
	590094, 583911, 592744, 582823, 549054, 593201, 594573, 592853, 549206, 589985, 548868, 590823, 
	548709, 595191, 590233, 535357, 572886, 581934, 589608, 584754, 585272, 590720, 583398, 584930, 
	590254, 585105, 585192, 590922, 518277, 585381, 595847, 590635, 591192, 589502, 591662, 583736, 
	584588, 589212, 584431, 584837, 589377, 595098, 591560, 591306, 591756, 517743, 518050, 591400, 
	549291, 590447, 518180, 590543, 590357, 506217, 591968, 577235, 592162, 592264, 592355, 592446, 
	591845, 592558, 592061, 592650, 584183, 549991, 506115, 583310, 581669, 582052, 582539, 517874, 
	583217, 582918, 583490, 583580, 517911, 581213, 501043, 581473, 582143, 582233, 517588, 582642, 
	518339, 595390, 577388, 535200, 517076, 535466, 549711, 581851, 584674, 504689, 551109, 593112, 
	584267, 595516, 595636, 596112, 600580, 601668, 596035, 600486, 596244, 596484, 599288, 600846, 
	596383, 602094, 600296, 596620, 597521, 596879, 599566, 598822, 598724, 596748, 597035, 597751, 
	598396, 600395, 597273, 597142, 599443, 597415, 597652, 601754, 601570, 597958, 597615, 598628, 
	598500, 597850, 598058, 598201, 598929, 598298, 599043, 599677, 599765, 599404, 599266, 600178, 
	600079, 599975, 599852, 602143, 600726, 601129, 601066, 602053, 602224, 601861, 601309, 
};
#define Q35_ROUND_END 602312ULL

static struct timeline tl[256];
static struct run run;

static void q35_240_all_online_by_the_end_of_the_round_is_done_at_once(void **s)
{
	(void)s;
	for (u32 i = 0; i < 239; i++) {
		u64 at = q35_240_arrived[i] > Q35_ROUND_END ? q35_240_arrived[i] - Q35_ROUND_END : 0;
		tl[i] = (struct timeline){ at, at, N, N, false };
	}
	simulate(&run, tl, 239);
	assert_int_equal(run.waited, 0);
	assert_int_equal(run.restarts, 0);
	assert_int_equal(count(&run, 239, ARRIVAL_IN_TIME), 239);
	assert_false(run.w.restart_point_passed);
}

/* the same APs, each 1.2 s later (its vCPU thread not scheduled, but it had
 * entered the trampoline by 900 ms): none is sent INIT again */
static void q35_240_late_but_alive_aps_are_not_restarted(void **s)
{
	(void)s;
	for (u32 i = 0; i < 239; i++) {
		u64 at = q35_240_arrived[i] > Q35_ROUND_END ? q35_240_arrived[i] - Q35_ROUND_END : 0;
		tl[i] = (struct timeline){ 900 * MS, at + 1200 * MS, 0, 0, false };
	}
	simulate(&run, tl, 239);
	assert_int_equal(run.restarts, 0);
	assert_int_equal(run.w.spared, 239);
	assert_int_equal(count(&run, 239, ARRIVAL_SLOW), 239);
	u64 last = 0;
	for (u32 i = 0; i < 239; i++)
		last = tl[i].online > last ? tl[i].online : last;
	assert_int_equal(run.waited, last);   /* the last AP's arrival ends the wait */
}

/* the 200 ms-retry failure, the other way round: 48 APs alive but slow at
 * the restart point (online 1200-1830 ms), 3 whose SIPI was lost, 188 in
 * time. Only the 3 get the second start-up; the 48 arrive on their own. */
static void only_silent_aps_get_the_second_start_up(void **s)
{
	(void)s;
	for (u32 i = 0; i < 239; i++)
		tl[i] = (struct timeline){ 100 * MS, 300 * MS + i * MS, N, N, false };
	for (u32 i = 0; i < 48; i++)
		tl[i] = (struct timeline){ 150 * MS + i * 15 * MS, 1200 * MS + i * 13400, 0, 0, false };
	for (u32 i = 48; i < 51; i++)
		tl[i] = (struct timeline){ N, N, 80, 2500, false };
	simulate(&run, tl, 239);
	assert_int_equal(run.restarts, 1);
	for (u32 i = 0; i < 239; i++)
		assert_int_equal(run.aps[i].restarted, i >= 48 && i < 51);
	assert_int_equal(run.w.restarted, 3);
	assert_int_equal(run.w.spared, 48);
	assert_int_equal(count(&run, 239, ARRIVAL_SLOW), 48);
	assert_int_equal(count(&run, 239, ARRIVAL_AFTER_RESTART), 3);
	assert_int_equal(count(&run, 239, ARRIVAL_IN_TIME), 188);
	assert_int_equal(run.waited, 1200 * MS + 47 * 13400);   /* 1829.8 ms */
}

/* QEMU -smp 4 smp.lostsipi=2: APs 1 and 3 arrived within the round, APIC ID
 * 2 came online 1012585 us after it, 2.2 ms after its second start-up */
static void lostsipi_ap_is_restarted_once_and_arrives(void **s)
{
	(void)s;
	tl[0] = (struct timeline){ 0, 0, N, N, false };
	tl[1] = (struct timeline){ N, N, 2100, 2185, false };
	tl[2] = (struct timeline){ 0, 0, N, N, false };
	simulate(&run, tl, 3);
	assert_int_equal(run.restarts, 1);
	assert_true(run.aps[1].restarted && !run.aps[0].restarted && !run.aps[2].restarted);
	assert_int_equal(run.restart_at, 1000 * MS + RESTART_SEND_US);
	assert_int_equal(run.waited, 1000 * MS + RESTART_SEND_US + 2185);
	assert_int_equal(run.out[1], ARRIVAL_AFTER_RESTART);
	assert_int_equal(count(&run, 3, ARRIVAL_IN_TIME), 2);
}

/* QEMU -smp 4 smp.nosipi=2: no SIPI ever, so no sign of life: given up at
 * 1000 ms, exactly as before this policy, and not restarted */
static void nosipi_ap_is_given_up_at_the_restart_point(void **s)
{
	(void)s;
	tl[0] = (struct timeline){ 0, 0, N, N, false };
	tl[1] = (struct timeline){ N, N, N, N, true };
	tl[2] = (struct timeline){ 0, 0, N, N, false };
	simulate(&run, tl, 3);
	assert_int_equal(run.restarts, 0);
	assert_int_equal(run.waited, 1000 * MS);
	assert_int_equal(run.out[1], ARRIVAL_NEVER_ANSWERED);
	u64 next;
	struct arrival_wait w = { 0 };
	see(&run, tl, 3, 999 * MS);
	assert_int_equal(arrival_decide(&lim, &w, run.aps, 3, 0, 999 * MS, &next), ARRIVAL_WAIT);
	assert_int_equal(next, 1000 * MS);
}

/* a silent AP that stays silent after the second start-up: given up the
 * retry timeout after it, and started only once */
static void silent_ap_is_given_up_after_the_retry_timeout(void **s)
{
	(void)s;
	tl[0] = (struct timeline){ 0, 0, N, N, false };
	tl[1] = (struct timeline){ N, N, N, N, false };
	simulate(&run, tl, 2);
	assert_int_equal(run.restarts, 1);
	assert_int_equal(run.waited, 1000 * MS + RESTART_SEND_US + 1000 * MS);
	assert_int_equal(run.out[1], ARRIVAL_NEVER_ANSWERED);
}

/* an AP that showed life and never comes online (Linux: "Stuck ??"): the
 * wait goes on to the hard cap, then it is given up, never sent INIT */
static void alive_ap_is_waited_for_up_to_the_hard_cap(void **s)
{
	(void)s;
	tl[0] = (struct timeline){ 5 * MS, N, 0, 0, false };
	tl[1] = (struct timeline){ 0, 0, N, N, false };
	simulate(&run, tl, 2);
	assert_int_equal(run.restarts, 0);
	assert_int_equal(run.waited, ARRIVAL_HARD_CAP_US);
	assert_int_equal(run.out[0], ARRIVAL_LIFE_NOT_ONLINE);
	u64 next;
	struct arrival_wait w = run.w;
	see(&run, tl, 2, ARRIVAL_HARD_CAP_US - 1);
	assert_int_equal(arrival_decide(&lim, &w, run.aps, 2, 0, ARRIVAL_HARD_CAP_US - 1, &next), ARRIVAL_WAIT);
}

/* a restarted AP that shows life late, and a never-started one beside it:
 * the live one is waited for past the retry timeout, and its arrival ends
 * the wait (the never-started one was given up at 1000 ms) */
static void restarted_ap_that_shows_life_is_waited_for(void **s)
{
	(void)s;
	tl[0] = (struct timeline){ N, N, 900 * MS, 3000 * MS, false };
	tl[1] = (struct timeline){ N, N, N, N, true };
	simulate(&run, tl, 2);
	assert_int_equal(run.restarts, 1);
	assert_int_equal(run.waited, 1000 * MS + RESTART_SEND_US + 3000 * MS);
	assert_int_equal(run.out[0], ARRIVAL_AFTER_RESTART);
	assert_int_equal(run.out[1], ARRIVAL_NEVER_ANSWERED);
}

/* trampoline entries not tied to an AP (the list was full, or an entry was
 * counted but not yet written) hold the second start-up until they are gone */
static void untied_entries_hold_the_restart(void **s)
{
	(void)s;
	tl[0] = (struct timeline){ N, N, 50, 60, false };
	untied_until = 1055 * MS;
	simulate(&run, tl, 1);
	untied_until = 0;
	assert_int_equal(run.restarts, 1);
	assert_true(run.restart_at >= 1055 * MS + RESTART_SEND_US);
	assert_int_equal(run.out[0], ARRIVAL_AFTER_RESTART);
}

/* the restart list is only the APs named in that answer */
static void restart_now_is_cleared_on_the_next_call(void **s)
{
	(void)s;
	struct arrival_ap a[2] = { { .state = ARRIVAL_SILENT }, { .state = ARRIVAL_ALIVE } };
	struct arrival_wait w = { 0 };
	u64 next;
	assert_int_equal(arrival_decide(&lim, &w, a, 2, 0, 1000 * MS, &next), ARRIVAL_RESTART);
	assert_true(a[0].restart_now && !a[1].restart_now);
	assert_int_equal(next, 2000 * MS);
	assert_int_equal(arrival_decide(&lim, &w, a, 2, 0, 1001 * MS, &next), ARRIVAL_WAIT);
	assert_false(a[0].restart_now);
	assert_true(a[0].restarted && !a[1].restarted);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(q35_240_all_online_by_the_end_of_the_round_is_done_at_once),
		cmocka_unit_test(q35_240_late_but_alive_aps_are_not_restarted),
		cmocka_unit_test(only_silent_aps_get_the_second_start_up),
		cmocka_unit_test(lostsipi_ap_is_restarted_once_and_arrives),
		cmocka_unit_test(nosipi_ap_is_given_up_at_the_restart_point),
		cmocka_unit_test(silent_ap_is_given_up_after_the_retry_timeout),
		cmocka_unit_test(alive_ap_is_waited_for_up_to_the_hard_cap),
		cmocka_unit_test(restarted_ap_that_shows_life_is_waited_for),
		cmocka_unit_test(untied_entries_hold_the_restart),
		cmocka_unit_test(restart_now_is_cleared_on_the_next_call),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
