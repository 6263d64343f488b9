/* kernel/fold.c: rows of a per-CPU table folded into runs of consecutive CPUs
 * and APIC IDs with the same text, a figure kept as its range. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/fold.h"

static char out[4096];

static void emit(const struct fold_run *r, void *ctx)
{
	assert_ptr_equal(ctx, out);
	char cpus[24], ids[24], row[400];
	fold_range(cpus, sizeof cpus, r->first, r->last);
	fold_range(ids, sizeof ids, r->id_first, r->id_last);
	snprintf(row, sizeof row, "%s/%s/%s/%lu-%lu;", cpus, ids, r->key, (unsigned long)r->lo, (unsigned long)r->hi);
	strncat(out, row, sizeof out - strlen(out) - 1);
}

static struct fold_run run;

static void add(u32 cpu, u32 id, u64 fig, const char *key)
{
	fold_row(&run, cpu, id, fig, key, emit, out);
}

static void runs_break_on_key_cpu_and_apic_id(void **state)
{
	(void)state;
	out[0] = 0;
	run.open = false;
	for (u32 i = 1; i <= 6; i++)
		add(i, i, 100 + (i * 37) % 11, "online");   /* 104 108 101 105 109 102 */
	add(7, 7, 5, "did not start");
	add(8, 9, 200, "online");      /* APIC ID jumps: a new run (IDs stay exact) */
	add(9, 10, 210, "online");
	add(11, 11, 300, "online");    /* CPU 10 missing: a new run */
	fold_end(&run, emit, out);
	assert_string_equal(out, "1-6/1-6/online/101-109;7/7/did not start/5-5;8-9/9-10/online/200-210;"
				 "11/11/online/300-300;");
	size_t len = strlen(out);
	fold_end(&run, emit, out);     /* nothing open: nothing more */
	assert_int_equal(strlen(out), len);
}

static void thousands_of_alike_cpus_are_one_row(void **state)
{
	(void)state;
	out[0] = 0;
	run.open = false;
	for (u32 i = 0; i < 4096; i++)
		add(i, i, i % 7, "FEATURE_CONTROL 0x5  ok (3/3 rounds)");
	fold_end(&run, emit, out);
	assert_string_equal(out, "0-4095/0-4095/FEATURE_CONTROL 0x5  ok (3/3 rounds)/0-6;");
}

static void a_long_key_is_cut_and_still_compares(void **state)
{
	(void)state;
	char key[FOLD_KEY_MAX + 50];
	memset(key, 'k', sizeof key - 1);
	key[sizeof key - 1] = 0;
	out[0] = 0;
	run.open = false;
	add(0, 0, 1, key);
	add(1, 1, 1, key);
	fold_end(&run, emit, out);
	assert_int_equal(strlen(run.key), FOLD_KEY_MAX - 1);
	assert_int_equal(strncmp(out, "0-1/0-1/kkk", 11), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(runs_break_on_key_cpu_and_apic_id),
		cmocka_unit_test(thousands_of_alike_cpus_are_one_row),
		cmocka_unit_test(a_long_key_is_cut_and_still_compares),
	};
	return cmocka_run_group_tests_name("fold", tests, NULL, NULL);
}
