/* TSC calibration against a real counter (see tsc_calib.h).
 *
 * One run: read the TSC, the counter, the TSC again (a "bracketed" sample),
 * keep sampling and summing the counter's steps modulo 2^bits until the
 * counter has moved window_us worth of ticks, then divide. A run is thrown
 * away when
 *  - its end points' brackets together last more than 1/256 of the run
 *    (the CPU, or an emulator's thread, was interrupted between the reads:
 *    we cannot tell when inside that pause the counter was sampled, so the
 *    figure could be more than 0.4% off), or
 *  - two samples are so far apart that the counter could have wrapped
 *    unseen between them (a 16-bit PIT wraps every 55 ms).
 * The result is the median of `runs` good runs. Every loop is bounded by a
 * read count, so a counter that does not count costs probe_reads reads. */
#include "arch/x86_64/tsc_calib.h"
#include "kernel/format.h"
#include "kernel/sort.h"

const struct tsc_params tsc_params_default = {
	.window_us = 10000,	/* 10 ms: 11932 PIT ticks, 35795 PM timer ticks */
	.runs = 5,
	.max_tries = 16,
	.probe_reads = 2000,	/* ~2 ms of port reads on hardware */
	.stall_reads = 2000,
};

#define BRACKET_PER_RUN 256	/* both end points' brackets within 1/256 of the run: 0.4% */
#define READS_PER_TICK_MAX 16	/* a run reading more than this per tick of window: give up */

