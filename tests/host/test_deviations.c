/* vmx/deviations.c: an XFAIL needs the exact (platform, case, outcome) row. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/deviations.h"
#include "vmx/vmx_errors.h"
#include "vmx/vmx_defs.h"

static u64 fail_valid(u32 n)
{
	return vmx_outcome((struct vmx_result){ VMX_FAIL_VALID, n, 0 });
}

static void bochs_vmcall_launched_is_known(void **state)
{
	(void)state;
	const struct vmx_deviation *d =
		vmx_deviation_find(PLATFORM_BOCHS, "vmcall_in_root_launched_vmcs_error_1", fail_valid(19));
	assert_non_null(d);
	assert_string_equal(d->sdm, "31.3 VMCALL");
	assert_non_null(strstr(d->what, "IA32_SMM_MONITOR_CTL"));
}

/* the same case on another platform, or another outcome, is a FAIL */
static void other_platform_or_outcome_is_not(void **state)
{
	(void)state;
	assert_null(vmx_deviation_find(PLATFORM_HARDWARE, "vmcall_in_root_launched_vmcs_error_1", fail_valid(19)));
	assert_null(vmx_deviation_find(PLATFORM_QEMU, "vmcall_in_root_launched_vmcs_error_1", fail_valid(19)));
	assert_null(vmx_deviation_find(PLATFORM_BOCHS, "vmcall_in_root_launched_vmcs_error_1", fail_valid(20)));
	assert_null(vmx_deviation_find(PLATFORM_BOCHS, "vmcall_in_root_launched_vmcs_error_1",
				       vmx_outcome((struct vmx_result){ VMX_FAULT, 0, 6 })));
	assert_null(vmx_deviation_find(PLATFORM_BOCHS, "vmcall_in_root_error_1", fail_valid(19)));
	assert_null(vmx_deviation_find(PLATFORM_BOCHS, "highest_field_index_matches_vmcs_enum", 0x18));
	assert_non_null(vmx_deviation_find(PLATFORM_BOCHS, "highest_field_index_matches_vmcs_enum", 0x19));
}

/* every row is complete and none is a hardware row (those would hide findings) */
static void rows_are_complete(void **state)
{
	(void)state;
	size_t n = 0;
	for (const struct vmx_deviation *d; (d = vmx_deviation_at(n)); n++) {
		assert_non_null(d->name);
		assert_true(strlen(d->name) <= 63);
		assert_non_null(d->sdm);
		assert_non_null(d->what);
		assert_int_not_equal(d->platform, PLATFORM_HARDWARE);
	}
	assert_true(n >= 3);
	assert_null(vmx_deviation_at(n));
}

static void outcome_numbers_differ(void **state)
{
	(void)state;
	assert_int_not_equal(fail_valid(1), fail_valid(19));
	assert_int_not_equal(vmx_outcome((struct vmx_result){ VMX_SUCCEED, 0, 0 }),
			     vmx_outcome((struct vmx_result){ VMX_FAIL_INVALID, 0, 0 }));
	assert_int_not_equal(vmx_outcome((struct vmx_result){ VMX_FAULT, 0, 6 }),
			     vmx_outcome((struct vmx_result){ VMX_FAULT, 0, 13 }));
}

#define SKX_BASIC 0x00d810000000002bULL   /* Bochs corei7_skylake_x, bit 49 clear */

static void vmcall_skip_decision(void **state)
{
	(void)state;
	char why[160];
	/* bare metal, no dual monitor: every VMCALL case runs */
	assert_false(vmx_vmcall_skip_reason(why, sizeof(why), 0, SKX_BASIC, false, 0, true, PLATFORM_HARDWARE));
	assert_false(vmx_vmcall_skip_reason(why, sizeof(why), 0, SKX_BASIC | VMX_BASIC_DUAL_MONITOR, true, 0, true,
					    PLATFORM_HARDWARE));
	/* KVM host: its hypercall */
	assert_true(vmx_vmcall_skip_reason(why, sizeof(why), "KVMKVMKVM", SKX_BASIC, false, 0, false,
					   PLATFORM_HARDWARE));
	assert_non_null(strstr(why, "KVMKVMKVM"));
	/* dual-monitor treatment possible and SMM_MONITOR_CTL valid: outcome changes */
	assert_true(vmx_vmcall_skip_reason(why, sizeof(why), 0, SKX_BASIC | VMX_BASIC_DUAL_MONITOR, true, 1, false,
					   PLATFORM_HARDWARE));
	assert_non_null(strstr(why, "IA32_SMM_MONITOR_CTL is 0x1"));
	/* without bit 49 the MSR value does not count (the MSR need not exist) */
	assert_false(vmx_vmcall_skip_reason(why, sizeof(why), 0, SKX_BASIC, true, 1, false, PLATFORM_HARDWARE));
	/* Bochs: only the clear-VMCS case is skipped */
	assert_true(vmx_vmcall_skip_reason(why, sizeof(why), 0, SKX_BASIC, false, 0, true, PLATFORM_BOCHS));
	assert_non_null(strstr(why, "panics"));
	assert_false(vmx_vmcall_skip_reason(why, sizeof(why), 0, SKX_BASIC, false, 0, false, PLATFORM_BOCHS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_vmcall_launched_is_known),
		cmocka_unit_test(other_platform_or_outcome_is_not),
		cmocka_unit_test(rows_are_complete),
		cmocka_unit_test(outcome_numbers_differ),
		cmocka_unit_test(vmcall_skip_decision),
	};
	return cmocka_run_group_tests_name("deviations", tests, NULL, NULL);
}
