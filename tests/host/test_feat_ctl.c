/* vmx_feature_control_value(): the value an unlocked IA32_FEATURE_CONTROL is
 * locked with (Linux 6.1 init_ia32_feat_ctl, plus LMCE when IA32_MCG_CAP
 * offers it), and vmx_detect() writing exactly that.
 *
 * Inputs are real register values:
 * - Bochs corei7_skylake_x, CPUID.1:ECX 0x77faf3bf (FACTS.md): VMX, no SMX,
 *   max basic leaf 0x16, no SGX;
 * - an Intel NUC, CPUID 0x706a1 (Gemini Lake), as ayeks/SGX-hardware's
 *   test-sgx printed it in a published log: CPUID.1:ECX 0x4ff8ebbf (VMX, no
 *   SMX), CPUID.(7,0) EBX 0x2294e287 (SGX) ECX 0x40400004 (SGX_LC);
 * - a Kaby Lake MacBook Pro (ayeks/SGX-hardware README): CPUID.(7,0) EBX
 *   0x029c6fbf (SGX), ECX 0 (no launch control);
 * - IA32_MCG_CAP 0x0f000c14 from an Ice Lake server (CPUID 0x606c1) in a
 *   published mcelog record: SER_P (24) and LMCE_P (27) set; and
 *   0x0100010a, QEMU's qemu64 value (MCG_CTL_P | MCG_SER_P, 10 banks): SER_P
 *   without LMCE_P. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmx_detect.h"
#include "vmx/vmx_defs.h"

#define NUC_CPUID1_ECX   0x4ff8ebbfU
#define NUC_CPUID7_EBX   0x2294e287U
#define NUC_CPUID7_ECX   0x40400004U
#define KBL_CPUID7_EBX   0x029c6fbfU
#define KBL_CPUID7_ECX   0x00000000U
#define ICX_MCG_CAP      0x0f000c14ULL
#define QEMU_MCG_CAP     0x0100010aULL

/* Bochs Skylake-X as the kernel reads it, FEATURE_CONTROL unlocked (0). */
static struct vmx_detect_input bochs_unlocked(void)
{
	return (struct vmx_detect_input){
		.max_basic_leaf = 0x16,
		.vendor_ebx = 0x756e6547, .vendor_edx = 0x49656e69, .vendor_ecx = 0x6c65746e,
		.cpuid1_ecx = 0x77faf3bfU,
		.max_ext_leaf = 0x80000008,
		.cpuid_80000001_ecx = 0x00000121,
		.cpuid_80000008_eax = 0x00003028,
		.feature_control_read = true,
		.feature_control = 0,
		.cr4 = 0x20 | 0x80,
		.vmx_basic = 0x00d810000000002bULL,
	};
}

static struct vmx_detect_input nuc_unlocked(void)
{
	struct vmx_detect_input in = bochs_unlocked();
	in.cpuid1_ecx = NUC_CPUID1_ECX;
	in.cpuid7_ebx = NUC_CPUID7_EBX;
	in.cpuid7_ecx = NUC_CPUID7_ECX;
	return in;
}

static void real_inputs_decode_as_their_logs_say(void **state)
{
	(void)state;
	assert_true(NUC_CPUID1_ECX & CPUID1_ECX_VMX);
	assert_false(NUC_CPUID1_ECX & CPUID1_ECX_SMX);
	assert_true(NUC_CPUID7_EBX & CPUID7_EBX_SGX);
	assert_true(NUC_CPUID7_ECX & CPUID7_ECX_SGX_LC);
	assert_true(KBL_CPUID7_EBX & CPUID7_EBX_SGX);
	assert_false(KBL_CPUID7_ECX & CPUID7_ECX_SGX_LC);
}

