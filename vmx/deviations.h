/* Known deviations from the SDM: the one table every XFAIL comes from.
 * A case whose outcome differs from the SDM's is an XFAIL only when its
 * (platform, case, observed outcome) is listed here; any other mismatch is a
 * FAIL, so a new deviation is still found. Each entry names the SDM section
 * and says what the CPU did. The README lists the same rows. */
#ifndef VMX_DEVIATIONS_H
#define VMX_DEVIATIONS_H

#include "kernel/types.h"
#include "kernel/platform.h"
#include "vmx/vmx_insn.h"

struct vmx_deviation {
	enum platform_kind platform;
	const char *name;        /* KTAP case name */
	u64 observed;            /* vmx_outcome() of what the CPU did, or the case's own number */
	const char *sdm;         /* section the expected outcome comes from */
	const char *what;        /* what the CPU did, in words */
};

/* One number for an instruction outcome: status, error number, vector. */
static inline u64 vmx_outcome(struct vmx_result r)
{
	return (u64)r.status << 40 | (u64)r.error << 8 | (u8)r.vector;
}

/* The matching row, or NULL. Pure: host-tested. */
const struct vmx_deviation *vmx_deviation_find(enum platform_kind platform, const char *name, u64 observed);
/* Row i of the table (NULL past the end): for the README and the tests. */
const struct vmx_deviation *vmx_deviation_at(size_t i);

/* Why a VMCALL-in-VMX-root case must not run, written into buf, or false when
 * it may. Under a hypervisor (hv_vendor non-NULL: CPUID's hypervisor bit)
 * VMCALL is its hypercall, not an SDM outcome. On bare metal the SDM 31.3
 * outcomes (VMfailInvalid, VMfailValid 1) hold only while
 * IA32_SMM_MONITOR_CTL[0] is 0; with it set (possible only when VMX_BASIC
 * bit 49 reports the dual-monitor treatment; smm_read_ok says the MSR was
 * read) VMCALL activates that treatment instead. Bochs 2.7 panics on VMCALL
 * with a clear current VMCS (clear_vmcs). */
bool vmx_vmcall_skip_reason(char *buf, size_t n, const char *hv_vendor, u64 vmx_basic, bool smm_read_ok,
			    u64 smm_monitor_ctl, bool clear_vmcs, enum platform_kind platform);

#endif
