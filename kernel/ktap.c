#include <stdarg.h>
#include "kernel/ktap.h"
#include "kernel/format.h"
#include "kernel/lib.h"

/* The tree lives in chunks: a static first one (enough for a small machine,
 * and for the results recorded before the page allocator exists), then as many
 * as the page allocator gives (ktap_set_page_alloc). The pool overflows only
 * when the allocator is out of memory. Chunks are kept across ktap_reset() and
 * reused. */
struct ktap_chunk {
	struct ktap_chunk *next;
	u32 cap;                     /* nodes in this chunk */
	struct ktap_node *nodes;
};

static struct ktap_node static_nodes[KTAP_STATIC_NODES];
static struct ktap_chunk first_chunk = { 0, KTAP_STATIC_NODES, static_nodes };
static struct ktap_chunk *cur = &first_chunk;
static u32 used;                 /* nodes used in cur */
static u64 total;                /* nodes used in all chunks */
static u64 chunk_count = 1;
static bool overflow;
static u64 (*page_source)(u64 npages);
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
	cur = &first_chunk;
	used = 0;
	total = 0;
	overflow = false;
	give();
}

void ktap_set_page_alloc(u64 (*alloc_pages)(u64 npages))
{
	take();
	page_source = alloc_pages;
	memset(&root, 0, sizeof(root));   /* chunks from an earlier source are not ours any more */
	first_chunk.next = 0;
	cur = &first_chunk;
	used = 0;
	total = 0;
	chunk_count = 1;
	overflow = false;
	give();
}

u64 ktap_nodes_used(void)
{
	return total;
}

u64 ktap_chunks(void)
{
	return chunk_count;
}

u64 ktap_pages_taken(void)
{
	return (chunk_count - 1) * KTAP_CHUNK_PAGES;
}

/* One more chunk after cur, or the next one kept from before a reset. Called
 * with the lock held; the page allocator has its own lock and never calls us. */
static bool next_chunk(void)
{
	if (cur->next) {
		cur = cur->next;
		used = 0;
		return true;
	}
	if (!page_source)
		return false;
	u64 a = page_source(KTAP_CHUNK_PAGES);
	if (!a)
		return false;
	struct ktap_chunk *c = (struct ktap_chunk *)(uintptr_t)a;
	c->next = 0;
	c->nodes = (struct ktap_node *)(uintptr_t)(a + ALIGN_UP(sizeof(*c), 16));
	c->cap = (u32)((KTAP_CHUNK_PAGES * PAGE_SIZE - ALIGN_UP(sizeof(*c), 16)) / sizeof(struct ktap_node));
	cur->next = c;
	cur = c;
	used = 0;
	chunk_count++;
	return true;
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
	if (used == cur->cap && !next_chunk()) {
		overflow = true;
		give();
		return 0;
	}
	struct ktap_node *n = &cur->nodes[used++];
	total++;
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

void ktap_count_node(const struct ktap_node *n, struct ktap_counts *c)
{
	if (n->first) {
		for (const struct ktap_node *k = n->first; k; k = k->next)
			ktap_count_node(k, c);
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
		ktap_count_node(k, &c);
	return c;
}

bool ktap_overflowed(void)
{
	return overflow;
}

/* Nodes that can still be added without failing: what is left in the current
 * chunk and in the chunks kept from before a reset, or, once more chunks can
 * come from the page allocator, "as many as memory holds" (0x7fffffff: the
 * allocator fails first, and that is reported as an overflow). */
u32 ktap_nodes_free(void)
{
	if (page_source)
		return 0x7fffffff;
	u64 n = cur->cap - used;
	for (const struct ktap_chunk *c = cur->next; c; c = c->next)
		n += c->cap;
	return n > 0x7fffffff ? 0x7fffffff : (u32)n;
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

void ktap_print_result(const struct ktap_node *k, u32 i, int depth,
		       void (*line)(const char *, void *), void *ctx)
{
	char buf[KTAP_NAME_MAX + KTAP_REASON_MAX + 80];
	int ind = depth * 2;
	enum ktap_result r = ktap_effective(k);
	const char *dir = r == KTAP_SKIP ? " # SKIP " : r == KTAP_XFAIL ? " # XFAIL " : "";
	ksnprintf(buf, sizeof(buf), "%*s%s %u %s%s%s", ind, "", r == KTAP_FAIL ? "not ok" : "ok", i, k->name, dir,
		  *dir ? k->reason : "");
	line(buf, ctx);
	if (r == KTAP_FAIL && k->reason[0] && !k->first) {
		ksnprintf(buf, sizeof(buf), "%*s# %s: %s", ind, "", k->name, k->reason);
		line(buf, ctx);
	}
}

void ktap_print_block(const struct ktap_node *parent, int depth,
		      void (*line)(const char *, void *), void *ctx)
{
	char buf[64];
	int ind = depth * 2;
	u32 i = 0;

	ksnprintf(buf, sizeof(buf), "%*sKTAP version 1", ind, "");
	line(buf, ctx);
	ksnprintf(buf, sizeof(buf), "%*s1..%u", ind, "", children(parent));
	line(buf, ctx);
	for (const struct ktap_node *k = parent->first; k; k = k->next) {
		if (k->first)
			ktap_print_block(k, depth + 1, line, ctx);
		ktap_print_result(k, ++i, depth, line, ctx);
	}
}

void ktap_print(void (*line)(const char *text, void *ctx), void *ctx)
{
	ktap_print_block(&root, 0, line, ctx);
}

const struct ktap_node *ktap_root(void)
{
	return &root;
}
