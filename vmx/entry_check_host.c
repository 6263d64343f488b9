/* VM-entry checks on the host-state area, SDM vol. 3C 27.2.2-27.2.4
 * (failure: VMfailValid, error 8). The logical processor is assumed to be in
 * IA-32e mode, as this kernel always is. */
#include "kernel/types.h"
#include "kernel/lib.h"
#include "vmx/entry_check.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_defs.h"

static const char S_CRS[] = "27.2.2";
static const char S_SEGS[] = "27.2.3";
static const char S_SIZE[] = "27.2.4";

#define CR4_PAE   BIT(5)
#define CR4_PCIDE BIT(17)
#define EFER_LME  BIT(8)
#define EFER_LMA  BIT(10)

#define CR4_LA57  BIT(12)

/* Host addresses are canonical for the paging mode the host returns to: 57 bits
 * when the host CR4 field sets LA57, else 48 (SDM 27.2.2-27.2.4 on processors
 * with 5-level paging). A host CR4 that cannot be read is reported by the CR
 * checks; the CPU's linear width stands in for it here. */
static unsigned host_lin_bits(struct entry_check_ctx *c)
{
	u64 cr4;

	if (c->vmcs && c->vmcs->read && c->vmcs->read(VMCS_HOST_CR4, &cr4, c->vmcs->ctx))
		return (cr4 & CR4_LA57) ? 57 : 48;
	return c->lin_bits;
}

static void check_canonical(struct entry_check_ctx *c, u32 field, const char *rule,
			    const char *sdm)
{
	u64 v, nc;

	if (entry_check_get(c, field, &v) && (nc = entry_check_noncanonical(v, host_lin_bits(c))))
		entry_check_report(c, field, v, nc, rule, sdm);
}

/* 27.2.2: control registers and MSRs */
static void check_host_crs_msrs(struct entry_check_ctx *c, bool host64)
{
	const struct vmx_caps *k = c->caps;
	u64 v;

	if (entry_check_get(c, VMCS_HOST_CR0, &v)) {
		if (k->cr0_fixed0 & ~v)
			entry_check_report(c, VMCS_HOST_CR0, v, k->cr0_fixed0 & ~v,
					   "host CR0 must have every bit set that IA32_VMX_CR0_FIXED0 requires",
					   S_CRS);
		if (v & ~k->cr0_fixed1)
			entry_check_report(c, VMCS_HOST_CR0, v, v & ~k->cr0_fixed1,
					   "host CR0 must have every bit clear that IA32_VMX_CR0_FIXED1 forbids",
					   S_CRS);
	}
	if (entry_check_get(c, VMCS_HOST_CR4, &v)) {
		if (k->cr4_fixed0 & ~v)
			entry_check_report(c, VMCS_HOST_CR4, v, k->cr4_fixed0 & ~v,
					   "host CR4 must have every bit set that IA32_VMX_CR4_FIXED0 requires (VMXE)",
					   S_CRS);
		if (v & ~k->cr4_fixed1)
			entry_check_report(c, VMCS_HOST_CR4, v, v & ~k->cr4_fixed1,
					   "host CR4 must have every bit clear that IA32_VMX_CR4_FIXED1 forbids",
					   S_CRS);
	}
	if (entry_check_get(c, VMCS_HOST_CR3, &v) && entry_check_beyond(v, c->phys_bits))
		entry_check_report(c, VMCS_HOST_CR3, v, entry_check_beyond(v, c->phys_bits),
				   "host CR3 bits beyond the physical-address width must be 0", S_CRS);
	check_canonical(c, VMCS_HOST_IA32_SYSENTER_ESP,
			"host IA32_SYSENTER_ESP must be canonical", S_CRS);
	check_canonical(c, VMCS_HOST_IA32_SYSENTER_EIP,
			"host IA32_SYSENTER_EIP must be canonical", S_CRS);
	if ((c->exit & EXIT_LOAD_IA32_PAT) && entry_check_get(c, VMCS_HOST_IA32_PAT, &v) &&
	    entry_check_bad_pat(v))
		entry_check_report(c, VMCS_HOST_IA32_PAT, v, entry_check_bad_pat(v),
				   "host IA32_PAT: each byte must be a valid memory type (0, 1, 4, 5, 6, 7) with \"load IA32_PAT\"",
				   S_CRS);
	if ((c->exit & EXIT_LOAD_IA32_EFER) && entry_check_get(c, VMCS_HOST_IA32_EFER, &v)) {
		if (v & ENTRY_CHECK_EFER_RESERVED)
			entry_check_report(c, VMCS_HOST_IA32_EFER, v, v & ENTRY_CHECK_EFER_RESERVED,
					   "host IA32_EFER reserved bits must be 0 with \"load IA32_EFER\"",
					   S_CRS);
		/* With host address-space size wrongly 0 the 27.2.4 finding
		 * already names the culprit; do not blame a correct EFER too. */
		u64 want = host64 ? EFER_LMA | EFER_LME : 0;

		if (host64 && (v & (EFER_LMA | EFER_LME)) != want)
			entry_check_report(c, VMCS_HOST_IA32_EFER, v, (v & (EFER_LMA | EFER_LME)) ^ want,
					   "host IA32_EFER.LMA and LME must both equal \"host address-space size\" with \"load IA32_EFER\"",
					   S_CRS);
	}
}

