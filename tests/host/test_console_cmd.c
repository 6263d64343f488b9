/* kernel/console_cmd.c: the tokenizer, CPU selectors, VMCS fields and values,
 * command matching and help, each rejection with its exact message. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/console_cmd.h"
#include "kernel/cpuset.h"
#include "kernel/lib.h"
#include "vmx/vmcs_parse.h"
#include "vmx/vmx_defs.h"

static char err[CONSOLE_ERR_MAX];

static int setup(void **state)
{
	(void)state;
	memset(err, '#', sizeof err);
	err[sizeof err - 1] = '\0';
	return 0;
}

/* ---- tokenizer ---- */

static void tokenize_splits_on_spaces_and_tabs(void **state)
{
	(void)state;
	char line[] = "  vmx\ton   0,2-3 \t";
	char *argv[CONSOLE_MAX_ARGS];
	assert_int_equal(console_tokenize(line, argv, CONSOLE_MAX_ARGS, err, sizeof err), 3);
	assert_string_equal(argv[0], "vmx");
	assert_string_equal(argv[1], "on");
	assert_string_equal(argv[2], "0,2-3");
}

static void tokenize_blank_line_gives_no_words(void **state)
{
	(void)state;
	char *argv[CONSOLE_MAX_ARGS];
	char empty[] = "", blanks[] = " \t  ";
	assert_int_equal(console_tokenize(empty, argv, CONSOLE_MAX_ARGS, err, sizeof err), 0);
	assert_int_equal(console_tokenize(blanks, argv, CONSOLE_MAX_ARGS, err, sizeof err), 0);
}

static void tokenize_takes_max_words_and_rejects_more(void **state)
{
	(void)state;
	char *argv[CONSOLE_MAX_ARGS];
	char eight[] = "a b c d e f g h";
	assert_int_equal(console_tokenize(eight, argv, CONSOLE_MAX_ARGS, err, sizeof err), 8);
	assert_string_equal(argv[7], "h");
	char nine[] = "a b c d e f g h i";
	assert_int_equal(console_tokenize(nine, argv, CONSOLE_MAX_ARGS, err, sizeof err), -1);
	assert_string_equal(err, "too many words (at most 8)");
	char trailing[] = "a b c d e f g h    ";
	assert_int_equal(console_tokenize(trailing, argv, CONSOLE_MAX_ARGS, err, sizeof err), 8);
}

/* ---- CPU selectors ---- */

static u64 map[4096 / 64];

static int sel(const char *tok, u32 ncpus)
{
	/* the selector's own words hold junk (it must clear them); the words past
	 * them are not its buffer: 0 here, and they must stay 0 */
	memset(map, 0, sizeof map);
	memset(map, 0xa5, cpuset_words(ncpus) * sizeof(u64));
	int rc = cpusel_parse(tok, ncpus, map, err, sizeof err);
	for (u64 w = cpuset_words(ncpus); w < ARRAY_SIZE(map); w++)
		assert_int_equal(map[w], 0);
	return rc;
}

static void assert_map(u64 w0, u64 w1, u64 w2, u64 w3)
{
	assert_int_equal(map[0], w0);
	assert_int_equal(map[1], w1);
	assert_int_equal(map[2], w2);
	assert_int_equal(map[3], w3);
}

static void cpusel_all_selects_every_cpu(void **state)
{
	(void)state;
	assert_int_equal(sel("all", 4), 0);
	assert_map(0xf, 0, 0, 0);
	assert_int_equal(sel("all", 1), 0);
	assert_map(0x1, 0, 0, 0);
	assert_int_equal(sel("all", 65), 0);
	assert_map(~0ULL, 1, 0, 0);
	assert_int_equal(sel("all", 256), 0);
	assert_map(~0ULL, ~0ULL, ~0ULL, ~0ULL);
}

