/* The names of every VMX capability bit: SDM vol. 3C tables 25-5 to 25-15
 * (controls) and appendix A (A.1 basic, A.6 misc, A.7/A.8 fixed CR bits,
 * A.9 VMCS enumeration, A.10 EPT/VPID, A.11 VM functions), with the spelling
 * QEMU's scripts/kvm/vmxcap uses where it differs (NULL: the same; "": vmxcap
 * does not list it). See vmx_capdecode.h. */
#include "vmx/vmx_capdecode.h"
#include "kernel/lib.h"

#define B(bit, sdm, vc) { bit, bit, sdm, vc }
#define F(lo, hi, sdm, vc) { lo, hi, sdm, vc }

static const struct vmx_cap_name basic[] = {
	F(0, 30, "VMCS revision identifier", "Revision"),
	F(32, 44, "VMXON/VMCS region size", "VMCS size"),
	B(48, "Physical addresses limited to 32 bits", "VMCS restricted to 32 bit addresses"),
	B(49, "Dual-monitor treatment of SMIs and SMM", "Dual-monitor support"),
	F(50, 53, "VMCS memory type", NULL),
	B(54, "VM-exit instruction information for INS and OUTS", "INS/OUTS instruction information"),
	B(55, "TRUE capability MSRs", "IA32_VMX_TRUE_*_CTLS support"),
	B(56, "VM entry may deliver hardware exceptions with or without error code", "Skip checks on event error code"),
};

static const struct vmx_cap_name pin[] = {
	B(0, "External-interrupt exiting", "External interrupt exiting"),
	B(3, "NMI exiting", NULL),
	B(5, "Virtual NMIs", NULL),
	B(6, "Activate VMX-preemption timer", NULL),
	B(7, "Process posted interrupts", NULL),
};

static const struct vmx_cap_name proc[] = {
	B(2, "Interrupt-window exiting", "Interrupt window exiting"),
	B(3, "Use TSC offsetting", NULL),
	B(7, "HLT exiting", NULL),
	B(9, "INVLPG exiting", NULL),
	B(10, "MWAIT exiting", NULL),
	B(11, "RDPMC exiting", NULL),
	B(12, "RDTSC exiting", NULL),
	B(15, "CR3-load exiting", NULL),
	B(16, "CR3-store exiting", NULL),
	B(17, "Activate tertiary controls", NULL),
	B(19, "CR8-load exiting", NULL),
	B(20, "CR8-store exiting", NULL),
	B(21, "Use TPR shadow", NULL),
	B(22, "NMI-window exiting", NULL),
	B(23, "MOV-DR exiting", NULL),
	B(24, "Unconditional I/O exiting", NULL),
	B(25, "Use I/O bitmaps", NULL),
	B(27, "Monitor trap flag", NULL),
	B(28, "Use MSR bitmaps", NULL),
	B(29, "MONITOR exiting", NULL),
	B(30, "PAUSE exiting", NULL),
	B(31, "Activate secondary controls", "Activate secondary control"),
};

static const struct vmx_cap_name proc2[] = {
	B(0, "Virtualize APIC accesses", NULL),
	B(1, "Enable EPT", NULL),
	B(2, "Descriptor-table exiting", NULL),
	B(3, "Enable RDTSCP", NULL),
	B(4, "Virtualize x2APIC mode", NULL),
	B(5, "Enable VPID", NULL),
	B(6, "WBINVD exiting", NULL),
	B(7, "Unrestricted guest", NULL),
	B(8, "APIC-register virtualization", "APIC register emulation"),
	B(9, "Virtual-interrupt delivery", "Virtual interrupt delivery"),
	B(10, "PAUSE-loop exiting", NULL),
	B(11, "RDRAND exiting", NULL),
	B(12, "Enable INVPCID", NULL),
	B(13, "Enable VM functions", NULL),
	B(14, "VMCS shadowing", NULL),
	B(15, "Enable ENCLS exiting", NULL),
	B(16, "RDSEED exiting", NULL),
	B(17, "Enable PML", NULL),
	B(18, "EPT-violation #VE", NULL),
	B(19, "Conceal VMX from PT", "Conceal non-root operation from PT"),
	B(20, "Enable XSAVES/XRSTORS", NULL),
	B(22, "Mode-based execute control for EPT", "Mode-based execute control (XS/XU)"),
	B(23, "Sub-page write permissions for EPT", "Sub-page write permissions"),
	B(24, "Intel PT uses guest physical addresses", "GPA translation for PT"),
	B(25, "Use TSC scaling", "TSC scaling"),
	B(26, "Enable user wait and pause", "User wait and pause"),
	B(27, "Enable PCONFIG", ""),
	B(28, "Enable ENCLV exiting", "ENCLV exiting"),
	B(30, "VMM bus-lock detection", ""),
	B(31, "Instruction timeout", ""),
};

