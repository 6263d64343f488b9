/* TSC calibration against a real counter (HPET, ACPI PM timer, PIT) with
 * CPUID 0x15/0x16 as a cross-check only. Pure logic: the counters and the TSC
 * are read through callbacks, so the host tests feed fake clocks (a gated
 * PIT, a PM timer that wraps, a 32-bit HPET) to the very same code. */
#ifndef ARCH_X86_64_TSC_CALIB_H
#define ARCH_X86_64_TSC_CALIB_H

#include "kernel/types.h"

/* The sources in order of preference; the counters come first. */
enum tsc_src {
	TSC_SRC_HPET,
	TSC_SRC_PMTMR,
	TSC_SRC_PIT,
	TSC_SRC_COUNTERS,		/* number of counters */
	TSC_SRC_CPUID15 = TSC_SRC_COUNTERS,
	TSC_SRC_CPUID16,
	TSC_SRC_GUESS,			/* 1 GHz, nothing better */
};

/* Plausible TSC rates: 1 MHz (Bochs ticks at its ips: 5 MHz in tests/emu/bochsrc.in) to 20 GHz. */
#define TSC_KHZ_MIN 1000ULL
#define TSC_KHZ_MAX 20000000ULL
#define TSC_KHZ_GUESS 1000000ULL
#define TSC_COUNTER_HZ_MAX (1ULL << 32)	/* faster counters are refused (arithmetic range) */
#define TSC_CPUID_MAX_PERMILLE 20	/* beyond 2% off the counter, CPUID is overruled */
#define TSC_MAX_TRIES 16

/* A free-running counter counting up, wrapping at 2^bits. */
struct tsc_counter {
	u64 hz;				/* ticks per second */
	u8 bits;			/* 16 (PIT), 24/32 (PM timer), 32/64 (HPET) */
	u64 (*read)(void *ctx);
	void *ctx;
};

struct tsc_clock {			/* the TSC itself */
	u64 (*read)(void *ctx);
	void *ctx;
};

struct tsc_params {
	u32 window_us;		/* one measurement lasts this long on the counter */
	u32 runs;		/* good measurements wanted; their median is the result */
	u32 max_tries;		/* measurements tried at most (<= TSC_MAX_TRIES) */
	u32 probe_reads;	/* reads for the counter to move at all, else "not counting" */
	u32 stall_reads;	/* reads in a row without a change mid-measurement: it stopped */
};
extern const struct tsc_params tsc_params_default;

enum tsc_meas_status {
	TSC_MEAS_ABSENT,	/* not measured: the kernel found no such counter (why says why) */
	TSC_MEAS_OK,
	TSC_MEAS_STUCK,		/* never moved in probe_reads reads (a gated PIT reads 0xff) */
	TSC_MEAS_STALLED,	/* moved, then stopped for stall_reads reads */
	TSC_MEAS_UNSTABLE,	/* too few runs passed the checks (interrupted, wrapped unseen) */
	TSC_MEAS_IMPLAUSIBLE,	/* the runs gave a TSC rate outside TSC_KHZ_MIN..MAX */
	TSC_MEAS_BAD_COUNTER,	/* hz 0 or above TSC_COUNTER_HZ_MAX, or bits not 1..64 */
};

struct tsc_measurement {
	enum tsc_meas_status status;
	const char *why;	/* ABSENT: the kernel's reason ("no HPET table"); may be NULL */
	u64 khz;		/* median of the good runs (OK); else the last run's figure or 0 */
	u64 khz_min, khz_max;	/* over the good runs */
	u32 good, tried;	/* runs that passed the checks, runs measured */
	u32 rejected_bracket;	/* runs whose end points were read slowly (interrupted) */
	u32 rejected_gap;	/* runs with a pause long enough to hide a wrap-around */
	u64 stuck_value;	/* STUCK/STALLED: the value the counter kept */
	u64 reads;		/* counter reads in all */
	u64 tsc_cycles;		/* TSC cycles the whole measurement took (probe included) */
};

/* Measures the TSC rate against counter c (a bounded number of reads: a
 * counter that does not count costs probe_reads reads). p NULL: defaults. */
void tsc_measure(const struct tsc_counter *c, const struct tsc_clock *tsc, const struct tsc_params *p,
		 struct tsc_measurement *out);

/* CPUID claims in kHz, 0 when the leaf does not give one.
 * 0x15: EAX denominator, EBX numerator, ECX crystal Hz. 0x16: EAX[15:0] base MHz. */
u64 tsc_cpuid15_khz(u32 eax, u32 ebx, u32 ecx);
u64 tsc_cpuid16_khz(u32 eax);

struct tsc_choice {
	enum tsc_src source;
	u64 khz;		/* what the kernel uses */
	u32 cpuid_leaf;		/* 0x15, 0x16, or 0 when CPUID claims nothing plausible */
	u64 cpuid_khz;		/* its claim */
	u32 off_permille;	/* |counter - claim| / counter, in 0.1% (counter sources only) */
	bool cpuid_overruled;	/* off by more than TSC_CPUID_MAX_PERMILLE: the counter wins */
};

/* The best counter measured OK (HPET, then PM timer, then PIT), cross-checked
 * against CPUID 0x15 (else 0x16); with no counter, CPUID 0x15, then 0x16,
 * then the 1 GHz guess. m holds TSC_SRC_COUNTERS entries. */
struct tsc_choice tsc_choose(const struct tsc_measurement *m, u64 cpuid15_khz, u64 cpuid16_khz);

/* "HPET", "ACPI PM timer", "PIT", "CPUID 0x15", ... */
const char *tsc_src_name(enum tsc_src s);

/* The text of the kernel's `timer:` lines (without the prefix), NUL-terminated:
 * the choice ("TSC N kHz, calibrated against the HPET; CPUID ... ") and the
 * figure of every counter ("HPET N kHz (5/5 runs, spread 0.01%, 52 ms), ...");
 * tsc_khz (the chosen rate) turns each measurement's cycles into time, 0: none. */
void tsc_describe_choice(const struct tsc_choice *c, char *buf, size_t size);
void tsc_describe_sources(const struct tsc_measurement *m, u64 tsc_khz, char *buf, size_t size);

#endif
