/* kernel/cmdline.c: every option type, every rejection and its message,
 * and the message storage limits. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/cmdline.h"

/* ---- a table with every type, reset to its defaults before each test ---- */

static struct {
	unsigned mode, inject, apic;
	bool smp, vmx;
	u64 cpus, rounds, addr;
	char name[16];
	u64 vmx_cpus[CMDLINE_CPU_WORDS];
	u64 few_cpus[CMDLINE_CPU_WORDS];
} o;

static const char *const modes[] = { "interactive", "test", NULL };
static const char *const injects[] = { "none", "ud2", "guard", NULL };
static const char *const apics[] = { "auto", "xapic", "x2apic", NULL };

static const struct cmdline_option table[] = {
	{ "mode", CMDLINE_ENUM, &o.mode, 0, 0, modes, "what to do" },
	{ "inject", CMDLINE_ENUM, &o.inject, 0, 0, injects, "failure to inject" },
	{ "apic", CMDLINE_ENUM, &o.apic, 0, 0, apics, NULL },
	{ "smp", CMDLINE_BOOL, &o.smp, 0, 0, NULL, "off: boot CPU only" },
	{ "vmx", CMDLINE_BOOL, &o.vmx, 0, 0, NULL, NULL },
	{ "cpus", CMDLINE_U64, &o.cpus, 1, 256, NULL, "start at most N CPUs" },
	{ "vmx.rounds", CMDLINE_U64, &o.rounds, 1, 1000, NULL, NULL },
	{ "addr", CMDLINE_U64, &o.addr, 0, 0, NULL, "any 64-bit number" },
	{ "name", CMDLINE_STRING, o.name, 0, sizeof o.name, NULL, NULL },
	{ "vmx.cpus", CMDLINE_CPULIST, o.vmx_cpus, 0, 0, NULL, NULL },
	{ "few.cpus", CMDLINE_CPULIST, o.few_cpus, 0, 8, NULL, NULL },
};

static struct cmdline_result res;

static int reset(void **state)
{
	(void)state;
	memset(&o, 0, sizeof o);
	o.smp = true;
	o.cpus = 7;
	o.rounds = 3;
	o.addr = 0x1234;
	strcpy(o.name, "default");
	o.vmx_cpus[0] = o.few_cpus[0] = 0x1;
	return 0;
}

static int parse(const char *line)
{
	int rc = cmdline_parse(line, table, sizeof table / sizeof table[0], &res);
	for (unsigned i = 0; i < res.nmsgs; i++)
		assert_true(strlen(res.msgs[i]) < CMDLINE_MSG_LEN);
	return rc;
}

/* The line has exactly one problem, and this message. */
static void expect_one_error(const char *line, const char *msg)
{
	assert_int_equal(parse(line), 1);
	assert_int_equal(res.errors, 1);
	assert_int_equal(res.applied, 0);
	assert_int_equal(res.nmsgs, 1);
	assert_string_equal(res.msgs[0], msg);
}

/* ---- values that are accepted ---- */

static void example_line_sets_every_option(void **state)
{
	(void)state;
	assert_int_equal(parse("mode=test cpus=4 smp=off vmx.rounds=3 inject=ud2 apic=xapic"), 0);
	assert_int_equal(res.applied, 6);
	assert_int_equal(res.nmsgs, 0);
	assert_int_equal(o.mode, 1);
	assert_int_equal(o.cpus, 4);
	assert_false(o.smp);
	assert_int_equal(o.rounds, 3);
	assert_int_equal(o.inject, 1);
	assert_int_equal(o.apic, 1);
}

static void blanks_and_tabs_separate_tokens(void **state)
{
	(void)state;
	assert_int_equal(parse("\t  cpus=5\t\tvmx=off   "), 0);
	assert_int_equal(res.applied, 2);
	assert_int_equal(o.cpus, 5);
	assert_false(o.vmx);
}

