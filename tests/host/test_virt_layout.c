/* vmx/virt_layout.c: the shared part's layout, which CPUs may share one EPT
 * map (real Bochs MTRR values, then one register changed at a time), the
 * VMM's copy of page tables shaped like the kernel's (arch/x86_64/paging.c:
 * 4 GiB of 2 MiB pages, 4 KiB tables where the kernel image and guard pages
 * are), and the deepest-use measure of a patterned stack. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/virt.h"
#include "vmx/virt_layout.h"
#include "vmx/virt_excl.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/gdt.h"

static void shared_layout_counts_every_page(void **state)
{
	(void)state;
	struct virt_shared_layout l = virt_shared_layout(7, 1, 96, false);
	assert_int_equal(l.bitmap, 0);
	assert_int_equal(l.idt, 1);
	assert_int_equal(l.probe, 0);
	assert_int_equal(l.pt, 2);
	assert_int_equal(l.ept, 9);
	assert_int_equal(l.pages, 2 + 7 + 96);
	l = virt_shared_layout(7, 2, 96, true);   /* two EPT maps, the probe page of virt.break=ept_misconfig */
	assert_int_equal(l.probe, 2);
	assert_int_equal(l.pt, 3);
	assert_int_equal(l.ept, 10);
	assert_int_equal(l.pages, 3 + 7 + 2 * 96);
	/* the block per CPU, as vmx/virt.h lays it out: well under the 64 KiB budget */
	assert_int_equal(VIRT_BLOCK_PAGES, 3 + VIRT_STACK_PAGES + 3 * VIRT_IST_PAGES);
	assert_true(VIRT_BLOCK_PAGES * 4096 <= 64 * 1024);
	assert_true(VIRT_TSS_OFFSET >= sizeof(((struct cpu_tables *)0)->gdt) && VIRT_TSS_OFFSET + sizeof(struct tss64) <= 4096);
}

/* Bochs corei7_skylake_x: MTRRCAP 0x508 (8 variable ranges, fixed, WC),
 * DEF_TYPE 0xc06 (enabled, fixed enabled, WB), one UC range at 3 GiB */
static struct cpuinfo_raw bochs_mtrrs(void)
{
	struct cpuinfo_raw m;
	memset(&m, 0, sizeof(m));
	m.mtrr_ok = true;
	m.mtrr_cap = 0x508;
	m.mtrr_def = 0xc06;
	for (int i = 0; i < 11; i++)
		m.fixed[i] = 0x0606060606060606ULL;
	m.var_base[0] = 0xc0000000ULL | MEMTYPE_UC;
	m.var_mask[0] = 0xffc0000800ULL;
	return m;
}

static void ept_map_shared_only_when_everything_agrees(void **state)
{
	(void)state;
	struct cpuinfo_raw a = bochs_mtrrs(), b = bochs_mtrrs();
	struct ept_params pa = { &a, 40, true, true, 0, 0, 96, 0, 0 }, pb = { &b, 40, true, true, 0, 0, 96, 0, 0 };
	assert_true(virt_ept_same_map(&pa, &pb));
	b.var_base[9] = 0x1234;   /* beyond MTRRCAP's 8 ranges: never read */
	assert_true(virt_ept_same_map(&pa, &pb));
	b.var_mask[7] = 0x800;    /* range 7 valid on one CPU only */
	assert_false(virt_ept_same_map(&pa, &pb));
	b = bochs_mtrrs();
	b.fixed[10] ^= 0x06;      /* one fixed range UC instead of WB */
	assert_false(virt_ept_same_map(&pa, &pb));
	b = bochs_mtrrs();
	b.mtrr_def = 0x806;       /* fixed ranges off */
	assert_false(virt_ept_same_map(&pa, &pb));
	b = bochs_mtrrs();
	pb.phys_bits = 39;
	assert_false(virt_ept_same_map(&pa, &pb));
	pb.phys_bits = 40;
	pb.pages_1g = false;
	assert_false(virt_ept_same_map(&pa, &pb));
	pb.pages_1g = true;
	b.mtrr_ok = false;        /* MTRRs unreadable on one CPU */
	assert_false(virt_ept_same_map(&pa, &pb));
	a.mtrr_ok = false;        /* ... on both: everything UC, whatever the stale values */
	a.mtrr_def = 0x1234;
	assert_true(virt_ept_same_map(&pa, &pb));
}

