/* The known-deviation table (see deviations.h). Bochs 2.7 rows were found by
 * running the suite, and each was read against Bochs's cpu/vmx.cc. */
#include "vmx/deviations.h"
#include "vmx/vmx_errors.h"
#include "kernel/lib.h"
#include "kernel/format.h"
#include "vmx/vmx_defs.h"
#include "vmx/conf_cases.h"

#define FAIL_VALID(n) ((u64)VMX_FAIL_VALID << 40 | (u64)(n) << 8)
#define SUCCEED ((u64)VMX_SUCCEED << 40)

static const struct vmx_deviation table[] = {
	/* VMCALL checks IA32_SMM_MONITOR_CTL[0] before the launch state; Bochs
	 * goes straight to the dual-monitor checks */
	{ PLATFORM_BOCHS, "vmcall_in_root_launched_vmcs_error_1", FAIL_VALID(19), "31.3 VMCALL",
	  "Bochs 2.7 checks the launch state before IA32_SMM_MONITOR_CTL[0]" },
	/* Bochs reports a compile-time highest index, one above what its models accept */
	{ PLATFORM_BOCHS, "highest_field_index_matches_vmcs_enum", 0x19, "A.9",
	  "Bochs 2.7 reports a compile-time highest index, one above its models' fields" },
	/* no canonical check of a 64-bit guest's RIP at VM entry */
	{ PLATFORM_BOCHS, "vmx.break=guest_rip", SUCCEED, "27.3.1.4",
	  "Bochs 2.7 enters the guest, which then takes a general-protection fault" },
	/* the same in the case table: the guest's #GP exits through the exception bitmap */
	{ PLATFORM_BOCHS, "entry_guest_rip_noncanonical_exit_33", CONF_OUTCOME(EXP_ENTERED, 0, 0), "27.3.1.4",
	  "Bochs 2.7 enters; the guest takes a general-protection fault" },
	/* Bochs has no "entry to SMM" check among the VM-entry controls (cpu/vmx.cc
	 * VMenterLoadCheckVmControls); its guest-state check that an SMM guest
	 * blocks SMIs fails instead */
	{ PLATFORM_BOCHS, "entry_ctl_entry_to_smm_outside_smm_error_7", CONF_OUTCOME(EXP_ENTRY_FAIL, 33, 0),
	  "27.2.1.3", "Bochs 2.7 checks entry to SMM only as guest state" },
};

const struct vmx_deviation *vmx_deviation_find(enum platform_kind platform, const char *name, u64 observed)
{
	for (size_t i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].platform == platform && table[i].observed == observed && !strcmp(table[i].name, name))
			return &table[i];
	return 0;
}

const struct vmx_deviation *vmx_deviation_at(size_t i)
{
	return i < ARRAY_SIZE(table) ? &table[i] : 0;
}

bool vmx_vmcall_skip_reason(char *buf, size_t n, const char *hv_vendor, u64 vmx_basic, bool smm_read_ok,
			    u64 smm_monitor_ctl, bool clear_vmcs, enum platform_kind platform)
{
	if (hv_vendor) {
		ksnprintf(buf, n, "under the hypervisor \"%s\" VMCALL is its hypercall, not an SDM outcome",
			  hv_vendor[0] ? hv_vendor : "?");
		return true;
	}
	if ((vmx_basic & VMX_BASIC_DUAL_MONITOR) && smm_read_ok && (smm_monitor_ctl & 1)) {
		ksnprintf(buf, n, "IA32_SMM_MONITOR_CTL is 0x%lx (valid bit set): VMCALL would activate the "
			  "dual-monitor treatment of SMIs", smm_monitor_ctl);
		return true;
	}
	if (clear_vmcs && platform == PLATFORM_BOCHS) {
		ksnprintf(buf, n, "Bochs 2.7 panics on VMCALL with a clear current VMCS (\"VMCALL: not implemented "
			  "yet\"); not run");
		return true;
	}
	return false;
}
