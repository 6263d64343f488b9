/*
 * AP start-up trampoline. arch/x86_64/smp.c copies trampoline_start..end to
 * a free page P below 1 MiB (the rest of the page is int3) and patches the
 * data block at its end; the SIPI vector is P >> 12, so the AP starts in real
 * mode at CS = P >> 4, IP = 0 (SDM vol. 3A, 9.4.4.1). 16 -> 32 -> 64 bits,
 * then a jump to ap_entry64 in the kernel, which finds this CPU's slot.
 * Everything here is addressed relative to the copy (base in the data block).
 */
#define OFF(x) ((x) - trampoline_start)

/* This CPU's APIC ID into %ebx: CPUID leaf 0xB's x2APIC ID when the leaf is
 * there (EBX[15:0] == 0 means it is not, SDM CPUID), else leaf 1's 8-bit
 * initial APIC ID; clobbers EAX, ECX, EDX. The trampoline (real mode) and
 * ap_entry64 (long mode) both read it so, so the sign-of-life list that
 * smp_await.c reads and the slot lookup name a CPU alike. */
.macro APIC_ID_TO_EBX
	xorl %eax, %eax
	cpuid
	cmpl $0xb, %eax
	jb 101f
	movl $0xb, %eax
	xorl %ecx, %ecx
	cpuid
	testw %bx, %bx
	jz 101f
	movl %edx, %ebx			/* x2APIC ID */
	jmp 102f
101:	movl $1, %eax
	cpuid
	shrl $24, %ebx			/* initial APIC ID */
102:
.endm
#include "arch/x86_64/smp_stamps.h"	/* TR_STAMPS */
#define TR_CR0 0x80010021	/* PG | WP | NE | PE (see boot/entry.S) */

	.section .rodata
	.balign 16
	.globl trampoline_start, trampoline_end, trampoline_data
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	/* the first sign of life (as Linux's old trampoline wrote trampoline_status
	 * first): count this entry, then note this CPU's APIC ID in the list after
	 * the data block, found the way ap_entry64 finds it (smp_await.c reads it) */
	movl $1, %edi
	lock xaddl %edi, OFF(tr_entered)
	/* when this AP entered, for the "smp: AP start:" line: the low half of
	 * the TSC is enough (smp_await.c puts the high half back from the SIPI's
	 * TSC), and it is stored before the list entry, which TSO keeps in order */
	cmpl $TR_STAMPS, %edi
	jae 2f
	rdtsc
	movl %eax, OFF(tr_stamps)(,%edi,4)
2:
	APIC_ID_TO_EBX
	cmpl OFF(tr_list_cap), %edi
	jae 3f				/* the list is full: only counted */
	movl %ebx, OFF(trampoline_end)(,%edi,4)
3:
	movl OFF(tr_base), %esi		/* linear address of this copy */
	/* the GDT pointer's base and the far pointers were patched by smp.c */
	lgdtl OFF(tr_gdt_ptr)
	movl %cr0, %eax
	orl $1, %eax
	movl %eax, %cr0
	ljmpl *OFF(tr_far32)

	.code32
tr_pm32:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	movl %cr4, %eax
	orl $(1 << 5), %eax		/* PAE */
	movl %eax, %cr4
	movl OFF(tr_cr3)(%esi), %eax
	movl %eax, %cr3
	movl $0xc0000080, %ecx		/* EFER: LME, and NXE when the boot CPU has it */
	rdmsr
	orl OFF(tr_efer)(%esi), %eax
	wrmsr
	movl %cr0, %eax
	andl $~0x60000000, %eax		/* caching on */
	orl $TR_CR0, %eax
	movl %eax, %cr0
	ljmpl *OFF(tr_far64)(%esi)

	.code64
tr_lm64:
	movw $0x10, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	jmpq *tr_entry(%rip)		/* RIP-relative: right in the copy too */

	.balign 16
trampoline_data:
tr_gdt:
	.quad 0
	.quad 0x00cf9a000000ffff	/* 0x08: 32-bit code */
	.quad 0x00cf92000000ffff	/* 0x10: data */
	.quad 0x00af9a000000ffff	/* 0x18: 64-bit code */
tr_gdt_ptr:
	.short 31
	.long 0				/* patched: base + OFF(tr_gdt) */
	.balign 8
tr_far32:
	.long 0				/* patched: base + OFF(tr_pm32) */
	.short 0x08
	.balign 8
tr_far64:
	.long 0				/* patched: base + OFF(tr_lm64) */
	.short 0x18
	.balign 8
tr_base:	.long 0
tr_cr3:		.long 0
tr_efer:	.long 0
	.balign 8
tr_entry:	.quad 0
tr_entered:	.long 0			/* APs that entered (lock xadd) */
tr_list_cap:	.long 0			/* patched: u32 APIC IDs the list after trampoline_end holds */
tr_stamps:	.fill TR_STAMPS, 4, 0	/* TSC[31:0] at entry of the first TR_STAMPS APs, by list index */
	.balign 16
trampoline_end:				/* the list of APIC IDs follows in the page */

	.globl tr_off_gdt, tr_off_gdt_ptr, tr_off_far32, tr_off_far64, tr_off_pm32, tr_off_lm64
	.globl tr_off_base, tr_off_cr3, tr_off_efer, tr_off_entry
	.globl tr_off_entered, tr_off_list_cap, tr_off_stamps
	.balign 4
tr_off_gdt:	.long OFF(tr_gdt)
tr_off_gdt_ptr:	.long OFF(tr_gdt_ptr)
tr_off_far32:	.long OFF(tr_far32)
tr_off_far64:	.long OFF(tr_far64)
tr_off_pm32:	.long OFF(tr_pm32)
tr_off_lm64:	.long OFF(tr_lm64)
tr_off_base:	.long OFF(tr_base)
tr_off_cr3:	.long OFF(tr_cr3)
tr_off_efer:	.long OFF(tr_efer)
tr_off_entry:	.long OFF(tr_entry)
tr_off_entered:	.long OFF(tr_entered)
tr_off_list_cap:	.long OFF(tr_list_cap)
tr_off_stamps:	.long OFF(tr_stamps)

/*
 * ap_entry64: 64-bit, kernel page tables, no stack yet. Find this CPU's
 * slot by APIC ID (CPUID leaf 0xB gives the full x2APIC ID, leaf 1 the
 * 8-bit one), switch to its stack and call ap_main(struct cpu *).
 */
	.text
	.globl ap_entry64
ap_entry64:
	APIC_ID_TO_EBX
	movl %ebx, %r8d
	movq ap_slots(%rip), %rdi
	movl ap_slot_count(%rip), %ecx
3:	testl %ecx, %ecx
	jz 5f
	cmpl (%rdi), %r8d		/* struct ap_slot { u32 apic_id; u32 pad; u64 stack_top; u64 cpu; } */
	je 4f
	addq $24, %rdi
	decl %ecx
	jmp 3b
4:	movq 8(%rdi), %rsp
	movq 16(%rdi), %rdi
	xorl %ebp, %ebp
	call ap_main
5:	lock incl ap_strays(%rip)	/* an AP we did not expect: park it */
6:	cli
	hlt
	jmp 6b

	.section .note.GNU-stack, "", @progbits
