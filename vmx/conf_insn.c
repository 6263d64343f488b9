/*
 * insn_ conformance cases: VMREAD/VMWRITE encodings and halves, VMPTRLD of a
 * shadow-VMCS revision, two active VMCSs (SDM 25.11.2-25.11.3, 31.3 VMREAD,
 * VMWRITE, VMPTRLD; 31.4 errors 11 and 12). Run in VMX root operation with
 * the caller's VMCS current; it is current again afterwards.
 */
#include "vmx/conf_insn.h"
#include "vmx/deviations.h"
#include "vmx/vmx.h"
#include "vmx/vmx_errors.h"
#include "kernel/format.h"
#include "kernel/platform.h"

struct rec {
	conf_record_fn rec;
	void *ctx;
};

static void expect(const struct rec *r, const char *name, struct vmx_result got, enum vmx_status st, u32 num)
{
	char g[112], w[112], d[256];
	struct vmx_result want = { st, st == VMX_FAIL_VALID ? num : 0, 0 };
	const struct vmx_deviation *dev;
	vmx_result_str(got, g, sizeof(g));
	vmx_result_str(want, w, sizeof(w));
	if (vmx_result_is(got, st, num)) {
		r->rec(r->ctx, name, KTAP_PASS, 0);
	} else if ((dev = vmx_deviation_find(platform.kind, name, vmx_outcome(got)))) {
		ksnprintf(d, sizeof(d), "SDM %s: %s: expected %s, got %s", dev->sdm, dev->what, w, g);
		r->rec(r->ctx, name, KTAP_XFAIL, d);
	} else {
		ksnprintf(d, sizeof(d), "expected %s, got %s", w, g);
		r->rec(r->ctx, name, KTAP_FAIL, d);
	}
}

static void check(const struct rec *r, const char *name, bool ok, u64 got, u64 want)
{
	char d[160];
	ksnprintf(d, sizeof(d), "read 0x%lx, expected 0x%lx", got, want);
	r->rec(r->ctx, name, ok ? KTAP_PASS : KTAP_FAIL, ok ? 0 : d);
}

/* encodings: bit 0 is the access type (1: high half), only for 64-bit fields */
static void encoding_cases(const struct rec *r)
{
	u64 v = 0, cr3 = 0;
	vmread_safe(VMCS_GUEST_CR3, &cr3);
	/* SDM 31.3 VMREAD/VMWRITE: bits 63:32 of the encoding register set -> error 12 */
	expect(r, "insn_vmread_encoding_bits_63_32_error_12", vmread_safe(VMCS_GUEST_CR3 | 1ULL << 32, &v),
	       VMX_FAIL_VALID, VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	expect(r, "insn_vmwrite_encoding_bits_63_32_error_12", vmwrite_safe(VMCS_GUEST_CR3 | 1ULL << 32, cr3),
	       VMX_FAIL_VALID, VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	vmwrite_safe(VMCS_GUEST_CR3, cr3);
	static const char *const high[] = { "insn_vmread_high_half_of_32bit_field_error_12",
		"insn_vmread_high_half_of_natural_field_error_12", "insn_vmread_high_half_of_64bit_field",
		"insn_vmwrite_high_half_keeps_low_half" };
	if (platform.kind == PLATFORM_BOCHS) {
		/* seen here: CPU 1 of 2 stopped the emulator, CPU 0 ran them cleanly */
		for (size_t i = 0; i < sizeof(high) / sizeof(high[0]); i++)
			r->rec(r->ctx, high[i], KTAP_SKIP, "Bochs 2.7 can panic on a high-half VMCS access (failed "
			       "assertion !IS_VMCS_FIELD_HI(encoding), cpu/vmx.cc:238) and kill the emulator; not run");
		return;
	}
	expect(r, "insn_vmread_high_half_of_32bit_field_error_12", vmread_safe(VMCS_EXCEPTION_BITMAP | 1, &v),
	       VMX_FAIL_VALID, VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	expect(r, "insn_vmread_high_half_of_natural_field_error_12", vmread_safe(VMCS_GUEST_RIP | 1, &v),
	       VMX_FAIL_VALID, VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	/* a 64-bit field's high half (SDM 25.11.2) */
	u64 old = 0, hi = 0, full = 0;
	vmread_safe(VMCS_TSC_OFFSET, &old);
	vmwrite_safe(VMCS_TSC_OFFSET, 0x1122334455667788ULL);
	struct vmx_result rh = vmread_safe(VMCS_TSC_OFFSET | 1, &hi);
	check(r, "insn_vmread_high_half_of_64bit_field", vmx_ok(rh) && hi == 0x11223344, hi, 0x11223344);
	struct vmx_result wh = vmwrite_safe(VMCS_TSC_OFFSET | 1, 0xaabbccdd);
	vmread_safe(VMCS_TSC_OFFSET, &full);
	check(r, "insn_vmwrite_high_half_keeps_low_half", vmx_ok(wh) && full == 0xaabbccdd55667788ULL, full,
	      0xaabbccdd55667788ULL);
	vmwrite_safe(VMCS_TSC_OFFSET, old);
}

void conf_insn_run(const struct vmx_caps *caps, u64 vmcs, u64 spare, conf_record_fn rec, void *ctx)
{
	const struct rec r = { rec, ctx };
	u32 rev = vmx_decode_basic(caps->basic).revision_id;
	encoding_cases(&r);

	/* two active VMCSs: a value written into one is not in the other (SDM 25.11.3) */
	u64 rip_a = 0, got = 0;
	vmread_safe(VMCS_GUEST_RIP, &rip_a);
	vmx_region_init(spare, rev);
	bool ok = vmx_ok(vmclear_safe(spare)) && vmx_ok(vmptrld_safe(spare)) &&
		  vmx_ok(vmwrite_safe(VMCS_GUEST_RIP, 0x5a5a000)) && vmx_ok(vmptrld_safe(vmcs)) &&
		  vmx_ok(vmread_safe(VMCS_GUEST_RIP, &got)) && got == rip_a && vmx_ok(vmptrld_safe(spare)) &&
		  vmx_ok(vmread_safe(VMCS_GUEST_RIP, &got)) && got == 0x5a5a000;
	check(&r, "insn_two_active_vmcss_keep_their_own_fields", ok, got, 0x5a5a000);
	vmclear_safe(spare);
	vmptrld_safe(vmcs);

	/* VMPTRLD of a region with bit 31 set (a shadow VMCS): allowed only when "VMCS shadowing"
	 * may be 1, else error 11 (SDM 31.3 VMPTRLD) */
	struct vmx_ctls proc = vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED));
	bool shadowing = (proc.allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS) &&
			 (vmx_decode_ctls(caps->procbased2).allowed1 & CPU2_VMCS_SHADOWING);
	vmx_region_init(spare, rev | 1U << 31);
	struct vmx_result p = vmptrld_safe(spare);
	if (shadowing)
		expect(&r, "insn_vmptrld_shadow_revision_ok_with_shadowing", p, VMX_SUCCEED, 0);
	else
		expect(&r, "insn_vmptrld_shadow_revision_error_11", p, VMX_FAIL_VALID,
		       VMXERR_VMPTRLD_INCORRECT_REVISION_ID);
	if (vmx_ok(p))
		vmclear_safe(spare);
	vmptrld_safe(vmcs);
	vmx_region_init(spare, rev);
}
