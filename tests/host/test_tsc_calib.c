/* Host tests of arch/x86_64/tsc_calib.c: the TSC measured against fake
 * counters driven by one simulated clock. Each read costs simulated time;
 * the counters are the real shapes: a 16-bit PIT, a 24-bit PM timer that
 * wraps mid-measurement, a 32-bit HPET, a gated PIT that reads the same
 * value forever, a counter that stops, one that jumps, and pauses that hit
 * a measurement's end points or hide a PIT wrap-around. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/tsc_calib.h"

struct world {
	u64 t_ps;		/* simulated time, picoseconds */
	u64 tsc_khz;		/* the true TSC rate */
	u64 tsc_cost_ps;	/* one TSC read */
	u64 read_cost_ps;	/* one counter read */
	u64 jitter_ps;		/* extra 0..jitter per counter read (LCG) */
	u64 lcg;
	u64 reads;		/* counter reads so far */
	u64 pause_read;		/* this counter read (1-based) is paused before sampling; 0 = never */
	u64 pause_ps;
};

enum kind { STEADY, GATED, STOPS, JUMPS };

struct fake {
	struct world *w;
	enum kind kind;
	u64 hz;
	u8 bits;
	u64 start;		/* value at t = 0 */
	u64 stop_after;		/* STOPS: reads before it freezes */
	u64 frozen;
};

static u64 lcg(struct world *w)
{
	w->lcg = w->lcg * 6364136223846793005ULL + 1442695040888963407ULL;
	return w->lcg >> 33;
}

static u64 tsc_read(void *ctx)
{
	struct world *w = ctx;
	w->t_ps += w->tsc_cost_ps / 2;
	u64 v = (u64)((unsigned __int128)w->t_ps * w->tsc_khz / 1000000000ULL);
	w->t_ps += w->tsc_cost_ps - w->tsc_cost_ps / 2;
	return v;
}

static u64 fake_read(void *ctx)
{
	struct fake *f = ctx;
	struct world *w = f->w;
	u64 mask = f->bits >= 64 ? ~0ULL : (1ULL << f->bits) - 1;
	w->reads++;
	if (w->pause_read && w->reads == w->pause_read)
		w->t_ps += w->pause_ps;
	u64 cost = w->read_cost_ps + (w->jitter_ps ? lcg(w) % w->jitter_ps : 0);
	w->t_ps += cost / 2;
	u64 v = f->start + (u64)((unsigned __int128)w->t_ps * f->hz / 1000000000000ULL);
	w->t_ps += cost - cost / 2;
	switch (f->kind) {
	case STEADY:
		break;
	case GATED:
		v = f->frozen;
		break;
	case STOPS:
		if (w->reads == f->stop_after)
			f->frozen = v;
		if (w->reads >= f->stop_after)
			v = f->frozen;
		break;
	case JUMPS:
		v = lcg(w) << 31 ^ lcg(w);
		break;
	}
	return v & mask;
}

static struct world world(u64 tsc_khz, u64 read_cost_ps)
{
	return (struct world){ .t_ps = 123456789, .tsc_khz = tsc_khz, .tsc_cost_ps = 20000,
			       .read_cost_ps = read_cost_ps, .lcg = 42 };
}

static struct tsc_measurement measure(struct world *w, struct fake *f)
{
	struct tsc_counter c = { .hz = f->hz, .bits = f->bits, .read = fake_read, .ctx = f };
	struct tsc_clock t = { .read = tsc_read, .ctx = w };
	struct tsc_measurement m;
	tsc_measure(&c, &t, NULL, &m);
	return m;
}

/* within ppm parts per million of the truth */
static void assert_close(u64 got, u64 want, u64 ppm)
{
	u64 d = got > want ? got - want : want - got;
	if (d * 1000000 > want * ppm)
		fail_msg("got %lu kHz, want %lu kHz within %lu ppm (off by %lu ppm)", (unsigned long)got,
			 (unsigned long)want, (unsigned long)ppm, (unsigned long)(d * 1000000 / want));
}

