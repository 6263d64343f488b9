/*
 * Quiet waiting: a wait that may last more than a few microseconds sleeps in
 * hlt, woken by an interrupt (a wake-up IPI from the CPU that made the
 * condition true, or anything else) or by this CPU's local APIC timer armed
 * for the deadline or one slice (WAIT_SLICE_US), whichever is sooner. So an
 * idle emulated CPU costs its host almost nothing, and nothing waits forever.
 * The mode (TSC-deadline, one-shot, or pause with back-off where no timer
 * fired) is wait_choose() in arch/x86_64/wait_policy.c; spinlocks stay
 * pause-based.
 */
#ifndef ARCH_X86_64_WAIT_H
#define ARCH_X86_64_WAIT_H

#include "kernel/types.h"
#include "arch/x86_64/wait_policy.h"

struct cpu;

/* Boot CPU, after lapic_init_cpu(): choose the mode, calibrate the one-shot
 * timer if it is needed, check that the chosen timer fires; the `wait:` line. */
void wait_init(void);
enum wait_mode wait_mode(void);
/* Until done(arg) is true (true) or the TSC passes deadline (false; done()
 * is asked once more). The CPU that makes done() true calls wait_wake(). */
bool wait_until(bool (*done)(void *arg), void *arg, u64 deadline_tsc);
/* The CPU that made a waiter's condition true: a wake-up IPI if it is halted
 * (the idle_halted handshake the APs' idle loop uses). */
void wait_wake(struct cpu *waiter);
/* Until the TSC passes deadline (udelay above WAIT_SLEEP_MIN_US). */
void wait_sleep_until(u64 deadline_tsc);
/* One quiet pause of at most us: returns after any interrupt (the console's
 * poll for input), or after a pause instruction in pause mode. */
void wait_idle(u64 us);
/* VEC_TIMER from trap_dispatch: count it, EOI. */
void wait_timer_interrupt(void);

#endif
