/* Console command parsing; see console_cmd.h. */
#include "kernel/console_cmd.h"
#include "kernel/cpuset.h"
#include "kernel/format.h"
#include "kernel/lib.h"
#include "vmx/vmcs_fields.h"

/* Bits 31:15 of a field encoding are reserved (SDM 25.11.2, table 25-21).
 * Bit 12 is reserved too, but a raw encoding is passed on as typed so the CPU
 * can give its own verdict. */
#define VMCS_ENC_RAW_RESERVED (~0x7fffULL)   /* and anything above bit 31 */

/* A token quoted in a message is cut to this many characters. */
#define TOK_SHOWN "40"

#define CPUSEL_EXPECTED "expected all, N or a list like 0,2-3"
#define FIELD_EXPECTED  "expected a name like guest_cr3 or an encoding like 0x6802"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int console_tokenize(char *line, char **argv, int maxargs, char *err, size_t errlen)
{
	int argc = 0;
	char *p = line;
	for (;;) {
		while (is_blank(*p))
			p++;
		if (*p == '\0')
			return argc;
		if (argc >= maxargs) {
			ksnprintf(err, errlen, "too many words (at most %d)", maxargs);
			return -1;
		}
		argv[argc++] = p;
		while (*p != '\0' && !is_blank(*p))
			p++;
		if (*p != '\0')
			*p++ = '\0';
	}
}

/* ---- CPU selectors ---- */

/* After parse_cpu_list said CMDLINE_ERANGE: the lowest CPU >= ncpus of the
 * first item reaching past it.  The items before it parsed cleanly. */
static u64 first_missing_cpu(const char *s, size_t len, u32 ncpus)
{
	size_t i = 0;
	while (i < len) {
		size_t start = i, dash = 0;
		bool has_dash = false;
		while (i < len && s[i] != ',') {
			if (s[i] == '-' && !has_dash) {
				has_dash = true;
				dash = i;
			}
			i++;
		}
		u64 lo, hi;
		size_t lo_end = has_dash ? dash : i;
		if (parse_u64(s + start, lo_end - start, &lo) != CMDLINE_OK)
			break;
		hi = lo;
		if (has_dash && parse_u64(s + dash + 1, i - dash - 1, &hi) != CMDLINE_OK)
			break;
		if (hi >= ncpus)
			return lo > ncpus ? lo : ncpus;
		i++;    /* the comma */
	}
	return ncpus;
}

static void cpus_described(char *buf, size_t size, u32 ncpus)
{
	if (ncpus == 1)
		ksnprintf(buf, size, "1 CPU: 0");
	else
		ksnprintf(buf, size, "%u CPUs: 0-%u", ncpus, ncpus - 1);
}

int cpusel_parse(const char *tok, u32 ncpus, u64 *bitmap, char *err, size_t errlen)
{
	if (ncpus == 0) {
		ksnprintf(err, errlen, "cannot select CPUs of a machine with no CPUs");
		return CMDLINE_ERANGE;
	}
	memset(bitmap, 0, cpuset_words(ncpus) * sizeof(u64));
	size_t len = tok ? strlen(tok) : 0;
	if (len == 0) {
		ksnprintf(err, errlen, "empty CPU selector: " CPUSEL_EXPECTED);
		return CMDLINE_EEMPTY;
	}
	if (strcmp(tok, "all") == 0) {
		for (u32 cpu = 0; cpu < ncpus; cpu++)
			bitmap[cpu / 64] |= BIT(cpu % 64);
		return CMDLINE_OK;
	}
	int rc = parse_cpu_list(tok, len, bitmap, ncpus);
	if (rc == CMDLINE_OK)
		return CMDLINE_OK;
	memset(bitmap, 0, cpuset_words(ncpus) * sizeof(u64));

	char cpus[32];
	cpus_described(cpus, sizeof cpus, ncpus);
	switch (rc) {
	case CMDLINE_ERANGE:
		ksnprintf(err, errlen, "no CPU %llu (%s)",
			  (unsigned long long)first_missing_cpu(tok, len, ncpus), cpus);
		break;
	case CMDLINE_EOVERFLOW:
		ksnprintf(err, errlen, "CPU number too large in '%." TOK_SHOWN "s' (%s)", tok, cpus);
		break;
	case CMDLINE_EREVERSED:
		ksnprintf(err, errlen, "reversed range in CPU selector '%." TOK_SHOWN "s' (write low-high)",
			  tok);
		break;
	case CMDLINE_EEMPTY:
		ksnprintf(err, errlen, "empty item in CPU selector '%." TOK_SHOWN "s': " CPUSEL_EXPECTED,
			  tok);
		break;
	default:
		ksnprintf(err, errlen, "bad CPU selector '%." TOK_SHOWN "s': " CPUSEL_EXPECTED, tok);
		break;
	}
	return rc;
}

