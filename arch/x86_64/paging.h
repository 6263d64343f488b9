#ifndef ARCH_X86_64_PAGING_H
#define ARCH_X86_64_PAGING_H

#include "kernel/types.h"

#define PTE_P   (1ULL << 0)
#define PTE_W   (1ULL << 1)
#define PTE_U   (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_PS  (1ULL << 7)
#define PTE_PAT (1ULL << 7)    /* 4 KiB page: PAT index bit 2 */
#define PDE_PAT (1ULL << 12)   /* 2 MiB page: PAT index bit 2 */
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

/* Memory types for paging_map_phys (SDM vol. 3A, 11.3 and 11.12). */
enum memtype { MEM_WB, MEM_WC, MEM_UC };
/* The IA32_PAT every CPU uses: entries 0-3 keep their power-on values (WB, WT,
 * UC-, UC), so PCD/PWT mean what they always did; entry 4 is WC. Each CPU
 * calls this before it prints (SDM 11.12.4: the same PAT on every processor,
 * written with caches flushed). Returns false when the CPU has no PAT. */
bool paging_pat_init(void);
#define PAT_VALUE 0x0007040100070406ULL   /* power-on 0x0007040600070406 with entry 4: 0x06 (WB) -> 0x01 (WC) */
/* True once the boot CPU programmed the PAT: MEM_WC really is write-combining. */
bool paging_pat_wc(void);
/* Identity-map [phys, phys+len) with memory type t, anywhere below 2^47 and
 * the CPU's physical-address width (above 4 GiB too), 2 MiB pages where the
 * range allows. MEM_WC without a PAT falls back to UC. Returns the pointer
 * (== phys) or NULL when it cannot be mapped (out of page-table memory, past
 * the address width). Changes only this CPU's TLB: call it before smp_init
 * when it changes the type of an existing mapping; brand-new mappings are
 * seen by every CPU at once (they share the tables). */
void *paging_map_phys(u64 phys, u64 len, enum memtype t);
/* 2 MiB-aligned RAM above 4 GiB (2 MiB + 4 KiB of it) from the memory map, or 0. */
u64 paging_high_ram(void);
u64 paging_root(void);
/* Make the 4 KiB page at va (below 4 GiB, mapped) user-accessible and
 * executable: U in every entry of its walk (SDM vol. 3A, 4.6). Changes this
 * CPU's TLB only: other CPUs invlpg it before use. */
bool paging_set_user(u64 va);

#endif
