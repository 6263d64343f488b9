/* The core VM-exit cases as data (see conf_exit.h). Sections from SDM vol. 3C
 * (2022+ numbering): 26.1 instructions that exit, 26.5/26.7.4 the preemption
 * timer, 28.2.1 the exit qualification, 28.2.2 interruption information,
 * 28.2.4-28.2.5 instruction length and information, 29.3.3 EPT violations and
 * misconfigurations, 25.6.4/25.6.9 the I/O and MSR bitmaps, appendix C the
 * basic exit reasons. Every row runs with an exception bitmap of all ones
 * (the known-good VMCS), except the triple-fault row, which is about it. */
#include "vmx/conf_exit.h"
#include "vmx/vmx_defs.h"
#include "vmx/ept.h"
#include "arch/x86_64/gdt.h"

#define ALL ~0ULL
#define CR0_TS (1u << 3)	/* task switched (vol. 3A 2.5); the guest flips it with xor $8 */
#define INSN (XC_RIP | XC_LEN)
/* a memory operand: scale, 64-bit address, segment, index, base, reg2 */
#define MEM(sc, sg, ix, bs, r2) { .scale = sc, .asize = 2, .seg = sg, .index = ix, .base = bs, .reg2 = r2 }
#define REG(r1, r2) { .reg = true, .reg1 = r1, .reg2 = r2 }
enum { ES, CS, SS, DS };
enum { RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15 };

/* a VMX instruction in the guest (26.1.2: exits unconditionally); INFO rows also check the
 * instruction-information field (28.2.5) and the displacement in the qualification (28.2.1) */
#define VMXI(NM, G, R, KIND, OP, DISP) \
	{ .name = NM, .sdm = "26.1.2, 28.2.5", .guest = G, .reason = R, .checks = XC_QUAL | XC_INFO | INSN, \
	  .qual = DISP, .qual_mask = ALL, .info_kind = KIND, .op = OP }
/* an exit whose qualification is cleared (28.2.1: not in its list) */
#define PLAIN(NM, SEC, G, R) { .name = NM, .sdm = SEC, .guest = G, .reason = R, .checks = XC_QUAL | INSN, .qual_mask = ALL }
#define NO_EXIT(NM, SEC, G) { .name = NM, .sdm = SEC, .guest = G, .reason = 18, .checks = XC_QUAL, .qual_mask = ALL }

#define MSRROW(NM, G, R, A, B) \
	{ .name = NM, .sdm = "25.6.9, 26.1.3", .guest = G, .setup = XS_MSR_BITMAP, .msr_bits = { A, B }, \
	  .reason = R, .checks = XC_QUAL | (R == 18 ? 0 : INSN), .qual_mask = ALL }
#define IOQ 0xffff007fULL	/* table 28-5: bits 6:0 and 31:16 are defined */
#define IOROW(NM, G, PROC, P0, P1, R, Q) \
	{ .name = NM, .sdm = "25.6.4, 26.1.3, 28.2.1", .guest = G, .proc = PROC, .setup = XS_IO_BITMAPS, \
	  .ports = { P0, P1 }, .reason = R, .checks = XC_QUAL | (R == 18 ? 0 : INSN), .qual = Q, \
	  .qual_mask = R == 18 ? ALL : IOQ }
#define CR3ROW(NM, T, R) \
	{ .name = NM, .sdm = "26.1.3, 28.2.1", .guest = XG_MOV_CR3_R13, .proc = CPU_CR3_LOAD_EXITING, \
	  .needs = XN_CR3_TARGETS, .setup = XS_CR3_TARGETS, .cr3t = T, .reason = R, \
	  .checks = XC_QUAL | (R == 18 ? 0 : INSN), .qual = R == 18 ? 0 : 0xd03, .qual_mask = ALL }
/* qualification bits 0-5, 7, 8 and 12 (29.3.3.2, table 28-7): bit 6 needs mode-based execute control,
 * bits 9-11 advanced VM-exit information; neither is on */