static void empty_and_blank_lines_change_nothing(void **state)
{
	(void)state;
	assert_int_equal(parse(""), 0);
	assert_int_equal(parse(NULL), 0);
	assert_int_equal(parse(" \t \t"), 0);
	assert_int_equal(res.nmsgs, 0);
	assert_int_equal(res.applied, 0);
	assert_int_equal(o.cpus, 7);
	assert_string_equal(o.name, "default");
}

static void bool_accepts_bare_flag_and_six_words(void **state)
{
	(void)state;
	static const struct { const char *line; bool want; } cases[] = {
		{ "vmx", true }, { "vmx=on", true }, { "vmx=yes", true }, { "vmx=1", true },
		{ "vmx=off", false }, { "vmx=no", false }, { "vmx=0", false },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		o.vmx = !cases[i].want;
		assert_int_equal(parse(cases[i].line), 0);
		assert_int_equal(o.vmx, cases[i].want);
	}
}

static void u64_takes_decimal_and_hex(void **state)
{
	(void)state;
	assert_int_equal(parse("cpus=0x10 vmx.rounds=0001 addr=0XAbCdEf"), 0);
	assert_int_equal(o.cpus, 16);
	assert_int_equal(o.rounds, 1);
	assert_int_equal(o.addr, 0xabcdef);
	assert_int_equal(parse("addr=18446744073709551615"), 0);
	assert_int_equal(o.addr, UINT64_MAX);
	assert_int_equal(parse("addr=0xffffffffffffffff cpus=256"), 0);
	assert_int_equal(o.addr, UINT64_MAX);
	assert_int_equal(o.cpus, 256);
}

static void enum_stores_the_index_of_the_word(void **state)
{
	(void)state;
	assert_int_equal(parse("mode=interactive apic=x2apic inject=guard"), 0);
	assert_int_equal(o.mode, 0);
	assert_int_equal(o.apic, 2);
	assert_int_equal(o.inject, 2);
}

static void string_is_copied_up_to_its_buffer(void **state)
{
	(void)state;
	assert_int_equal(parse("name=hello"), 0);
	assert_string_equal(o.name, "hello");
	assert_int_equal(parse("name=1234567890123456"), 1);   /* 16 + NUL > 16 */
	assert_string_equal(o.name, "hello");
	assert_int_equal(parse("name=123456789012345"), 0);    /* 15 + NUL fits */
	assert_string_equal(o.name, "123456789012345");
	assert_int_equal(parse("name="), 0);
	assert_string_equal(o.name, "");
	assert_int_equal(parse("name=a=b"), 0);                 /* only the first '=' splits */
	assert_string_equal(o.name, "a=b");
}

static void cpu_list_sets_bits_and_ranges(void **state)
{
	(void)state;
	assert_int_equal(parse("vmx.cpus=0,2-3"), 0);
	assert_int_equal(o.vmx_cpus[0], 0xd);
	assert_int_equal(parse("vmx.cpus=255,64-65,5-5"), 0);
	assert_int_equal(o.vmx_cpus[0], 1ull << 5);
	assert_int_equal(o.vmx_cpus[1], 3);
	assert_int_equal(o.vmx_cpus[2], 0);
	assert_int_equal(o.vmx_cpus[3], 1ull << 63);
	assert_int_equal(parse("vmx.cpus=0-255"), 0);
	for (int i = 0; i < CMDLINE_CPU_WORDS; i++)
		assert_int_equal(o.vmx_cpus[i], UINT64_MAX);
	assert_int_equal(parse("few.cpus=7,0x1-2"), 0);
	assert_int_equal(o.few_cpus[0], 0x86);
}

/* ---- values that are rejected, with the destination left alone ---- */

static void bool_rejects_other_words(void **state)
{
	(void)state;
	expect_one_error("smp=maybe", "smp: bad value \"maybe\": expected on|off|yes|no|1|0 or no value");
	expect_one_error("smp=ON", "smp: bad value \"ON\": expected on|off|yes|no|1|0 or no value");
	expect_one_error("smp=", "smp: bad value \"\": expected on|off|yes|no|1|0 or no value");
	assert_true(o.smp);
}

