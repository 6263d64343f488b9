/* VM-entry checks on the guest-state area, SDM vol. 3C 27.3.1.1-27.3.1.5
 * (failure: VM exit with reason 33 | bit 31, "VM-entry failure due to invalid
 * guest state"). The PDPTE checks of 27.3.1.6 need guest memory and are not
 * done. */
#include "kernel/types.h"
#include "kernel/lib.h"
#include "vmx/entry_check.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_defs.h"

static const char S_CRS[] = "27.3.1.1";
static const char S_SEGS[] = "27.3.1.2";
static const char S_DTRS[] = "27.3.1.3";
static const char S_RIP[] = "27.3.1.4";
static const char S_NONREG[] = "27.3.1.5";

#define CR0_PE    BIT(0)
#define CR0_WP    BIT(16)
#define CR0_PG    BIT(31)
#define CR4_PAE   BIT(5)
#define CR4_PCIDE BIT(17)
#define CR4_CET   BIT(23)
#define EFER_LME  BIT(8)
#define EFER_LMA  BIT(10)
#define RFLAGS_FIXED1   BIT(1)
#define RFLAGS_TF       BIT(8)
#define RFLAGS_IF       BIT(9)
#define RFLAGS_VM       BIT(17)
#define RFLAGS_RESERVED 0xffffffffffc08028ULL	/* 63:22, 15, 5, 3 */

/* Access-rights format (25.4.1, table 25-2) */
#define AR_TYPE(ar)     ((unsigned)(ar) & 0xf)
#define AR_S            BIT(4)
#define AR_DPL(ar)      ((unsigned)((ar) >> 5) & 3)
#define AR_P            BIT(7)
#define AR_RSVD_11_8    0xf00ULL
#define AR_L            BIT(13)
#define AR_DB           BIT(14)
#define AR_G            BIT(15)
#define AR_UNUSABLE     BIT(16)
#define AR_RSVD_31_17   0xfffe0000ULL

#define INTR_VALID          BIT(31)
#define INTR_TYPE(i)        (((i) >> 8) & 7)
#define INTR_VECTOR(i)      ((i) & 0xff)

#define BLOCK_STI  BIT(0)
#define BLOCK_MOVSS BIT(1)
#define BLOCK_SMI  BIT(2)
#define BLOCK_NMI  BIT(3)

enum { ACT_ACTIVE = 0, ACT_HLT = 1, ACT_SHUTDOWN = 2, ACT_WAIT_SIPI = 3 };
enum { ES, CS, SS, DS, FS, GS, LDTR, TR, NSEG };

struct seg {
	u64 sel, base, limit, ar;
	bool ok;
};

struct guest {
	struct entry_check_ctx *c;
	bool ia32e, ug, v86;
	bool cr0_ok, rflags_ok, intr_ok;
	u64 cr0, rflags, intr;	/* intr: VM-entry interruption information */
	struct seg s[NSEG];
};

/* The four fields of segment i follow each other by 2 in every group. */
static u32 f_sel(int i)   { return VMCS_GUEST_ES_SELECTOR + 2 * (u32)i; }
static u32 f_base(int i)  { return VMCS_GUEST_ES_BASE + 2 * (u32)i; }
static u32 f_limit(int i) { return VMCS_GUEST_ES_LIMIT + 2 * (u32)i; }
static u32 f_ar(int i)    { return VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * (u32)i; }

static bool usable(const struct seg *s) { return !(s->ar & AR_UNUSABLE); }

static void bad(struct guest *g, u32 field, u64 value, u64 bits, const char *rule,
		const char *sdm)
{
	entry_check_report(g->c, field, value, bits, rule, sdm);
}

/* ---- 27.3.1.1 control registers, debug registers, MSRs ---- */

