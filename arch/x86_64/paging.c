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

extern char __kernel_start[], __text_end[], __rodata_end[], __kernel_end[];
extern char boot_stack_guard[];

static u64 *pml4;
static bool nx;
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
	for (int i = 0; i < 512; i++)
		pt[i] = (base_va + i * PAGE_SIZE) | keep;
	*pde = (u64)(uintptr_t)pt | PTE_P | PTE_W;
	return pt;
}

bool paging_init(const struct mb2_info *mb)
{
	nx = rdmsr(MSR_EFER) & EFER_NXE;
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

u64 paging_lookup(u64 va)
{
	if (!pml4 || va >= MAP_TOP)
		return 0;
	u64 *pdpt = table(pml4[0]);
	u64 pdpte = pdpt[va >> 30];
	if (!(pdpte & PTE_P))
		return 0;
	u64 pde = table(pdpte)[(va >> 21) & 511];
	if (!(pde & PTE_P) || (pde & PTE_PS))
		return pde & PTE_P ? pde : 0;
	u64 pte = table(pde)[(va >> 12) & 511];
	return pte & PTE_P ? pte : 0;
}
