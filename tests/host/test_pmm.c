/* kernel/pmm.c over a host arena: an aligned_alloc'd buffer stands in for
 * physical memory (base = its address), so the allocator's zeroing writes
 * land in memory ASan watches. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/pmm.h"

#define NPAGES 200                       /* not a multiple of 64: the bitmap's last word is partial */
#define ARENA_ALIGN (64 * PAGE_SIZE)     /* so index alignment is also address alignment */
#define FILL 0xa5
/* aligned_alloc wants a multiple of the alignment: the pages past NPAGES are a
 * guard zone the allocator must never write */
#define ARENA_BYTES ALIGN_UP(NPAGES * PAGE_SIZE, ARENA_ALIGN)

static struct pmm p;
static u64 bitmap[(NPAGES + 63) / 64];
static u8 *arena;
static u64 base;

static u64 pg(u64 i) { return base + i * PAGE_SIZE; }

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(ARENA_ALIGN, ARENA_BYTES);
	if (!arena)
		return -1;
	memset(arena, FILL, ARENA_BYTES);
	base = (u64)(uintptr_t)arena;
	memset(bitmap, 0, sizeof bitmap);
	pmm_init(&p, base, NPAGES, bitmap);
	return 0;
}

static bool all_bytes(u64 addr, u64 len, u8 v);

static int teardown(void **state)
{
	(void)state;
	bool guard_ok = all_bytes(base + NPAGES * PAGE_SIZE, ARENA_BYTES - NPAGES * PAGE_SIZE, FILL);
	free(arena);
	assert_true(guard_ok);   /* nothing was written past the last managed page */
	return 0;
}

static void add_all(void)
{
	pmm_add_range(&p, base, pg(NPAGES));
}

static u64 count_free(void)
{
	u64 n = 0;
	for (u64 i = 0; i < NPAGES; i++)
		n += pmm_is_free(&p, pg(i));
	return n;
}

static bool all_bytes(u64 addr, u64 len, u8 v)
{
	const u8 *b = (const u8 *)(uintptr_t)addr;
	for (u64 i = 0; i < len; i++)
		if (b[i] != v)
			return false;
	return true;
}

/* ---- init, add, reserve ---- */

static void init_marks_every_page_used(void **state)
{
	(void)state;
	assert_int_equal(p.base, base);
	assert_int_equal(p.npages, NPAGES);
	assert_int_equal(p.free_pages, 0);
	assert_int_equal(p.total_pages, 0);
	assert_int_equal(count_free(), 0);
	assert_int_equal(pmm_alloc(&p, 1, 1), 0);
}

static void add_range_frees_only_whole_pages_inside(void **state)
{
	(void)state;
	/* [page 1 + 100 bytes, page 5 + 10 bytes): pages 2, 3, 4 are wholly inside */
	pmm_add_range(&p, pg(1) + 100, pg(5) + 10);
	assert_int_equal(p.free_pages, 3);
	assert_int_equal(p.total_pages, 3);
	assert_false(pmm_is_free(&p, pg(1)));
	assert_true(pmm_is_free(&p, pg(2)));
	assert_true(pmm_is_free(&p, pg(4)));
	assert_true(pmm_is_free(&p, pg(4) + PAGE_SIZE - 1));
	assert_false(pmm_is_free(&p, pg(5)));
	assert_int_equal(count_free(), 3);
}

static void add_range_exact_page_bounds(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(10), pg(12));
	assert_int_equal(p.free_pages, 2);
	assert_false(pmm_is_free(&p, pg(9)));
	assert_true(pmm_is_free(&p, pg(10)));
	assert_true(pmm_is_free(&p, pg(11)));
	assert_false(pmm_is_free(&p, pg(12)));
}

static void add_range_smaller_than_a_page_frees_nothing(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(3) + 1, pg(4) + 4095);   /* touches two pages, contains none */
	pmm_add_range(&p, pg(3), pg(3) + 4095);
	assert_int_equal(p.free_pages, 0);
	assert_int_equal(count_free(), 0);
}