static u64 mask_of(u8 bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* a * b / c without overflow for a < 2^64, b <= 2^32, 0 < c < 2^32; false if the result overflows */
static bool muldiv(u64 a, u64 b, u64 c, u64 *out)
{
	u64 q = a / c, r = a % c;
	if (b && q > ~0ULL / b)
		return false;
	u64 hi = q * b, lo = r * b / c;	/* r < 2^32, b <= 2^32: r * b < 2^64 */
	if (hi > ~0ULL - lo)
		return false;
	*out = hi + lo;
	return true;
}

struct sample {
	u64 before, after, value;
};

static struct sample sample(const struct tsc_counter *c, const struct tsc_clock *t, u64 mask)
{
	struct sample s;
	s.before = t->read(t->ctx);
	s.value = c->read(c->ctx) & mask;
	s.after = t->read(t->ctx);
	return s;
}

static u64 width(const struct sample *s)
{
	return s->after - s->before;
}

enum run_result { RUN_OK, RUN_STALLED, RUN_BRACKET, RUN_GAP, RUN_SLOW, RUN_IMPLAUSIBLE };

/* One measurement. */
static enum run_result one_run(const struct tsc_counter *c, const struct tsc_clock *t,
			       const struct tsc_params *p, struct tsc_measurement *out, u64 *khz)
{
	u64 mask = mask_of(c->bits);
	u64 target = 1;
	muldiv(c->hz, p->window_us, 1000000, &target);	/* checked by tsc_measure */
	if (!target)
		target = 1;
	u64 max_reads = target * READS_PER_TICK_MAX + p->stall_reads;
	struct sample s0 = sample(c, t, mask), prev = s0, s = s0;
	u64 ticks = 0, max_gap = 0, gap_d = 0, reads = 1;
	u32 same = 0;
	while (ticks < target) {
		if (reads >= max_reads) {
			out->reads += reads;
			return RUN_SLOW;
		}
		s = sample(c, t, mask);
		reads++;
		u64 d = (s.value - prev.value) & mask;
		if (d > 0xffffffffULL) {
			out->reads += reads;
			return RUN_IMPLAUSIBLE;	/* a jump of 2^32 ticks in one read: not a steady clock */
		}
		if (!d) {
			if (++same >= p->stall_reads) {
				out->reads += reads;
				out->stuck_value = s.value;
				return RUN_STALLED;
			}
		} else {
			same = 0;
		}
		if (s.after - prev.after > max_gap) {
			max_gap = s.after - prev.after;
			gap_d = d;
		}
		ticks += d;
		prev = s;
	}
	out->reads += reads;
	/* midpoint to midpoint: ((s.before + s.after) - (s0.before + s0.after)) / 2 */
	u64 dt = ((s.before - s0.before) + (s.after - s0.after)) / 2;
	if (!dt)
		return RUN_IMPLAUSIBLE;
	if (ticks > 0xffffffffULL)
		return RUN_IMPLAUSIBLE;	/* the counter jumped: not a steady clock */
	/* A pause longer than a quarter of the wrap period could hide a whole
	 * wrap. Its length in ticks is estimated from the rest of the run (the
	 * ticks counted across the pause may be short by the lost wraps):
	 * max_gap * (ticks - gap_d) / (dt - max_gap) >= 2^bits / 4, compared in
	 * 128 bits (a multiply only: no libgcc call). */
	if (c->bits < 64 && (max_gap >= dt || ticks == gap_d ||
	    (unsigned __int128)max_gap * (ticks - gap_d) >= (unsigned __int128)(mask >> 2) * (dt - max_gap)))
		return RUN_GAP;
	u64 hz;
	if (!muldiv(dt, c->hz, ticks, &hz))	/* TSC Hz = dt * counter Hz / ticks */
		return RUN_IMPLAUSIBLE;
	*khz = hz / 1000;
	if (*khz < TSC_KHZ_MIN || *khz > TSC_KHZ_MAX)
		return RUN_IMPLAUSIBLE;	/* outside 10 MHz..20 GHz, whatever the brackets say */
	if (width(&s0) + width(&s) > dt / BRACKET_PER_RUN)
		return RUN_BRACKET;
	return RUN_OK;
}

static void measure(const struct tsc_counter *c, const struct tsc_clock *t, const struct tsc_params *p,
		    struct tsc_measurement *out)
{
	*out = (struct tsc_measurement){ .status = TSC_MEAS_OK };
	if (!p)
		p = &tsc_params_default;
	u64 target = 0;
	if (!c->hz || c->hz > TSC_COUNTER_HZ_MAX || !c->bits || c->bits > 64 ||
	    !muldiv(c->hz, p->window_us, 1000000, &target) || target > 0xffffffffULL / 2 ||
	    target >= mask_of(c->bits) >> 2) {	/* a window under a quarter of the wrap period */
		out->status = TSC_MEAS_BAD_COUNTER;
		return;
	}
	u64 mask = mask_of(c->bits);

	/* the probe: does it count at all? */
	struct sample s = sample(c, t, mask);
	u64 v0 = s.value;
	bool moved = false;
	out->reads = 1;
	for (u32 i = 0; i < p->probe_reads && !moved; i++) {
		s = sample(c, t, mask);
		out->reads++;
		moved = s.value != v0;
	}
	if (!moved) {
		out->status = TSC_MEAS_STUCK;
		out->stuck_value = v0;
		return;
	}

	u64 good[TSC_MAX_TRIES];
	u32 tries = p->max_tries < TSC_MAX_TRIES ? p->max_tries : TSC_MAX_TRIES;
	u32 implausible = 0;
	while (out->tried < tries && out->good < p->runs) {
		u64 khz = 0;
		out->tried++;
		switch (one_run(c, t, p, out, &khz)) {
		case RUN_OK:
			good[out->good++] = khz;
			break;
		case RUN_STALLED:
			out->status = TSC_MEAS_STALLED;
			return;
		case RUN_BRACKET:
			out->rejected_bracket++;
			break;
		case RUN_GAP:
		case RUN_SLOW:
			out->rejected_gap++;
			break;
		case RUN_IMPLAUSIBLE:
			implausible++;
			out->khz = khz;
			break;
		}
	}
	u32 need = p->runs < 3 ? p->runs : 3;
	if (out->good < need || !out->good) {
		out->status = implausible > out->rejected_bracket + out->rejected_gap ?
			TSC_MEAS_IMPLAUSIBLE : TSC_MEAS_UNSTABLE;
		return;
	}
	sort_u64(good, out->good);
	out->khz = good[out->good / 2];
	out->khz_min = good[0];
	out->khz_max = good[out->good - 1];
}

void tsc_measure(const struct tsc_counter *c, const struct tsc_clock *t, const struct tsc_params *p,
		 struct tsc_measurement *out)
{
	u64 t0 = t->read(t->ctx);
	measure(c, t, p, out);
	out->tsc_cycles = t->read(t->ctx) - t0;
}

u64 tsc_cpuid15_khz(u32 eax, u32 ebx, u32 ecx)
{
	if (!eax || !ebx || !ecx)
		return 0;
	return (u64)ecx * ebx / eax / 1000;
}

u64 tsc_cpuid16_khz(u32 eax)
{
	return (u64)(eax & 0xffff) * 1000;
}

static bool plausible(u64 khz)
{
	return khz >= TSC_KHZ_MIN && khz <= TSC_KHZ_MAX;
}

struct tsc_choice tsc_choose(const struct tsc_measurement *m, u64 cpuid15_khz, u64 cpuid16_khz)
{
	struct tsc_choice ch = { .source = TSC_SRC_GUESS, .khz = TSC_KHZ_GUESS };
	if (plausible(cpuid15_khz)) {
		ch.cpuid_leaf = 0x15;
		ch.cpuid_khz = cpuid15_khz;
	} else if (plausible(cpuid16_khz)) {
		ch.cpuid_leaf = 0x16;
		ch.cpuid_khz = cpuid16_khz;
	}
	for (int i = 0; i < TSC_SRC_COUNTERS; i++) {
		if (m[i].status != TSC_MEAS_OK || !plausible(m[i].khz))
			continue;
		ch.source = (enum tsc_src)i;
		ch.khz = m[i].khz;
		if (ch.cpuid_leaf) {
			u64 d = ch.cpuid_khz > ch.khz ? ch.cpuid_khz - ch.khz : ch.khz - ch.cpuid_khz;
			u64 pm = d * 1000 / ch.khz;	/* d < 2^25, no overflow */
			ch.off_permille = pm > 0xffffffffULL ? 0xffffffffU : (u32)pm;
			ch.cpuid_overruled = d * 1000 > (u64)TSC_CPUID_MAX_PERMILLE * ch.khz;
		}
		return ch;
	}
	if (ch.cpuid_leaf) {
		ch.source = ch.cpuid_leaf == 0x15 ? TSC_SRC_CPUID15 : TSC_SRC_CPUID16;
		ch.khz = ch.cpuid_khz;
	}
	return ch;
}

const char *tsc_src_name(enum tsc_src s)
{
	switch (s) {
	case TSC_SRC_HPET: return "HPET";
	case TSC_SRC_PMTMR: return "ACPI PM timer";
	case TSC_SRC_PIT: return "PIT";
	case TSC_SRC_CPUID15: return "CPUID 0x15";
	case TSC_SRC_CPUID16: return "CPUID 0x16";
	case TSC_SRC_GUESS: return "1 GHz guess";
	}
	return "?";
}

void tsc_describe_choice(const struct tsc_choice *c, char *buf, size_t size)
{
	if (c->source < TSC_SRC_COUNTERS) {
		const char *name = tsc_src_name(c->source);
		int n = ksnprintf(buf, size, "TSC %lu kHz, calibrated against the %s", c->khz, name);
		size_t at = n < 0 ? 0 : (size_t)n < size ? (size_t)n : size;
		if (!c->cpuid_leaf)
			ksnprintf(buf + at, size - at, "; CPUID 0x15/0x16 give no frequency to cross-check");
		else if (c->cpuid_overruled)
			ksnprintf(buf + at, size - at, "; CPUID 0x%x claims %lu kHz, %u.%u%% off: the %s wins",
				  c->cpuid_leaf, c->cpuid_khz, c->off_permille / 10, c->off_permille % 10, name);
		else
			ksnprintf(buf + at, size - at, "; CPUID 0x%x claims %lu kHz, within 2%% (%u.%u%% off)",
				  c->cpuid_leaf, c->cpuid_khz, c->off_permille / 10, c->off_permille % 10);
		return;
	}
	if (c->source == TSC_SRC_GUESS)
		ksnprintf(buf, size, "TSC %lu kHz, a 1 GHz guess: no counter (HPET, ACPI PM timer, PIT) gave a "
			  "plausible measurement and CPUID 0x15/0x16 give no frequency (delays may be wrong)",
			  c->khz);
	else
		ksnprintf(buf, size, "TSC %lu kHz from %s: no counter (HPET, ACPI PM timer, PIT) gave a "
			  "plausible measurement, so the CPU's claim is used unchecked", c->khz,
			  tsc_src_name(c->source));
}

static const char *status_text(enum tsc_meas_status s)
{
	switch (s) {
	case TSC_MEAS_ABSENT: return "absent";
	case TSC_MEAS_OK: return "ok";
	case TSC_MEAS_STUCK: return "not counting";
	case TSC_MEAS_STALLED: return "stopped counting";
	case TSC_MEAS_UNSTABLE: return "unstable";
	case TSC_MEAS_IMPLAUSIBLE: return "implausible";
	case TSC_MEAS_BAD_COUNTER: return "bad frequency or width";
	}
	return "?";
}

/* ", 52 ms" / ", 2100 us" for a measurement that ran; "" without a rate */
static void took(const struct tsc_measurement *x, u64 tsc_khz, char *buf, size_t size)
{
	buf[0] = 0;
	if (!tsc_khz || x->status == TSC_MEAS_ABSENT || x->status == TSC_MEAS_BAD_COUNTER)
		return;
	u64 us = x->tsc_cycles / tsc_khz * 1000 + x->tsc_cycles % tsc_khz * 1000 / tsc_khz;
	if (us >= 10000)
		ksnprintf(buf, size, ", %lu ms", us / 1000);
	else
		ksnprintf(buf, size, ", %lu us", us);
}

void tsc_describe_sources(const struct tsc_measurement *m, u64 tsc_khz, char *buf, size_t size)
{
	size_t at = 0;
	if (size)
		buf[0] = 0;
	for (int i = 0; i < TSC_SRC_COUNTERS; i++) {
		const struct tsc_measurement *x = &m[i];
		const char *sep = i ? ", " : "";
		const char *name = tsc_src_name((enum tsc_src)i);
		char t[24];
		int n;
		took(x, tsc_khz, t, sizeof(t));
		if (x->status == TSC_MEAS_OK) {
			u64 spread = x->khz ? (x->khz_max - x->khz_min) * 10000 / x->khz : 0;
			n = ksnprintf(buf + at, size - at, "%s%s %lu kHz (%u/%u runs, spread %lu.%02lu%%%s)", sep,
				      name, x->khz, x->good, x->tried, spread / 100, spread % 100, t);
		} else if (x->status == TSC_MEAS_ABSENT) {
			n = ksnprintf(buf + at, size - at, "%s%s absent (%s)", sep, name, x->why ? x->why : "not found");
		} else if (x->status == TSC_MEAS_STUCK || x->status == TSC_MEAS_STALLED) {
			n = ksnprintf(buf + at, size - at, "%s%s %s (reads 0x%lx, %lu reads%s)", sep, name,
				      status_text(x->status), x->stuck_value, x->reads, t);
		} else {
			n = ksnprintf(buf + at, size - at, "%s%s %s (%u of %u runs good, %u interrupted, "
				      "%u with long pauses, last %lu kHz%s)", sep, name, status_text(x->status),
				      x->good, x->tried, x->rejected_bracket, x->rejected_gap, x->khz, t);
		}
		if (n < 0 || (size_t)n >= size - at)
			return;
		at += (size_t)n;
	}
}
