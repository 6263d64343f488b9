/*
 * The guests of the core VM-exit cases (vmx/conf_exit.h, enum xg, same
 * order). Each exits at one instruction, labelled; what follows it is a
 * VMCALL, so a CPU that does not exit there still ends in an exit (and the
 * case in a FAIL). conf_exit_guests[] holds, per guest, its entry, the
 * exiting instruction and the end of that instruction: the case's guest RIP
 * and instruction length come from the assembler, not from the table.
 * Registers at entry: RDI a data page, RSI the test page, R8 TSC cycles to
 * spin, R9 0x4000 (a VMCS field encoding), R10 the TSS selector.
 */
	.text
	.code64

#define GUEST(n) .globl conf_xg_##n; conf_xg_##n:
#define AT(n) conf_xi_##n:
#define END(n) conf_xe_##n:

GUEST(vmclear_mem)
	xorl %ecx, %ecx
AT(vmclear_mem)	vmclear 0x40(%rdi,%rcx,8)
END(vmclear_mem) vmcall
GUEST(vmptrld_mem)
AT(vmptrld_mem)	vmptrld -8(%rsp)
END(vmptrld_mem) vmcall
GUEST(vmptrst_mem)
	xorl %edx, %edx
AT(vmptrst_mem)	vmptrst 0x12345678(,%rdx,2)
END(vmptrst_mem) vmcall
GUEST(vmread_reg)
AT(vmread_reg)	vmread %r9, %r14
END(vmread_reg) vmcall
GUEST(vmread_mem)
	movq %r9, %rcx
AT(vmread_mem)	vmread %rcx, 0x20(%rdi)
END(vmread_mem) vmcall
GUEST(vmwrite_reg)
	movq %r9, %rdx
AT(vmwrite_reg)	vmwrite %r10, %rdx
END(vmwrite_reg) vmcall
GUEST(vmwrite_mem)
	movq %r9, %rax
	xorl %ebx, %ebx
AT(vmwrite_mem)	vmwrite 0x8(%rdi,%rbx,4), %rax
END(vmwrite_mem) vmcall
GUEST(vmlaunch)
AT(vmlaunch)	vmlaunch
END(vmlaunch) vmcall
GUEST(vmresume)
AT(vmresume)	vmresume
END(vmresume) vmcall
GUEST(vmxoff)
AT(vmxoff)	vmxoff
END(vmxoff) vmcall
GUEST(vmxon_mem)
AT(vmxon_mem)	vmxon (%rdi)
END(vmxon_mem) vmcall
GUEST(invept)
	movl $1, %ecx
AT(invept)	invept (%rdi), %rcx
END(invept) vmcall
GUEST(invvpid)
	movl $1, %r11d
AT(invvpid)	invvpid 0x10(%rdi), %r11
END(invvpid) vmcall
GUEST(vmfunc)
	xorl %eax, %eax
	xorl %ecx, %ecx
AT(vmfunc)	.byte 0x0f, 0x01, 0xd4		/* vmfunc */
END(vmfunc) vmcall

/* spin R8 TSC cycles (at most 2^24 rounds), then vmcall */
GUEST(timer_spin)
	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	movq %rax, %r10
	movl $0x1000000, %ecx
1:	rdtsc
	shlq $32, %rdx
	orq %rdx, %rax
	subq %r10, %rax
	cmpq %r8, %rax
	jae 2f
	decl %ecx
	jnz 1b
2:
AT(timer_spin)	vmcall
END(timer_spin) ud2

GUEST(rdmsr_174)
	movl $0x174, %ecx
AT(rdmsr_174)	rdmsr
END(rdmsr_174) vmcall
GUEST(wrmsr_174)
	movl $0x174, %ecx
	rdmsr
AT(wrmsr_174)	wrmsr
END(wrmsr_174) vmcall
GUEST(rdmsr_fs_base)
	movl $0xc0000100, %ecx
AT(rdmsr_fs_base) rdmsr
END(rdmsr_fs_base) vmcall
GUEST(wrmsr_fs_base)
	movl $0xc0000100, %ecx
	rdmsr
AT(wrmsr_fs_base) wrmsr
END(wrmsr_fs_base) vmcall
GUEST(rdmsr_2000)
	movl $0x2000, %ecx
AT(rdmsr_2000)	rdmsr
END(rdmsr_2000) vmcall
GUEST(wrmsr_c0002000)
	movl $0xc0002000, %ecx
	xorl %eax, %eax
	xorl %edx, %edx
AT(wrmsr_c0002000) wrmsr
END(wrmsr_c0002000) vmcall

