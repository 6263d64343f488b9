/* Decoding the machine beyond VMX (see cpuinfo.h). Pure. */
#include "arch/x86_64/cpuinfo.h"
#include "kernel/format.h"
#include "kernel/lib.h"

#define CPUID1_ECX_SMX   (1u << 6)
#define CPUID1_ECX_HV    (1u << 31)
#define CPUID7_EBX_SGX   (1u << 2)
#define CPUID7_ECX_SGXLC (1u << 30)
#define CPUID7_EDX_HYBRID (1u << 15)

const char *cpuinfo_memtype_name(unsigned t)
{
	switch (t) {
	case MEMTYPE_UC: return "UC";
	case MEMTYPE_WC: return "WC";
	case MEMTYPE_WT: return "WT";
	case MEMTYPE_WP: return "WP";
	case MEMTYPE_WB: return "WB";
	case MEMTYPE_UCMINUS: return "UC-";
	case MEMTYPE_MIXED: return "undefined (overlapping MTRRs)";
	}
	return "reserved";
}

unsigned cpuinfo_pat_type(u64 pat, unsigned idx)
{
	return (unsigned)(pat >> (8 * (idx & 7))) & 7;
}

/* fixed ranges (12.11.2.2): 8 x 64 KiB, 16 x 16 KiB, 64 x 4 KiB */
static unsigned fixed_type(const struct cpuinfo_raw *r, u64 pa)
{
	unsigned msr, byte;
	if (pa < 0x80000) {
		msr = 0;
		byte = (unsigned)(pa >> 16);
	} else if (pa < 0xc0000) {
		msr = 1 + (unsigned)((pa - 0x80000) >> 17);
		byte = (unsigned)((pa - 0x80000) >> 14) & 7;
	} else {
		msr = 3 + (unsigned)((pa - 0xc0000) >> 15);
		byte = (unsigned)((pa - 0xc0000) >> 12) & 7;
	}
	return (unsigned)(r->fixed[msr] >> (8 * byte)) & 0xff;
}

unsigned cpuinfo_mtrr_type(const struct cpuinfo_raw *r, unsigned phys_bits, u64 pa)
{
	if (!r->mtrr_ok || !(r->mtrr_def & (1u << 11)))
		return MEMTYPE_UC;   /* MTRRs disabled: all of memory is UC */
	if (pa < 0x100000 && (r->mtrr_def & (1u << 10)) && (r->mtrr_cap & (1u << 8)))
		return fixed_type(r, pa);
	u64 width = phys_bits >= 64 ? ~0ULL : (1ULL << phys_bits) - 1;
	unsigned n = (unsigned)(r->mtrr_cap & 0xff), found = 0, type = 0;
	bool uc = false, wt = false, wb = false;
	for (unsigned i = 0; i < n && i < MTRR_VAR_MAX; i++) {
		u64 mask = r->var_mask[i];
		if (!(mask & (1u << 11)))
			continue;   /* range not valid */
		mask &= width & ~0xfffULL;
		if ((pa & mask) != (r->var_base[i] & mask))
			continue;
		unsigned t = (unsigned)(r->var_base[i] & 0xff);
		uc |= t == MEMTYPE_UC;
		wt |= t == MEMTYPE_WT;
		wb |= t == MEMTYPE_WB;
		if (!found++)
			type = t;
		else if (t != type)
			type = MEMTYPE_MIXED;
	}
	if (!found)
		return (unsigned)(r->mtrr_def & 0xff);
	if (uc)
		return MEMTYPE_UC;
	if (wt && wb && type == MEMTYPE_MIXED)
		return MEMTYPE_WT;
	return type;
}

void cpuinfo_fms(u32 eax, unsigned *family, unsigned *model, unsigned *stepping)
{
	unsigned fam = (eax >> 8) & 0xf, mod = (eax >> 4) & 0xf;
	if (fam == 0xf)
		fam += (eax >> 20) & 0xff;
	if (fam == 0x6 || fam >= 0xf)
		mod |= ((eax >> 16) & 0xf) << 4;
	*family = fam;
	*model = mod;
	*stepping = eax & 0xf;
}