static void add_range_empty_or_outside_is_ignored(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(5), pg(5));                  /* empty */
	pmm_add_range(&p, pg(8), pg(5));                  /* end before start */
	pmm_add_range(&p, base - 16 * PAGE_SIZE, base);   /* wholly below */
	pmm_add_range(&p, pg(NPAGES), pg(NPAGES + 10));   /* wholly above */
	assert_int_equal(p.free_pages, 0);
	assert_int_equal(p.total_pages, 0);
}

static void add_range_is_clamped_to_the_arena(void **state)
{
	(void)state;
	pmm_add_range(&p, base - 16 * PAGE_SIZE, pg(NPAGES) + 16 * PAGE_SIZE);
	assert_int_equal(p.free_pages, NPAGES);
	assert_int_equal(p.total_pages, NPAGES);
	assert_int_equal(count_free(), NPAGES);
	assert_false(pmm_is_free(&p, base - PAGE_SIZE));
	assert_false(pmm_is_free(&p, pg(NPAGES)));
}

static void add_range_twice_counts_pages_once(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(0), pg(10));
	pmm_add_range(&p, pg(5), pg(15));   /* overlaps 5..9 */
	assert_int_equal(p.free_pages, 15);
	assert_int_equal(p.total_pages, 15);
}

static void reserve_range_takes_every_page_touched(void **state)
{
	(void)state;
	add_all();
	/* [page 1 + 1, page 3 + 1): touches pages 1, 2, 3 */
	pmm_reserve_range(&p, pg(1) + 1, pg(3) + 1);
	assert_int_equal(p.free_pages, NPAGES - 3);
	assert_int_equal(p.total_pages, NPAGES - 3);
	assert_true(pmm_is_free(&p, pg(0)));
	assert_false(pmm_is_free(&p, pg(1)));
	assert_false(pmm_is_free(&p, pg(2)));
	assert_false(pmm_is_free(&p, pg(3)));
	assert_true(pmm_is_free(&p, pg(4)));
	/* one byte reserves its whole page */
	pmm_reserve_range(&p, pg(7) + 2000, pg(7) + 2001);
	assert_false(pmm_is_free(&p, pg(7)));
	assert_int_equal(p.free_pages, NPAGES - 4);
}

static void reserve_range_of_used_pages_counts_once(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(0), pg(10));
	pmm_reserve_range(&p, pg(8), pg(20));   /* 8, 9 free; 10..19 were never RAM */
	assert_int_equal(p.free_pages, 8);
	assert_int_equal(p.total_pages, 8);
	pmm_reserve_range(&p, pg(8), pg(20));   /* again: nothing changes */
	assert_int_equal(p.free_pages, 8);
	assert_int_equal(p.total_pages, 8);
}

static void reserve_range_is_clamped_to_the_arena(void **state)
{
	(void)state;
	add_all();
	pmm_reserve_range(&p, base - 100 * PAGE_SIZE, pg(2));
	pmm_reserve_range(&p, pg(NPAGES - 1) + 5, pg(NPAGES) + 100 * PAGE_SIZE);
	pmm_reserve_range(&p, pg(NPAGES), pg(NPAGES + 1));   /* wholly above: ignored */
	assert_int_equal(p.free_pages, NPAGES - 3);
	assert_false(pmm_is_free(&p, pg(0)));
	assert_false(pmm_is_free(&p, pg(1)));
	assert_true(pmm_is_free(&p, pg(2)));
	assert_false(pmm_is_free(&p, pg(NPAGES - 1)));
}

/* ---- alloc ---- */

static void alloc_single_page_is_zeroed_and_taken(void **state)
{
	(void)state;
	add_all();
	u64 a = pmm_alloc(&p, 1, 1);
	assert_int_not_equal(a, 0);
	assert_int_equal(a, pg(0));
	assert_int_equal(a % PAGE_SIZE, 0);
	assert_true(all_bytes(a, PAGE_SIZE, 0));
	assert_true(all_bytes(pg(1), PAGE_SIZE, FILL));   /* the neighbour is untouched */
	assert_false(pmm_is_free(&p, a));
	assert_int_equal(p.free_pages, NPAGES - 1);
	assert_int_equal(p.total_pages, NPAGES);
	u64 b = pmm_alloc(&p, 1, 1);
	assert_int_equal(b, pg(1));
}

