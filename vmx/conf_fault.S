/*
 * The code the instruction-fault cases (vmx/conf_fault.c) run outside 64-bit
 * ring 0: each VMX instruction followed by ud2, 16 bytes apart, in the order
 * of enum conf_fault_insn. conf_user_code is 64-bit code copied into a user
 * page (CPL 3: #GP(0) expected); conf_compat_code is the same in 32-bit code,
 * run in place at CPL 0 through KERNEL_CS32 (compatibility mode: #UD).
 * Operands: RAX (EAX) a memory operand, RCX a field or type, RDX a value.
 */
	.section .rodata
	.balign 16
	.globl conf_user_code, conf_user_code_end
conf_user_code:
	vmxon (%rax)
	ud2
	.balign 16
	vmclear (%rax)
	ud2
	.balign 16
	vmptrld (%rax)
	ud2
	.balign 16
	vmptrst (%rax)
	ud2
	.balign 16
	vmread %rcx, %rdx
	ud2
	.balign 16
	vmwrite %rdx, %rcx
	ud2
	.balign 16
	vmlaunch
	ud2
	.balign 16
	vmresume
	ud2
	.balign 16
	vmxoff
	ud2
	.balign 16
	invept (%rax), %rcx
	ud2
	.balign 16
	invvpid (%rax), %rcx
	ud2
	.balign 16
conf_user_code_end:

	.text
	.code32
	.balign 16
	.globl conf_compat_code
conf_compat_code:
	vmxon (%eax)
	ud2
	.balign 16
	vmclear (%eax)
	ud2
	.balign 16
	vmptrld (%eax)
	ud2
	.balign 16
	vmptrst (%eax)
	ud2
	.balign 16
	vmread %ecx, %edx
	ud2
	.balign 16
	vmwrite %edx, %ecx
	ud2
	.balign 16
	vmlaunch
	ud2
	.balign 16
	vmresume
	ud2
	.balign 16
	vmxoff
	ud2
	.balign 16
	invept (%eax), %ecx
	ud2
	.balign 16
	invvpid (%eax), %ecx
	ud2
	.balign 16
	.code64

	.section .note.GNU-stack,"",@progbits
