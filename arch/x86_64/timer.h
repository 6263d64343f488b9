#ifndef ARCH_X86_64_TIMER_H
#define ARCH_X86_64_TIMER_H

#include "kernel/types.h"

/* Calibrate the TSC against the PIT (channel 2, no interrupts); returns kHz.
 * Under Bochs the TSC counts emulated instructions (FACTS.md): calibrating
 * against the emulated PIT is what makes delays right there. */
u64 timer_calibrate(void);
extern u64 tsc_khz;
void udelay(u64 us);
void ndelay(u64 ns);
u64 tsc_to_us(u64 cycles);
u64 us_to_tsc(u64 us);
u64 now_us(void);            /* monotonic, since calibration */

#endif
