/* kernel/cpuset.c and the CMDLINE_CPURANGES option type: a CPU list is parsed
 * (syntax, highest index) before ACPI, then resolved against the CPU count the
 * MADT gives, for machines of 1 to 4096 CPUs and past 256 (the old mask
 * width). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cpuset.h"

static const u64 counts[] = { 1, 2, 255, 256, 257, 1024, 4096 };
static u64 bits[65536 / 64 + 1];
static char err[96];

static struct cpu_list list;
static const struct cmdline_option table[] = {
	{ "vmx.cpus", CMDLINE_CPURANGES, &list, 0, 0, NULL, NULL },
	{ "few", CMDLINE_CPURANGES, &list, 0, 7, NULL, NULL },
};
static struct cmdline_result res;

static int parse(const char *line)
{
	return cmdline_parse(line, table, 2, &res);
}

static int reset(void **state)
{
	(void)state;
	memset(&list, 0, sizeof list);
	memset(bits, 0xa5, sizeof bits);
	err[0] = 0;
	return 0;
}

static void parse_keeps_the_text_and_the_highest_index(void **state)
{
	(void)state;
	const char *line = "mode=x vmx.cpus=7,0x10-300,2";
	assert_int_equal(parse(line), 1);   /* mode is unknown here */
	assert_ptr_equal(list.text, line + 16);
	assert_int_equal(list.len, strlen("7,0x10-300,2"));
	assert_int_equal(list.highest, 300);
	assert_int_equal(parse("vmx.cpus=65535"), 0);
	assert_int_equal(list.highest, 65535);
}

static void parse_rejects_bad_syntax_and_keeps_the_old_value(void **state)
{
	(void)state;
	assert_int_equal(parse("vmx.cpus=3"), 0);
	const char *bad[][2] = {
		{ "vmx.cpus=65536", "vmx.cpus: bad value \"65536\" (out of range): expected a CPU list like 0,2-3 of CPUs 0..65535 that this machine has" },
		{ "vmx.cpus=3-1", "vmx.cpus: bad value \"3-1\" (reversed range): expected a CPU list like 0,2-3 of CPUs 0..65535 that this machine has" },
		{ "vmx.cpus=0,,2", "vmx.cpus: bad value \"0,,2\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..65535 that this machine has" },
		{ "vmx.cpus=all", "vmx.cpus: bad value \"all\" (not a number): expected a CPU list like 0,2-3 of CPUs 0..65535 that this machine has" },
		{ "few=8", "few: bad value \"8\" (out of range): expected a CPU list like 0,2-3 of CPUs 0..7 that this machine has" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(parse(bad[i][0]), 1);
		assert_string_equal(res.msgs[0], bad[i][1]);
		assert_int_equal(list.highest, 3);
		assert_int_equal(list.len, 1);
	}
}

/* every CPU count: not given is all of them, the last CPU is selectable, one
 * past it is refused naming it, and nothing past ncpus is ever set */
static void resolve_for_every_machine_size(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		u64 n = counts[k];
		char line[64];
		struct cpu_list none = { 0 };
		assert_int_equal(cpu_list_resolve(&none, n, bits, err, sizeof err), CMDLINE_OK);
		assert_int_equal(cpuset_count(bits, n), n);
		assert_true(cpuset_has(bits, n, n - 1));
		assert_false(cpuset_has(bits, n, n));

		snprintf(line, sizeof line, "vmx.cpus=0,%lu", (unsigned long)(n - 1));
		assert_int_equal(parse(line), 0);
		memset(bits, 0xa5, sizeof bits);
		assert_int_equal(cpu_list_resolve(&list, n, bits, err, sizeof err), CMDLINE_OK);
		assert_int_equal(cpuset_count(bits, n), n == 1 ? 1 : 2);
		assert_true(cpuset_has(bits, n, 0) && cpuset_has(bits, n, n - 1));
		if (n % 64)
			assert_int_equal(bits[n / 64] >> (n % 64), 0);

		snprintf(line, sizeof line, "vmx.cpus=0,%lu-%lu", (unsigned long)n, (unsigned long)n + 5);
		assert_int_equal(parse(line), 0);
		assert_int_equal(cpu_list_resolve(&list, n, bits, err, sizeof err), CMDLINE_ERANGE);
		char want[64];
		if (n == 1)
			snprintf(want, sizeof want, "no CPU 1 (1 CPU: 0)");
		else
			snprintf(want, sizeof want, "no CPU %lu (%lu CPUs: 0-%lu)", (unsigned long)n, (unsigned long)n,
				 (unsigned long)n - 1);
		assert_string_equal(err, want);
		assert_int_equal(cpuset_count(bits, n), 0);
	}
}

static void resolve_names_the_lowest_missing_cpu(void **state)
{
	(void)state;
	assert_int_equal(parse("vmx.cpus=300,1,250-260,0"), 0);
	assert_int_equal(cpu_list_resolve(&list, 256, bits, err, sizeof err), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 256 (256 CPUs: 0-255)");
	assert_int_equal(parse("vmx.cpus=1,4-5"), 0);
	assert_int_equal(cpu_list_resolve(&list, 4, bits, err, sizeof err), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 4 (4 CPUs: 0-3)");
	assert_int_equal(parse("vmx.cpus=9,7"), 0);
	assert_int_equal(cpu_list_resolve(&list, 4, bits, err, sizeof err), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 7 (4 CPUs: 0-3)");
	assert_int_equal(cpu_list_resolve(&list, 10, bits, err, sizeof err), CMDLINE_OK);
	assert_int_equal(bits[0], (1u << 9) | (1u << 7));
}

static void format_writes_ranges_and_cuts_with_dots(void **state)
{
	(void)state;
	char buf[40];
	memset(bits, 0, sizeof bits);
	assert_int_equal(cpuset_format(bits, 4096, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	cpuset_fill(bits, 4096);
	cpuset_format(bits, 4096, buf, sizeof buf);
	assert_string_equal(buf, "0-4095");
	bits[0] = 0x2d;   /* 0, 2-3, 5; 6-63 clear */
	bits[4] &= ~1ULL; /* 256 missing */
	cpuset_format(bits, 300, buf, sizeof buf);
	assert_string_equal(buf, "0,2-3,5,64-255,257-299");
	memset(bits, 0, sizeof bits);
	for (int c = 0; c < 100; c += 2)
		bits[c / 64] |= 1ULL << (c % 64);
	size_t n = cpuset_format(bits, 100, buf, sizeof buf);
	assert_int_equal(n, strlen(buf));
	assert_true(n < sizeof buf);
	assert_string_equal(buf + n - 3, "...");
	assert_memory_equal(buf, "0,2,4,6,8,10,", 13);
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(parse_keeps_the_text_and_the_highest_index),
		T(parse_rejects_bad_syntax_and_keeps_the_old_value),
		T(resolve_for_every_machine_size),
		T(resolve_names_the_lowest_missing_cpu),
		T(format_writes_ranges_and_cuts_with_dots),
	};
	return cmocka_run_group_tests_name("cpuset", tests, NULL, NULL);
}