static const struct vmx_cap_name proc3[] = {
	B(0, "LOADIWKEY exiting", ""),
	B(1, "Enable HLAT", ""),
	B(2, "EPT paging-write control", ""),
	B(3, "Guest-paging verification", ""),
	B(4, "IPI virtualization", "Enable IPI virtualization"),
	B(7, "Virtualize IA32_SPEC_CTRL", ""),
};

static const struct vmx_cap_name exitc[] = {
	B(2, "Save debug controls", NULL),
	B(9, "Host address-space size", NULL),
	B(12, "Load IA32_PERF_GLOBAL_CTRL", NULL),
	B(15, "Acknowledge interrupt on exit", NULL),
	B(18, "Save IA32_PAT", NULL),
	B(19, "Load IA32_PAT", NULL),
	B(20, "Save IA32_EFER", NULL),
	B(21, "Load IA32_EFER", NULL),
	B(22, "Save VMX-preemption timer value", NULL),
	B(23, "Clear IA32_BNDCFGS", NULL),
	B(24, "Conceal VMX from PT", "Conceal VM exits from PT"),
	B(25, "Clear IA32_RTIT_CTL", NULL),
	B(26, "Clear IA32_LBR_CTL", ""),
	B(27, "Clear UINV", ""),
	B(28, "Load CET state", ""),
	B(29, "Load PKRS", ""),
	B(30, "Save IA32_PERF_GLOBAL_CTL", ""),
	B(31, "Activate secondary controls", ""),
};

/* 0x493 (SDM 25.7.1, FRED): as Linux's SECONDARY_VM_EXIT_*_IA32_FRED */
static const struct vmx_cap_name exit2[] = {
	B(0, "Save IA32_FRED", ""),
	B(1, "Load IA32_FRED", ""),
};

static const struct vmx_cap_name entry[] = {
	B(2, "Load debug controls", NULL),
	B(9, "IA-32e mode guest", NULL),
	B(10, "Entry to SMM", NULL),
	B(11, "Deactivate dual-monitor treatment", NULL),
	B(13, "Load IA32_PERF_GLOBAL_CTRL", NULL),
	B(14, "Load IA32_PAT", NULL),
	B(15, "Load IA32_EFER", NULL),
	B(16, "Load IA32_BNDCFGS", NULL),
	B(17, "Conceal VMX from PT", "Conceal VM entries from PT"),
	B(18, "Load IA32_RTIT_CTL", NULL),
	B(19, "Load UINV", ""),
	B(20, "Load CET state", ""),
	B(21, "Load guest IA32_LBR_CTL", ""),
	B(22, "Load PKRS", ""),
	B(23, "Load IA32_FRED", ""),
};

static const struct vmx_cap_name misc[] = {
	F(0, 4, "VMX-preemption timer rate (TSC bit)", "VMX-preemption timer scale (log2)"),
	B(5, "EFER.LMA stored into \"IA-32e mode guest\" on VM exit", "Store EFER.LMA into IA-32e mode guest control"),
	B(6, "HLT activity state", NULL),
	B(7, "Shutdown activity state", NULL),
	B(8, "Wait-for-SIPI activity state", NULL),
	B(14, "Intel PT in VMX operation", "PT in VMX operation"),
	B(15, "RDMSR of IA32_SMBASE in SMM", "IA32_SMBASE support"),
	F(16, 24, "Number of CR3-target values", NULL),
	F(25, 27, "MSR-list size N (at most 512*(N+1) entries)", "MSR-load/store count recommendation"),
	B(28, "IA32_SMM_MONITOR_CTL bit 2 may be 1", "IA32_SMM_MONITOR_CTL[2] can be set to 1"),
	B(29, "VMWRITE to any supported VMCS field", "VMWRITE to VM-exit information fields"),
	B(30, "VM entry may inject with instruction length 0", "Inject event with insn length=0"),
	F(32, 63, "MSEG revision identifier", NULL),
};

static const struct vmx_cap_name ept[] = {
	B(0, "Execute-only EPT translations", NULL),
	B(6, "Page-walk length 4", NULL),
	B(7, "Page-walk length 5", NULL),
	B(8, "Uncacheable EPT paging-structure memory type", "Paging-structure memory type UC"),
	B(14, "Write-back EPT paging-structure memory type", "Paging-structure memory type WB"),
	B(16, "2-MByte EPT pages", "2MB EPT pages"),
	B(17, "1-GByte EPT pages", "1GB EPT pages"),
	B(20, "INVEPT instruction", "INVEPT supported"),
	B(21, "Accessed and dirty flags for EPT", "EPT accessed and dirty flags"),
	B(22, "Advanced VM-exit information for EPT violations", NULL),
	B(23, "Supervisor shadow-stack control", ""),
	B(25, "Single-context INVEPT", NULL),
	B(26, "All-context INVEPT", NULL),
	B(32, "INVVPID instruction", "INVVPID supported"),
	B(40, "Individual-address INVVPID", NULL),
	B(41, "Single-context INVVPID", NULL),
	B(42, "All-context INVVPID", NULL),
	B(43, "Single-context-retaining-globals INVVPID", NULL),
	F(48, 53, "Maximum HLAT prefix size", ""),
};