static void alloc_contiguous_run(void **state)
{
	(void)state;
	add_all();
	u64 a = pmm_alloc(&p, 5, 1);
	assert_int_equal(a, pg(0));
	for (u64 i = 0; i < 5; i++)
		assert_false(pmm_is_free(&p, a + i * PAGE_SIZE));
	assert_true(pmm_is_free(&p, pg(5)));
	assert_true(all_bytes(a, 5 * PAGE_SIZE, 0));
	assert_true(all_bytes(pg(5), PAGE_SIZE, FILL));
	assert_int_equal(p.free_pages, NPAGES - 5);
}

static void alloc_aligned_run(void **state)
{
	(void)state;
	add_all();
	assert_int_equal(pmm_alloc(&p, 1, 1), pg(0));       /* now page 0 is taken */
	u64 a = pmm_alloc(&p, 3, 4);
	assert_int_equal(a, pg(4));
	assert_int_equal((a - base) % (4 * PAGE_SIZE), 0);
	assert_true(pmm_is_free(&p, pg(1)));                /* skipped, not taken */
	assert_true(pmm_is_free(&p, pg(3)));
	assert_false(pmm_is_free(&p, pg(6)));
	assert_true(pmm_is_free(&p, pg(7)));
	u64 b = pmm_alloc(&p, 1, 16);
	assert_int_equal(b, pg(16));
	u64 c = pmm_alloc(&p, 2, 64);
	assert_int_equal(c, pg(64));
	assert_int_equal(c % (64 * PAGE_SIZE), 0);          /* the arena is 64-page aligned */
	assert_int_equal(p.free_pages, NPAGES - 1 - 3 - 1 - 2);
}

static void alloc_aligned_skips_a_misaligned_free_run(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(1), pg(8));    /* 7 free pages, none 8-aligned */
	pmm_add_range(&p, pg(16), pg(18));
	assert_int_equal(pmm_alloc(&p, 2, 8), pg(16));
	assert_int_equal(pmm_alloc(&p, 2, 8), 0);
	assert_int_equal(pmm_alloc(&p, 7, 1), pg(1));
}

static void alloc_around_reserved_holes(void **state)
{
	(void)state;
	add_all();
	pmm_reserve_range(&p, pg(2), pg(3));
	pmm_reserve_range(&p, pg(5), pg(6));
	/* 0-1 free, 2 hole, 3-4 free, 5 hole, 6.. free */
	assert_int_equal(pmm_alloc(&p, 2, 1), pg(0));
	assert_int_equal(pmm_alloc(&p, 3, 1), pg(6));
	assert_int_equal(pmm_alloc(&p, 2, 1), pg(9));
	assert_false(pmm_is_free(&p, pg(2)));
	assert_false(pmm_is_free(&p, pg(5)));
	assert_int_equal(p.free_pages, NPAGES - 2 - 7);
	assert_int_equal(p.total_pages, NPAGES - 2);
}

static void alloc_run_never_spans_a_hole(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(0), pg(NPAGES));
	for (u64 i = 3; i < NPAGES; i += 4)
		pmm_reserve_range(&p, pg(i), pg(i) + 1);    /* a hole every 4th page: runs of 3 */
	assert_int_equal(pmm_alloc(&p, 4, 1), 0);
	u64 a = pmm_alloc(&p, 3, 1);
	assert_int_equal(a, pg(0));
	assert_int_equal(pmm_alloc(&p, 3, 1), pg(4));
}

static void alloc_until_exhausted_then_zero(void **state)
{
	(void)state;
	add_all();
	pmm_reserve_range(&p, pg(100), pg(101));
	u64 n = 0, a;
	while ((a = pmm_alloc(&p, 1, 1)) != 0) {
		assert_true(a >= base && a < pg(NPAGES));
		assert_int_not_equal(a, pg(100));
		n++;
		assert_true(n <= NPAGES);
	}
	assert_int_equal(n, NPAGES - 1);
	assert_int_equal(p.free_pages, 0);
	assert_int_equal(pmm_alloc(&p, 1, 1), 0);
	assert_int_equal(p.free_pages, 0);
}

