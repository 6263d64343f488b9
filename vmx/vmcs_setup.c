/*
 * Filling a VMCS for the minimal guest (SDM vol. 3C 25 "Organization of VMCS
 * data", 27.2-27.3 for the rules the values follow). Controls come from the
 * capability MSRs through vmx_adjust_controls: required-1 bits set,
 * unsupported ones clear, and a wanted bit that is not allowed is an error.
 */
#include "vmx/guest.h"
#include "vmx/vmx_defs.h"
#include "kernel/format.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"

const char *const vmx_break_names[] = { "none", "guest_cr0", "guest_rip", "host_rip", "control", "link_pointer", 0 };

/* access rights (SDM 25.4.1, table 25-2): type, S, DPL, P, AVL, L, D/B, G, unusable */
#define AR_CODE64 0xa09b    /* execute/read accessed, S, P, L, G */
#define AR_DATA   0xc093    /* read/write accessed, S, P, D/B, G */
#define AR_TSS64  0x008b    /* 64-bit TSS busy, P */
#define AR_UNUSABLE 0x10000

static bool adjust(const struct vmx_caps *c, enum vmx_ctl_kind k, u32 wanted, u32 *out,
		   struct guest_setup *gs, const char *what)
{
	struct vmx_adjust a;
	if (vmx_adjust_controls(wanted, vmx_caps_ctl_msr(c, k), &a) != VMX_ADJUST_OK) {
		ksnprintf(gs->error, sizeof(gs->error), "%s controls: wanted bits 0x%x not allowed by MSR 0x%x",
			  what, a.refused, vmx_caps_ctl_msr_number(c, k));
		return false;
	}
	*out = a.value;
	return true;
}

static void w(u32 field, u64 v)
{
	vmwrite_safe(field, v);
}

