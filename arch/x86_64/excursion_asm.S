/*
 * excursion_enter(struct excursion *x, u64 rsp0): the jump out of 64-bit ring 0
 * for arch/x86_64/excursion.c. Saves the callee-saved registers, RFLAGS and
 * the data-segment selectors with the FS/GS bases (an IRET to CPL 3 nulls
 * selectors of DPL 0, SDM vol. 2A IRET; a MOV to FS/GS reloads the base from
 * the descriptor, so the bases are written back with WRMSR), records where a
 * fault resumes, then IRETQs to x->cs:x->rip with x->ss:x->rsp (rsp0 when 0).
 * The trap handler comes back to label 1 with RSP = x->ret_rsp.
 */
#include "arch/x86_64/excursion.h"
	.text
	.code64
	.globl excursion_enter
excursion_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushfq
	pushq %rdi
	movq %rsi, %r12			/* rsp0 */
	movl $0xc0000100, %ecx		/* IA32_FS_BASE */
	rdmsr
	pushq %rax
	pushq %rdx
	movl $0xc0000101, %ecx		/* IA32_GS_BASE */
	rdmsr
	pushq %rax
	pushq %rdx
	xorl %eax, %eax
	movw %ds, %ax
	pushq %rax
	movw %es, %ax
	pushq %rax
	movw %fs, %ax
	pushq %rax
	movw %gs, %ax
	pushq %rax
	leaq 1f(%rip), %rax
	movq %rax, EXC_RET_RIP(%rdi)
	movq %rsp, EXC_RET_RSP(%rdi)
	/* the IRETQ frame: SS, RSP, RFLAGS (interrupts off), CS, RIP */
	pushq EXC_SS(%rdi)
	movq EXC_RSP(%rdi), %rax
	testq %rax, %rax
	cmovzq %r12, %rax
	pushq %rax
	pushq $2
	pushq EXC_CS(%rdi)
	pushq EXC_RIP(%rdi)
	movq EXC_RAX(%rdi), %rax
	movq EXC_RCX(%rdi), %rcx
	movq EXC_RDX(%rdi), %rdx
	iretq
1:
	popq %rax
	movw %ax, %gs
	popq %rax
	movw %ax, %fs
	popq %rax
	movw %ax, %es
	popq %rax
	movw %ax, %ds
	movl $0xc0000101, %ecx
	popq %rdx
	popq %rax
	wrmsr
	movl $0xc0000100, %ecx
	popq %rdx
	popq %rax
	wrmsr
	popq %rdi
	popfq
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

	.section .note.GNU-stack,"",@progbits
