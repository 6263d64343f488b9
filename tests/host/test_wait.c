/* arch/x86_64/wait_policy.c: how a CPU waits, decided from real CPUID.1:ECX
 * values (Bochs corei7_skylake_x, QEMU 7.2 TCG -cpu max, both read from a
 * boot's `wait:` line or FACTS.md), the self-check failures, and the timer
 * arithmetic with the rates those boots measured. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/wait_policy.h"

#define ECX_BOCHS_SKX 0x77faf3bfu   /* bit 24 set: TSC-deadline */
#define ECX_QEMU_MAX  0xf6d8320bu   /* bit 24 clear (QEMU 7.2 TCG) */
#define QEMU_LAPIC_KHZ 958570u      /* the one-shot rate a QEMU TCG boot calibrated */
#define FAIL(m) (1U << (m))

static void bochs_skylake_takes_tsc_deadline(void **s)
{
	(void)s;
	struct wait_choice c = wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_AUTO, 0, 0, false);
	assert_int_equal(c.mode, WAIT_TSC_DEADLINE);
	assert_non_null(strstr(c.why, "bit 24"));
}

static void qemu_max_takes_the_one_shot_timer(void **s)
{
	(void)s;
	struct wait_choice c = wait_choose(ECX_QEMU_MAX, WAIT_FORCE_AUTO, QEMU_LAPIC_KHZ, 0, false);
	assert_int_equal(c.mode, WAIT_LAPIC_ONESHOT);
	assert_non_null(strstr(c.why, "bit 24 clear"));
}

static void no_deadline_and_a_timer_that_does_not_count_pauses(void **s)
{
	(void)s;
	struct wait_choice c = wait_choose(ECX_QEMU_MAX, WAIT_FORCE_AUTO, 0, 0, false);
	assert_int_equal(c.mode, WAIT_PAUSE);
	assert_non_null(strstr(c.why, "did not count"));
}

static void a_deadline_timer_that_never_fired_falls_back_to_one_shot(void **s)
{
	(void)s;
	struct wait_choice c = wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_AUTO, 1000000, FAIL(WAIT_TSC_DEADLINE), false);
	assert_int_equal(c.mode, WAIT_LAPIC_ONESHOT);
	assert_non_null(strstr(c.why, "did not fire"));
	c = wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_AUTO, 1000000, FAIL(WAIT_TSC_DEADLINE) | FAIL(WAIT_LAPIC_ONESHOT), false);
	assert_int_equal(c.mode, WAIT_PAUSE);
	assert_non_null(strstr(c.why, "neither"));
	c = wait_choose(ECX_QEMU_MAX, WAIT_FORCE_AUTO, QEMU_LAPIC_KHZ, FAIL(WAIT_LAPIC_ONESHOT), false);
	assert_int_equal(c.mode, WAIT_PAUSE);
}

static void forced_modes(void **s)
{
	(void)s;
	assert_int_equal(wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_PAUSE, 1000000, 0, false).mode, WAIT_PAUSE);
	assert_int_equal(wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_LAPIC, 1000000, 0, false).mode, WAIT_LAPIC_ONESHOT);
	/* wait=lapic with a timer that does not count: pause, and it says why */
	struct wait_choice c = wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_LAPIC, 0, 0, false);
	assert_int_equal(c.mode, WAIT_PAUSE);
	assert_non_null(strstr(c.why, "wait=lapic"));
	/* wait=tsc_deadline on a CPU without it */
	c = wait_choose(ECX_QEMU_MAX, WAIT_FORCE_TSC_DEADLINE, QEMU_LAPIC_KHZ, 0, false);
	assert_int_equal(c.mode, WAIT_LAPIC_ONESHOT);
	assert_non_null(strstr(c.why, "wait=tsc_deadline asked"));
	c = wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_TSC_DEADLINE, 0, 0, false);
	assert_int_equal(c.mode, WAIT_TSC_DEADLINE);
}

static void bochs_spins_unless_a_timer_is_forced(void **s)
{
	(void)s;
	struct wait_choice c = wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_AUTO, 0, 0, true);
	assert_int_equal(c.mode, WAIT_PAUSE);
	assert_non_null(strstr(c.why, "Bochs"));
	assert_int_equal(wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_TSC_DEADLINE, 0, 0, true).mode, WAIT_TSC_DEADLINE);
	assert_int_equal(wait_choose(ECX_BOCHS_SKX, WAIT_FORCE_LAPIC, 49985, 0, true).mode, WAIT_LAPIC_ONESHOT);
}