/* ---- VMCS fields and values ---- */

int vmcs_field_parse(const char *tok, u32 *encoding, char *err, size_t errlen)
{
	size_t len = tok ? strlen(tok) : 0;
	if (len == 0) {
		ksnprintf(err, errlen, "empty VMCS field: " FIELD_EXPECTED);
		return CMDLINE_EEMPTY;
	}
	if (is_digit(tok[0])) {
		u64 v;
		int rc = parse_u64(tok, len, &v);
		if (rc == CMDLINE_ESYNTAX) {
			ksnprintf(err, errlen, "bad VMCS field '%." TOK_SHOWN "s': " FIELD_EXPECTED, tok);
			return rc;
		}
		if (rc != CMDLINE_OK || (v & VMCS_ENC_RAW_RESERVED)) {
			ksnprintf(err, errlen,
				  "VMCS field encoding '%." TOK_SHOWN "s' too large (bits 31:15 must be 0)",
				  tok);
			return rc != CMDLINE_OK ? rc : CMDLINE_ERANGE;
		}
		*encoding = (u32)v;
		return CMDLINE_OK;
	}
	/* the table's names are lowercase; accept GUEST_CR3 too */
	char lower[64];
	const struct vmcs_field *f = NULL;
	if (len < sizeof lower) {
		for (size_t i = 0; i <= len; i++)
			lower[i] = (tok[i] >= 'A' && tok[i] <= 'Z') ? (char)(tok[i] - 'A' + 'a') : tok[i];
		f = vmcs_field_by_name(lower);
	}
	if (!f) {
		ksnprintf(err, errlen, "unknown VMCS field '%." TOK_SHOWN "s': " FIELD_EXPECTED, tok);
		return CMDLINE_ESYNTAX;
	}
	*encoding = f->encoding;
	return CMDLINE_OK;
}

int vmcs_value_parse(const char *tok, u32 encoding, u64 *value, char *err, size_t errlen)
{
	size_t len = tok ? strlen(tok) : 0;
	u64 v;
	int rc = parse_u64(tok, len, &v);
	switch (rc) {
	case CMDLINE_OK:
		break;
	case CMDLINE_EEMPTY:
		ksnprintf(err, errlen, "empty value: expected decimal or 0x hex");
		return rc;
	case CMDLINE_EOVERFLOW:
		ksnprintf(err, errlen, "value '%." TOK_SHOWN "s' does not fit in 64 bits", tok);
		return rc;
	default:
		ksnprintf(err, errlen, "bad value '%." TOK_SHOWN "s': expected decimal or 0x hex", tok);
		return rc;
	}

	enum vmcs_field_width w = vmcs_field_width(encoding);
	/* Table 25-21: high access reads and writes bits 63:32 of a 64-bit field */
	bool high = w == VMCS_WIDTH_64 && vmcs_field_is_high(encoding);
	unsigned bits = high ? 32 : vmcs_field_width_bits(w);
	if (bits < 64 && (v >> bits) != 0) {
		const struct vmcs_field *f = vmcs_field_by_encoding(encoding);
		char name[48];
		if (f)
			ksnprintf(name, sizeof name, "%s", f->name);
		else
			ksnprintf(name, sizeof name, "0x%04x", encoding);
		u64 max = (1ULL << bits) - 1;
		if (high)
			ksnprintf(err, errlen, "value %." TOK_SHOWN "s too large for the high half of "
				  "64-bit field %s (at most 0x%llx)", tok, name, (unsigned long long)max);
		else
			ksnprintf(err, errlen, "value %." TOK_SHOWN "s too large for %s field %s "
				  "(at most 0x%llx)", tok, vmcs_field_width_name(w), name,
				  (unsigned long long)max);
		return CMDLINE_ERANGE;
	}
	*value = v;
	return CMDLINE_OK;
}