#define EPTQ 0x11bfULL
#define EPT_WB (6ULL << 3)
#define EPTROW(NM, G, ENT, NEEDS, Q, BASE, OFF) \
	{ .name = NM, .sdm = "29.3.3.2, 28.2.1", .guest = G, .proc2 = CPU2_ENABLE_EPT, .needs = NEEDS, .setup = XS_EPT, \
	  .ept_entry = ENT, .reason = 48, .checks = XC_QUAL | XC_RIP | XC_GPA | XC_GLA, .qual = Q, .qual_mask = EPTQ, \
	  .addr_base = BASE, .addr_off = OFF }
#define MISCONF(NM, ENT) \
	{ .name = NM, .sdm = "29.3.3.1, 28.2.1", .guest = XG_READ_TEST, .proc2 = CPU2_ENABLE_EPT, .setup = XS_EPT, \
	  .ept_entry = ENT, .reason = 49, .checks = XC_QUAL | XC_RIP | XC_GPA, .qual_mask = ALL, \
	  .addr_base = XA_TEST_PAGE, .addr_off = 0x18 }
/* an exception through the exception bitmap (26.2): interruption information 31 valid, 11 error code,
 * 10:8 type (3 hardware exception, 6 software exception), 7:0 vector (28.2.2) */
#define EXC(NM, G, INTR, MORE, ERR, Q) \
	{ .name = NM, .sdm = "26.2, 28.2.2", .guest = G, .reason = 0, .checks = XC_QUAL | XC_RIP | XC_INTR | MORE, \
	  .intr = INTR, .err = ERR, .qual = Q, .qual_mask = ALL }