/* fake physical memory: table pages at 0x1000 * (1 + index) */
#define NPAGES 64
static u64 mem[NPAGES][512];
static u32 next_free, copies;

static const u64 *t_table(u64 pa, void *ctx)
{
	(void)ctx;
	assert_true(pa >= 0x1000 && pa / 0x1000 <= NPAGES && !(pa & 0xfff));
	return mem[pa / 0x1000 - 1];
}
static u64 *t_wtable(u64 pa, void *ctx)
{
	return (u64 *)t_table(pa, ctx);
}
static u64 t_new(void)
{
	assert_true(next_free < NPAGES);
	return 0x1000ULL * (1 + next_free++);
}
static u64 t_copy(u64 src, void *ctx)
{
	u32 *limit = ctx;
	if (copies >= *limit)
		return 0;
	copies++;
	u64 pa = t_new();
	memcpy(t_wtable(pa, 0), t_table(src, 0), 4096);
	return pa;
}

/* the kernel's shape: PML4 -> PDPT -> 4 PDs of 2 MiB pages; PTs for the first
 * 2 MiB regions (kernel image), one more for a guard page at 1 GiB + 6 MiB;
 * PML4 entry 1 maps RAM above 512 GiB, not copied */
static u64 kernel_tables(u32 pts_low)
{
	memset(mem, 0, sizeof(mem));
	next_free = copies = 0;
	u64 root = t_new(), pdpt = t_new();
	t_wtable(root, 0)[0] = pdpt | PTE_P | PTE_W;
	t_wtable(root, 0)[1] = 0x8000000000ULL | PTE_P;   /* another PDPT, elsewhere */
	for (int g = 0; g < 4; g++) {
		u64 pd = t_new();
		t_wtable(pdpt, 0)[g] = pd | PTE_P | PTE_W;
		for (int i = 0; i < 512; i++)
			t_wtable(pd, 0)[i] = (((u64)g << 30) + ((u64)i << 21)) | PTE_P | PTE_W | PTE_PS;
	}
	const u64 *p3 = t_table(pdpt, 0);
	for (u32 k = 0; k <= pts_low; k++) {
		int g = k < pts_low ? 0 : 1, i = k < pts_low ? (int)k : 3;
		u64 pt = t_new();
		for (int j = 0; j < 512; j++)
			t_wtable(pt, 0)[j] = (((u64)g << 30) + ((u64)i << 21) + ((u64)j << 12)) | PTE_P | PTE_W;
		t_wtable(p3[g] & PTE_ADDR_MASK, 0)[i] = pt | PTE_P | PTE_W;
	}
	return root;
}

