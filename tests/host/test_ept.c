/* vmx/ept.c: real EPT tables built in a host arena, then walked: ranges,
 * page-size choice, memory types from crafted MTRRs, VMM pages excluded,
 * running out of table pages, and every table freed again. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/ept.h"

#define ARENA_BASE 0x100000000ULL   /* fake physical address of arena page 0 */

struct arena {
	u8 *mem;
	u64 pages, used, live, limit;
	bool *in_use;
};

static u64 a_alloc(void *ctx)
{
	struct arena *a = ctx;
	if (a->used >= a->pages || (a->limit && a->live >= a->limit))
		return 0;
	u64 i = a->used++;
	a->in_use[i] = true;
	a->live++;
	memset(a->mem + i * 4096, 0, 4096);
	return ARENA_BASE + i * 4096;
}

static u64 *a_table(u64 pa, void *ctx)
{
	struct arena *a = ctx;
	assert_true(pa >= ARENA_BASE && pa < ARENA_BASE + a->pages * 4096);
	return (u64 *)(a->mem + (pa - ARENA_BASE));
}

static void a_free(u64 pa, void *ctx)
{
	struct arena *a = ctx;
	u64 i = (pa - ARENA_BASE) / 4096;
	assert_true(a->in_use[i]);
	a->in_use[i] = false;
	a->live--;
}

static struct arena arena;
static struct ept_mem mem = { a_alloc, a_table, a_free, &arena };

static int setup(void **state)
{
	(void)state;
	arena.pages = 4096;
	arena.mem = aligned_alloc(4096, arena.pages * 4096);
	arena.in_use = calloc(arena.pages, sizeof(bool));
	arena.used = arena.live = arena.limit = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(arena.mem);
	free(arena.in_use);
	return 0;
}

/* MTRRs on, default WB, no fixed ranges, no variable ranges */
static struct cpuinfo_raw all_wb(void)
{
	struct cpuinfo_raw r;
	memset(&r, 0, sizeof(r));
	r.mtrr_ok = true;
	r.mtrr_cap = 0x508;
	r.mtrr_def = (1u << 11) | MEMTYPE_WB;
	return r;
}

/* Firmware-like: default WB, fixed ranges on (0-640K WB, 640-768K UC, ROM WP),
 * variable 0: 0xc0000000-0xffffffff UC (the PCI hole), 1: 0x7f000000 16 MiB UC */
static struct cpuinfo_raw firmware(void)
{
	struct cpuinfo_raw r = all_wb();
	u64 m40 = (1ULL << 40) - 1;
	r.mtrr_def |= 1u << 10;
	r.fixed[0] = r.fixed[1] = 0x0606060606060606ULL;
	r.fixed[2] = 0;
	for (int i = 3; i < 11; i++)
		r.fixed[i] = 0x0505050505050505ULL;
	r.var_base[0] = 0xc0000000ULL | MEMTYPE_UC;
	r.var_mask[0] = (m40 & ~(0x40000000ULL - 1)) | (1u << 11);
	r.var_base[1] = 0x7f000000ULL | MEMTYPE_UC;
	r.var_mask[1] = (m40 & ~(0x1000000ULL - 1)) | (1u << 11);
	return r;
}

static u64 lookup(u64 root, u64 gpa, u64 *size)
{
	*size = 0;
	return ept_lookup(root, &mem, gpa, size);
}

static unsigned type_of(u64 e)
{
	return (unsigned)((e >> EPT_MEMTYPE_SHIFT) & 7);
}

static void all_wb_1g_pages_cover_1tib(void **state)
{
	(void)state;
	struct cpuinfo_raw r = all_wb();
	struct ept_params p = { &r, 40, true, true, 0, 0, 0, 0, 0 };
	struct ept_stats st;
	u64 root;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_OK);
	assert_int_equal(st.tables, 3);           /* PML4 + 2 PDPTs for 1 TiB */
	assert_int_equal(st.leaves_1g, 1024);
	assert_int_equal(st.leaves_2m + st.leaves_4k, 0);
	assert_int_equal(st.bytes_wb, 1ULL << 40);
	u64 size, e = lookup(root, 0x12345678, &size);
	assert_int_equal(size, 1ULL << 30);
	assert_int_equal(e & EPT_ADDR_MASK, 0);
	assert_int_equal(e & EPT_RWX, EPT_RWX);
	assert_true(e & EPT_LARGE);
	assert_int_equal(type_of(e), MEMTYPE_WB);
	e = lookup(root, (1ULL << 40) - 1, &size);   /* the last byte */
	assert_int_equal(e & EPT_ADDR_MASK, (1ULL << 40) - (1ULL << 30));
	assert_int_equal(lookup(root, 1ULL << 40, &size), 0);   /* beyond MAXPHYADDR */
	assert_int_equal(ept_free(root, &mem), 3);
	assert_int_equal(arena.live, 0);
}

