/* How long the boot CPU waits for the APs after the start-up IPIs, and
 * which of them it starts once more (arch/x86_64/smp_await.c asks; pure, no
 * printing, host-tested in tests/host/test_smp_arrival.c).
 *
 * An AP shows life when it enters the trampoline (its APIC ID in the
 * trampoline's list, boot/trampoline.S) or reaches C (ap_main's arrive_tsc).
 * Rules: an AP that showed life is never sent INIT again (INIT throws away
 * its progress); while such APs are on their way the wait goes on up to a
 * hard cap (10 s, as Linux's do_wait_cpu_callin / cpu_init_done); APs with
 * no sign of life at restart_after_us get the second start-up, and are given
 * up retry_timeout_us after it; an AP that is never sent a SIPI (smp.nosipi)
 * is given up at restart_after_us, as before this policy. */
#ifndef ARCH_X86_64_SMP_ARRIVAL_H
#define ARCH_X86_64_SMP_ARRIVAL_H

#include "kernel/types.h"

#define ARRIVAL_RESTART_AFTER_US 1000000ULL   /* no sign of life by then: INIT-SIPI-SIPI again */
#define ARRIVAL_RETRY_TIMEOUT_US 1000000ULL   /* after that second start-up: then "did not start" */
#define ARRIVAL_HARD_CAP_US      10000000ULL  /* an AP that showed life is waited for this long */
#define ARRIVAL_NEVER            (~0ULL)      /* no time: no sign of life, not online */

enum arrival_state {
	ARRIVAL_SILENT = 0,   /* no sign of life (yet) */
	ARRIVAL_ALIVE,        /* entered the trampoline or reached C, not online */
	ARRIVAL_ONLINE,
};

struct arrival_ap {
	/* in, from what the boot CPU sees now */
	u8 state;              /* enum arrival_state */
	bool never_started;    /* no SIPI is ever sent to it (smp.nosipi) */
	u64 life_us;           /* first sign of life, us after the start-up IPIs (ARRIVAL_NEVER) */
	u64 online_us;         /* when it went online (ARRIVAL_NEVER) */
	/* kept by arrival_decide between calls */
	bool restarted;        /* picked for the second start-up */
	bool restart_now;      /* in the list of the ARRIVAL_RESTART just returned */
};

struct arrival_limits {
	u64 restart_after_us, retry_timeout_us, hard_cap_us;
};

struct arrival_wait {         /* one wait's own state; zero it before the first call */
	bool restart_point_passed;
	u64 restart_us;           /* when the second start-up was decided (the caller may move it to when it was sent) */
	u32 restarted;            /* APs in it */
	u32 spared;               /* APs not online at the restart point that had shown life: not restarted */
};

enum arrival_action {
	ARRIVAL_WAIT,     /* look again by *next_us (or when an AP comes online) */
	ARRIVAL_RESTART,  /* send INIT-SIPI-SIPI to the APs with restart_now set, then call again */
	ARRIVAL_DONE,     /* every AP is online, or the rest are given up */
};

/* The decision at now_us (us after the start-up IPIs). anonymous: trampoline
 * entries that could not be tied to an AP (the list in the page was full):
 * while there are any, no AP is restarted, since any silent one may be
 * alive. *next_us: the next deadline at which the answer can change. */
enum arrival_action arrival_decide(const struct arrival_limits *l, struct arrival_wait *w, struct arrival_ap *aps,
				   u32 n, u32 anonymous, u64 now_us, u64 *next_us);

enum arrival_outcome {
	ARRIVAL_IN_TIME,          /* online before restart_after_us */
	ARRIVAL_SLOW,             /* online later, without a second start-up */
	ARRIVAL_AFTER_RESTART,    /* online after the second start-up */
	ARRIVAL_NEVER_ANSWERED,   /* no sign of life at all */
	ARRIVAL_LIFE_NOT_ONLINE,  /* showed life, not online by the hard cap (Linux: "Stuck ??") */
};

/* What became of one AP once arrival_decide said ARRIVAL_DONE. */
enum arrival_outcome arrival_outcome(const struct arrival_limits *l, const struct arrival_ap *ap);

#endif
