/*
 * How a CPU waits (pure decisions, shared with tests/host/test_wait.c):
 * hlt woken by the local APIC timer in TSC-deadline mode when CPUID.1:ECX[24]
 * says the CPU has it (SDM vol. 3A 11.5.4.1), else by the one-shot timer at
 * its calibrated rate, else `pause` with back-off. A mode whose boot
 * self-check failed is never chosen again.
 */
#ifndef ARCH_X86_64_WAIT_POLICY_H
#define ARCH_X86_64_WAIT_POLICY_H

#include "kernel/types.h"

#define CPUID1_ECX_TSC_DEADLINE (1U << 24)
#define WAIT_SLEEP_MIN_US 50          /* udelay below this spins: a wake-up costs more */
#define WAIT_SLICE_US 1000            /* the longest hlt before the waiter looks again */
#define WAIT_BACKOFF_MAX 1024         /* pause instructions between looks, at most */

enum wait_mode { WAIT_TSC_DEADLINE, WAIT_LAPIC_ONESHOT, WAIT_PAUSE, WAIT_MODES };
/* wait= on the command line: auto, or one mode forced (tests, benchmarks) */
enum wait_force { WAIT_FORCE_AUTO, WAIT_FORCE_TSC_DEADLINE, WAIT_FORCE_LAPIC, WAIT_FORCE_PAUSE };

struct wait_choice {
	enum wait_mode mode;
	const char *why;
};

/* failed: bit m set when mode m's self-check failed on this machine;
 * lapic_khz: the one-shot timer's calibrated rate (0: not calibrated or none);
 * bochs: the machine is Bochs, where wait=auto spins (see wait_policy.c) */
struct wait_choice wait_choose(u32 cpuid1_ecx, enum wait_force force, u64 lapic_khz, u32 failed, bool bochs);
const char *wait_mode_name(enum wait_mode m);

/* The one-shot timer's rate from a calibration: the count went from start to
 * end (it counts down) while the TSC advanced tsc_cycles. 0 when it did not move. */
u64 wait_lapic_khz(u32 start, u32 end, u64 tsc_cycles, u64 tsc_khz);
/* the initial count for a one-shot of tsc_cycles, at least 1, at most 0xffffffff */
u32 wait_lapic_count(u64 tsc_cycles, u64 tsc_khz, u64 lapic_khz);
/* when to arm the next wake-up: the deadline, or one slice from now if sooner */
u64 wait_wake_at(u64 now, u64 deadline, u64 slice_cycles);
/* pause back-off: the next round's pause count (doubling up to WAIT_BACKOFF_MAX) */
u32 wait_backoff(u32 spins);
/* sleep (true) or spin for a delay of us microseconds in this mode */
bool wait_delay_sleeps(u64 us, enum wait_mode m);

/* SDM vol. 3A 11.6.1: the INIT level de-assert message is not supported from
 * the Pentium 4 on (local APIC version 0x14 and up, every x2APIC); only older
 * APICs need it. version_reg: the APIC version register (offset 0x30). */
bool lapic_init_deassert_needed(u32 version_reg);

#endif
