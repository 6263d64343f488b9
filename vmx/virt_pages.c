/*
 * The VMM pages of self-virtualization, for all CPUs at once: one block per
 * CPU (vmx/virt.h, VB_*), reserved before the first CPU virtualizes, and the
 * one exclusion list (vmx/virt_excl.c) every CPU's EPT leaves out, so that
 * no guest reaches any CPU's VMXON region, VMCS, MSR bitmap, EPT tables,
 * VMM stack, TSS, IST stacks or VMM page tables. A CPU virtualized later
 * (the console's "virt on") finds its block already left out of the EPTs
 * of the CPUs virtualized before it.
 */
#include "vmx/virt.h"
#include "vmx/virt_excl.h"
#include "vmx/vmx.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/format.h"
#include "arch/x86_64/smp.h"

static u64 *blocks;                /* per CPU: the block, 0 for a CPU that cannot virtualize */
static struct ept_range *excl;     /* sorted, merged */
static size_t nexcl;
static u64 meta_pages;             /* blocks[] and excl[] together */

const struct ept_range *virt_vmm_ranges(size_t *n)
{
	*n = nexcl;
	return excl;
}

u64 virt_vmm_page(u32 cpu, unsigned which)
{
	return blocks && cpu < cpu_count && blocks[cpu] ? blocks[cpu] + (u64)which * PAGE_SIZE : 0;
}

static void free_all(void)
{
	for (u32 i = 0; blocks && i < cpu_count; i++)
		if (blocks[i])
			page_free(blocks[i], VIRT_BLOCK_PAGES);
	if (blocks)
		page_free((u64)(uintptr_t)blocks, meta_pages);
	blocks = 0;
	excl = 0;
	nexcl = 0;
}

bool virt_vmm_reserve(char *why, size_t n)
{
	if (blocks)
		return true;
	meta_pages = ALIGN_UP((u64)cpu_count * (sizeof(u64) + sizeof(struct ept_range)), PAGE_SIZE) / PAGE_SIZE;
	blocks = (u64 *)(uintptr_t)page_alloc(meta_pages);
	if (!blocks) {
		ksnprintf(why, n, "out of memory for the VMM block list (%lu pages)", meta_pages);
		return false;
	}
	memset(blocks, 0, meta_pages * PAGE_SIZE);
	struct ept_range *r = (struct ept_range *)(blocks + cpu_count);
	struct virt_excl x = { r, 0, cpu_count, false };
	u32 k = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (cpus[i].state != CPU_ONLINE || !vmx_cpus || !vmx_cpus[i].completed)
			continue;   /* it cannot virtualize: no block */
		blocks[i] = page_alloc(VIRT_BLOCK_PAGES);
		if (!blocks[i]) {
			ksnprintf(why, n, "out of memory for cpu%u's VMM pages (%u pages each, %u CPUs done)", i,
				  VIRT_BLOCK_PAGES, k);
			free_all();
			return false;
		}
		virt_excl_add(&x, blocks[i], (u64)VIRT_BLOCK_PAGES * PAGE_SIZE);
		k++;
	}
	virt_excl_finish(&x);
	if (x.overflow) {   /* cannot happen: one range per CPU at most */
		ksnprintf(why, n, "more VMM ranges than CPUs (%u)", cpu_count);
		free_all();
		return false;
	}
	excl = r;
	nexcl = x.n;
	return true;
}

u64 virt_vmm_release(void)
{
	if (!blocks)
		return 0;
	bool busy = false;
	u64 held = meta_pages;
	for (u32 i = 0; i < cpu_count; i++)
		if (blocks[i]) {
			held += VIRT_BLOCK_PAGES;
			busy |= virt_cpus && (virt_cpus[i].on || virt_cpus[i].dead);
		}
	if (busy)
		return held;   /* a CPU still runs on (or is parked on) its VMM pages */
	free_all();
	return 0;
}
