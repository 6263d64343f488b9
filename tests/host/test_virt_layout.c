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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(shared_layout_counts_every_page),
		cmocka_unit_test(ept_map_shared_only_when_everything_agrees),
		cmocka_unit_test(pt_copy_uses_exactly_the_counted_pages),
		cmocka_unit_test(pt_copy_out_of_pages_is_zero),
		cmocka_unit_test(stack_deepest_use_from_the_top),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