/* ---- the command table ---- */

/* ksnprintf at *pos of err, keeping *pos within the buffer. */
static void err_append(char *err, size_t errlen, size_t *pos, const char *s)
{
	if (*pos + 1 >= errlen)
		return;
	int n = ksnprintf(err + *pos, errlen - *pos, "%s", s);
	if (n > 0)
		*pos += (size_t)n < errlen - *pos ? (size_t)n : errlen - *pos - 1;
}

/* "vmx: missing subcommand (one of: on, off)" */
static void subcommand_error(const struct console_cmd *table, size_t n, int argc, char **argv,
			     char *err, size_t errlen)
{
	size_t pos = 0;
	if (errlen == 0)
		return;
	err[0] = '\0';
	err_append(err, errlen, &pos, argv[0]);
	if (argc < 2) {
		err_append(err, errlen, &pos, ": missing subcommand (one of: ");
	} else {
		char head[64];
		ksnprintf(head, sizeof head, ": unknown subcommand '%." TOK_SHOWN "s' (one of: ",
			  argv[1]);
		err_append(err, errlen, &pos, head);
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (!table[i].sub || strcmp(table[i].name, argv[0]) != 0)
			continue;
		if (!first)
			err_append(err, errlen, &pos, ", ");
		err_append(err, errlen, &pos, table[i].sub);
		first = false;
	}
	err_append(err, errlen, &pos, ")");
}

const struct console_cmd *console_match(const struct console_cmd *table, size_t n,
					int argc, char **argv, char *err, size_t errlen)
{
	if (argc <= 0) {
		ksnprintf(err, errlen, "empty command");
		return NULL;
	}
	const struct console_cmd *plain = NULL, *with_sub = NULL;
	bool known = false;
	for (size_t i = 0; i < n; i++) {
		const struct console_cmd *c = &table[i];
		if (strcmp(c->name, argv[0]) != 0)
			continue;
		known = true;
		if (!c->sub) {
			if (!plain)
				plain = c;
		} else if (argc >= 2 && !with_sub && strcmp(c->sub, argv[1]) == 0) {
			with_sub = c;
		}
	}
	if (!known) {
		ksnprintf(err, errlen, "unknown command '%." TOK_SHOWN "s' (type help)", argv[0]);
		return NULL;
	}
	const struct console_cmd *c = with_sub ? with_sub : plain;
	if (!c) {
		subcommand_error(table, n, argc, argv, err, errlen);
		return NULL;
	}
	int nargs = argc - console_cmd_first_arg(c);
	if (nargs < c->min_args || nargs > c->max_args) {
		if (c->usage)
			ksnprintf(err, errlen, "usage: %s", c->usage);
		else if (c->sub)
			ksnprintf(err, errlen, "usage: %s %s", c->name, c->sub);
		else
			ksnprintf(err, errlen, "usage: %s", c->name);
		return NULL;
	}
	return c;
}

#define HELP_LINE_MAX  160
#define HELP_USAGE_MAX 40   /* a longer usage pushes its own help text right */

void console_help(const struct console_cmd *table, size_t n,
		  void (*emit)(void *ctx, const char *line), void *ctx)
{
	int width = 0;
	for (size_t i = 0; i < n; i++) {
		size_t len = table[i].usage ? strlen(table[i].usage) : strlen(table[i].name);
		if (len > HELP_USAGE_MAX)
			len = HELP_USAGE_MAX;
		if ((int)len > width)
			width = (int)len;
	}
	for (size_t i = 0; i < n; i++) {
		const struct console_cmd *c = &table[i];
		const char *usage = c->usage ? c->usage : c->name;
		char line[HELP_LINE_MAX];
		if (c->help)
			ksnprintf(line, sizeof line, "%-*s  %s", width, usage, c->help);
		else
			ksnprintf(line, sizeof line, "%s", usage);
		emit(ctx, line);
	}
}
