/* The hand-written VM-entry cases (see conf_cases.h): one row breaks one field
 * of the known-good guest VMCS (vmx/conf_entry.c builds it). Outcomes and
 * sections from SDM vol. 3C 27.2 (VMfailValid 7 / 8), 27.3.1 (entry-failure
 * exit 33, qualification 0, or 4 for the VMCS link pointer) and 27.4 (exit 34,
 * the failing MSR entry's number as qualification). */
#include "vmx/conf_cases.h"
#include "vmx/vmx_defs.h"
#include "arch/x86_64/cpu_defs.h"

#define BIT(n) (1ULL << (n))
#define EFER_RESERVED_BIT1 BIT(1)

/* a control-field rule (27.2.1): VMfailValid 7, the model names field F_ */
#define CTL_(NM, SEC, ND, NB, PF, PO, F_, OP_, V_, X_) \
	{ .name = NM, .sdm = SEC, .need = ND, .need_bit = NB, .pre_field = PF, .pre_or = PO, .field = F_, \
	  .op = OP_, .val = V_, .value = X_, .expect = EXP_FAIL_VALID, .num = 7, .model_field = F_, .model_sdm = SEC }
#define CTL(...) CTL_(__VA_ARGS__)
/* a host-state rule (27.2.2-27.2.4): VMfailValid 8 */
#define HOST_(NM, SEC, ND, NB, PF, PO, F_, OP_, V_, X_) \
	{ .name = NM, .sdm = SEC, .need = ND, .need_bit = NB, .pre_field = PF, .pre_or = PO, .field = F_, \
	  .op = OP_, .val = V_, .value = X_, .expect = EXP_FAIL_VALID, .num = 8, .model_field = F_, .model_sdm = SEC }
#define HOST(...) HOST_(__VA_ARGS__)
/* a guest-state rule (27.3.1): entry-failure exit 33 with qualification Q_ */
#define GUEST_(NM, SEC, ND, NB, PF, PO, F_, OP_, V_, X_, Q_) \
	{ .name = NM, .sdm = SEC, .need = ND, .need_bit = NB, .pre_field = PF, .pre_or = PO, .field = F_, \
	  .op = OP_, .val = V_, .value = X_, .expect = EXP_ENTRY_FAIL, .num = 33, .qual = Q_, .model_field = F_, \
	  .model_sdm = SEC }
#define GUEST(...) GUEST_(__VA_ARGS__)
/* the same, where the model names another field of the rule's pair (MF) */
#define GUEST_MF_(MF, NM, SEC, ND, NB, PF, PO, F_, OP_, V_, X_, Q_) \
	{ .name = NM, .sdm = SEC, .need = ND, .need_bit = NB, .pre_field = PF, .pre_or = PO, .field = F_, \
	  .op = OP_, .val = V_, .value = X_, .expect = EXP_ENTRY_FAIL, .num = 33, .qual = Q_, .model_field = MF, \
	  .model_sdm = SEC }
#define GUEST_MF(...) GUEST_MF_(__VA_ARGS__)
/* a VMCS the SDM accepts: the guest runs to its VMCALL (exit 18), the model finds nothing */
#define ACCEPTED(NM, SEC, F_, OP_, V_, X_) \
	{ .name = NM, .sdm = SEC, .field = F_, .op = OP_, .val = V_, .value = X_, .expect = EXP_ENTERED, .num = 18, .model_none = true }
/* an MSR-load area (27.4): exit 34, qualification = the failing entry's number */
#define MSRLOAD(NM, Q_, N_, E0, E1_) \
	{ .name = NM, .sdm = "27.4", .field = VMCS_VM_ENTRY_MSR_LOAD_COUNT, .op = OP_SET, .val = V_PAGE_MSR, \
	  .expect = EXP_ENTRY_FAIL, .num = 34, .qual = Q_, .msr = { E0, E1_ }, .msr_count = N_, \
	  .model_none = true }

/* a core VM-exit behaviour: the guest starts at G_ and exits with reason R_ and qualification Q_ */
#define EXIT_(NM, SEC, G_, ND, NB, PF, PO, F_, OP_, V_, X_, R_, Q_) \
	{ .name = NM, .sdm = SEC, .guest = G_, .need = ND, .need_bit = NB, .pre_field = PF, .pre_or = PO, \
	  .field = F_, .op = OP_, .val = V_, .value = X_, .expect = EXP_ENTERED, .num = R_, .qual = Q_, \
	  .model_none = true }
#define EXITROW(...) EXIT_(__VA_ARGS__)

#define NOPRE 0, 0
#define PROC2(b) NEED_PROC2_1, b, VMCS_SECONDARY_PROC_BASED_CONTROLS, b

