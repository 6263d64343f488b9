/*
 * The VMX instructions (SDM vol. 3C, 31 "VMX instruction reference"), each
 * returning what the CPU said: VMsucceed, VMfailInvalid (CF=1), VMfailValid
 * (ZF=1, with the VM-instruction error number read from VMCS field 0x4400,
 * which exists only while a VMCS is current), or — for the _safe forms — the
 * exception vector it raised (#UD, #GP) instead of crashing the kernel.
 * Policy never uses inline asm: it calls these.
 */
#ifndef VMX_VMX_INSN_H
#define VMX_VMX_INSN_H

#include "kernel/types.h"
#include "arch/x86_64/cpu.h"
#include "vmx/vmx_defs.h"

enum vmx_status {
	VMX_SUCCEED = 0,
	VMX_FAIL_INVALID,    /* CF=1: no error number */
	VMX_FAIL_VALID,      /* ZF=1: error number in .error */
	VMX_FAULT,           /* an exception: vector in .vector (_safe forms) */
};

struct vmx_result {
	enum vmx_status status;
	u32 error;           /* VM-instruction error, VMX_FAIL_VALID only */
	int vector;          /* VMX_FAULT only */
};

static inline bool vmx_ok(struct vmx_result r)
{
	return r.status == VMX_SUCCEED;
}

/* RFLAGS right after the instruction -> result (SDM vol. 3C 31.2) */
static inline struct vmx_result vmx_decode_flags(u64 rflags, int vector);

#define VMX_FLAGS_OUT "\n\tpushfq\n\tpopq %[flags]"

/* Each instruction has a plain form (an exception is a kernel panic) and a
 * _safe form (the exception is the result). */
#define VMX_INSN_MEM(name, insn)                                                   \
	static inline struct vmx_result name(u64 pa)                               \
	{                                                                           \
		u64 f;                                                              \
		asm volatile(insn " %[pa]" VMX_FLAGS_OUT                            \
			     : [flags] "=r"(f) : [pa] "m"(pa) : "cc", "memory");    \
		return vmx_decode_flags(f, 0);                                      \
	}                                                                           \
	static inline struct vmx_result name##_safe(u64 pa)                        \
	{                                                                           \
		u64 f;                                                              \
		asm volatile(SAFE_BEGIN insn " %[pa]" SAFE_END VMX_FLAGS_OUT        \
			     : [flags] "=r"(f) : [pa] "m"(pa) : "cc", "memory");    \
		return vmx_decode_flags(f, safe_fault_vector());                    \
	}

VMX_INSN_MEM(vmxon, "vmxon")
VMX_INSN_MEM(vmclear, "vmclear")
VMX_INSN_MEM(vmptrld, "vmptrld")

#define VMX_INSN_NOARG(name, insn)                                                 \
	static inline struct vmx_result name(void)                                 \
	{                                                                           \
		u64 f;                                                              \
		asm volatile(insn VMX_FLAGS_OUT : [flags] "=r"(f) :: "cc", "memory"); \
		return vmx_decode_flags(f, 0);                                      \
	}                                                                           \
	static inline struct vmx_result name##_safe(void)                          \
	{                                                                           \
		u64 f;                                                              \
		asm volatile(SAFE_BEGIN insn SAFE_END VMX_FLAGS_OUT                 \
			     : [flags] "=r"(f) :: "cc", "memory");                  \
		return vmx_decode_flags(f, safe_fault_vector());                    \
	}

VMX_INSN_NOARG(vmxoff, "vmxoff")
/* VMCALL in VMX root operation: VMfailValid 1 (or VMfailInvalid with no VMCS)
 * when IA32_SMM_MONITOR_CTL[0] is 0 (SDM 31.3). Under a hypervisor it is that
 * hypervisor's hypercall instead, which may return a value in RAX (KVM does):
 * RAX is declared clobbered. */
static inline struct vmx_result vmcall_root_safe(void)
{
	u64 f;
	asm volatile(SAFE_BEGIN "vmcall" SAFE_END VMX_FLAGS_OUT
		     : [flags] "=r"(f) :: "rax", "cc", "memory");
	return vmx_decode_flags(f, safe_fault_vector());
}
/* VMCALL from the self-virtualized kernel to vmxboot's own VMM (vmx/virt.c):
 * RAX the call, RBX the key; RAX holds the answer. Returns the vector when
 * nobody answers (#UD, as outside VMX). Every register may come back as the
 * VMM left it (a devirtualize call restores them all): memory clobbered. */
