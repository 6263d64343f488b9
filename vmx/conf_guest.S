/*
 * The guest of the VM-entry conformance cases (vmx/conf_entry.c): its first
 * instruction is a VMCALL, so a CPU that wrongly accepts a broken VMCS exits
 * at once (reason 18); the exception bitmap of all ones turns any fault of
 * the bad guest state into an exit too.
 */
	.text
	.code64
	.globl conf_guest_vmcall
conf_guest_vmcall:
	vmcall
	ud2

/* the exit_ cases' first instructions (vmx/conf_cases.h, enum conf_guest) */
	.globl conf_guest_ud2, conf_guest_hlt, conf_guest_cpuid, conf_guest_mov_to_cr3
	.globl conf_guest_rdtsc, conf_guest_rdmsr, conf_guest_out_80, conf_guest_cr3
conf_guest_ud2:
	ud2
conf_guest_hlt:
	hlt
	vmcall
conf_guest_cpuid:
	cpuid
	vmcall
conf_guest_mov_to_cr3:
	movq conf_guest_cr3(%rip), %rax
	movq %rax, %cr3
	vmcall
	ud2
conf_guest_rdtsc:
	rdtsc
	vmcall
conf_guest_rdmsr:
	rdmsr
	vmcall
conf_guest_out_80:
	outb %al, $0x80
	vmcall

	.data
	.balign 8
conf_guest_cr3:			/* the CR3 the MOV-to-CR3 guest loads: set by vmx/conf_entry.c */
	.quad 0

	.section .note.GNU-stack, "", @progbits
