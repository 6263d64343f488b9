/* VT-x detection: one verdict per CPU from raw CPUID/MSR/CR4 values. Pure. */
#include "vmx/vmx_detect.h"
#include "vmx/vmx_defs.h"
#include "vmx/vmx_caps.h"
#include "kernel/format.h"
#include "kernel/lib.h"

static void decode_vendor(const struct vmx_detect_input *in, char v[13])
{
	u32 regs[3] = { in->vendor_ebx, in->vendor_edx, in->vendor_ecx };

	for (int i = 0; i < 12; i++) {
		char ch = (char)(regs[i / 4] >> (8 * (i % 4)));
		v[i] = (ch >= 0x20 && ch < 0x7f) ? ch : '?';
	}
	v[12] = '\0';
}

static void decode(const struct vmx_detect_input *in, struct vmx_detect_result *r)
{
	u32 ecx1 = in->max_basic_leaf >= 1 ? in->cpuid1_ecx : 0;
	struct vmx_basic b;

	memset(r, 0, sizeof(*r));
	decode_vendor(in, r->vendor);
	r->intel = strcmp(r->vendor, "GenuineIntel") == 0;
	r->svm = in->max_ext_leaf >= 0x80000001 &&
		 (in->cpuid_80000001_ecx & CPUID80000001_ECX_SVM);
	r->vmx = (ecx1 & CPUID1_ECX_VMX) != 0;
	r->smx = (ecx1 & CPUID1_ECX_SMX) != 0;
	r->hypervisor = (ecx1 & CPUID1_ECX_HYPERVISOR) != 0;
	r->fc_locked = (in->feature_control & FEATURE_CONTROL_LOCK) != 0;
	r->fc_vmxon_inside_smx = (in->feature_control & FEATURE_CONTROL_VMXON_INSIDE_SMX) != 0;
	r->fc_vmxon_outside_smx = (in->feature_control & FEATURE_CONTROL_VMXON_OUTSIDE_SMX) != 0;
	r->phys_addr_bits = vmx_phys_addr_bits(in->max_ext_leaf >= 0x80000008 ?
					       in->cpuid_80000008_eax : 0);
	if (r->vmx) {
		b = vmx_decode_basic(in->vmx_basic);
		r->revision_id = b.revision_id;
		r->region_size = b.region_size;
		r->memory_type = b.memory_type;
	}
}

static enum vmx_verdict first_failure(const struct vmx_detect_input *in,
				      const struct vmx_detect_result *r)
{
	bool amd_like = strcmp(r->vendor, "AuthenticAMD") == 0 ||
			strcmp(r->vendor, "HygonGenuine") == 0;

	if (!r->intel)
		return amd_like && r->svm ? VMX_NOT_INTEL_AMD_SVM : VMX_NOT_INTEL;
	if (!r->vmx)
		return r->hypervisor ? VMX_NO_VMX_UNDER_HYPERVISOR : VMX_NO_VMX;
	if (!in->feature_control_read)
		return VMX_FEATURE_CONTROL_UNREADABLE;
	/* 24.7: with the lock set, VMXON outside SMX #GPs unless bit 2 is set. */
	if (r->fc_locked && !r->fc_vmxon_outside_smx)
		return VMX_DISABLED_BY_FIRMWARE;
	if (in->cr4 & CR4_VMXE)
		return VMX_CR4_VMXE_ALREADY_SET;
	/* A.1: we map VMXON/VMCS regions write-back, 4 KiB each, anywhere. */
	if (r->memory_type != VMX_MEMTYPE_WB)
		return VMX_BASIC_MEMTYPE_NOT_WB;
	if (r->region_size == 0 || r->region_size > PAGE_SIZE)
		return VMX_BASIC_BAD_REGION_SIZE;
	if (in->vmx_basic & VMX_BASIC_PHYS_ADDR_32)
		return VMX_BASIC_32BIT_ADDRESSES;
	if (in->vmx_basic & VMX_BASIC_BIT31)
		return VMX_BASIC_BIT31_SET;
	return VMX_OK;
}