static void alloc_last_page_of_partial_bitmap_word(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(NPAGES - 1), pg(NPAGES));
	assert_int_equal(pmm_alloc(&p, 1, 1), pg(NPAGES - 1));
	assert_int_equal(pmm_alloc(&p, 1, 1), 0);   /* the bitmap bits past NPAGES are not pages */
}

static void alloc_rejects_bad_requests(void **state)
{
	(void)state;
	add_all();
	assert_int_equal(pmm_alloc(&p, 0, 1), 0);
	assert_int_equal(pmm_alloc(&p, 1, 0), 0);
	assert_int_equal(pmm_alloc(&p, NPAGES + 1, 1), 0);
	assert_int_equal(pmm_alloc(&p, 1, 256), pg(0));   /* index 0 is aligned to anything */
	assert_int_equal(pmm_alloc(&p, 2, 128), pg(128));
	assert_int_equal(pmm_alloc(&p, 1, 256), 0);                   /* no index but 0 is 256-aligned */
	assert_int_equal(p.free_pages, NPAGES - 3);
}

static void alloc_whole_arena_at_once(void **state)
{
	(void)state;
	add_all();
	assert_int_equal(pmm_alloc(&p, NPAGES, 1), pg(0));
	assert_int_equal(p.free_pages, 0);
	assert_true(all_bytes(base, NPAGES * PAGE_SIZE, 0));
	pmm_free(&p, pg(0), NPAGES);
	assert_int_equal(p.free_pages, NPAGES);
}

/* ---- free ---- */

static void free_restores_counts(void **state)
{
	(void)state;
	add_all();
	u64 a = pmm_alloc(&p, 3, 1);
	u64 b = pmm_alloc(&p, 2, 2);
	assert_int_equal(p.free_pages, NPAGES - 5);
	pmm_free(&p, a, 3);
	assert_int_equal(p.free_pages, NPAGES - 2);
	for (u64 i = 0; i < 3; i++)
		assert_true(pmm_is_free(&p, a + i * PAGE_SIZE));
	pmm_free(&p, b, 2);
	assert_int_equal(p.free_pages, NPAGES);
	assert_int_equal(p.total_pages, NPAGES);
	assert_int_equal(count_free(), NPAGES);
}

static void freed_page_is_zeroed_when_reallocated(void **state)
{
	(void)state;
	pmm_add_range(&p, pg(0), pg(1));
	u64 a = pmm_alloc(&p, 1, 1);
	memset((void *)(uintptr_t)a, 0x77, PAGE_SIZE);
	pmm_free(&p, a, 1);
	u64 b = pmm_alloc(&p, 1, 1);
	assert_int_equal(b, a);
	assert_true(all_bytes(b, PAGE_SIZE, 0));
}

static void double_free_counts_once(void **state)
{
	(void)state;
	add_all();
	u64 a = pmm_alloc(&p, 2, 1);
	pmm_free(&p, a, 2);
	pmm_free(&p, a, 2);
	assert_int_equal(p.free_pages, NPAGES);
}

static void free_ignores_bad_addresses(void **state)
{
	(void)state;
	add_all();
	u64 a = pmm_alloc(&p, 4, 1);
	pmm_free(&p, a + 8, 1);                          /* not page aligned */
	pmm_free(&p, base - PAGE_SIZE, 2);               /* below the arena */
	pmm_free(&p, pg(NPAGES), 1);                     /* past the arena */
	assert_int_equal(p.free_pages, NPAGES - 4);
	pmm_free(&p, pg(NPAGES - 1), 10);                /* runs past the end: clamped, page is free anyway */
	assert_int_equal(p.free_pages, NPAGES - 4);
	pmm_free(&p, a + 2 * PAGE_SIZE, 100);            /* frees the run's tail 2 pages, stops at the arena */
	assert_int_equal(p.free_pages, NPAGES - 2);
}

/* ---- the search hint ---- */