static inline int virt_vmcall_safe(u64 call, u64 key, u64 *rax)
{
	u64 a = call;
	asm volatile(SAFE_BEGIN "vmcall" SAFE_END : "+a"(a) : "b"(key) : "cc", "memory");
	*rax = a;
	return safe_fault_vector();
}
/* VMLAUNCH/VMRESUME return here only when the VM entry fails (otherwise the
 * guest runs and a VM exit lands at the VMCS host RIP). */
VMX_INSN_NOARG(vmlaunch_fail, "vmlaunch")
VMX_INSN_NOARG(vmresume_fail, "vmresume")

static inline struct vmx_result vmptrst_safe(u64 *pa)
{
	u64 f, v = 0;
	asm volatile(SAFE_BEGIN "vmptrst %[pa]" SAFE_END VMX_FLAGS_OUT
		     : [flags] "=r"(f), [pa] "+m"(v) :: "cc", "memory");
	*pa = v;
	return vmx_decode_flags(f, safe_fault_vector());
}

static inline struct vmx_result vmread_safe(u64 field, u64 *value)
{
	u64 f, v = 0;
	asm volatile(SAFE_BEGIN "vmread %[field], %[v]" SAFE_END VMX_FLAGS_OUT
		     : [flags] "=r"(f), [v] "+r"(v) : [field] "r"(field) : "cc", "memory");
	*value = v;
	return vmx_decode_flags(f, safe_fault_vector());
}

static inline struct vmx_result vmwrite_safe(u64 field, u64 value)
{
	u64 f;
	asm volatile(SAFE_BEGIN "vmwrite %[v], %[field]" SAFE_END VMX_FLAGS_OUT
		     : [flags] "=r"(f) : [field] "r"(field), [v] "r"(value) : "cc", "memory");
	return vmx_decode_flags(f, safe_fault_vector());
}

/* Plain VMREAD for code that knows a VMCS is current: returns the value, 0 on failure. */
static inline u64 vmcs_read(u64 field)
{
	u64 v = 0;
	vmread_safe(field, &v);
	return v;
}

struct invept_desc {
	u64 eptp, reserved;
};
struct invvpid_desc {
	u64 vpid, gva;
};

static inline struct vmx_result invept_safe(u64 type, const struct invept_desc *d)
{
	u64 f;
	asm volatile(SAFE_BEGIN "invept %[d], %[t]" SAFE_END VMX_FLAGS_OUT
		     : [flags] "=r"(f) : [d] "m"(*d), [t] "r"(type) : "cc", "memory");
	return vmx_decode_flags(f, safe_fault_vector());
}

static inline struct vmx_result invvpid_safe(u64 type, const struct invvpid_desc *d)
{
	u64 f;
	asm volatile(SAFE_BEGIN "invvpid %[d], %[t]" SAFE_END VMX_FLAGS_OUT
		     : [flags] "=r"(f) : [d] "m"(*d), [t] "r"(type) : "cc", "memory");
	return vmx_decode_flags(f, safe_fault_vector());
}

/* The fault cases of the conformance suite (vmx/conf_fault.c): a VMX
 * instruction with its memory operand at p, through base register RSI (DS)
 * or RBP (SS: a non-canonical address there is #SS, SDM 31.3 "64-Bit Mode
 * Exceptions"). CF and ZF are set just before it, and *rflags is RFLAGS just
 * after (after the fault, when it faults): a fault must leave them as they
 * were. Returns the vector (0: none). For VMREAD/VMWRITE, field is the
 * encoding (register operand); the _ss forms use RBP. */