static void pt_copy_uses_exactly_the_counted_pages(void **state)
{
	(void)state;
	u64 root = kernel_tables(3);
	u32 limit = 100;
	struct virt_pt_mem m = { t_table, t_copy, t_wtable, &limit };
	u32 n = virt_pt_count(root, &m);
	assert_int_equal(n, 1 + 1 + 4 + 3 + 1);
	u32 kernel_pages = next_free;
	u64 copy = virt_pt_copy(root, &m);
	assert_true(copy);
	assert_int_equal(copies, n);
	assert_int_equal(next_free, kernel_pages + n);
	/* every level of the low 4 GiB is a copy (above the kernel's pages), the
	 * rest of the PML4 points where the kernel's does, flags kept */
	const u64 *c4 = t_table(copy, 0), *k4 = t_table(root, 0);
	assert_true((c4[0] & PTE_ADDR_MASK) / 0x1000 > kernel_pages);
	assert_int_equal(c4[0] & ~PTE_ADDR_MASK, k4[0] & ~PTE_ADDR_MASK);
	assert_int_equal(c4[1], k4[1]);
	const u64 *c3 = t_table(c4[0] & PTE_ADDR_MASK, 0), *k3 = t_table(k4[0] & PTE_ADDR_MASK, 0);
	for (int g = 0; g < 4; g++) {
		assert_int_not_equal(c3[g] & PTE_ADDR_MASK, k3[g] & PTE_ADDR_MASK);
		const u64 *c2 = t_table(c3[g] & PTE_ADDR_MASK, 0), *k2 = t_table(k3[g] & PTE_ADDR_MASK, 0);
		for (int i = 0; i < 512; i++) {
			if (k2[i] & PTE_PS) {
				assert_int_equal(c2[i], k2[i]);
				continue;
			}
			assert_int_not_equal(c2[i] & PTE_ADDR_MASK, k2[i] & PTE_ADDR_MASK);
			assert_memory_equal(t_table(c2[i] & PTE_ADDR_MASK, 0), t_table(k2[i] & PTE_ADDR_MASK, 0), 4096);
		}
	}
}

static void pt_copy_out_of_pages_is_zero(void **state)
{
	(void)state;
	u64 root = kernel_tables(2);
	u32 limit = 8;   /* one fewer than the 9 it needs */
	struct virt_pt_mem m = { t_table, t_copy, t_wtable, &limit };
	assert_int_equal(virt_pt_count(root, &m), 9);
	assert_int_equal(virt_pt_copy(root, &m), 0);
	limit = 100;
	copies = 0;
	assert_true(virt_pt_copy(root, &m));
	assert_int_equal(copies, 9);
}

static void stack_deepest_use_from_the_top(void **state)
{
	(void)state;
	static u64 st[512];
	for (int i = 0; i < 512; i++)
		st[i] = VIRT_STACK_PATTERN;
	assert_int_equal(virt_stack_used(st, sizeof(st), VIRT_STACK_PATTERN), 0);
	st[511] = 0;   /* the top word */
	assert_int_equal(virt_stack_used(st, sizeof(st), VIRT_STACK_PATTERN), 8);
	st[300] = 0x1234;   /* a word written deeper; the words between it and the top untouched still count */
	assert_int_equal(virt_stack_used(st, sizeof(st), VIRT_STACK_PATTERN), (512 - 300) * 8);
	st[0] = 1;     /* the bottom: all of it */
	assert_int_equal(virt_stack_used(st, sizeof(st), VIRT_STACK_PATTERN), 4096);
}

/* a real EPT build (vmx/ept.c) in a host arena, the way virt_vmm_reserve
 * does it: a dry run around the per-CPU blocks, the pool from it, then the
 * map around the blocks and the shared part wherever the allocator put it */
#define ARENA_BASE 0x100000000000ULL   /* above every range of the test */
#define ARENA_PAGES 1024
static u8 *arena;
static u64 arena_used;
static u64 a_alloc(void *ctx)
{
	(void)ctx;
	if (arena_used >= ARENA_PAGES)
		return 0;
	memset(arena + arena_used * 4096, 0, 4096);
	return ARENA_BASE + 4096 * arena_used++;
}
static u64 *a_table(u64 pa, void *ctx)
{
	(void)ctx;
	assert_true(pa >= ARENA_BASE && pa < ARENA_BASE + ARENA_PAGES * 4096ULL);
	return (u64 *)(arena + (pa - ARENA_BASE));
}
static void a_free(u64 pa, void *ctx)
{
	(void)pa, (void)ctx;
}

