/*
 * The EPT identity map of a self-virtualized CPU (SDM vol. 3C 29.3 "EPT"):
 * guest-physical == physical from 0 to 2^MAXPHYADDR, minus the VMM's own
 * 4 KiB pages (left not present, so a guest access is an EPT violation),
 * with the largest page size the CPU allows wherever the MTRR memory type
 * is uniform across the page, and that type in each leaf. Pure: tables come
 * from a caller-supplied allocator, so the host tests build real tables.
 */
#ifndef VMX_EPT_H
#define VMX_EPT_H

#include "kernel/types.h"
#include "arch/x86_64/cpuinfo.h"

#define EPT_R (1ULL << 0)
#define EPT_W (1ULL << 1)
#define EPT_X (1ULL << 2)
#define EPT_RWX (EPT_R | EPT_W | EPT_X)
#define EPT_MEMTYPE_SHIFT 3          /* leaf bits 5:3 (29.3.7) */
#define EPT_LARGE (1ULL << 7)        /* PDPTE/PDE maps a 1 GiB / 2 MiB page */
#define EPT_ADDR_MASK 0x000ffffffffff000ULL
#define EPT_NONUNIFORM 0x200         /* ept_uniform_type: the page spans several types */

struct ept_mem {
	u64 (*alloc)(void *ctx);             /* one zeroed 4 KiB page, 0 when none */
	u64 *(*table)(u64 pa, void *ctx);    /* the table at physical address pa */
	void (*free)(u64 pa, void *ctx);
	void *ctx;
};

/* [base, end), 4 KiB aligned; a list of them sorted by base, not overlapping */
struct ept_range {
	u64 base, end;
};
/* Does any page of [base, base + size) lie in one of the sorted ranges? */
bool ept_range_hits(const struct ept_range *r, size_t n, u64 base, u64 size);

struct ept_params {
	const struct cpuinfo_raw *mtrr;      /* memory types (cpuinfo_mtrr_type) */
	unsigned phys_bits;                  /* CPUID 0x80000008 EAX[7:0] */
	bool pages_2m, pages_1g;             /* IA32_VMX_EPT_VPID_CAP bits 16, 17 */
	const u64 *excluded;                 /* VMM pages (4 KiB aligned), any order */
	size_t nexcluded;
	u64 max_tables;                      /* refuse to use more table pages (0: no limit) */
	const struct ept_range *ranges;      /* more VMM pages: sorted, merged ranges (vmx/virt_excl.c) */
	size_t nranges;
};

struct ept_stats {
	u64 tables;                          /* table pages, the PML4 included */
	u64 leaves_1g, leaves_2m, leaves_4k;
	u64 holes;                           /* excluded pages left not present */
	u64 bytes_wb, bytes_uc, bytes_other;
};

enum ept_status { EPT_OK = 0, EPT_NO_MEMORY, EPT_TOO_MANY_TABLES, EPT_BAD_PARAMS };
const char *ept_status_name(enum ept_status s);

/* Build the map; *pml4_pa is its root (freed again on failure). */
enum ept_status ept_build(const struct ept_params *p, const struct ept_mem *m, u64 *pml4_pa, struct ept_stats *st);
/* Free every table of a map built by ept_build. Returns the pages freed. */
u64 ept_free(u64 pml4_pa, const struct ept_mem *m);
/* The leaf entry mapping gpa (0 when not present) and the page size. */
u64 ept_lookup(u64 pml4_pa, const struct ept_mem *m, u64 gpa, u64 *page_size);
/* The 4 KiB-level entry for gpa, or NULL when the walk ends earlier (a large
 * page or nothing mapped above it). For a test that breaks one entry. */
u64 *ept_pte_slot(u64 pml4_pa, const struct ept_mem *m, u64 gpa);
/* The MTRR type of every byte in [base, base + size) (size a power of two,
 * base aligned to it), or EPT_NONUNIFORM. Overlaps the SDM leaves undefined
 * (MEMTYPE_MIXED) and reserved types give UC. */
unsigned ept_uniform_type(const struct cpuinfo_raw *r, unsigned phys_bits, u64 base, u64 size);
/* EPTP: write-back paging structures, 4-level walk (25.6.11). */
static inline u64 ept_pointer(u64 pml4_pa)
{
	return pml4_pa | (3ULL << 3) | 6;
}

#endif