static void host_state(void)
{
	struct cpu *c = this_cpu();
	struct desc_ptr g, i;
	sgdt(&g);
	sidt(&i);
	w(VMCS_HOST_CR0, read_cr0());
	w(VMCS_HOST_CR3, read_cr3());
	w(VMCS_HOST_CR4, read_cr4());
	w(VMCS_HOST_CS_SELECTOR, KERNEL_CS);
	w(VMCS_HOST_SS_SELECTOR, KERNEL_DS);
	w(VMCS_HOST_DS_SELECTOR, KERNEL_DS);
	w(VMCS_HOST_ES_SELECTOR, KERNEL_DS);
	w(VMCS_HOST_FS_SELECTOR, 0);
	w(VMCS_HOST_GS_SELECTOR, 0);
	w(VMCS_HOST_TR_SELECTOR, KERNEL_TSS);
	w(VMCS_HOST_FS_BASE, rdmsr(MSR_FS_BASE));
	w(VMCS_HOST_GS_BASE, (u64)(uintptr_t)c);
	w(VMCS_HOST_TR_BASE, (u64)(uintptr_t)&c->tables.tss);
	w(VMCS_HOST_GDTR_BASE, g.base);
	w(VMCS_HOST_IDTR_BASE, i.base);
	w(VMCS_HOST_IA32_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
	w(VMCS_HOST_IA32_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
	w(VMCS_HOST_IA32_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
	w(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	w(VMCS_HOST_RIP, (u64)(uintptr_t)vmx_exit_entry);
	/* HOST_RSP is written by vmx_enter right before each entry */
}

static void seg(u32 sel_f, u32 base_f, u32 lim_f, u32 ar_f, u16 sel, u64 base, u32 lim, u32 ar)
{
	w(sel_f, sel);
	w(base_f, base);
	w(lim_f, lim);
	w(ar_f, ar);
}

void vmcs_reset_guest(const struct guest_setup *gs)
{
	w(VMCS_GUEST_RIP, (u64)(uintptr_t)guest_stub);
	w(VMCS_GUEST_RSP, gs->guest_stack_top);
	w(VMCS_GUEST_RFLAGS, 0x2);
	w(VMCS_GUEST_ACTIVITY_STATE, 0);
	w(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
}

static void guest_state(const struct guest_setup *gs)
{
	struct cpu *c = this_cpu();
	struct desc_ptr g, i;
	sgdt(&g);
	sidt(&i);
	w(VMCS_GUEST_CR0, read_cr0());
	w(VMCS_GUEST_CR3, read_cr3());
	w(VMCS_GUEST_CR4, read_cr4());
	w(VMCS_CR0_READ_SHADOW, read_cr0());
	w(VMCS_CR4_READ_SHADOW, read_cr4());
	w(VMCS_GUEST_DR7, 0x400);
	seg(VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT, VMCS_GUEST_CS_ACCESS_RIGHTS,
	    KERNEL_CS, 0, 0xffffffff, AR_CODE64);
	seg(VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT, VMCS_GUEST_SS_ACCESS_RIGHTS,
	    KERNEL_DS, 0, 0xffffffff, AR_DATA);
	seg(VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT, VMCS_GUEST_DS_ACCESS_RIGHTS,
	    KERNEL_DS, 0, 0xffffffff, AR_DATA);
	seg(VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT, VMCS_GUEST_ES_ACCESS_RIGHTS,
	    KERNEL_DS, 0, 0xffffffff, AR_DATA);
	seg(VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT, VMCS_GUEST_FS_ACCESS_RIGHTS,
	    0, 0, 0, AR_UNUSABLE);
	seg(VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT, VMCS_GUEST_GS_ACCESS_RIGHTS,
	    0, 0, 0, AR_UNUSABLE);
	seg(VMCS_GUEST_LDTR_SELECTOR, VMCS_GUEST_LDTR_BASE, VMCS_GUEST_LDTR_LIMIT, VMCS_GUEST_LDTR_ACCESS_RIGHTS,
	    0, 0, 0, AR_UNUSABLE);
	seg(VMCS_GUEST_TR_SELECTOR, VMCS_GUEST_TR_BASE, VMCS_GUEST_TR_LIMIT, VMCS_GUEST_TR_ACCESS_RIGHTS,
	    KERNEL_TSS, (u64)(uintptr_t)&c->tables.tss, sizeof(c->tables.tss) - 1, AR_TSS64);
	w(VMCS_GUEST_GDTR_BASE, g.base);
	w(VMCS_GUEST_GDTR_LIMIT, g.limit);
	w(VMCS_GUEST_IDTR_BASE, i.base);
	w(VMCS_GUEST_IDTR_LIMIT, i.limit);
	w(VMCS_GUEST_IA32_DEBUGCTL, 0);
	w(VMCS_GUEST_IA32_EFER, rdmsr(MSR_EFER));
	w(VMCS_GUEST_IA32_SYSENTER_CS, 0);
	w(VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	w(VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	w(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	w(VMCS_LINK_POINTER, ~0ULL);
	vmcs_reset_guest(gs);
}

bool vmcs_setup_guest(const struct vmx_caps *caps, struct guest_setup *gs, unsigned brk)
{
	gs->error[0] = 0;
	/* only the exits we want: CPUID and VMCALL exit unconditionally, HLT
	 * by HLT exiting; an all-zero MSR bitmap means no RDMSR/WRMSR exits */
	u32 want_proc = CPU_HLT_EXITING | CPU_USE_MSR_BITMAPS;
	/* an NMI in the guest exits (reported) instead of running our IDT with the guest's GS */
	u32 want_pin = vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PINBASED)).allowed1 & PIN_NMI_EXITING;
	if (!adjust(caps, VMX_CTL_PINBASED, want_pin, &gs->pin, gs, "pin-based") ||
	    !adjust(caps, VMX_CTL_PROCBASED, want_proc, &gs->proc, gs, "primary proc-based") ||
	    !adjust(caps, VMX_CTL_EXIT, EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_EFER,
		    &gs->exit, gs, "VM-exit") ||
	    !adjust(caps, VMX_CTL_ENTRY, ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER, &gs->entry, gs, "VM-entry"))
		return false;
	if (brk == BREAK_CONTROL) {
		/* the first primary proc-based bit the CPU does not allow */
		struct vmx_ctls ct = vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED));
		u32 bad = ~ct.allowed1 & (u32)-(s32)(~ct.allowed1);   /* lowest clear bit */
		gs->proc |= bad;
	}
	w(VMCS_PIN_BASED_CONTROLS, gs->pin);
	w(VMCS_PRIMARY_PROC_BASED_CONTROLS, gs->proc);
	w(VMCS_VM_EXIT_CONTROLS, gs->exit);
	w(VMCS_VM_ENTRY_CONTROLS, gs->entry);
	w(VMCS_EXCEPTION_BITMAP, 0xffffffff);   /* any guest exception exits: we report it */
	w(VMCS_PAGE_FAULT_ERROR_CODE_MASK, 0);
	w(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0);
	w(VMCS_CR3_TARGET_COUNT, 0);
	w(VMCS_CR0_GUEST_HOST_MASK, 0);
	w(VMCS_CR4_GUEST_HOST_MASK, 0);
	w(VMCS_MSR_BITMAPS_ADDR, gs->msr_bitmap_pa);
	w(VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
	w(VMCS_VM_EXIT_MSR_LOAD_COUNT, 0);
	w(VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
	w(VMCS_VM_ENTRY_INTERRUPTION_INFO, 0);
	w(VMCS_TSC_OFFSET, 0);
	host_state();
	guest_state(gs);
	switch (brk) {
	case BREAK_GUEST_CR0:
		w(VMCS_GUEST_CR0, read_cr0() & ~CR0_PE);
		break;
	case BREAK_GUEST_RIP:
		w(VMCS_GUEST_RIP, VMX_NONCANONICAL);
		break;
	case BREAK_HOST_RIP:
		w(VMCS_HOST_RIP, VMX_NONCANONICAL);
		break;
	case BREAK_LINK_POINTER:
		/* an aligned pointer to a page that is no VMCS: the MSR bitmap, all zeros,
		 * so bits 30:0 are not the revision id (27.3.1.5) */
		w(VMCS_LINK_POINTER, gs->msr_bitmap_pa);
		break;
	default:
		break;
	}
	return true;
}