static const struct vmx_cap_name vmfunc[] = {
	B(0, "EPTP switching", "EPTP Switching"),
};

static const struct vmx_cap_name vmcs_enum[] = {
	F(1, 9, "Highest index in VMCS field encodings", ""),
};

static const struct vmx_cap_name cr0[] = {
	B(0, "CR0.PE", ""), B(1, "CR0.MP", ""), B(2, "CR0.EM", ""), B(3, "CR0.TS", ""),
	B(4, "CR0.ET", ""), B(5, "CR0.NE", ""), B(16, "CR0.WP", ""), B(18, "CR0.AM", ""),
	B(29, "CR0.NW", ""), B(30, "CR0.CD", ""), B(31, "CR0.PG", ""),
};

static const struct vmx_cap_name cr4[] = {
	B(0, "CR4.VME", ""), B(1, "CR4.PVI", ""), B(2, "CR4.TSD", ""), B(3, "CR4.DE", ""),
	B(4, "CR4.PSE", ""), B(5, "CR4.PAE", ""), B(6, "CR4.MCE", ""), B(7, "CR4.PGE", ""),
	B(8, "CR4.PCE", ""), B(9, "CR4.OSFXSR", ""), B(10, "CR4.OSXMMEXCPT", ""), B(11, "CR4.UMIP", ""),
	B(12, "CR4.LA57", ""), B(13, "CR4.VMXE", ""), B(14, "CR4.SMXE", ""), B(16, "CR4.FSGSBASE", ""),
	B(17, "CR4.PCIDE", ""), B(18, "CR4.OSXSAVE", ""), B(19, "CR4.KL", ""), B(20, "CR4.SMEP", ""),
	B(21, "CR4.SMAP", ""), B(22, "CR4.PKE", ""), B(23, "CR4.CET", ""), B(24, "CR4.PKS", ""),
	B(25, "CR4.UINTR", ""),
};

#define G(k, t, m, tm, m2, kind, tab) { k, t, m, tm, m2, kind, tab, ARRAY_SIZE(tab) }

const struct vmx_cap_group vmx_cap_groups[] = {
	G("basic", "basic VMX information", MSR_IA32_VMX_BASIC, 0, 0, CAPG_FIELDS, basic),
	G("pin", "pin-based VM-execution controls", MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS, 0,
	  CAPG_CTLS, pin),
	G("proc", "primary processor-based VM-execution controls", MSR_IA32_VMX_PROCBASED_CTLS,
	  MSR_IA32_VMX_TRUE_PROCBASED_CTLS, 0, CAPG_CTLS, proc),
	G("proc2", "secondary processor-based VM-execution controls", MSR_IA32_VMX_PROCBASED_CTLS2, 0, 0,
	  CAPG_CTLS, proc2),
	G("proc3", "tertiary processor-based VM-execution controls", MSR_IA32_VMX_PROCBASED_CTLS3, 0, 0,
	  CAPG_ALLOWED1, proc3),
	G("exit", "primary VM-exit controls", MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS, 0, CAPG_CTLS,
	  exitc),
	G("exit2", "secondary VM-exit controls", MSR_IA32_VMX_EXIT_CTLS2, 0, 0, CAPG_ALLOWED1, exit2),
	G("entry", "VM-entry controls", MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS, 0, CAPG_CTLS, entry),
	G("misc", "miscellaneous data", MSR_IA32_VMX_MISC, 0, 0, CAPG_FIELDS, misc),
	G("ept", "EPT and VPID capabilities", MSR_IA32_VMX_EPT_VPID_CAP, 0, 0, CAPG_FIELDS, ept),
	G("vmfunc", "VM functions", MSR_IA32_VMX_VMFUNC, 0, 0, CAPG_FIELDS, vmfunc),
	G("cr0", "CR0 bits in VMX operation", MSR_IA32_VMX_CR0_FIXED0, 0, MSR_IA32_VMX_CR0_FIXED1, CAPG_FIXED, cr0),
	G("cr4", "CR4 bits in VMX operation", MSR_IA32_VMX_CR4_FIXED0, 0, MSR_IA32_VMX_CR4_FIXED1, CAPG_FIXED, cr4),
	G("enum", "VMCS enumeration", MSR_IA32_VMX_VMCS_ENUM, 0, 0, CAPG_FIELDS, vmcs_enum),
};
const size_t vmx_cap_groups_count = ARRAY_SIZE(vmx_cap_groups);
