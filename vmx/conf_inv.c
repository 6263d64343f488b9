/* The INVEPT / INVVPID cases (see conf_inv.h). */
#include "vmx/conf_inv.h"
#include "vmx/vmx_defs.h"
#include "vmx/vmx_errors.h"
#include "kernel/format.h"

#define E28 VMX_FAIL_VALID, VMXERR_INVALID_INVEPT_INVVPID_OPERAND
#define OK VMX_SUCCEED, 0
#define EPT_ANY (VMX_EPT_INVEPT)
#define VPID_ANY (VMX_VPID_INVVPID)
#define NONCANON 0xaaaaaaaaaaaaaaaaULL

static const char SE[] = "31.3 INVEPT", SV[] = "31.3 INVVPID";

const struct conf_inv_case conf_inv_rows[] = {
	/* INVEPT: type 1 single-context, 2 all-context (EPT_VPID_CAP bits 25, 26) */
	{ "invept_single_context_succeeds", SE, INSN_INVEPT, INV_ROOT_VMCS, 1, EPTP_VALID, 0, 0,
	  EPT_ANY | VMX_EPT_INVEPT_SINGLE, OK },
	{ "invept_all_context_succeeds", SE, INSN_INVEPT, INV_ROOT_VMCS, 2, EPTP_VALID, 0, 0,
	  EPT_ANY | VMX_EPT_INVEPT_ALL, OK },
	{ "invept_type_0_error_28", SE, INSN_INVEPT, INV_ROOT_VMCS, 0, EPTP_VALID, 0, 0, EPT_ANY, E28 },
	{ "invept_type_3_error_28", SE, INSN_INVEPT, INV_ROOT_VMCS, 3, EPTP_VALID, 0, 0, EPT_ANY, E28 },
	{ "invept_single_memory_type_2_error_28", SE, INSN_INVEPT, INV_ROOT_VMCS, 1, EPTP_MEMTYPE_2, 0, 0,
	  EPT_ANY | VMX_EPT_INVEPT_SINGLE, E28 },
	{ "invept_single_walk_length_3_error_28", SE, INSN_INVEPT, INV_ROOT_VMCS, 1, EPTP_WALK_3, 0, 0,
	  EPT_ANY | VMX_EPT_INVEPT_SINGLE, E28 },
	{ "invept_single_reserved_bit_8_error_28", SE, INSN_INVEPT, INV_ROOT_VMCS, 1, EPTP_RESERVED_BIT_8, 0, 0,
	  EPT_ANY | VMX_EPT_INVEPT_SINGLE, E28 },
	{ "invept_single_beyond_width_error_28", SE, INSN_INVEPT, INV_ROOT_VMCS, 1, EPTP_BEYOND_WIDTH, 0, 0,
	  EPT_ANY | VMX_EPT_INVEPT_SINGLE, E28 },
	{ "invept_outside_vmx_ud", SE, INSN_INVEPT, INV_OUTSIDE, 2, EPTP_VALID, 0, 0, EPT_ANY, VMX_FAULT, VEC_UD },
	{ "invept_noncanonical_operand_gp", SE, INSN_INVEPT, INV_BAD_OPERAND, 2, EPTP_VALID, 0, 0, EPT_ANY,
	  VMX_FAULT, VEC_GP },
	/* INVVPID: type 0 address, 1 single-context, 2 all-context, 3 single non-global (bits 40-43) */
	{ "invvpid_address_succeeds", SV, INSN_INVVPID, INV_ROOT_VMCS, 0, 0, 1, 0x1000,
	  VPID_ANY | VMX_VPID_INVVPID_ADDR, OK },
	{ "invvpid_single_context_succeeds", SV, INSN_INVVPID, INV_ROOT_VMCS, 1, 0, 1, 0,
	  VPID_ANY | VMX_VPID_INVVPID_SINGLE, OK },
	{ "invvpid_all_context_succeeds", SV, INSN_INVVPID, INV_ROOT_VMCS, 2, 0, 0, 0,
	  VPID_ANY | VMX_VPID_INVVPID_ALL, OK },
	{ "invvpid_single_nonglobal_succeeds", SV, INSN_INVVPID, INV_ROOT_VMCS, 3, 0, 1, 0,
	  VPID_ANY | VMX_VPID_INVVPID_SINGLE_NONGLOBAL, OK },
	{ "invvpid_type_4_error_28", SV, INSN_INVVPID, INV_ROOT_VMCS, 4, 0, 1, 0, VPID_ANY, E28 },
	{ "invvpid_descriptor_bits_63_16_error_28", SV, INSN_INVVPID, INV_ROOT_VMCS, 2, 0, 0x10000, 0,
	  VPID_ANY | VMX_VPID_INVVPID_ALL, E28 },
	{ "invvpid_address_vpid_0_error_28", SV, INSN_INVVPID, INV_ROOT_VMCS, 0, 0, 0, 0x1000,
	  VPID_ANY | VMX_VPID_INVVPID_ADDR, E28 },
	{ "invvpid_address_noncanonical_error_28", SV, INSN_INVVPID, INV_ROOT_VMCS, 0, 0, 1, NONCANON,
	  VPID_ANY | VMX_VPID_INVVPID_ADDR, E28 },
	{ "invvpid_single_vpid_0_error_28", SV, INSN_INVVPID, INV_ROOT_VMCS, 1, 0, 0, 0,
	  VPID_ANY | VMX_VPID_INVVPID_SINGLE, E28 },
	{ "invvpid_single_nonglobal_vpid_0_error_28", SV, INSN_INVVPID, INV_ROOT_VMCS, 3, 0, 0, 0,
	  VPID_ANY | VMX_VPID_INVVPID_SINGLE_NONGLOBAL, E28 },
	{ "invvpid_outside_vmx_ud", SV, INSN_INVVPID, INV_OUTSIDE, 2, 0, 0, 0, VPID_ANY, VMX_FAULT, VEC_UD },
	{ "invvpid_noncanonical_operand_gp", SV, INSN_INVVPID, INV_BAD_OPERAND, 2, 0, 0, 0, VPID_ANY, VMX_FAULT,
	  VEC_GP },
};