GUEST(out_80_imm)
AT(out_80_imm)	outb %al, $0x80
END(out_80_imm) vmcall
GUEST(in_8080_dx_word)
	movl $0x8080, %edx
AT(in_8080_dx_word) inw (%dx), %ax
END(in_8080_dx_word) vmcall
GUEST(in_8080_dx_byte)
	movl $0x8080, %edx
AT(in_8080_dx_byte) inb (%dx), %al
END(in_8080_dx_byte) vmcall
GUEST(out_80_dx_dword)
	movl $0x80, %edx
AT(out_80_dx_dword) outl %eax, (%dx)
END(out_80_dx_dword) vmcall
GUEST(outsb)
	movl $0x80, %edx
	leaq 0x100(%rdi), %rsi
AT(outsb)	outsb
END(outsb) vmcall
GUEST(rep_insb)
	movl $0x80, %edx
	movl $1, %ecx
	addq $0x200, %rdi
AT(rep_insb)	rep insb
END(rep_insb) vmcall

GUEST(mov_cr3_r13)
	movq conf_guest_cr3(%rip), %r13
AT(mov_cr3_r13)	movq %r13, %cr3
END(mov_cr3_r13) vmcall
GUEST(mov_ds_tss)
AT(mov_ds_tss)	movw %r10w, %ds
END(mov_ds_tss) vmcall
GUEST(ud2)
AT(ud2)	ud2
END(ud2) vmcall
GUEST(int3)
AT(int3)	int3
END(int3) vmcall
GUEST(read_4g)
	movabsq $0x100000000, %rax
AT(read_4g)	movq (%rax), %rax
END(read_4g) vmcall
GUEST(read_test)
AT(read_test)	movq 0x18(%rsi), %rax
END(read_test) vmcall
GUEST(write_test)
AT(write_test)	movq %rax, 0x28(%rsi)
END(write_test) vmcall
GUEST(mov_from_cr3_r13)
AT(mov_from_cr3_r13) movq %cr3, %r13
END(mov_from_cr3_r13) vmcall
GUEST(mov_from_cr8_r13)
AT(mov_from_cr8_r13) movq %cr8, %r13
END(mov_from_cr8_r13) vmcall
GUEST(cr0_flip_ts)
	movq %cr0, %r13
	xorq $8, %r13
AT(cr0_flip_ts)	movq %r13, %cr0
END(cr0_flip_ts) vmcall
GUEST(cr0_same)
	movq %cr0, %r13
AT(cr0_same)	movq %r13, %cr0
END(cr0_same) vmcall
GUEST(clts)
AT(clts)	clts
END(clts) vmcall
GUEST(fetch_page)
	leaq conf_xg_fetch_target(%rip), %rax
	jmp *%rax

/* a 4 KiB page of its own, so the EPT can deny its fetch alone */
	.section .text.conf_fetch, "ax"
	.balign 4096
	.globl conf_xg_fetch_target
conf_xg_fetch_target:
	vmcall
	ud2
	.balign 4096

#define ROW(n) .quad conf_xg_##n, conf_xi_##n, conf_xe_##n
	.section .rodata
	.balign 8
	.globl conf_exit_guests, conf_exit_guests_n
conf_exit_guests:
	ROW(vmclear_mem); ROW(vmptrld_mem); ROW(vmptrst_mem); ROW(vmread_reg); ROW(vmread_mem)
	ROW(vmwrite_reg); ROW(vmwrite_mem); ROW(vmlaunch); ROW(vmresume); ROW(vmxoff); ROW(vmxon_mem)
	ROW(invept); ROW(invvpid); ROW(vmfunc); ROW(timer_spin)
	ROW(rdmsr_174); ROW(wrmsr_174); ROW(rdmsr_fs_base); ROW(wrmsr_fs_base); ROW(rdmsr_2000); ROW(wrmsr_c0002000)
	ROW(out_80_imm); ROW(in_8080_dx_word); ROW(in_8080_dx_byte); ROW(out_80_dx_dword); ROW(outsb); ROW(rep_insb)
	ROW(mov_cr3_r13); ROW(mov_from_cr3_r13); ROW(mov_from_cr8_r13); ROW(cr0_flip_ts); ROW(cr0_same); ROW(clts)
	ROW(mov_ds_tss); ROW(ud2); ROW(int3); ROW(read_4g); ROW(read_test); ROW(write_test)
	.quad conf_xg_fetch_page, conf_xg_fetch_target, conf_xg_fetch_target
conf_exit_guests_end:
	.balign 4
conf_exit_guests_n:
	.long (conf_exit_guests_end - conf_exit_guests) / 24

	.section .note.GNU-stack, "", @progbits
