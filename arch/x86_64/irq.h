#ifndef ARCH_X86_64_IRQ_H
#define ARCH_X86_64_IRQ_H

#include "kernel/types.h"

struct trap_frame;
struct cpu;

void irq_init_boot(void);            /* the 8259 remapped and masked: before any CPU enables interrupts */
void irq_init_cpu(struct cpu *c);    /* on c itself: LINT0/LINT1 from the MADT, CR4.MCE */
void irq_boot_checks(void);          /* after smp_init: lines, self-tests, KTAP leaves in "boot" */

/* from trap_dispatch (arch/x86_64/traps.c) */
void irq_nmi(const struct trap_frame *f);
void irq_unexpected(const struct trap_frame *f);      /* vectors 32-255 without a handler */
void __attribute__((noreturn)) irq_machine_check(struct trap_frame *f);
/* vmx/: an NMI that arrived as a VM exit from the guest (NMI exiting) */
void irq_nmi_guest_exit(u64 guest_rip);

/* Print what handlers could not print at once (the print lock was busy):
 * from the console loop and before the report. Cheap when nothing waits. */
void irq_flush(void);
bool irq_pending(void);               /* something is waiting for irq_flush */
/* The console waits for a key (true) or runs a command (false): while it
 * waits, handlers leave their lines to its irq_flush so they start a line. */
void irq_console_idle(bool idle);
/* The run's report: a line when NMIs or unexpected interrupts were seen. */
void irq_report_run(void);
u32 irq_nmi_total(void);
void irq_inject_nmi(void);
void irq_inject_unexpected(void);     /* inject=irq: two self-IPIs on a vector with no handler */            /* inject=nmi: an NMI IPI to every online CPU, this one last */
u32 irq_unexpected_total(void);

#endif
