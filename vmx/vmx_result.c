#include "vmx/vmx_insn.h"
#include "vmx/vmx_errors.h"
#include "kernel/format.h"
#include "arch/x86_64/traps.h"

int vmx_result_str(struct vmx_result r, char *buf, size_t size)
{
	switch (r.status) {
	case VMX_SUCCEED:
		return ksnprintf(buf, size, "ok");
	case VMX_FAIL_INVALID:
		return ksnprintf(buf, size, "VMfailInvalid");
	case VMX_FAIL_VALID:
		return ksnprintf(buf, size, "VMfailValid %u (%s)", r.error, vmx_insn_error_name(r.error));
	default:
		return ksnprintf(buf, size, "%s", exception_name((unsigned)r.vector));
	}
}

bool vmx_result_is(struct vmx_result r, enum vmx_status st, u32 error_or_vector)
{
	if (r.status != st)
		return false;
	if (st == VMX_FAIL_VALID)
		return r.error == error_or_vector;
	if (st == VMX_FAULT)
		return (u32)r.vector == error_or_vector;
	return true;
}