static void check_cr0_cr4(struct guest *g)
{
	const struct vmx_caps *k = g->c->caps;
	u64 cr4, fixed0 = k->cr0_fixed0;

	if (g->cr0_ok) {
		u64 cr0 = g->cr0;

		if (g->ug)
			fixed0 &= ~(CR0_PE | CR0_PG);
		if (fixed0 & ~cr0)
			bad(g, VMCS_GUEST_CR0, cr0, fixed0 & ~cr0,
			    "guest CR0 must have the bits set that IA32_VMX_CR0_FIXED0 requires (PG/PE exempt with unrestricted guest)",
			    S_CRS);
		if (cr0 & ~k->cr0_fixed1)
			bad(g, VMCS_GUEST_CR0, cr0, cr0 & ~k->cr0_fixed1,
			    "guest CR0 must have the bits clear that IA32_VMX_CR0_FIXED1 forbids", S_CRS);
		if ((cr0 & CR0_PG) && !(cr0 & CR0_PE))
			bad(g, VMCS_GUEST_CR0, cr0, CR0_PE,
			    "guest CR0.PG = 1 needs CR0.PE = 1", S_CRS);
		if (g->ia32e && !(cr0 & CR0_PG))
			bad(g, VMCS_GUEST_CR0, cr0, CR0_PG,
			    "guest CR0.PG must be 1 with \"IA-32e mode guest\"", S_CRS);
	}
	if (!entry_check_get(g->c, VMCS_GUEST_CR4, &cr4))
		return;
	if (k->cr4_fixed0 & ~cr4)
		bad(g, VMCS_GUEST_CR4, cr4, k->cr4_fixed0 & ~cr4,
		    "guest CR4 must have the bits set that IA32_VMX_CR4_FIXED0 requires (VMXE)", S_CRS);
	if (cr4 & ~k->cr4_fixed1)
		bad(g, VMCS_GUEST_CR4, cr4, cr4 & ~k->cr4_fixed1,
		    "guest CR4 must have the bits clear that IA32_VMX_CR4_FIXED1 forbids", S_CRS);
	if ((cr4 & CR4_CET) && g->cr0_ok && !(g->cr0 & CR0_WP))
		bad(g, VMCS_GUEST_CR4, cr4, CR4_CET, "guest CR4.CET = 1 needs CR0.WP = 1", S_CRS);
	if (g->ia32e && !(cr4 & CR4_PAE))
		bad(g, VMCS_GUEST_CR4, cr4, CR4_PAE,
		    "guest CR4.PAE must be 1 with \"IA-32e mode guest\"", S_CRS);
	if (!g->ia32e && (cr4 & CR4_PCIDE))
		bad(g, VMCS_GUEST_CR4, cr4, CR4_PCIDE,
		    "guest CR4.PCIDE must be 0 without \"IA-32e mode guest\"", S_CRS);
}

static void check_guest_canonical(struct guest *g, u32 field, const char *rule,
				  const char *sdm)
{
	u64 v, nc;

	if (entry_check_get(g->c, field, &v) && (nc = entry_check_noncanonical(v, g->c->lin_bits)))
		bad(g, field, v, nc, rule, sdm);
}

static void check_msrs(struct guest *g)
{
	struct entry_check_ctx *c = g->c;
	u64 v;

	if (entry_check_get(c, VMCS_GUEST_CR3, &v) && entry_check_beyond(v, c->phys_bits))
		bad(g, VMCS_GUEST_CR3, v, entry_check_beyond(v, c->phys_bits),
		    "guest CR3 bits beyond the physical-address width must be 0", S_CRS);
	if ((c->entry & ENTRY_LOAD_DEBUG_CONTROLS) && entry_check_get(c, VMCS_GUEST_DR7, &v) &&
	    (v >> 32))
		bad(g, VMCS_GUEST_DR7, v, v & ~0xffffffffULL,
		    "guest DR7 bits 63:32 must be 0 with \"load debug controls\"", S_CRS);
	check_guest_canonical(g, VMCS_GUEST_IA32_SYSENTER_ESP,
			      "guest IA32_SYSENTER_ESP must be canonical", S_CRS);
	check_guest_canonical(g, VMCS_GUEST_IA32_SYSENTER_EIP,
			      "guest IA32_SYSENTER_EIP must be canonical", S_CRS);
	if ((c->entry & ENTRY_LOAD_IA32_PAT) && entry_check_get(c, VMCS_GUEST_IA32_PAT, &v) &&
	    entry_check_bad_pat(v))
		bad(g, VMCS_GUEST_IA32_PAT, v, entry_check_bad_pat(v),
		    "guest IA32_PAT: each byte must be a valid memory type (0, 1, 4, 5, 6, 7) with \"load IA32_PAT\"",
		    S_CRS);
	if (!(c->entry & ENTRY_LOAD_IA32_EFER) || !entry_check_get(c, VMCS_GUEST_IA32_EFER, &v))
		return;
	if (v & ENTRY_CHECK_EFER_RESERVED)
		bad(g, VMCS_GUEST_IA32_EFER, v, v & ENTRY_CHECK_EFER_RESERVED,
		    "guest IA32_EFER reserved bits must be 0 with \"load IA32_EFER\"", S_CRS);
	if (!!(v & EFER_LMA) != g->ia32e)
		bad(g, VMCS_GUEST_IA32_EFER, v, EFER_LMA,
		    "guest IA32_EFER.LMA must equal \"IA-32e mode guest\" with \"load IA32_EFER\"", S_CRS);
	if (g->cr0_ok && (g->cr0 & CR0_PG) && !!(v & EFER_LME) != g->ia32e)
		bad(g, VMCS_GUEST_IA32_EFER, v, EFER_LME,
		    "guest IA32_EFER.LME must equal \"IA-32e mode guest\" when CR0.PG = 1 with \"load IA32_EFER\"",
		    S_CRS);
}