static void no_1g_pages_gives_2m_leaves(void **state)
{
	(void)state;
	struct cpuinfo_raw r = all_wb();
	struct ept_params p = { &r, 36, true, false, 0, 0, 0, 0, 0 };
	struct ept_stats st;
	u64 root, size;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_OK);
	assert_int_equal(st.leaves_1g, 0);
	assert_int_equal(st.leaves_2m, 64 * 512);    /* 64 GiB */
	assert_int_equal(st.tables, 1 + 1 + 64);
	u64 e = lookup(root, 0x40200000 + 0x1234, &size);
	assert_int_equal(size, 2ULL << 20);
	assert_int_equal(e & EPT_ADDR_MASK, 0x40200000);
	ept_free(root, &mem);
	assert_int_equal(arena.live, 0);
}

static void firmware_mtrrs_split_where_types_change(void **state)
{
	(void)state;
	struct cpuinfo_raw r = firmware();
	struct ept_params p = { &r, 40, true, true, 0, 0, 0, 0, 0 };
	struct ept_stats st;
	u64 root, size, e;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_OK);
	/* the first MiB: 4 KiB pages with the fixed-range types */
	e = lookup(root, 0x1000, &size);
	assert_int_equal(size, 4096);
	assert_int_equal(type_of(e), MEMTYPE_WB);
	e = lookup(root, 0xa0000, &size);
	assert_int_equal(size, 4096);
	assert_int_equal(type_of(e), MEMTYPE_UC);
	e = lookup(root, 0xf0000, &size);
	assert_int_equal(type_of(e), MEMTYPE_WP);
	/* the rest of the first 2 MiB is WB but shares the PT: 4 KiB too */
	e = lookup(root, 0x100000, &size);
	assert_int_equal(size, 4096);
	assert_int_equal(type_of(e), MEMTYPE_WB);
	/* 2-4 MiB: a 2 MiB WB page (the first GiB holds the fixed ranges) */
	e = lookup(root, 0x200000, &size);
	assert_int_equal(size, 2ULL << 20);
	assert_int_equal(type_of(e), MEMTYPE_WB);
	/* the 16 MiB UC carve-out at 0x7f000000: 2 MiB UC pages; around it WB */
	e = lookup(root, 0x7f000000, &size);
	assert_int_equal(size, 2ULL << 20);
	assert_int_equal(type_of(e), MEMTYPE_UC);
	e = lookup(root, 0x7fe00000, &size);
	assert_int_equal(type_of(e), MEMTYPE_UC);
	e = lookup(root, 0x7ee00000, &size);
	assert_int_equal(size, 2ULL << 20);
	assert_int_equal(type_of(e), MEMTYPE_WB);
	/* 3-4 GiB: one 1 GiB UC page; 4-5 GiB: one 1 GiB WB page */
	e = lookup(root, 0xfee00000, &size);
	assert_int_equal(size, 1ULL << 30);
	assert_int_equal(type_of(e), MEMTYPE_UC);
	e = lookup(root, 0x100000000ULL, &size);
	assert_int_equal(size, 1ULL << 30);
	assert_int_equal(type_of(e), MEMTYPE_WB);
	assert_int_equal(st.bytes_uc, (1ULL << 30) + (16ULL << 20) + 0x20000);
	assert_int_equal(st.bytes_wb + st.bytes_uc + st.bytes_other, 1ULL << 40);
	ept_free(root, &mem);
	assert_int_equal(arena.live, 0);
}

