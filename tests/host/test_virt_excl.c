/* vmx/virt_excl.c: the VMM pages of several CPUs (each CPU's block as the
 * kernel lays it out, plus overlapping, adjacent and unaligned ranges) become
 * one sorted, merged list; then real EPT tables built around it (vmx/ept.c)
 * leave every one of those pages not present and split exactly the 1 GiB and
 * 2 MiB pages that hold one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/virt_excl.h"

#define ARENA_BASE 0x100000000ULL   /* fake physical address of arena page 0 (above the ranges) */
#define BLOCK (126 * 4096ULL)       /* one CPU's VMM block of the first layout (126 pages; any size does) */

static u8 *arena_mem;
static u64 arena_pages = 64, arena_used, arena_live;

static u64 a_alloc(void *ctx)
{
	(void)ctx;
	if (arena_used >= arena_pages)
		return 0;
	memset(arena_mem + arena_used * 4096, 0, 4096);
	arena_live++;
	return ARENA_BASE + 4096 * arena_used++;
}
static u64 *a_table(u64 pa, void *ctx)
{
	(void)ctx;
	assert_true(pa >= ARENA_BASE && pa < ARENA_BASE + arena_pages * 4096);
	return (u64 *)(arena_mem + (pa - ARENA_BASE));
}
static void a_free(u64 pa, void *ctx)
{
	(void)pa, (void)ctx;
	arena_live--;
}
static struct ept_mem mem = { a_alloc, a_table, a_free, 0 };

/* three CPUs: cpu0 and cpu1 adjacent blocks, cpu2 across the 1 GiB line; each
 * CPU also lists its EPT pool inside its block (an overlap); one unaligned range */
static size_t three_cpus(struct ept_range *r, size_t cap, struct virt_excl *x)
{
	*x = (struct virt_excl){ r, 0, cap, false };
	const u64 blocks[] = { 0x3ffc0000, 0x127e000, 0x1200000 };   /* not in order */
	for (size_t i = 0; i < 3; i++) {
		virt_excl_add(x, blocks[i], BLOCK);
		virt_excl_add(x, blocks[i] + 30 * 4096, 96 * 4096);
	}
	virt_excl_add(x, 0x5000123, 0x10);
	virt_excl_add(x, 0x9000000, 0);   /* empty: nothing */
	virt_excl_finish(x);
	return x->n;
}

static void ranges_of_several_cpus_merge(void **state)
{
	(void)state;
	struct ept_range r[16];
	struct virt_excl x;
	assert_int_equal(three_cpus(r, 16, &x), 3);
	assert_false(x.overflow);
	assert_int_equal(r[0].base, 0x1200000);
	assert_int_equal(r[0].end, 0x1200000 + 2 * BLOCK);   /* adjacent blocks: one range */
	assert_int_equal(r[1].base, 0x5000000);              /* unaligned: the whole page */
	assert_int_equal(r[1].end, 0x5001000);
	assert_int_equal(r[2].base, 0x3ffc0000);
	assert_int_equal(r[2].end, 0x3ffc0000 + BLOCK);
	assert_int_equal(virt_excl_pages(&x), 3 * 126 + 1);
}

static void unaligned_range_rounds_out_to_both_pages(void **state)
{
	(void)state;
	struct ept_range r[4];
	struct virt_excl x = { r, 0, 4, false };
	virt_excl_add(&x, 0x10ff0, 0x20);   /* crosses 0x11000 */
	virt_excl_add(&x, 0x20000, 0x1000); /* exact */
	virt_excl_add(&x, 0x12000, 0xe000); /* touches the previous: adjacent, merges */
	virt_excl_finish(&x);
	assert_int_equal(x.n, 1);
	assert_int_equal(r[0].base, 0x10000);
	assert_int_equal(r[0].end, 0x21000);
}

static void too_many_ranges_is_overflow(void **state)
{
	(void)state;
	struct ept_range r[2];
	struct virt_excl x = { r, 0, 2, false };
	virt_excl_add(&x, 0x1000, 0x1000);
	virt_excl_add(&x, 0x3000, 0x1000);
	assert_false(x.overflow);
	virt_excl_add(&x, 0x5000, 0x1000);
	assert_true(x.overflow);
	assert_int_equal(x.n, 2);
}

