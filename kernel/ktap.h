/*
 * KTAP version 1 results, collected as a tree while the kernel runs and
 * printed once by the boot CPU at the end (so nothing interleaves). Pure:
 * output goes through a caller-supplied line callback, so the host tests use
 * the same code. Safe to call from several CPUs at once.
 */
#ifndef KERNEL_KTAP_H
#define KERNEL_KTAP_H

#include "kernel/types.h"

enum ktap_result {
	KTAP_NONE = 0,   /* a group: derived from its children */
	KTAP_PASS,
	KTAP_FAIL,
	KTAP_SKIP,
	KTAP_XFAIL,
};

#define KTAP_NAME_MAX 64
#define KTAP_REASON_MAX 160

struct ktap_node {
	char name[KTAP_NAME_MAX];
	char reason[KTAP_REASON_MAX];
	enum ktap_result result;
	struct ktap_node *parent, *first, *last, *next;
	const struct ktap_node *like;   /* brief form: the CPU group this one repeats (kernel/ktap_brief.c) */
};

struct ktap_counts {
	u32 tests, passed, failed, skipped, xfail;
};

/* Nodes in the static first chunk (the whole pool before it could grow). */
#define KTAP_STATIC_NODES 4096
/* Pages per chunk the tree grows by: 64 KiB, about 248 nodes. */
#define KTAP_CHUNK_PAGES 16

void ktap_reset(void);
/* Where more nodes come from once the static first chunk is full: a function
 * returning the address of npages zeroed contiguous pages, 0 when out of
 * memory (the kernel passes the page allocator). NULL: the static chunk only.
 * Empties the tree and forgets chunks taken from an earlier source: call it
 * before the first result. */
void ktap_set_page_alloc(u64 (*alloc_pages)(u64 npages));
u64 ktap_nodes_used(void);   /* since the last reset */
u64 ktap_chunks(void);       /* chunks held, the static one included */
u64 ktap_pages_taken(void);  /* pages taken from the page source, kept for good */
/* NULL parent: a top-level suite. Returns NULL when the pool is exhausted
 * (counted: ktap_overflowed() makes the run fail). */
struct ktap_node *ktap_group(struct ktap_node *parent, const char *name);
struct ktap_node *ktap_add(struct ktap_node *parent, const char *name, enum ktap_result r,
			   const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Convenience: PASS when ok, FAIL otherwise, reason only printed on failure. */
bool ktap_check(struct ktap_node *parent, const char *name, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void ktap_set(struct ktap_node *n, enum ktap_result r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
enum ktap_result ktap_effective(const struct ktap_node *n);
struct ktap_counts ktap_count(void);
bool ktap_overflowed(void);
/* Nodes the pool can still hand out (callers size optional output by it). */
u32 ktap_nodes_free(void);
struct ktap_node *ktap_find(struct ktap_node *parent, const char *name);
void ktap_print(void (*line)(const char *text, void *ctx), void *ctx);
/* The pieces the brief form (kernel/ktap_brief.c) is built from: the root,
 * the block of parent's children at depth (version line, plan, results), one
 * result line for k numbered i, and the leaves under n. */
const struct ktap_node *ktap_root(void);
void ktap_print_block(const struct ktap_node *parent, int depth,
		      void (*line)(const char *text, void *ctx), void *ctx);
void ktap_print_result(const struct ktap_node *k, u32 i, int depth,
		       void (*line)(const char *text, void *ctx), void *ctx);
void ktap_count_node(const struct ktap_node *n, struct ktap_counts *c);
bool ktap_name_valid(const char *name);

#endif