/* ---- 27.3.1.2 segment registers ---- */

static void check_limit_g(struct guest *g, int i)
{
	const struct seg *s = &g->s[i];

	if ((s->ar & AR_G) && (s->limit & 0xfff) != 0xfff)
		bad(g, f_ar(i), s->ar, AR_G,
		    "G (bit 15) must be 0 when any of limit bits 11:0 is 0", S_SEGS);
	if (!(s->ar & AR_G) && (s->limit & 0xfff00000))
		bad(g, f_ar(i), s->ar, AR_G,
		    "G (bit 15) must be 1 when any of limit bits 31:20 is 1", S_SEGS);
}

/* The rules CS, SS, DS, ES, FS, GS share: S, P, reserved bits, G. */
static void check_code_data_common(struct guest *g, int i)
{
	const struct seg *s = &g->s[i];

	if (!(s->ar & AR_S))
		bad(g, f_ar(i), s->ar, AR_S,
		    "S (bit 4) must be 1 (code or data segment) in CS and in usable SS, DS, ES, FS, GS", S_SEGS);
	if (!(s->ar & AR_P))
		bad(g, f_ar(i), s->ar, AR_P,
		    "P (bit 7) must be 1 in CS and in usable SS, DS, ES, FS, GS", S_SEGS);
	if (s->ar & AR_RSVD_11_8)
		bad(g, f_ar(i), s->ar, s->ar & AR_RSVD_11_8,
		    "access-rights bits 11:8 are reserved and must be 0", S_SEGS);
	check_limit_g(g, i);
	if (s->ar & AR_RSVD_31_17)
		bad(g, f_ar(i), s->ar, s->ar & AR_RSVD_31_17,
		    "access-rights bits 31:17 are reserved and must be 0", S_SEGS);
}

static void check_cs(struct guest *g)
{
	const struct seg *cs = &g->s[CS], *ss = &g->s[SS];
	unsigned t = AR_TYPE(cs->ar);

	if (!(t == 9 || t == 11 || t == 13 || t == 15 || (t == 3 && g->ug)))
		bad(g, f_ar(CS), cs->ar, 0xf,
		    "CS type must be 9, 11, 13 or 15 (accessed code; 3 also with unrestricted guest)", S_SEGS);
	else if (t == 3 && AR_DPL(cs->ar) != 0)
		bad(g, f_ar(CS), cs->ar, 3 << 5, "CS DPL must be 0 when CS type is 3", S_SEGS);
	else if (ss->ok && (t == 9 || t == 11) && AR_DPL(cs->ar) != AR_DPL(ss->ar))
		bad(g, f_ar(CS), cs->ar, 3 << 5,
		    "CS DPL must equal SS DPL for a non-conforming code segment (type 9 or 11)", S_SEGS);
	else if (ss->ok && (t == 13 || t == 15) && AR_DPL(cs->ar) > AR_DPL(ss->ar))
		bad(g, f_ar(CS), cs->ar, 3 << 5,
		    "CS DPL must not exceed SS DPL for a conforming code segment (type 13 or 15)", S_SEGS);
	check_code_data_common(g, CS);
	if (g->ia32e && (cs->ar & AR_L) && (cs->ar & AR_DB))
		bad(g, f_ar(CS), cs->ar, AR_L | AR_DB,
		    "CS L (bit 13) and D/B (bit 14) must not both be 1 with \"IA-32e mode guest\"", S_SEGS);
}