u64 vmx_feature_control_value(const struct vmx_detect_input *in)
{
	u32 ecx1 = in->max_basic_leaf >= 1 ? in->cpuid1_ecx : 0;
	u32 ebx7 = in->max_basic_leaf >= 7 ? in->cpuid7_ebx : 0;
	u32 ecx7 = in->max_basic_leaf >= 7 ? in->cpuid7_ecx : 0;
	bool vmx = ecx1 & CPUID1_ECX_VMX, smx = ecx1 & CPUID1_ECX_SMX;
	bool sgx = ebx7 & CPUID7_EBX_SGX, sgx_lc = sgx && (ecx7 & CPUID7_ECX_SGX_LC);
	u64 lmce = MCG_CAP_SER_P | MCG_CAP_LMCE_P;
	u64 v = FEATURE_CONTROL_LOCK;

	if (vmx) {
		v |= FEATURE_CONTROL_VMXON_OUTSIDE_SMX;
		if (smx && in->measured_launch)
			v |= FEATURE_CONTROL_VMXON_INSIDE_SMX;
	}
	/* Linux: SGX for KVM guests needs VMX, SGX for its driver needs LC */
	if (sgx && (vmx || sgx_lc))
		v |= FEATURE_CONTROL_SGX;
	if (sgx_lc)
		v |= FEATURE_CONTROL_SGX_LC;
	if (in->mcg_cap_read && (in->mcg_cap & lmce) == lmce)
		v |= FEATURE_CONTROL_LMCE;
	return v;
}

enum vmx_verdict vmx_detect(const struct vmx_detect_input *in, struct vmx_detect_result *out)
{
	decode(in, out);
	out->verdict = first_failure(in, out);
	out->usable = out->verdict == VMX_OK;
	if (out->usable && !out->fc_locked) {
		out->feature_control_write = true;
		out->feature_control_new = vmx_feature_control_value(in);
	}
	return out->verdict;
}

static const char *const reason_text[VMX_VERDICT_NR] = {
	[VMX_OK] = "VT-x usable",
	[VMX_NOT_INTEL_AMD_SVM] = "AMD CPU: this machine has AMD-V (SVM), not VT-x",
	[VMX_NOT_INTEL] = "not an Intel CPU",
	[VMX_NO_VMX_UNDER_HYPERVISOR] = "running under a hypervisor that does not expose "
		"VT-x - enable nested virtualization",
	[VMX_NO_VMX] = "this Intel CPU has no VT-x (CPUID.1:ECX bit 5 clear)",
	[VMX_FEATURE_CONTROL_UNREADABLE] = "IA32_FEATURE_CONTROL cannot be read "
		"(RDMSR 0x3a faulted)",
	[VMX_DISABLED_BY_FIRMWARE] = "VT-x disabled by firmware: enable Intel "
		"Virtualization Technology in the firmware setup",
	[VMX_CR4_VMXE_ALREADY_SET] = "another hypervisor already owns VT-x "
		"(CR4.VMXE already set)",
	[VMX_BASIC_MEMTYPE_NOT_WB] = "IA32_VMX_BASIC: VMCS memory type is not "
		"write-back (6)",
	[VMX_BASIC_BAD_REGION_SIZE] = "IA32_VMX_BASIC: VMXON/VMCS region size is 0 "
		"or larger than 4096 bytes",
	[VMX_BASIC_32BIT_ADDRESSES] = "IA32_VMX_BASIC: bit 48 set, VMX structures "
		"limited to 32-bit physical addresses",
	[VMX_BASIC_BIT31_SET] = "IA32_VMX_BASIC: reserved bit 31 set",
};

const char *vmx_detect_reason_text(enum vmx_verdict v)
{
	if ((unsigned)v >= VMX_VERDICT_NR)
		return "unknown VT-x verdict";
	return reason_text[v];
}