static u64 build_tables(struct cpuinfo_raw *m, unsigned bits, const u64 *starts, size_t n, u64 pages_each,
			u64 shared, u64 shared_pages, u64 max_tables, enum ept_status *s)
{
	struct ept_range r[8];
	struct virt_excl x = { r, 0, 8, false };
	for (size_t i = 0; i < n; i++)
		virt_excl_add(&x, starts[i], pages_each * 4096);
	virt_excl_add(&x, shared, shared_pages * 4096);
	virt_excl_finish(&x);
	struct ept_params p = { m, bits, true, true, 0, 0, max_tables, r, x.n };
	struct ept_mem mem = { a_alloc, a_table, a_free, 0 };
	struct ept_stats st;
	u64 root;
	arena_used = 0;
	*s = ept_build(&p, &mem, &root, &st);
	return st.tables;
}

static void ept_pool_from_a_dry_run_fits_the_real_map(void **state)
{
	(void)state;
	arena = aligned_alloc(4096, ARENA_PAGES * 4096ULL);
	struct cpuinfo_raw m = bochs_mtrrs();
	const u64 blocks[] = { 0x3f0000, 0x3f8000, 0x400000, 0x408000 };   /* 4 CPUs of 8 pages, across 4 MiB */
	/* where the shared part may land: inside a 2 MiB page, across 2 MiB and
	 * 1 GiB lines, inside the UC range at 3 GiB */
	const u64 at[] = { 0x1000000, 0x11ff000, 0x3ffff000, 0xc0100000, 0x7fe00000 };
	const unsigned widths[] = { 36, 40, 46, 48 };
	for (size_t w = 0; w < 4; w++) {
		enum ept_status s;
		u64 t0 = build_tables(&m, widths[w], blocks, 4, 8, 0, 0, 0, &s);
		assert_int_equal(s, EPT_OK);
		u32 other = 2 + 10;   /* MSR bitmap, IDT, ten page-table pages */
		u32 pool = virt_ept_pool_pages(t0, other, 1);
		assert_true(pool >= t0 + 4);   /* at least a PT and a PD at each end */
		for (size_t k = 0; k < sizeof(at) / sizeof(at[0]); k++) {
			u64 t = build_tables(&m, widths[w], blocks, 4, 8, at[k], other + pool, pool, &s);
			assert_int_equal(s, EPT_OK);
			assert_true(t <= pool);
		}
	}
	/* a server's 46 bits: the 129 tables do not fit the old fixed 96-page pool */
	enum ept_status s;
	u64 t46 = build_tables(&m, 46, blocks, 4, 8, 0, 0, 96, &s);
	assert_int_equal(s, EPT_TOO_MANY_TABLES);
	assert_int_equal(t46, 96);
	free(arena);
}

static void ept_pool_fixed_point(void **state)
{
	(void)state;
	/* 7 tables, 12 other pages, one map: 19 + 7 pages touch at most 2 PTs and 2 PDs */
	assert_int_equal(virt_ept_pool_pages(7, 12, 1), 11);
	/* 600 pages of pools push the shared part over two 2 MiB pages: one PT more */
	u32 p = virt_ept_pool_pages(600, 12, 1);
	assert_int_equal(p, 600 + 3 + 2);
	/* the answer covers itself: its own shared part adds no more than it holds */
	for (u32 t0 = 1; t0 < 3000; t0 += 37)
		for (u32 maps = 1; maps <= 4; maps++) {
			u32 q = virt_ept_pool_pages(t0, 12, maps);
			u64 sp = 12 + (u64)maps * q;
			assert_true(q >= t0 + (sp + 511) / 512 + 1 + (sp + 262143) / 262144 + 1);
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shared_layout_counts_every_page),
		cmocka_unit_test(ept_map_shared_only_when_everything_agrees),
		cmocka_unit_test(pt_copy_uses_exactly_the_counted_pages),
		cmocka_unit_test(pt_copy_out_of_pages_is_zero),
		cmocka_unit_test(stack_deepest_use_from_the_top),
		cmocka_unit_test(ept_pool_from_a_dry_run_fits_the_real_map),
		cmocka_unit_test(ept_pool_fixed_point),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
