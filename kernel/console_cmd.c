/* Console command parsing; see console_cmd.h. */
#include "kernel/console_cmd.h"
#include "kernel/cpuset.h"
#include "kernel/format.h"
#include "kernel/lib.h"

/* A token quoted in a message is cut to this many characters. */
#define TOK_SHOWN "40"

#define CPUSEL_EXPECTED "expected all, N or a list like 0,2-3"

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
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

/* <0, 0, >0 as a goes before, with, after b: order, name, subcommand (none first) */
static int cmd_cmp(const struct console_cmd *a, const struct console_cmd *b)
{
	if (a->order != b->order)
		return a->order < b->order ? -1 : 1;
	int c = strcmp(a->name, b->name);
	if (c)
		return c;
	if (!a->sub || !b->sub)
		return (a->sub != 0) - (b->sub != 0);
	return strcmp(a->sub, b->sub);
}

void console_sort(struct console_cmd *table, size_t n)
{
	for (size_t i = 1; i < n; i++) {          /* insertion sort: a few dozen entries, once */
		struct console_cmd t = table[i];
		size_t j = i;
		for (; j > 0 && cmd_cmp(&table[j - 1], &t) > 0; j--)
			table[j] = table[j - 1];
		table[j] = t;
	}
}

static bool same_sub(const char *a, const char *b)
{
	return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

size_t console_shadowed(const struct console_cmd *table, size_t n)
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(table[i].name, table[j].name) == 0 && same_sub(table[i].sub, table[j].sub))
				return i;
	return n;
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
