/* Where an AP's start-up time goes (smp_stamps.c): the trampoline stamps
 * the TSC's low half when an AP executes its first instructions
 * (boot/trampoline.S, tr_stamps), smp_await.c puts the whole entry TSC back,
 * and the figures here split each AP's start into SIPI -> first trampoline
 * instruction (the CPU's or the emulator's own start-up) and from there to
 * parked (our code). Pure: no asm, no printing. */
#ifndef ARCH_X86_64_SMP_STAMPS_H
#define ARCH_X86_64_SMP_STAMPS_H

#define TR_STAMPS 64   /* the first APs to enter get a stamp, by their list index */

#ifndef __ASSEMBLER__
#include "kernel/types.h"

#define SMP_STAMP_WINDOW_US 1000000ULL   /* a stamp later than this after the SIPI is not this SIPI's */

struct ap_stamp {
	u64 sipi_tsc;     /* the boot CPU's first SIPI to it (0: none sent) */
	u64 entry_tsc;    /* its first trampoline instruction (0: no stamp) */
	u64 parked_tsc;   /* online and waiting for work (0: not online) */
};

struct stamp_range {
	u32 n;            /* APs with this figure */
	u64 min_us, median_us, max_us;   /* median of an even count: the mean of the middle two */
};

struct smp_stamp_stats {
	u32 aps;                      /* APs looked at */
	struct stamp_range to_entry;  /* SIPI -> first trampoline instruction */
	struct stamp_range to_parked; /* first trampoline instruction -> parked */
};

/* The 64-bit TSC at which the AP entered, from the low 32 bits it stored
 * and the TSC of its SIPI: sipi_tsc + (u32)(low - (u32)sipi_tsc). True only
 * when that is a figure for this SIPI: a SIPI was sent (sipi_tsc != 0) and
 * the entry is at or after it, within window_tsc (capped at 3 * 2^30 cycles,
 * so an entry up to 2^30 cycles before the SIPI, which wraps to nearly 2^32,
 * never passes). */
bool smp_stamp_entry(u64 sipi_tsc, u32 low, u64 window_tsc, u64 *entry_tsc);

/* min/median/max over the n APs in us (tsc_khz: the TSC's rate); scratch
 * holds n values. An AP counts for to_entry when it has a stamp at or after
 * its SIPI, for to_parked when it also parked at or after the stamp. */
void smp_stamp_stats(const struct ap_stamp *aps, u32 n, u64 tsc_khz, u64 *scratch, struct smp_stamp_stats *out);

/* The "smp: AP start: ..." line (no newline) into buf; returns ksnprintf's
 * length. tools/bench-smp.py and tests/emu/suite.py read it. */
int smp_stamp_describe(const struct smp_stamp_stats *s, char *buf, size_t size);
#endif

#endif
