/* arch/x86_64/smp_stamps.c: the AP's trampoline entry TSC rebuilt from the
 * low 32 bits the trampoline stores, the stale-SIPI and no-SIPI cases that
 * must give no figure, and the "smp: AP start:" line over the figures the
 * lead measured with a scratch build (16 CPUs, QEMU 7.2 TCG, 2 loaded host
 * cores: sipi->entry 1147, 2921, 3067 us; entry->parked 680, 126, 52 us,
 * the sums of that build's per-step stamps). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/smp_stamps.h"

#define KHZ 2000013ULL                      /* QEMU TCG here: "timer: TSC 2000013 kHz, calibrated against the HPET" */
#define US(x) (((u64)(x) * KHZ + 999) / 1000)   /* us -> TSC cycles, rounded up: back to x us exactly */
#define WINDOW US(SMP_STAMP_WINDOW_US)
#define BOOT_TSC 0x000004a3fffff000ULL      /* a TSC just below a 2^32 boundary: the low half wraps */

/* what smp_await.c does: the AP's low half, rebuilt against its SIPI */
static u64 stamped(u64 sipi, u64 entry)
{
	u64 e = 0;
	assert_true(smp_stamp_entry(sipi, (u32)entry, WINDOW, &e));
	return e;
}

static void entry_is_rebuilt_across_a_low_half_wrap(void **state)
{
	(void)state;
	u64 sipi = BOOT_TSC, entry = BOOT_TSC + US(2921);   /* crosses 0x4a4_0000_0000 */
	assert_true((u32)entry < (u32)sipi);
	assert_int_equal(stamped(sipi, entry), entry);
	assert_int_equal(stamped(sipi, sipi), sipi);        /* at the SIPI itself: 0 us */
}

static void entry_before_its_sipi_gives_no_figure(void **state)
{
	(void)state;
	u64 e = 0xdead;
	/* a stale SIPI's entry, 40 us before the SIPI this CPU was sent */
	assert_false(smp_stamp_entry(BOOT_TSC, (u32)(BOOT_TSC - US(40)), WINDOW, &e));
	assert_int_equal(e, 0xdead);
	/* one cycle before */
	assert_false(smp_stamp_entry(BOOT_TSC, (u32)(BOOT_TSC - 1), WINDOW, &e));
	/* a window near 2^32 cycles (1 s at 5 GHz) is capped, so the wrap still shows */
	assert_false(smp_stamp_entry(BOOT_TSC, (u32)(BOOT_TSC - 5000000), 5000000000ULL, &e));
	assert_false(smp_stamp_entry(BOOT_TSC, (u32)(BOOT_TSC - (1ULL << 30)), 5000000000ULL, &e));
	assert_int_equal(e, 0xdead);
}

static void entry_without_a_sipi_or_too_late_gives_no_figure(void **state)
{
	(void)state;
	u64 e = 0xdead;
	/* smp.lostsipi: no SIPI sent yet, sipi_tsc 0 */
	assert_false(smp_stamp_entry(0, 0x1234, WINDOW, &e));
	/* 1.2 s after the SIPI: not this SIPI's */
	assert_false(smp_stamp_entry(BOOT_TSC, (u32)(BOOT_TSC + US(1200000)), WINDOW, &e));
	assert_int_equal(e, 0xdead);
	assert_true(smp_stamp_entry(BOOT_TSC, (u32)(BOOT_TSC + WINDOW), WINDOW, &e));
	assert_int_equal(e, BOOT_TSC + WINDOW);
}

/* the "smp: AP start:" line the kernel prints for s */
static void line_is(const struct smp_stamp_stats *s, const char *want)
{
	char line[240];
	int len = smp_stamp_describe(s, line, sizeof(line));
	assert_string_equal(line, want);
	assert_int_equal(len, (int)strlen(want));
}

/* the lead's three rows: SIPIs ~10 us apart, entry and parked as measured */
static const u64 to_entry_us[3] = { 1147, 2921, 3067 }, to_parked_us[3] = { 680, 126, 52 };

static u32 lead_rows(struct ap_stamp *v)
{
	for (u32 i = 0; i < 3; i++) {
		v[i].sipi_tsc = BOOT_TSC + US(10 * i);
		v[i].entry_tsc = stamped(v[i].sipi_tsc, v[i].sipi_tsc + US(to_entry_us[i]));
		v[i].parked_tsc = v[i].entry_tsc + US(to_parked_us[i]);
	}
	return 3;
}