const size_t conf_inv_rows_n = sizeof(conf_inv_rows) / sizeof(conf_inv_rows[0]);

bool conf_inv_skip_reason(const struct conf_inv_case *k, const struct vmx_caps *caps, char *buf, size_t n)
{
	struct vmx_ctls proc = vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED));
	struct vmx_ctls proc2 = vmx_decode_ctls(caps->procbased2);
	u32 ctl = k->insn == INSN_INVEPT ? CPU2_ENABLE_EPT : CPU2_ENABLE_VPID;
	if (!(proc.allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS) || !(proc2.allowed1 & ctl)) {
		ksnprintf(buf, n, "the CPU has no %s (IA32_VMX_PROCBASED_CTLS2 allowed-1 0x%x)",
			  k->insn == INSN_INVEPT ? "EPT" : "VPIDs",
			  (proc.allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS) ? proc2.allowed1 : 0);
		return true;
	}
	if ((caps->ept_vpid_cap & k->need) != k->need) {
		ksnprintf(buf, n, "IA32_VMX_EPT_VPID_CAP 0x%lx lacks bits 0x%lx", caps->ept_vpid_cap,
			  k->need & ~caps->ept_vpid_cap);
		return true;
	}
	return false;
}

u64 conf_inv_eptp(const struct conf_inv_case *k, const struct vmx_caps *caps, u64 zero_page)
{
	switch (k->eptp) {
	case EPTP_MEMTYPE_2: return zero_page | 0x1a;
	case EPTP_WALK_3: return zero_page | 0x16;
	case EPTP_RESERVED_BIT_8: return zero_page | 0x11e;   /* bits 11:8 reserved (bit 7: CET) */
	case EPTP_BEYOND_WIDTH: return zero_page | 0x1e | 1ULL << vmx_phys_addr_bits(caps->cpuid_80000008_eax);
	default: return zero_page | 0x1e;   /* WB, 4-level walk */
	}
}