static const struct { u32 field; const char *rule; } host_selectors[] = {
	{ VMCS_HOST_ES_SELECTOR, "host ES selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
	{ VMCS_HOST_CS_SELECTOR, "host CS selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
	{ VMCS_HOST_SS_SELECTOR, "host SS selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
	{ VMCS_HOST_DS_SELECTOR, "host DS selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
	{ VMCS_HOST_FS_SELECTOR, "host FS selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
	{ VMCS_HOST_GS_SELECTOR, "host GS selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
	{ VMCS_HOST_TR_SELECTOR, "host TR selector: RPL (bits 1:0) and TI (bit 2) must be 0" },
};

/* 27.2.3: segment and descriptor-table registers */
static void check_host_segments(struct entry_check_ctx *c, bool host64)
{
	u64 v;

	for (size_t i = 0; i < ARRAY_SIZE(host_selectors); i++) {
		u32 f = host_selectors[i].field;

		if (!entry_check_get(c, f, &v))
			continue;
		if (v & 7)
			entry_check_report(c, f, v, v & 7, host_selectors[i].rule, S_SEGS);
		if (f == VMCS_HOST_CS_SELECTOR && (v & 0xffff) == 0)
			entry_check_report(c, f, v, 0, "host CS selector must not be 0", S_SEGS);
		if (f == VMCS_HOST_TR_SELECTOR && (v & 0xffff) == 0)
			entry_check_report(c, f, v, 0, "host TR selector must not be 0", S_SEGS);
		if (f == VMCS_HOST_SS_SELECTOR && (v & 0xffff) == 0 && !host64)
			entry_check_report(c, f, v, 0,
					   "host SS selector must not be 0 when \"host address-space size\" is 0",
					   S_SEGS);
	}
	check_canonical(c, VMCS_HOST_FS_BASE, "host FS base must be canonical", S_SEGS);
	check_canonical(c, VMCS_HOST_GS_BASE, "host GS base must be canonical", S_SEGS);
	check_canonical(c, VMCS_HOST_GDTR_BASE, "host GDTR base must be canonical", S_SEGS);
	check_canonical(c, VMCS_HOST_IDTR_BASE, "host IDTR base must be canonical", S_SEGS);
	check_canonical(c, VMCS_HOST_TR_BASE, "host TR base must be canonical", S_SEGS);
}

/* 27.2.4: address-space size */
static void check_host_address_space(struct entry_check_ctx *c, bool host64)
{
	u64 v;

	if (host64) {
		if (entry_check_get(c, VMCS_HOST_CR4, &v) && !(v & CR4_PAE))
			entry_check_report(c, VMCS_HOST_CR4, v, CR4_PAE,
					   "host CR4.PAE must be 1 when \"host address-space size\" is 1",
					   S_SIZE);
		check_canonical(c, VMCS_HOST_RIP,
				"host RIP must be canonical when \"host address-space size\" is 1", S_SIZE);
		return;
	}
	if (entry_check_get(c, VMCS_HOST_CR4, &v) && (v & CR4_PCIDE))
		entry_check_report(c, VMCS_HOST_CR4, v, CR4_PCIDE,
				   "host CR4.PCIDE must be 0 when \"host address-space size\" is 0", S_SIZE);
	if (entry_check_get(c, VMCS_HOST_RIP, &v) && (v >> 32))
		entry_check_report(c, VMCS_HOST_RIP, v, v & ~0xffffffffULL,
				   "host RIP bits 63:32 must be 0 when \"host address-space size\" is 0",
				   S_SIZE);
}

size_t entry_check_host_state(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			      struct entry_finding *out, size_t max)
{
	struct entry_check_ctx c;

	entry_check_begin(&c, vmcs, caps, out, max, CHECK_HOST);
	if (!c.ctls_ok)
		return c.count;
	bool host64 = c.exit & EXIT_HOST_ADDRESS_SPACE_SIZE;

	/* 27.2.4 first: in IA-32e mode a 0 here is the root cause of other
	 * complaints (EFER.LMA, SS), so it should be the first finding. */
	if (!host64)
		entry_check_report(&c, VMCS_VM_EXIT_CONTROLS, c.exit, EXIT_HOST_ADDRESS_SPACE_SIZE,
				   "\"host address-space size\" (VM-exit control bit 9) must be 1 when VM entry starts in IA-32e mode",
				   S_SIZE);
	check_host_crs_msrs(&c, host64);
	check_host_segments(&c, host64);
	check_host_address_space(&c, host64);
	return c.count;
}
