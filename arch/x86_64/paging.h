#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include "kernel/types.h"

#define PTE_P   (1ULL << 0)
#define PTE_W   (1ULL << 1)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS  (1ULL << 7)
#define PTE_NX  (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL

struct mb2_info;

/* Replace the boot page tables: identity map of [0, 4 GiB), kernel text RX,
 * rodata R+NX, data/bss/stacks RW+NX, guard pages unmapped, 2 MiB regions
 * without RAM uncached. Returns false (boot tables kept) if out of memory. */
bool paging_init(const struct mb2_info *mb);
/* Unmap one 4 KiB page (a stack guard), splitting a 2 MiB page if needed. */
bool paging_unmap(u64 va);
/* Map [pa, pa+len) uncached (device MMIO such as the local APIC). */
bool paging_map_uncached(u64 pa, u64 len);
/* Walk this CPU's page tables: the leaf entry for va, 0 when not present. */
u64 paging_lookup(u64 va);
bool paging_nx_enabled(void);
u64 paging_root(void);

#endif
