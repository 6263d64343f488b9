/* The VMCS field table (SDM vol. 3C appendix B) and encoding helpers.
 * Each entry's width and type are those of the appendix B section it is
 * listed in; tests/host/test_vmcs_fields.c checks them against the encoding
 * bits, so a mistyped encoding shows up as a section mismatch. */
#include "vmx/vmcs_fields.h"
#include "kernel/lib.h"

#define FIELD(sym, lname, w, t) \
	{ VMCS_##sym, lname, "VMCS_" #sym, VMCS_WIDTH_##w, VMCS_TYPE_##t }

const struct vmcs_field vmcs_fields[] = {
	/* B.1.1 16-bit control fields */
	FIELD(VIRTUAL_PROCESSOR_ID, "virtual_processor_id", 16, CONTROL),
	FIELD(POSTED_INTR_NOTIFICATION_VECTOR, "posted_intr_notification_vector", 16, CONTROL),
	FIELD(EPTP_INDEX, "eptp_index", 16, CONTROL),
	FIELD(HLAT_PREFIX_SIZE, "hlat_prefix_size", 16, CONTROL),
	FIELD(LAST_PID_POINTER_INDEX, "last_pid_pointer_index", 16, CONTROL),
	/* B.1.2 16-bit guest-state fields */
	FIELD(GUEST_ES_SELECTOR, "guest_es_selector", 16, GUEST),
	FIELD(GUEST_CS_SELECTOR, "guest_cs_selector", 16, GUEST),
	FIELD(GUEST_SS_SELECTOR, "guest_ss_selector", 16, GUEST),
	FIELD(GUEST_DS_SELECTOR, "guest_ds_selector", 16, GUEST),
	FIELD(GUEST_FS_SELECTOR, "guest_fs_selector", 16, GUEST),
	FIELD(GUEST_GS_SELECTOR, "guest_gs_selector", 16, GUEST),
	FIELD(GUEST_LDTR_SELECTOR, "guest_ldtr_selector", 16, GUEST),
	FIELD(GUEST_TR_SELECTOR, "guest_tr_selector", 16, GUEST),
	FIELD(GUEST_INTERRUPT_STATUS, "guest_interrupt_status", 16, GUEST),
	FIELD(GUEST_PML_INDEX, "guest_pml_index", 16, GUEST),
	FIELD(GUEST_UINV, "guest_uinv", 16, GUEST),
	/* B.1.3 16-bit host-state fields */
	FIELD(HOST_ES_SELECTOR, "host_es_selector", 16, HOST),
	FIELD(HOST_CS_SELECTOR, "host_cs_selector", 16, HOST),
	FIELD(HOST_SS_SELECTOR, "host_ss_selector", 16, HOST),
	FIELD(HOST_DS_SELECTOR, "host_ds_selector", 16, HOST),
	FIELD(HOST_FS_SELECTOR, "host_fs_selector", 16, HOST),
	FIELD(HOST_GS_SELECTOR, "host_gs_selector", 16, HOST),
	FIELD(HOST_TR_SELECTOR, "host_tr_selector", 16, HOST),
	/* B.2.1 64-bit control fields (the "high" half of each is encoding + 1) */
	FIELD(IO_BITMAP_A_ADDR, "io_bitmap_a_addr", 64, CONTROL),
	FIELD(IO_BITMAP_B_ADDR, "io_bitmap_b_addr", 64, CONTROL),
	FIELD(MSR_BITMAPS_ADDR, "msr_bitmaps_addr", 64, CONTROL),
	FIELD(VM_EXIT_MSR_STORE_ADDR, "vm_exit_msr_store_addr", 64, CONTROL),
	FIELD(VM_EXIT_MSR_LOAD_ADDR, "vm_exit_msr_load_addr", 64, CONTROL),
	FIELD(VM_ENTRY_MSR_LOAD_ADDR, "vm_entry_msr_load_addr", 64, CONTROL),
	FIELD(EXECUTIVE_VMCS_POINTER, "executive_vmcs_pointer", 64, CONTROL),
	FIELD(PML_ADDR, "pml_addr", 64, CONTROL),
	FIELD(TSC_OFFSET, "tsc_offset", 64, CONTROL),
	FIELD(VIRTUAL_APIC_ADDR, "virtual_apic_addr", 64, CONTROL),
	FIELD(APIC_ACCESS_ADDR, "apic_access_addr", 64, CONTROL),
	FIELD(POSTED_INTR_DESC_ADDR, "posted_intr_desc_addr", 64, CONTROL),
	FIELD(VM_FUNCTION_CONTROLS, "vm_function_controls", 64, CONTROL),
	FIELD(EPT_POINTER, "ept_pointer", 64, CONTROL),
	FIELD(EOI_EXIT_BITMAP_0, "eoi_exit_bitmap_0", 64, CONTROL),
	FIELD(EOI_EXIT_BITMAP_1, "eoi_exit_bitmap_1", 64, CONTROL),
	FIELD(EOI_EXIT_BITMAP_2, "eoi_exit_bitmap_2", 64, CONTROL),
	FIELD(EOI_EXIT_BITMAP_3, "eoi_exit_bitmap_3", 64, CONTROL),
	FIELD(EPTP_LIST_ADDR, "eptp_list_addr", 64, CONTROL),
	FIELD(VMREAD_BITMAP_ADDR, "vmread_bitmap_addr", 64, CONTROL),
	FIELD(VMWRITE_BITMAP_ADDR, "vmwrite_bitmap_addr", 64, CONTROL),
	FIELD(VE_INFORMATION_ADDR, "ve_information_addr", 64, CONTROL),
	FIELD(XSS_EXITING_BITMAP, "xss_exiting_bitmap", 64, CONTROL),
	FIELD(ENCLS_EXITING_BITMAP, "encls_exiting_bitmap", 64, CONTROL),
	FIELD(SPP_TABLE_POINTER, "spp_table_pointer", 64, CONTROL),
	FIELD(TSC_MULTIPLIER, "tsc_multiplier", 64, CONTROL),
	FIELD(TERTIARY_PROC_BASED_CONTROLS, "tertiary_proc_based_controls", 64, CONTROL),
	FIELD(ENCLV_EXITING_BITMAP, "enclv_exiting_bitmap", 64, CONTROL),
	FIELD(LOW_PASID_DIRECTORY_ADDR, "low_pasid_directory_addr", 64, CONTROL),
	FIELD(HIGH_PASID_DIRECTORY_ADDR, "high_pasid_directory_addr", 64, CONTROL),
	FIELD(SHARED_EPT_POINTER, "shared_ept_pointer", 64, CONTROL),
	FIELD(PCONFIG_EXITING_BITMAP, "pconfig_exiting_bitmap", 64, CONTROL),
	FIELD(HLAT_POINTER, "hlat_pointer", 64, CONTROL),
	FIELD(PID_POINTER_TABLE_ADDR, "pid_pointer_table_addr", 64, CONTROL),
	FIELD(SECONDARY_VM_EXIT_CONTROLS, "secondary_vm_exit_controls", 64, CONTROL),
	/* B.2.2 64-bit read-only data fields */
	FIELD(GUEST_PHYSICAL_ADDRESS, "guest_physical_address", 64, READONLY),
	/* B.2.3 64-bit guest-state fields */
	FIELD(LINK_POINTER, "vmcs_link_pointer", 64, GUEST),
	FIELD(GUEST_IA32_DEBUGCTL, "guest_ia32_debugctl", 64, GUEST),
	FIELD(GUEST_IA32_PAT, "guest_ia32_pat", 64, GUEST),
	FIELD(GUEST_IA32_EFER, "guest_ia32_efer", 64, GUEST),
	FIELD(GUEST_IA32_PERF_GLOBAL_CTRL, "guest_ia32_perf_global_ctrl", 64, GUEST),
	FIELD(GUEST_PDPTE0, "guest_pdpte0", 64, GUEST),
	FIELD(GUEST_PDPTE1, "guest_pdpte1", 64, GUEST),
	FIELD(GUEST_PDPTE2, "guest_pdpte2", 64, GUEST),
	FIELD(GUEST_PDPTE3, "guest_pdpte3", 64, GUEST),
	FIELD(GUEST_IA32_BNDCFGS, "guest_ia32_bndcfgs", 64, GUEST),
	FIELD(GUEST_IA32_RTIT_CTL, "guest_ia32_rtit_ctl", 64, GUEST),
	FIELD(GUEST_IA32_LBR_CTL, "guest_ia32_lbr_ctl", 64, GUEST),
	FIELD(GUEST_IA32_PKRS, "guest_ia32_pkrs", 64, GUEST),
	/* B.2.4 64-bit host-state fields */
	FIELD(HOST_IA32_PAT, "host_ia32_pat", 64, HOST),
	FIELD(HOST_IA32_EFER, "host_ia32_efer", 64, HOST),
	FIELD(HOST_IA32_PERF_GLOBAL_CTRL, "host_ia32_perf_global_ctrl", 64, HOST),
	FIELD(HOST_IA32_PKRS, "host_ia32_pkrs", 64, HOST),
	/* B.3.1 32-bit control fields */
	FIELD(PIN_BASED_CONTROLS, "pin_based_controls", 32, CONTROL),
	FIELD(PRIMARY_PROC_BASED_CONTROLS, "primary_proc_based_controls", 32, CONTROL),
	FIELD(EXCEPTION_BITMAP, "exception_bitmap", 32, CONTROL),
	FIELD(PAGE_FAULT_ERROR_CODE_MASK, "page_fault_error_code_mask", 32, CONTROL),
	FIELD(PAGE_FAULT_ERROR_CODE_MATCH, "page_fault_error_code_match", 32, CONTROL),
	FIELD(CR3_TARGET_COUNT, "cr3_target_count", 32, CONTROL),
	FIELD(VM_EXIT_CONTROLS, "vm_exit_controls", 32, CONTROL),
	FIELD(VM_EXIT_MSR_STORE_COUNT, "vm_exit_msr_store_count", 32, CONTROL),
	FIELD(VM_EXIT_MSR_LOAD_COUNT, "vm_exit_msr_load_count", 32, CONTROL),
	FIELD(VM_ENTRY_CONTROLS, "vm_entry_controls", 32, CONTROL),
	FIELD(VM_ENTRY_MSR_LOAD_COUNT, "vm_entry_msr_load_count", 32, CONTROL),
	FIELD(VM_ENTRY_INTERRUPTION_INFO, "vm_entry_interruption_info", 32, CONTROL),
	FIELD(VM_ENTRY_EXCEPTION_ERROR_CODE, "vm_entry_exception_error_code", 32, CONTROL),
	FIELD(VM_ENTRY_INSTRUCTION_LENGTH, "vm_entry_instruction_length", 32, CONTROL),
	FIELD(TPR_THRESHOLD, "tpr_threshold", 32, CONTROL),
	FIELD(SECONDARY_PROC_BASED_CONTROLS, "secondary_proc_based_controls", 32, CONTROL),
	FIELD(PLE_GAP, "ple_gap", 32, CONTROL),
	FIELD(PLE_WINDOW, "ple_window", 32, CONTROL),
	FIELD(INSTRUCTION_TIMEOUT_CONTROL, "instruction_timeout_control", 32, CONTROL),
	/* B.3.2 32-bit read-only data fields */
	FIELD(VM_INSTRUCTION_ERROR, "vm_instruction_error", 32, READONLY),
	FIELD(EXIT_REASON, "exit_reason", 32, READONLY),
	FIELD(VM_EXIT_INTERRUPTION_INFO, "vm_exit_interruption_info", 32, READONLY),
	FIELD(VM_EXIT_INTERRUPTION_ERROR_CODE, "vm_exit_interruption_error_code", 32, READONLY),
	FIELD(IDT_VECTORING_INFO, "idt_vectoring_info", 32, READONLY),
	FIELD(IDT_VECTORING_ERROR_CODE, "idt_vectoring_error_code", 32, READONLY),
	FIELD(VM_EXIT_INSTRUCTION_LENGTH, "vm_exit_instruction_length", 32, READONLY),
	FIELD(VM_EXIT_INSTRUCTION_INFO, "vm_exit_instruction_info", 32, READONLY),
	/* B.3.3 32-bit guest-state fields */
	FIELD(GUEST_ES_LIMIT, "guest_es_limit", 32, GUEST),
	FIELD(GUEST_CS_LIMIT, "guest_cs_limit", 32, GUEST),
	FIELD(GUEST_SS_LIMIT, "guest_ss_limit", 32, GUEST),
	FIELD(GUEST_DS_LIMIT, "guest_ds_limit", 32, GUEST),
	FIELD(GUEST_FS_LIMIT, "guest_fs_limit", 32, GUEST),
	FIELD(GUEST_GS_LIMIT, "guest_gs_limit", 32, GUEST),
	FIELD(GUEST_LDTR_LIMIT, "guest_ldtr_limit", 32, GUEST),
	FIELD(GUEST_TR_LIMIT, "guest_tr_limit", 32, GUEST),
	FIELD(GUEST_GDTR_LIMIT, "guest_gdtr_limit", 32, GUEST),
	FIELD(GUEST_IDTR_LIMIT, "guest_idtr_limit", 32, GUEST),
	FIELD(GUEST_ES_ACCESS_RIGHTS, "guest_es_access_rights", 32, GUEST),
	FIELD(GUEST_CS_ACCESS_RIGHTS, "guest_cs_access_rights", 32, GUEST),
	FIELD(GUEST_SS_ACCESS_RIGHTS, "guest_ss_access_rights", 32, GUEST),
	FIELD(GUEST_DS_ACCESS_RIGHTS, "guest_ds_access_rights", 32, GUEST),
	FIELD(GUEST_FS_ACCESS_RIGHTS, "guest_fs_access_rights", 32, GUEST),
	FIELD(GUEST_GS_ACCESS_RIGHTS, "guest_gs_access_rights", 32, GUEST),
	FIELD(GUEST_LDTR_ACCESS_RIGHTS, "guest_ldtr_access_rights", 32, GUEST),
	FIELD(GUEST_TR_ACCESS_RIGHTS, "guest_tr_access_rights", 32, GUEST),
	FIELD(GUEST_INTERRUPTIBILITY_STATE, "guest_interruptibility_state", 32, GUEST),
	FIELD(GUEST_ACTIVITY_STATE, "guest_activity_state", 32, GUEST),
	FIELD(GUEST_SMBASE, "guest_smbase", 32, GUEST),
	FIELD(GUEST_IA32_SYSENTER_CS, "guest_ia32_sysenter_cs", 32, GUEST),
	FIELD(GUEST_VMX_PREEMPTION_TIMER_VALUE, "guest_vmx_preemption_timer_value", 32, GUEST),
	/* B.3.4 32-bit host-state field */
	FIELD(HOST_IA32_SYSENTER_CS, "host_ia32_sysenter_cs", 32, HOST),
	/* B.4.1 natural-width control fields */
	FIELD(CR0_GUEST_HOST_MASK, "cr0_guest_host_mask", NATURAL, CONTROL),
	FIELD(CR4_GUEST_HOST_MASK, "cr4_guest_host_mask", NATURAL, CONTROL),
	FIELD(CR0_READ_SHADOW, "cr0_read_shadow", NATURAL, CONTROL),
	FIELD(CR4_READ_SHADOW, "cr4_read_shadow", NATURAL, CONTROL),
	FIELD(CR3_TARGET_VALUE0, "cr3_target_value0", NATURAL, CONTROL),
	FIELD(CR3_TARGET_VALUE1, "cr3_target_value1", NATURAL, CONTROL),
	FIELD(CR3_TARGET_VALUE2, "cr3_target_value2", NATURAL, CONTROL),
	FIELD(CR3_TARGET_VALUE3, "cr3_target_value3", NATURAL, CONTROL),
	/* B.4.2 natural-width read-only data fields */
	FIELD(EXIT_QUALIFICATION, "exit_qualification", NATURAL, READONLY),
	FIELD(IO_RCX, "io_rcx", NATURAL, READONLY),
	FIELD(IO_RSI, "io_rsi", NATURAL, READONLY),
	FIELD(IO_RDI, "io_rdi", NATURAL, READONLY),
	FIELD(IO_RIP, "io_rip", NATURAL, READONLY),
	FIELD(GUEST_LINEAR_ADDRESS, "guest_linear_address", NATURAL, READONLY),
	/* B.4.3 natural-width guest-state fields */
	FIELD(GUEST_CR0, "guest_cr0", NATURAL, GUEST),
	FIELD(GUEST_CR3, "guest_cr3", NATURAL, GUEST),
	FIELD(GUEST_CR4, "guest_cr4", NATURAL, GUEST),
	FIELD(GUEST_ES_BASE, "guest_es_base", NATURAL, GUEST),
	FIELD(GUEST_CS_BASE, "guest_cs_base", NATURAL, GUEST),
	FIELD(GUEST_SS_BASE, "guest_ss_base", NATURAL, GUEST),
	FIELD(GUEST_DS_BASE, "guest_ds_base", NATURAL, GUEST),
	FIELD(GUEST_FS_BASE, "guest_fs_base", NATURAL, GUEST),
	FIELD(GUEST_GS_BASE, "guest_gs_base", NATURAL, GUEST),
	FIELD(GUEST_LDTR_BASE, "guest_ldtr_base", NATURAL, GUEST),
	FIELD(GUEST_TR_BASE, "guest_tr_base", NATURAL, GUEST),
	FIELD(GUEST_GDTR_BASE, "guest_gdtr_base", NATURAL, GUEST),
	FIELD(GUEST_IDTR_BASE, "guest_idtr_base", NATURAL, GUEST),
	FIELD(GUEST_DR7, "guest_dr7", NATURAL, GUEST),
	FIELD(GUEST_RSP, "guest_rsp", NATURAL, GUEST),
	FIELD(GUEST_RIP, "guest_rip", NATURAL, GUEST),
	FIELD(GUEST_RFLAGS, "guest_rflags", NATURAL, GUEST),
	FIELD(GUEST_PENDING_DEBUG_EXCEPTIONS, "guest_pending_debug_exceptions", NATURAL, GUEST),
	FIELD(GUEST_IA32_SYSENTER_ESP, "guest_ia32_sysenter_esp", NATURAL, GUEST),
	FIELD(GUEST_IA32_SYSENTER_EIP, "guest_ia32_sysenter_eip", NATURAL, GUEST),
	FIELD(GUEST_IA32_S_CET, "guest_ia32_s_cet", NATURAL, GUEST),
	FIELD(GUEST_SSP, "guest_ssp", NATURAL, GUEST),
	FIELD(GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR, "guest_ia32_interrupt_ssp_table_addr", NATURAL, GUEST),
	/* B.4.4 natural-width host-state fields */
	FIELD(HOST_CR0, "host_cr0", NATURAL, HOST),
	FIELD(HOST_CR3, "host_cr3", NATURAL, HOST),
	FIELD(HOST_CR4, "host_cr4", NATURAL, HOST),
	FIELD(HOST_FS_BASE, "host_fs_base", NATURAL, HOST),
	FIELD(HOST_GS_BASE, "host_gs_base", NATURAL, HOST),
	FIELD(HOST_TR_BASE, "host_tr_base", NATURAL, HOST),
	FIELD(HOST_GDTR_BASE, "host_gdtr_base", NATURAL, HOST),
	FIELD(HOST_IDTR_BASE, "host_idtr_base", NATURAL, HOST),
	FIELD(HOST_IA32_SYSENTER_ESP, "host_ia32_sysenter_esp", NATURAL, HOST),
	FIELD(HOST_IA32_SYSENTER_EIP, "host_ia32_sysenter_eip", NATURAL, HOST),
	FIELD(HOST_RSP, "host_rsp", NATURAL, HOST),
	FIELD(HOST_RIP, "host_rip", NATURAL, HOST),
	FIELD(HOST_IA32_S_CET, "host_ia32_s_cet", NATURAL, HOST),
	FIELD(HOST_SSP, "host_ssp", NATURAL, HOST),
	FIELD(HOST_IA32_INTERRUPT_SSP_TABLE_ADDR, "host_ia32_interrupt_ssp_table_addr", NATURAL, HOST),
};
const size_t vmcs_fields_count = ARRAY_SIZE(vmcs_fields);

const struct vmcs_field *vmcs_field_by_name(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < vmcs_fields_count; i++)
		if (strcmp(vmcs_fields[i].name, name) == 0)
			return &vmcs_fields[i];
	return NULL;
}

