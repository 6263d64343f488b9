/*
 * Quiet waiting (arch/x86_64/wait.h): hlt with the local APIC timer behind
 * it. The decisions are arch/x86_64/wait_policy.c (pure, host-tested); this
 * file programs the timer and sleeps.
 *
 * The handshake with the CPU that ends a wait (the one the APs' idle loop
 * uses): the waiter sets its idle_halted, a full fence, looks at the
 * condition once more and only then halts; the other side makes the
 * condition true, a full fence, then takes idle_halted (an atomic exchange
 * with false) and sends VEC_WAKEUP if it was set. One of the two always sees
 * the other (store-load order through the fences), and the timer ends the
 * hlt anyway. The exchange means one IPI per sleep at most, and a waiter
 * that finds its flag taken waits for that IPI before it returns: no wake-up
 * (and no timer that fired before the disarm) is left pending at IF=0, to
 * be taken later in a VMX guest or to keep an emulator on its slow path.
 */
#include "arch/x86_64/wait.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"
#include "kernel/kprintf.h"
#include "kernel/options.h"
#include "kernel/format.h"
#include "kernel/platform.h"

#define LVT_MASKED        (1U << 16)
#define LVT_TSC_DEADLINE  (2U << 17)   /* timer mode bits 18:17 = 10b (SDM 11.5.1) */
#define RFLAGS_IF         (1ULL << 9)
#define SELFTEST_US       100          /* the self-check's wake-up ... */
#define SELFTEST_LIMIT_US 20000        /* ... and how long it waits for it */
#define CALIB_US          1000

#define WAIT_IPI_LATE_US  1000         /* the most a taken wake-up IPI may lag */

static enum wait_mode mode = WAIT_PAUSE;   /* until wait_init: spin */
static u64 lapic_khz, slice;

enum wait_mode wait_mode(void) { return mode; }

static void spin_us(u64 us)
{
	u64 end = rdtsc() + us_to_tsc(us);
	while (rdtsc() < end)
		cpu_relax();
}

/* interrupts on for one instruction after the sti shadow: what is pending is taken */
static void interrupt_window(void)
{
	sti();
	cpu_relax();
	cli();
}

/* this CPU's LVT timer entry for the mode in use, written once per CPU */
static void lvt_ready(struct cpu *c)
{
	if (c->wait_lvt == mode + 1)
		return;
	lapic_timer_setup(VEC_TIMER | (mode == WAIT_TSC_DEADLINE ? LVT_TSC_DEADLINE : 0));
	c->wait_lvt = mode + 1;
}

static void arm(u64 at)
{
	if (mode == WAIT_TSC_DEADLINE) {
		lapic_timer_deadline(at ? at : 1);
		return;
	}
	u64 now = rdtsc();
	lapic_timer_oneshot(wait_lapic_count(at > now ? at - now : 0, tsc_khz, lapic_khz));
}

static void disarm(void)
{
	if (mode == WAIT_TSC_DEADLINE)
		lapic_timer_deadline(0);
	else
		lapic_timer_oneshot(0);
}

/* One hlt until `at` or an interrupt; the caller looks at its condition again. */
static void sleep_once(struct cpu *c, u64 at, bool (*done)(void *), void *arg)
{
	u64 flags = read_rflags();
	cli();
	lvt_ready(c);
	arm(at);
	u32 woken = c->wakeups;
	__atomic_store_n(&c->idle_halted, true, __ATOMIC_SEQ_CST);
	if (!(done && done(arg)) && rdtsc() < at)
		sti_hlt();            /* the shadow of sti: a wake-up sent since cli ends this hlt */
	cli();
	if (!__atomic_exchange_n(&c->idle_halted, false, __ATOMIC_SEQ_CST)) {
		/* a waker took the flag: its IPI is on the way; take it now */
		u64 end = rdtsc() + us_to_tsc(WAIT_IPI_LATE_US);
		while (c->wakeups == woken && rdtsc() < end)
			interrupt_window();
	}
	disarm();
	interrupt_window();           /* a timer that fired before the disarm */
	c->wait_sleeps++;
	if (flags & RFLAGS_IF)
		sti();
}

