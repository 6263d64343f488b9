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
#include "arch/x86_64/smp.h"

void virt_print_figures(const struct virt_vmm_figures *f)
{
	u64 per = (u64)(f->per_cpu_pages * PAGE_SIZE), sh = (u64)(f->shared_pages * PAGE_SIZE);
	kprintf("virt: VMM pages: %lu bytes per CPU (VMXON region, VMCS, GDT and TSS, %u KiB stack, 3 IST stacks of "
		"%u KiB) x %u CPUs, %lu bytes shared (%u EPT map(s) of %u pages, MSR bitmap, IDT, %u VMM page-table "
		"pages%s), %lu bytes of lists: %lu bytes in all\n", per, VIRT_STACK_PAGES * 4, VIRT_IST_PAGES * 4,
		f->cpus, sh, f->ept_maps, f->ept_pool_pages, f->pt_pages,
		f->shared_pages > 2 + f->pt_pages + (u64)f->ept_maps * f->ept_pool_pages ? ", EPT probe page" : "",
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

/* The stacks are sized from these figures (README, self-virtualization):
 * the check keeps half of each stack unused at the deepest use of the run,
 * so that a VMM change that needs more says so here, not by overwriting the
 * page below its stack. */
void virt_check_stacks(struct ktap_node *s)
{
	u64 worst = 0, worst_ist = 0;
	u32 at = 0, at_ist = 0, n = 0;
	int which = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!virt_cpus[i].launched || !virt_vmm_page(i, 0))
			continue;
		u64 st, ist[3];
		virt_stack_depths(i, &st, ist);
		n++;
		if (st > worst)
			worst = st, at = i;
		for (int k = 0; k < 3; k++)
			if (ist[k] > worst_ist)
				worst_ist = ist[k], at_ist = i, which = k;
	}
	if (!n)
		return;
	static const char *const ist_name[3] = { "DF", "NMI", "MC" };   /* no "#": KTAP reasons cannot hold it */
	ktap_check(s, "vmm_stacks_used_at_most_half", worst <= VIRT_STACK_PAGES * PAGE_SIZE / 2 &&
		   worst_ist <= VIRT_IST_PAGES * PAGE_SIZE / 2,
		   "deepest VMM stack use %lu of %u bytes (cpu%u), IST %lu of %u bytes (cpu%u %s), over %u CPUs", worst,
		   VIRT_STACK_PAGES * 4096, at, worst_ist, VIRT_IST_PAGES * 4096, at_ist, ist_name[which], n);
}