static void check_ss(struct guest *g)
{
	const struct seg *ss = &g->s[SS];
	bool cs_type3 = g->s[CS].ok && AR_TYPE(g->s[CS].ar) == 3;

	/* The DPL rules hold even for an unusable SS: its DPL is the CPL. */
	if (!g->ug && AR_DPL(ss->ar) != (ss->sel & 3))
		bad(g, f_ar(SS), ss->ar, 3 << 5,
		    "SS DPL must equal the RPL of the SS selector (without unrestricted guest)", S_SEGS);
	if ((cs_type3 || (g->cr0_ok && !(g->cr0 & CR0_PE))) && AR_DPL(ss->ar) != 0)
		bad(g, f_ar(SS), ss->ar, 3 << 5,
		    "SS DPL must be 0 when CS type is 3 or CR0.PE is 0", S_SEGS);
	if (!usable(ss))
		return;
	if (AR_TYPE(ss->ar) != 3 && AR_TYPE(ss->ar) != 7)
		bad(g, f_ar(SS), ss->ar, 0xf,
		    "a usable SS must be type 3 or 7 (read/write accessed data)", S_SEGS);
	check_code_data_common(g, SS);
}

static void check_data_seg(struct guest *g, int i)
{
	const struct seg *s = &g->s[i];
	unsigned t = AR_TYPE(s->ar);

	if (!usable(s))
		return;
	if (!(t & 1))
		bad(g, f_ar(i), s->ar, 1,
		    "a usable DS, ES, FS, GS must have the accessed bit (type bit 0) set", S_SEGS);
	if ((t & 8) && !(t & 2))
		bad(g, f_ar(i), s->ar, 2,
		    "a usable DS, ES, FS, GS code segment must be readable (type bit 1)", S_SEGS);
	if (!g->ug && t <= 11 && AR_DPL(s->ar) < (s->sel & 3))
		bad(g, f_ar(i), s->ar, 3 << 5,
		    "DPL must not be below the selector's RPL for a usable data or non-conforming code segment (without unrestricted guest)",
		    S_SEGS);
	check_code_data_common(g, i);
}

static void check_tr(struct guest *g)
{
	const struct seg *tr = &g->s[TR];
	unsigned t = AR_TYPE(tr->ar);

	if (g->ia32e ? t != 11 : (t != 3 && t != 11))
		bad(g, f_ar(TR), tr->ar, 0xf,
		    "TR type must be 11 (busy 64-bit TSS) with \"IA-32e mode guest\", else 3 or 11 (busy TSS)", S_SEGS);
	if (tr->ar & AR_S)
		bad(g, f_ar(TR), tr->ar, AR_S, "TR S (bit 4) must be 0 (system segment)", S_SEGS);
	if (!(tr->ar & AR_P))
		bad(g, f_ar(TR), tr->ar, AR_P, "TR P (bit 7) must be 1", S_SEGS);
	if (tr->ar & AR_RSVD_11_8)
		bad(g, f_ar(TR), tr->ar, tr->ar & AR_RSVD_11_8,
		    "access-rights bits 11:8 are reserved and must be 0", S_SEGS);
	check_limit_g(g, TR);
	if (tr->ar & AR_UNUSABLE)
		bad(g, f_ar(TR), tr->ar, AR_UNUSABLE, "TR must be usable (bit 16 clear)", S_SEGS);
	if (tr->ar & AR_RSVD_31_17)
		bad(g, f_ar(TR), tr->ar, tr->ar & AR_RSVD_31_17,
		    "access-rights bits 31:17 are reserved and must be 0", S_SEGS);
}

