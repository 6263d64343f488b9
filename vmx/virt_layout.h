/*
 * How big the self-virtualization VMM is, and which of it all CPUs share
 * (vmx/virt_pages.c lays it out, vmx/virt.h names the pages). Per CPU only
 * what the CPU or its VMM writes, or what must differ per CPU: the VMXON
 * region, the VMCS, the VMM GDT and TSS (one page), the VMM stack and the
 * three IST stacks. Shared, because no CPU writes them and they are the same
 * for every CPU: the MSR bitmap, the VMM IDT, the copy of the kernel's page
 * tables (one kernel CR3 for all CPUs; only the CPU's own A/D bits land in
 * it, as in the kernel's tables), and one EPT identity map for each set of
 * CPUs with the same memory types and EPT page sizes (no EPT A/D bits: the
 * CPU never writes an EPT table). Pure, host-tested.
 */
#ifndef VMX_VIRT_LAYOUT_H
#define VMX_VIRT_LAYOUT_H

#include "kernel/types.h"
#include "vmx/ept.h"

/* The shared part, page by page (indexes into one allocation). */
struct virt_shared_layout {
	u32 bitmap, idt;
	u32 probe;            /* virt.break=ept_misconfig's page, 0 when not asked for */
	u32 pt, npt;          /* the VMM's copy of the kernel page tables */
	u32 ept, nept;        /* EPT table pools, pool_pages each */
	u32 pool_pages;
	u32 pages;            /* all of it */
};
struct virt_shared_layout virt_shared_layout(u32 pt_pages, u32 ept_maps, u32 pool_pages, bool probe);

/* Table pages to reserve for one EPT map: t0, the tables of a dry run around
 * everything excluded but the shared part itself, plus what leaving the
 * shared part out can add (a PT for each 2 MiB page and a PD for each 1 GiB
 * page it touches). The shared part is other_pages plus nmaps pools, so the
 * answer is the smallest fixed point. An identity map of 2^46 bytes needs
 * 129 tables at least (a PDPT per 512 GiB), 2^48 bytes 513. */
u32 virt_ept_pool_pages(u64 t0, u32 other_pages, u32 nmaps);

/* Can one EPT map serve both? Same width, same large-page sizes, same MTRRs
 * (only the fields cpuinfo_mtrr_type reads, variable ranges up to the count
 * in MTRRCAP), same exclusions and table limit. */
bool virt_ept_same_map(const struct ept_params *a, const struct ept_params *b);

/* Table pages the VMM's copy of the kernel's page tables needs: the PML4, the
 * PDPT of its entry 0, and every PD and PT below it for the low 4 GiB (the
 * levels vmx/virt.h's copy replaces; the rest of the PML4 points where the
 * kernel's does). table(pa) gives the table at pa. */
struct virt_pt_mem {
	const u64 *(*table)(u64 pa, void *ctx);
	u64 (*copy)(u64 src_pa, void *ctx);   /* a copy of the table at src_pa, 0 when none is left */
	u64 *(*wtable)(u64 pa, void *ctx);    /* the copy at pa, to rewrite its entries */
	void *ctx;
};
u32 virt_pt_count(u64 root, const struct virt_pt_mem *m);
/* Copy those levels (copy() for each), linking each copy to the copies below
 * it. Returns the new root, 0 when copy() ran out. Uses exactly
 * virt_pt_count() copies. */
u64 virt_pt_copy(u64 root, const struct virt_pt_mem *m);

/* A stack filled with pattern before use: the bytes used at its deepest, from
 * the top down to the lowest word that is no longer the pattern. */
u64 virt_stack_used(const u64 *lo, u64 bytes, u64 pattern);
#define VIRT_STACK_PATTERN 0x5354414b5354414bULL   /* "KATSKATS" */

#endif