static void range_lookup_boundaries(void **state)
{
	(void)state;
	const struct ept_range r[] = { { 0x2000, 0x4000 }, { 0x10000, 0x11000 } };
	assert_false(ept_range_hits(r, 0, 0, ~0ULL >> 1));
	assert_false(ept_range_hits(r, 2, 0, 0x2000));        /* ends where the first starts */
	assert_true(ept_range_hits(r, 2, 0, 0x3000));
	assert_true(ept_range_hits(r, 2, 0x3000, 0x1000));
	assert_false(ept_range_hits(r, 2, 0x4000, 0xc000));    /* the gap exactly */
	assert_true(ept_range_hits(r, 2, 0x4000, 0xd000));
	assert_true(ept_range_hits(r, 2, 0, 0x200000));        /* a 2 MiB page holding both */
	assert_false(ept_range_hits(r, 2, 0x11000, 0x1000));
	assert_false(ept_range_hits(r, 2, 0x200000, 0x200000));
}

static u64 lookup(u64 root, u64 gpa, u64 *size)
{
	*size = 0;
	return ept_lookup(root, &mem, gpa, size);
}

static void ept_leaves_every_cpus_vmm_pages_out(void **state)
{
	(void)state;
	struct ept_range r[16];
	struct virt_excl x;
	three_cpus(r, 16, &x);
	struct cpuinfo_raw m;
	memset(&m, 0, sizeof(m));
	m.mtrr_ok = true;
	m.mtrr_cap = 0x508;
	m.mtrr_def = (1u << 11) | MEMTYPE_WB;
	struct ept_params p = { &m, 40, true, true, 0, 0, 0, r, x.n };
	struct ept_stats st;
	u64 root, size, e;
	arena_mem = aligned_alloc(4096, arena_pages * 4096);
	arena_used = arena_live = 0;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_OK);
	assert_int_equal(st.holes, 3 * 126 + 1);
	for (size_t i = 0; i < x.n; i++)
		for (u64 a = r[i].base; a < r[i].end; a += 4096)
			assert_int_equal(lookup(root, a, &size), 0);
	/* the pages next to each range stay mapped, identity */
	for (size_t i = 0; i < x.n; i++) {
		e = lookup(root, r[i].base - 4096, &size);
		assert_int_equal(e & EPT_ADDR_MASK, (r[i].base - 4096) & ~(size - 1));
		e = lookup(root, r[i].end, &size);
		assert_int_equal(size, 4096);   /* every range ends inside its 2 MiB page */
		assert_int_equal(e & EPT_ADDR_MASK, r[i].end);
	}
	lookup(root, 0x11ff000, &size);       /* below cpu0: another 2 MiB page, whole */
	assert_int_equal(size, 2ULL << 20);
	lookup(root, 0x3ffbf000, &size);      /* below cpu2: the same 2 MiB page, split */
	assert_int_equal(size, 4096);
	/* a 2 MiB page with no VMM page stays whole, so does a 1 GiB page */
	e = lookup(root, 0x1000000, &size);
	assert_int_equal(size, 2ULL << 20);
	assert_true(e & EPT_LARGE);
	e = lookup(root, 0x80000000, &size);
	assert_int_equal(size, 1ULL << 30);
	/* PML4, a PDPT for each 512 GiB of the 1 TiB, a PD for each of GiB 0 and 1,
	 * a PT for each 2 MiB page with a VMM page: 0x1200000, 0x3fe00000,
	 * 0x40000000 (cpu2 crosses into it), 0x5000000 */
	assert_int_equal(st.tables, 1 + 2 + 2 + 4);
	assert_int_equal(st.leaves_4k, 4 * 512 - (3 * 126 + 1));
	assert_int_equal(st.bytes_wb, (1ULL << 40) - (3 * 126 + 1) * 4096ULL);
	ept_free(root, &mem);
	assert_int_equal(arena_live, 0);
	free(arena_mem);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranges_of_several_cpus_merge),
		cmocka_unit_test(unaligned_range_rounds_out_to_both_pages),
		cmocka_unit_test(too_many_ranges_is_overflow),
		cmocka_unit_test(range_lookup_boundaries),
		cmocka_unit_test(ept_leaves_every_cpus_vmm_pages_out),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
