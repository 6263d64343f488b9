/* vmx/vmx_detect.c: one verdict per CPU, first failure first, and the
 * IA32_FEATURE_CONTROL action. Bochs values are from /work/shared/FACTS.md. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmx_detect.h"
#include "vmx/vmx_defs.h"

/* Bochs corei7_skylake_x: CPUID.1:ECX as FACTS.md gives it (VMX, x2APIC, no
 * SMX, no hypervisor bit). IA32_VMX_BASIC is not in FACTS.md as a raw value;
 * this one is built from what FACTS.md states for every Bochs VMX model
 * (size 4096, WB, true controls) with the Haswell revision id 0x2b, plus
 * INS/OUTS information (bit 54). */
#define BOCHS_CPUID1_ECX   0x77faf3bfU
#define BOCHS_VMX_BASIC    0x00d810000000002bULL
#define BOCHS_80000008_EAX 0x00003028U	/* 40-bit physical addresses */

static void set_vendor(struct vmx_detect_input *in, const char *v12)
{
	memcpy(&in->vendor_ebx, v12, 4);
	memcpy(&in->vendor_edx, v12 + 4, 4);
	memcpy(&in->vendor_ecx, v12 + 8, 4);
}

/* A Bochs Skylake-X core as the kernel finds it at boot. */
static struct vmx_detect_input bochs(void)
{
	return (struct vmx_detect_input){
		.max_basic_leaf = 0x16,
		.vendor_ebx = 0x756e6547, .vendor_edx = 0x49656e69, .vendor_ecx = 0x6c65746e,
		.cpuid1_ecx = BOCHS_CPUID1_ECX,
		.max_ext_leaf = 0x80000008,
		.cpuid_80000001_ecx = 0x00000121,
		.cpuid_80000008_eax = BOCHS_80000008_EAX,
		.feature_control_read = true,
		.feature_control = 0x5,
		.cr4 = 0x20 | 0x80,	/* PAE | PGE */
		.vmx_basic = BOCHS_VMX_BASIC,
	};
}

static struct vmx_detect_result detect(const struct vmx_detect_input *in)
{
	struct vmx_detect_result r;
	enum vmx_verdict v = vmx_detect(in, &r);

	assert_int_equal(v, r.verdict);
	assert_int_equal(r.usable, r.verdict == VMX_OK);
	return r;
}

static void expect(const struct vmx_detect_input *in, enum vmx_verdict v, const char *needle)
{
	struct vmx_detect_result r = detect(in);
	char line[512];

	assert_int_equal(r.verdict, v);
	assert_false(r.feature_control_write);
	int n = vmx_detect_explain(in, &r, line, sizeof line);
	assert_int_equal(n, (int)strlen(line));
	if (!strstr(line, needle))
		fail_msg("explanation \"%s\" lacks \"%s\"", line, needle);
	if (!strstr(line, vmx_detect_reason_text(v)))
		fail_msg("explanation \"%s\" lacks the reason text", line);
}

static void bochs_skylake_is_usable_with_locked_feature_control(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	struct vmx_detect_result r = detect(&in);

	assert_int_equal(r.verdict, VMX_OK);
	assert_true(r.usable);
	assert_false(r.feature_control_write);
	assert_string_equal(r.vendor, "GenuineIntel");
	assert_true(r.intel && r.vmx && r.fc_locked && r.fc_vmxon_outside_smx);
	assert_false(r.smx || r.hypervisor || r.svm || r.fc_vmxon_inside_smx);
	assert_int_equal(r.revision_id, 0x2b);
	assert_int_equal(r.region_size, 4096);
	assert_int_equal(r.memory_type, VMX_MEMTYPE_WB);
	assert_int_equal(r.phys_addr_bits, 40);
	expect(&in, VMX_OK, "IA32_FEATURE_CONTROL=0x5 (locked");
}

static void amd_with_svm_reports_amd_v(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	set_vendor(&in, "AuthenticAMD");
	in.cpuid_80000001_ecx = CPUID80000001_ECX_SVM;
	expect(&in, VMX_NOT_INTEL_AMD_SVM, "vendor 'AuthenticAMD'");
	assert_string_equal(vmx_detect_reason_text(VMX_NOT_INTEL_AMD_SVM),
			    "AMD CPU: this machine has AMD-V (SVM), not VT-x");
}