const struct conf_exit_case conf_exit_rows[] = {
	/* ---- VMX instructions in VMX non-root operation (appendix C: 19-27, 50, 53, 59) ---- */
	VMXI("exit_vmclear_mem_base_index_scale_19", XG_VMCLEAR_MEM, 19, XI_VMCLEAR, MEM(3, DS, RCX, RDI, 0), 0x40),
	VMXI("exit_vmptrld_mem_rsp_base_ss_negative_disp_21", XG_VMPTRLD_MEM, 21, XI_VMCLEAR, MEM(0, SS, -1, RSP, 0),
	     0xfffffffffffffff8ULL),
	VMXI("exit_vmptrst_mem_index_no_base_22", XG_VMPTRST_MEM, 22, XI_VMCLEAR, MEM(1, DS, RDX, -1, 0), 0x12345678),
	{ .name = "exit_vmread_reg_r9_to_r14_23", .sdm = "26.1.2, 28.2.5", .guest = XG_VMREAD_REG, .reason = 23,
	  .checks = XC_INFO | INSN, .info_kind = XI_VMREAD, .op = REG(R14, R9) },
	VMXI("exit_vmread_mem_dest_rcx_encoding_23", XG_VMREAD_MEM, 23, XI_VMREAD, MEM(0, DS, -1, RDI, RCX), 0x20),
	{ .name = "exit_vmwrite_reg_r10_to_rdx_encoding_25", .sdm = "26.1.2, 28.2.5", .guest = XG_VMWRITE_REG,
	  .reason = 25, .checks = XC_INFO | INSN, .info_kind = XI_VMREAD, .op = REG(R10, RDX) },
	VMXI("exit_vmwrite_mem_src_rax_encoding_25", XG_VMWRITE_MEM, 25, XI_VMREAD, MEM(2, DS, RBX, RDI, RAX), 0x8),
	PLAIN("exit_vmlaunch_20", "26.1.2", XG_VMLAUNCH, 20),
	PLAIN("exit_vmresume_24", "26.1.2", XG_VMRESUME, 24),
	PLAIN("exit_vmxoff_26", "26.1.2", XG_VMXOFF, 26),
	VMXI("exit_vmxon_mem_rdi_27", XG_VMXON_MEM, 27, XI_VMCLEAR, MEM(0, DS, -1, RDI, 0), 0),
	{ .name = "exit_invept_mem_rdi_type_rcx_50", .sdm = "26.1.2, 28.2.5", .guest = XG_INVEPT, .reason = 50,
	  .needs = XN_INVEPT, .checks = XC_QUAL | XC_INFO | INSN, .qual_mask = ALL, .info_kind = XI_INVEPT,
	  .op = MEM(0, DS, -1, RDI, RCX) },
	{ .name = "exit_invvpid_mem_disp_type_r11_53", .sdm = "26.1.2, 28.2.5", .guest = XG_INVVPID, .reason = 53,
	  .needs = XN_INVVPID, .checks = XC_QUAL | XC_INFO | INSN, .qual = 0x10, .qual_mask = ALL,
	  .info_kind = XI_INVEPT, .op = MEM(0, DS, -1, RDI, R11) },
	/* VM functions on, function 0 not enabled in the VM-function controls: exit 59 (26.1.3);
	 * VM functions off: VMFUNC is #UD (its pseudocode), here an exception exit */
	{ .name = "exit_vmfunc_function_0_not_enabled_59", .sdm = "26.1.3", .guest = XG_VMFUNC,
	  .proc2 = CPU2_ENABLE_VM_FUNCTIONS, .reason = 59, .checks = XC_QUAL | INSN, .qual_mask = ALL },
	EXC("exit_vmfunc_without_enable_vm_functions_ud_0", XG_VMFUNC, 0x80000306, 0, 0, 0),

	/* ---- the VMX-preemption timer (26.5.1, 26.7.4, 28.3.4) ---- */
	{ .name = "exit_preemption_timer_saved_value_decreases", .sdm = "26.5.1, 28.3.4", .guest = XG_TIMER_SPIN,
	  .pin = PIN_ACTIVATE_PREEMPTION_TIMER, .exit_ctl = EXIT_SAVE_PREEMPTION_TIMER, .setup = XS_TIMER,
	  .timer = 0x10000000, .spin_shift = 6, .reason = 18, .checks = XC_RIP | XC_TIMER_LESS },
	/* value 0: the exit comes before the guest's first instruction, so the saved RIP is that instruction */
	{ .name = "exit_preemption_timer_0_rip_at_first_insn_52", .sdm = "26.7.4", .guest = XG_UD2,
	  .pin = PIN_ACTIVATE_PREEMPTION_TIMER, .setup = XS_TIMER, .timer = 0, .reason = 52,
	  .checks = XC_QUAL | XC_RIP, .qual_mask = ALL },
	{ .name = "exit_preemption_timer_2_expires_in_guest_52", .sdm = "26.5.1, 26.7.4", .guest = XG_TIMER_SPIN,
	  .pin = PIN_ACTIVATE_PREEMPTION_TIMER, .setup = XS_TIMER, .timer = 2, .spin_shift = 12, .reason = 52,
	  .checks = XC_QUAL, .qual_mask = ALL },

	/* ---- MSR bitmaps (25.6.9): read low 0-0x3ff, read high 0x400-, write low 0x800-, write high 0xc00- ---- */
	MSRROW("exit_rdmsr_low_read_bit_set_31", XG_RDMSR_174, 31, ((struct xmsr){ 0x174, false }), {0}),
	MSRROW("exit_rdmsr_low_only_write_bit_set_no_exit", XG_RDMSR_174, 18, ((struct xmsr){ 0x174, true }), {0}),
	MSRROW("exit_wrmsr_low_write_bit_set_32", XG_WRMSR_174, 32, ((struct xmsr){ 0x174, true }), {0}),
	MSRROW("exit_wrmsr_low_neighbour_write_bits_set_no_exit", XG_WRMSR_174, 18, ((struct xmsr){ 0x173, true }),
	       ((struct xmsr){ 0x175, true })),
	MSRROW("exit_rdmsr_high_read_bit_set_31", XG_RDMSR_FS_BASE, 31, ((struct xmsr){ 0xc0000100, false }), {0}),
	MSRROW("exit_rdmsr_high_only_write_bit_set_no_exit", XG_RDMSR_FS_BASE, 18, ((struct xmsr){ 0xc0000100, true }),
	       {0}),
	MSRROW("exit_wrmsr_high_write_bit_set_32", XG_WRMSR_FS_BASE, 32, ((struct xmsr){ 0xc0000100, true }), {0}),
	MSRROW("exit_wrmsr_high_neighbour_write_bits_set_no_exit", XG_WRMSR_FS_BASE, 18,
	       ((struct xmsr){ 0xc00000ff, true }), ((struct xmsr){ 0xc0000101, true })),
	/* outside 0-0x1fff and 0xc0000000-0xc0001fff: always an exit (26.1.3), the bitmap all zeros */
	MSRROW("exit_rdmsr_0x2000_outside_bitmap_ranges_31", XG_RDMSR_2000, 31, {0}, {0}),
	MSRROW("exit_wrmsr_0xc0002000_outside_bitmap_ranges_32", XG_WRMSR_C0002000, 32, {0}, {0}),

	/* ---- I/O (25.6.4, 26.1.3); qualification table 28-5: 2:0 size - 1, 3 IN, 4 string, 5 REP,
	 * 6 immediate, 31:16 port ---- */
	IOROW("exit_io_bitmap_a_port_0x80_set_30", XG_OUT_80_IMM, CPU_USE_IO_BITMAPS, 0x80, 0, 30, 0x00800040),
	IOROW("exit_io_bitmap_a_neighbour_ports_set_no_exit", XG_OUT_80_IMM, CPU_USE_IO_BITMAPS, 0x7f, 0x81, 18, 0),
	IOROW("exit_io_bitmap_b_port_0x8080_in_word_30", XG_IN_8080_DX_WORD, CPU_USE_IO_BITMAPS, 0x8080, 0, 30,
	      0x80800009),
	IOROW("exit_io_bitmap_b_word_reaches_set_port_0x8081_30", XG_IN_8080_DX_WORD, CPU_USE_IO_BITMAPS, 0x8081, 0,
	      30, 0x80800009),
	IOROW("exit_io_bitmap_b_byte_neighbour_ports_set_no_exit", XG_IN_8080_DX_BYTE, CPU_USE_IO_BITMAPS, 0x807f,
	      0x8081, 18, 0),
	IOROW("exit_io_unconditional_ignored_with_bitmaps_no_exit", XG_OUT_80_IMM,
	      CPU_USE_IO_BITMAPS | CPU_UNCONDITIONAL_IO_EXITING, 0, 0, 18, 0),
	IOROW("exit_io_unconditional_out_dx_dword_30", XG_OUT_80_DX_DWORD, CPU_UNCONDITIONAL_IO_EXITING, 0, 0, 30,
	      0x00800003),
	{ .name = "exit_io_unconditional_outsb_30_linear_addr_info", .sdm = "26.1.3, 28.2.1, 28.2.5",
	  .guest = XG_OUTSB, .proc = CPU_UNCONDITIONAL_IO_EXITING, .needs = XN_INS_OUTS, .setup = XS_IO_BITMAPS,
	  .reason = 30, .checks = XC_QUAL | XC_GLA | XC_INFO | INSN, .qual = 0x00800010, .qual_mask = IOQ,
	  .info_kind = XI_OUTS, .op = { .asize = 2, .seg = DS }, .addr_base = XA_DATA_PAGE, .addr_off = 0x100 },
	{ .name = "exit_io_unconditional_rep_insb_30_linear_addr_info", .sdm = "26.1.3, 28.2.1, 28.2.5",
	  .guest = XG_REP_INSB, .proc = CPU_UNCONDITIONAL_IO_EXITING, .needs = XN_INS_OUTS, .setup = XS_IO_BITMAPS,
	  .reason = 30, .checks = XC_QUAL | XC_GLA | XC_INFO | INSN, .qual = 0x00800038, .qual_mask = IOQ,
	  .info_kind = XI_INS, .op = { .asize = 2 }, .addr_base = XA_DATA_PAGE, .addr_off = 0x200 },

	/* ---- CR3-load exiting and the CR3-target values (26.1.3); qualification table 28-3:
	 * CR 3 (3:0), MOV to CR (5:4 = 0), R13 (11:8) ---- */
	{ .name = "exit_cr3_load_from_r13_28_qual_0xd03", .sdm = "26.1.3, 28.2.1", .guest = XG_MOV_CR3_R13,
	  .proc = CPU_CR3_LOAD_EXITING, .reason = 28, .checks = XC_QUAL | INSN, .qual = 0xd03, .qual_mask = ALL },
	/* MOV from CR3 / CR8 (access type 1 in bits 5:4) */
	{ .name = "exit_cr3_store_exiting_to_r13_28_qual_0xd13", .sdm = "26.1.3, 28.2.1",
	  .guest = XG_MOV_FROM_CR3_R13, .proc = CPU_CR3_STORE_EXITING, .reason = 28, .checks = XC_QUAL | INSN,
	  .qual = 0xd13, .qual_mask = ALL },
	{ .name = "exit_cr8_store_exiting_to_r13_28_qual_0xd18", .sdm = "26.1.3, 28.2.1",
	  .guest = XG_MOV_FROM_CR8_R13, .proc = CPU_CR8_STORE_EXITING, .reason = 28, .checks = XC_QUAL | INSN,
	  .qual = 0xd18, .qual_mask = ALL },
	/* CR0 guest/host mask TS: MOV to CR0 exits when a masked bit differs from the read shadow; CLTS exits
	 * when TS is masked and set in the shadow (access type 2) */
	{ .name = "exit_cr0_write_masked_ts_differs_from_shadow_28", .sdm = "26.1.3, 28.2.1", .guest = XG_CR0_FLIP_TS,
	  .setup = XS_CR0_SHADOW, .cr0_mask = CR0_TS, .reason = 28, .checks = XC_QUAL | INSN, .qual = 0xd00,
	  .qual_mask = ALL },
	{ .name = "exit_cr0_write_masked_ts_equals_shadow_no_exit", .sdm = "26.1.3", .guest = XG_CR0_SAME,
	  .setup = XS_CR0_SHADOW, .cr0_mask = CR0_TS, .reason = 18, .checks = XC_QUAL, .qual_mask = ALL },
	{ .name = "exit_clts_ts_masked_shadow_set_28_qual_0x20", .sdm = "26.1.3, 28.2.1", .guest = XG_CLTS,
	  .setup = XS_CR0_SHADOW, .cr0_mask = CR0_TS, .shadow_or = CR0_TS, .reason = 28, .checks = XC_QUAL | INSN,
	  .qual = 0x20, .qual_mask = ALL },
	{ .name = "exit_clts_ts_masked_shadow_clear_no_exit", .sdm = "26.1.3", .guest = XG_CLTS,
	  .setup = XS_CR0_SHADOW, .cr0_mask = CR0_TS, .reason = 18, .checks = XC_QUAL, .qual_mask = ALL },
	CR3ROW("exit_cr3_target_count_max_none_matches_28", CR3T_ALL_OTHER, 28),
	CR3ROW("exit_cr3_target_count_max_last_matches_no_exit", CR3T_LAST_MATCHES, 18),
	CR3ROW("exit_cr3_target_beyond_count_ignored_28", CR3T_BEYOND_COUNT, 28),

	/* ---- exceptions through the exception bitmap, and a triple fault ---- */
	/* a system (TSS) descriptor into DS: #GP with the selector as error code (SDM vol. 3A MOV) */
	EXC("exit_gp_ds_load_of_tss_selector_error_code_0", XG_MOV_DS_TSS, 0x80000b0d, XC_ERR, KERNEL_TSS, 0),
	EXC("exit_ud2_interruption_info_0x80000306_0", XG_UD2, 0x80000306, 0, 0, 0),
	EXC("exit_int3_software_exception_length_1_0", XG_INT3, 0x80000603, XC_LEN, 0, 0),
	/* #PF: the qualification is the linear address (28.2.1), CR2 is not written */
	EXC("exit_pf_not_present_4g_qual_linear_address_0", XG_READ_4G, 0x80000b0e, XC_ERR, 0, 0x100000000ULL),
	/* #PF and the error-code mask/match (26.2): bit 14 clear, PFEC & 0 != 0xffffffff: the #PF exits */
	{ .name = "exit_pf_bitmap_bit_14_clear_pfec_mismatch_exits_0", .sdm = "26.2, 28.2.2", .guest = XG_READ_4G,
	  .setup = XS_EXCEPTIONS, .exc_bitmap = ~(1u << 14), .pfec_match = ~0u, .reason = 0,
	  .checks = XC_QUAL | XC_RIP | XC_INTR | XC_ERR, .intr = 0x80000b0e, .qual = 0x100000000ULL, .qual_mask = ALL },
	/* bit 14 set, PFEC (0) & 1 != 1: the #PF is delivered and the IDT limit 0 makes that #GP. A fault
	 * during event delivery whose bitmap bit is set exits (28.2.4) before any conversion to a double
	 * fault: the #GP, error code 14 * 8 | IDT | EXT, with the #PF in the IDT-vectoring information */
	{ .name = "exit_pf_pfec_no_match_delivered_gp_exits_0", .sdm = "26.2, 28.2.4", .guest = XG_READ_4G,
	  .setup = XS_EXCEPTIONS, .exc_bitmap = ~0u, .pfec_mask = 1, .pfec_match = 1, .idt_empty = true, .reason = 0,
	  .checks = XC_QUAL | XC_RIP | XC_INTR | XC_ERR | XC_IDTV, .intr = 0x80000b0d, .err = 14 * 8 | 3,
	  .idtv = 0x80000b0e, .qual_mask = ALL },
	/* the same with bit 13 clear: a page fault followed by a contributory #GP is a double fault (vol. 3A
	 * table 6-5), which exits directly (error code 0; not "during event delivery", 28.2.4) */
	{ .name = "exit_pf_then_gp_not_in_bitmap_double_fault_0", .sdm = "26.2, 28.2.4, vol. 3A 6.15",
	  .guest = XG_READ_4G, .setup = XS_EXCEPTIONS, .exc_bitmap = ~(1u << 13), .pfec_mask = 1, .pfec_match = 1,
	  .idt_empty = true, .reason = 0, .checks = XC_QUAL | XC_RIP | XC_INTR | XC_ERR, .intr = 0x80000b08,
	  .qual_mask = ALL },
	/* #UD not in the bitmap is delivered; the IDT limit 0 makes that #GP with error code 6 * 8 | IDT | EXT,
	 * which exits with the #UD in the IDT-vectoring information (28.2.4) */
	{ .name = "exit_gp_delivering_ud_idt_vectoring_info_0", .sdm = "26.2, 28.2.4", .guest = XG_UD2,
	  .setup = XS_EXCEPTIONS, .exc_bitmap = ~(1u << 6), .idt_empty = true, .reason = 0,
	  .checks = XC_QUAL | XC_RIP | XC_INTR | XC_ERR | XC_IDTV, .intr = 0x80000b0d, .err = 6 * 8 | 3,
	  .idtv = 0x80000306, .qual_mask = ALL },
	/* exception bitmap 0 and an IDT limit of 0: #UD, #GP, #DF cannot be delivered (26.3) */
	{ .name = "exit_triple_fault_empty_idt_2", .sdm = "26.2, appendix C", .guest = XG_UD2,
	  .setup = XS_TRIPLE_FAULT, .reason = 2, .checks = XC_QUAL, .qual_mask = ALL },

	/* ---- EPT (29.3.3): an identity map; the test page's 4 KiB entry as the row says ---- */
	EPTROW("exit_ept_write_to_read_only_page_48", XG_WRITE_TEST, EPT_R | EPT_WB, 0, 0x18a, XA_TEST_PAGE, 0x28),
	EPTROW("exit_ept_read_of_not_present_page_48", XG_READ_TEST, 0, 0, 0x181, XA_TEST_PAGE, 0x18),
	EPTROW("exit_ept_read_of_execute_only_page_48", XG_READ_TEST, EPT_X | EPT_WB, XN_EXEC_ONLY, 0x1a1,
	       XA_TEST_PAGE, 0x18),
	EPTROW("exit_ept_fetch_from_non_executable_page_48", XG_FETCH_PAGE, EPT_R | EPT_W | EPT_WB, 0, 0x19c,
	       XA_FETCH_PAGE, 0),
	{ .name = "exit_ept_read_of_read_only_page_no_exit", .sdm = "29.3.3.2", .guest = XG_READ_TEST,
	  .proc2 = CPU2_ENABLE_EPT, .setup = XS_EPT, .ept_entry = EPT_R | EPT_WB, .reason = 18, .checks = XC_QUAL,
	  .qual_mask = ALL },
	MISCONF("exit_ept_misconfig_write_without_read_49", EPT_W | EPT_WB),
	MISCONF("exit_ept_misconfig_memory_type_2_49", EPT_R | EPT_W | EPT_X | (2ULL << 3)),
};

