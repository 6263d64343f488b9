/*
 * Self-virtualization entry and exit (vmx/virt.c).
 *
 * u64 virt_launch(void): with the VMCS current and filled, points guest RSP
 *   and RIP at this very call and executes VMLAUNCH. The guest starts at
 *   .Lin_guest with the same stack: it returns 0, now in VMX non-root
 *   operation. When the entry fails it returns RFLAGS (CF/ZF) instead.
 * virt_exit_entry: the VMCS host RIP, on the VMM stack. Saves the guest's
 *   general registers in a struct virt_regs, calls virt_exit(); 0 means
 *   VMRESUME, 1 means the VMM has left VMX operation and the CPU continues
 *   as the guest would have: registers from the frame, RFLAGS and RIP
 *   pushed below the guest RSP by virt.c (the kernel has no red zone).
 */
#define VMCS_GUEST_RSP 0x681c
#define VMCS_GUEST_RIP 0x681e
#define FRAME 144			/* struct virt_regs */

	.text
	.code64
	.globl virt_launch, virt_exit_entry, virt_vmm_abort
virt_launch:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movl $VMCS_GUEST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfailed
	leaq .Lin_guest(%rip), %rdx
	movl $VMCS_GUEST_RIP, %eax
	vmwrite %rdx, %rax
	jbe .Lfailed
	vmlaunch
.Lfailed:
	pushfq
	popq %rax
	jmp .Lback
.Lin_guest:
	xorl %eax, %eax
.Lback:
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

/* the guest's general registers from the exit frame at RSP (RSP itself is in the VMCS) */
.macro LOAD_GUEST_GPRS
	movq 0(%rsp), %rax
	movq 8(%rsp), %rcx
	movq 16(%rsp), %rdx
	movq 24(%rsp), %rbx
	movq 40(%rsp), %rbp
	movq 48(%rsp), %rsi
	movq 56(%rsp), %rdi
	movq 64(%rsp), %r8
	movq 72(%rsp), %r9
	movq 80(%rsp), %r10
	movq 88(%rsp), %r11
	movq 96(%rsp), %r12
	movq 104(%rsp), %r13
	movq 112(%rsp), %r14
	movq 120(%rsp), %r15
.endm

virt_exit_entry:
	subq $FRAME, %rsp
	movq %rax, 0(%rsp)
	movq %rcx, 8(%rsp)
	movq %rdx, 16(%rsp)
	movq %rbx, 24(%rsp)
	movq %rbp, 40(%rsp)
	movq %rsi, 48(%rsp)
	movq %rdi, 56(%rsp)
	movq %r8, 64(%rsp)
	movq %r9, 72(%rsp)
	movq %r10, 80(%rsp)
	movq %r11, 88(%rsp)
	movq %r12, 96(%rsp)
	movq %r13, 104(%rsp)
	movq %r14, 112(%rsp)
	movq %r15, 120(%rsp)
	movq %rsp, %rdi
	call virt_exit
.Ldecided:
	testq %rax, %rax
	jnz .Lout
	LOAD_GUEST_GPRS
	vmresume
	/* VMRESUME failed: the frame is intact, virt.c brings the CPU out */
	movq %rsp, %rdi
	call virt_resume_failed
	jmp .Ldecided
virt_vmm_abort:			/* from the VMM's exception handler, f in RDI */
	movq %rdi, %rsp
.Lout:
	/* out of VMX operation: become the guest again */
	LOAD_GUEST_GPRS
	movq 128(%rsp), %rsp		/* resume_rsp: RFLAGS, then RIP */
	popfq
	ret

	.section .note.GNU-stack, "", @progbits