static int explain_ok(const struct vmx_detect_input *in,
		      const struct vmx_detect_result *r, char *buf, size_t size)
{
	const char *t = reason_text[VMX_OK];

	if (r->feature_control_write) {
		u64 n = r->feature_control_new;
		return ksnprintf(buf, size, "%s after enabling: IA32_FEATURE_CONTROL=0x%llx "
				 "unlocked, write 0x%llx (lock + VMXON outside SMX%s%s%s%s); "
				 "revision 0x%x, region %u bytes, %u-bit physical addresses",
				 t, (unsigned long long)in->feature_control, (unsigned long long)n,
				 n & FEATURE_CONTROL_VMXON_INSIDE_SMX ? " + inside SMX" : "",
				 n & FEATURE_CONTROL_SGX ? " + SGX" : "",
				 n & FEATURE_CONTROL_SGX_LC ? " + SGX launch control" : "",
				 n & FEATURE_CONTROL_LMCE ? " + LMCE" : "",
				 r->revision_id, r->region_size, r->phys_addr_bits);
	}
	return ksnprintf(buf, size, "%s: IA32_FEATURE_CONTROL=0x%llx (locked, VMXON "
			 "outside SMX enabled); revision 0x%x, region %u bytes, "
			 "%u-bit physical addresses", t,
			 (unsigned long long)in->feature_control, r->revision_id,
			 r->region_size, r->phys_addr_bits);
}

int vmx_detect_explain(const struct vmx_detect_input *in,
		       const struct vmx_detect_result *r, char *buf, size_t size)
{
	const char *t = vmx_detect_reason_text(r->verdict);
	unsigned long long basic = in->vmx_basic, fc = in->feature_control;

	switch (r->verdict) {
	case VMX_OK:
		return explain_ok(in, r, buf, size);
	case VMX_NOT_INTEL_AMD_SVM:
		return ksnprintf(buf, size, "%s (vendor '%s', CPUID.80000001:ECX=0x%x)",
				 t, r->vendor, in->cpuid_80000001_ecx);
	case VMX_NOT_INTEL:
		return ksnprintf(buf, size, "%s (vendor '%s')", t, r->vendor);
	case VMX_NO_VMX_UNDER_HYPERVISOR:
	case VMX_NO_VMX:
		return ksnprintf(buf, size, "%s [CPUID.1:ECX=0x%x]", t, in->cpuid1_ecx);
	case VMX_FEATURE_CONTROL_UNREADABLE:
		return ksnprintf(buf, size, "%s", t);
	case VMX_DISABLED_BY_FIRMWARE:
		return ksnprintf(buf, size, "%s [IA32_FEATURE_CONTROL=0x%llx: lock=%d "
				 "vmxon_in_smx=%d vmxon_outside_smx=%d; CPUID.1:ECX.SMX=%d]",
				 t, fc, r->fc_locked, r->fc_vmxon_inside_smx,
				 r->fc_vmxon_outside_smx, r->smx);
	case VMX_CR4_VMXE_ALREADY_SET:
		return ksnprintf(buf, size, "%s [CR4=0x%llx]", t, (unsigned long long)in->cr4);
	case VMX_BASIC_MEMTYPE_NOT_WB:
		return ksnprintf(buf, size, "%s [IA32_VMX_BASIC=0x%llx: memory type %u]",
				 t, basic, r->memory_type);
	case VMX_BASIC_BAD_REGION_SIZE:
		return ksnprintf(buf, size, "%s [IA32_VMX_BASIC=0x%llx: %u bytes]",
				 t, basic, r->region_size);
	case VMX_BASIC_32BIT_ADDRESSES:
	case VMX_BASIC_BIT31_SET:
		return ksnprintf(buf, size, "%s [IA32_VMX_BASIC=0x%llx]", t, basic);
	case VMX_VERDICT_NR:
		break;
	}
	return ksnprintf(buf, size, "%s (%d)", t, (int)r->verdict);
}
