#include <stdarg.h>
#include "kernel/ktap.h"
#include "kernel/format.h"
#include "kernel/lib.h"

#define KTAP_POOL 4096

static struct ktap_node pool[KTAP_POOL];
static u32 used;
static bool overflow;
static struct ktap_node root;
static volatile u32 lock;

static void take(void)
{
	while (__atomic_exchange_n(&lock, 1, __ATOMIC_ACQUIRE))
		while (lock)
			;
}

static void give(void)
{
	__atomic_store_n(&lock, 0, __ATOMIC_RELEASE);
}

void ktap_reset(void)
{
	take();
	memset(&root, 0, sizeof(root));
	used = 0;
	overflow = false;
	give();
}

bool ktap_name_valid(const char *name)
{
	if (!*name)
		return false;
	for (; *name; name++)
		if (!((*name >= 'a' && *name <= 'z') || (*name >= '0' && *name <= '9') || *name == '_'))
			return false;
	return true;
}

static struct ktap_node *new_node(struct ktap_node *parent, const char *name)
{
	if (!parent)
		parent = &root;
	take();
	if (used == KTAP_POOL) {
		overflow = true;
		give();
		return 0;
	}
	struct ktap_node *n = &pool[used++];
	memset(n, 0, sizeof(*n));
	ksnprintf(n->name, sizeof(n->name), "%s", name && *name ? name : "unnamed");
	for (char *c = n->name; *c; c++)   /* names are [a-z0-9_]+: nothing may fake KTAP syntax */
		if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_'))
			*c = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : '_';
	n->parent = parent;
	if (parent->last)
		parent->last->next = n;
	else
		parent->first = n;
	parent->last = n;
	give();
	return n;
}

struct ktap_node *ktap_group(struct ktap_node *parent, const char *name)
{
	return new_node(parent, name);
}

static void vset(struct ktap_node *n, enum ktap_result r, const char *fmt, va_list ap)
{
	n->result = r;
	if (fmt)
		kvsnprintf(n->reason, sizeof(n->reason), fmt, ap);
	for (char *p = n->reason; *p; p++)   /* keep the result on one line */
		if (*p == '\n' || *p == '\r' || *p == '#')
			*p = ' ';
}

void ktap_set(struct ktap_node *n, enum ktap_result r, const char *fmt, ...)
{
	va_list ap;
	if (!n)
		return;
	va_start(ap, fmt);
	if (r == KTAP_FAIL && n->first) {
		/* counts are over leaves: a failed group gets a failed leaf saying why */
		struct ktap_node *k = new_node(n, "group_failed");
		if (k)
			vset(k, KTAP_FAIL, fmt, ap);
	} else {
		vset(n, r, fmt, ap);
	}
	va_end(ap);
}

struct ktap_node *ktap_add(struct ktap_node *parent, const char *name, enum ktap_result r,
			   const char *fmt, ...)
{
	struct ktap_node *n = new_node(parent, name);
	va_list ap;
	if (!n)
		return 0;
	va_start(ap, fmt);
	vset(n, r, fmt, ap);
	va_end(ap);
	return n;
}

bool ktap_check(struct ktap_node *parent, const char *name, bool ok, const char *fmt, ...)
{
	struct ktap_node *n = new_node(parent, name);
	va_list ap;
	if (!n)
		return ok;
	va_start(ap, fmt);
	vset(n, ok ? KTAP_PASS : KTAP_FAIL, ok ? 0 : fmt, ap);
	va_end(ap);
	return ok;
}

enum ktap_result ktap_effective(const struct ktap_node *n)
{
	if (!n->first)
		return n->result == KTAP_NONE ? KTAP_PASS : n->result;
	for (const struct ktap_node *c = n->first; c; c = c->next)
		if (ktap_effective(c) == KTAP_FAIL)
			return KTAP_FAIL;
	return n->result == KTAP_NONE ? KTAP_PASS : n->result;
}

static void count(const struct ktap_node *n, struct ktap_counts *c)
{
	if (n->first) {
		for (const struct ktap_node *k = n->first; k; k = k->next)
			count(k, c);
		return;
	}
	c->tests++;
	switch (ktap_effective(n)) {
	case KTAP_FAIL: c->failed++; break;
	case KTAP_SKIP: c->skipped++; break;
	case KTAP_XFAIL: c->xfail++; break;
	default: c->passed++; break;
	}
}

struct ktap_counts ktap_count(void)
{
	struct ktap_counts c = { 0 };
	for (const struct ktap_node *k = root.first; k; k = k->next)
		count(k, &c);
	return c;
}

bool ktap_overflowed(void)
{
	return overflow;
}

u32 ktap_nodes_free(void)
{
	return KTAP_POOL - used;
}

struct ktap_node *ktap_find(struct ktap_node *parent, const char *name)
{
	for (struct ktap_node *k = (parent ? parent : &root)->first; k; k = k->next)
		if (!strcmp(k->name, name))
			return k;
	return 0;
}

static u32 children(const struct ktap_node *n)
{
	u32 c = 0;
	for (const struct ktap_node *k = n->first; k; k = k->next)
		c++;
	return c;
}

static void print_level(const struct ktap_node *parent, int depth,
			void (*line)(const char *, void *), void *ctx)
{
	char buf[KTAP_NAME_MAX + KTAP_REASON_MAX + 80];
	int ind = depth * 2;
	u32 i = 0;

	ksnprintf(buf, sizeof(buf), "%*sKTAP version 1", ind, "");
	line(buf, ctx);
	ksnprintf(buf, sizeof(buf), "%*s1..%u", ind, "", children(parent));
	line(buf, ctx);
	for (const struct ktap_node *k = parent->first; k; k = k->next) {
		i++;
		if (k->first)
			print_level(k, depth + 1, line, ctx);
		enum ktap_result r = ktap_effective(k);
		const char *dir = r == KTAP_SKIP ? " # SKIP " : r == KTAP_XFAIL ? " # XFAIL " : "";
		int n = ksnprintf(buf, sizeof(buf), "%*s%s %u %s%s%s", ind, "",
				  r == KTAP_FAIL ? "not ok" : "ok", i, k->name, dir,
				  *dir ? k->reason : "");
		line(buf, ctx);
		(void)n;
		if (r == KTAP_FAIL && k->reason[0] && !k->first) {
			ksnprintf(buf, sizeof(buf), "%*s# %s: %s", ind, "", k->name, k->reason);
			line(buf, ctx);
		}
	}
}

void ktap_print(void (*line)(const char *text, void *ctx), void *ctx)
{
	print_level(&root, 0, line, ctx);
}
