/* Arbitrary bytes typed at the console: every byte through le_feed(), with a
 * model terminal checking that the echo shows exactly the line being edited;
 * every completed line tokenized and matched against a small command table,
 * and every word run through the CPU selector, field and value parsers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/console_cmd.h"
#include "vmx/vmcs_parse.h"
#include "kernel/console_line.h"
#include "vmx/vmcs_fields.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static int h_none(void *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	return 0;
}

static const struct console_cmd table[] = {
	{ "help", NULL, 0, 1, "help [command]", "list the commands", h_none, 0 },
	{ "vmx", "on", 1, 1, "vmx on <cpus>", "enter VMX operation", h_none, 0 },
	{ "vmx", "off", 1, 1, "vmx off <cpus>", NULL, h_none, 0 },
	{ "vmcs", NULL, 1, 1, "vmcs <cpus>", "dump", h_none, 0 },
	{ "vmcs", "write", 3, 3, "vmcs write <cpus> <field> <value>", "VMWRITE", h_none, 0 },
	{ "x", NULL, 0, 255, NULL, NULL, h_none, 0 },
};

/* err must be a NUL-terminated string within its buffer. */
static void check_err(const char *err, size_t errlen)
{
	if (errlen)
		check(strnlen(err, errlen) < errlen);
}

/* A terminal of one line: what the echo leaves visible. */
struct screen {
	char cells[LE_OUT_MAX * 4];
	size_t cursor, extent;
};

static void screen_put(struct screen *s, u8 c)
{
	if (c == '\b') {
		check(s->cursor > 0);
		s->cursor--;
	} else if (c == '\r') {
		s->cursor = 0;
	} else if (c == '\n') {
		check(s->cursor == 0);         /* always "\r\n" */
		s->extent = 0;
	} else {
		check(c >= 0x20 && c < 0x7f);
		check(s->cursor < sizeof s->cells);
		s->cells[s->cursor++] = (char)c;
		if (s->cursor > s->extent)
			s->extent = s->cursor;
	}
}

static void parse_words(char *line, u32 ncpus, size_t errlen)
{
	char buf[CONSOLE_ERR_MAX];
	char *err = errlen ? buf : NULL;
	char *argv[CONSOLE_MAX_ARGS];
	int argc = console_tokenize(line, argv, CONSOLE_MAX_ARGS, err, errlen);
	if (argc < 0) {
		check_err(err, errlen);
		return;
	}
	check(argc <= CONSOLE_MAX_ARGS);
	const struct console_cmd *c = console_match(table, ARRAY_SIZE(table), argc, argv, err, errlen);
	if (c) {
		int nargs = argc - console_cmd_first_arg(c);
		check(nargs >= c->min_args && nargs <= c->max_args);
		check(strcmp(c->name, argv[0]) == 0);
		check(!c->sub || strcmp(c->sub, argv[1]) == 0);
	} else {
		check_err(err, errlen);
	}
	for (int i = 0; i < argc; i++) {
		u64 map[256 / 64] = { 0 };   /* ncpus is at most 256 here: the words past it stay 0 */
		if (cpusel_parse(argv[i], ncpus, map, err, errlen) == 0) {
			for (u32 cpu = ncpus; cpu < 256; cpu++)
				check(!(map[cpu / 64] & BIT(cpu % 64)));
		} else {
			check_err(err, errlen);
			check((map[0] | map[1] | map[2] | map[3]) == 0);
		}
		u32 enc = 0;
		if (vmcs_field_parse(argv[i], &enc, err, errlen) == 0)
			check(enc <= 0x7fff);
		else
			check_err(err, errlen);
		const u32 encs[] = { enc, 0x0000, 0x2011, 0x4402, 0x6802, 0x0001, 0x7fff };
		for (size_t k = 0; k < ARRAY_SIZE(encs); k++) {
			u64 v = 0;
			if (vmcs_value_parse(argv[i], encs[k], &v, err, errlen) == 0) {
				enum vmcs_field_width w = vmcs_field_width(encs[k]);
				if (w == VMCS_WIDTH_16)
					check(v <= 0xffff);
				else if (w == VMCS_WIDTH_32 || (w == VMCS_WIDTH_64 && (encs[k] & 1)))
					check(v <= 0xffffffffULL);
			} else {
				check_err(err, errlen);
			}
		}
	}
}

static void emit(void *ctx, const char *line)
{
	(void)ctx;
	check(strlen(line) < 200);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	u32 ncpus = (u32)data[0] + 1;                   /* 1..256 */
	size_t errlen = data[1] % (CONSOLE_ERR_MAX + 1); /* 0 tests err == NULL paths too */
	static struct line_editor le;
	static struct le_output out;
	static struct screen scr;
	le_init(&le);
	memset(&scr, 0, sizeof scr);

	for (size_t i = 2; i < size; i++) {
		enum le_event ev = le_feed(&le, data[i], &out);
		check(out.len <= sizeof out.bytes);
		for (size_t k = 0; k < out.len; k++)
			screen_put(&scr, out.bytes[k]);
		check(le.len <= LE_LINE_MAX);
		check(le.hist_count <= LE_HISTORY);
		if (ev == LE_NONE) {
			/* the screen shows the line, and nothing after it */
			check(scr.cursor == le.len);
			check(memcmp(scr.cells, le.buf, le.len) == 0);
			for (size_t k = le.len; k < scr.extent; k++)
				check(scr.cells[k] == ' ');
			check(le_line(&le) == NULL);
			continue;
		}
		check(scr.cursor == 0 && scr.extent == 0);
		if (ev == LE_TOO_LONG) {
			char msg[64];
			le_too_long_message(&le, msg, sizeof msg);
			check(le.rejected > LE_LINE_MAX);
			check(le_line(&le) == NULL);
			continue;
		}
		char *line = le_line(&le);
		if (ev == LE_DROPPED) {
			check(line == NULL);
			continue;
		}
		check(line != NULL);
		size_t n = strlen(line);
		check(n <= LE_LINE_MAX);
		for (size_t k = 0; k < n; k++)
			check(line[k] >= 0x20 && line[k] < 0x7f);
		parse_words(line, ncpus, errlen);
	}
	console_help(table, ARRAY_SIZE(table), emit, NULL);
	return 0;
}