static void hygon_with_svm_reports_amd_v(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	set_vendor(&in, "HygonGenuine");
	in.cpuid_80000001_ecx = CPUID80000001_ECX_SVM;
	expect(&in, VMX_NOT_INTEL_AMD_SVM, "vendor 'HygonGenuine'");
}

static void amd_without_svm_is_plain_not_intel(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();	/* athlon64_clawhammer: neither */
	set_vendor(&in, "AuthenticAMD");
	in.cpuid_80000001_ecx = 0;
	in.cpuid1_ecx &= ~CPUID1_ECX_VMX;
	expect(&in, VMX_NOT_INTEL, "not an Intel CPU (vendor 'AuthenticAMD')");
}

static void svm_bit_ignored_when_extended_leaf_absent(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	set_vendor(&in, "AuthenticAMD");
	in.cpuid_80000001_ecx = CPUID80000001_ECX_SVM;
	in.max_ext_leaf = 0x80000000;
	expect(&in, VMX_NOT_INTEL, "vendor 'AuthenticAMD'");
}

static void via_is_not_intel_even_with_vmx_bit(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	set_vendor(&in, "CentaurHauls");
	expect(&in, VMX_NOT_INTEL, "not an Intel CPU (vendor 'CentaurHauls')");
}

static void unprintable_vendor_bytes_become_question_marks(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.vendor_ebx = 0x00414141;	/* "AAA\0" */
	struct vmx_detect_result r = detect(&in);
	assert_string_equal(r.vendor, "AAA?ineIntel");
	assert_int_equal(r.verdict, VMX_NOT_INTEL);
}

static void intel_without_vmx(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.cpuid1_ecx &= ~CPUID1_ECX_VMX;
	expect(&in, VMX_NO_VMX, "CPUID.1:ECX=0x77faf39f");
	assert_string_equal(vmx_detect_reason_text(VMX_NO_VMX),
			    "this Intel CPU has no VT-x (CPUID.1:ECX bit 5 clear)");
}

static void intel_without_vmx_under_hypervisor_asks_for_nesting(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.cpuid1_ecx = (in.cpuid1_ecx & ~CPUID1_ECX_VMX) | CPUID1_ECX_HYPERVISOR;
	expect(&in, VMX_NO_VMX_UNDER_HYPERVISOR, "enable nested virtualization");
}

static void leaf_1_ignored_when_max_basic_leaf_is_0(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.max_basic_leaf = 0;
	expect(&in, VMX_NO_VMX, "this Intel CPU has no VT-x");
}

static void unreadable_feature_control(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control_read = false;
	expect(&in, VMX_FEATURE_CONTROL_UNREADABLE, "RDMSR 0x3a faulted");
}

static void unlocked_feature_control_is_set_and_locked(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control = 0;
	struct vmx_detect_result r = detect(&in);
	char line[512];

	assert_int_equal(r.verdict, VMX_OK);
	assert_true(r.feature_control_write);
	assert_int_equal(r.feature_control_new, 0x5);
	vmx_detect_explain(&in, &r, line, sizeof line);
	assert_non_null(strstr(line, "write 0x5"));
}

static void unlocked_with_smx_still_sets_only_bits_0_and_2(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.cpuid1_ecx |= CPUID1_ECX_SMX;
	in.feature_control = 0;
	struct vmx_detect_result r = detect(&in);
	assert_true(r.smx);
	assert_true(r.feature_control_write);
	assert_int_equal(r.feature_control_new, 0x5);
}

static void unlocked_ignores_bits_firmware_left(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	/* SGX global enable left in the unlocked MSR on a CPU whose CPUID has
	 * no SGX: Linux 6.1 starts from the lock bit alone, and so do we (the
	 * WRMSR would #GP with an unsupported bit). */
	in.feature_control = 1ULL << 18;
	struct vmx_detect_result r = detect(&in);
	assert_true(r.feature_control_write);
	assert_int_equal(r.feature_control_new, 0x5);
}

static void unlocked_but_failing_later_writes_nothing(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control = 0;
	in.cr4 |= CR4_VMXE;
	struct vmx_detect_result r = detect(&in);
	assert_int_equal(r.verdict, VMX_CR4_VMXE_ALREADY_SET);
	assert_false(r.feature_control_write);
	assert_int_equal(r.feature_control_new, 0);
}

