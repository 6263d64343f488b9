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

	.section .note.GNU-stack, "", @progbits
