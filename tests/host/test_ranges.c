/* kernel/ranges.c: per-CPU rows of the human tables grouped into kinds of
 * identical rows, each kind printed as one row with its CPUs as ranges.
 * The keys are rows as the kernel builds them (Bochs 2.7 Skylake-X logs). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/ranges.h"

#define STRIDE 160
#define MAXN 4096
static char keys[MAXN][STRIDE];
static u32 kind[MAXN];

static const char OK[] = "FEATURE_CONTROL 0x5  VMXON -> VMCS lifecycle -> VMXOFF ok (3/3 rounds)";
static const char NOVTX[] = "FEATURE_CONTROL -  no VT-x: AMD CPU: this machine has AMD-V (SVM), not VT-x\n"
			    "CPUID vendor AuthenticAMD";
static const char NOTSEL[] = "not selected (vmx.cpus)";

static void fill(u32 n, const char *key)
{
	for (u32 i = 0; i < n; i++)
		snprintf(keys[i], STRIDE, "%s", key);
}

static u32 group(u32 n)
{
	return ranges_kinds(&keys[0][0], STRIDE, n, kind);
}

static const char *list(u32 n, u32 k, const u32 *values, u32 *count)
{
	static char buf[200];
	*count = ranges_list(kind, n, k, values, buf, sizeof buf);
	return buf;
}

static void all_same_is_one_row(void **state)
{
	(void)state;
	u32 c;
	fill(15, OK);
	assert_int_equal(group(15), 1);
	assert_string_equal(list(15, 0, NULL, &c), "0-14");
	assert_int_equal(c, 15);
	assert_int_equal(ranges_first(kind, 15, 0), 0);
	assert_int_equal(ranges_first(kind, 15, 1), 15);   /* no such kind */
	assert_string_equal(list(15, 1, NULL, &c), "");
	assert_int_equal(c, 0);
}

static void one_differs_in_the_middle(void **state)
{
	(void)state;
	u32 c;
	fill(15, OK);
	snprintf(keys[7], STRIDE, "%s", NOTSEL);
	assert_int_equal(group(15), 2);
	assert_string_equal(list(15, 0, NULL, &c), "0-6, 8-14");
	assert_int_equal(c, 14);
	assert_string_equal(list(15, 1, NULL, &c), "7");
	assert_int_equal(c, 1);
	assert_int_equal(ranges_first(kind, 15, 1), 7);
	assert_int_equal(kind[7], 1);
	assert_int_equal(kind[8], 0);
}

static void first_cpu_differs(void **state)
{
	(void)state;
	u32 c;
	fill(12, OK);
	snprintf(keys[0], STRIDE, "%s", NOTSEL);
	assert_int_equal(group(12), 2);
	assert_int_equal(kind[0], 0);   /* kinds in the order of their first CPU */
	assert_string_equal(list(12, 0, NULL, &c), "0");
	assert_string_equal(list(12, 1, NULL, &c), "1-11");
	assert_int_equal(c, 11);
}

static void alternating_rows_are_two_kinds_of_singles(void **state)
{
	(void)state;
	u32 c;
	for (u32 i = 0; i < 9; i++)
		snprintf(keys[i], STRIDE, "%s", i % 2 ? NOVTX : OK);
	assert_int_equal(group(9), 2);
	assert_string_equal(list(9, 0, NULL, &c), "0, 2, 4, 6, 8");
	assert_int_equal(c, 5);
	assert_string_equal(list(9, 1, NULL, &c), "1, 3, 5, 7");
	assert_int_equal(c, 4);
	assert_int_equal(ranges_list(kind, 9, 1, NULL, NULL, 0), 4);   /* the count alone */
	assert_int_equal(ranges_list(kind, 9, 2, NULL, NULL, 0), 0);
}

static void every_row_different_is_one_kind_each(void **state)
{
	(void)state;
	u32 c;
	for (u32 i = 0; i < 240; i++)   /* e.g. guest rows whose cycle counts differ per CPU */
		snprintf(keys[i], STRIDE, "round trip: CPUID exit min %u median %u", 200 + i, 210 + i);
	assert_int_equal(group(240), 240);
	for (u32 i = 0; i < 240; i++)
		assert_int_equal(kind[i], i);
	assert_string_equal(list(240, 239, NULL, &c), "239");
}