static void locked_off_0x1_is_disabled_by_firmware(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control = 0x1;
	expect(&in, VMX_DISABLED_BY_FIRMWARE,
	       "[IA32_FEATURE_CONTROL=0x1: lock=1 vmxon_in_smx=0 vmxon_outside_smx=0; "
	       "CPUID.1:ECX.SMX=0]");
	assert_string_equal(vmx_detect_reason_text(VMX_DISABLED_BY_FIRMWARE),
			    "VT-x disabled by firmware: enable Intel Virtualization "
			    "Technology in the firmware setup");
}

static void locked_on_0x5_is_usable(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control = 0x5;
	in.cpuid1_ecx |= CPUID1_ECX_SMX;
	struct vmx_detect_result r = detect(&in);
	assert_int_equal(r.verdict, VMX_OK);
	assert_false(r.feature_control_write);
}

static void locked_smx_only_0x3_is_disabled_outside_smx(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control = 0x3;
	in.cpuid1_ecx |= CPUID1_ECX_SMX;
	expect(&in, VMX_DISABLED_BY_FIRMWARE,
	       "lock=1 vmxon_in_smx=1 vmxon_outside_smx=0; CPUID.1:ECX.SMX=1]");
}

static void cr4_vmxe_set_means_another_hypervisor(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.cr4 |= CR4_VMXE;
	expect(&in, VMX_CR4_VMXE_ALREADY_SET, "CR4=0x20a0");
}

static void vmx_basic_uc_memory_type_is_refused(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.vmx_basic &= ~(VMX_BASIC_MEMTYPE_MASK << VMX_BASIC_MEMTYPE_SHIFT);
	expect(&in, VMX_BASIC_MEMTYPE_NOT_WB, "memory type 0]");
}

/* Bits 44:32 hold at most 8191, and A.1 allows at most 4096 (bit 44 set only
 * when bits 43:32 are clear): a "size 8192" lands in reserved bit 45 and
 * decodes as 0, which is refused too. */
static void vmx_basic_region_8192_or_0_is_refused(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	u64 no_size = in.vmx_basic & ~(VMX_BASIC_SIZE_MASK << 32);

	in.vmx_basic = no_size | (8192ULL << 32);
	expect(&in, VMX_BASIC_BAD_REGION_SIZE, "=0xd820000000002b: 0 bytes]");
	in.vmx_basic = no_size | (8191ULL << 32);
	expect(&in, VMX_BASIC_BAD_REGION_SIZE, ": 8191 bytes]");
	in.vmx_basic = no_size | (4097ULL << 32);
	expect(&in, VMX_BASIC_BAD_REGION_SIZE, ": 4097 bytes]");
	in.vmx_basic = no_size;
	expect(&in, VMX_BASIC_BAD_REGION_SIZE, ": 0 bytes]");
	in.vmx_basic = no_size | (1024ULL << 32);
	assert_int_equal(detect(&in).verdict, VMX_OK);
}

static void vmx_basic_bit48_32bit_addresses_is_refused(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.vmx_basic |= VMX_BASIC_PHYS_ADDR_32;
	expect(&in, VMX_BASIC_32BIT_ADDRESSES, "IA32_VMX_BASIC=0xd910000000002b");
}

static void vmx_basic_bit31_is_refused(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.vmx_basic |= VMX_BASIC_BIT31;
	expect(&in, VMX_BASIC_BIT31_SET, "IA32_VMX_BASIC=0xd810008000002b");
}

static void only_the_first_failure_is_reported(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.vmx_basic = VMX_BASIC_BIT31 | VMX_BASIC_PHYS_ADDR_32;	/* UC, size 0 */
	in.cr4 |= CR4_VMXE;
	in.feature_control = 0x1;
	assert_int_equal(detect(&in).verdict, VMX_DISABLED_BY_FIRMWARE);
	in.feature_control = 0x5;
	assert_int_equal(detect(&in).verdict, VMX_CR4_VMXE_ALREADY_SET);
	in.cr4 &= ~CR4_VMXE;
	assert_int_equal(detect(&in).verdict, VMX_BASIC_MEMTYPE_NOT_WB);
	in.vmx_basic |= (u64)VMX_MEMTYPE_WB << VMX_BASIC_MEMTYPE_SHIFT;
	assert_int_equal(detect(&in).verdict, VMX_BASIC_BAD_REGION_SIZE);
	in.vmx_basic |= 4096ULL << 32;
	assert_int_equal(detect(&in).verdict, VMX_BASIC_32BIT_ADDRESSES);
	in.vmx_basic &= ~VMX_BASIC_PHYS_ADDR_32;
	assert_int_equal(detect(&in).verdict, VMX_BASIC_BIT31_SET);
	in.vmx_basic &= ~VMX_BASIC_BIT31;
	assert_int_equal(detect(&in).verdict, VMX_OK);
}

