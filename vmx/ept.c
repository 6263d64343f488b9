/*
 * The EPT identity map (vmx/ept.h). Each level of the walk (PML4: 512 GiB
 * per entry, PDPT: 1 GiB, PD: 2 MiB, PT: 4 KiB; SDM vol. 3C 29.3.2) maps an
 * entry as one leaf when the CPU allows a leaf there, the MTRR type is
 * uniform across it and no VMM page lies inside; otherwise it gets a table
 * of its own and the next level down decides.
 */
#include "vmx/ept.h"
#include "kernel/lib.h"

static const char *const status_names[] = { "ok", "out of memory for EPT tables", "more EPT tables than allowed",
					    "bad parameters" };

const char *ept_status_name(enum ept_status s)
{
	return (unsigned)s < ARRAY_SIZE(status_names) ? status_names[s] : "?";
}

static unsigned leaf_type(unsigned t)
{
	switch (t) {
	case MEMTYPE_UC: case MEMTYPE_WC: case MEMTYPE_WT: case MEMTYPE_WP: case MEMTYPE_WB:
		return t;
	default:
		return MEMTYPE_UC;   /* MIXED (undefined overlap) or reserved: the safe choice */
	}
}

unsigned ept_uniform_type(const struct cpuinfo_raw *r, unsigned phys_bits, u64 base, u64 size)
{
	if (!r->mtrr_ok || !(r->mtrr_def & (1u << 11)))
		return MEMTYPE_UC;
	bool fixed = (r->mtrr_def & (1u << 10)) && (r->mtrr_cap & (1u << 8));
	if (fixed && base < 0x100000) {
		/* fixed ranges: 64, 16 and 4 KiB granules; look at each 4 KiB */
		if (base + size > 0x100000)
			return EPT_NONUNIFORM;
		unsigned t = cpuinfo_mtrr_type(r, phys_bits, base);
		for (u64 a = base + PAGE_SIZE; a < base + size; a += PAGE_SIZE)
			if (cpuinfo_mtrr_type(r, phys_bits, a) != t)
				return EPT_NONUNIFORM;
		return leaf_type(t);
	}
	/* a variable range matches x when (x & mask) == (base & mask): the page
	 * is all in or all out unless the mask has bits inside the page while
	 * the bits above match (then flipping such a bit leaves the range) */
	u64 width = phys_bits >= 64 ? ~0ULL : (1ULL << phys_bits) - 1;
	unsigned n = (unsigned)(r->mtrr_cap & 0xff);
	for (unsigned i = 0; i < n && i < MTRR_VAR_MAX; i++) {
		u64 mask = r->var_mask[i];
		if (!(mask & (1u << 11)))
			continue;
		mask &= width & ~0xfffULL;
		if (!(mask & (size - 1)))
			continue;
		u64 hi = mask & ~(size - 1);
		if ((base & hi) != (r->var_base[i] & hi))
			continue;
		return EPT_NONUNIFORM;
	}
	return leaf_type(cpuinfo_mtrr_type(r, phys_bits, base));
}

struct build {
	const struct ept_params *p;
	const struct ept_mem *m;
	struct ept_stats *st;
	u64 top;
};

bool ept_range_hits(const struct ept_range *r, size_t n, u64 base, u64 size)
{
	/* the first range that ends above base: does it start below base + size? */
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r[mid].end <= base)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && r[lo].base < base + size;
}

static bool excluded_in(const struct ept_params *p, u64 base, u64 size)
{
	if (p->nranges && ept_range_hits(p->ranges, p->nranges, base, size))
		return true;
	for (size_t i = 0; i < p->nexcluded; i++)
		if (p->excluded[i] >= base && p->excluded[i] - base < size)
			return true;
	return false;
}

static void count_leaf(struct ept_stats *st, unsigned level, unsigned type, u64 size)
{
	if (level == 3)
		st->leaves_1g++;
	else if (level == 2)
		st->leaves_2m++;
	else
		st->leaves_4k++;
	if (type == MEMTYPE_WB)
		st->bytes_wb += size;
	else if (type == MEMTYPE_UC)
		st->bytes_uc += size;
	else
		st->bytes_other += size;
}

static enum ept_status new_table(struct build *b, u64 *pa)
{
	if (b->p->max_tables && b->st->tables >= b->p->max_tables)
		return EPT_TOO_MANY_TABLES;
	*pa = b->m->alloc(b->m->ctx);
	if (!*pa)
		return EPT_NO_MEMORY;
	b->st->tables++;
	return EPT_OK;
}

