/*
 * The one exclusion list every self-virtualized CPU's EPT leaves out: the
 * VMM pages of ALL CPUs (VMXON regions, VMCS, MSR bitmaps, EPT tables, VMM
 * stacks, TSS and IST stacks, page tables), built once before any CPU
 * virtualizes, so that no guest can reach another CPU's VMM either. Pure,
 * host-tested: ranges in any order, overlapping or adjacent, become sorted,
 * merged, 4 KiB-aligned ranges; a lookup answers "is any page of this
 * guest-physical range excluded?" for the EPT builder's page-size choice.
 */
#ifndef VMX_VIRT_EXCL_H
#define VMX_VIRT_EXCL_H

#include "kernel/types.h"
#include "vmx/ept.h"

struct virt_excl {
	struct ept_range *r;      /* caller's storage */
	size_t n, cap;
	bool overflow;            /* a range did not fit: the list is unusable */
};

/* [pa, pa + len) rounded out to whole 4 KiB pages; len 0 adds nothing */
void virt_excl_add(struct virt_excl *x, u64 pa, u64 len);
/* sort by base, merge overlapping and adjacent ranges */
void virt_excl_finish(struct virt_excl *x);
/* pages covered (after virt_excl_finish) */
u64 virt_excl_pages(const struct virt_excl *x);

#endif