static void lapic_rate_from_a_calibration(void **s)
{
	(void)s;
	/* QEMU: 958570 counts in 1 ms of a 2 GHz TSC */
	assert_int_equal(wait_lapic_khz(0xffffffffu, 0xffffffffu - 958570u, 2000000, 2000000), 958570);
	/* a timer that did not move, or went up (wrapped or never started) */
	assert_int_equal(wait_lapic_khz(0xffffffffu, 0xffffffffu, 2000000, 2000000), 0);
	assert_int_equal(wait_lapic_khz(5, 10, 2000000, 2000000), 0);
	assert_int_equal(wait_lapic_khz(100, 0, 0, 2000000), 0);
	/* the whole 32-bit count in 4.295 ms of a 5 GHz TSC (a 1 GHz timer) does not overflow */
	assert_in_range(wait_lapic_khz(0xffffffffu, 0, 21474836, 5000000), 999999000, 1000001000);
}

static void one_shot_counts(void **s)
{
	(void)s;
	/* 1 ms of a 2 GHz TSC at the QEMU rate */
	assert_int_equal(wait_lapic_count(2000000, 2000000, QEMU_LAPIC_KHZ), QEMU_LAPIC_KHZ);
	assert_int_equal(wait_lapic_count(0, 2000000, QEMU_LAPIC_KHZ), 1);          /* never 0: that stops it */
	assert_int_equal(wait_lapic_count(1ULL << 62, 2000000, QEMU_LAPIC_KHZ), 0xffffffffu);
	assert_int_equal(wait_lapic_count(1000, 0, QEMU_LAPIC_KHZ), 1);
	/* Bochs skx: 50 MHz TSC (ips), a 1 ms slice */
	assert_int_equal(wait_lapic_count(50000, 50000, 1000000), 1000000);
}

static void wake_at_the_deadline_or_one_slice(void **s)
{
	(void)s;
	assert_int_equal(wait_wake_at(1000, 1500, 2000), 1500);
	assert_int_equal(wait_wake_at(1000, 100000, 2000), 3000);
	assert_int_equal(wait_wake_at(1000, 900, 2000), 1000);
}

static void backoff_doubles_to_its_cap(void **s)
{
	(void)s;
	u32 n = 0, rounds = 0;
	while (n < WAIT_BACKOFF_MAX) {
		u32 next = wait_backoff(n);
		assert_true(next > n);
		n = next;
		rounds++;
	}
	assert_int_equal(n, WAIT_BACKOFF_MAX);
	assert_int_equal(rounds, 11);   /* 1, 2, 4, ... 1024 */
	assert_int_equal(wait_backoff(WAIT_BACKOFF_MAX), WAIT_BACKOFF_MAX);
}

static void udelay_sleeps_only_when_long_and_a_timer_works(void **s)
{
	(void)s;
	assert_false(wait_delay_sleeps(10, WAIT_TSC_DEADLINE));   /* the SIPI wait spins */
	assert_true(wait_delay_sleeps(WAIT_SLEEP_MIN_US, WAIT_LAPIC_ONESHOT));
	assert_true(wait_delay_sleeps(10000, WAIT_TSC_DEADLINE));
	assert_false(wait_delay_sleeps(10000, WAIT_PAUSE));
}

static void init_deassert_only_before_the_pentium_4(void **s)
{
	(void)s;
	assert_false(lapic_init_deassert_needed(0x00050014));   /* QEMU 7.2: version 0x14, 6 LVTs */
	assert_false(lapic_init_deassert_needed(0x14));         /* Bochs 2.7 skx (the low byte its boot printed) */
	assert_true(lapic_init_deassert_needed(0x00030011));    /* P6 family local APIC */
	assert_true(lapic_init_deassert_needed(0x00000003));    /* 82489DX */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_skylake_takes_tsc_deadline),
		cmocka_unit_test(qemu_max_takes_the_one_shot_timer),
		cmocka_unit_test(no_deadline_and_a_timer_that_does_not_count_pauses),
		cmocka_unit_test(a_deadline_timer_that_never_fired_falls_back_to_one_shot),
		cmocka_unit_test(forced_modes),
		cmocka_unit_test(bochs_spins_unless_a_timer_is_forced),
		cmocka_unit_test(lapic_rate_from_a_calibration),
		cmocka_unit_test(one_shot_counts),
		cmocka_unit_test(wake_at_the_deadline_or_one_slice),
		cmocka_unit_test(backoff_doubles_to_its_cap),
		cmocka_unit_test(udelay_sleeps_only_when_long_and_a_timer_works),
		cmocka_unit_test(init_deassert_only_before_the_pentium_4),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