static void u64_rejects_overflow_sign_junk_and_range(void **state)
{
	(void)state;
	expect_one_error("cpus=99999999999999999999",
			 "cpus: bad value \"99999999999999999999\" (too large for 64 bits): expected an integer in 1..256");
	expect_one_error("addr=18446744073709551616",
			 "addr: bad value \"18446744073709551616\" (too large for 64 bits): expected an integer in 0..18446744073709551615");
	expect_one_error("addr=0x10000000000000000",
			 "addr: bad value \"0x10000000000000000\" (too large for 64 bits): expected an integer in 0..18446744073709551615");
	expect_one_error("cpus=257", "cpus: bad value \"257\" (out of range): expected an integer in 1..256");
	expect_one_error("cpus=0", "cpus: bad value \"0\" (out of range): expected an integer in 1..256");
	expect_one_error("cpus=-1", "cpus: bad value \"-1\" (not a number): expected an integer in 1..256");
	expect_one_error("cpus=+4", "cpus: bad value \"+4\" (not a number): expected an integer in 1..256");
	expect_one_error("cpus=4x", "cpus: bad value \"4x\" (not a number): expected an integer in 1..256");
	expect_one_error("cpus=0x", "cpus: bad value \"0x\" (not a number): expected an integer in 1..256");
	expect_one_error("cpus=0x1g", "cpus: bad value \"0x1g\" (not a number): expected an integer in 1..256");
	expect_one_error("cpus=", "cpus: bad value \"\" (empty item): expected an integer in 1..256");
	expect_one_error("cpus=1e3", "cpus: bad value \"1e3\" (not a number): expected an integer in 1..256");
	assert_int_equal(o.cpus, 7);
	assert_int_equal(o.addr, 0x1234);
}

static void enum_rejects_other_words(void **state)
{
	(void)state;
	expect_one_error("mode=bench", "mode: bad value \"bench\": expected one of interactive|test");
	expect_one_error("mode=Test", "mode: bad value \"Test\": expected one of interactive|test");
	expect_one_error("mode=tes", "mode: bad value \"tes\": expected one of interactive|test");
	assert_int_equal(o.mode, 0);
}

static void string_too_long_is_rejected(void **state)
{
	(void)state;
	expect_one_error("name=0123456789abcdef",
			 "name: bad value \"0123456789abcdef\" (too long): expected at most 15 characters");
	assert_string_equal(o.name, "default");
}

