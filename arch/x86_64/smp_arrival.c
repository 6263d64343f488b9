/*
 * The AP arrival policy (smp_arrival.h). Linux waits up to 10 s for an AP
 * that has started (arch/x86/kernel/smpboot.c); its old trampoline wrote
 * trampoline_status = 0xA5A5A5A5 as its first act so that a late AP was
 * told apart ("Stuck ??") from one that never ran ("Not responding"). Here
 * the same evidence also decides who gets a second INIT: only the silent.
 */
#include "arch/x86_64/smp_arrival.h"

static u64 min_u64(u64 a, u64 b)
{
	return a < b ? a : b;
}

/* The restart point: every silent AP that can be started gets the second
 * start-up; the ones that showed life are spared. */
static u32 pick_restarts(struct arrival_wait *w, struct arrival_ap *aps, u32 n, u64 now_us)
{
	u32 k = 0;
	w->restart_point_passed = true;
	w->restart_us = now_us;
	for (u32 i = 0; i < n; i++) {
		struct arrival_ap *a = &aps[i];
		if (a->state == ARRIVAL_ONLINE)
			continue;
		if (a->state == ARRIVAL_ALIVE) {
			w->spared++;
		} else if (!a->never_started) {
			a->restart_now = a->restarted = true;
			k++;
		}
	}
	w->restarted = k;
	return k;
}

enum arrival_action arrival_decide(const struct arrival_limits *l, struct arrival_wait *w, struct arrival_ap *aps,
				   u32 n, u32 anonymous, u64 now_us, u64 *next_us)
{
	u32 alive = 0, silent = 0;
	for (u32 i = 0; i < n; i++) {
		aps[i].restart_now = false;
		alive += aps[i].state == ARRIVAL_ALIVE;
		silent += aps[i].state == ARRIVAL_SILENT;
	}
	*next_us = l->hard_cap_us;
	if ((!alive && !silent) || now_us >= l->hard_cap_us)
		return ARRIVAL_DONE;
	if (!w->restart_point_passed) {
		if (now_us < l->restart_after_us) {
			*next_us = min_u64(l->restart_after_us, l->hard_cap_us);
			return ARRIVAL_WAIT;
		}
		if (anonymous)   /* a silent AP may be one of them: hold the INITs */
			return ARRIVAL_WAIT;
		if (pick_restarts(w, aps, n, now_us)) {
			*next_us = min_u64(now_us + l->retry_timeout_us, l->hard_cap_us);
			return ARRIVAL_RESTART;
		}
	}
	/* silent APs: given up at the retry timeout after a second start-up, or
	 * at the restart point when none was sent (smp.nosipi: as before) */
	u64 silent_end = min_u64(w->restarted ? w->restart_us + l->retry_timeout_us : l->restart_after_us,
				 l->hard_cap_us);
	bool silent_pending = false;
	for (u32 i = 0; i < n; i++)
		if (aps[i].state == ARRIVAL_SILENT && !aps[i].never_started && now_us < silent_end)
			silent_pending = true;
	if (silent_pending)
		*next_us = silent_end;
	return alive || silent_pending ? ARRIVAL_WAIT : ARRIVAL_DONE;
}

enum arrival_outcome arrival_outcome(const struct arrival_limits *l, const struct arrival_ap *ap)
{
	if (ap->state == ARRIVAL_ONLINE) {
		if (ap->restarted)
			return ARRIVAL_AFTER_RESTART;
		return ap->online_us >= l->restart_after_us ? ARRIVAL_SLOW : ARRIVAL_IN_TIME;
	}
	return ap->state == ARRIVAL_ALIVE ? ARRIVAL_LIFE_NOT_ONLINE : ARRIVAL_NEVER_ANSWERED;
}
