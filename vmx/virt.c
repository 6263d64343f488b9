/*
 * vmxboot's own VMM: a CPU virtualizes itself on its current state and
 * keeps running the kernel as a guest (SDM vol. 3C 25-28), with an EPT
 * identity map (vmx/ept.c), VPID when the CPU has it, and the exits
 * vmx/virt_policy.c decides. Host state per CPU: a VMM stack, a VMM TSS
 * with its own IST stacks, VMM page tables; none of them (nor the VMXON
 * region, VMCS, MSR bitmap and EPT tables) is mapped by the EPT.
 * The VMM never prints: the guest may hold the console lock.
 */
#include "vmx/virt.h"
#include "vmx/virt_layout.h"
#include "vmx/vmx.h"
#include "vmx/vmx_defs.h"
#include "vmx/vmx_errors.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/percpu.h"

struct virt_cpu *virt_cpus;
u32 virt_ready_cpus;

#define MSR_IA32_DEBUGCTL 0x1d9
#define RFLAGS_IF (1ULL << 9)
#define INTR_INFO_VALID (1u << 31)
#define INTR_TYPE_HW_EXCEPTION (3u << 8)
#define INTR_DELIVER_ERROR_CODE (1u << 11)

static struct virt_cpu *me(void)
{
	return &virt_cpus[this_cpu()->index];
}

static void w(u32 field, u64 v)
{
	vmwrite_safe(field, v);
}

/* ---- pages ---- */

/* the pages stay reserved (vmx/virt_pages.c): forget what this launch used */
static void free_pages(struct virt_cpu *v)
{
	v->ept_root = v->ept_used = 0;
}

/* The CPU's own pages (its block) and the shared ones: the MSR bitmap, the
 * VMM IDT, the VMM's copy of the kernel page tables (every level of the low
 * 4 GiB, so no table the guest can write is walked by the VMM) and the EPT
 * map of its memory types, all built by virt_vmm_reserve. The stacks are
 * filled with a pattern, for the deepest-use figure. */
static bool assign_pages(struct virt_cpu *v, u32 cpu)
{
	if (!virt_vmm_shared_for(cpu, v))
		return false;
	v->block = virt_vmm_page(cpu, 0);
	v->vmxon = v->block + VB_VMXON * PAGE_SIZE;
	v->vmcs = v->block + VB_VMCS * PAGE_SIZE;
	v->gdt = v->block + VB_TABLES * PAGE_SIZE;
	v->tss = v->gdt + VIRT_TSS_OFFSET;
	v->stack = v->block + VB_STACK * PAGE_SIZE;
	v->ist = v->block + VB_IST * PAGE_SIZE;
	memset((void *)(uintptr_t)v->vmxon, 0, 3 * PAGE_SIZE);   /* VMXON region, VMCS, GDT and TSS */
	u64 *s = (u64 *)(uintptr_t)v->stack;
	for (u64 i = 0; i < (VIRT_STACK_PAGES + 3 * VIRT_IST_PAGES) * PAGE_SIZE / sizeof(u64); i++)
		s[i] = VIRT_STACK_PATTERN;
	return true;
}

/* ---- the VMCS ---- */

static bool adjust(const struct vmx_caps *c, enum vmx_ctl_kind k, u32 wanted, u32 *out, struct virt_cpu *v,
		   const char *what)
{
	struct vmx_adjust a;
	if (vmx_adjust_controls(wanted, vmx_caps_ctl_msr(c, k), &a) != VMX_ADJUST_OK) {
		ksnprintf(v->failure, sizeof(v->failure), "%s controls: bits 0x%x not allowed by MSR 0x%x", what,
			  a.refused, vmx_caps_ctl_msr_number(c, k));
		return false;
	}
	*out = a.value;
	return true;
}

