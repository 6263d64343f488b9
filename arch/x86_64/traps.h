#ifndef ARCH_X86_64_TRAPS_H
#define ARCH_X86_64_TRAPS_H

#include "kernel/types.h"

/* Layout pushed by arch/x86_64/isr.S, lowest address first. */
struct trap_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;
};

#define VEC_WAKEUP   0xf0
#define VEC_TIMER    0xef   /* the local APIC timer of quiet waiting (arch/x86_64/wait.c) */
#define VEC_SPURIOUS 0xff
#define IST_DF  1
#define IST_NMI 2
#define IST_MC  3

void idt_init(void);        /* build the shared IDT once */
void idt_load(void);        /* load it on this CPU */
const char *exception_name(unsigned vector);
void trap_dispatch(struct trap_frame *f);
/* the fixup address of the _safe instruction at rip, 0 when rip is none (vmx/virt_trap.c) */
u64 ex_table_fixup(u64 rip);

#endif
