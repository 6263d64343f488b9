/*
 * The VMM's decisions (vmx/virt_policy.h). The lists are tables: which exit
 * gets which action, which MSRs the bitmap intercepts.
 */
#include "vmx/virt_policy.h"
#include "kernel/lib.h"

/* SDM vol. 3C appendix C basic exit reasons */
static const struct {
	u32 reason;
	enum virt_action action;
} exit_table[] = {
	{ 2, VIRT_ACT_FATAL },            /* triple fault */
	{ 3, VIRT_ACT_BRING_OUT },        /* INIT: leave VMX so the next INIT works natively */
	{ 4, VIRT_ACT_IGNORE },           /* SIPI */
	{ 10, VIRT_ACT_CPUID },
	{ 13, VIRT_ACT_INVD },
	{ 18, VIRT_ACT_VMCALL },
	{ 19, VIRT_ACT_INJECT_UD },       /* VMCLEAR */
	{ 20, VIRT_ACT_INJECT_UD },       /* VMLAUNCH */
	{ 21, VIRT_ACT_INJECT_UD },       /* VMPTRLD */
	{ 22, VIRT_ACT_INJECT_UD },       /* VMPTRST */
	{ 23, VIRT_ACT_INJECT_UD },       /* VMREAD */
	{ 24, VIRT_ACT_INJECT_UD },       /* VMRESUME */
	{ 25, VIRT_ACT_INJECT_UD },       /* VMWRITE */
	{ 26, VIRT_ACT_INJECT_UD },       /* VMXOFF */
	{ 27, VIRT_ACT_INJECT_UD },       /* VMXON */
	{ 28, VIRT_ACT_CR_ACCESS },
	{ 31, VIRT_ACT_RDMSR },
	{ 32, VIRT_ACT_WRMSR },
	{ 48, VIRT_ACT_EPT_VIOLATION },
	{ 49, VIRT_ACT_FATAL },           /* EPT misconfiguration: our tables are wrong */
	{ 50, VIRT_ACT_INJECT_UD },       /* INVEPT */
	{ 53, VIRT_ACT_INJECT_UD },       /* INVVPID */
	{ 55, VIRT_ACT_XSETBV },
};

static const char *const action_names[] = {
	"CPUID emulated", "RDMSR", "WRMSR", "#UD injected", "XSETBV executed", "INVD as WBINVD",
	"CR write", "EPT violation: #GP injected", "VMCALL", "ignored", "fatal: CPU parked", "brought out",
};

enum virt_action virt_exit_action(u32 basic_reason)
{
	for (size_t i = 0; i < ARRAY_SIZE(exit_table); i++)
		if (exit_table[i].reason == basic_reason)
			return exit_table[i].action;
	return VIRT_ACT_BRING_OUT;
}

const char *virt_action_name(enum virt_action a)
{
	return (unsigned)a < ARRAY_SIZE(action_names) ? action_names[a] : "?";
}

struct virt_cpuid virt_cpuid(u32 leaf, u32 subleaf, struct virt_cpuid real)
{
	(void)subleaf;
	if (leaf == 1) {
		real.ecx |= 1u << 31;        /* hypervisor present */
		real.ecx &= ~(1u << 5);      /* VMX: VT-x belongs to vmxboot's VMM */
	} else if (leaf == 0x40000000) {
		real = (struct virt_cpuid){ VIRT_CPUID_MAX_LEAF, VIRT_SIG_EBX, VIRT_SIG_ECX, VIRT_SIG_EDX };
	} else if (leaf > 0x40000000 && leaf <= 0x400000ff) {
		real = (struct virt_cpuid){ 0, 0, 0, 0 };
	}
	return real;
}

/* The MSRs the bitmap intercepts: IA32_FEATURE_CONTROL and the VMX
 * capability MSRs 0x480 (BASIC) to 0x493 (EXIT_CTLS2) */
#define MSR_FC 0x3a
#define MSR_VMX_FIRST 0x480
#define MSR_VMX_LAST 0x493

enum virt_msr_action virt_msr_policy(u32 msr, bool write)
{
	if (msr == MSR_FC)
		return write ? VIRT_MSR_GP : VIRT_MSR_FC_READ;
	if (msr >= MSR_VMX_FIRST && msr <= MSR_VMX_LAST)
		return VIRT_MSR_GP;
	return VIRT_MSR_PASS;
}