static void cpu_list_rejects_every_malformed_shape(void **state)
{
	(void)state;
	static const struct { const char *line, *msg; } cases[] = {
		{ "vmx.cpus=3-1", "vmx.cpus: bad value \"3-1\" (reversed range): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=256", "vmx.cpus: bad value \"256\" (out of range): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=0-256", "vmx.cpus: bad value \"0-256\" (out of range): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "few.cpus=8", "few.cpus: bad value \"8\" (out of range): expected a CPU list like 0,2-3 of CPUs 0..7" },
		{ "vmx.cpus=0,,2", "vmx.cpus: bad value \"0,,2\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=0,2,", "vmx.cpus: bad value \"0,2,\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=,1", "vmx.cpus: bad value \",1\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=", "vmx.cpus: bad value \"\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=1-", "vmx.cpus: bad value \"1-\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=-1", "vmx.cpus: bad value \"-1\" (empty item): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=1-2-3", "vmx.cpus: bad value \"1-2-3\" (not a number): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=all", "vmx.cpus: bad value \"all\" (not a number): expected a CPU list like 0,2-3 of CPUs 0..255" },
		{ "vmx.cpus=0,99999999999999999999", "vmx.cpus: bad value \"0,99999999999999999999\" (too large for 64 bits): expected a CPU list like 0,2-3 of CPUs 0..255" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		expect_one_error(cases[i].line, cases[i].msg);
		assert_int_equal(o.vmx_cpus[0], 1);     /* untouched, even after a valid first item */
		assert_int_equal(o.few_cpus[0], 1);
	}
}

static void control_characters_in_values_are_rejected(void **state)
{
	(void)state;
	expect_one_error("name=a\x01z", "name: bad value \"a\\x01z\" (control character): expected at most 15 characters");
	expect_one_error("cpus=4\x7f", "cpus: bad value \"4\\x7f\" (control character): expected an integer in 1..256");
	expect_one_error("smp=on\r", "smp: bad value \"on\\x0d\" (control character): expected on|off|yes|no|1|0 or no value");
	assert_string_equal(o.name, "default");
	assert_int_equal(o.cpus, 7);
	/* In a key, it makes the key unknown; the message escapes it too. */
	assert_int_equal(parse("cp\x1bus=4"), 1);
	assert_int_equal(res.unknown, 1);
	assert_string_equal(res.msgs[0], "unknown option \"cp\\x1bus\" ignored");
}

static void valued_option_without_value_is_rejected(void **state)
{
	(void)state;
	expect_one_error("cpus", "cpus: needs a value: expected an integer in 1..256");
	expect_one_error("mode", "mode: needs a value: expected one of interactive|test");
	assert_int_equal(o.cpus, 7);
}

static void token_without_key_is_rejected(void **state)
{
	(void)state;
	expect_one_error("=4", "no option name in \"=4\" ignored");
	expect_one_error("=", "no option name in \"=\" ignored");
}

/* ---- unknown and repeated keys ---- */

static void unknown_keys_are_reported_and_ignored(void **state)
{
	(void)state;
	assert_int_equal(parse("foo=1 cpus=4 bar CPUS=5 cpus.x=1"), 4);
	assert_int_equal(res.unknown, 4);
	assert_int_equal(res.errors, 0);
	assert_int_equal(res.applied, 1);
	assert_int_equal(o.cpus, 4);
	assert_int_equal(res.nmsgs, 4);
	assert_string_equal(res.msgs[0], "unknown option \"foo\" ignored");
	assert_string_equal(res.msgs[1], "unknown option \"bar\" ignored");
	assert_string_equal(res.msgs[2], "unknown option \"CPUS\" ignored");
	assert_string_equal(res.msgs[3], "unknown option \"cpus.x\" ignored");
}

static void repeated_key_last_valid_value_wins(void **state)
{
	(void)state;
	assert_int_equal(parse("cpus=2 cpus=3"), 0);
	assert_int_equal(o.cpus, 3);
	assert_int_equal(res.repeated, 1);
	assert_int_equal(res.nmsgs, 1);
	assert_string_equal(res.msgs[0], "cpus: given more than once; the last valid value wins");

	assert_int_equal(parse("cpus=2 cpus=x"), 1);
	assert_int_equal(o.cpus, 2);
	assert_int_equal(res.repeated, 1);
	assert_int_equal(res.nmsgs, 2);

	assert_int_equal(parse("smp=off smp smp=off smp"), 0);
	assert_true(o.smp);
	assert_int_equal(res.repeated, 3);
}

/* ---- limits ---- */

static void long_lines_fill_the_messages_and_count_the_rest(void **state)
{
	(void)state;
	static char line[4097];
	/* 4 KiB of unknown keys: 16 messages kept, the rest counted. */
	size_t n = 0;
	while (n + 4 <= 4096) {
		memcpy(line + n, "xyz ", 4);
		n += 4;
	}
	line[n] = '\0';
	assert_int_equal(parse(line), 1024);
	assert_int_equal(res.unknown, 1024);
	assert_int_equal(res.nmsgs, CMDLINE_MAX_MSGS);
	assert_int_equal(res.dropped, 1024 - CMDLINE_MAX_MSGS);

	/* One 4 KiB token: the message quotes its start and is cut to fit. */
	memcpy(line, "name=", 5);
	memset(line + 5, 'a', 4096 - 5);
	line[4096] = '\0';
	expect_one_error(line, "name: bad value \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"... (too long): "
			 "expected at most 15 characters");

	/* A 4 KiB CPU list still parses. */
	n = (size_t)sprintf(line, "vmx.cpus=");
	while (n + 6 < 4096)
		n += (size_t)sprintf(line + n, "%zu,", (n / 7) % 256);
	n += (size_t)sprintf(line + n, "0");
	assert_true(n < sizeof line);
	assert_int_equal(parse(line), 0);
	assert_int_equal(o.vmx_cpus[0] & 1, 1);
}

static void overlong_message_ends_in_an_ellipsis(void **state)
{
	(void)state;
	static const char *const many[] = {
		"aaaaaaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbbbbbb", "cccccccccccccccccccc",
		"dddddddddddddddddddd", "eeeeeeeeeeeeeeeeeeee", NULL,
	};
	const struct cmdline_option t[] = { { "e", CMDLINE_ENUM, &o.mode, 0, 0, many, NULL } };
	assert_int_equal(cmdline_parse("e=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz", t, 1, &res), 1);
	assert_int_equal(strlen(res.msgs[0]), CMDLINE_MSG_LEN - 1);
	assert_memory_equal(res.msgs[0] + CMDLINE_MSG_LEN - 4, "...", 3);
	assert_memory_equal(res.msgs[0], "e: bad value \"zzz", 16);
}

static void oversized_table_is_refused(void **state)
{
	(void)state;
	static struct cmdline_option big[CMDLINE_MAX_OPTIONS + 1];
	assert_int_equal(cmdline_parse("cpus=1", big, CMDLINE_MAX_OPTIONS + 1, &res), -1);
	assert_int_equal(res.nmsgs, 1);
	assert_string_equal(res.msgs[0], "option table too large: 129 options, at most 128");
}

/* ---- the standalone parsers ---- */

static void parse_u64_is_strict(void **state)
{
	(void)state;
	u64 v = 42;
	assert_int_equal(parse_u64("0", 1, &v), CMDLINE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("123abc", 3, &v), CMDLINE_OK);      /* only len counts */
	assert_int_equal(v, 123);
	assert_int_equal(parse_u64("0x0", 3, &v), CMDLINE_OK);
	assert_int_equal(v, 0);
	assert_int_equal(parse_u64("18446744073709551615", 20, &v), CMDLINE_OK);
	assert_int_equal(v, UINT64_MAX);
	v = 42;
	assert_int_equal(parse_u64("", 0, &v), CMDLINE_EEMPTY);
	assert_int_equal(parse_u64("18446744073709551616", 20, &v), CMDLINE_EOVERFLOW);
	assert_int_equal(parse_u64("0x1ffffffffffffffff", 19, &v), CMDLINE_EOVERFLOW);
	assert_int_equal(parse_u64("99999999999999999999x", 21, &v), CMDLINE_ESYNTAX);
	assert_int_equal(parse_u64(" 1", 2, &v), CMDLINE_ESYNTAX);
	assert_int_equal(parse_u64("1 ", 2, &v), CMDLINE_ESYNTAX);
	assert_int_equal(parse_u64("-0", 2, &v), CMDLINE_ESYNTAX);
	assert_int_equal(parse_u64("0b1", 3, &v), CMDLINE_ESYNTAX);
	assert_int_equal(parse_u64("1\0", 2, &v), CMDLINE_ESYNTAX);
	assert_int_equal(parse_u64("ff", 2, &v), CMDLINE_ESYNTAX);
	assert_int_equal(v, 42);
}

static void parse_cpu_list_clears_and_fills_any_width(void **state)
{
	(void)state;
	u64 map[5];
	memset(map, 0xff, sizeof map);
	assert_int_equal(parse_cpu_list("299,0x40", 8, map, 300), CMDLINE_OK);
	assert_int_equal(map[0], 0);
	assert_int_equal(map[1], 1);
	assert_int_equal(map[2], 0);
	assert_int_equal(map[3], 0);
	assert_int_equal(map[4], 1ull << (299 - 256));
	assert_int_equal(parse_cpu_list("300", 3, map, 300), CMDLINE_ERANGE);

	u64 one = UINT64_MAX;
	assert_int_equal(parse_cpu_list("0-63", 4, &one, 64), CMDLINE_OK);
	assert_int_equal(one, UINT64_MAX);
	assert_int_equal(parse_cpu_list("1,3", 3, &one, 64), CMDLINE_OK);
	assert_int_equal(one, 0xa);
	assert_int_equal(parse_cpu_list("1,3,", 3, &one, 64), CMDLINE_OK);    /* len excludes the comma */
	assert_int_equal(parse_cpu_list("1,3,", 4, &one, 64), CMDLINE_EEMPTY);
	assert_int_equal(parse_cpu_list("0", 1, &one, 0), CMDLINE_ERANGE);
	assert_int_equal(parse_cpu_list("5-4", 3, &one, 64), CMDLINE_EREVERSED);
	assert_int_equal(parse_cpu_list("0-18446744073709551615", 22, &one, 64), CMDLINE_ERANGE);
}

static void describe_names_the_option_and_what_it_takes(void **state)
{
	(void)state;
	char buf[CMDLINE_MSG_LEN];
	cmdline_describe(&table[5], buf, sizeof buf);
	assert_string_equal(buf, "cpus: start at most N CPUs (an integer in 1..256)");
	cmdline_describe(&table[2], buf, sizeof buf);
	assert_string_equal(buf, "apic: (one of auto|xapic|x2apic)");
	cmdline_describe(&table[10], buf, sizeof buf);
	assert_string_equal(buf, "few.cpus: (a CPU list like 0,2-3 of CPUs 0..7)");
	cmdline_describe(&table[3], buf, 8);
	assert_string_equal(buf, "smp: of");
	buf[0] = 'x';
	cmdline_describe(&table[3], buf, 0);
	assert_int_equal(buf[0], 'x');
}

/* hold=SECONDS (kernel/options.c): its default, "until a key", is ~0, outside
 * the range, and stays when the option is absent or its value is refused */
static void hold_default_survives_absence_and_bad_values(void **state)
{
	(void)state;
	u64 hold = ~0ULL;
	bool fb = true;
	const struct cmdline_option t[] = {
		{ "fb", CMDLINE_BOOL, &fb, 0, 0, NULL, NULL },
		{ "hold", CMDLINE_U64, &hold, 0, 86400, NULL, NULL },
	};
	assert_int_equal(cmdline_parse("mode=test", t, 2, &res), 1);   /* mode: unknown here */
	assert_true(hold == ~0ULL && fb);
	assert_int_equal(cmdline_parse("hold=86401 hold=-1 hold=soon", t, 2, &res), 3);
	assert_true(hold == ~0ULL);
	assert_int_equal(cmdline_parse("hold=0 fb=off", t, 2, &res), 0);
	assert_true(hold == 0 && !fb);
	assert_int_equal(cmdline_parse("hold=30", t, 2, &res), 0);
	assert_true(hold == 30);
}

#define T(name) cmocka_unit_test_setup(name, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(example_line_sets_every_option),
		T(blanks_and_tabs_separate_tokens),
		T(empty_and_blank_lines_change_nothing),
		T(bool_accepts_bare_flag_and_six_words),
		T(u64_takes_decimal_and_hex),
		T(enum_stores_the_index_of_the_word),
		T(string_is_copied_up_to_its_buffer),
		T(cpu_list_sets_bits_and_ranges),
		T(bool_rejects_other_words),
		T(u64_rejects_overflow_sign_junk_and_range),
		T(enum_rejects_other_words),
		T(string_too_long_is_rejected),
		T(cpu_list_rejects_every_malformed_shape),
		T(control_characters_in_values_are_rejected),
		T(valued_option_without_value_is_rejected),
		T(token_without_key_is_rejected),
		T(unknown_keys_are_reported_and_ignored),
		T(repeated_key_last_valid_value_wins),
		T(long_lines_fill_the_messages_and_count_the_rest),
		T(overlong_message_ends_in_an_ellipsis),
		T(oversized_table_is_refused),
		T(parse_u64_is_strict),
		T(parse_cpu_list_clears_and_fills_any_width),
		T(describe_names_the_option_and_what_it_takes),
		T(hold_default_survives_absence_and_bad_values),
	};
	return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
