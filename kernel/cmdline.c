/* Kernel command line parser; see cmdline.h for the rules. */
#include "kernel/cmdline.h"
#include "kernel/lib.h"

#define QUOTE_MAX 40            /* characters of a bad value shown in a message */

/* apply()'s failures beyond enum cmdline_status. */
#define APPLY_ENOT_ALLOWED 1    /* not one of the accepted words */
#define APPLY_ETOO_LONG    2    /* string does not fit its buffer */

/* ---- messages: a tiny bounded builder, one line each ---- */

struct msg {
	char text[CMDLINE_MSG_LEN];
	size_t len;
	bool cut;
};

static void m_mem(struct msg *m, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (m->len + 1 >= sizeof m->text) {
			m->cut = true;
			return;
		}
		m->text[m->len++] = s[i];
	}
}

static void m_str(struct msg *m, const char *s)
{
	m_mem(m, s, strlen(s));
}

static void m_u64(struct msg *m, u64 v)
{
	char digits[20];
	size_t n = 0;
	do {
		digits[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		m_mem(m, &digits[--n], 1);
}

static bool is_control(char c)
{
	return (unsigned char)c < 0x20 || c == 0x7f;
}

/* "value" with control characters as \xNN, cut after QUOTE_MAX characters. */
static void m_quoted(struct msg *m, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	m_str(m, "\"");
	for (size_t i = 0; i < n && i < QUOTE_MAX; i++) {
		if (is_control(s[i]) || s[i] == '"' || s[i] == '\\') {
			char esc[4] = { '\\', 'x', hex[(u8)s[i] >> 4], hex[s[i] & 15] };
			m_mem(m, esc, 4);
		} else {
			m_mem(m, &s[i], 1);
		}
	}
	m_str(m, n > QUOTE_MAX ? "\"..." : "\"");
}

static void emit(struct cmdline_result *res, struct msg *m)
{
	if (res->nmsgs >= CMDLINE_MAX_MSGS) {
		res->dropped++;
		return;
	}
	if (m->cut)     /* m->len is then sizeof m->text - 1 */
		memcpy(m->text + m->len - 3, "...", 3);
	m->text[m->len] = '\0';
	memcpy(res->msgs[res->nmsgs++], m->text, m->len + 1);
}

/* ---- value parsers ---- */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int parse_u64(const char *s, size_t len, u64 *out)
{
	if (len == 0)
		return CMDLINE_EEMPTY;
	unsigned base = 10;
	size_t i = 0;
	if (len >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
		if (len == 2)
			return CMDLINE_ESYNTAX;
	}
	u64 v = 0;
	bool overflow = false;
	for (; i < len; i++) {
		int d = digit_value(s[i]);
		if (d < 0 || (unsigned)d >= base)
			return CMDLINE_ESYNTAX;
		if (v > (UINT64_MAX - (unsigned)d) / base)
			overflow = true;
		v = v * base + (unsigned)d;
	}
	if (overflow)
		return CMDLINE_EOVERFLOW;
	*out = v;
	return CMDLINE_OK;
}

/* One item of a CPU list: N or N-M. */
static int parse_cpu_range(const char *s, size_t len, u64 *bitmap, u64 nbits, u64 *highest)
{
	if (len == 0)
		return CMDLINE_EEMPTY;
	size_t dash = 0;
	while (dash < len && s[dash] != '-')
		dash++;
	u64 lo, hi;
	int rc = parse_u64(s, dash, &lo);
	if (rc != CMDLINE_OK)
		return rc;
	hi = lo;
	if (dash < len) {
		rc = parse_u64(s + dash + 1, len - dash - 1, &hi);
		if (rc != CMDLINE_OK)
			return rc;
	}
	if (lo > hi)
		return CMDLINE_EREVERSED;
	if (hi >= nbits)
		return CMDLINE_ERANGE;
	if (hi > *highest)
		*highest = hi;
	for (u64 cpu = lo; bitmap && cpu <= hi; cpu++)
		bitmap[cpu / 64] |= BIT(cpu % 64);
	return CMDLINE_OK;
}

static int cpu_list_walk(const char *s, size_t len, u64 *bitmap, u64 nbits, u64 *highest)
{
	size_t i = 0;
	*highest = 0;
	for (;;) {
		size_t start = i;
		while (i < len && s[i] != ',')
			i++;
		int rc = parse_cpu_range(s + start, i - start, bitmap, nbits, highest);
		if (rc != CMDLINE_OK)
			return rc;
		if (i == len)
			return CMDLINE_OK;
		i++;    /* the comma; a trailing one makes an empty last item */
	}
}

int parse_cpu_list(const char *s, size_t len, u64 *bitmap, unsigned nbits)
{
	u64 highest;
	memset(bitmap, 0, ((size_t)nbits + 63) / 64 * sizeof(u64));
	return cpu_list_walk(s, len, bitmap, nbits, &highest);
}

int parse_cpu_list_highest(const char *s, size_t len, u64 *highest)
{
	return cpu_list_walk(s, len, 0, UINT64_MAX, highest);
}

/* ---- options ---- */

static bool word_is(const char *s, size_t n, const char *word)
{
	return strlen(word) == n && memcmp(s, word, n) == 0;
}

static unsigned cpulist_bits(const struct cmdline_option *o)
{
	return o->max == 0 || o->max > CMDLINE_MAX_CPUS ? CMDLINE_MAX_CPUS : (unsigned)o->max;
}

static u64 u64_max(const struct cmdline_option *o)
{
	return o->max == 0 ? UINT64_MAX : o->max;
}

/* What the option accepts, as the end of "expected ..." or in a help line. */
static void m_allowed(struct msg *m, const struct cmdline_option *o)
{
	switch (o->type) {
	case CMDLINE_BOOL:
		m_str(m, "on|off|yes|no|1|0 or no value");
		return;
	case CMDLINE_U64:
		m_str(m, "an integer in ");
		m_u64(m, o->min);
		m_str(m, "..");
		m_u64(m, u64_max(o));
		return;
	case CMDLINE_ENUM:
		m_str(m, "one of ");
		for (size_t i = 0; o->choices && o->choices[i]; i++) {
			if (i)
				m_str(m, "|");
			m_str(m, o->choices[i]);
		}
		return;
	case CMDLINE_STRING:
		m_str(m, "at most ");
		m_u64(m, o->max ? o->max - 1 : 0);
		m_str(m, " characters");
		return;
	case CMDLINE_CPULIST:
		m_str(m, "a CPU list like 0,2-3 of CPUs 0..");
		m_u64(m, cpulist_bits(o) - 1);
		return;
	case CMDLINE_CPURANGES:
		m_str(m, "a CPU list like 0,2-3 of CPUs 0..");
		m_u64(m, o->max ? o->max : CMDLINE_CPU_INDEX_MAX);
		m_str(m, " that this machine has");
		return;
	}
	m_str(m, "nothing (bad option type)");
}

static const char *status_reason(int rc)
{
	switch (rc) {
	case CMDLINE_EEMPTY:    return "empty item";
	case CMDLINE_ESYNTAX:   return "not a number";
	case CMDLINE_EOVERFLOW: return "too large for 64 bits";
	case CMDLINE_ERANGE:    return "out of range";
	case CMDLINE_EREVERSED: return "reversed range";
	case APPLY_ETOO_LONG:   return "too long";
	default:                return NULL;
	}
}

/* Parse and store one value; on failure a status, the destination untouched. */
static int apply(const struct cmdline_option *o, const char *v, size_t n)
{
	u64 num;
	int rc;
	switch (o->type) {
	case CMDLINE_BOOL:
		if (word_is(v, n, "on") || word_is(v, n, "yes") || word_is(v, n, "1"))
			*(bool *)o->dest = true;
		else if (word_is(v, n, "off") || word_is(v, n, "no") || word_is(v, n, "0"))
			*(bool *)o->dest = false;
		else
			return APPLY_ENOT_ALLOWED;
		return CMDLINE_OK;
	case CMDLINE_U64:
		rc = parse_u64(v, n, &num);
		if (rc == CMDLINE_OK && (num < o->min || num > u64_max(o)))
			rc = CMDLINE_ERANGE;
		if (rc == CMDLINE_OK)
			*(u64 *)o->dest = num;
		return rc;
	case CMDLINE_ENUM:
		for (unsigned i = 0; o->choices && o->choices[i]; i++) {
			if (word_is(v, n, o->choices[i])) {
				*(unsigned *)o->dest = i;
				return CMDLINE_OK;
			}
		}
		return APPLY_ENOT_ALLOWED;
	case CMDLINE_STRING:
		if (n + 1 > o->max)
			return APPLY_ETOO_LONG;
		memcpy(o->dest, v, n);
		((char *)o->dest)[n] = '\0';
		return CMDLINE_OK;
	case CMDLINE_CPULIST: {
		u64 tmp[CMDLINE_CPU_WORDS] = { 0 };
		rc = parse_cpu_list(v, n, tmp, cpulist_bits(o));
		if (rc == CMDLINE_OK)
			memcpy(o->dest, tmp, sizeof tmp);
		return rc;
	}
	case CMDLINE_CPURANGES: {
		u64 hi;
		rc = parse_cpu_list_highest(v, n, &hi);
		if (rc == CMDLINE_OK && hi > (o->max ? o->max : CMDLINE_CPU_INDEX_MAX))
			rc = CMDLINE_ERANGE;
		if (rc == CMDLINE_OK)
			*(struct cpu_list *)o->dest = (struct cpu_list){ v, (u32)n, hi };
		return rc;
	}
	}
	return APPLY_ENOT_ALLOWED;
}

static const struct cmdline_option *find_option(const struct cmdline_option *opts, size_t nopts,
						const char *key, size_t n, size_t *index)
{
	for (size_t i = 0; i < nopts; i++) {
		if (opts[i].name && word_is(key, n, opts[i].name)) {
			*index = i;
			return &opts[i];
		}
	}
	return NULL;
}

/* "KEY: WHAT "VALUE" (REASON): expected ALLOWED" */
static void report_bad_value(struct cmdline_result *res, const struct cmdline_option *o,
			     const char *v, size_t n, const char *reason)
{
	struct msg m = { .len = 0 };
	m_str(&m, o->name);
	m_str(&m, ": bad value ");
	m_quoted(&m, v, n);
	if (reason) {
		m_str(&m, " (");
		m_str(&m, reason);
		m_str(&m, ")");
	}
	m_str(&m, ": expected ");
	m_allowed(&m, o);
	emit(res, &m);
	res->errors++;
}

static void parse_token(const char *tok, size_t len, const struct cmdline_option *opts,
			size_t nopts, u64 *seen, struct cmdline_result *res)
{
	size_t keylen = 0;
	while (keylen < len && tok[keylen] != '=')
		keylen++;
	bool has_value = keylen < len;
	const char *v = tok + keylen + has_value;
	size_t n = has_value ? len - keylen - 1 : 0;
	struct msg m = { .len = 0 };
	size_t index;

	const struct cmdline_option *o = find_option(opts, nopts, tok, keylen, &index);
	if (!o) {
		m_str(&m, keylen ? "unknown option " : "no option name in ");
		m_quoted(&m, tok, keylen ? keylen : len);
		m_str(&m, " ignored");
		emit(res, &m);
		if (keylen)
			res->unknown++;
		else
			res->errors++;
		return;
	}
	if (seen[index / 64] & BIT(index % 64)) {
		m_str(&m, o->name);
		m_str(&m, ": given more than once; the last valid value wins");
		emit(res, &m);
		res->repeated++;
	}
	seen[index / 64] |= BIT(index % 64);

	if (!has_value && o->type == CMDLINE_BOOL) {
		*(bool *)o->dest = true;
		res->applied++;
		return;
	}
	if (!has_value) {
		m = (struct msg){ .len = 0 };
		m_str(&m, o->name);
		m_str(&m, ": needs a value: expected ");
		m_allowed(&m, o);
		emit(res, &m);
		res->errors++;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (is_control(v[i])) {
			report_bad_value(res, o, v, n, "control character");
			return;
		}
	}
	int rc = apply(o, v, n);
	if (rc == CMDLINE_OK)
		res->applied++;
	else
		report_bad_value(res, o, v, n, status_reason(rc));
}

int cmdline_parse(const char *line, const struct cmdline_option *opts, size_t nopts,
		  struct cmdline_result *res)
{
	memset(res, 0, sizeof *res);
	if (nopts > CMDLINE_MAX_OPTIONS) {
		struct msg m = { .len = 0 };
		m_str(&m, "option table too large: ");
		m_u64(&m, nopts);
		m_str(&m, " options, at most ");
		m_u64(&m, CMDLINE_MAX_OPTIONS);
		emit(res, &m);
		res->errors++;
		return -1;
	}
	u64 seen[CMDLINE_MAX_OPTIONS / 64] = { 0 };
	size_t i = 0;
	while (line && line[i]) {
		while (line[i] == ' ' || line[i] == '\t')
			i++;
		size_t start = i;
		while (line[i] && line[i] != ' ' && line[i] != '\t')
			i++;
		if (i > start)
			parse_token(line + start, i - start, opts, nopts, seen, res);
	}
	return (int)(res->errors + res->unknown);
}

void cmdline_describe(const struct cmdline_option *opt, char *buf, size_t size)
{
	struct msg m = { .len = 0 };
	m_str(&m, opt->name);
	m_str(&m, ": ");
	if (opt->help) {
		m_str(&m, opt->help);
		m_str(&m, " ");
	}
	m_str(&m, "(");
	m_allowed(&m, opt);
	m_str(&m, ")");
	if (size == 0)
		return;
	size_t n = m.len < size - 1 ? m.len : size - 1;
	memcpy(buf, m.text, n);
	buf[n] = '\0';
}
