/*
 * The common part of an exception/interrupt entry, for assembly files only
 * (arch/x86_64/isr.S for the kernel, vmx/virt_vmm.S for the VMM's own IDT).
 * The stub has pushed an error code (a dummy one when the CPU pushes none) and
 * the vector; TRAP_COMMON saves the general registers into a struct
 * trap_frame (arch/x86_64/traps.h), calls handler(frame) with the stack
 * aligned for C, restores the (possibly changed) frame and returns with IRETQ.
 */
#ifndef ARCH_X86_64_TRAP_ENTRY_H
#define ARCH_X86_64_TRAP_ENTRY_H

#ifdef __ASSEMBLY__
.macro TRAP_COMMON handler
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, %rdi
	/* the frame is 8-byte aligned in any state; align for the C call */
	movq %rsp, %rbx
	andq $-16, %rsp
	cld
	call \handler
	movq %rbx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
	addq $16, %rsp		/* vector and error code */
	iretq
.endm
#endif

#endif
