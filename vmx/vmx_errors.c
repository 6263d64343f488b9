/* VM-instruction error and exit-reason names, worded as in the SDM. */
#include "vmx/vmx_errors.h"
#include "vmx/vmx_defs.h"

/* SDM vol. 3C 31.4, table 31-1 "VM-Instruction Error Numbers". */
static const char *const insn_errors[VMX_INSN_ERROR_MAX + 1] = {
	[0] = "reserved (0: no error recorded)",
	[1] = "VMCALL executed in VMX root operation",
	[2] = "VMCLEAR with invalid physical address",
	[3] = "VMCLEAR with VMXON pointer",
	[4] = "VMLAUNCH with non-clear VMCS",
	[5] = "VMRESUME with non-launched VMCS",
	[6] = "VMRESUME after VMXOFF (VMXOFF and VMXON between VMLAUNCH and VMRESUME)",
	[7] = "VM entry with invalid control field(s)",
	[8] = "VM entry with invalid host-state field(s)",
	[9] = "VMPTRLD with invalid physical address",
	[10] = "VMPTRLD with VMXON pointer",
	[11] = "VMPTRLD with incorrect VMCS revision identifier",
	[12] = "VMREAD/VMWRITE from/to unsupported VMCS component",
	[13] = "VMWRITE to read-only VMCS component",
	[14] = "reserved (14)",
	[15] = "VMXON executed in VMX root operation",
	[16] = "VM entry with invalid executive-VMCS pointer",
	[17] = "VM entry with non-launched executive VMCS",
	[18] = "VM entry with executive-VMCS pointer not VMXON pointer "
	       "(when attempting to deactivate the dual-monitor treatment of SMIs and SMM)",
	[19] = "VMCALL with non-clear VMCS "
	       "(when attempting to activate the dual-monitor treatment of SMIs and SMM)",
	[20] = "VMCALL with invalid VM-exit control fields",
	[21] = "reserved (21)",
	[22] = "VMCALL with incorrect MSEG revision identifier "
	       "(when attempting to activate the dual-monitor treatment of SMIs and SMM)",
	[23] = "VMXOFF under dual-monitor treatment of SMIs and SMM",
	[24] = "VMCALL with invalid SMM-monitor features "
	       "(when attempting to activate the dual-monitor treatment of SMIs and SMM)",
	[25] = "VM entry with invalid VM-execution control fields in executive VMCS "
	       "(when attempting to return from SMM)",
	[26] = "VM entry with events blocked by MOV SS",
	[27] = "reserved (27)",
	[28] = "invalid operand to INVEPT/INVVPID",
};

const char *vmx_insn_error_name(u32 error)
{
	if (error > VMX_INSN_ERROR_MAX)
		return "unknown VM-instruction error";
	return insn_errors[error];
}

/* SDM vol. 3D appendix C, table C-1 "Basic Exit Reasons". */
static const char *const exit_reasons[VMX_EXIT_REASON_MAX + 1] = {
	[0] = "exception or non-maskable interrupt (NMI)",
	[1] = "external interrupt",
	[2] = "triple fault",
	[3] = "INIT signal",
	[4] = "start-up IPI (SIPI)",
	[5] = "I/O system-management interrupt (SMI)",
	[6] = "other SMI",
	[7] = "interrupt window",
	[8] = "NMI window",
	[9] = "task switch",
	[10] = "CPUID",
	[11] = "GETSEC",
	[12] = "HLT",
	[13] = "INVD",
	[14] = "INVLPG",
	[15] = "RDPMC",
	[16] = "RDTSC",
	[17] = "RSM",
	[18] = "VMCALL",
	[19] = "VMCLEAR",
	[20] = "VMLAUNCH",
	[21] = "VMPTRLD",
	[22] = "VMPTRST",
	[23] = "VMREAD",
	[24] = "VMRESUME",
	[25] = "VMWRITE",
	[26] = "VMXOFF",
	[27] = "VMXON",
	[28] = "control-register accesses",
	[29] = "MOV DR",
	[30] = "I/O instruction",
	[31] = "RDMSR",
	[32] = "WRMSR",
	[33] = "VM-entry failure due to invalid guest state",
	[34] = "VM-entry failure due to MSR loading",
	[36] = "MWAIT",
	[37] = "monitor trap flag",
	[39] = "MONITOR",
	[40] = "PAUSE",
	[41] = "VM-entry failure due to machine-check event",
	[43] = "TPR below threshold",
	[44] = "APIC access",
	[45] = "virtualized EOI",
	[46] = "access to GDTR or IDTR",
	[47] = "access to LDTR or TR",
	[48] = "EPT violation",
	[49] = "EPT misconfiguration",
	[50] = "INVEPT",
	[51] = "RDTSCP",
	[52] = "VMX-preemption timer expired",
	[53] = "INVVPID",
	[54] = "WBINVD or WBNOINVD",
	[55] = "XSETBV",
	[56] = "APIC write",
	[57] = "RDRAND",
	[58] = "INVPCID",
	[59] = "VMFUNC",
	[60] = "ENCLS",
	[61] = "RDSEED",
	[62] = "page-modification log full",
	[63] = "XSAVES",
	[64] = "XRSTORS",
	[65] = "PCONFIG",
	[66] = "SPP-related event",
	[67] = "UMWAIT",
	[68] = "TPAUSE",
	[69] = "LOADIWKEY",
	[70] = "ENCLV",
	[72] = "ENQCMD PASID translation failure",
	[73] = "ENQCMDS PASID translation failure",
	[74] = "bus lock",
	[75] = "instruction timeout",
	[76] = "SEAMCALL",
	[77] = "TDCALL",
};

const char *vmx_exit_reason_name(u32 reason)
{
	u32 basic = reason & EXIT_REASON_BASIC_MASK;

	if (basic > VMX_EXIT_REASON_MAX)
		return "unknown exit reason";
	return exit_reasons[basic] ? exit_reasons[basic] : "reserved";
}

bool vmx_exit_is_nmi(u32 reason, u32 intr_info)
{
	return reason == EXIT_REASON_EXCEPTION_NMI && (intr_info & 0x80000700u) == 0x80000200u;
}
