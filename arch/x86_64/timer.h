#ifndef ARCH_X86_64_TIMER_H
#define ARCH_X86_64_TIMER_H

#include "kernel/types.h"

/* Calibrate the TSC against the HPET, the ACPI PM timer and the PIT (each
 * measured, the best one used; no interrupts); returns kHz, or 0 when no
 * counter gave a plausible figure (then CPUID 0x15/0x16 or 1 GHz is used).
 * Under Bochs the TSC counts emulated instructions (FACTS.md): calibrating
 * against an emulated counter is what makes delays right there. */
u64 timer_calibrate(void);
/* The `timer:` lines: the source used with the CPUID cross-check, and every
 * counter's own figure. */
void timer_report(void);
extern u64 tsc_khz;
void udelay(u64 us);
void ndelay(u64 ns);
u64 tsc_to_us(u64 cycles);
u64 us_to_tsc(u64 us);
u64 now_us(void);            /* monotonic, since calibration */

#endif