static void vmx_only_gives_lock_and_vmxon_outside_smx(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void smx_without_measured_launch_keeps_bit_1_clear(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.cpuid1_ecx |= CPUID1_ECX_SMX;
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void smx_with_measured_launch_sets_vmxon_inside_smx(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.cpuid1_ecx |= CPUID1_ECX_SMX;
	in.measured_launch = true;
	assert_int_equal(vmx_feature_control_value(&in), 0x7);
}

static void measured_launch_without_smx_keeps_bit_1_clear(void **state)
{
	(void)state;
	/* bit 1 on a CPU without SMX makes the WRMSR #GP */
	struct vmx_detect_input in = bochs_unlocked();
	in.measured_launch = true;
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void sgx_with_launch_control_sets_bits_17_and_18(void **state)
{
	(void)state;
	struct vmx_detect_input in = nuc_unlocked();
	assert_int_equal(vmx_feature_control_value(&in), 0x5 | (1ULL << 17) | (1ULL << 18));
}

static void sgx_without_launch_control_sets_bit_18_only(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.cpuid7_ebx = KBL_CPUID7_EBX;
	in.cpuid7_ecx = KBL_CPUID7_ECX;
	assert_int_equal(vmx_feature_control_value(&in), 0x5 | (1ULL << 18));
}

static void sgx_lc_bit_without_sgx_is_ignored(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.cpuid7_ecx = NUC_CPUID7_ECX;	/* SGX_LC, but EBX says no SGX */
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void sgx_without_vmx_needs_launch_control(void **state)
{
	(void)state;
	/* Linux: SGX for KVM guests needs VMX; without VMX only its driver,
	 * which needs launch control, would use SGX. */
	struct vmx_detect_input in = bochs_unlocked();
	in.cpuid1_ecx &= ~CPUID1_ECX_VMX;
	in.cpuid7_ebx = KBL_CPUID7_EBX;
	assert_int_equal(vmx_feature_control_value(&in), 0x1);
	in = nuc_unlocked();
	in.cpuid1_ecx &= ~CPUID1_ECX_VMX;
	assert_int_equal(vmx_feature_control_value(&in), 0x1 | (1ULL << 17) | (1ULL << 18));
}

static void leaf_7_ignored_when_max_basic_leaf_is_below_7(void **state)
{
	(void)state;
	struct vmx_detect_input in = nuc_unlocked();
	in.max_basic_leaf = 6;
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void lmce_kept_when_mcg_cap_has_ser_p_and_lmce_p(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.mcg_cap_read = true;
	in.mcg_cap = ICX_MCG_CAP;
	assert_int_equal(vmx_feature_control_value(&in), 0x5 | (1ULL << 20));
}

static void no_lmce_with_ser_p_alone(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.mcg_cap_read = true;
	in.mcg_cap = QEMU_MCG_CAP;
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
	in.mcg_cap = MCG_CAP_LMCE_P;	/* LMCE_P without SER_P: not used either */
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void no_lmce_when_mcg_cap_was_not_read(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs_unlocked();
	in.mcg_cap = ICX_MCG_CAP;	/* stale: CPUID said no MCA */
	assert_int_equal(vmx_feature_control_value(&in), 0x5);
}

static void everything_together(void **state)
{
	(void)state;
	struct vmx_detect_input in = nuc_unlocked();
	in.cpuid1_ecx |= CPUID1_ECX_SMX;
	in.measured_launch = true;
	in.mcg_cap_read = true;
	in.mcg_cap = ICX_MCG_CAP;
	assert_int_equal(vmx_feature_control_value(&in), 0x7 | (1ULL << 17) | (1ULL << 18) | (1ULL << 20));
}

static void detect_writes_the_value_and_explains_it(void **state)
{
	(void)state;
	struct vmx_detect_input in = nuc_unlocked();
	in.feature_control = 1ULL << 20;	/* firmware's LMCE bit is not kept... */
	struct vmx_detect_result r;
	char line[512];
	vmx_detect(&in, &r);
	assert_int_equal(r.verdict, VMX_OK);
	assert_true(r.feature_control_write);
	assert_int_equal(r.feature_control_new, 0x60005);	/* ...without MCG_CAP saying LMCE */
	vmx_detect_explain(&in, &r, line, sizeof line);
	if (!strstr(line, "write 0x60005 (lock + VMXON outside SMX + SGX + SGX launch control)"))
		fail_msg("explanation \"%s\" does not list the bits written", line);
}

static void locked_msr_is_never_rewritten(void **state)
{
	(void)state;
	struct vmx_detect_input in = nuc_unlocked();
	in.feature_control = 0x5;	/* locked by firmware without SGX */
	in.mcg_cap_read = true;
	in.mcg_cap = ICX_MCG_CAP;
	struct vmx_detect_result r;
	vmx_detect(&in, &r);
	assert_int_equal(r.verdict, VMX_OK);
	assert_false(r.feature_control_write);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_inputs_decode_as_their_logs_say),
		cmocka_unit_test(vmx_only_gives_lock_and_vmxon_outside_smx),
		cmocka_unit_test(smx_without_measured_launch_keeps_bit_1_clear),
		cmocka_unit_test(smx_with_measured_launch_sets_vmxon_inside_smx),
		cmocka_unit_test(measured_launch_without_smx_keeps_bit_1_clear),
		cmocka_unit_test(sgx_with_launch_control_sets_bits_17_and_18),
		cmocka_unit_test(sgx_without_launch_control_sets_bit_18_only),
		cmocka_unit_test(sgx_lc_bit_without_sgx_is_ignored),
		cmocka_unit_test(sgx_without_vmx_needs_launch_control),
		cmocka_unit_test(leaf_7_ignored_when_max_basic_leaf_is_below_7),
		cmocka_unit_test(lmce_kept_when_mcg_cap_has_ser_p_and_lmce_p),
		cmocka_unit_test(no_lmce_with_ser_p_alone),
		cmocka_unit_test(no_lmce_when_mcg_cap_was_not_read),
		cmocka_unit_test(everything_together),
		cmocka_unit_test(detect_writes_the_value_and_explains_it),
		cmocka_unit_test(locked_msr_is_never_rewritten),
	};
	return cmocka_run_group_tests_name("feat_ctl", tests, NULL, NULL);
}
