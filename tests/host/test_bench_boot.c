/* kernel/bench_boot_lines.c: the phase table from TSC marks (a QEMU-like
 * 2.5 GHz TSC and Bochs's 50 MHz one), unreached phases, no calibration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/bench_boot.h"

static char out[4096];
static void collect(const char *line, void *ctx)
{
	(void)ctx;
	size_t n = strlen(out);
	snprintf(out + n, sizeof(out) - n, "%s\n", line);
}

static struct bench_boot_marks m;

/* phase p takes us[p] microseconds at khz, from a start TSC of start */
static void fill(u64 khz, u64 start, const u64 *us)
{
	memset(&m, 0, sizeof(m));
	out[0] = 0;
	m.marks[0] = start;
	for (unsigned p = 0; p < PHASE_COUNT; p++)
		m.marks[p + 1] = m.marks[p] + us[p] * khz / 1000;
}

static void qemu_table_has_every_phase_and_the_total(void **state)
{
	(void)state;
	const u64 us[PHASE_COUNT] = { 1200, 300, 52000, 800, 3264, 150, 0, 0, 0, 0, 0, 40000 };
	fill(2500000, 2500000ULL * 420, us);   /* kmain 420 ms after reset */
	assert_int_equal(bench_boot_lines(&m, 2500000, false, collect, 0), PHASE_COUNT + 2);
	assert_non_null(strstr(out, "bench: boot: phase          us on the boot CPU's TSC (2500000 kHz)\n"));
	assert_non_null(strstr(out, "bench: boot: timer              52000 us  53.2%\n"));
	assert_non_null(strstr(out, "bench: boot: smp                 3264 us   3.3%\n"));
	assert_non_null(strstr(out, "bench: boot: vmx_lifecycle          0 us   0.0%\n"));
	assert_non_null(strstr(out, "bench: boot: virt                   0 us   0.0%\n"));
	assert_non_null(strstr(out, "bench: boot: report             40000 us  40.9%\n"));
	assert_non_null(strstr(out, "bench: boot: total              97714 us (kmain to the end of the report; "
				    "firmware and loader before kmain: 420000 us of TSC since reset)\n"));
	assert_null(strstr(out, "emulated"));
}

static void bochs_figures_are_labelled_emulated(void **state)
{
	(void)state;
	const u64 us[PHASE_COUNT] = { 900, 400, 157566, 700, 38, 200, 90000, 60000, 300000, 0, 0, 4300000 };
	fill(50000, 50000ULL * 1370, us);
	bench_boot_lines(&m, 50000, true, collect, 0);
	assert_non_null(strstr(out, "(50000 kHz), emulated: Bochs counts instructions at its ips, not hardware time\n"));
	assert_non_null(strstr(out, "bench: boot: conformance       300000 us   6.1%\n"));
}

static void unreached_phases_say_so(void **state)
{
	(void)state;
	const u64 us[PHASE_COUNT] = { 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000 };
	fill(1000000, 1, us);
	m.marks[PHASE_GUEST + 1] = 0;   /* a panic in the guest phase: the later marks still come */
	bench_boot_lines(&m, 1000000, false, collect, 0);
	assert_non_null(strstr(out, "bench: boot: guest          -  (not reached)\n"));
	assert_non_null(strstr(out, "bench: boot: conformance         2000 us  16.6%\n"));
	assert_non_null(strstr(out, "bench: boot: total              12000 us"));
}

static void no_calibration_no_table(void **state)
{
	(void)state;
	const u64 us[PHASE_COUNT] = { 1 };
	fill(1000, 5, us);
	assert_int_equal(bench_boot_lines(&m, 0, false, collect, 0), 1);
	assert_string_equal(out, "bench: boot: no phase table: the TSC was not calibrated or kmain's start was not marked\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_table_has_every_phase_and_the_total),
		cmocka_unit_test(bochs_figures_are_labelled_emulated),
		cmocka_unit_test(unreached_phases_say_so),
		cmocka_unit_test(no_calibration_no_table),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
