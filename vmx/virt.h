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

#define VIRT_EPT_POOL 96      /* EPT table pages per CPU */
#define VIRT_STACK_PAGES 4
#define VIRT_PT_MAX 16        /* VMM page-table pages */
/* VMXON, VMCS, MSR bitmap, TSS, the break probe; stack; 3 IST stacks; page tables */
#define VIRT_VMM_PAGES (5 + VIRT_STACK_PAGES + 3 + VIRT_PT_MAX)

/* Per CPU, in kernel memory the guest can read (the VMM's own pages are
 * the ones listed in vmm_pages[] and the EPT pool, none reachable by EPT). */
struct virt_cpu {
	volatile bool on;            /* in VMX non-root operation now */
	volatile bool in_vmm;        /* the VMM is handling an exit (a panic there cannot VMCALL) */
	bool tried, launched, dead, came_out;
	u64 key;
	u64 vmxon, vmcs, bitmap, stack, tss, ist, ept_pool;   /* physical pages */
	u64 probe;                   /* virt.break=ept_misconfig: the page with the broken EPT entry */
	u64 pt[VIRT_PT_MAX];
	u32 npt;
	u64 vmm_pages[VIRT_VMM_PAGES + VIRT_EPT_POOL];
	u32 nvmm;
	bool vmm_pages_overflow;     /* more VMM pages than vmm_pages[] holds: refuse to launch */
	u64 ept_root, ept_used;
	struct ept_stats ept;
	u16 vpid;
	u32 proc, proc2;
	/* the state at launch, for the "devirtualized" check */
	u64 cr0, cr4, cr3, gs_base, idtr_base, tr_base;
	u16 idtr_limit, tr_sel;
	/* counted by the VMM */
	volatile u64 exits[VIRT_EXIT_SLOTS];
	volatile u64 total_exits;
	volatile u32 ept_violations;
	volatile u64 ept_gpa, ept_qual;
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

#endif