static const char E1[] = "27.2.1.1", E2[] = "27.2.1.2", E3[] = "27.2.1.3";
static const char H2[] = "27.2.2", H3[] = "27.2.3", H4[] = "27.2.4";
static const char G1[] = "27.3.1.1", G2[] = "27.3.1.2", G3[] = "27.3.1.3", G4[] = "27.3.1.4", G5[] = "27.3.1.5";

#define SEL_RPL_TI(seg, F) \
	HOST("entry_host_" seg "_selector_rpl_error_8", H3, NEED_NONE, 0, NOPRE, F, OP_OR, V_CONST, 1), \
	HOST("entry_host_" seg "_selector_ti_error_8", H3, NEED_NONE, 0, NOPRE, F, OP_OR, V_CONST, 4)

const struct conf_case conf_rows[] = {
	/* ---- 27.2.1 control rules beyond the reserved bits ---- */
	CTL("entry_ctl_cr3_target_count_5_error_7", E1, NEED_NONE, 0, NOPRE, VMCS_CR3_TARGET_COUNT, OP_SET, V_CONST, 5),
	CTL("entry_ctl_msr_bitmap_unaligned_error_7", E1, NEED_NONE, 0, NOPRE, VMCS_MSR_BITMAPS_ADDR, OP_OR, V_CONST,
	    0x10),
	CTL("entry_ctl_msr_bitmap_beyond_width_error_7", E1, NEED_NONE, 0, NOPRE, VMCS_MSR_BITMAPS_ADDR, OP_OR,
	    V_WIDTH_BIT, 0),
	CTL("entry_ctl_io_bitmap_a_unaligned_error_7", E1, NEED_PROC1, CPU_USE_IO_BITMAPS,
	    VMCS_PRIMARY_PROC_BASED_CONTROLS, CPU_USE_IO_BITMAPS, VMCS_IO_BITMAP_A_ADDR, OP_OR, V_CONST, 0x10),
	CTL("entry_ctl_io_bitmap_b_beyond_width_error_7", E1, NEED_PROC1, CPU_USE_IO_BITMAPS,
	    VMCS_PRIMARY_PROC_BASED_CONTROLS, CPU_USE_IO_BITMAPS, VMCS_IO_BITMAP_B_ADDR, OP_OR, V_WIDTH_BIT, 0),
	CTL("entry_ctl_virtual_nmis_without_nmi_exiting_error_7", E1, NEED_PIN1, PIN_VIRTUAL_NMIS,
	    VMCS_PIN_BASED_CONTROLS, PIN_VIRTUAL_NMIS, VMCS_PIN_BASED_CONTROLS, OP_ANDNOT, V_CONST, PIN_NMI_EXITING),
	CTL("entry_ctl_nmi_window_without_virtual_nmis_error_7", E1, NEED_PROC1, CPU_NMI_WINDOW_EXITING, NOPRE,
	    VMCS_PRIMARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU_NMI_WINDOW_EXITING),
	CTL("entry_ctl_tpr_threshold_bits_31_4_error_7", E1, NEED_PROC1, CPU_USE_TPR_SHADOW,
	    VMCS_PRIMARY_PROC_BASED_CONTROLS, CPU_USE_TPR_SHADOW, VMCS_TPR_THRESHOLD, OP_SET, V_CONST, 0x10),
	CTL("entry_ctl_virtual_apic_page_unaligned_error_7", E1, NEED_PROC1, CPU_USE_TPR_SHADOW,
	    VMCS_PRIMARY_PROC_BASED_CONTROLS, CPU_USE_TPR_SHADOW, VMCS_VIRTUAL_APIC_ADDR, OP_OR, V_CONST, 0x10),
	CTL("entry_ctl_x2apic_virt_without_tpr_shadow_error_7", E1, NEED_PROC2_1, CPU2_VIRTUALIZE_X2APIC_MODE, NOPRE,
	    VMCS_SECONDARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU2_VIRTUALIZE_X2APIC_MODE),
	CTL("entry_ctl_apic_access_page_unaligned_error_7", E1, PROC2(CPU2_VIRTUALIZE_APIC_ACCESSES),
	    VMCS_APIC_ACCESS_ADDR, OP_OR, V_CONST, 0x10),
	CTL("entry_ctl_vpid_zero_error_7", E1, PROC2(CPU2_ENABLE_VPID), VMCS_VIRTUAL_PROCESSOR_ID, OP_SET, V_CONST, 0),
	CTL("entry_ctl_eptp_memory_type_2_error_7", E1, PROC2(CPU2_ENABLE_EPT), VMCS_EPT_POINTER, OP_SET, V_PAGE_ZERO,
	    0x1a),
	CTL("entry_ctl_eptp_walk_length_3_error_7", E1, PROC2(CPU2_ENABLE_EPT), VMCS_EPT_POINTER, OP_SET, V_PAGE_ZERO,
	    0x16),
	CTL("entry_ctl_eptp_reserved_bit_8_error_7", E1, PROC2(CPU2_ENABLE_EPT), VMCS_EPT_POINTER, OP_SET, V_PAGE_ZERO,
	    0x11e),
	CTL("entry_ctl_eptp_beyond_width_error_7", E1, PROC2(CPU2_ENABLE_EPT), VMCS_EPT_POINTER, OP_OR, V_WIDTH_BIT, 0),
	/* bit 7, "supervisor shadow-stack control", is reserved unless IA32_VMX_EPT_VPID_CAP bit 23 says so */
	CTL("entry_ctl_eptp_bit_7_without_shadow_stack_cap_error_7", E1, NEED_EPT_CAP0, 23,
	    VMCS_SECONDARY_PROC_BASED_CONTROLS, CPU2_ENABLE_EPT, VMCS_EPT_POINTER, OP_SET, V_PAGE_ZERO, 0x9e),
	CTL("entry_ctl_unrestricted_guest_without_ept_error_7", E1, NEED_PROC2_1, CPU2_UNRESTRICTED_GUEST, NOPRE,
	    VMCS_SECONDARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU2_UNRESTRICTED_GUEST),
	CTL("entry_ctl_pml_without_ept_error_7", E1, NEED_PROC2_1, CPU2_ENABLE_PML, NOPRE,
	    VMCS_SECONDARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU2_ENABLE_PML),
	CTL("entry_ctl_vmfunc_reserved_bit_error_7", E1, PROC2(CPU2_ENABLE_VM_FUNCTIONS), VMCS_VM_FUNCTION_CONTROLS,
	    OP_SET, V_CONST, BIT(1)),
	CTL("entry_ctl_vmread_bitmap_unaligned_error_7", E1, PROC2(CPU2_VMCS_SHADOWING), VMCS_VMREAD_BITMAP_ADDR, OP_OR,
	    V_CONST, 0x10),
	CTL("entry_ctl_vmwrite_bitmap_beyond_width_error_7", E1, PROC2(CPU2_VMCS_SHADOWING), VMCS_VMWRITE_BITMAP_ADDR,
	    OP_OR, V_WIDTH_BIT, 0),
	CTL("entry_ctl_ve_info_unaligned_error_7", E1, PROC2(CPU2_EPT_VIOLATION_VE), VMCS_VE_INFORMATION_ADDR, OP_OR,
	    V_CONST, 0x10),
	CTL("entry_ctl_save_preemption_timer_without_timer_error_7", E2, NEED_EXIT1, EXIT_SAVE_PREEMPTION_TIMER, NOPRE,
	    VMCS_VM_EXIT_CONTROLS, OP_OR, V_CONST, EXIT_SAVE_PREEMPTION_TIMER),
	CTL("entry_ctl_exit_msr_store_unaligned_error_7", E2, NEED_NONE, 0, VMCS_VM_EXIT_MSR_STORE_COUNT, 1,
	    VMCS_VM_EXIT_MSR_STORE_ADDR, OP_OR, V_CONST, 8),
	CTL("entry_ctl_exit_msr_load_unaligned_error_7", E2, NEED_NONE, 0, VMCS_VM_EXIT_MSR_LOAD_COUNT, 1,
	    VMCS_VM_EXIT_MSR_LOAD_ADDR, OP_OR, V_CONST, 8),
	CTL("entry_ctl_entry_msr_load_unaligned_error_7", E3, NEED_NONE, 0, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 1,
	    VMCS_VM_ENTRY_MSR_LOAD_ADDR, OP_OR, V_CONST, 8),
	CTL("entry_ctl_entry_to_smm_outside_smm_error_7", E3, NEED_ENTRY1, ENTRY_TO_SMM, NOPRE, VMCS_VM_ENTRY_CONTROLS,
	    OP_OR, V_CONST, ENTRY_TO_SMM),
	/* event injection (27.2.1.3): interruption information 31 valid, 11 deliver code, 10:8 type, 7:0 vector */
	CTL("entry_ctl_inject_reserved_bit_12_error_7", E3, NEED_NONE, 0, NOPRE, VMCS_VM_ENTRY_INTERRUPTION_INFO,
	    OP_SET, V_CONST, 0x80001020),
	CTL("entry_ctl_inject_type_1_error_7", E3, NEED_NONE, 0, NOPRE, VMCS_VM_ENTRY_INTERRUPTION_INFO, OP_SET, V_CONST,
	    0x80000120),
	CTL("entry_ctl_inject_nmi_vector_3_error_7", E3, NEED_NONE, 0, NOPRE, VMCS_VM_ENTRY_INTERRUPTION_INFO, OP_SET,
	    V_CONST, 0x80000203),
	CTL("entry_ctl_inject_exception_vector_32_error_7", E3, NEED_NONE, 0, NOPRE, VMCS_VM_ENTRY_INTERRUPTION_INFO,
	    OP_SET, V_CONST, 0x80000320),
	CTL("entry_ctl_inject_ext_int_with_error_code_error_7", E3, NEED_NONE, 0, NOPRE,
	    VMCS_VM_ENTRY_INTERRUPTION_INFO, OP_SET, V_CONST, 0x80000820),
	CTL("entry_ctl_inject_gp_without_error_code_error_7", E3, NEED_NONE, 0, NOPRE, VMCS_VM_ENTRY_INTERRUPTION_INFO,
	    OP_SET, V_CONST, 0x8000030d),
	CTL("entry_ctl_inject_ud_with_error_code_error_7", E3, NEED_NONE, 0, NOPRE, VMCS_VM_ENTRY_INTERRUPTION_INFO,
	    OP_SET, V_CONST, 0x80000b06),
	CTL("entry_ctl_inject_error_code_bit_16_error_7", E3, NEED_NONE, 0, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0x80000b0d,
	    VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, OP_SET, V_CONST, BIT(16)),
	CTL("entry_ctl_inject_soft_int_length_16_error_7", E3, NEED_NONE, 0, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0x80000480,
	    VMCS_VM_ENTRY_INSTRUCTION_LENGTH, OP_SET, V_CONST, 16),

	/* ---- 27.2.2 host control registers and MSRs ---- */
	HOST("entry_host_cr0_pe_clear_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR0, OP_ANDNOT, V_CONST, CR0_PE),
	HOST("entry_host_cr0_ne_clear_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR0, OP_ANDNOT, V_CONST, CR0_NE),
	HOST("entry_host_cr0_pg_clear_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR0, OP_ANDNOT, V_CONST, BIT(31)),
	HOST("entry_host_cr0_bit_32_set_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR0, OP_OR, V_CONST, BIT(32)),
	HOST("entry_host_cr4_vmxe_clear_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR4, OP_ANDNOT, V_CONST, CR4_VMXE),
	HOST("entry_host_cr4_reserved_bit_set_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR4, OP_OR, V_CR4_RESERVED,
	     0),
	HOST("entry_host_cr3_beyond_width_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_CR3, OP_OR, V_WIDTH_BIT, 0),
	HOST("entry_host_sysenter_esp_noncanonical_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_IA32_SYSENTER_ESP,
	     OP_SET, V_NONCANON, 0),
	HOST("entry_host_sysenter_eip_noncanonical_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_IA32_SYSENTER_EIP,
	     OP_SET, V_NONCANON, 0),
	HOST("entry_host_efer_reserved_bit_1_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_IA32_EFER, OP_OR, V_CONST,
	     EFER_RESERVED_BIT1),
	HOST("entry_host_efer_lma_clear_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_IA32_EFER, OP_ANDNOT, V_CONST,
	     EFER_LMA),
	HOST("entry_host_efer_lme_clear_error_8", H2, NEED_NONE, 0, NOPRE, VMCS_HOST_IA32_EFER, OP_ANDNOT, V_CONST,
	     EFER_LME),
	HOST("entry_host_pat_type_2_error_8", H2, NEED_EXIT1, EXIT_LOAD_IA32_PAT, VMCS_VM_EXIT_CONTROLS,
	     EXIT_LOAD_IA32_PAT, VMCS_HOST_IA32_PAT, OP_SET, V_CONST, 0x0007040600070402ULL),
	/* ---- 27.2.3 host segment and descriptor-table registers ---- */
	SEL_RPL_TI("es", VMCS_HOST_ES_SELECTOR), SEL_RPL_TI("cs", VMCS_HOST_CS_SELECTOR),
	SEL_RPL_TI("ss", VMCS_HOST_SS_SELECTOR), SEL_RPL_TI("ds", VMCS_HOST_DS_SELECTOR),
	SEL_RPL_TI("fs", VMCS_HOST_FS_SELECTOR), SEL_RPL_TI("gs", VMCS_HOST_GS_SELECTOR),
	SEL_RPL_TI("tr", VMCS_HOST_TR_SELECTOR),
	HOST("entry_host_cs_selector_zero_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_CS_SELECTOR, OP_SET, V_CONST, 0),
	HOST("entry_host_tr_selector_zero_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_TR_SELECTOR, OP_SET, V_CONST, 0),
	ACCEPTED("entry_host_ss_selector_zero_accepted", H3, VMCS_HOST_SS_SELECTOR, OP_SET, V_CONST, 0),
	HOST("entry_host_fs_base_noncanonical_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_FS_BASE, OP_SET, V_NONCANON,
	     0),
	HOST("entry_host_gs_base_noncanonical_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_GS_BASE, OP_SET, V_NONCANON,
	     0),
	HOST("entry_host_gdtr_base_noncanonical_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_GDTR_BASE, OP_SET,
	     V_NONCANON, 0),
	HOST("entry_host_idtr_base_noncanonical_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_IDTR_BASE, OP_SET,
	     V_NONCANON, 0),
	HOST("entry_host_tr_base_noncanonical_error_8", H3, NEED_NONE, 0, NOPRE, VMCS_HOST_TR_BASE, OP_SET, V_NONCANON,
	     0),
	/* ---- 27.2.4 address-space size ---- */
	HOST("entry_host_address_space_size_clear_error_8", H4, NEED_NONE, 0, NOPRE, VMCS_VM_EXIT_CONTROLS, OP_ANDNOT,
	     V_CONST, EXIT_HOST_ADDRESS_SPACE_SIZE),
	HOST("entry_host_cr4_pae_clear_error_8", H4, NEED_NONE, 0, NOPRE, VMCS_HOST_CR4, OP_ANDNOT, V_CONST, CR4_PAE),
	HOST("entry_host_rip_noncanonical_error_8", H4, NEED_NONE, 0, NOPRE, VMCS_HOST_RIP, OP_SET, V_NONCANON, 0),

	/* ---- 27.3.1.1 guest control registers, debug registers and MSRs ---- */
	GUEST("entry_guest_cr0_pe_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR0, OP_ANDNOT, V_CONST, CR0_PE, 0),
	GUEST("entry_guest_cr0_ne_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR0, OP_ANDNOT, V_CONST, CR0_NE, 0),
	GUEST("entry_guest_cr0_pg_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR0, OP_ANDNOT, V_CONST, BIT(31),
	      0),
	GUEST("entry_guest_cr0_bit_32_set_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR0, OP_OR, V_CONST, BIT(32), 0),
	GUEST("entry_guest_cr4_vmxe_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR4, OP_ANDNOT, V_CONST, CR4_VMXE,
	      0),
	GUEST("entry_guest_cr4_reserved_bit_set_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR4, OP_OR, V_CR4_RESERVED,
	      0, 0),
	GUEST("entry_guest_cr4_pae_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR4, OP_ANDNOT, V_CONST, CR4_PAE,
	      0),
	GUEST("entry_guest_cr3_beyond_width_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_CR3, OP_OR, V_WIDTH_BIT, 0, 0),
	GUEST("entry_guest_dr7_bit_32_set_exit_33", G1, NEED_ENTRY1, ENTRY_LOAD_DEBUG_CONTROLS, VMCS_VM_ENTRY_CONTROLS,
	      ENTRY_LOAD_DEBUG_CONTROLS, VMCS_GUEST_DR7, OP_OR, V_CONST, BIT(32), 0),
	GUEST("entry_guest_sysenter_esp_noncanonical_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_IA32_SYSENTER_ESP,
	      OP_SET, V_NONCANON, 0, 0),
	GUEST("entry_guest_sysenter_eip_noncanonical_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_IA32_SYSENTER_EIP,
	      OP_SET, V_NONCANON, 0, 0),
	GUEST("entry_guest_efer_reserved_bit_1_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_IA32_EFER, OP_OR, V_CONST,
	      EFER_RESERVED_BIT1, 0),
	GUEST("entry_guest_efer_lma_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_IA32_EFER, OP_ANDNOT, V_CONST,
	      EFER_LMA, 0),
	GUEST("entry_guest_efer_lme_clear_exit_33", G1, NEED_NONE, 0, NOPRE, VMCS_GUEST_IA32_EFER, OP_ANDNOT, V_CONST,
	      EFER_LME, 0),
	GUEST("entry_guest_pat_type_2_exit_33", G1, NEED_ENTRY1, ENTRY_LOAD_IA32_PAT, VMCS_VM_ENTRY_CONTROLS,
	      ENTRY_LOAD_IA32_PAT, VMCS_GUEST_IA32_PAT, OP_SET, V_CONST, 0x0007040600070402ULL, 0),
	/* ---- 27.3.1.2 guest segment registers (AR: 3:0 type, 4 S, 6:5 DPL, 7 P, 13 L, 14 D/B, 15 G, 16 unusable) ---- */
	GUEST("entry_guest_cs_type_data_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_SET, V_CONST,
	      0xa093, 0),
	GUEST("entry_guest_cs_s_clear_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_ANDNOT, V_CONST,
	      0x10, 0),
	GUEST("entry_guest_cs_not_present_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_ANDNOT,
	      V_CONST, 0x80, 0),
	GUEST("entry_guest_cs_dpl_3_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_OR, V_CONST, 0x60,
	      0),
	GUEST("entry_guest_cs_l_and_db_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_OR, V_CONST,
	      0x4000, 0),
	GUEST("entry_guest_cs_ar_bit_8_set_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_OR, V_CONST,
	      0x100, 0),
	GUEST("entry_guest_cs_ar_bit_17_set_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_ACCESS_RIGHTS, OP_OR,
	      V_CONST, BIT(17), 0),
	GUEST_MF(VMCS_GUEST_CS_ACCESS_RIGHTS, "entry_guest_cs_limit_g_mismatch_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_CS_LIMIT, OP_SET, V_CONST,
	      0xfffff000, 0),
	GUEST("entry_guest_ss_type_code_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_SS_ACCESS_RIGHTS, OP_SET, V_CONST,
	      0xc09b, 0),
	GUEST_MF(VMCS_GUEST_CS_ACCESS_RIGHTS, "entry_guest_ss_dpl_3_unlike_cs_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_SS_ACCESS_RIGHTS, OP_OR, V_CONST, 0x60,
	      0),
	GUEST("entry_guest_ss_rpl_3_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_SS_SELECTOR, OP_OR, V_CONST, 3, 0),
	GUEST("entry_guest_ds_type_not_accessed_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_DS_ACCESS_RIGHTS,
	      OP_ANDNOT, V_CONST, 1, 0),
	GUEST("entry_guest_ds_type_execute_only_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_DS_ACCESS_RIGHTS, OP_SET,
	      V_CONST, 0xc099, 0),
	GUEST("entry_guest_ds_s_clear_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_DS_ACCESS_RIGHTS, OP_ANDNOT, V_CONST,
	      0x10, 0),
	GUEST("entry_guest_ds_not_present_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_DS_ACCESS_RIGHTS, OP_ANDNOT,
	      V_CONST, 0x80, 0),
	GUEST("entry_guest_ds_ar_bit_8_set_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_DS_ACCESS_RIGHTS, OP_OR, V_CONST,
	      0x100, 0),
	GUEST_MF(VMCS_GUEST_DS_ACCESS_RIGHTS, "entry_guest_ds_dpl_below_rpl_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_DS_SELECTOR, OP_OR, V_CONST, 3,
	      0),
	GUEST("entry_guest_es_not_present_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_ES_ACCESS_RIGHTS, OP_ANDNOT,
	      V_CONST, 0x80, 0),
	GUEST("entry_guest_fs_base_noncanonical_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_FS_BASE, OP_SET, V_NONCANON,
	      0, 0),
	GUEST("entry_guest_gs_base_noncanonical_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_GS_BASE, OP_SET, V_NONCANON,
	      0, 0),
	GUEST("entry_guest_tr_type_3_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_TR_ACCESS_RIGHTS, OP_SET, V_CONST,
	      0x0083, 0),
	GUEST("entry_guest_tr_unusable_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_TR_ACCESS_RIGHTS, OP_OR, V_CONST,
	      BIT(16), 0),
	GUEST("entry_guest_tr_s_set_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_TR_ACCESS_RIGHTS, OP_OR, V_CONST, 0x10,
	      0),
	GUEST("entry_guest_tr_selector_ti_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_TR_SELECTOR, OP_OR, V_CONST, 4,
	      0),
	GUEST("entry_guest_tr_base_noncanonical_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_TR_BASE, OP_SET, V_NONCANON,
	      0, 0),
	GUEST("entry_guest_ldtr_usable_type_3_exit_33", G2, NEED_NONE, 0, NOPRE, VMCS_GUEST_LDTR_ACCESS_RIGHTS, OP_SET,
	      V_CONST, 0x0083, 0),
	/* ---- 27.3.1.3 GDTR and IDTR ---- */
	GUEST("entry_guest_gdtr_base_noncanonical_exit_33", G3, NEED_NONE, 0, NOPRE, VMCS_GUEST_GDTR_BASE, OP_SET,
	      V_NONCANON, 0, 0),
	GUEST("entry_guest_idtr_base_noncanonical_exit_33", G3, NEED_NONE, 0, NOPRE, VMCS_GUEST_IDTR_BASE, OP_SET,
	      V_NONCANON, 0, 0),
	GUEST("entry_guest_gdtr_limit_bit_16_exit_33", G3, NEED_NONE, 0, NOPRE, VMCS_GUEST_GDTR_LIMIT, OP_OR, V_CONST,
	      BIT(16), 0),
	GUEST("entry_guest_idtr_limit_bit_16_exit_33", G3, NEED_NONE, 0, NOPRE, VMCS_GUEST_IDTR_LIMIT, OP_OR, V_CONST,
	      BIT(16), 0),
	/* ---- 27.3.1.4 RIP and RFLAGS ---- */
	GUEST("entry_guest_rip_noncanonical_exit_33", G4, NEED_NONE, 0, NOPRE, VMCS_GUEST_RIP, OP_SET, V_NONCANON, 0, 0),
	GUEST("entry_guest_rflags_bit_1_clear_exit_33", G4, NEED_NONE, 0, NOPRE, VMCS_GUEST_RFLAGS, OP_ANDNOT, V_CONST, 2,
	      0),
	GUEST("entry_guest_rflags_bit_3_set_exit_33", G4, NEED_NONE, 0, NOPRE, VMCS_GUEST_RFLAGS, OP_OR, V_CONST, 8, 0),
	GUEST("entry_guest_rflags_bit_22_set_exit_33", G4, NEED_NONE, 0, NOPRE, VMCS_GUEST_RFLAGS, OP_OR, V_CONST,
	      BIT(22), 0),
	/* ---- 27.3.1.5 non-register state ---- */
	GUEST("entry_guest_activity_state_4_exit_33", G5, NEED_NONE, 0, NOPRE, VMCS_GUEST_ACTIVITY_STATE, OP_SET,
	      V_CONST, 4, 0),
	GUEST("entry_guest_interruptibility_bit_5_exit_33", G5, NEED_NONE, 0, NOPRE, VMCS_GUEST_INTERRUPTIBILITY_STATE,
	      OP_OR, V_CONST, BIT(5), 0),
	GUEST("entry_guest_interruptibility_sti_and_movss_exit_33", G5, NEED_NONE, 0, NOPRE,
	      VMCS_GUEST_INTERRUPTIBILITY_STATE, OP_SET, V_CONST, 3, 0),
	GUEST("entry_guest_interruptibility_sti_if_clear_exit_33", G5, NEED_NONE, 0, NOPRE,
	      VMCS_GUEST_INTERRUPTIBILITY_STATE, OP_SET, V_CONST, 1, 0),
	GUEST("entry_guest_pending_dbg_bit_4_exit_33", G5, NEED_NONE, 0, NOPRE, VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS,
	      OP_OR, V_CONST, BIT(4), 0),
	GUEST("entry_guest_link_ptr_unaligned_exit_33_qual_4", G5, NEED_NONE, 0, NOPRE, VMCS_LINK_POINTER, OP_SET,
	      V_PAGE_OTHER, 0x800, 4),
	GUEST("entry_guest_link_ptr_beyond_width_exit_33_qual_4", G5, NEED_NONE, 0, NOPRE, VMCS_LINK_POINTER, OP_SET,
	      V_WIDTH_BIT, 0, 4),
	GUEST("entry_guest_link_ptr_no_revision_exit_33_qual_4", G5, NEED_NONE, 0, NOPRE, VMCS_LINK_POINTER, OP_SET,
	      V_PAGE_ZERO, 0, 4),
	GUEST("entry_guest_link_ptr_current_vmcs_exit_33_qual_4", G5, NEED_NONE, 0, NOPRE, VMCS_LINK_POINTER, OP_SET,
	      V_PAGE_CURRENT, 0, 4),
	ACCEPTED("entry_guest_link_ptr_other_vmcs_accepted", G5, VMCS_LINK_POINTER, OP_SET, V_PAGE_OTHER, 0),

	/* ---- 27.4 VM-entry MSR loading: the model does not read the area ---- */
	MSRLOAD("entry_msr_load_fs_base_exit_34_qual_1", 1, 1, ((struct conf_msr_entry){ 0xc0000100, 0, 0 }), {0}),
	MSRLOAD("entry_msr_load_gs_base_exit_34_qual_1", 1, 1, ((struct conf_msr_entry){ 0xc0000101, 0, 0 }), {0}),
	MSRLOAD("entry_msr_load_reserved_dword_exit_34_qual_1", 1, 1, ((struct conf_msr_entry){ 0x174, 1, 0 }), {0}),
	MSRLOAD("entry_msr_load_x2apic_msr_second_exit_34_qual_2", 2, 2, ((struct conf_msr_entry){ 0x174, 0, 0 }),
		((struct conf_msr_entry){ 0x808, 0, 0 })),
	MSRLOAD("entry_msr_load_smbase_exit_34_qual_1", 1, 1, ((struct conf_msr_entry){ 0x9e, 0, 0 }), {0}),
	MSRLOAD("entry_msr_load_noncanonical_value_exit_34_qual_1", 1, 1,
		((struct conf_msr_entry){ 0x176, 0, 0xaaaaaaaaaaaaaaaaULL }), {0}),
	{ .name = "entry_msr_load_sysenter_cs_accepted", .sdm = "27.4", .field = VMCS_VM_ENTRY_MSR_LOAD_COUNT,
	  .op = OP_SET, .val = V_PAGE_MSR, .expect = EXP_ENTERED, .num = 18,
	  .msr = { { 0x174, 0, 0 } }, .msr_count = 1, .model_none = true },

	/* ---- core VM-exit behaviours (SDM 26.1-26.2, 28.2.1): the VMCS is valid, the guest's first
	 * instruction exits; the field changed is the control that causes it ---- */
	EXITROW("exit_cpuid_unconditional_10", "26.1.2", GUEST_CPUID, NEED_NONE, 0, NOPRE, VMCS_EXCEPTION_BITMAP,
		OP_SET, V_CONST, 0xffffffff, 10, 0),
	EXITROW("exit_hlt_exiting_12", "26.1.3", GUEST_HLT, NEED_NONE, 0, NOPRE, VMCS_EXCEPTION_BITMAP, OP_SET,
		V_CONST, 0xffffffff, 12, 0),
	EXITROW("exit_ud2_through_exception_bitmap_0", "26.2", GUEST_UD2, NEED_NONE, 0, NOPRE, VMCS_EXCEPTION_BITMAP,
		OP_SET, V_CONST, 0xffffffff, 0, 0),
	EXITROW("exit_rdtsc_exiting_16", "26.1.3", GUEST_RDTSC, NEED_PROC1, CPU_RDTSC_EXITING, NOPRE,
		VMCS_PRIMARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU_RDTSC_EXITING, 16, 0),
	EXITROW("exit_rdmsr_without_msr_bitmaps_31", "26.1.3", GUEST_RDMSR, NEED_NONE, 0, NOPRE,
		VMCS_PRIMARY_PROC_BASED_CONTROLS, OP_ANDNOT, V_CONST, CPU_USE_MSR_BITMAPS, 31, 0),
	/* qualification: port 0x80 in bits 31:16, immediate operand (bit 6), 1 byte, OUT */
	EXITROW("exit_unconditional_io_out_80_30", "28.2.1", GUEST_OUT_80, NEED_PROC1, CPU_UNCONDITIONAL_IO_EXITING,
		NOPRE, VMCS_PRIMARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU_UNCONDITIONAL_IO_EXITING, 30, 0x800040),
	/* qualification 3: CR3, MOV to CR, from RAX */
	EXITROW("exit_cr3_load_exiting_28_qual_3", "26.1.3", GUEST_MOV_TO_CR3, NEED_PROC1, CPU_CR3_LOAD_EXITING, NOPRE,
		VMCS_PRIMARY_PROC_BASED_CONTROLS, OP_OR, V_CONST, CPU_CR3_LOAD_EXITING, 28, 3),
	/* CR3-target value 0 is this CR3 (conf_good_vmcs_extras): with a count of 1, loading it does not
	 * exit and the guest reaches its VMCALL */
	EXITROW("exit_cr3_target_match_no_exit", "26.1.3", GUEST_MOV_TO_CR3, NEED_PROC1, CPU_CR3_LOAD_EXITING,
		VMCS_PRIMARY_PROC_BASED_CONTROLS, CPU_CR3_LOAD_EXITING, VMCS_CR3_TARGET_COUNT, OP_SET, V_CONST, 1, 18, 0),
	EXITROW("exit_preemption_timer_0_before_first_insn_52", "26.7.4", GUEST_VMCALL, NEED_PIN1,
		PIN_ACTIVATE_PREEMPTION_TIMER, VMCS_PIN_BASED_CONTROLS, PIN_ACTIVATE_PREEMPTION_TIMER,
		VMCS_GUEST_VMX_PREEMPTION_TIMER_VALUE, OP_SET, V_CONST, 0, 52, 0),
};

const size_t conf_rows_n = sizeof(conf_rows) / sizeof(conf_rows[0]);
