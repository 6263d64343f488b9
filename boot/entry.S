/*
 * The multiboot2 header and the 32-bit entry: GRUB jumps to _start in 32-bit
 * protected mode, paging off, EAX = magic, EBX = boot information (multiboot2
 * spec, "I386 machine state"). We check that we can run at all, print a plain
 * reason and halt if not, then identity-map the first 4 GiB with 2 MiB pages,
 * enter long mode and call kmain(magic, mbi). kernel/paging.c replaces these
 * tables with hardened ones once C is running.
 */
#include "boot/boot.h"

#define MB2_MAGIC_HEADER	0xe85250d6
#define MB2_MAGIC_BOOT		0x36d76289

/* CR0: PE (0) | NE (5, VMXON needs it) | WP (16) | PG (31) */
#define CR0_BOOT_SET		0x80010021
#define CR4_PAE			(1 << 5)
#define CR4_LA57		(1 << 12)
#define MSR_EFER		0xc0000080
#define EFER_LME		(1 << 8)
#define EFER_NXE		(1 << 11)
/* 2 MiB page: present (0) | writable (1) | page size (7) = 0x83 */
#define PDE_2M_RW		0x83
#define PTE_TABLE_RW		0x03

	.section .multiboot2, "a"
	.balign 8
mb2_header:
	.long MB2_MAGIC_HEADER
	.long 0				/* architecture: i386 protected mode */
	.long mb2_header_end - mb2_header
	.long -(MB2_MAGIC_HEADER + 0 + (mb2_header_end - mb2_header))
	/* information request (type 1), optional (flags bit 0): BIOS GRUB has no tag 15 */
	.balign 8
	.short 1, 1
	.long 8 + 4 * 4
	.long 1				/* command line */
	.long 6				/* memory map */
	.long 14			/* ACPI old RSDP */
	.long 15			/* ACPI new RSDP */
	/* console flags (type 4), optional: bit 1 EGA text supported, bit 0 (console
	 * required) clear, so a UEFI GRUB without text mode still boots us */
	.balign 8
	.short 4, 1
	.long 12
	.long 2
	/* framebuffer (type 5), optional: 1280x800x32 preferred, any mode accepted
	 * (kernel/fbcon.c draws what multiboot2 tag 8 describes) */
	.balign 8
	.short 5, 1
	.long 20
	.long 1280, 800, 32
	.balign 8
	.short 0, 0			/* end tag */
	.long 8
mb2_header_end:

	.section .text.boot, "ax"
	.code32
	.globl _start
_start:
	cli
	cld
	movl $boot_stack_top, %esp
	movl %eax, %edi			/* keep magic and mbi for kmain */
	movl %ebx, %esi
	call early_serial_init

	cmpl $MB2_MAGIC_BOOT, %edi
	jne .Lno_multiboot2

	/* CPUID exists iff EFLAGS.ID (bit 21) can be toggled */
	pushfl
	popl %eax
	movl %eax, %ecx
	xorl $(1 << 21), %eax
	pushl %eax
	popfl
	pushfl
	popl %eax
	pushl %ecx
	popfl
	cmpl %eax, %ecx
	je .Lno_cpuid

	movl $0x80000000, %eax
	cpuid
	cmpl $0x80000001, %eax
	jb .Lno_long_mode
	movl $0x80000001, %eax
	cpuid
	testl $(1 << 29), %edx		/* CPUID.80000001h:EDX.LM */
	jz .Lno_long_mode
	movl %edx, %ebp			/* keep EDX: bit 20 says NX exists */

	/* identity map 0-4 GiB: PML4[0] -> PDPT, PDPT[0..3] -> 4 page directories of 2 MiB pages */
	movl $boot_pdpt, %eax
	orl $PTE_TABLE_RW, %eax
	movl %eax, boot_pml4
	xorl %ecx, %ecx
1:	movl %ecx, %eax
	shll $12, %eax
	addl $boot_pd, %eax
	orl $PTE_TABLE_RW, %eax
	movl %eax, boot_pdpt(, %ecx, 8)
	incl %ecx
	cmpl $4, %ecx
	jne 1b
	xorl %ecx, %ecx
