/*
 * The self-virtualization VMM's sizes and shared parts (vmx/virt_layout.h).
 */
#include "vmx/virt_layout.h"
#include "arch/x86_64/paging.h"
#include "kernel/lib.h"

struct virt_shared_layout virt_shared_layout(u32 pt_pages, u32 ept_maps, u32 pool_pages, bool probe)
{
	struct virt_shared_layout l = { 0 };
	u32 n = 0;
	l.bitmap = n++;
	l.idt = n++;
	l.probe = probe ? n++ : 0;
	l.pt = n;
	l.npt = pt_pages;
	n += pt_pages;
	l.ept = n;
	l.nept = ept_maps;
	l.pool_pages = pool_pages;
	n += ept_maps * pool_pages;
	l.pages = n;
	return l;
}

static u64 touched(u64 pages, u64 per)
{
	return (pages + per - 1) / per + 1;   /* an unaligned range touches one more */
}

u32 virt_ept_pool_pages(u64 t0, u32 other_pages, u32 nmaps)
{
	u64 pool = t0;
	for (int k = 0; k < 64; k++) {   /* it grows by a page or two per 512 and stops */
		u64 p = other_pages + (u64)nmaps * pool;
		u64 next = t0 + touched(p, 512) + touched(p, 512 * 512);
		if (next <= pool)
			break;
		pool = next;
	}
	return (u32)pool;
}

static bool same_mtrrs(const struct cpuinfo_raw *a, const struct cpuinfo_raw *b)
{
	if (a == b)
		return true;
	if (a->mtrr_ok != b->mtrr_ok)
		return false;
	if (!a->mtrr_ok)
		return true;   /* MTRRs unreadable: all UC on both */
	if (a->mtrr_cap != b->mtrr_cap || a->mtrr_def != b->mtrr_def || memcmp(a->fixed, b->fixed, sizeof(a->fixed)))
		return false;
	unsigned n = (unsigned)(a->mtrr_cap & 0xff);
	for (unsigned i = 0; i < n && i < MTRR_VAR_MAX; i++)
		if (a->var_base[i] != b->var_base[i] || a->var_mask[i] != b->var_mask[i])
			return false;
	return true;
}

bool virt_ept_same_map(const struct ept_params *a, const struct ept_params *b)
{
	return a->phys_bits == b->phys_bits && a->pages_2m == b->pages_2m && a->pages_1g == b->pages_1g &&
	       a->max_tables == b->max_tables && a->excluded == b->excluded && a->nexcluded == b->nexcluded &&
	       a->ranges == b->ranges && a->nranges == b->nranges && same_mtrrs(a->mtrr, b->mtrr);
}

#define LOW_GIB 4

/* The table that entry e of parent's table points to: counted (count set),
 * or copied and linked into parent[idx] in the copy's place (*copy).
 * False: out of pages. */
static bool take(const struct virt_pt_mem *m, u32 *count, u64 parent, int idx, u64 e, u64 *copy)
{
	*copy = 0;
	if (count) {
		++*count;
		return true;
	}
	if (!(*copy = m->copy(e & PTE_ADDR_MASK, m->ctx)))
		return false;
	m->wtable(parent, m->ctx)[idx] = *copy | (e & ~PTE_ADDR_MASK);
	return true;
}

/* one walk for both the count (copy == 0) and the copy */
static u64 walk(u64 root, const struct virt_pt_mem *m, u32 *count)
{
	u64 src4 = root & PTE_ADDR_MASK;
	const u64 *k4 = m->table(src4, m->ctx);
	u64 r = count ? 0 : m->copy(src4, m->ctx);
	if (count)
		++*count;
	else if (!r)
		return 0;
	if (!(k4[0] & PTE_P))
		return count ? 1 : r;
	const u64 *k3 = m->table(k4[0] & PTE_ADDR_MASK, m->ctx);
	u64 p3, p2, p1;
	if (!take(m, count, r, 0, k4[0], &p3))
		return 0;
	for (int g = 0; g < LOW_GIB; g++) {
		if (!(k3[g] & PTE_P) || (k3[g] & PTE_PS))
			continue;
		const u64 *k2 = m->table(k3[g] & PTE_ADDR_MASK, m->ctx);
		if (!take(m, count, p3, g, k3[g], &p2))
			return 0;
		for (int i = 0; i < 512; i++)
			if ((k2[i] & PTE_P) && !(k2[i] & PTE_PS) && !take(m, count, p2, i, k2[i], &p1))
				return 0;
	}
	return count ? 1 : r;
}

u32 virt_pt_count(u64 root, const struct virt_pt_mem *m)
{
	u32 n = 0;
	walk(root, m, &n);
	return n;
}

u64 virt_pt_copy(u64 root, const struct virt_pt_mem *m)
{
	return walk(root, m, 0);
}

u64 virt_stack_used(const u64 *lo, u64 bytes, u64 pattern)
{
	u64 words = bytes / sizeof(u64);
	for (u64 i = 0; i < words; i++)
		if (lo[i] != pattern)
			return (words - i) * sizeof(u64);
	return 0;
}