static void check_ldtr(struct guest *g)
{
	const struct seg *l = &g->s[LDTR];

	if (!usable(l))
		return;
	if (AR_TYPE(l->ar) != 2)
		bad(g, f_ar(LDTR), l->ar, 0xf, "a usable LDTR must be type 2 (LDT)", S_SEGS);
	if (l->ar & AR_S)
		bad(g, f_ar(LDTR), l->ar, AR_S, "LDTR S (bit 4) must be 0 (system segment)", S_SEGS);
	if (!(l->ar & AR_P))
		bad(g, f_ar(LDTR), l->ar, AR_P, "a usable LDTR must be present (P, bit 7)", S_SEGS);
	if (l->ar & AR_RSVD_11_8)
		bad(g, f_ar(LDTR), l->ar, l->ar & AR_RSVD_11_8,
		    "access-rights bits 11:8 are reserved and must be 0", S_SEGS);
	check_limit_g(g, LDTR);
	if (l->ar & AR_RSVD_31_17)
		bad(g, f_ar(LDTR), l->ar, l->ar & AR_RSVD_31_17,
		    "access-rights bits 31:17 are reserved and must be 0", S_SEGS);
}

static void check_v86_seg(struct guest *g, int i)
{
	const struct seg *s = &g->s[i];

	if (s->base != (s->sel & 0xffff) << 4)
		bad(g, f_base(i), s->base, s->base ^ ((s->sel & 0xffff) << 4),
		    "in virtual-8086 mode each segment base must be the selector times 16", S_SEGS);
	if (s->limit != 0xffff)
		bad(g, f_limit(i), s->limit, s->limit ^ 0xffff,
		    "in virtual-8086 mode each segment limit must be 0xffff", S_SEGS);
	if (s->ar != 0xf3)
		bad(g, f_ar(i), s->ar, s->ar ^ 0xf3,
		    "in virtual-8086 mode each segment's access rights must be 0xf3", S_SEGS);
}

static void check_seg_selectors_and_bases(struct guest *g)
{
	struct seg *s = g->s;
	unsigned lin = g->c->lin_bits;
	u64 nc;

	if (s[TR].ok && (s[TR].sel & 4))
		bad(g, f_sel(TR), s[TR].sel, 4, "TR selector TI flag (bit 2) must be 0", S_SEGS);
	if (s[LDTR].ok && usable(&s[LDTR]) && (s[LDTR].sel & 4))
		bad(g, f_sel(LDTR), s[LDTR].sel, 4,
		    "a usable LDTR's selector TI flag (bit 2) must be 0", S_SEGS);
	if (!g->v86 && !g->ug && s[SS].ok && s[CS].ok && (s[SS].sel & 3) != (s[CS].sel & 3))
		bad(g, f_sel(SS), s[SS].sel, 3,
		    "SS selector RPL must equal CS selector RPL (without unrestricted guest)", S_SEGS);
	static const int canon[] = { TR, FS, GS, LDTR };
	for (size_t k = 0; k < ARRAY_SIZE(canon); k++) {
		const struct seg *x = &s[canon[k]];

		if (x->ok && (canon[k] != LDTR || usable(x)) &&
		    (nc = entry_check_noncanonical(x->base, lin)))
			bad(g, f_base(canon[k]), x->base, nc,
			    "TR, FS, GS and usable LDTR bases must be canonical", S_SEGS);
	}
	static const int low[] = { CS, SS, DS, ES };
	for (size_t k = 0; k < ARRAY_SIZE(low); k++) {
		const struct seg *x = &s[low[k]];

		if (x->ok && (low[k] == CS || usable(x)) && (x->base >> 32))
			bad(g, f_base(low[k]), x->base, x->base & ~0xffffffffULL,
			    "CS base and usable SS, DS, ES bases must have bits 63:32 zero", S_SEGS);
	}
}

static void check_segments(struct guest *g)
{
	check_seg_selectors_and_bases(g);
	if (g->v86) {
		for (int i = ES; i <= GS; i++)
			if (g->s[i].ok)
				check_v86_seg(g, i);
	} else {
		if (g->s[CS].ok)
			check_cs(g);
		if (g->s[SS].ok)
			check_ss(g);
		static const int data[] = { DS, ES, FS, GS };
		for (size_t k = 0; k < ARRAY_SIZE(data); k++)
			if (g->s[data[k]].ok)
				check_data_seg(g, data[k]);
	}
	if (g->s[TR].ok)
		check_tr(g);
	if (g->s[LDTR].ok)
		check_ldtr(g);
}

/* ---- 27.3.1.3 GDTR, IDTR; 27.3.1.4 RIP, RFLAGS ---- */