/* fill the table at level (4 = PML4 ... 1 = PT) that maps from base */
static enum ept_status fill(struct build *b, u64 table_pa, unsigned level, u64 base)
{
	u64 size = 1ULL << (12 + 9 * (level - 1));
	for (u64 i = 0; i < 512; i++) {
		u64 a = base + i * size;
		if (a >= b->top)
			break;
		u64 *t = b->m->table(table_pa, b->m->ctx);
		bool leaf_ok = level == 1 || (level == 2 && b->p->pages_2m) || (level == 3 && b->p->pages_1g);
		if (leaf_ok && a + size <= b->top) {
			bool excl = excluded_in(b->p, a, size);
			if (level == 1 && excl) {
				b->st->holes++;
				continue;
			}
			unsigned ty = excl ? EPT_NONUNIFORM : ept_uniform_type(b->p->mtrr, b->p->phys_bits, a, size);
			if (ty != EPT_NONUNIFORM) {
				t[i] = a | EPT_RWX | ((u64)ty << EPT_MEMTYPE_SHIFT) | (level > 1 ? EPT_LARGE : 0);
				count_leaf(b->st, level, ty, size);
				continue;
			}
		}
		if (level == 1)
			continue;   /* unreachable: a 4 KiB page is always uniform */
		u64 sub;
		enum ept_status s = new_table(b, &sub);
		if (s != EPT_OK)
			return s;
		t = b->m->table(table_pa, b->m->ctx);
		t[i] = sub | EPT_RWX;
		s = fill(b, sub, level - 1, a);
		if (s != EPT_OK)
			return s;
	}
	return EPT_OK;
}

enum ept_status ept_build(const struct ept_params *p, const struct ept_mem *m, u64 *pml4_pa, struct ept_stats *st)
{
	memset(st, 0, sizeof(*st));
	*pml4_pa = 0;
	if (!p->mtrr || p->phys_bits < 32 || p->phys_bits > 52)
		return EPT_BAD_PARAMS;
	struct build b = { p, m, st, 1ULL << p->phys_bits };
	u64 root;
	enum ept_status s = new_table(&b, &root);
	if (s != EPT_OK)
		return s;
	s = fill(&b, root, 4, 0);
	if (s != EPT_OK) {
		ept_free(root, m);
		return s;
	}
	*pml4_pa = root;
	return EPT_OK;
}

static u64 free_level(u64 table_pa, unsigned level, const struct ept_mem *m)
{
	u64 n = 0;
	if (level > 1) {
		u64 *t = m->table(table_pa, m->ctx);
		for (int i = 0; i < 512; i++)
			if ((t[i] & EPT_RWX) && !(t[i] & EPT_LARGE))
				n += free_level(t[i] & EPT_ADDR_MASK, level - 1, m);
	}
	m->free(table_pa, m->ctx);
	return n + 1;
}

u64 ept_free(u64 pml4_pa, const struct ept_mem *m)
{
	return pml4_pa ? free_level(pml4_pa, 4, m) : 0;
}

u64 ept_lookup(u64 pml4_pa, const struct ept_mem *m, u64 gpa, u64 *page_size)
{
	u64 pa = pml4_pa;
	for (unsigned level = 4; level >= 1; level--) {
		unsigned shift = 12 + 9 * (level - 1);
		u64 e = m->table(pa, m->ctx)[(gpa >> shift) & 511];
		if (!(e & EPT_RWX))
			return 0;
		if (level == 1 || (e & EPT_LARGE)) {
			*page_size = 1ULL << shift;
			return e;
		}
		pa = e & EPT_ADDR_MASK;
	}
	return 0;
}

u64 *ept_pte_slot(u64 pml4_pa, const struct ept_mem *m, u64 gpa)
{
	u64 pa = pml4_pa;
	for (unsigned level = 4; level > 1; level--) {
		u64 e = m->table(pa, m->ctx)[(gpa >> (12 + 9 * (level - 1))) & 511];
		if (!(e & EPT_RWX) || (e & EPT_LARGE))
			return 0;
		pa = e & EPT_ADDR_MASK;
	}
	return &m->table(pa, m->ctx)[(gpa >> 12) & 511];
}
