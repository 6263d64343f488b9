/*
 * The kernel's page tables (SDM vol. 3A, 4.5, 4-level paging). Identity map,
 * so a physical address is a pointer; 2 MiB pages except where a region
 * needs 4 KiB permissions (the kernel image, guard pages, the first MiB).
 */
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "kernel/multiboot2.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/spinlock.h"

#define MAP_TOP (4ULL << 30)
#define SZ_2M (2ULL << 20)
#define CANONICAL_TOP (1ULL << 47)   /* identity maps stop at the 4-level canonical limit */

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char boot_stack_guard[];

static u64 *pml4;
static bool nx;
static u64 high_ram;   /* the first 2 MiB + 4 KiB of RAM above 4 GiB, for the boot test */
static struct spinlock pt_lock;

static u64 *table(u64 entry)
{
	return (u64 *)(uintptr_t)(entry & PTE_ADDR_MASK);
}

static u64 *new_table(void)
{
	return (u64 *)(uintptr_t)page_alloc(1);
}

bool paging_nx_enabled(void)
{
	return nx;
}

u64 paging_root(void)
{
	return (u64)(uintptr_t)pml4;
}

static bool region_has_ram(const struct mb2_info *mb, u64 start, u64 end)
{
	struct mb2_mmap_entry e;
	for (size_t i = 0; mb2_mmap_entry(mb, i, &e); i++)
		if (e.type == MB2_MEMORY_AVAILABLE && e.base_addr < end && e.base_addr + e.length > start)
			return true;
	return false;
}

/* permissions of one 4 KiB page of the first 2 MiB regions */
static u64 page_flags(u64 va)
{
	u64 nxb = nx ? PTE_NX : 0;
	if (va == 0)
		return PTE_P | nxb;                     /* null page: read-only */
	if (va < 0x100000)
		return PTE_P | PTE_W;                   /* low memory: AP trampoline runs here */
	if (va >= (u64)__kernel_start && va < (u64)__text_end)
		return PTE_P;                           /* text: read-only, executable */
	if (va >= (u64)__text_end && va < (u64)__rodata_end)
		return PTE_P | nxb;                     /* rodata */
	if (va == (u64)boot_stack_guard)
		return 0;                               /* guard page */
	return PTE_P | PTE_W | nxb;
}

static u64 *split_2m(u64 *pde, u64 base_va)
{
	u64 *pt = new_table();
	if (!pt)
		return 0;
	u64 keep = *pde & (PTE_P | PTE_W | PTE_PWT | PTE_PCD | PTE_NX);
	if (*pde & PDE_PAT)
		keep |= PTE_PAT;   /* the PAT bit moves from bit 12 to bit 7 */
	for (int i = 0; i < 512; i++)
		pt[i] = (base_va + i * PAGE_SIZE) | keep;
	*pde = (u64)(uintptr_t)pt | PTE_P | PTE_W;
	return pt;
}