static void check_dtrs(struct guest *g)
{
	u64 v;

	check_guest_canonical(g, VMCS_GUEST_GDTR_BASE, "guest GDTR base must be canonical", S_DTRS);
	check_guest_canonical(g, VMCS_GUEST_IDTR_BASE, "guest IDTR base must be canonical", S_DTRS);
	if (entry_check_get(g->c, VMCS_GUEST_GDTR_LIMIT, &v) && (v >> 16))
		bad(g, VMCS_GUEST_GDTR_LIMIT, v, v & ~0xffffULL,
		    "guest GDTR limit bits 31:16 must be 0", S_DTRS);
	if (entry_check_get(g->c, VMCS_GUEST_IDTR_LIMIT, &v) && (v >> 16))
		bad(g, VMCS_GUEST_IDTR_LIMIT, v, v & ~0xffffULL,
		    "guest IDTR limit bits 31:16 must be 0", S_DTRS);
}

static void check_rip_rflags(struct guest *g)
{
	u64 rip, nc;

	if (g->s[CS].ok && entry_check_get(g->c, VMCS_GUEST_RIP, &rip)) {
		bool long64 = g->ia32e && (g->s[CS].ar & AR_L);

		if (!long64 && (rip >> 32))
			bad(g, VMCS_GUEST_RIP, rip, rip & ~0xffffffffULL,
			    "guest RIP bits 63:32 must be 0 unless \"IA-32e mode guest\" and CS.L are both 1",
			    S_RIP);
		if (long64 && (nc = entry_check_noncanonical(rip, g->c->lin_bits)))
			bad(g, VMCS_GUEST_RIP, rip, nc,
			    "guest RIP must be canonical (bits 63:N equal, N the linear-address width) in 64-bit mode",
			    S_RIP);
	}
	if (!g->rflags_ok)
		return;
	u64 fl = g->rflags;

	if (fl & RFLAGS_RESERVED)
		bad(g, VMCS_GUEST_RFLAGS, fl, fl & RFLAGS_RESERVED,
		    "guest RFLAGS reserved bits 63:22, 15, 5, 3 must be 0", S_RIP);
	if (!(fl & RFLAGS_FIXED1))
		bad(g, VMCS_GUEST_RFLAGS, fl, RFLAGS_FIXED1, "guest RFLAGS bit 1 must be 1", S_RIP);
	if ((fl & RFLAGS_VM) && (g->ia32e || (g->cr0_ok && !(g->cr0 & CR0_PE))))
		bad(g, VMCS_GUEST_RFLAGS, fl, RFLAGS_VM,
		    "guest RFLAGS.VM must be 0 with \"IA-32e mode guest\" or CR0.PE = 0", S_RIP);
	if (g->intr_ok && (g->intr & INTR_VALID) && INTR_TYPE(g->intr) == 0 && !(fl & RFLAGS_IF))
		bad(g, VMCS_GUEST_RFLAGS, fl, RFLAGS_IF,
		    "guest RFLAGS.IF must be 1 when an external interrupt is injected", S_RIP);
}

/* ---- 27.3.1.5 non-register state ---- */

/* Which events may be injected into a guest entering activity state act. */
static bool injection_allowed(unsigned act, u64 intr)
{
	unsigned t = INTR_TYPE(intr), v = INTR_VECTOR(intr);

	switch (act) {
	case ACT_HLT:
		return t == 0 || t == 2 || (t == 3 && (v == 1 || v == 18)) || (t == 7 && v == 0);
	case ACT_SHUTDOWN:
		return t == 2 || (t == 3 && v == 18);
	case ACT_WAIT_SIPI:
		return false;
	default:
		return true;
	}
}