static bool controls(const struct vmx_caps *c, struct virt_cpu *v)
{
	u32 allowed2 = vmx_decode_ctls(c->procbased2).allowed1;
	struct vmx_ept_vpid ev = vmx_decode_ept_vpid(c->ept_vpid_cap);
	if (!(allowed2 & CPU2_ENABLE_EPT) || !ev.walk_4 || !ev.memtype_wb) {
		ksnprintf(v->failure, sizeof(v->failure), "no EPT with a 4-level walk and write-back tables "
			  "(PROCBASED2 0x%lx, EPT_VPID_CAP 0x%lx)", c->procbased2, c->ept_vpid_cap);
		return false;
	}
	/* instructions the kernel may use must not #UD in the guest: enable them where the CPU can */
	u32 want2 = CPU2_ENABLE_EPT | (allowed2 & (CPU2_ENABLE_RDTSCP | CPU2_ENABLE_INVPCID |
						    CPU2_ENABLE_XSAVES_XRSTORS));
	if ((allowed2 & CPU2_ENABLE_VPID) && ev.invvpid && ev.invvpid_single)
		want2 |= CPU2_ENABLE_VPID;
	u32 pin, exit, entry;
	if (!adjust(c, VMX_CTL_PINBASED, 0, &pin, v, "pin-based") ||
	    !adjust(c, VMX_CTL_PROCBASED, CPU_USE_MSR_BITMAPS | CPU_ACTIVATE_SECONDARY_CONTROLS, &v->proc, v,
		    "primary proc-based") ||
	    !adjust(c, VMX_CTL_PROCBASED2, want2, &v->proc2, v, "secondary proc-based") ||
	    !adjust(c, VMX_CTL_EXIT, EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_SAVE_IA32_EFER | EXIT_LOAD_IA32_EFER |
		    EXIT_SAVE_IA32_PAT | EXIT_LOAD_IA32_PAT | EXIT_SAVE_DEBUG_CONTROLS, &exit, v, "VM-exit") ||
	    !adjust(c, VMX_CTL_ENTRY, ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER | ENTRY_LOAD_IA32_PAT |
		    ENTRY_LOAD_DEBUG_CONTROLS, &entry, v, "VM-entry"))
		return false;
	w(VMCS_PIN_BASED_CONTROLS, pin);
	w(VMCS_PRIMARY_PROC_BASED_CONTROLS, v->proc);
	w(VMCS_SECONDARY_PROC_BASED_CONTROLS, v->proc2);
	w(VMCS_VM_EXIT_CONTROLS, exit);
	w(VMCS_VM_ENTRY_CONTROLS, entry);
	w(VMCS_EXCEPTION_BITMAP, 0);            /* the guest's exceptions are its own */
	w(VMCS_PAGE_FAULT_ERROR_CODE_MASK, 0);
	w(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, 0);
	w(VMCS_CR3_TARGET_COUNT, 0);
	w(VMCS_MSR_BITMAPS_ADDR, v->bitmap);
	w(VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
	w(VMCS_VM_EXIT_MSR_LOAD_COUNT, 0);
	w(VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
	w(VMCS_VM_ENTRY_INTERRUPTION_INFO, 0);
	w(VMCS_TSC_OFFSET, 0);
	w(VMCS_EPT_POINTER, ept_pointer(v->ept_root));
	if (v->proc2 & CPU2_ENABLE_VPID)
		w(VMCS_VIRTUAL_PROCESSOR_ID, v->vpid);
	return true;
}

static u64 gdt_entry(const struct desc_ptr *g, u16 sel, unsigned slot)
{
	u32 off = (sel & ~7u) + 8 * slot;
	return off + 7 <= g->limit ? ((const u64 *)(uintptr_t)g->base)[off / 8] : 0;
}

static void guest_seg(const struct desc_ptr *g, u16 sel, u32 sel_f, u32 base_f, u32 lim_f, u32 ar_f, u64 base)
{
	u64 d = gdt_entry(g, sel, 0);
	u32 ar = virt_seg_access_rights(sel, d);
	if (!(ar & (1u << 16)))
		ar |= 1;   /* accessed: the CPU set it when it loaded the selector */
	w(sel_f, sel);
	w(base_f, base);
	w(lim_f, (ar & (1u << 16)) ? 0 : virt_seg_limit(d));
	w(ar_f, ar);
}

/* the guest is this CPU as it is now; RSP and RIP are written by virt_launch */
static void guest_state(const struct vmx_caps *c, struct virt_cpu *v, u64 rflags)
{
	struct desc_ptr g, i;
	sgdt(&g);
	sidt(&i);
	u64 cr0 = read_cr0(), cr4 = read_cr4();
	w(VMCS_GUEST_CR0, cr0);
	w(VMCS_GUEST_CR3, read_cr3());
	w(VMCS_GUEST_CR4, cr4);
	/* the bits VMX operation fixes are the host's: the guest sees its own values */
	w(VMCS_CR0_GUEST_HOST_MASK, c->cr0_fixed0 & 0xffffffff);
	w(VMCS_CR4_GUEST_HOST_MASK, c->cr4_fixed0 | CR4_VMXE);
	w(VMCS_CR0_READ_SHADOW, v->cr0);
	w(VMCS_CR4_READ_SHADOW, v->cr4);
	w(VMCS_GUEST_DR7, v->dr7);   /* loaded by VM entry (load debug controls), saved by VM exit */
	guest_seg(&g, read_cs(), VMCS_GUEST_CS_SELECTOR, VMCS_GUEST_CS_BASE, VMCS_GUEST_CS_LIMIT,
		  VMCS_GUEST_CS_ACCESS_RIGHTS, 0);
	guest_seg(&g, read_ss(), VMCS_GUEST_SS_SELECTOR, VMCS_GUEST_SS_BASE, VMCS_GUEST_SS_LIMIT,
		  VMCS_GUEST_SS_ACCESS_RIGHTS, 0);
	guest_seg(&g, read_ds(), VMCS_GUEST_DS_SELECTOR, VMCS_GUEST_DS_BASE, VMCS_GUEST_DS_LIMIT,
		  VMCS_GUEST_DS_ACCESS_RIGHTS, 0);
	guest_seg(&g, read_es(), VMCS_GUEST_ES_SELECTOR, VMCS_GUEST_ES_BASE, VMCS_GUEST_ES_LIMIT,
		  VMCS_GUEST_ES_ACCESS_RIGHTS, 0);
	guest_seg(&g, read_fs(), VMCS_GUEST_FS_SELECTOR, VMCS_GUEST_FS_BASE, VMCS_GUEST_FS_LIMIT,
		  VMCS_GUEST_FS_ACCESS_RIGHTS, rdmsr(MSR_FS_BASE));
	guest_seg(&g, read_gs(), VMCS_GUEST_GS_SELECTOR, VMCS_GUEST_GS_BASE, VMCS_GUEST_GS_LIMIT,
		  VMCS_GUEST_GS_ACCESS_RIGHTS, rdmsr(MSR_GS_BASE));
	w(VMCS_GUEST_LDTR_SELECTOR, 0);   /* the kernel never loads an LDT */
	w(VMCS_GUEST_LDTR_BASE, 0);
	w(VMCS_GUEST_LDTR_LIMIT, 0);
	w(VMCS_GUEST_LDTR_ACCESS_RIGHTS, 1u << 16);
	u16 tr = store_tr();
	u64 lo = gdt_entry(&g, tr, 0), hi = gdt_entry(&g, tr, 1);
	w(VMCS_GUEST_TR_SELECTOR, tr);
	w(VMCS_GUEST_TR_BASE, virt_seg_base(lo, hi, true));
	w(VMCS_GUEST_TR_LIMIT, virt_seg_limit(lo));
	w(VMCS_GUEST_TR_ACCESS_RIGHTS, virt_seg_access_rights(tr, lo) | 2);   /* busy: it is loaded */
	v->tr_sel = tr;
	v->tr_base = virt_seg_base(lo, hi, true);
	w(VMCS_GUEST_GDTR_BASE, g.base);
	w(VMCS_GUEST_GDTR_LIMIT, g.limit);
	w(VMCS_GUEST_IDTR_BASE, i.base);
	w(VMCS_GUEST_IDTR_LIMIT, i.limit);
	u64 dbg = 0, pat = 0;
	rdmsr_safe(MSR_IA32_DEBUGCTL, &dbg);
	rdmsr_safe(MSR_IA32_PAT, &pat);
	w(VMCS_GUEST_IA32_DEBUGCTL, dbg);
	w(VMCS_GUEST_IA32_PAT, pat);
	w(VMCS_GUEST_IA32_EFER, rdmsr(MSR_EFER));
	w(VMCS_GUEST_IA32_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
	w(VMCS_GUEST_IA32_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
	w(VMCS_GUEST_IA32_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
	w(VMCS_GUEST_RFLAGS, rflags);
	w(VMCS_GUEST_ACTIVITY_STATE, 0);
	w(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	w(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	w(VMCS_LINK_POINTER, ~0ULL);
}

static void host_state(struct virt_cpu *v, u64 cr3)
{
	struct cpu *c = this_cpu();
	u64 gdt, idt;
	virt_vmm_tables(v, &gdt, &idt);   /* the VMM's own GDT and IDT, out of every EPT */
	/* the VMM's TSS: its own IST stacks for #DF, NMI and #MC */
	struct tss64 *t = (struct tss64 *)(uintptr_t)v->tss;
	for (int k = 0; k < 3; k++)
		t->ist[k] = v->ist + (u64)(k + 1) * VIRT_IST_PAGES * PAGE_SIZE;
	t->rsp[0] = v->stack + VIRT_STACK_PAGES * PAGE_SIZE;
	t->iomap_base = sizeof(*t);
	w(VMCS_HOST_CR0, read_cr0());
	w(VMCS_HOST_CR3, cr3);
	w(VMCS_HOST_CR4, read_cr4());
	w(VMCS_HOST_CS_SELECTOR, KERNEL_CS);
	w(VMCS_HOST_SS_SELECTOR, KERNEL_DS);
	w(VMCS_HOST_DS_SELECTOR, KERNEL_DS);
	w(VMCS_HOST_ES_SELECTOR, KERNEL_DS);
	w(VMCS_HOST_FS_SELECTOR, 0);
	w(VMCS_HOST_GS_SELECTOR, 0);
	w(VMCS_HOST_TR_SELECTOR, KERNEL_TSS);   /* the selector; the base below is the VMM's TSS */
	w(VMCS_HOST_FS_BASE, 0);
	w(VMCS_HOST_GS_BASE, (u64)(uintptr_t)c);
	w(VMCS_HOST_TR_BASE, v->tss);
	w(VMCS_HOST_GDTR_BASE, gdt);
	w(VMCS_HOST_IDTR_BASE, idt);
	w(VMCS_HOST_IA32_SYSENTER_CS, rdmsr(MSR_IA32_SYSENTER_CS));
	w(VMCS_HOST_IA32_SYSENTER_ESP, rdmsr(MSR_IA32_SYSENTER_ESP));
	w(VMCS_HOST_IA32_SYSENTER_EIP, rdmsr(MSR_IA32_SYSENTER_EIP));
	w(VMCS_HOST_IA32_EFER, rdmsr(MSR_EFER));
	u64 pat = 0;
	rdmsr_safe(MSR_IA32_PAT, &pat);
	w(VMCS_HOST_IA32_PAT, pat);
	w(VMCS_HOST_RSP, v->stack + VIRT_STACK_PAGES * PAGE_SIZE);
	w(VMCS_HOST_RIP, (u64)(uintptr_t)virt_exit_entry);
}

/* ---- in and out ---- */

static void leave_vmx(struct virt_cpu *v)
{
	vmclear_safe(v->vmcs);
	vmxoff_safe();
	write_cr4_safe(v->cr4);
	write_cr0_safe(v->cr0);
}

bool virt_on_this_cpu(void)
{
	struct cpu *c = this_cpu();
	struct vmx_cpu *x = &vmx_cpus[c->index];
	struct virt_cpu *v = me();
	memset(v, 0, sizeof(*v));
	v->tried = true;
	v->key = rdtsc() * 0x9e3779b97f4a7c15ULL ^ (u64)(uintptr_t)v;
	v->vpid = (u16)(c->index + 1);
	v->cr0 = read_cr0();
	v->cr4 = read_cr4();
	v->cr3 = read_cr3();
	v->gs_base = rdmsr(MSR_GS_BASE);
	v->dr7 = read_dr7();
	rdmsr_safe(MSR_IA32_DEBUGCTL, &v->debugctl);
	struct desc_ptr i;
	sidt(&i);
	v->idtr_base = i.base;
	v->idtr_limit = i.limit;
	const struct vmx_caps *caps = &x->caps;
	if (!assign_pages(v, c->index))
		goto fail;
	u32 rev = vmx_decode_basic(caps->basic).revision_id;
	vmx_region_init(v->vmxon, rev);
	vmx_region_init(v->vmcs, rev);
	if (write_cr0_safe(vmx_fixed_apply(v->cr0, caps->cr0_fixed0, caps->cr0_fixed1).value) ||
	    write_cr4_safe(vmx_fixed_apply(v->cr4 | CR4_VMXE, caps->cr4_fixed0, caps->cr4_fixed1).value)) {
		ksnprintf(v->failure, sizeof(v->failure), "CR0/CR4 fixed bits could not be applied");
		goto fail_cr;
	}
	char b[80];
	struct vmx_result r = vmxon_safe(v->vmxon);
	if (!vmx_ok(r)) {
		vmx_result_str(r, b, sizeof(b));
		ksnprintf(v->failure, sizeof(v->failure), "VMXON: %s", b);
		goto fail_cr;
	}
	if (!vmx_ok(vmclear_safe(v->vmcs)) || !vmx_ok(vmptrld_safe(v->vmcs))) {
		ksnprintf(v->failure, sizeof(v->failure), "VMCLEAR/VMPTRLD of the VMCS failed");
		goto fail_vmx;
	}
	if (!controls(caps, v))
		goto fail_vmx;
	struct invept_desc ed = { ept_pointer(v->ept_root), 0 };
	invept_safe(1, &ed);   /* single context: nothing cached for this EPTP */
	if (v->proc2 & CPU2_ENABLE_VPID) {
		struct invvpid_desc vd = { v->vpid, 0 };
		invvpid_safe(1, &vd);
	}
	u64 flags = read_rflags();
	cli();
	host_state(v, v->vmm_cr3);
	guest_state(caps, v, flags);
	u64 f = virt_launch();
	if (f) {
		r = vmx_decode_flags(f, 0);
		vmx_result_str(r, b, sizeof(b));
		ksnprintf(v->failure, sizeof(v->failure), "VMLAUNCH: %s", b);
		if (flags & RFLAGS_IF)
			sti();
		goto fail_vmx;
	}
	/* from here on: VMX non-root operation, this very stack */
	v->launched = true;
	v->on = true;
	return true;
fail_vmx:
	leave_vmx(v);
	free_pages(v);
	return false;
fail_cr:
	write_cr4_safe(v->cr4);
	write_cr0_safe(v->cr0);
fail:
	free_pages(v);
	return false;
}

bool virt_off_this_cpu(void)
{
	struct virt_cpu *v = me();
	if (!v->on)
		return false;
	u64 rax = 0;
	int vec = virt_vmcall_safe(VIRT_CALL_DEVIRT, v->key, &rax);
	if (v->on)
		return false;   /* still a guest: the VMM's pages are in use */
	free_pages(v);
	return vec == 0;
}