bool paging_init(const struct mb2_info *mb)
{
	nx = rdmsr(MSR_EFER) & EFER_NXE;
	paging_pat_init();   /* PAT entry 4 = WC before any mapping uses it */
	u64 nxb = nx ? PTE_NX : 0;
	u64 *root = new_table(), *pdpt = new_table();
	if (!root || !pdpt)
		return false;
	root[0] = (u64)(uintptr_t)pdpt | PTE_P | PTE_W;
	for (u64 g = 0; g < MAP_TOP >> 30; g++) {
		u64 *pd = new_table();
		if (!pd)
			return false;
		pdpt[g] = (u64)(uintptr_t)pd | PTE_P | PTE_W;
		for (u64 i = 0; i < 512; i++) {
			u64 va = (g << 30) + i * SZ_2M;
			u64 f = PTE_P | PTE_W | PTE_PS | nxb;
			if (!region_has_ram(mb, va, va + SZ_2M))
				f |= PTE_PCD | PTE_PWT;   /* no RAM here: device memory, uncached */
			pd[i] = va | f;
		}
	}
	/* 4 KiB pages for every 2 MiB region from 0 to the end of the kernel image */
	u64 *pd0 = table(pdpt[0]);
	for (u64 va = 0; va < ALIGN_UP((u64)__kernel_end, SZ_2M); va += SZ_2M) {
		u64 *pt = split_2m(&pd0[va / SZ_2M], va);
		if (!pt)
			return false;
		for (int i = 0; i < 512; i++) {
			u64 a = va + i * PAGE_SIZE;
			pt[i] = a | page_flags(a);
		}
	}
	struct mb2_mmap_entry e;
	for (size_t i = 0; !high_ram && mb2_mmap_entry(mb, i, &e); i++) {
		u64 s = ALIGN_UP(e.base_addr, SZ_2M);
		if (e.type == MB2_MEMORY_AVAILABLE && s >= MAP_TOP && s + SZ_2M + PAGE_SIZE <= e.base_addr + e.length)
			high_ram = s;
	}
	pml4 = root;
	write_cr3((u64)(uintptr_t)root);
	return true;
}

static u64 *leaf_slot(u64 va, bool split)
{
	if (!pml4 || va >= MAP_TOP)
		return 0;
	u64 *pdpt = table(pml4[0]);
	u64 *pd = table(pdpt[va >> 30]);
	u64 *pde = &pd[(va >> 21) & 511];
	if (*pde & PTE_PS) {
		if (!split)
			return pde;
		if (!split_2m(pde, ALIGN_DOWN(va, SZ_2M)))
			return 0;
	}
	return &table(*pde)[(va >> 12) & 511];
}

bool paging_set_user(u64 va)
{
	spin_lock(&pt_lock);
	u64 *pte = leaf_slot(va, true);
	bool ok = pte && (*pte & PTE_P);
	if (ok) {
		u64 *pdpt = table(pml4[0]);
		pml4[0] |= PTE_U;
		pdpt[va >> 30] |= PTE_U;
		table(pdpt[va >> 30])[(va >> 21) & 511] |= PTE_U;
		*pte = (*pte | PTE_U) & ~PTE_NX;
		invlpg((void *)(uintptr_t)va);
	}
	spin_unlock(&pt_lock);
	return ok;
}

bool paging_unmap(u64 va)
{
	spin_lock(&pt_lock);
	u64 *pte = leaf_slot(va, true);
	if (pte)
		*pte = 0;
	spin_unlock(&pt_lock);
	/* other CPUs never touched this page: a local flush is enough */
	invlpg((void *)(uintptr_t)va);
	return pte != 0;
}

bool paging_map_uncached(u64 pa, u64 len)
{
	spin_lock(&pt_lock);
	bool ok = true;
	for (u64 a = ALIGN_DOWN(pa, PAGE_SIZE); a < pa + len; a += PAGE_SIZE) {
		u64 *pte = leaf_slot(a, true);
		if (!pte) {
			ok = false;
			break;
		}
		*pte = a | PTE_P | PTE_W | PTE_PCD | PTE_PWT | (nx ? PTE_NX : 0);
		invlpg((void *)(uintptr_t)a);
	}
	spin_unlock(&pt_lock);
	return ok;
}

u64 paging_high_ram(void)
{
	return high_ram;
}

u64 paging_lookup(u64 va)
{
	if (!pml4 || va >= CANONICAL_TOP)
		return 0;
	u64 pml4e = pml4[(va >> 39) & 511];
	if (!(pml4e & PTE_P))
		return 0;
	u64 pdpte = table(pml4e)[(va >> 30) & 511];
	if (!(pdpte & PTE_P))
		return 0;
	u64 pde = table(pdpte)[(va >> 21) & 511];
	if (!(pde & PTE_P) || (pde & PTE_PS))
		return pde & PTE_P ? pde : 0;
	u64 pte = table(pde)[(va >> 12) & 511];
	return pte & PTE_P ? pte : 0;
}