static void check_activity(struct guest *g, u64 act, u64 blk, bool blk_ok)
{
	static const u64 support[] = { 0, VMX_MISC_ACTIVITY_HLT, VMX_MISC_ACTIVITY_SHUTDOWN,
				       VMX_MISC_ACTIVITY_WAIT_SIPI };
	const u32 F = VMCS_GUEST_ACTIVITY_STATE;

	if (act > ACT_WAIT_SIPI || (act != ACT_ACTIVE && !(g->c->caps->misc & support[act]))) {
		bad(g, F, act, act,
		    "guest activity state must be 0-3 (active, HLT, shutdown, wait-for-SIPI) and supported by IA32_VMX_MISC bits 8:6",
		    S_NONREG);
		return;
	}
	if (act == ACT_HLT && g->s[SS].ok && AR_DPL(g->s[SS].ar) != 0)
		bad(g, F, act, act, "guest activity state must not be HLT when SS DPL is not 0", S_NONREG);
	if (act != ACT_ACTIVE && blk_ok && (blk & (BLOCK_STI | BLOCK_MOVSS)))
		bad(g, F, act, act,
		    "guest activity state must be active when interruptibility shows blocking by STI or MOV SS",
		    S_NONREG);
	if (g->intr_ok && (g->intr & INTR_VALID) && !injection_allowed((unsigned)act, g->intr))
		bad(g, F, act, act,
		    "the injected event is not allowed in this activity state (HLT: ext. int., NMI, #DB, #MC, MTF; shutdown: NMI, #MC; wait-for-SIPI: none)",
		    S_NONREG);
}

static void check_interruptibility(struct guest *g, u64 blk)
{
	const u32 F = VMCS_GUEST_INTERRUPTIBILITY_STATE;
	bool inj = g->intr_ok && (g->intr & INTR_VALID);
	unsigned t = INTR_TYPE(g->intr);

	if (blk & ~0x1fULL)
		bad(g, F, blk, blk & ~0x1fULL, "guest interruptibility state bits 31:5 must be 0", S_NONREG);
	if ((blk & BLOCK_STI) && (blk & BLOCK_MOVSS))
		bad(g, F, blk, BLOCK_STI | BLOCK_MOVSS,
		    "blocking by STI and by MOV SS must not both be 1", S_NONREG);
	if ((blk & BLOCK_STI) && g->rflags_ok && !(g->rflags & RFLAGS_IF))
		bad(g, F, blk, BLOCK_STI, "blocking by STI must be 0 when RFLAGS.IF is 0", S_NONREG);
	if (inj && t == 0 && (blk & (BLOCK_STI | BLOCK_MOVSS)))
		bad(g, F, blk, blk & (BLOCK_STI | BLOCK_MOVSS),
		    "blocking by STI and MOV SS must be 0 when an external interrupt is injected", S_NONREG);
	if (inj && t == 2 && (blk & BLOCK_MOVSS))
		bad(g, F, blk, BLOCK_MOVSS, "blocking by MOV SS must be 0 when an NMI is injected", S_NONREG);
	if (blk & BLOCK_SMI)
		bad(g, F, blk, BLOCK_SMI, "blocking by SMI must be 0 outside SMM", S_NONREG);
	if (inj && t == 2 && (g->c->pin & PIN_VIRTUAL_NMIS) && (blk & BLOCK_NMI))
		bad(g, F, blk, BLOCK_NMI,
		    "blocking by NMI must be 0 when an NMI is injected with \"virtual NMIs\"", S_NONREG);
}

static void check_pending_debug(struct guest *g, u64 act, u64 blk, bool blk_ok)
{
	const u32 F = VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS;
	const u64 reserved = 0xff0ULL | BIT(13) | BIT(15) | ~0x1ffffULL;
	u64 pde, dbgctl;

	if (!entry_check_get(g->c, F, &pde))
		return;
	if (pde & reserved)
		bad(g, F, pde, pde & reserved,
		    "guest pending debug exceptions bits 11:4, 13, 15, 63:17 must be 0", S_NONREG);
	if (pde & BIT(16)) {	/* RTM */
		u64 r = (pde & (0xfffULL | 0xe000ULL)) & ~BIT(12);

		if (r || !(pde & BIT(12)))
			bad(g, F, pde, r | (~pde & BIT(12)),
			    "with the RTM bit (16) set, bit 12 must be 1 and bits 11:0, 15:13 must be 0", S_NONREG);
		if (blk_ok && (blk & BLOCK_MOVSS))
			bad(g, F, pde, BIT(16), "the RTM bit (16) needs blocking by MOV SS to be 0", S_NONREG);
	}
	bool sti_movss_hlt = (blk_ok && (blk & (BLOCK_STI | BLOCK_MOVSS))) || act == ACT_HLT;

	if (!sti_movss_hlt || !g->rflags_ok || !entry_check_get(g->c, VMCS_GUEST_IA32_DEBUGCTL, &dbgctl))
		return;
	bool want_bs = (g->rflags & RFLAGS_TF) && !(dbgctl & BIT(1));	/* BTF */

	if (!!(pde & BIT(14)) != want_bs)
		bad(g, F, pde, BIT(14),
		    "BS (bit 14) must be 1 exactly when RFLAGS.TF = 1 and DEBUGCTL.BTF = 0, if blocking by STI/MOV SS or HLT",
		    S_NONREG);
}

