/* kernel/run_end.c: when a mode=test run holds its verdict on screen. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "kernel/run_end.h"

static void emulators_end_at_once_whatever_hold_says(void **state)
{
	(void)state;
	const u64 holds[] = { HOLD_DEFAULT, 0, 30 };
	for (int k = PLATFORM_QEMU; k <= PLATFORM_BOCHS; k++)
		for (int s = 0; s < 2; s++)
			for (int kb = 0; kb < 2; kb++)
				for (int h = 0; h < 3; h++)
					assert_int_equal(run_end_choose((enum platform_kind)k, s, kb, holds[h]),
							 RUN_END_NOW);
}

static void hardware_with_a_serial_port_ends_at_once(void **state)
{
	(void)state;
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, true, true, HOLD_DEFAULT), RUN_END_NOW);
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, true, false, 30), RUN_END_NOW);
}

static void hardware_without_serial_holds(void **state)
{
	(void)state;
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, false, true, HOLD_DEFAULT), RUN_END_HOLD_KEY);
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, false, false, HOLD_DEFAULT), RUN_END_HOLD_FOREVER);
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, false, true, 30), RUN_END_HOLD_SECONDS);
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, false, false, 1), RUN_END_HOLD_SECONDS);
}

static void hold_0_powers_off_at_once(void **state)
{
	(void)state;
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, false, true, 0), RUN_END_NOW);
	assert_int_equal(run_end_choose(PLATFORM_HARDWARE, false, false, 0), RUN_END_NOW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emulators_end_at_once_whatever_hold_says),
		cmocka_unit_test(hardware_with_a_serial_port_ends_at_once),
		cmocka_unit_test(hardware_without_serial_holds),
		cmocka_unit_test(hold_0_powers_off_at_once),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
