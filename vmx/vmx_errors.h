/* Names for VM-instruction error numbers (SDM vol. 3C 31.4, table 31-1) and
 * basic exit reasons (SDM vol. 3D appendix C, table C-1). Pure. */
#ifndef VMX_VMX_ERRORS_H
#define VMX_VMX_ERRORS_H

#include "kernel/types.h"

/* Numbers that tests and reports refer to by name. */
enum vmx_insn_error {
	VMXERR_VMCALL_IN_VMX_ROOT = 1,
	VMXERR_VMCLEAR_INVALID_ADDRESS = 2,
	VMXERR_VMCLEAR_VMXON_POINTER = 3,
	VMXERR_VMLAUNCH_NONCLEAR_VMCS = 4,
	VMXERR_VMRESUME_NONLAUNCHED_VMCS = 5,
	VMXERR_VMRESUME_AFTER_VMXOFF = 6,
	VMXERR_ENTRY_INVALID_CONTROL_FIELD = 7,
	VMXERR_ENTRY_INVALID_HOST_STATE_FIELD = 8,
	VMXERR_VMPTRLD_INVALID_ADDRESS = 9,
	VMXERR_VMPTRLD_VMXON_POINTER = 10,
	VMXERR_VMPTRLD_INCORRECT_REVISION_ID = 11,
	VMXERR_UNSUPPORTED_VMCS_COMPONENT = 12,
	VMXERR_VMWRITE_READONLY_COMPONENT = 13,
	VMXERR_VMXON_IN_VMX_ROOT = 15,
	VMXERR_ENTRY_EVENTS_BLOCKED_BY_MOV_SS = 26,
	VMXERR_INVALID_INVEPT_INVVPID_OPERAND = 28,
};
#define VMX_INSN_ERROR_MAX 28

/* Basic exit reasons (bits 15:0 of the exit-reason field) we name in code. */
enum vmx_exit_reason {
	EXIT_REASON_EXCEPTION_NMI = 0,
	EXIT_REASON_EXTERNAL_INTERRUPT = 1,
	EXIT_REASON_TRIPLE_FAULT = 2,
	EXIT_REASON_INIT_SIGNAL = 3,
	EXIT_REASON_SIPI = 4,
	EXIT_REASON_CPUID = 10,
	EXIT_REASON_HLT = 12,
	EXIT_REASON_VMCALL = 18,
	EXIT_REASON_CR_ACCESS = 28,
	EXIT_REASON_IO_INSTRUCTION = 30,
	EXIT_REASON_RDMSR = 31,
	EXIT_REASON_WRMSR = 32,
	EXIT_REASON_INVALID_GUEST_STATE = 33,
	EXIT_REASON_MSR_LOADING = 34,
	EXIT_REASON_MACHINE_CHECK = 41,
	EXIT_REASON_EPT_VIOLATION = 48,
	EXIT_REASON_EPT_MISCONFIG = 49,
	EXIT_REASON_PREEMPTION_TIMER = 52,
	EXIT_REASON_XSETBV = 55,
};
#define VMX_EXIT_REASON_MAX 77

/* The SDM's wording for error number n, "reserved (n)" for 0, 14, 21, 27 and
 * "unknown VM-instruction error" past 28. Never NULL. */
const char *vmx_insn_error_name(u32 error);
/* The SDM's name of the basic exit reason in bits 15:0 of `reason` (the
 * other bits, e.g. bit 31 "VM-entry failure", are ignored); "reserved" for
 * the unused numbers and "unknown exit reason" past the table. Never NULL. */
const char *vmx_exit_reason_name(u32 reason);
/* Is this exit an NMI meant for the host (NMI exiting)? Exit reason 0 (not
 * an entry failure) with a valid interruption info of type 2, NMI (SDM
 * 25.9.2: bit 31 valid, bits 10:8 type). A guest exception is not. */
bool vmx_exit_is_nmi(u32 reason, u32 intr_info);

#endif
