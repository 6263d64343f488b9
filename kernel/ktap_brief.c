/* The brief KTAP form; see ktap_brief.h. */
#include "kernel/ktap_brief.h"
#include "kernel/format.h"
#include "kernel/lib.h"

bool ktap_cpu_group_name(const char *name, u32 *index)
{
	if (name[0] != 'c' || name[1] != 'p' || name[2] != 'u' || !name[3])
		return false;
	u64 v = 0;
	for (const char *p = name + 3; *p; p++) {
		if (*p < '0' || *p > '9' || v > 0xffffffffULL / 10)
			return false;
		v = v * 10 + (u64)(*p - '0');
	}
	if (v > 0xffffffffULL || (name[3] == '0' && name[4]))
		return false;
	*index = (u32)v;
	return true;
}

bool ktap_brief_chosen(unsigned form, long cpus_online)
{
	if (form == KTAP_FORM_AUTO)
		return cpus_online > KTAP_BRIEF_ABOVE;
	return form == KTAP_FORM_BRIEF;
}

static bool has_failure(const struct ktap_node *n)
{
	return ktap_effective(n) == KTAP_FAIL;
}

/* same tests, same results, same reasons wherever a reason is printed (the
 * names of a and b themselves are not compared: cpu3 is like cpu0) */
static bool same_results(const struct ktap_node *a, const struct ktap_node *b)
{
	enum ktap_result ra = ktap_effective(a), rb = ktap_effective(b);
	if (ra != rb || !a->first != !b->first)
		return false;
	if ((ra == KTAP_SKIP || ra == KTAP_XFAIL) && strcmp(a->reason, b->reason))
		return false;
	const struct ktap_node *x = a->first, *y = b->first;
	for (; x && y; x = x->next, y = y->next)
		if (strcmp(x->name, y->name) || !same_results(x, y))
			return false;
	return !x && !y;
}

static bool foldable(const struct ktap_node *k)
{
	u32 idx;
	return k->first && ktap_cpu_group_name(k->name, &idx) && !has_failure(k);
}

/* Set k->like for the children of suite s: the first CPU group of k's kind,
 * or NULL for a child printed as it is. */
static void mark(struct ktap_node *s)
{
	const struct ktap_node *kinds[KTAP_BRIEF_KINDS];
	u32 nkinds = 0;
	for (struct ktap_node *k = s->first; k; k = k->next) {
		k->like = 0;
		if (!foldable(k))
			continue;
		for (u32 i = 0; i < nkinds && !k->like; i++)
			if (same_results(kinds[i], k))
				k->like = kinds[i];
		if (!k->like && nkinds < KTAP_BRIEF_KINDS)
			k->like = kinds[nkinds++] = k;
	}
}

static void mark_all(void)
{
	for (struct ktap_node *s = (struct ktap_node *)ktap_root()->first; s; s = s->next)
		if (s->first)
			mark(s);
}

/* printed in the suite: as is (like NULL) or as the head of its kind */
static bool printed(const struct ktap_node *k)
{
	return !k->like || k->like == k;
}

/* "# cpus_like_cpu0: 239 CPUs: 0-5,7-239", continued on more lines when long */
static void print_members(const struct ktap_node *s, const struct ktap_node *head, const char *name, int ind,
			  void (*line)(const char *, void *), void *ctx)
{
	char buf[160];
	u32 n = 0;
	for (const struct ktap_node *k = s->first; k; k = k->next)
		n += k->like == head;
	int len = ksnprintf(buf, sizeof(buf), "%*s# %s: %u CPU%s: ", ind, "", name, n, n == 1 ? "" : "s");
	int start = len;
	bool any = false;
	for (const struct ktap_node *k = s->first; k; k = k->next) {
		if (k->like != head)
			continue;
		u32 lo, hi, idx;
		ktap_cpu_group_name(k->name, &lo);
		hi = lo;
		while (k->next && k->next->like == head && ktap_cpu_group_name(k->next->name, &idx) && idx == hi + 1) {
			k = k->next;
			hi = idx;
		}
		char item[32];
		int m = lo == hi ? ksnprintf(item, sizeof(item), "%s%u", any ? "," : "", lo)
				 : ksnprintf(item, sizeof(item), "%s%u-%u", any ? "," : "", lo, hi);
		if (len + m >= (int)sizeof(buf) - 1) {   /* full: this line ends, the next goes on */
			line(buf, ctx);
			len = ksnprintf(buf, sizeof(buf), "%*s# %s: and ", ind, "", name);
			start = len;
			m = lo == hi ? ksnprintf(item, sizeof(item), "%u", lo) : ksnprintf(item, sizeof(item), "%u-%u", lo, hi);
		}
		memcpy(buf + len, item, (size_t)m + 1);
		len += m;
		any = true;
	}
	if (len > start)
		line(buf, ctx);
}

static void print_suite(const struct ktap_node *s, void (*line)(const char *, void *), void *ctx)
{
	char buf[64];
	u32 n = 0, i = 0;
	for (const struct ktap_node *k = s->first; k; k = k->next)
		n += printed(k);
	ksnprintf(buf, sizeof(buf), "  KTAP version 1");
	line(buf, ctx);
	ksnprintf(buf, sizeof(buf), "  1..%u", n);
	line(buf, ctx);
	for (const struct ktap_node *k = s->first; k; k = k->next) {
		if (!printed(k))
			continue;
		if (!k->like) {
			if (k->first)
				ktap_print_block(k, 2, line, ctx);
			ktap_print_result(k, ++i, 1, line, ctx);
			continue;
		}
		struct ktap_node head = *k;   /* the CPU's results under the kind's name */
		ksnprintf(head.name, sizeof(head.name), "cpus_like_%s", k->name);
		print_members(s, k, head.name, 2, line, ctx);
		ktap_print_block(&head, 2, line, ctx);
		ktap_print_result(&head, ++i, 1, line, ctx);
	}
}

void ktap_brief_print(void (*line)(const char *text, void *ctx), void *ctx)
{
	const struct ktap_node *root = ktap_root();
	char buf[32];
	u32 n = 0, i = 0;
	mark_all();
	for (const struct ktap_node *s = root->first; s; s = s->next)
		n++;
	ksnprintf(buf, sizeof(buf), "KTAP version 1");
	line(buf, ctx);
	ksnprintf(buf, sizeof(buf), "1..%u", n);
	line(buf, ctx);
	for (const struct ktap_node *s = root->first; s; s = s->next) {
		if (s->first)
			print_suite(s, line, ctx);
		ktap_print_result(s, ++i, 0, line, ctx);
	}
}

struct ktap_counts ktap_brief_count(void)
{
	struct ktap_counts c = { 0 };
	mark_all();
	for (const struct ktap_node *s = ktap_root()->first; s; s = s->next) {
		if (!s->first) {
			ktap_count_node(s, &c);
			continue;
		}
		for (const struct ktap_node *k = s->first; k; k = k->next)
			if (printed(k))
				ktap_count_node(k, &c);
	}
	return c;
}