static void hint_continues_after_last_allocation(void **state)
{
	(void)state;
	add_all();
	u64 a = pmm_alloc(&p, 1, 1);
	u64 b = pmm_alloc(&p, 1, 1);
	pmm_free(&p, a, 1);
	/* the next search starts after b, not at the freed page 0 */
	assert_int_equal(pmm_alloc(&p, 1, 1), b + PAGE_SIZE);
}

static void hint_wraps_around_to_the_start(void **state)
{
	(void)state;
	add_all();
	assert_int_equal(pmm_alloc(&p, NPAGES - 5, 1), pg(0));   /* hint now at NPAGES - 5 */
	pmm_free(&p, pg(0), 10);
	/* 5 pages after the hint: too few for 10, so the search wraps to page 0 */
	assert_int_equal(pmm_alloc(&p, 10, 1), pg(0));
	/* the last 5 still fit after the hint */
	assert_int_equal(pmm_alloc(&p, 5, 1), pg(NPAGES - 5));
	assert_int_equal(p.free_pages, 0);
	assert_int_equal(pmm_alloc(&p, 1, 1), 0);
}

static void hint_wrap_respects_alignment(void **state)
{
	(void)state;
	add_all();
	assert_int_equal(pmm_alloc(&p, 190, 1), pg(0));    /* hint 190: pages 190..199 free */
	pmm_free(&p, pg(0), 16);
	/* 8-aligned run of 8: 192..199 after the hint fits */
	assert_int_equal(pmm_alloc(&p, 8, 8), pg(192));
	/* next: nothing after the hint, wraps to 0 */
	assert_int_equal(pmm_alloc(&p, 8, 8), pg(0));
	assert_int_equal(pmm_alloc(&p, 8, 8), pg(8));
	assert_int_equal(pmm_alloc(&p, 1, 1), pg(190));
}

/* ---- pmm_is_free ---- */

static void is_free_outside_the_arena_is_false(void **state)
{
	(void)state;
	add_all();
	assert_false(pmm_is_free(&p, base - 1));
	assert_false(pmm_is_free(&p, pg(NPAGES)));
	assert_false(pmm_is_free(&p, 0));
	assert_true(pmm_is_free(&p, pg(NPAGES) - 1));
}

/* ALIGN_UP is a power-of-two mask: pmm_alloc rejects any other alignment
 * (it used to return index 1 for 3, index 2 for 6). */
static void alloc_rejects_non_power_of_two_alignment(void **state)
{
	(void)state;
	add_all();
	assert_int_equal(pmm_alloc(&p, 1, 1), pg(0));
	for (u64 align = 3; align <= 12; align++) {
		if (!(align & (align - 1)))
			continue;
		assert_int_equal(pmm_alloc(&p, 1, align), 0);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(init_marks_every_page_used),
		T(add_range_frees_only_whole_pages_inside),
		T(add_range_exact_page_bounds),
		T(add_range_smaller_than_a_page_frees_nothing),
		T(add_range_empty_or_outside_is_ignored),
		T(add_range_is_clamped_to_the_arena),
		T(add_range_twice_counts_pages_once),
		T(reserve_range_takes_every_page_touched),
		T(reserve_range_of_used_pages_counts_once),
		T(reserve_range_is_clamped_to_the_arena),
		T(alloc_single_page_is_zeroed_and_taken),
		T(alloc_contiguous_run),
		T(alloc_aligned_run),
		T(alloc_aligned_skips_a_misaligned_free_run),
		T(alloc_around_reserved_holes),
		T(alloc_run_never_spans_a_hole),
		T(alloc_until_exhausted_then_zero),
		T(alloc_last_page_of_partial_bitmap_word),
		T(alloc_rejects_bad_requests),
		T(alloc_whole_arena_at_once),
		T(free_restores_counts),
		T(freed_page_is_zeroed_when_reallocated),
		T(double_free_counts_once),
		T(free_ignores_bad_addresses),
		T(hint_continues_after_last_allocation),
		T(hint_wraps_around_to_the_start),
		T(hint_wrap_respects_alignment),
		T(is_free_outside_the_arena_is_false),
		T(alloc_rejects_non_power_of_two_alignment),
	};
	return cmocka_run_group_tests_name("pmm", tests, NULL, NULL);
}
