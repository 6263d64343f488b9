/* How a CPU waits: the pure decisions (arch/x86_64/wait_policy.h). */
#include "arch/x86_64/wait_policy.h"

const char *wait_mode_name(enum wait_mode m)
{
	switch (m) {
	case WAIT_TSC_DEADLINE: return "hlt, woken by the local APIC timer in TSC-deadline mode";
	case WAIT_LAPIC_ONESHOT: return "hlt, woken by the local APIC one-shot timer";
	default: return "pause with back-off";
	}
}

static struct wait_choice pick(enum wait_mode m, const char *why)
{
	return (struct wait_choice){ m, why };
}

struct wait_choice wait_choose(u32 cpuid1_ecx, enum wait_force force, u64 lapic_khz, u32 failed, bool bochs)
{
	bool dl = cpuid1_ecx & CPUID1_ECX_TSC_DEADLINE;
	bool dl_failed = failed & (1U << WAIT_TSC_DEADLINE), os_failed = failed & (1U << WAIT_LAPIC_ONESHOT);
	bool os_ok = lapic_khz && !os_failed;
	if (force == WAIT_FORCE_PAUSE)
		return pick(WAIT_PAUSE, "wait=pause on the command line");
	/* Bochs 2.7, 15 CPUs, mode=test: twice the run stopped in its report with the
	 * emulator asleep (every emulated CPU in hlt, its timers not advancing), while
	 * wait=pause finished in the same wall time as 4-CPU runs with hlt; so on
	 * Bochs waits spin unless a mode is forced. Issue 15 found the stall was
	 * not the waits: Bochs blocked writing its term screen into a pty nobody
	 * read (a wait=pause run stops the same way); tests/emu/bochs_screen.py */
	if (bochs && force == WAIT_FORCE_AUTO)
		return pick(WAIT_PAUSE, "Bochs: with every CPU in hlt a 15-CPU run stalled; wait=tsc_deadline or wait=lapic "
					"forces a timer");
	if (force == WAIT_FORCE_LAPIC)
		return os_ok ? pick(WAIT_LAPIC_ONESHOT, "wait=lapic on the command line")
			     : pick(WAIT_PAUSE, os_failed ? "wait=lapic asked, but the one-shot timer did not fire in its self-check"
							  : "wait=lapic asked, but the one-shot timer did not count");
	if (dl && !dl_failed)
		return pick(WAIT_TSC_DEADLINE, force == WAIT_FORCE_TSC_DEADLINE ? "wait=tsc_deadline on the command line"
						: "CPUID.1:ECX bit 24: the CPU has the TSC-deadline timer");
	if (os_ok)
		return pick(WAIT_LAPIC_ONESHOT,
			    dl ? "the TSC-deadline timer did not fire in its self-check: the one-shot timer instead"
			    : force == WAIT_FORCE_TSC_DEADLINE ? "wait=tsc_deadline asked, but CPUID.1:ECX bit 24 is clear: "
								 "the one-shot timer instead"
			    : "no TSC-deadline timer (CPUID.1:ECX bit 24 clear): the one-shot timer at its calibrated rate");
	if (os_failed)
		return pick(WAIT_PAUSE, dl ? "neither the TSC-deadline nor the one-shot timer fired in its self-check"
					   : "no TSC-deadline timer, and the one-shot timer did not fire in its self-check");
	return pick(WAIT_PAUSE, dl ? "the TSC-deadline timer did not fire in its self-check and the one-shot timer did not count"
				   : "no TSC-deadline timer, and the one-shot timer did not count");
}

u64 wait_lapic_khz(u32 start, u32 end, u64 tsc_cycles, u64 tsc_khz)
{
	if (end >= start || !tsc_cycles || !tsc_khz)
		return 0;
	/* counts per ms = counts / (cycles / khz): at most 2^32 counts times a TSC below 2^32 kHz fits 64 bits */
	return (u64)(start - end) * (tsc_khz & 0xffffffffu) / tsc_cycles;
}

u32 wait_lapic_count(u64 tsc_cycles, u64 tsc_khz, u64 lapic_khz)
{
	if (!tsc_khz || !lapic_khz)
		return 1;
	lapic_khz &= 0xffffffffu;   /* so the products below fit 64 bits */
	u64 ms = tsc_cycles / tsc_khz;
	if (ms > 0xffffffffu)
		return 0xffffffffu;
	u64 n = tsc_cycles < (1ULL << 32) ? tsc_cycles * lapic_khz / tsc_khz : ms * lapic_khz;
	return n < 1 ? 1 : n > 0xffffffffu ? 0xffffffffu : (u32)n;
}

u64 wait_wake_at(u64 now, u64 deadline, u64 slice_cycles)
{
	if (deadline <= now)
		return now;
	return deadline - now > slice_cycles ? now + slice_cycles : deadline;
}

u32 wait_backoff(u32 spins)
{
	if (spins == 0)
		return 1;
	return spins >= WAIT_BACKOFF_MAX / 2 ? WAIT_BACKOFF_MAX : spins * 2;
}

bool wait_delay_sleeps(u64 us, enum wait_mode m)
{
	return m != WAIT_PAUSE && us >= WAIT_SLEEP_MIN_US;
}

bool lapic_init_deassert_needed(u32 version_reg)
{
	return (version_reg & 0xff) < 0x14;
}