static void check_link_pointer(struct guest *g)
{
	const u32 F = VMCS_LINK_POINTER;
	u64 p;

	if (!entry_check_get(g->c, F, &p) || p == ~0ULL)
		return;
	u64 b = (p & 0xfff) | entry_check_beyond(p, g->c->ptr_bits);

	if (b) {
		bad(g, F, p, b,
		    "VMCS link pointer other than all ones must be 4-KiB aligned and within the physical-address width",
		    S_NONREG);
		return;
	}
	/* Not the current VMCS; the referenced region's bits 30:0 hold the revision
	 * id and bit 31 equals "VMCS shadowing". With shadowing off a valid VMCS
	 * region that is not the current one is accepted (Bochs and KVM agree). */
	const struct vmcs_view *v = g->c->vmcs;
	u32 word;
	if (v->current_vmcs && v->current_vmcs != ~0ULL && p == v->current_vmcs) {
		bad(g, F, p, p, "VMCS link pointer must not be the current-VMCS pointer (exit qualification 4)",
		    S_NONREG);
		return;
	}
	if (!v->read_phys || !v->read_phys(p, &word, v->ctx))
		return;	/* the region cannot be read: its rule is not checked */
	u32 want = (u32)(g->c->caps->basic & 0x7fffffff) |
		   ((g->c->proc2 & CPU2_VMCS_SHADOWING) ? 0x80000000u : 0);
	if (word != want)
		bad(g, F, p, p,
		    "VMCS link pointer must point at a region whose bits 30:0 are the VMCS revision id and bit 31 the \"VMCS shadowing\" control (exit qualification 4)",
		    S_NONREG);
}

static void check_non_register(struct guest *g)
{
	u64 act, blk = 0;
	bool act_ok = entry_check_get(g->c, VMCS_GUEST_ACTIVITY_STATE, &act);
	bool blk_ok = entry_check_get(g->c, VMCS_GUEST_INTERRUPTIBILITY_STATE, &blk);

	if (act_ok)
		check_activity(g, act, blk, blk_ok);
	if (blk_ok)
		check_interruptibility(g, blk);
	check_pending_debug(g, act_ok ? act : ACT_ACTIVE, blk, blk_ok);
	check_link_pointer(g);
}

/* ---- entry point ---- */

static void read_guest(struct guest *g)
{
	struct entry_check_ctx *c = g->c;

	g->ia32e = c->entry & ENTRY_IA32E_MODE_GUEST;
	g->ug = c->proc2 & CPU2_UNRESTRICTED_GUEST;
	g->cr0_ok = entry_check_get(c, VMCS_GUEST_CR0, &g->cr0);
	g->rflags_ok = entry_check_get(c, VMCS_GUEST_RFLAGS, &g->rflags);
	g->v86 = g->rflags_ok && (g->rflags & RFLAGS_VM);
	g->intr_ok = entry_check_get(c, VMCS_VM_ENTRY_INTERRUPTION_INFO, &g->intr);
	for (int i = 0; i < NSEG; i++) {
		struct seg *s = &g->s[i];
		bool ok = entry_check_get(c, f_sel(i), &s->sel);

		ok &= entry_check_get(c, f_base(i), &s->base);
		ok &= entry_check_get(c, f_limit(i), &s->limit);
		ok &= entry_check_get(c, f_ar(i), &s->ar);
		s->ok = ok;
	}
}

size_t entry_check_guest_state(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			       struct entry_finding *out, size_t max)
{
	struct entry_check_ctx c;
	struct guest g = { .c = &c };

	entry_check_begin(&c, vmcs, caps, out, max, CHECK_GUEST);
	if (!c.ctls_ok)
		return c.count;
	read_guest(&g);
	check_cr0_cr4(&g);
	check_msrs(&g);
	check_segments(&g);
	check_dtrs(&g);
	check_rip_rflags(&g);
	check_non_register(&g);
	return c.count;
}