static void vmx_basic_ignored_without_vmx(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.cpuid1_ecx &= ~CPUID1_ECX_VMX;
	in.vmx_basic = 0x1234;	/* QEMU TCG reads unknown MSRs as 0: whatever */
	struct vmx_detect_result r = detect(&in);
	assert_int_equal(r.revision_id, 0);
	assert_int_equal(r.region_size, 0);
}

static void physical_width_defaults_to_36_without_leaf_80000008(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.max_ext_leaf = 0x80000004;
	assert_int_equal(detect(&in).phys_addr_bits, 36);
}

static void every_verdict_has_its_own_text(void **state)
{
	(void)state;
	for (int a = 0; a < VMX_VERDICT_NR; a++) {
		assert_non_null(vmx_detect_reason_text(a));
		assert_true(strlen(vmx_detect_reason_text(a)) > 5);
		for (int b = 0; b < a; b++)
			assert_string_not_equal(vmx_detect_reason_text(a),
						vmx_detect_reason_text(b));
	}
	assert_string_equal(vmx_detect_reason_text(VMX_VERDICT_NR), "unknown VT-x verdict");
	assert_string_equal(vmx_detect_reason_text((enum vmx_verdict)-1), "unknown VT-x verdict");
}

static void explain_truncates_and_returns_full_length(void **state)
{
	(void)state;
	struct vmx_detect_input in = bochs();
	in.feature_control = 0x1;
	struct vmx_detect_result r = detect(&in);
	char big[512], small[16];

	memset(small, 'x', sizeof small);
	int full = vmx_detect_explain(&in, &r, big, sizeof big);
	int cut = vmx_detect_explain(&in, &r, small, 10);
	assert_int_equal(cut, full);
	assert_int_equal(strlen(small), 9);
	assert_memory_equal(small, big, 9);
	assert_int_equal(small[10], 'x');
	assert_int_equal(vmx_detect_explain(&in, &r, NULL, 0), full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_skylake_is_usable_with_locked_feature_control),
		cmocka_unit_test(amd_with_svm_reports_amd_v),
		cmocka_unit_test(hygon_with_svm_reports_amd_v),
		cmocka_unit_test(amd_without_svm_is_plain_not_intel),
		cmocka_unit_test(svm_bit_ignored_when_extended_leaf_absent),
		cmocka_unit_test(via_is_not_intel_even_with_vmx_bit),
		cmocka_unit_test(unprintable_vendor_bytes_become_question_marks),
		cmocka_unit_test(intel_without_vmx),
		cmocka_unit_test(intel_without_vmx_under_hypervisor_asks_for_nesting),
		cmocka_unit_test(leaf_1_ignored_when_max_basic_leaf_is_0),
		cmocka_unit_test(unreadable_feature_control),
		cmocka_unit_test(unlocked_feature_control_is_set_and_locked),
		cmocka_unit_test(unlocked_with_smx_still_sets_only_bits_0_and_2),
		cmocka_unit_test(unlocked_ignores_bits_firmware_left),
		cmocka_unit_test(unlocked_but_failing_later_writes_nothing),
		cmocka_unit_test(locked_off_0x1_is_disabled_by_firmware),
		cmocka_unit_test(locked_on_0x5_is_usable),
		cmocka_unit_test(locked_smx_only_0x3_is_disabled_outside_smx),
		cmocka_unit_test(cr4_vmxe_set_means_another_hypervisor),
		cmocka_unit_test(vmx_basic_uc_memory_type_is_refused),
		cmocka_unit_test(vmx_basic_region_8192_or_0_is_refused),
		cmocka_unit_test(vmx_basic_bit48_32bit_addresses_is_refused),
		cmocka_unit_test(vmx_basic_bit31_is_refused),
		cmocka_unit_test(only_the_first_failure_is_reported),
		cmocka_unit_test(vmx_basic_ignored_without_vmx),
		cmocka_unit_test(physical_width_defaults_to_36_without_leaf_80000008),
		cmocka_unit_test(every_verdict_has_its_own_text),
		cmocka_unit_test(explain_truncates_and_returns_full_length),
	};
	return cmocka_run_group_tests_name("vmx_detect", tests, NULL, NULL);
}