static void vendor(const struct cpuinfo_raw *r, char out[13])
{
	memcpy(out, &r->leaf0[1], 4);
	memcpy(out + 4, &r->leaf0[3], 4);
	memcpy(out + 8, &r->leaf0[2], 4);
	out[12] = 0;
	for (int i = 0; i < 12; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '?';
}

/* the brand string without its leading blanks; "" when absent */
static void brand(const struct cpuinfo_raw *r, char out[49])
{
	memcpy(out, r->brand, 48);
	out[48] = 0;
	for (int i = 0; i < 48 && out[i]; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			out[i] = '?';
	size_t lead = 0;
	while (out[lead] == ' ')
		lead++;
	memmove(out, out + lead, 49 - lead);
}

static const char *core_type(u32 leaf1a_eax)
{
	switch (leaf1a_eax >> 24) {
	case 0x20: return "efficiency core (Intel Atom)";
	case 0x40: return "performance core (Intel Core)";
	}
	return "core type not known to this kernel";
}

static const char *yes_no(bool b)
{
	return b ? "yes" : "no";
}

size_t cpuinfo_describe(const struct cpuinfo_raw *r, cpuinfo_line_fn line, void *ctx)
{
	size_t n = 0;
	char v[13], b[49];
	unsigned fam, mod, step;
	vendor(r, v);
	brand(r, b);
	cpuinfo_fms(r->leaf1[0], &fam, &mod, &step);
	format_line(line, ctx, &n, "identity: %s family 0x%x model 0x%x stepping %u, \"%s\"", v, fam, mod, step,
	     b[0] ? b : "(no brand string)");
	if (r->microcode_ok)
		format_line(line, ctx, &n, "microcode: revision 0x%lx (IA32_BIOS_SIGN_ID 0x%lx)", r->bios_sign_id >> 32,
		     r->bios_sign_id);
	else
		format_line(line, ctx, &n, "microcode: IA32_BIOS_SIGN_ID (0x8b) not readable");
	if (r->leaf7[3] & CPUID7_EDX_HYBRID)
		format_line(line, ctx, &n, "hybrid: yes, this is a %s (CPUID 0x1a EAX 0x%x)", core_type(r->leaf1a_eax),
		     r->leaf1a_eax);
	else
		format_line(line, ctx, &n, "hybrid: no (CPUID.(7,0):EDX bit 15 clear)");
	unsigned phys = r->l80000008_eax & 0xff, lin = (r->l80000008_eax >> 8) & 0xff;
	if (r->l80000008_eax)
		format_line(line, ctx, &n, "addresses: physical %u bits, linear %u bits", phys, lin);
	else
		format_line(line, ctx, &n, "addresses: CPUID 0x80000008 absent (36 physical bits assumed)");
	format_line(line, ctx, &n, "SMX (Intel TXT): %s; SGX: %s; SGX launch control: %s", yes_no(r->leaf1[2] & CPUID1_ECX_SMX),
	     yes_no(r->leaf7[1] & CPUID7_EBX_SGX), yes_no(r->leaf7[2] & CPUID7_ECX_SGXLC));
	if (r->fc_ok) {
		u64 f = r->feature_control;
		format_line(line, ctx, &n, "IA32_FEATURE_CONTROL 0x%lx: lock %s, VMXON in SMX %s, VMXON outside SMX %s, "
		     "SENTER local functions 0x%lx, SENTER global %s, SGX launch control %s, SGX %s, LMCE %s", f,
		     yes_no(f & 1), yes_no(f & 2), yes_no(f & 4), (f >> 8) & 0x7f, yes_no(f & (1u << 15)), yes_no(f & (1u << 17)),
		     yes_no(f & (1u << 18)), yes_no(f & (1u << 20)));
	} else {
		format_line(line, ctx, &n, "IA32_FEATURE_CONTROL: not readable");
	}
	if (r->leaf1[2] & CPUID1_ECX_HV) {
		char hv[13];
		memcpy(hv, &r->hv[1], 4);
		memcpy(hv + 4, &r->hv[2], 4);
		memcpy(hv + 8, &r->hv[3], 4);
		hv[12] = 0;
		for (int i = 0; i < 12; i++)
			if (hv[i] && (hv[i] < 0x20 || hv[i] > 0x7e))
				hv[i] = '?';
		format_line(line, ctx, &n, "hypervisor: \"%s\", highest leaf 0x%x", hv, r->hv[0]);
	} else {
		format_line(line, ctx, &n, "hypervisor: none (CPUID.1:ECX bit 31 clear)");
	}
	if (r->mtrr_ok)
		format_line(line, ctx, &n, "MTRRs: %s, fixed ranges %s, default type %s, %u variable ranges",
		     r->mtrr_def & (1u << 11) ? "enabled" : "disabled (all memory UC)",
		     (r->mtrr_def & (1u << 10)) && (r->mtrr_cap & (1u << 8)) ? "on" : "off",
		     cpuinfo_memtype_name((unsigned)(r->mtrr_def & 0xff)), (unsigned)(r->mtrr_cap & 0xff));
	else
		format_line(line, ctx, &n, "MTRRs: not readable");
	if (r->pat_ok) {
		char t[64];
		size_t p = 0;
		for (unsigned i = 0; i < 8; i++)
			p += (size_t)ksnprintf(t + p, sizeof(t) - p, "%s%s", i ? " " : "",
					       cpuinfo_memtype_name(cpuinfo_pat_type(r->pat, i)));
		format_line(line, ctx, &n, "PAT 0x%016lx: %s", r->pat, t);
	} else {
		format_line(line, ctx, &n, "PAT: not readable");
	}
	return n;
}

void cpuinfo_describe_page(const struct cpuinfo_raw *r, const char *what, u64 pa, unsigned pat_idx,
			   cpuinfo_line_fn line, void *ctx)
{
	size_t n = 0;
	unsigned phys = r->l80000008_eax & 0xff;
	unsigned m = cpuinfo_mtrr_type(r, phys ? phys : 36, pa);
	unsigned p = r->pat_ok ? cpuinfo_pat_type(r->pat, pat_idx) : (pat_idx == 0 ? MEMTYPE_WB : MEMTYPE_UC);
	format_line(line, ctx, &n, "%s 0x%lx: MTRR %s, PAT entry %u %s: %s", what, pa, cpuinfo_memtype_name(m), pat_idx,
	     cpuinfo_memtype_name(p), m == MEMTYPE_WB && p == MEMTYPE_WB ? "write-back, as VMX_BASIC asks" :
	     "NOT write-back (VMX_BASIC asks for WB; SDM 25.11.4)");
}

size_t cpuinfo_diff(const struct cpuinfo_raw *ref, u32 ref_cpu, const struct cpuinfo_raw *c, cpuinfo_line_fn line,
		    void *ctx)
{
	size_t n = 0;
	char a[49], b[49];
	if (ref->leaf1[0] != c->leaf1[0])
		format_line(line, ctx, &n, "CPUID 1 EAX (family/model/stepping) 0x%x (cpu%u: 0x%x)", c->leaf1[0], ref_cpu,
		     ref->leaf1[0]);
	brand(ref, a);
	brand(c, b);
	if (strcmp(a, b))
		format_line(line, ctx, &n, "brand \"%s\" (cpu%u: \"%s\")", b, ref_cpu, a);
	if (ref->microcode_ok != c->microcode_ok || (ref->bios_sign_id >> 32) != (c->bios_sign_id >> 32))
		format_line(line, ctx, &n, "microcode 0x%lx (cpu%u: 0x%lx)", c->bios_sign_id >> 32, ref_cpu,
		     ref->bios_sign_id >> 32);
	if ((ref->leaf7[3] & CPUID7_EDX_HYBRID) && ref->leaf1a_eax >> 24 != c->leaf1a_eax >> 24)
		format_line(line, ctx, &n, "%s (cpu%u: %s)", core_type(c->leaf1a_eax), ref_cpu, core_type(ref->leaf1a_eax));
	return n;
}