static void stats_of_the_lead_rows(void **state)
{
	(void)state;
	struct ap_stamp v[3];
	u64 scratch[3];
	struct smp_stamp_stats s;
	smp_stamp_stats(v, lead_rows(v), KHZ, scratch, &s);
	assert_int_equal(s.aps, 3);
	assert_int_equal(s.to_entry.n, 3);
	assert_int_equal(s.to_entry.min_us, 1147);
	assert_int_equal(s.to_entry.median_us, 2921);
	assert_int_equal(s.to_entry.max_us, 3067);
	assert_int_equal(s.to_parked.n, 3);
	assert_int_equal(s.to_parked.min_us, 52);
	assert_int_equal(s.to_parked.median_us, 126);
	assert_int_equal(s.to_parked.max_us, 680);
	line_is(&s, "smp: AP start: SIPI to the AP's first trampoline instruction median 2921 us "
		    "(1147-3067 us, 3 APs), from there to parked median 126 us (52-680 us, 3 APs)");
}

static void aps_without_a_stamp_or_not_parked_are_left_out(void **state)
{
	(void)state;
	struct ap_stamp v[6];
	u64 scratch[6];
	struct smp_stamp_stats s;
	lead_rows(v);
	v[3] = (struct ap_stamp){ BOOT_TSC, 0, BOOT_TSC + US(5000) };   /* past TR_STAMPS: no stamp */
	v[4] = (struct ap_stamp){ 0, 0, 0 };                            /* smp.nosipi */
	v[5] = v[0];
	v[5].parked_tsc = 0;                                            /* smp.stuckap: entered, never parked */
	v[5].entry_tsc = v[5].sipi_tsc + US(2000);
	smp_stamp_stats(v, 6, KHZ, scratch, &s);
	assert_int_equal(s.aps, 6);
	assert_int_equal(s.to_entry.n, 4);                  /* 1147 2000 2921 3067 */
	assert_int_equal(s.to_entry.median_us, (2000 + 2921) / 2);
	assert_int_equal(s.to_entry.min_us, 1147);
	assert_int_equal(s.to_parked.n, 3);
	line_is(&s, "smp: AP start: SIPI to the AP's first trampoline instruction median 2460 us "
		    "(1147-3067 us, 4 APs), from there to parked median 126 us (52-680 us, 3 APs)");
}

static void no_stamp_is_said_in_words(void **state)
{
	(void)state;
	struct ap_stamp v[3] = { { BOOT_TSC, 0, BOOT_TSC + US(900) }, { 0, 0, 0 }, { BOOT_TSC, 0, 0 } };
	u64 scratch[3];
	struct smp_stamp_stats s;
	smp_stamp_stats(v, 3, KHZ, scratch, &s);
	assert_int_equal(s.to_entry.n, 0);
	assert_int_equal(s.to_parked.n, 0);
	line_is(&s, "smp: AP start: none of the 3 APs has a trampoline entry stamp (a stamp counts when "
		    "one of the first 64 APs to enter did so within 1000 ms after its SIPI)");
}

static void one_ap_stamped_none_parked(void **state)
{
	(void)state;
	struct ap_stamp v[1] = { { BOOT_TSC, BOOT_TSC + US(645), 0 } };
	u64 scratch[1];
	struct smp_stamp_stats s;
	smp_stamp_stats(v, 1, KHZ, scratch, &s);
	const char *line = "smp: AP start: SIPI to the AP's first trampoline instruction median 645 us "
			   "(645-645 us, 1 AP), from there to parked: none of them parked";
	line_is(&s, line);
	/* a short buffer is cut, never overrun, and the full length is still told */
	char small[40];
	assert_int_equal(smp_stamp_describe(&s, small, sizeof(small)), (int)strlen(line));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, line, sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(entry_is_rebuilt_across_a_low_half_wrap),
		cmocka_unit_test(entry_before_its_sipi_gives_no_figure),
		cmocka_unit_test(entry_without_a_sipi_or_too_late_gives_no_figure),
		cmocka_unit_test(stats_of_the_lead_rows),
		cmocka_unit_test(aps_without_a_stamp_or_not_parked_are_left_out),
		cmocka_unit_test(no_stamp_is_said_in_words),
		cmocka_unit_test(one_ap_stamped_none_parked),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