2:	movl %ecx, %eax
	shll $21, %eax
	orl $PDE_2M_RW, %eax
	movl %eax, boot_pd(, %ecx, 8)
	movl %ecx, %eax
	shrl $11, %eax			/* bits 32+ of the 2 MiB frame: i >> 11 */
	movl %eax, boot_pd + 4(, %ecx, 8)
	incl %ecx
	cmpl $2048, %ecx
	jne 2b

	/* Firmware may leave CR4.LA57 set (5-level paging) and GRUB only clears
	 * PAE before jumping here. With LA57 set, enabling long-mode paging below
	 * would walk our PML4 as a PML5 and fault. CR4.LA57 cannot change while
	 * IA-32e mode is active (MOV to CR4 #GPs: SDM vol. 3A 4.1.1), and it is
	 * not active yet: CR0.PG = 0 here, so clear it before setting PAE. On a
	 * CPU without LA57 the bit reads 0 and this writes it back unchanged. */
	movl %cr4, %eax
	andl $~CR4_LA57, %eax
	orl $CR4_PAE, %eax
	movl %eax, %cr4
	movl $boot_pml4, %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	rdmsr
	orl $EFER_LME, %eax
	testl $(1 << 20), %ebp		/* EFER.NXE only when NX exists, else WRMSR #GPs */
	jz 3f
	orl $EFER_NXE, %eax
3:	wrmsr
	movl %cr0, %eax
	andl $~0x60000000, %eax		/* CD (30) and NW (29) clear: caching on */
	orl $CR0_BOOT_SET, %eax
	movl %eax, %cr0

	lgdt boot_gdt_ptr
	ljmp $BOOT_CS64, $long_mode_entry

.Lno_multiboot2:
	movl $msg_no_mb2, %esi
	jmp early_fail
.Lno_cpuid:
	movl $msg_no_cpuid, %esi
	jmp early_fail
.Lno_long_mode:
	movl $msg_no_lm, %esi
	jmp early_fail

/* 16550 on COM1, 115200 8N1; harmless when absent (writes go nowhere) */
early_serial_init:
	movw $0x3f9, %dx; xorb %al, %al; outb %al, %dx		/* IER off */
	movw $0x3fb, %dx; movb $0x80, %al; outb %al, %dx	/* DLAB */
	movw $0x3f8, %dx; movb $1, %al; outb %al, %dx		/* divisor 1 = 115200 */
	movw $0x3f9, %dx; xorb %al, %al; outb %al, %dx
	movw $0x3fb, %dx; movb $3, %al; outb %al, %dx		/* 8N1 */
	movw $0x3fa, %dx; movb $0xc7, %al; outb %al, %dx	/* FIFO on, cleared */
	movw $0x3fc, %dx; movb $0x0b, %al; outb %al, %dx	/* DTR RTS OUT2 */
	ret

/* print the NUL-terminated string at ESI on COM1 and the VGA text screen, then halt forever */
early_fail:
	movl $0xb8000, %edi
1:	lodsb
	testb %al, %al
	jz 4f
	movb %al, %bl
	movl $100000, %ecx		/* bounded wait for THR empty: an absent port reads 0xff */
	movw $0x3fd, %dx
2:	inb %dx, %al
	testb $0x20, %al
	jnz 3f
	loop 2b
3:	movb %bl, %al
	movw $0x3f8, %dx
	outb %al, %dx
	movb %bl, (%edi)
	movb $0x4f, 1(%edi)		/* white on red */
	addl $2, %edi
	jmp 1b
4:	cli
	hlt
	jmp 4b

	.code64
long_mode_entry:
	movw $BOOT_DS, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorw %ax, %ax
	movw %ax, %fs
	movw %ax, %gs
	movq $boot_stack_top, %rsp
	xorl %ebp, %ebp
	/* kmain(magic, mbi): EDI and ESI already hold them; clear the upper halves */
	movl %edi, %edi
	movl %esi, %esi
	call kmain
5:	cli
	hlt
	jmp 5b

	.section .rodata
msg_no_mb2:
	.asciz "vmxboot: not started by a multiboot2 loader (bad magic in EAX); boot it with GRUB 'multiboot2'. Halted.\r\n"
msg_no_cpuid:
	.asciz "vmxboot: this CPU has no CPUID instruction; vmxboot needs an x86_64 CPU. Halted.\r\n"
msg_no_lm:
	.asciz "vmxboot: this CPU has no long mode (CPUID.80000001h:EDX bit 29); vmxboot needs an x86_64 CPU. Halted.\r\n"

	.balign 16
boot_gdt:
	.quad 0
	.quad 0x00af9a000000ffff	/* 0x08: 64-bit code, DPL 0 (L=1, D=0) */
	.quad 0x00cf92000000ffff	/* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
	.short boot_gdt_end - boot_gdt - 1
	.long boot_gdt

	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl boot_pml4
boot_pml4:	.skip 4096
boot_pdpt:	.skip 4096
boot_pd:	.skip 4096 * 4
	/* guard page below the boot stack: kernel/paging.c leaves it unmapped */
	.globl boot_stack_guard, boot_stack_top
boot_stack_guard:	.skip 4096
boot_stack:	.skip BOOT_STACK_SIZE
boot_stack_top:

	.section .note.GNU-stack, "", @progbits
