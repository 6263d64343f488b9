/* Can this CPU run VT-x? One verdict, the first failure in a fixed order, as
 * ACRN does (SDM vol. 3C 24.6 "Discovering Support for VMX", 24.7 "Enabling
 * and Entering VMX Operation", A.1). Pure: the kernel reads CPUID, the MSRs and
 * CR4 into struct vmx_detect_input and acts on the result. */
#ifndef VMX_VMX_DETECT_H
#define VMX_VMX_DETECT_H

#include "kernel/types.h"

/* Raw values only; the kernel does no interpretation. A leaf beyond the
 * reported maximum may hold anything: it is ignored here. */
struct vmx_detect_input {
	u32 max_basic_leaf;		/* CPUID.0:EAX */
	u32 vendor_ebx, vendor_edx, vendor_ecx;	/* CPUID.0: "Genu" "ineI" "ntel" */
	u32 cpuid1_ecx;			/* CPUID.1:ECX */
	u32 max_ext_leaf;		/* CPUID.80000000:EAX */
	u32 cpuid_80000001_ecx;		/* bit 2 SVM (AMD) */
	u32 cpuid_80000008_eax;		/* [7:0] physical-address width */
	bool feature_control_read;	/* RDMSR(IA32_FEATURE_CONTROL) did not fault */
	u64 feature_control;		/* MSR 0x3a */
	u64 cr4;
	u64 vmx_basic;			/* MSR 0x480; read only when CPUID says VMX */
	/* For the IA32_FEATURE_CONTROL value (vmx_feature_control_value) */
	u32 cpuid7_ebx, cpuid7_ecx;	/* CPUID.(7,0): SGX (EBX bit 2), SGX_LC (ECX bit 30) */
	bool mcg_cap_read;		/* CPUID.1:EDX.MCA set and RDMSR 0x179 did not fault */
	u64 mcg_cap;			/* IA32_MCG_CAP: SER_P bit 24, LMCE_P bit 27 */
	bool measured_launch;		/* a TXT/tboot launch is active (see vmx_cpu.c) */
};

/* In checking order; only the first failure is reported. */
enum vmx_verdict {
	VMX_OK = 0,
	VMX_NOT_INTEL_AMD_SVM,		/* AuthenticAMD / HygonGenuine with SVM */
	VMX_NOT_INTEL,
	VMX_NO_VMX_UNDER_HYPERVISOR,	/* VMX clear, CPUID.1:ECX bit 31 set */
	VMX_NO_VMX,
	VMX_FEATURE_CONTROL_UNREADABLE,
	VMX_DISABLED_BY_FIRMWARE,	/* locked with bit 2 clear */
	VMX_CR4_VMXE_ALREADY_SET,
	VMX_BASIC_MEMTYPE_NOT_WB,
	VMX_BASIC_BAD_REGION_SIZE,	/* 0 or > 4096 */
	VMX_BASIC_32BIT_ADDRESSES,	/* bit 48 */
	VMX_BASIC_BIT31_SET,
	VMX_VERDICT_NR
};

struct vmx_detect_result {
	enum vmx_verdict verdict;
	bool usable;			/* verdict == VMX_OK */
	/* The action: FEATURE_CONTROL unlocked, so before VMXON write
	 * feature_control_new = vmx_feature_control_value(in) and so lock it.
	 * Set only when everything else passed. */
	bool feature_control_write;
	u64 feature_control_new;
	/* What was decoded, for reports. */
	char vendor[13];		/* NUL-terminated, unprintables as '?' */
	bool intel, svm, vmx, smx, hypervisor;
	bool fc_locked, fc_vmxon_inside_smx, fc_vmxon_outside_smx;
	u32 revision_id;		/* from VMX_BASIC, when vmx */
	u32 region_size;
	u8 memory_type;
	unsigned phys_addr_bits;	/* 36 when leaf 80000008 is absent */
};

/* The value to lock IA32_FEATURE_CONTROL with, as Linux 6.1
 * init_ia32_feat_ctl(): whatever firmware left in the unlocked MSR is
 * ignored (a stray bit could enable something unasked or #GP the WRMSR);
 * lock (bit 0); VMXON outside SMX (bit 2) when CPUID says VMX; VMXON inside
 * SMX (bit 1) only with SMX and an active measured launch; SGX enable (bit 18)
 * when CPUID reports SGX (for VMX guests, or for us with launch control) and
 * SGX launch control (bit 17) only with SGX_LC. Beyond Linux, which uses LMCE
 * only when firmware turned it on: LMCE (bit 20) when IA32_MCG_CAP has
 * SER_P (24) and LMCE_P (27), so that locking takes nothing away that the
 * CPU offers until the next reset. Each bit is set only when the CPU
 * supports it: setting an unsupported one makes the WRMSR #GP. */
u64 vmx_feature_control_value(const struct vmx_detect_input *in);

/* Fills *out and returns out->verdict. */
enum vmx_verdict vmx_detect(const struct vmx_detect_input *in, struct vmx_detect_result *out);

/* The fixed sentence for a verdict, e.g. "VT-x disabled by firmware: ...".
 * Never NULL. */
const char *vmx_detect_reason_text(enum vmx_verdict v);

/* One line, no newline: the reason followed by the raw values behind it.
 * snprintf semantics: returns the length the line would have, stores at most
 * size-1 characters and always NUL-terminates when size > 0. */
int vmx_detect_explain(const struct vmx_detect_input *in,
		       const struct vmx_detect_result *r, char *buf, size_t size);

#endif
