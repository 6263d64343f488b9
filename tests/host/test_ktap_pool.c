/* kernel/ktap.c's node pool: past its static first chunk the tree grows in
 * chunks from the page allocator, so it overflows only when the allocator is
 * out of memory. The allocator is the kernel's own pmm over a host arena
 * (as in test_pmm.c), so a chunk is real pages that ASan watches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/ktap.h"
#include "kernel/pmm.h"

#define NPAGES 4096                     /* 16 MiB of "physical memory" */
#define ARENA_ALIGN (64 * PAGE_SIZE)

static struct pmm p;
static u64 bitmap[NPAGES / 64];
static u8 *arena;
static u64 calls;

static u64 alloc_pages(u64 n)
{
	calls++;
	return pmm_alloc(&p, n, 1);
}

/* an arena of `pages` free pages */
static void arena_of(u64 pages)
{
	memset(bitmap, 0, sizeof bitmap);
	pmm_init(&p, (u64)(uintptr_t)arena, NPAGES, bitmap);
	pmm_add_range(&p, (u64)(uintptr_t)arena, (u64)(uintptr_t)arena + pages * PAGE_SIZE);
	calls = 0;
}

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(ARENA_ALIGN, NPAGES * PAGE_SIZE);
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	return 0;
}

static int reset(void **state)
{
	(void)state;
	ktap_set_page_alloc(NULL);
	ktap_reset();
	return 0;
}

static unsigned lines;
static void count_line(const char *text, void *ctx)
{
	(void)text;
	(void)ctx;
	lines++;
}

/* nodes a chunk holds, from the header's figures */
static u64 chunk_cap(void)
{
	return (KTAP_CHUNK_PAGES * PAGE_SIZE - 32) / sizeof(struct ktap_node);
}

static void grows_past_the_static_chunk_from_the_page_allocator(void **state)
{
	(void)state;
	arena_of(NPAGES);
	ktap_set_page_alloc(alloc_pages);
	/* 240 VT-x CPUs' worth (about 76 nodes each): far past the static chunk */
	struct ktap_node *s = ktap_group(NULL, "vmx");
	const unsigned groups = 240, per = 76;
	for (unsigned g = 0; g < groups; g++) {
		char name[16];
		snprintf(name, sizeof name, "cpu%u", g);
		struct ktap_node *c = ktap_group(s, name);
		assert_non_null(c);
		for (unsigned k = 0; k < per; k++) {
			bool ok = k != 5 || g != 17;
			assert_int_equal(ktap_check(c, "t", ok, "cpu%u failed", g), ok);
		}
	}
	assert_false(ktap_overflowed());
	assert_int_equal(ktap_nodes_used(), 1 + groups * (1 + per));
	struct ktap_counts c = ktap_count();
	assert_int_equal(c.tests, groups * per);
	assert_int_equal(c.failed, 1);
	assert_true(ktap_chunks() > 1);
	assert_int_equal(calls, ktap_chunks() - 1);
	assert_int_equal(p.free_pages, NPAGES - calls * KTAP_CHUNK_PAGES);
	assert_int_equal(ktap_pages_taken(), calls * KTAP_CHUNK_PAGES);
	/* every node is reachable: header+plan per level, results, one diagnostic */
	lines = 0;
	ktap_print(count_line, NULL);
	assert_int_equal(lines, 2 + 2 + 1 + groups * (2 + per + 1) + 1);
}

static void overflows_only_when_the_allocator_is_empty(void **state)
{
	(void)state;
	arena_of(3 * KTAP_CHUNK_PAGES + KTAP_CHUNK_PAGES - 1);   /* 3 chunks and change */
	ktap_set_page_alloc(alloc_pages);
	u64 made = 0;
	while (ktap_add(NULL, "t", KTAP_PASS, NULL))
		made++;
	assert_true(ktap_overflowed());
	assert_int_equal(ktap_chunks(), 4);
	assert_int_equal(made, KTAP_STATIC_NODES + 3 * chunk_cap());
	assert_int_equal(ktap_nodes_used(), made);
	assert_int_equal(ktap_count().tests, made);
	assert_int_equal(p.free_pages, KTAP_CHUNK_PAGES - 1);   /* a 16-page run was not there */
}

static void reset_reuses_the_chunks_it_has(void **state)
{
	(void)state;
	arena_of(NPAGES);
	ktap_set_page_alloc(alloc_pages);
	for (int i = 0; i < 9000; i++)
		assert_non_null(ktap_add(NULL, "t", KTAP_PASS, NULL));
	u64 chunks = ktap_chunks(), free_pages = p.free_pages, before = calls;
	ktap_reset();
	assert_int_equal(ktap_nodes_used(), 0);
	assert_int_equal(ktap_count().tests, 0);
	for (int i = 0; i < 9000; i++)
		assert_non_null(ktap_add(NULL, "u", KTAP_SKIP, "again"));
	assert_int_equal(calls, before);            /* no new pages */
	assert_int_equal(ktap_chunks(), chunks);
	assert_int_equal(p.free_pages, free_pages);
	assert_int_equal(ktap_count().skipped, 9000);
	ktap_add(NULL, "x", KTAP_PASS, NULL);      /* one more may take one more chunk */
	assert_false(ktap_overflowed());
}

static void without_an_allocator_the_static_chunk_is_the_limit(void **state)
{
	(void)state;
	u64 made = 0;
	while (ktap_add(NULL, "t", KTAP_PASS, NULL))
		made++;
	assert_int_equal(made, KTAP_STATIC_NODES);
	assert_true(ktap_overflowed());
}

#define T(f) cmocka_unit_test_setup(f, reset)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(grows_past_the_static_chunk_from_the_page_allocator),
		T(overflows_only_when_the_allocator_is_empty),
		T(reset_reuses_the_chunks_it_has),
		T(without_an_allocator_the_static_chunk_is_the_limit),
	};
	return cmocka_run_group_tests_name("ktap_pool", tests, setup, teardown);
}
