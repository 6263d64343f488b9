/*
 * Self-virtualization (vmx.virtualize): each CPU becomes a guest of a tiny
 * VMM of its own, on its current state, with an EPT identity map, and comes
 * back out on a VMCALL with a key. vmx/virt.c is the VMM and the launch,
 * vmx/virt_checks.c the KTAP suite "virt", vmx/virt_policy.c the decisions.
 */
#ifndef VMX_VIRT_H
#define VMX_VIRT_H

#include "kernel/types.h"
#include "vmx/ept.h"
#include "vmx/virt_policy.h"

/* vmx/virt.S frame: general registers by their SDM number (table 28-3:
 * 0 RAX, 1 RCX, 2 RDX, 3 RBX, 4 RSP (unused: in the VMCS), 5 RBP, ...) */
struct virt_regs {
	u64 gpr[16];
	u64 resume_rsp;       /* devirtualize: RSP with RFLAGS and RIP pushed */
	u64 pad;
};

#define VIRT_STACK_PAGES 2    /* 8 KiB: the deepest use measured is under 1 KiB (README) */
#define VIRT_IST_PAGES 1      /* each of #DF, NMI, #MC */
#define VIRT_TSS_OFFSET 2048  /* in the VB_TABLES page: the VMM GDT at 0, the VMM TSS here */
/* Each CPU's own VMM pages are one block, reserved for every CPU before any
 * CPU virtualizes, next to one shared part (vmx/virt_layout.h: MSR bitmap,
 * IDT, VMM page tables, EPT maps); the EPT of every CPU leaves all of them
 * out (vmx/virt_excl.c). In the block, page by page: */
enum {
	VB_VMXON, VB_VMCS, VB_TABLES, VB_STACK,
	VB_IST = VB_STACK + VIRT_STACK_PAGES,      /* #DF, NMI, #MC */
	VIRT_BLOCK_PAGES = VB_IST + 3 * VIRT_IST_PAGES,
};

/* Per CPU, in kernel memory the guest can read (the VMM's own pages are
 * the CPU's block, which no CPU's EPT maps). */
struct virt_cpu {
	volatile bool on;            /* in VMX non-root operation now */
	volatile bool in_vmm;        /* the VMM is handling an exit (a panic there cannot VMCALL) */
	bool tried, launched, dead, came_out;
	u64 key;
	u64 block;                   /* the CPU's VMM block (VIRT_BLOCK_PAGES) */
	u64 vmxon, vmcs, stack, tss, ist, gdt;   /* physical pages of the block */
	u64 bitmap, idt, vmm_cr3;    /* shared: MSR bitmap, VMM IDT, VMM page tables */
	u64 probe;                   /* virt.break=ept_misconfig: the page with the broken EPT entry (shared) */
	u64 ept_root, ept_used;      /* the shared EPT map this CPU uses */
	struct ept_stats ept;
	u16 vpid;
	u32 proc, proc2;
	/* the state at launch, for the "devirtualized" check */
	u64 cr0, cr4, cr3, gs_base, idtr_base, tr_base, dr7, debugctl;
	u16 idtr_limit, tr_sel;
	/* counted by the VMM */
	volatile u64 exits[VIRT_EXIT_SLOTS];
	volatile u64 total_exits;
	volatile u32 ept_violations;
	volatile u64 ept_gpa, ept_qual;
	/* NMIs taken in the VMM, still to inject, injected; an exception in the VMM */
	volatile u32 vmm_nmis, nmi_pending, nmis_injected;
	volatile bool vmm_trapped;
	char failure[200];           /* why it did not launch, was brought out or parked */
	/* in-guest CPUID round trip */
	u64 cpuid_min, cpuid_med;
};
extern struct virt_cpu *virt_cpus;
extern u32 virt_ready_cpus;          /* the summary line's virt_ready */

/* On the calling CPU: virtualize it (true: now a guest), or come back out. */
bool virt_on_this_cpu(void);
bool virt_off_this_cpu(void);
/* The whole vmx.virtualize stage: every CPU in, the checks, every CPU out. */
void virt_run_all(void);

/* The VMM blocks of every CPU that may virtualize and the one exclusion list
 * built from them: reserve before the first CPU virtualizes (false: why, in
 * why); release frees them when no CPU is virtualized or parked on its VMM
 * stack, else keeps them and returns the pages kept. */
bool virt_vmm_reserve(char *why, size_t n);
u64 virt_vmm_release(void);
u64 virt_vmm_page(u32 cpu, unsigned which);   /* 0: no block for that CPU */
/* The shared pages and the EPT map for cpu into v (false: why in v->failure). */
bool virt_vmm_shared_for(u32 cpu, struct virt_cpu *v);
/* The figures of the "virt: VMM pages" line, and the pages the reservation
 * really took from the allocator (false: nothing reserved). */
struct virt_vmm_figures {
	u32 cpus, ept_maps, ept_pool_pages, pt_pages;
	u64 per_cpu_pages, shared_pages, meta_pages, claimed_pages, taken_pages;
};
bool virt_vmm_figures(struct virt_vmm_figures *f);
/* vmx/virt_figures.c: the line, and the KTAP check of it against the allocator */
struct ktap_node;
void virt_print_figures(const struct virt_vmm_figures *f);
void virt_check_figures(struct ktap_node *s, const struct virt_vmm_figures *f);
/* the deepest use of cpu's VMM stack and IST stacks (#DF, NMI, #MC), in bytes, and its line */
void virt_stack_depths(u32 cpu, u64 *stack, u64 ist[3]);
void virt_print_stacks(u32 cpu);
void virt_check_stacks(struct ktap_node *s);   /* KTAP: every launched CPU used at most half of each */
const struct ept_range *virt_vmm_ranges(size_t *n);

/* virt_cpus[] allocated once (the console's virt commands use it too) */
bool virt_cpus_alloc(void);
u64 virt_cpus_pages(void);
bool virt_cpu_on(u32 cpu);
void virt_print_exits(void (*pr)(const char *fmt, ...), u32 cpu);
/* reboot, poweroff: every virtualized CPU brought out first; a panic: this one */
void virt_off_all(void);
void virt_panic_out(void);

/* vmx/virt.S */
u64 virt_launch(void);
void virt_exit_entry(void);
/* vmx/virt.c, called from vmx/virt.S on the VMM stack: 0 resume, 1 devirtualize */
u64 virt_exit(struct virt_regs *f);
u64 virt_resume_failed(struct virt_regs *f);
/* vmx/virt_exit.c: the guest state onto the CPU, out of VMX (the frame's
 * resume_rsp then leads back to the guest's next instruction) */
void virt_devirtualize(struct virt_cpu *v, struct virt_regs *f);
/* vmx/virt_trap.c: the VMM's GDT and IDT in v's block; its exception handler */
void virt_vmm_tables(struct virt_cpu *v, u64 *gdt_base, u64 *idt_base);
void virt_vmm_idt_fill(u64 idt);   /* the shared VMM IDT, once */
struct trap_frame;
void virt_vmm_trap(struct trap_frame *t);
/* vmx/virt.S: continue as the guest from an exit frame, out of VMX (no return) */
__attribute__((noreturn)) void virt_vmm_abort(struct virt_regs *f);

#endif