static void vmm_pages_left_not_present(void **state)
{
	(void)state;
	struct cpuinfo_raw r = all_wb();
	u64 excl[] = { 0x145000, 0x149000, 0x7654000, 0x20000000000ULL - 0x1000 /* past 1 TiB: ignored */ };
	struct ept_params p = { &r, 40, true, true, excl, ARRAY_SIZE(excl), 0, 0, 0 };
	struct ept_stats st;
	u64 root, size, e;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_OK);
	assert_int_equal(st.holes, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(lookup(root, excl[i], &size), 0);
		assert_int_equal(lookup(root, excl[i] + 0xfff, &size), 0);
		e = lookup(root, excl[i] + 0x1000, &size);   /* the neighbours stay mapped */
		assert_int_equal(size, 4096);
		assert_int_equal(e & EPT_ADDR_MASK, excl[i] + 0x1000);
		e = lookup(root, excl[i] - 0x1000, &size);
		assert_int_equal(e & EPT_ADDR_MASK, excl[i] - 0x1000);
	}
	u64 *slot = ept_pte_slot(root, &mem, excl[0]);
	assert_non_null(slot);
	assert_int_equal(*slot, 0);
	assert_ptr_equal(ept_pte_slot(root, &mem, excl[0] + 0x1000), slot + 1);
	assert_null(ept_pte_slot(root, &mem, 0x40000000));   /* a 1 GiB page: no PT */
	/* 0x145000 and 0x149000 share a 2 MiB region: one PT; 0x7654000 another */
	assert_int_equal(st.tables, 3 + 1 + 2);
	assert_int_equal(st.leaves_4k, 2 * 512 - 3);
	ept_free(root, &mem);
	assert_int_equal(arena.live, 0);
}

static void mtrrs_disabled_map_everything_uc(void **state)
{
	(void)state;
	struct cpuinfo_raw r = all_wb();
	r.mtrr_def &= ~(1u << 11);
	struct ept_params p = { &r, 36, true, true, 0, 0, 0, 0, 0 };
	struct ept_stats st;
	u64 root, size;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_OK);
	assert_int_equal(type_of(lookup(root, 0x100000, &size)), MEMTYPE_UC);
	assert_int_equal(st.bytes_uc, 1ULL << 36);
	ept_free(root, &mem);
}

static void overlapping_ranges_the_sdm_leaves_undefined_are_uc(void **state)
{
	(void)state;
	struct cpuinfo_raw r = all_wb();
	u64 m40 = (1ULL << 40) - 1;
	r.var_base[0] = 0x40000000ULL | MEMTYPE_WP;
	r.var_mask[0] = (m40 & ~(0x40000000ULL - 1)) | (1u << 11);
	r.var_base[1] = 0x40000000ULL | MEMTYPE_WC;
	r.var_mask[1] = (m40 & ~(0x40000000ULL - 1)) | (1u << 11);
	assert_int_equal(ept_uniform_type(&r, 40, 0x40000000, 1ULL << 30), MEMTYPE_UC);
	assert_int_equal(ept_uniform_type(&r, 40, 0, 1ULL << 30), MEMTYPE_WB);
	/* a 1 GiB page half inside a 512 MiB range is not uniform */
	r.var_mask[1] = (m40 & ~(0x20000000ULL - 1)) | (1u << 11);
	assert_int_equal(ept_uniform_type(&r, 40, 0x40000000, 1ULL << 30), EPT_NONUNIFORM);
}

static void out_of_tables_fails_and_frees_what_it_took(void **state)
{
	(void)state;
	struct cpuinfo_raw r = firmware();
	struct ept_params p = { &r, 40, true, true, 0, 0, 4, 0, 0 };
	struct ept_stats st;
	u64 root = 123;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_TOO_MANY_TABLES);
	assert_int_equal(root, 0);
	assert_int_equal(arena.live, 0);
	p.max_tables = 0;
	arena.limit = 2;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_NO_MEMORY);
	assert_int_equal(arena.live, 0);
	arena.limit = 0;
	assert_string_equal(ept_status_name(EPT_NO_MEMORY), "out of memory for EPT tables");
	p.phys_bits = 0;
	assert_int_equal(ept_build(&p, &mem, &root, &st), EPT_BAD_PARAMS);
}

static void eptp_is_write_back_four_level(void **state)
{
	(void)state;
	assert_int_equal(ept_pointer(0x123000), 0x12301e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(all_wb_1g_pages_cover_1tib, setup, teardown),
		cmocka_unit_test_setup_teardown(no_1g_pages_gives_2m_leaves, setup, teardown),
		cmocka_unit_test_setup_teardown(firmware_mtrrs_split_where_types_change, setup, teardown),
		cmocka_unit_test_setup_teardown(vmm_pages_left_not_present, setup, teardown),
		cmocka_unit_test_setup_teardown(mtrrs_disabled_map_everything_uc, setup, teardown),
		cmocka_unit_test(overlapping_ranges_the_sdm_leaves_undefined_are_uc),
		cmocka_unit_test_setup_teardown(out_of_tables_fails_and_frees_what_it_took, setup, teardown),
		cmocka_unit_test(eptp_is_write_back_four_level),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
