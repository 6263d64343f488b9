/*
 * Exception and interrupt entry stubs. Each pushes a dummy error code when the
 * CPU does not push one (SDM vol. 3A, 6.13), then its vector, saves the
 * general registers into a struct trap_frame (arch/x86_64/traps.h) and calls
 * trap_dispatch(frame). Returning from it restores the (possibly changed)
 * frame: that is how a _safe instruction resumes at its fixup address.
 */
#include "arch/x86_64/trap_entry.h"
	.text
	.code64

.macro STUB vec, has_error
	.globl isr_stub_\vec
isr_stub_\vec:
	.if \has_error == 0
	pushq $0
	.endif
	pushq $\vec
	jmp isr_common
.endm

/* vectors that push an error code: 8, 10-14, 17, 21, 29, 30 */
STUB 0, 0
STUB 1, 0
STUB 2, 0
STUB 3, 0
STUB 4, 0
STUB 5, 0
STUB 6, 0
STUB 7, 0
STUB 8, 1
STUB 9, 0
STUB 10, 1
STUB 11, 1
STUB 12, 1
STUB 13, 1
STUB 14, 1
STUB 15, 0
STUB 16, 0
STUB 17, 1
STUB 18, 0
STUB 19, 0
STUB 20, 0
STUB 21, 1
STUB 22, 0
STUB 23, 0
STUB 24, 0
STUB 25, 0
STUB 26, 0
STUB 27, 0
STUB 28, 0
STUB 29, 1
STUB 30, 1
STUB 31, 0

/* vectors 32-255 (interrupts: no error code), 16 bytes apart from
 * isr_irq_stubs, so vector v's stub is at isr_irq_stubs + 16 * (v - 32) */
	.balign 16
	.globl isr_irq_stubs
isr_irq_stubs:
	.set vec, 32
	.rept 224
	.balign 16
	pushq $0
	pushq $vec
	jmp isr_common
	.set vec, vec + 1
	.endr

isr_common:
	TRAP_COMMON trap_dispatch

	.section .rodata
	.balign 8
	.globl isr_stub_table
isr_stub_table:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad isr_stub_\v
	.endr

	.section .note.GNU-stack, "", @progbits