#define VMX_PRESET_CF_ZF "pushfq\n\torq $0x41, (%%rsp)\n\tpopfq\n\t"
#define VMX_INSN_AT(name, insn)                                                    \
	static inline int name##_at_safe(const void *p, u64 field, u64 *rflags)   \
	{                                                                           \
		u64 f;                                                              \
		asm volatile(VMX_PRESET_CF_ZF SAFE_BEGIN insn SAFE_END VMX_FLAGS_OUT \
			     : [flags] "=&d"(f) : "S"(p), "c"(field) : "cc", "memory"); \
		*rflags = f;                                                        \
		return safe_fault_vector();                                         \
	}
VMX_INSN_AT(vmptrld_op, "vmptrld (%%rsi)")
VMX_INSN_AT(vmclear_op, "vmclear (%%rsi)")
VMX_INSN_AT(vmptrst_op, "vmptrst (%%rsi)")
VMX_INSN_AT(vmread_op, "vmread %%rcx, (%%rsi)")
VMX_INSN_AT(vmwrite_op, "vmwrite (%%rsi), %%rcx")
VMX_INSN_AT(invept_op, "invept (%%rsi), %%rcx")
VMX_INSN_AT(invvpid_op, "invvpid (%%rsi), %%rcx")
static inline int vmptrld_ss_safe(const void *p, u64 *rflags)
{
	u64 f;
	asm volatile("pushq %%rbp\n\tmovq %%rsi, %%rbp\n\t" VMX_PRESET_CF_ZF
		     SAFE_BEGIN "vmptrld (%%rbp)" SAFE_END VMX_FLAGS_OUT "\n\tpopq %%rbp"
		     : [flags] "=&d"(f) : "S"(p) : "cc", "memory");
	*rflags = f;
	return safe_fault_vector();
}
static inline int vmptrst_ss_safe(const void *p, u64 *rflags)
{
	u64 f;
	asm volatile("pushq %%rbp\n\tmovq %%rsi, %%rbp\n\t" VMX_PRESET_CF_ZF
		     SAFE_BEGIN "vmptrst (%%rbp)" SAFE_END VMX_FLAGS_OUT "\n\tpopq %%rbp"
		     : [flags] "=&d"(f) : "S"(p) : "cc", "memory");
	*rflags = f;
	return safe_fault_vector();
}

/* VMLAUNCH / VMRESUME in the shadow of a MOV SS (SDM 31.3: "events are being
 * blocked by MOV SS" -> VMfailValid 26, checked before the launch state).
 * They return only when the entry fails. */
#define VMX_INSN_MOVSS(name, insn)                                                 \
	static inline struct vmx_result name(void)                                 \
	{                                                                           \
		u64 f;                                                              \
		asm volatile("movq $0, %%gs:" STR(CPU_FAULT_VECTOR_OFFSET) "\n\t"  \
			     "movw %%ss, %%ax\n\tmovw %%ax, %%ss\n1: " insn SAFE_END VMX_FLAGS_OUT \
			     : [flags] "=r"(f) :: "rax", "cc", "memory");           \
		return vmx_decode_flags(f, safe_fault_vector());                    \
	}
VMX_INSN_MOVSS(vmlaunch_movss_safe, "vmlaunch")
VMX_INSN_MOVSS(vmresume_movss_safe, "vmresume")

static inline struct vmx_result vmx_decode_flags(u64 rflags, int vector)
{
	struct vmx_result r = { VMX_SUCCEED, 0, 0 };
	if (vector) {
		r.status = VMX_FAULT;
		r.vector = vector;
	} else if (rflags & RFLAGS_CF) {
		r.status = VMX_FAIL_INVALID;
	} else if (rflags & RFLAGS_ZF) {
		u64 e = 0;
		r.status = VMX_FAIL_VALID;
		/* the error field is readable whenever a VMCS is current, which
		 * VMfailValid implies; read it without the flags games */
		asm volatile(SAFE_BEGIN "vmread %[field], %[v]" SAFE_END
			     : [v] "+r"(e) : [field] "r"((u64)VMCS_VM_INSTRUCTION_ERROR) : "cc", "memory");
		r.error = (u32)e;
	}
	return r;
}

/* "ok", "VMfailInvalid", "VMfailValid 4 (VMLAUNCH with non-clear VMCS)", "#UD" */
int vmx_result_str(struct vmx_result r, char *buf, size_t size);
bool vmx_result_is(struct vmx_result r, enum vmx_status st, u32 error_or_vector);

#endif
