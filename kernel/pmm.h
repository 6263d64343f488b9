/*
 * Physical page allocator: one bit per 4 KiB page over [base, base + npages*4K).
 * Pages are handed out zeroed; runs of contiguous pages with an alignment are
 * supported (VMX regions, stacks). The kernel runs identity-mapped, so a
 * physical address is also a pointer. Pure over the caller's bitmap, so the
 * host tests exercise the same code on a malloc'd arena.
 */
#ifndef KERNEL_PMM_H
#define KERNEL_PMM_H

#include "kernel/types.h"

struct pmm {
	u64 base;          /* physical address of page 0 */
	u64 npages;
	u64 *bitmap;       /* bit set = page in use / not RAM */
	u64 free_pages;
	u64 total_pages;   /* pages ever made free (usable RAM) */
	u64 hint;          /* search start */
	volatile u32 lock;
};

/* Mark every page used; then free the usable ranges and reserve the rest. */
void pmm_init(struct pmm *p, u64 base, u64 npages, u64 *bitmap);
void pmm_add_range(struct pmm *p, u64 start, u64 end);      /* make RAM pages free */
void pmm_reserve_range(struct pmm *p, u64 start, u64 end);  /* take pages out */
/* n contiguous zeroed pages aligned to align_pages (a power of two); 0 when none. */
u64 pmm_alloc(struct pmm *p, u64 n, u64 align_pages);
void pmm_free(struct pmm *p, u64 addr, u64 n);
bool pmm_is_free(const struct pmm *p, u64 addr);

/* The kernel's allocator (kernel/main.c sets it up from the memory map). */
extern struct pmm kernel_pmm;
static inline u64 page_alloc(u64 n) { return pmm_alloc(&kernel_pmm, n, 1); }
static inline void page_free(u64 addr, u64 n) { pmm_free(&kernel_pmm, addr, n); }

#endif