bool wait_until(bool (*done)(void *arg), void *arg, u64 deadline)
{
	struct cpu *c = this_cpu();
	u32 spins = 0;
	for (;;) {
		if (done && done(arg))
			return true;
		u64 now = rdtsc();
		if (now >= deadline)
			return done && done(arg);
		if (mode == WAIT_PAUSE) {
			spins = wait_backoff(spins);
			for (u32 i = 0; i < spins; i++)
				cpu_relax();
			continue;
		}
		sleep_once(c, wait_wake_at(now, deadline, slice), done, arg);
	}
}

void wait_wake(struct cpu *w)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (w && w->idle_halted && __atomic_exchange_n(&w->idle_halted, false, __ATOMIC_SEQ_CST))
		lapic_send_fixed(w->apic_id, VEC_WAKEUP);   /* only the one that took the flag sends */
}

void wait_sleep_until(u64 deadline)
{
	wait_until(0, 0, deadline);
}

void wait_idle(u64 us)
{
	if (mode == WAIT_PAUSE) {
		cpu_relax();
		return;
	}
	sleep_once(this_cpu(), rdtsc() + us_to_tsc(us), 0, 0);
}

void wait_timer_interrupt(void)
{
	this_cpu()->timer_irqs++;
	lapic_eoi();
}

/* The one-shot timer's rate against the calibrated TSC, divide by 1, masked. */
static u64 calibrate(void)
{
	lapic_timer_setup(LVT_MASKED | VEC_TIMER);
	lapic_timer_oneshot(0xffffffffu);
	u64 t0 = rdtsc_ordered();
	u32 start = lapic_timer_current();
	spin_us(CALIB_US);
	u32 end = lapic_timer_current();
	u64 t1 = rdtsc_ordered();
	lapic_timer_oneshot(0);
	return wait_lapic_khz(start, end, t1 - t0, tsc_khz);
}

/* Does the timer in mode m fire? Interrupts on, pause-polling, bounded. */
static bool selftest(struct cpu *c, enum wait_mode m, u64 *took_us)
{
	mode = m;
	c->wait_lvt = 0;
	u64 flags = read_rflags();
	cli();
	lvt_ready(c);
	u32 before = c->timer_irqs;
	u64 t0 = rdtsc();
	arm(t0 + us_to_tsc(SELFTEST_US));
	u64 end = t0 + us_to_tsc(SELFTEST_LIMIT_US);
	sti();
	while (c->timer_irqs == before && rdtsc() < end)
		cpu_relax();
	cli();
	*took_us = tsc_to_us(rdtsc() - t0);
	disarm();
	if (flags & RFLAGS_IF)
		sti();
	return c->timer_irqs != before;
}

void wait_init(void)
{
	struct cpu *c = this_cpu();
	u32 ecx = cpuid(1).ecx;
	enum wait_force force = (enum wait_force)opt.wait;
	bool bochs_auto = platform.kind == PLATFORM_BOCHS && force == WAIT_FORCE_AUTO;
	if (force != WAIT_FORCE_PAUSE && !bochs_auto && (!(ecx & CPUID1_ECX_TSC_DEADLINE) || force == WAIT_FORCE_LAPIC))
		lapic_khz = calibrate();
	u32 failed = 0;
	u64 took[WAIT_MODES] = { 0 };
	struct wait_choice ch;
	for (;;) {
		ch = wait_choose(ecx, force, lapic_khz, failed, platform.kind == PLATFORM_BOCHS);
		if (ch.mode == WAIT_PAUSE || selftest(c, ch.mode, &took[ch.mode]))
			break;
		failed |= 1U << ch.mode;
		if (!lapic_khz)
			lapic_khz = calibrate();   /* the TSC-deadline timer failed: try the one-shot one */
	}
	mode = ch.mode;
	slice = us_to_tsc(WAIT_SLICE_US);
	c->wait_lvt = 0;
	if (mode == WAIT_PAUSE)
		lapic_timer_setup(LVT_MASKED | VEC_TIMER);
	char osr[48] = "";
	if (lapic_khz)
		ksnprintf(osr, sizeof(osr), "; one-shot timer %lu kHz", lapic_khz);
	char st[96] = "";
	if (mode != WAIT_PAUSE)
		ksnprintf(st, sizeof(st), "; self-check: woken %lu us after a %u us timer", took[mode], SELFTEST_US);
	kprintf("wait: %s (%s; CPUID.1:ECX 0x%x%s%s%s)\n", wait_mode_name(mode), ch.why, ecx, osr, st,
		failed & (1U << WAIT_TSC_DEADLINE) ? "; the TSC-deadline timer did not fire within 20 ms" : "");
}
