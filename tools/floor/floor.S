/*
 * The floor of `make bench-boot`: a multiboot2 kernel that does nothing but
 * say so on COM1 and end the emulator at once, so that firmware + GRUB +
 * loading a kernel can be timed on their own (tools/bench-boot.py).
 * GRUB enters here in 32-bit protected mode, paging off (multiboot2 spec,
 * "I386 machine state"). Ends: QEMU isa-debug-exit (port 0xf4: exit status
 * (v << 1) | 1), then Bochs's shutdown port (the string "Shutdown" to
 * 0x8900, FACTS.md), then hlt forever. Never part of the kernel.
 */
#define MB2_MAGIC_HEADER	0xe85250d6
#define COM1			0x3f8
#define LSR_TEMT		0x40	/* line status: transmitter empty */

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC_HEADER
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC_HEADER + 0 + (mb2_header_end - mb2_header))
	.balign 8
	.short 0, 0			/* end tag */
	.long 8
mb2_header_end:

	.section .text
	.code32
	.globl _start
_start:
	cli
	mov $msg, %esi
1:	movb (%esi), %al
	test %al, %al
	jz 3f
	mov $COM1 + 5, %dx		/* wait for room, then send (GRUB left COM1 at 115200 8N1) */
2:	inb %dx, %al
	test $0x20, %al
	jz 2b
	movb (%esi), %al
	mov $COM1, %dx
	outb %al, %dx
	inc %esi
	jmp 1b
3:	mov $COM1 + 5, %dx		/* the last byte out of the shift register before the end */
4:	inb %dx, %al
	test $LSR_TEMT, %al
	jz 4b
	mov $0, %al			/* QEMU: exit status 1 */
	outb %al, $0xf4
	mov $shutdown, %esi		/* Bochs: "Shutdown" to port 0x8900 */
	mov $0x8900, %dx
5:	movb (%esi), %al
	test %al, %al
	jz 6f
	outb %al, %dx
	inc %esi
	jmp 5b
6:	hlt
	jmp 6b

	.section .rodata
msg:	.asciz "vmxboot-floor: firmware + GRUB + this kernel, ending the emulator now\r\n"
shutdown: .asciz "Shutdown"

	.section .note.GNU-stack, "", @progbits
