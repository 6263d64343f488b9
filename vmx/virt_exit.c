/*
 * The VMM's exit handler (called by vmx/virt.S on the VMM stack, with
 * interrupts off) and the way back out of VMX operation. What to do is
 * vmx/virt_policy.c's decision; this file does it. It never prints.
 */
#include "vmx/virt.h"
#include "vmx/vmx.h"
#include "vmx/vmx_defs.h"
#include "vmx/vmx_errors.h"
#include "kernel/format.h"
#include "kernel/lib.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/lapic.h"
#include "kernel/options.h"

#define MSR_IA32_DEBUGCTL 0x1d9
#define INTR_INFO_VALID (1u << 31)
#define INTR_TYPE_HW_EXCEPTION (3u << 8)
#define INTR_DELIVER_ERROR_CODE (1u << 11)
#define VEC_UD_ 6
#define VEC_GP_ 13

static void w(u32 field, u64 v)
{
	vmwrite_safe(field, v);
}

static void advance(void)
{
	w(VMCS_GUEST_RIP, vmcs_read(VMCS_GUEST_RIP) + vmcs_read(VMCS_VM_EXIT_INSTRUCTION_LENGTH));
}

/* a hardware exception for the guest at the instruction that exited (27.6) */
static void inject(unsigned vector)
{
	u32 info = INTR_INFO_VALID | INTR_TYPE_HW_EXCEPTION | vector;
	if (vector == VEC_GP_)
		info |= INTR_DELIVER_ERROR_CODE;
	w(VMCS_VM_ENTRY_INTERRUPTION_INFO, info);
	w(VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
}

static u64 guest_view(u64 actual, u64 shadow, u64 mask)
{
	return (actual & ~mask) | (shadow & mask);
}

/* Copy the guest state onto the real CPU and leave VMX operation; the asm
 * then loads the frame's registers and returns to the guest RIP (27.5 in
 * reverse: what a VM exit would not give back, we do by hand). */
void virt_devirtualize(struct virt_cpu *v, struct virt_regs *f)
{
	u64 rip = vmcs_read(VMCS_GUEST_RIP), rsp = vmcs_read(VMCS_GUEST_RSP);
	u64 rflags = vmcs_read(VMCS_GUEST_RFLAGS);
	u64 cr0 = guest_view(vmcs_read(VMCS_GUEST_CR0), vmcs_read(VMCS_CR0_READ_SHADOW),
			     vmcs_read(VMCS_CR0_GUEST_HOST_MASK));
	u64 cr4 = guest_view(vmcs_read(VMCS_GUEST_CR4), vmcs_read(VMCS_CR4_READ_SHADOW),
			     vmcs_read(VMCS_CR4_GUEST_HOST_MASK)) & ~CR4_VMXE;
	u64 cr3 = vmcs_read(VMCS_GUEST_CR3);
	struct desc_ptr gdt = { (u16)vmcs_read(VMCS_GUEST_GDTR_LIMIT), vmcs_read(VMCS_GUEST_GDTR_BASE) };
	struct desc_ptr idt = { (u16)vmcs_read(VMCS_GUEST_IDTR_LIMIT), vmcs_read(VMCS_GUEST_IDTR_BASE) };
	u16 tr = (u16)vmcs_read(VMCS_GUEST_TR_SELECTOR);
	u64 fs = vmcs_read(VMCS_GUEST_FS_BASE), gs = vmcs_read(VMCS_GUEST_GS_BASE);
	u64 pat = vmcs_read(VMCS_GUEST_IA32_PAT), dbg = vmcs_read(VMCS_GUEST_IA32_DEBUGCTL);
	u64 scs = vmcs_read(VMCS_GUEST_IA32_SYSENTER_CS), sesp = vmcs_read(VMCS_GUEST_IA32_SYSENTER_ESP);
	u64 seip = vmcs_read(VMCS_GUEST_IA32_SYSENTER_EIP);
	u64 dr7 = vmcs_read(VMCS_GUEST_DR7);   /* saved by the exit (save debug controls) */
	vmclear_safe(v->vmcs);
	vmxoff_safe();
	write_cr4_safe(cr4);
	write_cr0_safe(cr0);
	write_cr3(cr3);
	lgdt(&gdt);
	lidt(&idt);
	/* LTR wants an available TSS: the guest's descriptor is still marked busy */
	if (tr && (u32)(tr & ~7u) + 15 <= gdt.limit) {
		u64 *d = (u64 *)(uintptr_t)(gdt.base + (tr & ~7u));
		*d &= ~(2ULL << 40);
		ltr(tr);
	}
	wrmsr(MSR_FS_BASE, fs);
	wrmsr(MSR_GS_BASE, gs);
	wrmsr_safe(MSR_IA32_PAT, pat);
	wrmsr_safe(MSR_IA32_DEBUGCTL, dbg);
	write_dr7(dr7);   /* the exit left DR7 at 0x400 */
	wrmsr(MSR_IA32_SYSENTER_CS, scs);
	wrmsr(MSR_IA32_SYSENTER_ESP, sesp);
	wrmsr(MSR_IA32_SYSENTER_EIP, seip);
	/* RFLAGS then RIP below the guest's stack pointer: popfq; ret */
	u64 *s = (u64 *)(uintptr_t)(rsp - 16);
	s[0] = rflags;
	s[1] = rip;
	f->resume_rsp = rsp - 16;
	v->on = false;
	v->came_out = true;
	/* an NMI the VMM still held: the kernel's IDT and TSS are back, send it again */
	for (; v->nmi_pending; v->nmi_pending--)
		lapic_send_nmi(this_cpu()->apic_id);
}

/* The CPU cannot go on as a guest: out of VMX, interrupts off, halted for good.
 * The boot CPU is brought out instead, so that the report still appears. */
static u64 park(struct virt_cpu *v, struct virt_regs *f)
{
	if (this_cpu()->index == 0) {
		virt_devirtualize(v, f);
		return 1;
	}
	v->dead = true;
	v->on = false;
	vmclear_safe(v->vmcs);
	vmxoff_safe();
	this_cpu()->state = CPU_DEAD;
	for (;;) {
		cli();
		hlt();
	}
}

static void set_ret(struct virt_regs *f, u64 rax, u64 rdx)
{
	f->gpr[0] = (u32)rax;
	f->gpr[2] = (u32)rdx;
}

static void msr(struct virt_regs *f, bool write)
{
	u32 m = (u32)f->gpr[1];
	u64 val = 0;
	const struct vmx_cpu *x = &vmx_cpus[this_cpu()->index];
	switch (virt_msr_policy(m, write)) {
	case VIRT_MSR_FC_READ:
		val = virt_fc_value(x->in.feature_control);
		set_ret(f, val, val >> 32);
		advance();
		return;
	case VIRT_MSR_GP:
		inject(VEC_GP_);
		return;
	case VIRT_MSR_PASS:
		break;
	}
	if (write) {
		if (wrmsr_safe(m, ((f->gpr[2] & 0xffffffff) << 32) | (u32)f->gpr[0]))
			inject(VEC_GP_);
		else
			advance();
		return;
	}
	if (rdmsr_safe(m, &val)) {
		inject(VEC_GP_);
		return;
	}
	set_ret(f, val, val >> 32);
	advance();
}

static bool cr_access(struct virt_regs *f)
{
	struct virt_cr_qual q = virt_cr_qual_decode(vmcs_read(VMCS_EXIT_QUALIFICATION));
	if (q.type != 0 || (q.cr != 0 && q.cr != 4))
		return false;   /* LMSW or CLTS touching a masked bit: not something the kernel does */
	u64 value = q.gpr == 4 ? vmcs_read(VMCS_GUEST_RSP) : f->gpr[q.gpr];
	const struct vmx_caps *c = &vmx_cpus[this_cpu()->index].caps;
	struct virt_cr_write r = q.cr == 0 ? virt_cr_write(0, value, c->cr0_fixed0, c->cr0_fixed1)
					   : virt_cr_write(4, value, c->cr4_fixed0, c->cr4_fixed1);
	if (r.gp) {
		inject(VEC_GP_);
		return true;
	}
	w(q.cr == 0 ? VMCS_GUEST_CR0 : VMCS_GUEST_CR4, r.guest);
	w(q.cr == 0 ? VMCS_CR0_READ_SHADOW : VMCS_CR4_READ_SHADOW, r.shadow);
	advance();
	return true;
}

static u64 bring_out(struct virt_cpu *v, struct virt_regs *f, u32 reason)
{
	ksnprintf(v->failure, sizeof(v->failure),
		  "unexpected exit %u (%s) at guest RIP 0x%lx, qualification 0x%lx: brought out of VMX",
		  reason & EXIT_REASON_BASIC_MASK, vmx_exit_reason_name(reason), vmcs_read(VMCS_GUEST_RIP),
		  vmcs_read(VMCS_EXIT_QUALIFICATION));
	virt_devirtualize(v, f);
	return 1;
}

static u64 handle(struct virt_cpu *v, struct virt_regs *f);

/* virt.break=vmm_stack: 5 KiB of the VMM stack really written, more than
 * half of it, so that the deepest-use check fails for a reason it can name */
static __attribute__((noinline)) void deep_stack(void)
{
	volatile u8 buf[5120];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (u8)i;
}

/* The VMM's own _safe instructions must not leave their vector where the
 * guest's _safe instruction in progress (say, the VMCALL) will read it. */
u64 virt_exit(struct virt_regs *f)
{
	struct cpu *c = this_cpu();
	u64 fv = c->fault_vector;
	virt_cpus[c->index].in_vmm = true;
	struct virt_cpu *v = &virt_cpus[c->index];
	u64 r = handle(v, f);
	if (!r && v->nmi_pending)   /* back into the guest: an NMI taken in the VMM goes with it when it can */
		switch (virt_nmi_decide(v->nmi_pending, (u32)vmcs_read(VMCS_VM_ENTRY_INTERRUPTION_INFO),
					vmcs_read(VMCS_GUEST_INTERRUPTIBILITY_STATE))) {
		case VIRT_NMI_INJECT:
			w(VMCS_VM_ENTRY_INTERRUPTION_INFO, VIRT_NMI_INJECT_INFO);
			v->nmi_pending--;
			v->nmis_injected++;
			break;
		case VIRT_NMI_HOLD:   /* the next exit, or devirtualize, takes it */
		case VIRT_NMI_NONE:
			break;
		}
	v->in_vmm = false;
	c->fault_vector = fv;
	return r;
}

static u64 handle(struct virt_cpu *v, struct virt_regs *f)
{
	u32 reason = (u32)vmcs_read(VMCS_EXIT_REASON), basic = reason & EXIT_REASON_BASIC_MASK;
	v->exits[basic < VIRT_EXIT_SLOTS ? basic : VIRT_EXIT_SLOTS - 1]++;
	v->total_exits++;
	if (reason & EXIT_REASON_ENTRY_FAILURE)
		return bring_out(v, f, reason);
	switch (virt_exit_action(basic)) {
	case VIRT_ACT_CPUID: {
		struct cpuid_regs r = cpuid_count((u32)f->gpr[0], (u32)f->gpr[1]);
		struct virt_cpuid g = virt_cpuid((u32)f->gpr[0], (u32)f->gpr[1],
						 (struct virt_cpuid){ r.eax, r.ebx, r.ecx, r.edx });
		f->gpr[0] = g.eax;
		f->gpr[3] = g.ebx;
		f->gpr[1] = g.ecx;
		f->gpr[2] = g.edx;
		advance();
		return 0;
	}
	case VIRT_ACT_RDMSR:
		msr(f, false);
		return 0;
	case VIRT_ACT_WRMSR:
		msr(f, true);
		return 0;
	case VIRT_ACT_INJECT_UD:
		inject(VEC_UD_);
		return 0;
	case VIRT_ACT_XSETBV: {
		/* The exit means the guest has CR4.OSXSAVE (else it took #UD first, SDM
		 * 26.1.1); the VMM runs on the launch CR4, which may lack it: without it
		 * the VMM's own XSETBV would #UD and the guest see a wrong #GP. XCR0 is
		 * not switched by VM entry or exit: executing it sets the guest's. */
		u64 h = read_cr4();
		if (!(h & CR4_OSXSAVE))
			write_cr4(h | CR4_OSXSAVE);
		int vec = xsetbv_safe((u32)f->gpr[1], ((f->gpr[2] & 0xffffffff) << 32) | (u32)f->gpr[0]);
		if (!(h & CR4_OSXSAVE))
			write_cr4(h);
		if (vec)
			inject(VEC_GP_);
		else
			advance();
		return 0;
	}
	case VIRT_ACT_INVD:
		wbinvd();
		advance();
		return 0;
	case VIRT_ACT_CR_ACCESS:
		return cr_access(f) ? 0 : bring_out(v, f, reason);
	case VIRT_ACT_EPT_VIOLATION:
		v->ept_gpa = vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS);
		v->ept_qual = vmcs_read(VMCS_EXIT_QUALIFICATION);
		v->ept_violations++;
		inject(VEC_GP_);
		return 0;
	case VIRT_ACT_VMCALL:
		if (opt.virt_break == 4 && this_cpu()->index == cpu_count - 1 && f->gpr[0] == VIRT_CALL_PING)
			ud2();   /* virt.break=vmm_fault: the VMM's own IDT must report this */
		if (opt.virt_break == 6 && this_cpu()->index == cpu_count - 1 && f->gpr[0] == VIRT_CALL_PING)
			deep_stack();   /* virt.break=vmm_stack: vmm_stacks_used_at_most_half must see it */
		switch (virt_vmcall(f->gpr[0], f->gpr[3], v->key)) {
		case VIRT_VMCALL_NMI: {
			/* test: an NMI taken here, in the VMM; RAX 1 when it came */
			u32 before = v->vmm_nmis;
			lapic_send_nmi(this_cpu()->apic_id);
			for (u32 i = 0; i < 10000000 && v->vmm_nmis == before; i++)
				cpu_relax();
			f->gpr[0] = v->vmm_nmis - before;
			advance();
			return 0;
		}
		case VIRT_VMCALL_PING:
			f->gpr[0] = VIRT_PING_ANSWER;
			advance();
			return 0;
		case VIRT_VMCALL_DEVIRT:
			advance();
			virt_devirtualize(v, f);
			return 1;
		case VIRT_VMCALL_UD:
			inject(VEC_UD_);
			return 0;
		}
		return 0;
	case VIRT_ACT_IGNORE:
		return 0;
	case VIRT_ACT_FATAL:
		ksnprintf(v->failure, sizeof(v->failure), "fatal exit %u (%s) at guest RIP 0x%lx, qualification 0x%lx, "
			  "guest-physical 0x%lx", basic, vmx_exit_reason_name(basic), vmcs_read(VMCS_GUEST_RIP),
			  vmcs_read(VMCS_EXIT_QUALIFICATION), vmcs_read(VMCS_GUEST_PHYSICAL_ADDRESS));
		return park(v, f);
	case VIRT_ACT_BRING_OUT:
		break;
	}
	return bring_out(v, f, reason);
}

u64 virt_resume_failed(struct virt_regs *f)
{
	u64 fv = this_cpu()->fault_vector;
	struct virt_cpu *v = &virt_cpus[this_cpu()->index];
	u64 err = vmcs_read(VMCS_VM_INSTRUCTION_ERROR);
	ksnprintf(v->failure, sizeof(v->failure), "VMRESUME failed: VM-instruction error %lu (%s): brought out",
		  err, vmx_insn_error_name((u32)err));
	virt_devirtualize(v, f);
	this_cpu()->fault_vector = fv;
	return 1;
}