static void cpusel_index_and_list(void **state)
{
	(void)state;
	assert_int_equal(sel("0", 4), 0);
	assert_map(0x1, 0, 0, 0);
	assert_int_equal(sel("0,2-3", 4), 0);
	assert_map(0xd, 0, 0, 0);
	assert_int_equal(sel("3", 4), 0);
	assert_map(0x8, 0, 0, 0);
	assert_int_equal(sel("0x2", 4), 0);
	assert_map(0x4, 0, 0, 0);
	assert_int_equal(sel("255,64-65", 256), 0);
	assert_map(0, 3, 0, BIT(63));
}

static void cpusel_repeats_merge(void **state)
{
	(void)state;
	assert_int_equal(sel("1,1,0-1,1-1", 4), 0);
	assert_map(0x3, 0, 0, 0);
}

static void cpusel_rejects_reversed_range(void **state)
{
	(void)state;
	assert_int_equal(sel("3-1", 4), CMDLINE_EREVERSED);
	assert_string_equal(err, "reversed range in CPU selector '3-1' (write low-high)");
	assert_map(0, 0, 0, 0);
}

static void cpusel_rejects_missing_cpu_naming_it(void **state)
{
	(void)state;
	assert_int_equal(sel("1-99", 4), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 4 (4 CPUs: 0-3)");
	assert_map(0, 0, 0, 0);
	assert_int_equal(sel("0,7,5", 4), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 7 (4 CPUs: 0-3)");
	assert_int_equal(sel("0,9-12", 4), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 9 (4 CPUs: 0-3)");
	assert_int_equal(sel("1", 1), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 1 (1 CPU: 0)");
	assert_int_equal(sel("0-300", 256), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 256 (256 CPUs: 0-255)");
	assert_int_equal(sel("18446744073709551615", 4), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 18446744073709551615 (4 CPUs: 0-3)");
}

static void cpusel_rejects_empty(void **state)
{
	(void)state;
	assert_int_equal(sel("", 4), CMDLINE_EEMPTY);
	assert_string_equal(err, "empty CPU selector: expected all, N or a list like 0,2-3");
	assert_map(0, 0, 0, 0);
	assert_int_equal(sel(NULL, 4), CMDLINE_EEMPTY);
	assert_int_equal(sel("0,,1", 4), CMDLINE_EEMPTY);
	assert_string_equal(err, "empty item in CPU selector '0,,1': "
			    "expected all, N or a list like 0,2-3");
	assert_int_equal(sel("0,", 4), CMDLINE_EEMPTY);
	assert_int_equal(sel(",0", 4), CMDLINE_EEMPTY);
	assert_int_equal(sel("-1", 4), CMDLINE_EEMPTY);
}

static void cpusel_rejects_overflow(void **state)
{
	(void)state;
	assert_int_equal(sel("99999999999999999999", 4), CMDLINE_EOVERFLOW);
	assert_string_equal(err, "CPU number too large in '99999999999999999999' (4 CPUs: 0-3)");
	assert_map(0, 0, 0, 0);
	assert_int_equal(sel("0-99999999999999999999", 4), CMDLINE_EOVERFLOW);
}

static void cpusel_rejects_garbage(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"x", "ALL", "all,1", "1-", "1-2-3", "0x", "1 2", "one", "+1", "1;2", "al",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		assert_true(sel(bad[i], 4) < 0);
		assert_map(0, 0, 0, 0);
		assert_non_null(strstr(err, "expected all, N or a list like 0,2-3"));
	}
	sel("x", 4);
	assert_string_equal(err, "bad CPU selector 'x': expected all, N or a list like 0,2-3");
}

static void cpusel_rejects_bad_cpu_count(void **state)
{
	(void)state;
	assert_int_equal(sel("0", 0), CMDLINE_ERANGE);
	assert_string_equal(err, "cannot select CPUs of a machine with no CPUs");
}

/* no fixed limit: a selector is sized from the machine's CPU count */
static void cpusel_takes_any_cpu_count(void **state)
{
	(void)state;
	assert_int_equal(sel("all", 257), 0);
	assert_map(~0ULL, ~0ULL, ~0ULL, ~0ULL);
	assert_int_equal(map[4], 1);
	assert_int_equal(sel("4095,256-257", 4096), 0);
	assert_map(0, 0, 0, 0);
	assert_int_equal(map[4], 3);
	assert_int_equal(map[63], 1ULL << 63);
	assert_int_equal(sel("4096", 4096), CMDLINE_ERANGE);
	assert_string_equal(err, "no CPU 4096 (4096 CPUs: 0-4095)");
	assert_int_equal(map[63], 0);
	assert_int_equal(sel("1000-1023", 1024), 0);
	assert_int_equal(map[15], 0xffffff0000000000ULL);
}

static void cpusel_message_is_cut_to_the_buffer(void **state)
{
	(void)state;
	char small[8];
	assert_int_equal(cpusel_parse("1-99", 4, map, small, sizeof small), CMDLINE_ERANGE);
	assert_string_equal(small, "no CPU ");
	assert_int_equal(cpusel_parse("1-99", 4, map, NULL, 0), CMDLINE_ERANGE);
	/* a long token is quoted shortened */
	char tok[100];
	memset(tok, 'z', sizeof tok - 1);
	tok[sizeof tok - 1] = '\0';
	assert_true(sel(tok, 4) < 0);
	assert_true(strlen(err) < sizeof err - 1);
}

/* ---- VMCS values ---- */

static u64 val;

static int value(const char *tok, u32 enc)
{
	val = 0x5a5a;
	return vmcs_value_parse(tok, enc, &val, err, sizeof err);
}

static void value_fits_natural_width_field(void **state)
{
	(void)state;
	assert_int_equal(value("0x1000", VMCS_GUEST_CR3), 0);
	assert_int_equal(val, 0x1000);
	assert_int_equal(value("0xffffffffffffffff", VMCS_GUEST_CR3), 0);
	assert_int_equal(val, UINT64_MAX);
	assert_int_equal(value("18446744073709551615", VMCS_GUEST_RIP), 0);
	assert_int_equal(val, UINT64_MAX);
}

static void value_decimal_and_hex(void **state)
{
	(void)state;
	assert_int_equal(value("4096", VMCS_GUEST_CR3), 0);
	assert_int_equal(val, 4096);
	assert_int_equal(value("0XABcd", VMCS_GUEST_CR3), 0);
	assert_int_equal(val, 0xabcd);
	assert_int_equal(value("0", VMCS_VIRTUAL_PROCESSOR_ID), 0);
	assert_int_equal(val, 0);
}

static void value_too_wide_for_16_bit_field_names_the_width(void **state)
{
	(void)state;
	assert_int_equal(value("0xffff", VMCS_VIRTUAL_PROCESSOR_ID), 0);
	assert_int_equal(val, 0xffff);
	assert_int_equal(value("0x10000", VMCS_VIRTUAL_PROCESSOR_ID), CMDLINE_ERANGE);
	assert_string_equal(err, "value 0x10000 too large for 16-bit field "
			    "virtual_processor_id (at most 0xffff)");
	assert_int_equal(val, 0x5a5a);
	assert_int_equal(value("65536", VMCS_GUEST_ES_SELECTOR), CMDLINE_ERANGE);
	assert_string_equal(err, "value 65536 too large for 16-bit field "
			    "guest_es_selector (at most 0xffff)");
	assert_int_equal(value("65535", VMCS_GUEST_ES_SELECTOR), 0);
}

static void value_too_wide_for_32_bit_field(void **state)
{
	(void)state;
	assert_int_equal(value("0xffffffff", VMCS_PIN_BASED_CONTROLS), 0);
	assert_int_equal(val, 0xffffffffULL);
	assert_int_equal(value("0x100000000", VMCS_PIN_BASED_CONTROLS), CMDLINE_ERANGE);
	assert_string_equal(err, "value 0x100000000 too large for 32-bit field "
			    "pin_based_controls (at most 0xffffffff)");
}

static void value_64_bit_field_takes_any_u64_but_high_half_32(void **state)
{
	(void)state;
	assert_int_equal(value("0xffffffffffffffff", VMCS_TSC_OFFSET), 0);
	assert_int_equal(val, UINT64_MAX);
	assert_int_equal(value("0xffffffff", VMCS_TSC_OFFSET | 1), 0);
	assert_int_equal(value("0x100000000", VMCS_TSC_OFFSET | 1), CMDLINE_ERANGE);
	assert_string_equal(err, "value 0x100000000 too large for the high half of "
			    "64-bit field tsc_offset (at most 0xffffffff)");
}

static void value_for_unknown_encoding_names_it_raw(void **state)
{
	(void)state;
	assert_int_equal(value("0x10000", 0x0ffe), CMDLINE_ERANGE);
	assert_string_equal(err, "value 0x10000 too large for 16-bit field 0x0ffe (at most 0xffff)");
}

static void value_rejects_junk_and_overflow(void **state)
{
	(void)state;
	static const char *const junk[] = { "x", "-1", "+1", "0x", "12a", " 1", "1 ", "0x-1", "1e3" };
	for (size_t i = 0; i < ARRAY_SIZE(junk); i++) {
		assert_int_equal(value(junk[i], VMCS_GUEST_CR3), CMDLINE_ESYNTAX);
		assert_int_equal(val, 0x5a5a);
	}
	value("12a", VMCS_GUEST_CR3);
	assert_string_equal(err, "bad value '12a': expected decimal or 0x hex");
	assert_int_equal(value("", VMCS_GUEST_CR3), CMDLINE_EEMPTY);
	assert_string_equal(err, "empty value: expected decimal or 0x hex");
	assert_int_equal(value(NULL, VMCS_GUEST_CR3), CMDLINE_EEMPTY);
	assert_int_equal(value("18446744073709551616", VMCS_GUEST_CR3), CMDLINE_EOVERFLOW);
	assert_string_equal(err, "value '18446744073709551616' does not fit in 64 bits");
	assert_int_equal(value("0x10000000000000000", VMCS_GUEST_CR3), CMDLINE_EOVERFLOW);
	assert_int_equal(val, 0x5a5a);
}

/* ---- VMCS fields ---- */

static u32 enc;

static int field(const char *tok)
{
	enc = 0xdeadbeef;
	return vmcs_field_parse(tok, &enc, err, sizeof err);
}

static void field_by_name(void **state)
{
	(void)state;
	assert_int_equal(field("guest_cr3"), 0);
	assert_int_equal(enc, VMCS_GUEST_CR3);
	assert_int_equal(field("exit_reason"), 0);
	assert_int_equal(enc, VMCS_EXIT_REASON);
	assert_int_equal(field("virtual_processor_id"), 0);
	assert_int_equal(enc, VMCS_VIRTUAL_PROCESSOR_ID);
	assert_int_equal(field("GUEST_CR3"), 0);
	assert_int_equal(enc, VMCS_GUEST_CR3);
}

static void field_by_raw_encoding(void **state)
{
	(void)state;
	assert_int_equal(field("0x6802"), 0);
	assert_int_equal(enc, 0x6802);
	assert_int_equal(field("26626"), 0);
	assert_int_equal(enc, 0x6802);
	assert_int_equal(field("0x2011"), 0);        /* tsc_offset, high access */
	assert_int_equal(enc, 0x2011);
	assert_int_equal(field("0x7ffe"), 0);        /* not in the table: the CPU decides */
	assert_int_equal(enc, 0x7ffe);
	assert_int_equal(field("0x1000"), 0);        /* bit 12 reserved: the CPU decides */
	assert_int_equal(enc, 0x1000);
	assert_int_equal(field("0"), 0);
	assert_int_equal(enc, 0);
	assert_int_equal(field("0x7fff"), 0);
	assert_int_equal(enc, 0x7fff);
}

static void field_rejects_reserved_high_bits(void **state)
{
	(void)state;
	assert_int_equal(field("0x8000"), CMDLINE_ERANGE);
	assert_string_equal(err, "VMCS field encoding '0x8000' too large (bits 31:15 must be 0)");
	assert_int_equal(enc, 0xdeadbeef);
	assert_int_equal(field("0x100006802"), CMDLINE_ERANGE);
	assert_int_equal(field("99999999999999999999"), CMDLINE_EOVERFLOW);
	assert_int_equal(enc, 0xdeadbeef);
}

static void field_rejects_unknown_names_and_junk(void **state)
{
	(void)state;
	assert_int_equal(field("guest_cr9"), CMDLINE_ESYNTAX);
	assert_string_equal(err, "unknown VMCS field 'guest_cr9': "
			    "expected a name like guest_cr3 or an encoding like 0x6802");
	assert_int_equal(enc, 0xdeadbeef);
	assert_int_equal(field("0xzz"), CMDLINE_ESYNTAX);
	assert_string_equal(err, "bad VMCS field '0xzz': "
			    "expected a name like guest_cr3 or an encoding like 0x6802");
	assert_int_equal(field(""), CMDLINE_EEMPTY);
	assert_int_equal(field(NULL), CMDLINE_EEMPTY);
	assert_int_equal(field("VMCS_GUEST_CR3"), CMDLINE_ESYNTAX);
	assert_int_equal(field("guest_cr3 "), CMDLINE_ESYNTAX);
	char longname[200];
	memset(longname, 'a', sizeof longname - 1);
	longname[sizeof longname - 1] = '\0';
	memcpy(longname, "guest_cr3", 9);
	assert_int_equal(field(longname), CMDLINE_ESYNTAX);
	assert_int_equal(enc, 0xdeadbeef);
}

/* ---- command table ---- */

static int calls;
static int h_any(void *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	calls++;
	return 0;
}

static const struct console_cmd table[] = {
	{ "help", NULL, 0, 1, "help [command]", "list the commands", h_any, 0 },
	{ "vmx", "on", 1, 1, "vmx on <cpus>", "enter VMX operation", h_any, 0 },
	{ "vmx", "off", 1, 1, "vmx off <cpus>", "leave VMX operation", h_any, 0 },
	{ "vmcs", NULL, 1, 1, "vmcs <cpus>", "dump the current VMCS", h_any, 0 },
	{ "vmcs", "read", 2, 2, "vmcs read <cpus> <field>", "VMREAD one field", h_any, 0 },
	{ "vmcs", "write", 3, 3, "vmcs write <cpus> <field> <value>", "VMWRITE one field", h_any, 0 },
	{ "cpus", NULL, 0, 0, NULL, NULL, h_any, 0 },
};

static const struct console_cmd *match_line(const char *text)
{
	static char line[200];
	static char *argv[CONSOLE_MAX_ARGS];
	snprintf(line, sizeof line, "%s", text);
	int argc = console_tokenize(line, argv, CONSOLE_MAX_ARGS, err, sizeof err);
	assert_true(argc >= 0);
	return console_match(table, ARRAY_SIZE(table), argc, argv, err, sizeof err);
}

static void match_finds_commands_and_subcommands(void **state)
{
	(void)state;
	assert_ptr_equal(match_line("help"), &table[0]);
	assert_ptr_equal(match_line("help vmx"), &table[0]);
	assert_ptr_equal(match_line("vmx on 0,2-3"), &table[1]);
	assert_ptr_equal(match_line("vmx off all"), &table[2]);
	assert_ptr_equal(match_line("vmcs read 0 guest_cr3"), &table[4]);
	assert_ptr_equal(match_line("vmcs write all guest_cr3 0x1000"), &table[5]);
	assert_ptr_equal(match_line("cpus"), &table[6]);
	assert_int_equal(console_cmd_first_arg(&table[0]), 1);
	assert_int_equal(console_cmd_first_arg(&table[5]), 2);
}

static void match_plain_entry_takes_what_is_no_subcommand(void **state)
{
	(void)state;
	assert_ptr_equal(match_line("vmcs 0"), &table[3]);
	assert_ptr_equal(match_line("vmcs all"), &table[3]);
	assert_null(match_line("vmcs"));
	assert_string_equal(err, "usage: vmcs <cpus>");
	/* "vmcs write" with too few arguments is that entry's usage */
	assert_null(match_line("vmcs write 0 guest_cr3"));
	assert_string_equal(err, "usage: vmcs write <cpus> <field> <value>");
}

static void match_rejects_unknown_command(void **state)
{
	(void)state;
	assert_null(match_line("xyz"));
	assert_string_equal(err, "unknown command 'xyz' (type help)");
	assert_null(match_line("VMX on 0"));
	assert_string_equal(err, "unknown command 'VMX' (type help)");
	assert_null(match_line("on"));
	assert_string_equal(err, "unknown command 'on' (type help)");
}

static void match_rejects_wrong_counts_with_usage(void **state)
{
	(void)state;
	assert_null(match_line("vmx on"));
	assert_string_equal(err, "usage: vmx on <cpus>");
	assert_null(match_line("vmx on 0 1"));
	assert_string_equal(err, "usage: vmx on <cpus>");
	assert_null(match_line("vmx off"));
	assert_string_equal(err, "usage: vmx off <cpus>");
	assert_null(match_line("help a b"));
	assert_string_equal(err, "usage: help [command]");
	assert_null(match_line("vmcs write 0 guest_cr3 1 2"));
	assert_string_equal(err, "usage: vmcs write <cpus> <field> <value>");
	assert_null(match_line("cpus 1"));        /* no usage text: the name */
	assert_string_equal(err, "usage: cpus");
}

static void match_rejects_missing_or_unknown_subcommand(void **state)
{
	(void)state;
	assert_null(match_line("vmx"));
	assert_string_equal(err, "vmx: missing subcommand (one of: on, off)");
	assert_null(match_line("vmx of 0"));
	assert_string_equal(err, "vmx: unknown subcommand 'of' (one of: on, off)");
	assert_null(match_line("vmx ON 0"));
	assert_string_equal(err, "vmx: unknown subcommand 'ON' (one of: on, off)");
}

static void match_rejects_empty_line(void **state)
{
	(void)state;
	assert_null(console_match(table, ARRAY_SIZE(table), 0, NULL, err, sizeof err));
	assert_string_equal(err, "empty command");
}

static void match_error_is_cut_to_the_buffer(void **state)
{
	(void)state;
	char line[] = "vmx";
	char *argv[] = { line };
	char small[12];
	assert_null(console_match(table, ARRAY_SIZE(table), 1, argv, small, sizeof small));
	assert_string_equal(small, "vmx: missin");
	assert_null(console_match(table, ARRAY_SIZE(table), 1, argv, NULL, 0));
	char one[1];
	assert_null(console_match(table, ARRAY_SIZE(table), 1, argv, one, 1));
	assert_string_equal(one, "");
}

static void matched_handler_parses_its_arguments(void **state)
{
	(void)state;
	char line[] = "vmcs write 0,2-3 guest_cr3 0x1000";
	char *argv[CONSOLE_MAX_ARGS];
	int argc = console_tokenize(line, argv, CONSOLE_MAX_ARGS, err, sizeof err);
	const struct console_cmd *c = console_match(table, ARRAY_SIZE(table), argc, argv,
						    err, sizeof err);
	assert_non_null(c);
	int a = console_cmd_first_arg(c);
	u64 cpus[1];
	u32 e;
	u64 v;
	assert_int_equal(cpusel_parse(argv[a], 4, cpus, err, sizeof err), 0);
	assert_int_equal(cpus[0], 0xd);
	assert_int_equal(vmcs_field_parse(argv[a + 1], &e, err, sizeof err), 0);
	assert_int_equal(vmcs_value_parse(argv[a + 2], e, &v, err, sizeof err), 0);
	assert_int_equal(e, VMCS_GUEST_CR3);
	assert_int_equal(v, 0x1000);
	calls = 0;
	assert_int_equal(c->handler(NULL, argc, argv), 0);
	assert_int_equal(calls, 1);
}

/* ---- help ---- */

static char help_lines[16][200];
static unsigned nhelp;

static void collect(void *ctx, const char *line)
{
	assert_ptr_equal(ctx, &nhelp);
	assert_true(nhelp < ARRAY_SIZE(help_lines));
	snprintf(help_lines[nhelp++], sizeof help_lines[0], "%s", line);
}

static void help_lists_usage_and_help_aligned(void **state)
{
	(void)state;
	nhelp = 0;
	console_help(table, ARRAY_SIZE(table), collect, &nhelp);
	assert_int_equal(nhelp, ARRAY_SIZE(table));
	assert_string_equal(help_lines[0],
			    "help [command]                     list the commands");
	assert_string_equal(help_lines[1],
			    "vmx on <cpus>                      enter VMX operation");
	assert_string_equal(help_lines[5],
			    "vmcs write <cpus> <field> <value>  VMWRITE one field");
	assert_string_equal(help_lines[6], "cpus");
}

/* The order the kernel's linker collected the registered entries in
 * (nm build/vmxboot.elf: each file's entries reversed, kernel/ before vmx/),
 * with their real orders: console_sort must give help's order back. */
static struct console_cmd linked[] = {
	{ "poweroff", NULL, 0, 0, "poweroff", NULL, h_any, 140 },
	{ "log", NULL, 0, 0, "log", NULL, h_any, 120 },
	{ "bench", "smp", 0, 0, "bench smp", NULL, h_any, 111 },
	{ "cpus", NULL, 0, 0, "cpus", NULL, h_any, 20 },
	{ "help", NULL, 0, 0, "help", NULL, h_any, 10 },
	{ "bench", "vmx", 0, 0, "bench vmx", NULL, h_any, 110 },
	{ "vmx", "status", 0, 1, "vmx status [cpus]", NULL, h_any, 52 },
	{ "vmx", "off", 1, 1, "vmx off <cpus>", NULL, h_any, 51 },
	{ "vmx", "on", 1, 1, "vmx on <cpus>", NULL, h_any, 50 },
	{ "caps", "diff", 0, 1, "caps diff [cpus]", NULL, h_any, 32 },
	{ "caps", "raw", 0, 1, "caps raw [cpu]", NULL, h_any, 31 },
	{ "caps", NULL, 0, 2, "caps [cpu] [group]", NULL, h_any, 30 },
};

static void sort_restores_help_order_from_link_order(void **state)
{
	(void)state;
	static const char *const want[] = { "help", "cpus", "caps [cpu] [group]", "caps raw [cpu]",
		"caps diff [cpus]", "vmx on <cpus>", "vmx off <cpus>", "vmx status [cpus]", "bench vmx",
		"bench smp", "log", "poweroff" };
	struct console_cmd t[ARRAY_SIZE(linked)];
	memcpy(t, linked, sizeof t);
	console_sort(t, ARRAY_SIZE(t));
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		assert_string_equal(t[i].usage, want[i]);
	assert_int_equal(console_shadowed(t, ARRAY_SIZE(t)), ARRAY_SIZE(t));
	/* the subcommand error names them in help's order */
	char line[] = "vmx", *argv[] = { line };
	assert_null(console_match(t, ARRAY_SIZE(t), 1, argv, err, sizeof err));
	assert_string_equal(err, "vmx: missing subcommand (one of: on, off, status)");
	char l2[] = "caps", l3[] = "diff", l4[] = "0-1", *argv2[] = { l2, l3, l4 };
	assert_ptr_equal(console_match(t, ARRAY_SIZE(t), 3, argv2, err, sizeof err), &t[4]);
}

static void sort_breaks_ties_by_name_then_subcommand(void **state)
{
	(void)state;
	struct console_cmd t[] = {
		{ "vmx", "on", 1, 1, "b", NULL, h_any, 5 },
		{ "vmx", NULL, 0, 0, "a", NULL, h_any, 5 },
		{ "fc", NULL, 0, 0, "c", NULL, h_any, 7 },
		{ "cpus", NULL, 0, 0, "d", NULL, h_any, 5 },
		{ "vmx", "off", 1, 1, "e", NULL, h_any, 5 },
	};
	console_sort(t, ARRAY_SIZE(t));
	const char *want = "daebc";
	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		assert_int_equal(t[i].usage[0], want[i]);
	console_sort(t, 0);   /* nothing registered: nothing happens */
}

static void shadowed_finds_a_second_registration(void **state)
{
	(void)state;
	struct console_cmd t[ARRAY_SIZE(linked) + 1];
	memcpy(t, linked, sizeof linked);
	t[ARRAY_SIZE(linked)] = (struct console_cmd){ "vmx", "off", 0, 0, "vmx off (again)", NULL, h_any, 200 };
	console_sort(t, ARRAY_SIZE(t));
	size_t i = console_shadowed(t, ARRAY_SIZE(t));
	assert_int_equal(i, ARRAY_SIZE(t) - 1);
	assert_string_equal(t[i].usage, "vmx off (again)");
	/* a second plain entry of one name is shadowed too; a plain one beside subcommands is not */
	struct console_cmd u[] = {
		{ "caps", NULL, 0, 2, "caps", NULL, h_any, 1 },
		{ "caps", "raw", 0, 1, "caps raw", NULL, h_any, 2 },
		{ "caps", NULL, 0, 0, "caps again", NULL, h_any, 3 },
	};
	assert_int_equal(console_shadowed(u, 2), 2);
	assert_int_equal(console_shadowed(u, 3), 2);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(tokenize_splits_on_spaces_and_tabs),
		T(tokenize_blank_line_gives_no_words),
		T(tokenize_takes_max_words_and_rejects_more),
		T(cpusel_all_selects_every_cpu),
		T(cpusel_index_and_list),
		T(cpusel_repeats_merge),
		T(cpusel_rejects_reversed_range),
		T(cpusel_rejects_missing_cpu_naming_it),
		T(cpusel_rejects_empty),
		T(cpusel_rejects_overflow),
		T(cpusel_rejects_garbage),
		T(cpusel_rejects_bad_cpu_count),
		T(cpusel_takes_any_cpu_count),
		T(cpusel_message_is_cut_to_the_buffer),
		T(value_fits_natural_width_field),
		T(value_decimal_and_hex),
		T(value_too_wide_for_16_bit_field_names_the_width),
		T(value_too_wide_for_32_bit_field),
		T(value_64_bit_field_takes_any_u64_but_high_half_32),
		T(value_for_unknown_encoding_names_it_raw),
		T(value_rejects_junk_and_overflow),
		T(field_by_name),
		T(field_by_raw_encoding),
		T(field_rejects_reserved_high_bits),
		T(field_rejects_unknown_names_and_junk),
		T(match_finds_commands_and_subcommands),
		T(match_plain_entry_takes_what_is_no_subcommand),
		T(match_rejects_unknown_command),
		T(match_rejects_wrong_counts_with_usage),
		T(match_rejects_missing_or_unknown_subcommand),
		T(match_rejects_empty_line),
		T(match_error_is_cut_to_the_buffer),
		T(matched_handler_parses_its_arguments),
		T(help_lists_usage_and_help_aligned),
		T(sort_restores_help_order_from_link_order),
		T(sort_breaks_ties_by_name_then_subcommand),
		T(shadowed_finds_a_second_registration),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
