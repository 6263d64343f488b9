/*
 * Entering and leaving the guest (SDM vol. 3C 26 "VM entries", 28 "VM exits").
 *
 * u64 vmx_enter(struct guest_regs *g, u64 launched)
 *   Saves the callee-saved registers and g on this stack, makes the VMCS
 *   host RSP point here, loads the guest's general registers and executes
 *   VMLAUNCH (launched == 0) or VMRESUME. Returns 0 after a VM exit (the
 *   guest's registers are back in *g), or RFLAGS when the entry itself
 *   failed (CF: VMfailInvalid, ZF: VMfailValid).
 * vmx_exit_entry is the VMCS host RIP: it lands on that same stack.
 */
#define VMCS_HOST_RSP 0x6c14
#define G_RAX 0
#define G_RBX 8
#define G_RCX 16
#define G_RDX 24
#define G_RSI 32
#define G_RDI 40
#define G_RBP 48
#define G_R8 56
#define G_R9 64
#define G_R10 72
#define G_R11 80
#define G_R12 88
#define G_R13 96
#define G_R14 104
#define G_R15 112

	.text
	.code64
	.globl vmx_enter, vmx_exit_entry
vmx_enter:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	pushq %rdi			/* *g, found again at (%rsp) after the exit */
	movl $VMCS_HOST_RSP, %eax
	vmwrite %rsp, %rax
	jbe .Lfailed			/* CF or ZF: could not even set host RSP */
	testq %rsi, %rsi		/* flags survive the MOVs below */
	movq G_RAX(%rdi), %rax
	movq G_RBX(%rdi), %rbx
	movq G_RCX(%rdi), %rcx
	movq G_RDX(%rdi), %rdx
	movq G_RSI(%rdi), %rsi
	movq G_RBP(%rdi), %rbp
	movq G_R8(%rdi), %r8
	movq G_R9(%rdi), %r9
	movq G_R10(%rdi), %r10
	movq G_R11(%rdi), %r11
	movq G_R12(%rdi), %r12
	movq G_R13(%rdi), %r13
	movq G_R14(%rdi), %r14
	movq G_R15(%rdi), %r15
	movq G_RDI(%rdi), %rdi
	jnz 1f
	vmlaunch
	jmp .Lfailed
1:	vmresume
.Lfailed:
	/* VM entry failed: we are still here, on this stack */
	pushfq
	popq %rax
.Lreturn:
	addq $8, %rsp			/* drop *g */
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret

vmx_exit_entry:
	pushq %rdi
	movq 8(%rsp), %rdi
	movq %rax, G_RAX(%rdi)
	movq %rbx, G_RBX(%rdi)
	movq %rcx, G_RCX(%rdi)
	movq %rdx, G_RDX(%rdi)
	movq %rsi, G_RSI(%rdi)
	movq %rbp, G_RBP(%rdi)
	movq %r8, G_R8(%rdi)
	movq %r9, G_R9(%rdi)
	movq %r10, G_R10(%rdi)
	movq %r11, G_R11(%rdi)
	movq %r12, G_R12(%rdi)
	movq %r13, G_R13(%rdi)
	movq %r14, G_R14(%rdi)
	movq %r15, G_R15(%rdi)
	popq %rax
	movq %rax, G_RDI(%rdi)
	xorl %eax, %eax			/* 0: a VM exit happened */
	jmp .Lreturn

/*
 * The guest: 64-bit, CPL 0, the kernel's own page tables, its own stack.
 * R12 points at struct guest_data (vmx/guest.h). Every exit it causes is
 * expected by vmx/guest.c, in this order:
 *   CPUID 0x40000000 (emulated: the signature "VmxBootGuest"), VMCALL 1,
 *   HLT, then n x (RDTSC; CPUID 0; RDTSC) and n x (RDTSC; VMCALL 4; RDTSC),
 *   then VMCALL 2 "done".
 */
#define GUEST_SIG_EBX 0x42786d56	/* "VmxB" */
	.globl guest_stub
guest_stub:
	movl $0x40000000, %eax
	xorl %ecx, %ecx
	cpuid
	cmpl $GUEST_SIG_EBX, %ebx
	jne .Lbad_cpuid
	movl $1, %eax			/* VMCALL 1: hello */
	vmcall
	hlt
	movq 0(%r12), %r13		/* n */
	movq 8(%r12), %r14		/* CPUID round-trip samples */
	xorl %r15d, %r15d
2:	cmpq %r13, %r15
	jae 3f
	lfence
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, %rsi
	xorl %eax, %eax
	xorl %ecx, %ecx
	cpuid
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	subq %rsi, %rax
	movq %rax, (%r14, %r15, 8)
	incq %r15
	jmp 2b
3:	movq 16(%r12), %r14		/* VMCALL round-trip samples */
	xorl %r15d, %r15d
4:	cmpq %r13, %r15
	jae 5f
	lfence
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, %rsi
	movl $4, %eax			/* VMCALL 4: a no-op, for the benchmark */
	vmcall
	lfence
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	subq %rsi, %rax
	movq %rax, (%r14, %r15, 8)
	incq %r15
	jmp 4b
5:	movl $2, %eax			/* VMCALL 2: done */
	vmcall
	ud2				/* never resumed after "done" */
.Lbad_cpuid:
	movl $3, %eax			/* VMCALL 3: the emulated CPUID was wrong */
	vmcall
	ud2

	.section .note.GNU-stack, "", @progbits
