/* Reads what cpuinfo.c decodes, on the calling CPU. Every MSR through its
 * _safe wrapper: a CPU or hypervisor without it gives "not readable". */
#include "arch/x86_64/cpuinfo.h"
#include "arch/x86_64/cpu.h"
#include "kernel/lib.h"

#define IA32_BIOS_SIGN_ID 0x8b
#define IA32_MTRRCAP 0xfe
#define IA32_MTRR_DEF_TYPE 0x2ff
#define IA32_PAT 0x277
#define IA32_FEATURE_CONTROL 0x3a

static void regs(u32 out[4], struct cpuid_regs r)
{
	out[0] = r.eax;
	out[1] = r.ebx;
	out[2] = r.ecx;
	out[3] = r.edx;
}

static void microcode(struct cpuinfo_raw *r)
{
	/* SDM vol. 3A 10.11.7.1: write 0, execute CPUID(1), read the revision
	 * from bits 63:32. AMD keeps its patch level in the same MSR number. */
	bool intel = r->leaf0[1] == 0x756e6547 && r->leaf0[3] == 0x49656e69 && r->leaf0[2] == 0x6c65746e;
	if (intel && wrmsr_safe(IA32_BIOS_SIGN_ID, 0))
		return;
	if (intel)
		(void)cpuid(1);
	u64 v;
	if (rdmsr_safe(IA32_BIOS_SIGN_ID, &v))
		return;
	r->bios_sign_id = intel ? v : v << 32;   /* AMD: the patch level is the whole low half */
	r->microcode_ok = true;
}

static void mtrrs(struct cpuinfo_raw *r)
{
	static const u32 fixed[11] = { 0x250, 0x258, 0x259, 0x268, 0x269, 0x26a, 0x26b, 0x26c, 0x26d, 0x26e, 0x26f };
	if (!(r->leaf1[3] & (1u << 12)))   /* CPUID.1:EDX.MTRR */
		return;
	if (rdmsr_safe(IA32_MTRRCAP, &r->mtrr_cap) || rdmsr_safe(IA32_MTRR_DEF_TYPE, &r->mtrr_def))
		return;
	if (r->mtrr_cap & (1u << 8))
		for (int i = 0; i < 11; i++)
			if (rdmsr_safe(fixed[i], &r->fixed[i]))
				return;
	unsigned n = (unsigned)(r->mtrr_cap & 0xff);
	for (unsigned i = 0; i < n && i < MTRR_VAR_MAX; i++)
		if (rdmsr_safe(0x200 + 2 * i, &r->var_base[i]) || rdmsr_safe(0x201 + 2 * i, &r->var_mask[i]))
			return;
	r->mtrr_ok = true;
}

void cpuinfo_read(struct cpuinfo_raw *r)
{
	memset(r, 0, sizeof(*r));
	regs(r->leaf0, cpuid(0));
	regs(r->leaf1, cpuid(1));
	if (r->leaf0[0] >= 7)
		regs(r->leaf7, cpuid_count(7, 0));
	if (r->leaf0[0] >= 0x1a)
		r->leaf1a_eax = cpuid(0x1a).eax;
	r->ext_max = cpuid(0x80000000).eax;
	if (r->ext_max >= 0x80000004)
		for (u32 i = 0; i < 3; i++)
			regs(&r->brand[4 * i], cpuid(0x80000002 + i));
	if (r->ext_max >= 0x80000008)
		r->l80000008_eax = cpuid(0x80000008).eax;
	if (r->leaf1[2] & (1u << 31))
		regs(r->hv, cpuid(0x40000000));
	microcode(r);
	r->fc_ok = (r->leaf1[2] & ((1u << 5) | (1u << 6))) && !rdmsr_safe(IA32_FEATURE_CONTROL, &r->feature_control);
	r->pat_ok = (r->leaf1[3] & (1u << 16)) && !rdmsr_safe(IA32_PAT, &r->pat);
	mtrrs(r);
}
