/*
 * An excursion: run a few instructions outside 64-bit ring 0 — at CPL 3
 * (USER_CS/USER_DS) or in compatibility mode (KERNEL_CS32) — until the first
 * exception, which ends it: the trap handler records the vector, error code,
 * CR2 and RIP and resumes ring 0 right after excursion_run() (SDM vol. 3A,
 * 6.12.1: a fault from CPL 3 switches to the TSS's RSP0, which the run points
 * just below its own frame). The code must fault (end it with ud2); interrupts
 * stay off (RFLAGS 0x2). Used by the VMX conformance suite to check that VMX
 * instructions #GP at CPL > 0 and #UD in compatibility mode (SDM 31.3).
 */
#ifndef ARCH_X86_64_EXCURSION_H
#define ARCH_X86_64_EXCURSION_H

#ifndef __ASSEMBLER__
#include "kernel/types.h"

struct trap_frame;

struct excursion {
	/* in: where and how to run (rsp 0: just below the saved frame, for ring 0) */
	u64 rip, cs, ss, rsp, rax, rcx, rdx;
	/* set by excursion.S: where a fault resumes */
	u64 ret_rip, ret_rsp;
	/* set by the trap handler */
	u64 vector, error, cr2, fault_rip, fault_cs;
	bool ended;
	/* the TSS's RSP0 before the run, restored after */
	u64 rsp0_saved;
};

#endif

/* The offsets excursion_asm.S uses: checked by static asserts in excursion.c. */
#define EXC_RIP 0
#define EXC_CS 8
#define EXC_SS 16
#define EXC_RSP 24
#define EXC_RAX 32
#define EXC_RCX 40
#define EXC_RDX 48
#define EXC_RET_RIP 56
#define EXC_RET_RSP 64

#ifndef __ASSEMBLER__

/* Run *x on this CPU; false when the trap handler did not end it (never
 * expected: the ud2 at the end of the code always does). */
bool excursion_run(struct excursion *x);
/* For trap_dispatch: true when f is this CPU's excursion ending (f changed
 * to resume ring 0). */
bool excursion_trap(struct trap_frame *f);
/* Make the 4 KiB page at va (identity-mapped RAM) user-accessible and
 * executable on this CPU's page tables; false when it cannot. */
bool excursion_user_page(u64 va);
#endif

#endif