const struct vmcs_field *vmcs_field_by_encoding(u32 encoding)
{
	if (!vmcs_field_encoding_valid(encoding))
		return NULL;
	encoding &= ~VMCS_ENC_ACCESS_HIGH;
	for (size_t i = 0; i < vmcs_fields_count; i++)
		if (vmcs_fields[i].encoding == encoding)
			return &vmcs_fields[i];
	return NULL;
}

bool vmcs_field_encoding_valid(u32 enc)
{
	if (enc & VMCS_ENC_RESERVED)
		return false;
	/* Table 25-21: the access type must be full for 16-bit, 32-bit and
	 * natural-width fields. */
	if (vmcs_field_is_high(enc) && vmcs_field_width(enc) != VMCS_WIDTH_64)
		return false;
	return true;
}

unsigned vmcs_field_width_bits(enum vmcs_field_width w)
{
	switch (w) {
	case VMCS_WIDTH_16: return 16;
	case VMCS_WIDTH_32: return 32;
	case VMCS_WIDTH_64: return 64;
	case VMCS_WIDTH_NATURAL: return 64;
	}
	return 0;
}

const char *vmcs_field_width_name(enum vmcs_field_width w)
{
	switch (w) {
	case VMCS_WIDTH_16: return "16-bit";
	case VMCS_WIDTH_32: return "32-bit";
	case VMCS_WIDTH_64: return "64-bit";
	case VMCS_WIDTH_NATURAL: return "natural-width";
	}
	return "?";
}

const char *vmcs_field_type_name(enum vmcs_field_type t)
{
	switch (t) {
	case VMCS_TYPE_CONTROL: return "control";
	case VMCS_TYPE_READONLY: return "read-only data";
	case VMCS_TYPE_GUEST: return "guest-state";
	case VMCS_TYPE_HOST: return "host-state";
	}
	return "?";
}

u32 vmcs_fields_highest_index(void)
{
	u32 max = 0;

	for (size_t i = 0; i < vmcs_fields_count; i++) {
		u32 idx = vmcs_field_index(vmcs_fields[i].encoding);
		if (idx > max)
			max = idx;
	}
	return max;
}
