/*
 * What vmxboot's own VMM decides for each VM exit of the self-virtualized
 * kernel (vmx/virt.c does it). Pure, host-tested: the exit reason and
 * qualification in, an action out; the CPUID values the guest sees; which
 * MSRs the bitmap intercepts and what the guest gets for them; guest
 * writes to CR0/CR4 under the guest/host masks; the segment access rights
 * of a GDT descriptor for the VMCS guest state.
 */
#ifndef VMX_VIRT_POLICY_H
#define VMX_VIRT_POLICY_H

#include "kernel/types.h"

/* CPUID 0x40000000 inside: "VmxBootVisor" in EBX:ECX:EDX */
#define VIRT_SIG_EBX 0x42786d56u   /* "VmxB" */
#define VIRT_SIG_ECX 0x56746f6fu   /* "ootV" */
#define VIRT_SIG_EDX 0x726f7369u   /* "isor" */
#define VIRT_CPUID_MAX_LEAF 0x40000000u

/* VMCALL from the guest: RAX the call, RBX the key (only the kernel knows it) */
enum virt_call { VIRT_CALL_PING = 0x7601, VIRT_CALL_DEVIRT = 0x7602, VIRT_CALL_NMI = 0x7603 };
#define VIRT_PING_ANSWER 0x56697274u   /* "Virt" in RAX after a ping */

enum virt_action {
	VIRT_ACT_CPUID,          /* real CPUID, filtered (virt_cpuid), RIP advanced */
	VIRT_ACT_RDMSR,          /* by virt_msr_policy */
	VIRT_ACT_WRMSR,
	VIRT_ACT_INJECT_UD,      /* a VMX instruction in the guest: VT-x looks absent */
	VIRT_ACT_XSETBV,         /* executed for the guest; #GP injected when it faults */
	VIRT_ACT_INVD,           /* executed as WBINVD: INVD would drop the VMM's dirty lines too */
	VIRT_ACT_CR_ACCESS,      /* MOV to CR0/CR4 touching a masked bit (virt_cr_write) */
	VIRT_ACT_EPT_VIOLATION,  /* a VMM page: record address and qualification, inject #GP */
	VIRT_ACT_VMCALL,         /* virt_vmcall: ping, devirtualize, else #UD */
	VIRT_ACT_IGNORE,         /* SIPI: only in wait-for-SIPI, which the guest never enters */
	VIRT_ACT_FATAL,          /* triple fault, EPT misconfiguration: report, VMXOFF, park the CPU */
	VIRT_ACT_BRING_OUT,      /* anything else (INIT included): report by name, devirtualize */
};
enum virt_action virt_exit_action(u32 basic_reason);
const char *virt_action_name(enum virt_action a);

struct virt_cpuid {
	u32 eax, ebx, ecx, edx;
};
/* real: what CPUID(leaf, subleaf) gave on the CPU; returns what the guest sees */
struct virt_cpuid virt_cpuid(u32 leaf, u32 subleaf, struct virt_cpuid real);

enum virt_msr_action {
	VIRT_MSR_PASS,           /* executed for the guest with the _safe form; #GP when it faults */
	VIRT_MSR_FC_READ,        /* IA32_FEATURE_CONTROL: locked, VMX off (virt_fc_value) */
	VIRT_MSR_GP,             /* inject #GP */
};
enum virt_msr_action virt_msr_policy(u32 msr, bool write);
u64 virt_fc_value(u64 real);
/* The MSR bitmap page (SDM 25.6.9): read-low, read-high, write-low, write-high */
void virt_msr_bitmap_fill(u8 *bitmap4k);
/* Does RDMSR/WRMSR of msr exit with this bitmap? (outside both ranges: always, 26.1.3) */
bool virt_msr_exits(const u8 *bitmap4k, u32 msr, bool write);

enum virt_vmcall_result { VIRT_VMCALL_PING, VIRT_VMCALL_DEVIRT, VIRT_VMCALL_UD,
	VIRT_VMCALL_NMI,         /* test: the VMM sends itself an NMI while handling this exit */
};
enum virt_vmcall_result virt_vmcall(u64 rax, u64 rbx, u64 key);

/* A MOV to CR0 or CR4 that exited (the guest/host mask): the value the CPU
 * gets, the read shadow the guest sees, or #GP. CR4.VMXE set by the guest
 * is #GP (CPUID says no VMX); the fixed bits VMX operation needs stay. */
struct virt_cr_write {
	bool gp;
	u64 guest, shadow;
};
struct virt_cr_write virt_cr_write(unsigned cr, u64 value, u64 fixed0, u64 fixed1);
/* CR access exit qualification (SDM table 28-3) */
struct virt_cr_qual {
	unsigned cr, type, gpr;   /* type 0 MOV to CR, 1 MOV from CR, 2 CLTS, 3 LMSW */
};
struct virt_cr_qual virt_cr_qual_decode(u64 qual);

/* VMCS access rights (SDM 25.4.1) of a GDT descriptor; a null selector is unusable */
u32 virt_seg_access_rights(u16 selector, u64 descriptor);
u32 virt_seg_limit(u64 descriptor);
u64 virt_seg_base(u64 lo, u64 hi, bool system);   /* hi: the next GDT slot for a 64-bit TSS */

/* An NMI taken in the VMM (its own IDT, IST stack) belongs to the guest: the
 * kernel counts NMIs (nmis=). Without NMI exiting and virtual NMIs there is
 * no NMI-window exit, so the VMM injects it on the next VM entry that
 * carries no other event and finds the guest not blocking NMIs (SDM 26.3.1.5:
 * an injected NMI needs blocking by STI, MOV SS and NMI clear), else holds
 * it for a later entry; at devirtualize a held NMI is sent again as a
 * self-NMI, so none is lost. */
enum virt_nmi_action { VIRT_NMI_NONE, VIRT_NMI_INJECT, VIRT_NMI_HOLD };
enum virt_nmi_action virt_nmi_decide(u32 pending, u32 entry_interruption_info, u64 guest_interruptibility);
#define VIRT_NMI_INJECT_INFO 0x80000202u   /* valid, type 2 (NMI), vector 2 (SDM 25.8.3) */

/* The VM exits counted per basic reason */
#define VIRT_EXIT_SLOTS 80

#endif
