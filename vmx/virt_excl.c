/*
 * The shared VMM exclusion list (vmx/virt_excl.h). The lookup itself is
 * ept_range_hits() in vmx/ept.c, which the EPT builder calls.
 */
#include "vmx/virt_excl.h"

#define PAGE_MASK_ 0xfffULL

void virt_excl_add(struct virt_excl *x, u64 pa, u64 len)
{
	if (!len)
		return;
	/* physical addresses are below 2^52: pa + len + 0xfff cannot wrap */
	u64 b = pa & ~PAGE_MASK_, e = (pa + len + PAGE_MASK_) & ~PAGE_MASK_;
	if (x->n >= x->cap) {
		x->overflow = true;
		return;
	}
	x->r[x->n].base = b;
	x->r[x->n].end = e;
	x->n++;
}

void virt_excl_finish(struct virt_excl *x)
{
	/* insertion sort: a few ranges per CPU */
	for (size_t i = 1; i < x->n; i++)
		for (size_t j = i; j > 0 && x->r[j - 1].base > x->r[j].base; j--) {
			struct ept_range t = x->r[j];
			x->r[j] = x->r[j - 1];
			x->r[j - 1] = t;
		}
	size_t out = 0;
	for (size_t i = 0; i < x->n; i++) {
		if (out && x->r[i].base <= x->r[out - 1].end) {   /* overlapping or adjacent */
			if (x->r[i].end > x->r[out - 1].end)
				x->r[out - 1].end = x->r[i].end;
			continue;
		}
		x->r[out++] = x->r[i];
	}
	x->n = out;
}

u64 virt_excl_pages(const struct virt_excl *x)
{
	u64 n = 0;
	for (size_t i = 0; i < x->n; i++)
		n += (x->r[i].end - x->r[i].base) >> 12;
	return n;
}
