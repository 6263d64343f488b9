/*
 * One struct cpu per logical CPU, reached from the CPU itself through the GS
 * base (this_cpu()). Later parts of the kernel add their fields here rather
 * than keeping parallel global arrays (STYLE.md).
 */
#ifndef ARCH_X86_64_PERCPU_H
#define ARCH_X86_64_PERCPU_H

#include "kernel/types.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"

enum cpu_state {
	CPU_ABSENT = 0,     /* slot unused */
	CPU_LISTED,         /* in the MADT, not started (yet) */
	CPU_SKIPPED,        /* listed but left off (cpus=N, smp=off) */
	CPU_STARTING,       /* INIT/SIPI sent */
	CPU_ONLINE,         /* running kernel code, idle loop */
	CPU_NO_START,       /* did not arrive within the timeout */
	CPU_DEAD,           /* panicked / halted */
	CPU_STUCK,          /* did not finish a job in time: never handed work again */
	CPU_RESTARTING,     /* not there after the first start-up: INIT again, SIPI to follow */
};

typedef long (*cpu_fn)(void *arg);

struct cpu {
	struct cpu *self;            /* offset 0: this_cpu() reads %gs:0 */
	volatile u64 fault_vector;   /* offset 8: set by the trap handler for _safe instructions */
	u32 index;                   /* 0 = boot CPU */
	u32 apic_id;
	u32 acpi_uid;
	bool online_capable_only;    /* MADT flags: online-capable, not enabled */
	volatile enum cpu_state state;
	u64 stack_top;               /* kernel stack (guard page below it) */
	u64 ist_top[4];              /* IST stacks, [1] #DF, [2] NMI, [3] #MC */
	struct cpu_tables tables;    /* this CPU's GDT and TSS */

	/* bring-up evidence (arch/x86_64/smp.c) */
	u64 sipi_tsc;                /* when the boot CPU sent its first SIPI */
	u64 arrive_tsc;              /* when it reached C */
	u64 parked_tsc;              /* when it was online and about to wait for work */
	bool inject_no_sipi;         /* test: never send this CPU a SIPI */

	/* work handed to it (on_cpu / on_each_cpu) */
	volatile cpu_fn work_fn;
	void *volatile work_arg;
	volatile long work_result;
	volatile u32 work_seq;       /* bumped by the caller per job */
	volatile u32 work_done_seq;  /* set to work_seq when finished */
	volatile bool idle_halted;   /* in hlt, wants a wake-up IPI */

	/* per-CPU state of the VMX code (vmx/) */
	void *vmx;

	/* interrupts and NMIs (arch/x86_64/irq.c) */
	volatile u32 nmi_count;      /* NMIs taken (the boot self-test's not counted) */
	u32 nmi_printed;             /* of those, reported (under report_busy) */
	volatile u32 nmi_selftest;   /* self-test NMIs sent to it, not yet taken */
	volatile u32 nmi_selftest_seen;
	volatile u32 report_busy;    /* someone is printing its NMI lines */
	u64 nmi_rip;                 /* where the last NMI hit */
	bool nmi_in_guest;           /* ... as a VM exit from the VMX guest */
	u32 lint_want[2];            /* LINT0/LINT1 as planned (irq_lint_plan) */
	u32 lint_lvt[2];             /* ... and as read back */
	u8 lint_why[2];              /* enum lint_why */
	bool mce_enabled;            /* CR4.MCE set */
	volatile u32 wakeups;        /* VEC_WAKEUP interrupts taken (vmx/virt_checks.c counts on it) */
	volatile u64 fault_error;    /* the error code of the last _safe fault (0 when the vector has none) */
	struct excursion *volatile excursion;   /* a run outside 64-bit ring 0 (arch/x86_64/excursion.h) */

	/* quiet waiting (arch/x86_64/wait.c) */
	struct cpu *volatile work_waiter;   /* who waits for this CPU's job: woken when it is done */
	volatile u32 timer_irqs;     /* VEC_TIMER interrupts taken */
	u32 wait_sleeps;             /* hlt sleeps in wait.c */
	u32 wait_lvt;                /* the LVT timer mode programmed (wait.c), 0: not yet */

	/* the second start-up (arch/x86_64/smp.c restart_stragglers) */
	bool restarted;              /* got INIT-SIPI-SIPI a second time */
	bool inject_lost_sipi;       /* test: no SIPI in the first start-up (smp.lostsipi) */

	/* signs of life before online (arch/x86_64/smp_await.c) */
	u64 tramp_seen_tsc;          /* when the boot CPU first saw its APIC ID in the trampoline's list */
	u64 tramp_entry_tsc;         /* when it executed its first trampoline instruction (tr_stamps), 0: no stamp */
	bool restart_wanted;         /* picked for the second start-up: it showed no sign of life */
	bool inject_slow;            /* test: spin SLOW_AP_US in ap_main before going online (smp.slowap) */
	bool inject_stuck;           /* test: halt in ap_main once it reached C (smp.stuckap) */
	bool inject_stale_sipi;      /* test: a SIPI right after the second start-up's INIT (smp.stalesipi) */
};

_Static_assert(__builtin_offsetof(struct cpu, fault_vector) == CPU_FAULT_VECTOR_OFFSET,
	       "cpu.h SAFE_BEGIN depends on this offset");

static inline struct cpu *this_cpu(void)
{
	struct cpu *c;
	asm volatile("movq %%gs:0, %0" : "=r"(c));
	return c;
}

extern struct cpu *cpus;       /* array of cpu_count entries; cpus[0] is the boot CPU */
extern u32 cpu_count;          /* slots in use (listed CPUs, after limits) */

void percpu_init_boot(void);   /* static struct cpu for the boot CPU, GS base */
void percpu_set_gs(struct cpu *c);

#endif