/* ---- memory types and mappings anywhere (paging_map_phys) ---- */

#define PAT_POWER_ON 0x0007040600070406ULL   /* SDM 11.12.2, table 11-12; PAT_VALUE changes entry 4 */

static bool pat_wc;

bool paging_pat_init(void)
{
	if (!(cpuid(1).edx & CPUID1_EDX_PAT))
		return false;
	/* SDM 11.12.4 points at the MTRR procedure (11.11.8): caches off and
	 * flushed, then the write, then the TLBs flushed */
	u64 cr0 = read_cr0();
	write_cr0((cr0 | CR0_CD) & ~CR0_NW);
	wbinvd();
	wrmsr(MSR_IA32_PAT, PAT_VALUE);
	wbinvd();
	write_cr3(read_cr3());
	write_cr0(cr0);
	pat_wc = true;   /* every CPU of a machine is the same model: the boot CPU's answer holds for all */
	return true;
}

bool paging_pat_wc(void)
{
	return pat_wc;
}

static u64 type_bits(enum memtype t, bool large)
{
	if (t == MEM_WC && pat_wc)
		return large ? PDE_PAT : PTE_PAT;   /* PAT entry 4 (PAT=1, PCD=0, PWT=0) */
	if (t == MEM_WC || t == MEM_UC)
		return PTE_PCD | PTE_PWT;           /* entry 3: UC */
	return 0;
}

/* the entry at `level` (2: page directory, 1: page table) for va, creating
 * missing tables on the way; NULL when out of memory */
static u64 *walk_create(u64 va, int level)
{
	u64 *t = pml4;
	for (int shift = 39; shift >= 21; shift -= 9) {
		u64 *e = &t[(va >> shift) & 511];
		if (shift == 21 && level == 2)
			return e;
		if (!(*e & PTE_P)) {
			u64 *n = new_table();
			if (!n)
				return 0;
			*e = (u64)(uintptr_t)n | PTE_P | PTE_W;
		} else if (*e & PTE_PS) {
			if (shift != 21 || !split_2m(e, ALIGN_DOWN(va, SZ_2M)))
				return 0;   /* a 1 GiB page is never made here */
		}
		t = table(*e);
	}
	return &t[(va >> 12) & 511];
}

static u64 phys_limit(void)
{
	u64 bits = cpuid(0x80000000).eax >= 0x80000008 ? (cpuid(0x80000008).eax & 0xff) : 36;
	u64 top = 1ULL << bits;
	return top < CANONICAL_TOP ? top : CANONICAL_TOP;
}

void *paging_map_phys(u64 phys, u64 len, enum memtype t)
{
	u64 start = ALIGN_DOWN(phys, PAGE_SIZE), end = ALIGN_UP(phys + len, PAGE_SIZE);
	if (!pml4 || !len || end < start || end > phys_limit())
		return 0;
	u64 nxb = nx ? PTE_NX : 0;
	bool ok = true;
	spin_lock(&pt_lock);
	for (u64 a = start; a < end && ok;) {
		u64 *pde = walk_create(a, 2);
		bool whole = !(a & (SZ_2M - 1)) && a + SZ_2M <= end;
		if (pde && whole && (!(*pde & PTE_P) || (*pde & PTE_PS))) {
			*pde = a | PTE_P | PTE_W | PTE_PS | nxb | type_bits(t, true);
			invlpg((void *)(uintptr_t)a);
			a += SZ_2M;
			continue;
		}
		u64 *pte = walk_create(a, 1);
		if (!pte) {
			ok = false;
			break;
		}
		*pte = a | PTE_P | PTE_W | nxb | type_bits(t, false);
		invlpg((void *)(uintptr_t)a);
		a += PAGE_SIZE;
	}
	spin_unlock(&pt_lock);
	return ok ? (void *)(uintptr_t)phys : 0;
}
