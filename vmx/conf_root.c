/*
 * Conformance cases of VMXON and the VMCS instructions outside VMX, in VMX
 * root with and without a current VMCS, and the VMCS field enumeration
 * (SDM 31.3, 31.4; README.md, "conformance cases").
 */
#include "vmx/conf_ctx.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmcs_fields.h"
#include "vmx/deviations.h"
#include "kernel/platform.h"

void outside_cases(struct ctx *x)
{
	u64 v;
	enter(x, OUTSIDE);
	/* the precondition of every case below, made true rather than assumed */
	if (write_cr4_safe(read_cr4() & ~CR4_VMXE) || (read_cr4() & CR4_VMXE)) {
		record(x, "outside_vmx_cases", KTAP_FAIL, "could not clear CR4.VMXE (CR4 0x%lx)", read_cr4());
		return;
	}
	expect(x, "vmxon_with_cr4_vmxe_clear_ud", vmxon_safe(x->on), VMX_FAULT, VEC_UD);
	expect(x, "vmxoff_outside_vmx_ud", vmxoff_safe(), VMX_FAULT, VEC_UD);
	expect(x, "vmclear_outside_vmx_ud", vmclear_safe(x->a), VMX_FAULT, VEC_UD);
	expect(x, "vmptrld_outside_vmx_ud", vmptrld_safe(x->a), VMX_FAULT, VEC_UD);
	expect(x, "vmptrst_outside_vmx_ud", vmptrst_safe(&v), VMX_FAULT, VEC_UD);
	expect(x, "vmread_outside_vmx_ud", vmread_safe(VMCS_GUEST_CR3, &v), VMX_FAULT, VEC_UD);
	expect(x, "vmwrite_outside_vmx_ud", vmwrite_safe(VMCS_GUEST_CR3, 0), VMX_FAULT, VEC_UD);
	expect(x, "vmlaunch_outside_vmx_ud", vmlaunch_fail_safe(), VMX_FAULT, VEC_UD);
	expect(x, "vmresume_outside_vmx_ud", vmresume_fail_safe(), VMX_FAULT, VEC_UD);
}

/* VMXON with one bit cleared that IA32_VMX_CR<cr>_FIXED0 requires: #GP (SDM 31.3 VMXON) */
static void vmxon_fixed_bit_case(struct ctx *x, const char *name, int cr, u64 bit)
{
	enter(x, VMXE_ONLY);
	int e = cr == 0 ? write_cr0_safe(read_cr0() & ~bit) : write_cr4_safe(read_cr4() & ~bit);
	struct vmx_result r = vmxon_safe(x->on);
	x->in_vmx = vmx_ok(r);
	if (e)
		record(x, name, KTAP_FAIL, "could not clear CR%d bit 0x%lx (vector %d)", cr, bit, e);
	else
		expect(x, name, r, VMX_FAULT, VEC_GP);
}

void vmxon_cases(struct ctx *x)
{
	/* CR0.NE is required by IA32_VMX_CR0_FIXED0 on every VT-x CPU (SDM A.7) */
	if (x->c->cr0_fixed0 & CR0_NE)
		vmxon_fixed_bit_case(x, "vmxon_cr0_fixed_bit_clear_gp", 0, CR0_NE);
	else
		record(x, "vmxon_cr0_fixed_bit_clear_gp", KTAP_SKIP, "CR0_FIXED0 does not require NE");
	u64 other = x->c->cr4_fixed0 & ~CR4_VMXE;
	if (other) {
		vmxon_fixed_bit_case(x, "vmxon_cr4_fixed_bit_clear_gp", 4, other & -other);
	} else {
		record(x, "vmxon_cr4_fixed_bit_clear_gp", KTAP_SKIP,
		       "CR4_FIXED0 0x%lx requires no bit but VMXE: nothing else to violate", x->c->cr4_fixed0);
	}
	enter(x, VMXE_ONLY);
	struct vmx_result r = vmxon_safe(x->on + 0x10);
	x->in_vmx = vmx_ok(r);
	expect(x, "vmxon_unaligned_pointer_fail_invalid", r, VMX_FAIL_INVALID, 0);
	enter(x, VMXE_ONLY);
	r = vmxon_safe(x->on | x->width_bit);
	x->in_vmx = vmx_ok(r);
	expect(x, "vmxon_pointer_beyond_width_fail_invalid", r, VMX_FAIL_INVALID, 0);
	enter(x, VMXE_ONLY);
	vmx_region_init(x->on, x->rev ^ 1);
	r = vmxon_safe(x->on);
	x->in_vmx = vmx_ok(r);
	expect(x, "vmxon_wrong_revision_fail_invalid", r, VMX_FAIL_INVALID, 0);
	u64 fc = x->v->in.feature_control;
	if ((fc & FEATURE_CONTROL_LOCK) && (fc & FEATURE_CONTROL_VMXON_OUTSIDE_SMX))
		record(x, "vmxon_feature_control_disabled_gp", KTAP_SKIP,
		       "IA32_FEATURE_CONTROL is 0x%lx: locked with VMXON enabled; only a reset can change it", fc);
	else
		record(x, "vmxon_feature_control_disabled_gp", KTAP_SKIP,
		       "IA32_FEATURE_CONTROL 0x%lx cannot be arranged locked-off here", fc);
}