static void hpet_64bit_measures_the_tsc(void **state)
{
	(void)state;
	struct world w = world(2494312, 700000);
	struct fake f = { .w = &w, .hz = 14318180, .bits = 64, .start = 5 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_int_equal(m.good, 5);
	assert_int_equal(m.tried, 5);
	assert_close(m.khz, 2494312, 100);
	assert_true(m.khz_min <= m.khz && m.khz <= m.khz_max);
}

static void hpet_32bit_counter_wraps_and_still_measures(void **state)
{
	(void)state;
	/* 32 bits at 14.318 MHz wrap every 300 s: start 1 ms before the wrap */
	struct world w = world(3000000, 700000);
	struct fake f = { .w = &w, .hz = 14318180, .bits = 32, .start = 0xffffffffULL - 14318 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_close(m.khz, 3000000, 100);
	/* the same counter taken as 64 bits sees a jump of 2^32 ticks: never a figure */
	struct world w2 = world(3000000, 700000);
	struct fake f2 = f;
	f2.w = &w2;
	struct tsc_counter c = { .hz = f2.hz, .bits = 64, .read = fake_read, .ctx = &f2 };
	struct tsc_clock t = { .read = tsc_read, .ctx = &w2 };
	struct tsc_measurement m2;
	tsc_measure(&c, &t, NULL, &m2);
	/* read as 64 bits it goes back to 0 at the wrap: that run is thrown away, not used */
	assert_int_equal(m2.status, TSC_MEAS_OK);
	assert_int_equal(m2.tried, m2.good + 1);
	assert_close(m2.khz_min, 3000000, 100);
	assert_close(m2.khz_max, 3000000, 100);
}

static void pm_timer_wraps_mid_measurement(void **state)
{
	(void)state;
	/* 24 bits at 3.579545 MHz: 16 ms before the wrap, in the middle of the runs */
	struct world w = world(2000000, 1000000);
	struct fake f = { .w = &w, .hz = 3579545, .bits = 24, .start = 0xffffffULL - 3579545 / 60 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_close(m.khz, 2000000, 100);
}

static void pit_16bit_measures_bochs_rate(void **state)
{
	(void)state;
	/* Bochs: a 50 MHz TSC (its ips), three port reads per PIT sample */
	struct world w = world(50000, 2000000);
	w.tsc_cost_ps = 200000;
	struct fake f = { .w = &w, .hz = 1193182, .bits = 16, .start = 0xfff0 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_close(m.khz, 50000, 300);
}

static void pit_16bit_measures_slow_bochs_rate(void **state)
{
	(void)state;
	/* the scripts' Bochs: a 5 MHz TSC (ips=5000000), three port reads per PIT sample */
	struct world w = world(5000, 2000000);
	w.tsc_cost_ps = 200000;
	struct fake f = { .w = &w, .hz = 1193182, .bits = 16, .start = 0xfff0 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_close(m.khz, 5000, 300);
	/* below 1 MHz is no TSC of any x86-64 machine or emulator setting we know: refused */
	struct world v = world(900, 2000000);
	struct fake g = { .w = &v, .hz = 1193182, .bits = 16, .start = 0xfff0 };
	assert_int_equal(measure(&v, &g).status, TSC_MEAS_IMPLAUSIBLE);
}

static void gated_pit_costs_only_the_probe(void **state)
{
	(void)state;
	/* no 8254 (or a clock-gated one): port 0x42 reads 0xff, i.e. count 0xffff, up-value 1 */
	struct world w = world(2000000, 1000000);
	struct fake f = { .w = &w, .kind = GATED, .hz = 1193182, .bits = 16, .frozen = 1 };
	u64 t0 = w.t_ps;
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_STUCK);
	assert_int_equal(m.stuck_value, 1);
	assert_int_equal(m.reads, tsc_params_default.probe_reads + 1);
	/* at 1 us a read, the whole probe is about 2 ms, and tsc_cycles says so (2 GHz TSC) */
	assert_true(w.t_ps - t0 < 5000000000ULL);
	assert_true(m.tsc_cycles > 2000000 * 2 && m.tsc_cycles < 2000000 * 5);
}

static void counter_that_stops_is_reported(void **state)
{
	(void)state;
	struct world w = world(2000000, 1000000);
	struct fake f = { .w = &w, .kind = STOPS, .hz = 3579545, .bits = 24, .stop_after = 20000 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_STALLED);
	assert_int_not_equal(m.stuck_value, 0);
}

static void jumping_counter_gives_no_figure(void **state)
{
	(void)state;
	struct world w = world(2000000, 1000000);
	struct fake f = { .w = &w, .kind = JUMPS, .hz = 14318180, .bits = 64 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_not_equal(m.status, TSC_MEAS_OK);
	struct world w2 = world(2000000, 1000000);
	struct fake f2 = { .w = &w2, .kind = JUMPS, .hz = 3579545, .bits = 24 };
	m = measure(&w2, &f2);
	assert_int_not_equal(m.status, TSC_MEAS_OK);
}

static void interrupted_end_point_is_rejected(void **state)
{
	(void)state;
	/* a 5 ms pause inside the very first sample of run 1 (read 3: the probe
	 * saw the counter move at read 2); with it, that run would be 50% off */
	struct world w = world(2000000, 1000000);
	w.pause_read = 3;
	w.pause_ps = 5000000000ULL;
	struct fake f = { .w = &w, .hz = 3579545, .bits = 24 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_int_equal(m.rejected_bracket, 1);
	assert_int_equal(m.good, 5);
	assert_int_equal(m.tried, 6);
	assert_close(m.khz_min, 2000000, 300);
	assert_close(m.khz_max, 2000000, 300);
}

static void pause_hiding_a_pit_wrap_is_rejected(void **state)
{
	(void)state;
	/* 60 ms in the middle of run 1: the 16-bit PIT wraps (55 ms) unseen */
	struct world w = world(2000000, 3000000);
	w.pause_read = 500;
	w.pause_ps = 60000000000ULL;
	struct fake f = { .w = &w, .hz = 1193182, .bits = 16 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_int_equal(m.rejected_gap, 1);
	assert_close(m.khz_min, 2000000, 300);
	assert_close(m.khz_max, 2000000, 300);
}

static void jittery_reads_still_agree(void **state)
{
	(void)state;
	struct world w = world(2494312, 500000);
	w.jitter_ps = 2000000;
	struct fake f = { .w = &w, .hz = 100000000, .bits = 64 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_close(m.khz, 2494312, 500);
}

static void tsc_slower_than_counter(void **state)
{
	(void)state;
	/* a 10 MHz TSC against QEMU's 100 MHz HPET */
	struct world w = world(10000, 500000);
	w.tsc_cost_ps = 1000000;
	struct fake f = { .w = &w, .hz = 100000000, .bits = 64 };
	struct tsc_measurement m = measure(&w, &f);
	assert_int_equal(m.status, TSC_MEAS_OK);
	assert_close(m.khz, 10000, 2000);
}

static void implausible_rate_and_bad_counters(void **state)
{
	(void)state;
	/* a "PM timer" that really runs 1000x faster than its claim: a 500 MHz TSC seems 500 kHz */
	struct world w = world(500000, 1000000);
	struct fake f = { .w = &w, .hz = 3579545000ULL, .bits = 32 };
	struct tsc_counter c = { .hz = 3579545, .bits = 32, .read = fake_read, .ctx = &f };
	struct tsc_clock t = { .read = tsc_read, .ctx = &w };
	struct tsc_measurement m;
	tsc_measure(&c, &t, NULL, &m);
	assert_int_equal(m.status, TSC_MEAS_IMPLAUSIBLE);
	assert_int_equal(m.good, 0);
	c.hz = 0;
	tsc_measure(&c, &t, NULL, &m);
	assert_int_equal(m.status, TSC_MEAS_BAD_COUNTER);
	c.hz = 1ULL << 33;
	tsc_measure(&c, &t, NULL, &m);
	assert_int_equal(m.status, TSC_MEAS_BAD_COUNTER);
	c.hz = 3579545;
	c.bits = 0;
	tsc_measure(&c, &t, NULL, &m);
	assert_int_equal(m.status, TSC_MEAS_BAD_COUNTER);
}

static void cpuid_leaves_decode(void **state)
{
	(void)state;
	/* 38.4 MHz crystal x 78 / 2: the 1497600 kHz Bochs corei7_icelake_u claims */
	assert_int_equal(tsc_cpuid15_khz(2, 78, 38400000), 1497600);
	assert_int_equal(tsc_cpuid15_khz(0, 78, 38400000), 0);
	assert_int_equal(tsc_cpuid15_khz(2, 78, 0), 0);
	assert_int_equal(tsc_cpuid16_khz(0x0dac), 3500000);
	assert_int_equal(tsc_cpuid16_khz(0xffff0000), 0);
}

static struct tsc_measurement ok(u64 khz)
{
	return (struct tsc_measurement){ .status = TSC_MEAS_OK, .khz = khz, .khz_min = khz, .khz_max = khz,
					 .good = 5, .tried = 5 };
}

static void choice_prefers_hpet_then_pm_then_pit(void **state)
{
	(void)state;
	struct tsc_measurement m[TSC_SRC_COUNTERS] = { ok(2000100), ok(2000200), ok(2000300) };
	struct tsc_choice c = tsc_choose(m, 0, 0);
	assert_int_equal(c.source, TSC_SRC_HPET);
	assert_int_equal(c.khz, 2000100);
	m[TSC_SRC_HPET] = (struct tsc_measurement){ .status = TSC_MEAS_ABSENT, .why = "no HPET table" };
	c = tsc_choose(m, 0, 0);
	assert_int_equal(c.source, TSC_SRC_PMTMR);
	assert_int_equal(c.khz, 2000200);
	m[TSC_SRC_PMTMR].status = TSC_MEAS_UNSTABLE;
	c = tsc_choose(m, 0, 0);
	assert_int_equal(c.source, TSC_SRC_PIT);
	m[TSC_SRC_PIT] = (struct tsc_measurement){ .status = TSC_MEAS_STUCK, .stuck_value = 1 };
	c = tsc_choose(m, 1497600, 1500000);
	assert_int_equal(c.source, TSC_SRC_CPUID15);
	assert_int_equal(c.khz, 1497600);
	c = tsc_choose(m, 0, 1500000);
	assert_int_equal(c.source, TSC_SRC_CPUID16);
	c = tsc_choose(m, 5, 0);	/* implausible claims are no claims */
	assert_int_equal(c.source, TSC_SRC_GUESS);
	assert_int_equal(c.khz, TSC_KHZ_GUESS);
}

static void cpuid_cross_check_overruled_beyond_2_percent(void **state)
{
	(void)state;
	/* Bochs Icelake: the TSC runs at ips (50 MHz), 0x15 claims 1497.6 MHz */
	struct tsc_measurement m[TSC_SRC_COUNTERS] = { ok(50001), ok(50000), ok(50002) };
	struct tsc_choice c = tsc_choose(m, 1497600, 1500000);
	assert_int_equal(c.source, TSC_SRC_HPET);
	assert_int_equal(c.khz, 50001);
	assert_int_equal(c.cpuid_leaf, 0x15);
	assert_true(c.cpuid_overruled);
	char buf[300];
	tsc_describe_choice(&c, buf, sizeof(buf));
	assert_string_equal(buf, "TSC 50001 kHz, calibrated against the HPET; CPUID 0x15 claims 1497600 kHz, "
			    "2895.1% off: the HPET wins");
	/* 1.9% off agrees, 2.1% off does not */
	m[0] = ok(1000000);
	c = tsc_choose(m, 1019000, 0);
	assert_false(c.cpuid_overruled);
	assert_int_equal(c.off_permille, 19);
	tsc_describe_choice(&c, buf, sizeof(buf));
	assert_string_equal(buf, "TSC 1000000 kHz, calibrated against the HPET; CPUID 0x15 claims 1019000 kHz, "
			    "within 2% (1.9% off)");
	c = tsc_choose(m, 0, 979000);
	assert_true(c.cpuid_overruled);
	assert_int_equal(c.cpuid_leaf, 0x16);
}

static void describe_lines(void **state)
{
	(void)state;
	char buf[400];
	struct tsc_measurement m[TSC_SRC_COUNTERS] = {
		{ .status = TSC_MEAS_ABSENT, .why = "no HPET table" },
		ok(2494312),
		{ .status = TSC_MEAS_STUCK, .stuck_value = 1, .reads = 2001 },
	};
	m[1].khz_min = 2494000;
	m[1].khz_max = 2494500;
	tsc_describe_sources(m, 0, buf, sizeof(buf));
	assert_string_equal(buf, "HPET absent (no HPET table), ACPI PM timer 2494312 kHz (5/5 runs, spread 0.02%), "
			    "PIT not counting (reads 0x1, 2001 reads)");
	m[1].tsc_cycles = 2494312ULL * 52;	/* 52 ms */
	m[2].tsc_cycles = 2494312ULL * 21 / 10;	/* 2.1 ms */
	tsc_describe_sources(m, 2494312, buf, sizeof(buf));
	assert_string_equal(buf, "HPET absent (no HPET table), ACPI PM timer 2494312 kHz (5/5 runs, spread 0.02%, "
			    "52 ms), PIT not counting (reads 0x1, 2001 reads, 2099 us)");
	struct tsc_choice c = tsc_choose(m, 0, 0);
	tsc_describe_choice(&c, buf, sizeof(buf));
	assert_string_equal(buf, "TSC 2494312 kHz, calibrated against the ACPI PM timer; "
			    "CPUID 0x15/0x16 give no frequency to cross-check");
	m[1].status = TSC_MEAS_UNSTABLE;
	c = tsc_choose(m, 2000000, 0);
	tsc_describe_choice(&c, buf, sizeof(buf));
	assert_non_null(strstr(buf, "TSC 2000000 kHz from CPUID 0x15: no counter"));
	c = tsc_choose(m, 0, 0);
	tsc_describe_choice(&c, buf, sizeof(buf));
	assert_non_null(strstr(buf, "TSC 1000000 kHz, a 1 GHz guess"));
	/* a small buffer is cut, NUL-terminated */
	char small[20];
	tsc_describe_sources(m, 0, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hpet_64bit_measures_the_tsc),
		cmocka_unit_test(hpet_32bit_counter_wraps_and_still_measures),
		cmocka_unit_test(pm_timer_wraps_mid_measurement),
		cmocka_unit_test(pit_16bit_measures_bochs_rate),
		cmocka_unit_test(gated_pit_costs_only_the_probe),
		cmocka_unit_test(counter_that_stops_is_reported),
		cmocka_unit_test(jumping_counter_gives_no_figure),
		cmocka_unit_test(interrupted_end_point_is_rejected),
		cmocka_unit_test(pause_hiding_a_pit_wrap_is_rejected),
		cmocka_unit_test(jittery_reads_still_agree),
		cmocka_unit_test(tsc_slower_than_counter),
		cmocka_unit_test(implausible_rate_and_bad_counters),
		cmocka_unit_test(pit_16bit_measures_slow_bochs_rate),
		cmocka_unit_test(cpuid_leaves_decode),
		cmocka_unit_test(choice_prefers_hpet_then_pm_then_pit),
		cmocka_unit_test(cpuid_cross_check_overruled_beyond_2_percent),
		cmocka_unit_test(describe_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
