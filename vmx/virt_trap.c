/*
 * The VMM's own descriptor tables (host GDTR, IDTR and TR of every VM exit):
 * a GDT copied from the kernel's with the TSS descriptor pointing at the VMM
 * TSS, and an IDT whose 32 exception gates enter vmx/virt_vmm.S, #DF, NMI and
 * #MC on the VMM TSS's own IST stacks. The GDT and TSS share a page of the
 * CPU's VMM block, the IDT is one page for all CPUs; all of them are out of
 * every EPT (vmx/virt_pages.c), so no guest can change them.
 *
 * virt_vmm_trap(): a _safe instruction of the VMM resumes at its fixup; an
 * NMI is kept for the guest (re-injected by vmx/virt_exit.c, so the kernel's
 * NMI accounting still sees it); any other exception is recorded by name
 * with its RIP and the CPU is brought out of VMX onto the guest state, never
 * a triple fault. The VMM never prints: the report is the CPU's failure text.
 */
#include "vmx/virt.h"
#include "vmx/vmx.h"
#include "vmx/vmx_defs.h"
#include "vmx/vmx_errors.h"
#include "kernel/format.h"
#include "kernel/lib.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/traps.h"

extern const u64 virt_vmm_stubs[32];

struct __attribute__((packed)) vmm_gate {
	u16 off_lo, sel;
	u8 ist, type;
	u16 off_mid;
	u32 off_hi, reserved;
};

/* one IDT for every CPU's VMM: the gates name IST slots, each CPU's VMM TSS
 * holds its own stacks for them */
void virt_vmm_idt_fill(u64 idt_pa)
{
	struct vmm_gate *idt = (struct vmm_gate *)(uintptr_t)idt_pa;
	memset(idt, 0, PAGE_SIZE);   /* vectors 32-255 not present: the VMM runs with IF clear */
	for (unsigned vec = 0; vec < 32; vec++) {
		u64 h = virt_vmm_stubs[vec];
		u8 ist = vec == VEC_NMI ? IST_NMI : vec == VEC_DF ? IST_DF : vec == VEC_MC ? IST_MC : 0;
		idt[vec] = (struct vmm_gate){ (u16)h, KERNEL_CS, ist, 0x8e, (u16)(h >> 16), (u32)(h >> 32), 0 };
	}
}

void virt_vmm_tables(struct virt_cpu *v, u64 *gdt_base, u64 *idt_base)
{
	struct desc_ptr g;
	sgdt(&g);
	u64 *gdt = (u64 *)(uintptr_t)v->gdt;
	memset(gdt, 0, VIRT_TSS_OFFSET);
	memcpy(gdt, (const void *)(uintptr_t)g.base,
	       (size_t)g.limit + 1 < VIRT_TSS_OFFSET ? (size_t)g.limit + 1 : VIRT_TSS_OFFSET);
	/* the TSS descriptor: the VMM TSS, busy (TR is loaded with it by every exit) */
	u64 base = v->tss, limit = sizeof(struct tss64) - 1;
	gdt[KERNEL_TSS / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x8bULL << 40) |
			      ((limit >> 16 & 0xf) << 48) | ((base >> 24 & 0xff) << 56);
	gdt[KERNEL_TSS / 8 + 1] = base >> 32;
	*gdt_base = v->gdt;
	*idt_base = v->idt;
}

void virt_vmm_trap(struct trap_frame *t)
{
	struct cpu *c = this_cpu();
	struct virt_cpu *v = &virt_cpus[c->index];
	if (t->vector == VEC_NMI) {
		v->vmm_nmis++;
		v->nmi_pending++;   /* injected at the next free VM entry */
		return;
	}
	u64 fix = t->vector != VEC_MC && t->vector != VEC_DB && t->vector != VEC_DF ? ex_table_fixup(t->rip) : 0;
	if (fix) {
		c->fault_vector = t->vector;
		t->rip = fix;
		return;
	}
	if (v->vmm_trapped || !v->on)
		for (;;) {   /* a fault while bringing the CPU out: nothing safe is left */
			cli();
			hlt();
		}
	v->vmm_trapped = true;
	u32 reason = (u32)vmcs_read(VMCS_EXIT_REASON) & EXIT_REASON_BASIC_MASK;
	ksnprintf(v->failure, sizeof(v->failure),
		  "exception %s (vector %lu) in the VMM at RIP 0x%lx, error code 0x%lx, handling exit %u (%s) at guest "
		  "RIP 0x%lx: brought out", exception_name((unsigned)t->vector), t->vector, t->rip, t->error_code, reason,
		  vmx_exit_reason_name(reason), vmcs_read(VMCS_GUEST_RIP));
	/* the exit's register frame is always at the top of the VMM stack */
	struct virt_regs *f = (struct virt_regs *)(uintptr_t)(v->stack + VIRT_STACK_PAGES * PAGE_SIZE -
							       sizeof(struct virt_regs));
	virt_devirtualize(v, f);
	v->in_vmm = false;
	virt_vmm_abort(f);
}
