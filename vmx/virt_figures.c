/*
 * What the self-virtualization VMM costs in memory, printed and checked
 * (vmx/virt_layout.h says what is per CPU and what is shared): the
 * "virt: VMM pages" line, the pages the reservation really took from the
 * allocator against that line, and each CPU's deepest use of its VMM stacks.
 */
#include "vmx/virt.h"
#include "vmx/virt_layout.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/lib.h"

void virt_print_figures(const struct virt_vmm_figures *f)
{
	u64 per = (u64)(f->per_cpu_pages * PAGE_SIZE), sh = (u64)(f->shared_pages * PAGE_SIZE);
	kprintf("virt: VMM pages: %lu bytes per CPU (VMXON region, VMCS, GDT and TSS, %u KiB stack, 3 IST stacks of "
		"%u KiB) x %u CPUs, %lu bytes shared (%u EPT map(s) of %u pages, MSR bitmap, IDT, %u VMM page-table "
		"pages%s), %lu bytes of lists: %lu bytes in all\n", per, VIRT_STACK_PAGES * 4, VIRT_IST_PAGES * 4,
		f->cpus, sh, f->ept_maps, VIRT_EPT_POOL, f->pt_pages,
		f->shared_pages > 2 + f->pt_pages + (u64)f->ept_maps * VIRT_EPT_POOL ? ", EPT probe page" : "",
		(u64)(f->meta_pages * PAGE_SIZE), (u64)(f->claimed_pages * PAGE_SIZE));
}

void virt_check_figures(struct ktap_node *s, const struct virt_vmm_figures *f)
{
	ktap_check(s, "vmm_pages_as_printed", f->taken_pages == f->claimed_pages,
		   "the reservation took %lu pages from the allocator; the 'VMM pages' line says %u x %lu + %lu + %lu "
		   "= %lu", f->taken_pages, f->cpus, f->per_cpu_pages, f->shared_pages, f->meta_pages, f->claimed_pages);
}

/* after the run: how deep the VMM went on each of its stacks (filled with
 * VIRT_STACK_PATTERN at launch, vmx/virt.c) */
void virt_stack_depths(u32 cpu, u64 *stack, u64 ist[3])
{
	const struct virt_cpu *v = &virt_cpus[cpu];
	*stack = virt_stack_used((const u64 *)(uintptr_t)v->stack, VIRT_STACK_PAGES * PAGE_SIZE, VIRT_STACK_PATTERN);
	for (int k = 0; k < 3; k++)
		ist[k] = virt_stack_used((const u64 *)(uintptr_t)(v->ist + (u64)k * VIRT_IST_PAGES * PAGE_SIZE),
					 VIRT_IST_PAGES * PAGE_SIZE, VIRT_STACK_PATTERN);
}

void virt_print_stacks(u32 cpu)
{
	u64 s, ist[3];
	virt_stack_depths(cpu, &s, ist);
	kprintf("virt: cpu%u: VMM stacks at their deepest: %lu of %u bytes; IST #DF %lu, NMI %lu, #MC %lu of %u bytes "
		"each\n", cpu, s, VIRT_STACK_PAGES * 4096, ist[0], ist[1], ist[2], VIRT_IST_PAGES * 4096);
}
