/*
 * The VMM's own exception entry stubs (vmx/virt_trap.c builds the VMM IDT
 * from virt_vmm_stubs[]). Same frame as arch/x86_64/isr.S (struct
 * trap_frame), but they call virt_vmm_trap(): a _safe instruction of the VMM
 * resumes at its fixup, an NMI is kept for the guest, anything else is
 * reported by name and the CPU brought out (it does not return then).
 */
#include "arch/x86_64/trap_entry.h"
	.text
	.code64
.macro VSTUB vec, has_error
vmm_stub_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp vmm_common
.endm
/* vectors that push an error code: 8, 10-14, 17, 21, 29, 30 */
VSTUB 0, 0
VSTUB 1, 0
VSTUB 2, 0
VSTUB 3, 0
VSTUB 4, 0
VSTUB 5, 0
VSTUB 6, 0
VSTUB 7, 0
VSTUB 8, 1
VSTUB 9, 0
VSTUB 10, 1
VSTUB 11, 1
VSTUB 12, 1
VSTUB 13, 1
VSTUB 14, 1
VSTUB 15, 0
VSTUB 16, 0
VSTUB 17, 1
VSTUB 18, 0
VSTUB 19, 0
VSTUB 20, 0
VSTUB 21, 1
VSTUB 22, 0
VSTUB 23, 0
VSTUB 24, 0
VSTUB 25, 0
VSTUB 26, 0
VSTUB 27, 0
VSTUB 28, 0
VSTUB 29, 1
VSTUB 30, 1
VSTUB 31, 0

vmm_common:
	TRAP_COMMON virt_vmm_trap

	.section .rodata
	.balign 8
	.globl virt_vmm_stubs
virt_vmm_stubs:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad vmm_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