u64 virt_fc_value(u64 real)
{
	/* locked (bit 0), VMXON inside and outside SMX off (bits 1, 2) */
	return (real & ~0x6ULL) | 1;
}

static long bitmap_bit(u32 msr, bool write)
{
	long base = write ? 0x800 * 8 : 0;
	if (msr <= 0x1fff)
		return base + msr;
	if (msr >= 0xc0000000 && msr <= 0xc0001fff)
		return base + 0x400 * 8 + (msr - 0xc0000000);
	return -1;
}

void virt_msr_bitmap_fill(u8 *bm)
{
	memset(bm, 0, 4096);
	for (u32 msr = 0; msr <= MSR_VMX_LAST; msr++)
		for (int w = 0; w < 2; w++)
			if (virt_msr_policy(msr, w) != VIRT_MSR_PASS) {
				long b = bitmap_bit(msr, w);
				bm[b / 8] |= (u8)(1u << (b % 8));
			}
}

bool virt_msr_exits(const u8 *bm, u32 msr, bool write)
{
	long b = bitmap_bit(msr, write);
	return b < 0 || (bm[b / 8] >> (b % 8)) & 1;
}

enum virt_vmcall_result virt_vmcall(u64 rax, u64 rbx, u64 key)
{
	if (rbx != key)
		return VIRT_VMCALL_UD;   /* as VMCALL outside VMX: nobody answers */
	if (rax == VIRT_CALL_PING)
		return VIRT_VMCALL_PING;
	if (rax == VIRT_CALL_DEVIRT)
		return VIRT_VMCALL_DEVIRT;
	if (rax == VIRT_CALL_NMI)
		return VIRT_VMCALL_NMI;
	return VIRT_VMCALL_UD;
}

enum virt_nmi_action virt_nmi_decide(u32 pending, u32 info, u64 intr)
{
	if (!pending)
		return VIRT_NMI_NONE;
	if ((info & (1u << 31)) || (intr & 0xb))   /* an event already; blocking by STI (0), MOV SS (1), NMI (3) */
		return VIRT_NMI_HOLD;
	return VIRT_NMI_INJECT;
}

#define CR0_PE (1ULL << 0)
#define CR0_PG (1ULL << 31)
#define CR4_VMXE (1ULL << 13)

struct virt_cr_write virt_cr_write(unsigned cr, u64 value, u64 fixed0, u64 fixed1)
{
	struct virt_cr_write r = { false, 0, value };
	if (cr == 4) {
		if (value & CR4_VMXE) {
			r.gp = true;
			return r;
		}
		value |= CR4_VMXE;
	} else if (cr == 0) {
		/* a 64-bit kernel clearing PE or PG would fault on bare metal too */
		if ((value & (CR0_PE | CR0_PG)) != (CR0_PE | CR0_PG)) {
			r.gp = true;
			return r;
		}
	} else {
		r.gp = true;
		return r;
	}
	r.guest = (value | fixed0) & fixed1;
	return r;
}

struct virt_cr_qual virt_cr_qual_decode(u64 q)
{
	return (struct virt_cr_qual){ (unsigned)(q & 0xf), (unsigned)((q >> 4) & 3), (unsigned)((q >> 8) & 0xf) };
}

u32 virt_seg_access_rights(u16 selector, u64 d)
{
	if ((selector & ~3u) == 0)
		return 1u << 16;   /* unusable */
	/* type/S/DPL/P from bits 47:40, AVL/L/D/G from bits 55:52 */
	return (u32)(((d >> 40) & 0xff) | (((d >> 52) & 0xf) << 12));
}

u32 virt_seg_limit(u64 d)
{
	u32 lim = (u32)((d & 0xffff) | (((d >> 48) & 0xf) << 16));
	return (d & (1ULL << 55)) ? (lim << 12) | 0xfff : lim;
}

u64 virt_seg_base(u64 lo, u64 hi, bool system)
{
	u64 b = ((lo >> 16) & 0xffffff) | (((lo >> 56) & 0xff) << 24);
	return system ? b | (hi << 32) : b;
}