const size_t conf_exit_rows_n = sizeof(conf_exit_rows) / sizeof(conf_exit_rows[0]);

/* the guests' exiting instructions, for the README's table (vmx/conf_exit_guest.S) */
static const char *const guest_text[XG_NR] = {
	[XG_VMCLEAR_MEM] = "vmclear 0x40(%rdi,%rcx,8)", [XG_VMPTRLD_MEM] = "vmptrld -8(%rsp)",
	[XG_VMPTRST_MEM] = "vmptrst 0x12345678(,%rdx,2)", [XG_VMREAD_REG] = "vmread %r9, %r14",
	[XG_VMREAD_MEM] = "vmread %rcx, 0x20(%rdi)", [XG_VMWRITE_REG] = "vmwrite %r10, %rdx",
	[XG_VMWRITE_MEM] = "vmwrite 0x8(%rdi,%rbx,4), %rax", [XG_VMLAUNCH] = "vmlaunch", [XG_VMRESUME] = "vmresume",
	[XG_VMXOFF] = "vmxoff", [XG_VMXON_MEM] = "vmxon (%rdi)", [XG_INVEPT] = "invept (%rdi), %rcx",
	[XG_INVVPID] = "invvpid 0x10(%rdi), %r11", [XG_VMFUNC] = "vmfunc (EAX 0, ECX 0)",
	[XG_TIMER_SPIN] = "spin on rdtsc, then vmcall", [XG_RDMSR_174] = "rdmsr 0x174",
	[XG_WRMSR_174] = "rdmsr, wrmsr 0x174", [XG_RDMSR_FS_BASE] = "rdmsr 0xc0000100",
	[XG_WRMSR_FS_BASE] = "rdmsr, wrmsr 0xc0000100", [XG_RDMSR_2000] = "rdmsr 0x2000",
	[XG_WRMSR_C0002000] = "wrmsr 0xc0002000", [XG_OUT_80_IMM] = "out %al, $0x80",
	[XG_IN_8080_DX_WORD] = "in (%dx), %ax, DX 0x8080", [XG_IN_8080_DX_BYTE] = "in (%dx), %al, DX 0x8080",
	[XG_OUT_80_DX_DWORD] = "out %eax, (%dx), DX 0x80", [XG_OUTSB] = "outsb, DX 0x80",
	[XG_REP_INSB] = "rep insb, DX 0x80, RCX 1", [XG_MOV_CR3_R13] = "mov %r13, %cr3",
	[XG_MOV_FROM_CR3_R13] = "mov %cr3, %r13", [XG_MOV_FROM_CR8_R13] = "mov %cr8, %r13",
	[XG_CR0_FLIP_TS] = "mov %r13 (CR0 with TS flipped), %cr0", [XG_CR0_SAME] = "mov %r13 (CR0 as read), %cr0",
	[XG_CLTS] = "clts", [XG_MOV_DS_TSS] = "mov %r10w (TSS selector), %ds", [XG_UD2] = "ud2", [XG_INT3] = "int3",
	[XG_READ_4G] = "read of linear 4 GiB", [XG_READ_TEST] = "read of the test page + 0x18",
	[XG_WRITE_TEST] = "write of the test page + 0x28", [XG_FETCH_PAGE] = "jump to a page of its own",
};

const char *conf_exit_guest_text(enum xg g)
{
	return g < XG_NR && guest_text[g] ? guest_text[g] : "?";
}