void root_cases(struct ctx *x)
{
	u64 v = 0;
	enter(x, ROOT);
	expect(x, "vmxon_in_root_no_vmcs_fail_invalid", vmxon_safe(x->on), VMX_FAIL_INVALID, 0);
	expect(x, "vmread_no_current_vmcs_fail_invalid", vmread_safe(VMCS_GUEST_CR3, &v), VMX_FAIL_INVALID, 0);
	expect(x, "vmwrite_no_current_vmcs_fail_invalid", vmwrite_safe(VMCS_GUEST_CR3, 0), VMX_FAIL_INVALID, 0);
	struct vmx_result r = vmptrst_safe(&v);
	if (vmx_ok(r) && v == ~0ULL)
		record(x, "vmptrst_no_current_vmcs_all_ones", KTAP_PASS, 0);
	else
		record(x, "vmptrst_no_current_vmcs_all_ones", KTAP_FAIL, "VMPTRST gave 0x%lx", v);
	if (vmcall_may_run(x, "vmcall_in_root_no_vmcs_fail_invalid", false))
		expect(x, "vmcall_in_root_no_vmcs_fail_invalid", vmcall_root_safe(), VMX_FAIL_INVALID, 0);

	enter(x, ROOT_VMCS);
	expect(x, "vmxon_in_root_with_vmcs_error_15", vmxon_safe(x->on), VMX_FAIL_VALID, VMXERR_VMXON_IN_VMX_ROOT);
	if (vmcall_may_run(x, "vmcall_in_root_error_1", true))
		expect(x, "vmcall_in_root_error_1", vmcall_root_safe(), VMX_FAIL_VALID, VMXERR_VMCALL_IN_VMX_ROOT);
	expect(x, "vmclear_unaligned_error_2", vmclear_safe(x->b + 8), VMX_FAIL_VALID, VMXERR_VMCLEAR_INVALID_ADDRESS);
	expect(x, "vmclear_beyond_width_error_2", vmclear_safe(x->b | x->width_bit), VMX_FAIL_VALID,
	       VMXERR_VMCLEAR_INVALID_ADDRESS);
	expect(x, "vmclear_vmxon_pointer_error_3", vmclear_safe(x->on), VMX_FAIL_VALID, VMXERR_VMCLEAR_VMXON_POINTER);
	expect(x, "vmptrld_unaligned_error_9", vmptrld_safe(x->b + 8), VMX_FAIL_VALID, VMXERR_VMPTRLD_INVALID_ADDRESS);
	expect(x, "vmptrld_beyond_width_error_9", vmptrld_safe(x->b | x->width_bit), VMX_FAIL_VALID,
	       VMXERR_VMPTRLD_INVALID_ADDRESS);
	expect(x, "vmptrld_vmxon_pointer_error_10", vmptrld_safe(x->on), VMX_FAIL_VALID, VMXERR_VMPTRLD_VMXON_POINTER);
	vmx_region_init(x->b, x->rev ^ 1);
	expect(x, "vmptrld_wrong_revision_error_11", vmptrld_safe(x->b), VMX_FAIL_VALID, VMXERR_VMPTRLD_INCORRECT_REVISION_ID);
	/* index 511 of the 16-bit control fields: beyond any CPU's VMCS_ENUM */
	expect(x, "vmread_unsupported_field_error_12", vmread_safe(0x03fe, &v), VMX_FAIL_VALID,
	       VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	expect(x, "vmwrite_unsupported_field_error_12", vmwrite_safe(0x03fe, 0), VMX_FAIL_VALID,
	       VMXERR_UNSUPPORTED_VMCS_COMPONENT);
	r = vmwrite_safe(VMCS_EXIT_REASON, 1);
	if (vmx_decode_misc(x->c->misc).vmwrite_any_field) {
		if (vmx_ok(r))
			record(x, "vmwrite_readonly_field_ok_with_misc_bit29", KTAP_PASS, 0);
		else
			expect(x, "vmwrite_readonly_field_ok_with_misc_bit29", r, VMX_SUCCEED, 0);
	} else {
		expect(x, "vmwrite_readonly_field_error_13", r, VMX_FAIL_VALID, VMXERR_VMWRITE_READONLY_COMPONENT);
	}
}

/* Fields whose written value need not read back unchanged, and why */
static u64 roundtrip_mask(u32 enc, u64 width_mask)
{
	/* guest access rights: bits 11:8 and 31:17 are reserved and a CPU may drop
	 * them (SDM 25.4.1); the L bit (13) means something only for CS, and real
	 * CPUs may clear it elsewhere. The bits kept are those of kvm-unit-tests'
	 * x86/vmx.c field table, checked on hardware: 0x1f0ff for CS, 0x1d0ff for
	 * the others. Every other field keeps its whole width there. */
	if (enc == VMCS_GUEST_CS_ACCESS_RIGHTS)
		return 0x1f0ff;
	if (enc >= VMCS_GUEST_ES_ACCESS_RIGHTS && enc <= VMCS_GUEST_TR_ACCESS_RIGHTS)
		return 0x1d0ff;
	return width_mask;
}

void enum_cases(struct ctx *x)
{
	enter(x, ROOT_VMCS);
	bool any_ro = vmx_decode_misc(x->c->misc).vmwrite_any_field;
	u32 highest = 0, accepted = 0, bad = 0, first_bad = 0;
	u64 first_got = 0, first_want = 0;
	for (u32 width = 0; width < 4; width++)
		for (u32 type = 0; type < 4; type++)
			for (u32 index = 0; index < 512; index++) {
				u32 enc = (width << 13) | (type << 10) | (index << 1);
				u64 orig;
				if (!vmx_ok(vmread_safe(enc, &orig)))
					continue;
				accepted++;
				if (index > highest)
					highest = index;
				if (enc == VMCS_VM_INSTRUCTION_ERROR || (type == 1 && !any_ro))
					continue;   /* read-only: not written (see README) */
				u64 wmask = width == 0 ? 0xffff : width == 2 ? 0xffffffff : ~0ULL;
				u64 want = 0x5a5aa5a55a5aa5a5ULL & roundtrip_mask(enc, wmask), got = 0;
				vmwrite_safe(enc, want);
				vmread_safe(enc, &got);
				vmwrite_safe(enc, orig);
				if ((got & roundtrip_mask(enc, wmask)) != want && !bad++) {
					first_bad = enc;
					first_got = got;
					first_want = want;
				}
			}
	u32 enum_hi = vmx_vmcs_enum_highest_index(x->c->vmcs_enum);
	if (bad)
		record(x, "every_readable_field_roundtrips", KTAP_FAIL,
		       "%u of %u fields differ; first 0x%x: wrote 0x%lx, read 0x%lx", bad, accepted, first_bad,
		       first_want, first_got);
	else
		record(x, "every_readable_field_roundtrips", KTAP_PASS, 0);
	const struct vmx_deviation *d = vmx_deviation_find(platform.kind, "highest_field_index_matches_vmcs_enum",
							    highest);
	if (highest == enum_hi)
		record(x, "highest_field_index_matches_vmcs_enum", KTAP_PASS, 0);
	else if (d)
		record(x, "highest_field_index_matches_vmcs_enum", KTAP_XFAIL,
		       "SDM %s: expected highest accepted index 0x%x (VMCS_ENUM), CPU accepts up to 0x%x: %s",
		       d->sdm, enum_hi, highest, d->what);
	else
		record(x, "highest_field_index_matches_vmcs_enum", KTAP_FAIL,
		       "highest accepted index 0x%x, VMCS_ENUM says 0x%x", highest, enum_hi);
}