static void one_cpu(void **state)
{
	(void)state;
	u32 c;
	fill(1, OK);
	assert_int_equal(group(1), 1);
	assert_string_equal(list(1, 0, NULL, &c), "0");
	assert_int_equal(c, 1);
	assert_int_equal(ranges_kinds(&keys[0][0], STRIDE, 0, kind), 0);
}

static void cpus_240_and_4096(void **state)
{
	(void)state;
	u32 c;
	fill(240, "online");
	snprintf(keys[100], STRIDE, "did not start");
	assert_int_equal(group(240), 2);
	assert_string_equal(list(240, 0, NULL, &c), "0-99, 101-239");
	assert_int_equal(c, 239);
	fill(MAXN, OK);
	assert_int_equal(group(MAXN), 1);
	assert_string_equal(list(MAXN, 0, NULL, &c), "0-4095");
}

/* CPUs that are not in the table (not online, not selected): an empty key */
static void cpus_without_a_row_are_left_out(void **state)
{
	(void)state;
	u32 c;
	fill(16, OK);
	keys[0][0] = 0;
	keys[5][0] = keys[6][0] = keys[15][0] = 0;
	assert_int_equal(group(16), 1);
	assert_int_equal(kind[0], RANGES_NONE);
	assert_int_equal(kind[5], RANGES_NONE);
	assert_string_equal(list(16, 0, NULL, &c), "1-4, 7-14");
	assert_int_equal(c, 12);
	assert_int_equal(ranges_first(kind, 16, 0), 1);
}

/* QEMU -smp 12,sockets=2,cores=6: the second socket's APIC IDs start at 8 */
static void sparse_apic_ids_break_the_id_list(void **state)
{
	(void)state;
	u32 c;
	static const u32 ids[12] = { 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13 };
	fill(12, "online");
	assert_int_equal(group(12), 1);
	assert_string_equal(list(12, 0, NULL, &c), "0-11");
	assert_string_equal(list(12, 0, ids, &c), "0-5, 8-13");
	assert_int_equal(c, 12);
	static const u32 down[3] = { 5, 4, 3 };   /* not rising: no run */
	assert_string_equal(list(3, 0, down, &c), "5, 4, 3");
}

static void a_list_too_long_for_its_buffer_ends_in_dots(void **state)
{
	(void)state;
	for (u32 i = 0; i < 240; i++)
		snprintf(keys[i], STRIDE, "%s", i % 2 ? NOVTX : OK);
	assert_int_equal(group(240), 2);
	char small[24];
	u32 c = ranges_list(kind, 240, 0, NULL, small, sizeof small);
	assert_int_equal(c, 120);   /* the count is whole */
	assert_string_equal(small, "0, 2, 4, 6, 8, 10...");
	assert_true(strlen(small) < sizeof small);
}

/* keys differ only after many equal characters; one filling its stride is compared over the stride */
static void keys_compare_whole(void **state)
{
	(void)state;
	fill(3, OK);
	keys[2][strlen(OK) - 2] = '4';   /* "(3/4 rounds)" */
	assert_int_equal(group(3), 2);
	memset(keys[0], 'k', STRIDE);
	memset(keys[1], 'k', STRIDE);
	assert_int_equal(group(2), 1);
	keys[1][STRIDE - 1] = 'j';
	assert_int_equal(group(2), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(all_same_is_one_row),
		cmocka_unit_test(one_differs_in_the_middle),
		cmocka_unit_test(first_cpu_differs),
		cmocka_unit_test(alternating_rows_are_two_kinds_of_singles),
		cmocka_unit_test(every_row_different_is_one_kind_each),
		cmocka_unit_test(one_cpu),
		cmocka_unit_test(cpus_240_and_4096),
		cmocka_unit_test(cpus_without_a_row_are_left_out),
		cmocka_unit_test(sparse_apic_ids_break_the_id_list),
		cmocka_unit_test(a_list_too_long_for_its_buffer_ends_in_dots),
		cmocka_unit_test(keys_compare_whole),
	};
	return cmocka_run_group_tests_name("ranges", tests, NULL, NULL);
}
