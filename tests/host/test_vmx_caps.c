/* vmx/vmx_caps.c on the capability MSRs Bochs reports (FACTS.md, read on
 * corei7_skylake_x and corei7_icelake_u) and on crafted broken values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmx_caps.h"

#define CR0_PE (1ULL << 0)
#define CR0_NE (1ULL << 5)
#define CR0_PG (1ULL << 31)
#define CR4_PAE (1ULL << 5)
#define CR4_PKE (1ULL << 22)

#include "tests/host/bochs_caps.h"

static void bochs_basic_decodes(void **state)
{
	(void)state;
	struct vmx_basic b = vmx_decode_basic(BOCHS_VMX_BASIC);
	assert_int_equal(b.revision_id, 0x2b);
	assert_false(b.bit31);
	assert_int_equal(b.region_size, 4096);
	assert_int_equal(b.memory_type, VMX_MEMTYPE_WB);
	assert_false(b.phys_addr_32);
	assert_false(b.dual_monitor);
	assert_true(b.ins_outs_info);
	assert_true(b.true_controls);
	b = vmx_decode_basic(0xffffffffffffffffULL);
	assert_int_equal(b.revision_id, 0x7fffffff);
	assert_true(b.bit31 && b.phys_addr_32 && b.dual_monitor && b.no_hw_errcode_check);
	assert_int_equal(b.region_size, 0x1fff);
	assert_int_equal(b.memory_type, 0xf);
}

static void control_msr_splits_into_must_be_1_and_may_be_1(void **state)
{
	(void)state;
	struct vmx_ctls c = vmx_decode_ctls(0xf7f9fffe04006172ULL);
	assert_int_equal(c.allowed0, 0x04006172);
	assert_int_equal(c.allowed1, 0xf7f9fffe);
}

static void true_msrs_are_chosen_when_basic_bit55_is_set(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_PROCBASED), c.true_procbased);
	assert_int_equal(vmx_caps_ctl_msr_number(&c, VMX_CTL_PROCBASED), 0x48e);
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_PINBASED), c.true_pinbased);
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_EXIT), c.true_exit);
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_ENTRY), c.true_entry);
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_PROCBASED2), c.procbased2);
	assert_int_equal(vmx_caps_ctl_msr_number(&c, VMX_CTL_PROCBASED2), 0x48b);

	c.basic &= ~VMX_BASIC_TRUE_CTLS;
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_PROCBASED), c.procbased);
	assert_int_equal(vmx_caps_ctl_msr_number(&c, VMX_CTL_PROCBASED), 0x482);
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_EXIT), c.exit);
	assert_int_equal(vmx_caps_ctl_msr(&c, VMX_CTL_NR), 0);
}

static void adjust_true_procbased_hlt_msr_bitmaps_secondary(void **state)
{
	(void)state;
	struct vmx_adjust a;
	u32 want = CPU_HLT_EXITING | CPU_USE_MSR_BITMAPS | CPU_ACTIVATE_SECONDARY_CONTROLS;

	assert_int_equal(want, (1U << 7) | (1U << 28) | (1U << 31));
	assert_int_equal(vmx_adjust_controls(want, 0xf7f9fffe04006172ULL, &a), VMX_ADJUST_OK);
	assert_int_equal(a.value, 0x940061f2);
	assert_int_equal(a.forced_on, 0x04006172);
	assert_int_equal(a.refused, 0);
}

static void adjust_plain_procbased_forces_cr3_exiting(void **state)
{
	(void)state;
	struct vmx_adjust a;

	assert_int_equal(vmx_adjust_controls(0, 0xf7f9fffe0401e172ULL, &a), VMX_ADJUST_OK);
	assert_int_equal(a.value, 0x0401e172);
	assert_true(a.forced_on & CPU_CR3_LOAD_EXITING);
	assert_true(a.forced_on & CPU_CR3_STORE_EXITING);
	/* With the TRUE MSR they may be 0. */
	vmx_adjust_controls(0, 0xf7f9fffe04006172ULL, &a);
	assert_false(a.value & (CPU_CR3_LOAD_EXITING | CPU_CR3_STORE_EXITING));
}

static void adjust_refuses_a_bit_that_is_not_allowed(void **state)
{
	(void)state;
	struct vmx_adjust a;
	u32 want = CPU_HLT_EXITING | CPU_MONITOR_TRAP_FLAG;

	/* Skylake-X in Bochs has no monitor trap flag (bit 27), Icelake has. */
	assert_int_equal(vmx_adjust_controls(want, skylake_x().true_procbased, &a),
			 VMX_ADJUST_UNSUPPORTED);
	assert_int_equal(a.refused, CPU_MONITOR_TRAP_FLAG);
	assert_int_equal(a.value, 0x04006172 | CPU_HLT_EXITING);
	assert_int_equal(vmx_adjust_controls(want, icelake_u().true_procbased, &a),
			 VMX_ADJUST_OK);
	assert_int_equal(a.value, 0x04006172 | want);
	/* Bit 0 is reserved: allowed-1 is 0 on every CPU. */
	assert_int_equal(vmx_adjust_controls(1, skylake_x().true_procbased, &a),
			 VMX_ADJUST_UNSUPPORTED);
	assert_int_equal(a.refused, 1);
}

static void adjust_reports_an_msr_whose_must_be_1_bit_may_not_be_1(void **state)
{
	(void)state;
	struct vmx_adjust a;

	assert_int_equal(vmx_adjust_controls(0, 0x0000000e00000011ULL, &a), VMX_ADJUST_BAD_MSR);
	assert_int_equal(a.refused, 0x11);
}

static void cr0_fixed_bits_add_ne(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	u64 cr0 = 0x60000010ULL | CR0_PE | CR0_PG;
	struct vmx_fixed f = vmx_fixed_apply(cr0, c.cr0_fixed0, c.cr0_fixed1);

	assert_true(f.possible);
	assert_true(f.value & CR0_NE);
	assert_int_equal(f.value, 0xe0000031ULL);
	assert_int_equal(f.changed, CR0_NE);
}

static void cr4_fixed_bits_add_vmxe_and_drop_what_fixed1_forbids(void **state)
{
	(void)state;
	struct vmx_caps sky = skylake_x(), ice = icelake_u();
	struct vmx_fixed f = vmx_fixed_apply(CR4_PAE | CR4_PKE, sky.cr4_fixed0, sky.cr4_fixed1);

	assert_true(f.possible);
	assert_int_equal(f.value, CR4_PAE | CR4_VMXE);
	assert_int_equal(f.changed, CR4_VMXE | CR4_PKE);
	f = vmx_fixed_apply(CR4_PAE | CR4_PKE, ice.cr4_fixed0, ice.cr4_fixed1);
	assert_int_equal(f.value, CR4_PAE | CR4_PKE | CR4_VMXE);
	assert_int_equal(f.changed, CR4_VMXE);
}

static void fixed_bits_impossible_when_fixed0_exceeds_fixed1(void **state)
{
	(void)state;
	struct vmx_fixed f = vmx_fixed_apply(0, 0x21, 0x20);
	assert_false(f.possible);
	assert_int_equal(f.value, 0x20);
	f = vmx_fixed_apply(0x1, 0x1, 0x1);
	assert_true(f.possible);
	assert_int_equal(f.changed, 0);
}

static void bochs_misc_decodes(void **state)
{
	(void)state;
	struct vmx_misc m = vmx_decode_misc(skylake_x().misc);
	assert_int_equal(m.preemption_timer_rate, 0);
	assert_true(m.stores_lma);
	assert_true(m.activity_hlt && m.activity_shutdown && m.activity_wait_for_sipi);
	assert_false(m.pt_in_vmx || m.rdmsr_smbase_in_smm || m.smm_monitor_ctl_bit2);
	assert_int_equal(m.cr3_target_count, 4);
	assert_int_equal(m.max_msr_list, 512);
	assert_true(m.vmwrite_any_field);	/* so VMWRITE to read-only fields works */
	assert_true(m.inject_zero_length);
	assert_int_equal(m.mseg_revision, 0);
	m = vmx_decode_misc(0x123456780e000005ULL);
	assert_int_equal(m.preemption_timer_rate, 5);
	assert_int_equal(m.max_msr_list, 512 * 8);
	assert_int_equal(m.mseg_revision, 0x12345678);
}

static void bochs_ept_vpid_decodes(void **state)
{
	(void)state;
	struct vmx_ept_vpid e = vmx_decode_ept_vpid(skylake_x().ept_vpid_cap);
	assert_true(e.exec_only && e.walk_4 && e.memtype_uc && e.memtype_wb);
	assert_false(e.walk_5 || e.advanced_exit_info);
	assert_true(e.pages_2m && e.pages_1g && e.ad_flags);
	assert_true(e.invept && e.invept_single && e.invept_all);
	assert_true(e.invvpid && e.invvpid_addr && e.invvpid_single && e.invvpid_all &&
		    e.invvpid_single_nonglobal);
	e = vmx_decode_ept_vpid(0);
	assert_false(e.walk_4 || e.memtype_wb || e.invept || e.invvpid);
}

static void bochs_vmcs_enum_and_physical_width(void **state)
{
	(void)state;
	assert_int_equal(vmx_vmcs_enum_highest_index(skylake_x().vmcs_enum), 0x1a);
	assert_int_equal(vmx_phys_addr_bits(0x3028), 40);
	assert_int_equal(vmx_phys_addr_bits(0), 36);
}

static void msr_existence_follows_earlier_msrs(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();

	for (size_t i = 0; i < vmx_caps_items_count; i++)
		if (vmx_caps_items[i].msr && vmx_caps_items[i].msr < 0x492)
			assert_true(vmx_caps_msr_exists(&c, vmx_caps_items[i].msr));
	/* Skylake-X allows neither "activate tertiary controls" (proc bit 17) nor
	 * the secondary exit controls (exit bit 31) */
	assert_false(vmx_caps_msr_exists(&c, 0x492));
	assert_false(vmx_caps_msr_exists(&c, 0x493));
	c.procbased |= 1ULL << (32 + 17);
	c.exit |= 1ULL << (32 + 31);
	assert_true(vmx_caps_msr_exists(&c, 0x492));
	assert_true(vmx_caps_msr_exists(&c, 0x493));
	c = skylake_x();
	assert_false(vmx_caps_msr_exists(&c, 0));

	c.procbased2 = 0x0000000100000000ULL;	/* no EPT, VPID, VM functions */
	assert_false(vmx_caps_msr_exists(&c, MSR_IA32_VMX_EPT_VPID_CAP));
	assert_false(vmx_caps_msr_exists(&c, MSR_IA32_VMX_VMFUNC));
	c.procbased &= ~((u64)CPU_ACTIVATE_SECONDARY_CONTROLS << 32);
	c.procbased2 = skylake_x().procbased2;
	assert_false(vmx_caps_msr_exists(&c, MSR_IA32_VMX_PROCBASED_CTLS2));
	assert_false(vmx_caps_msr_exists(&c, MSR_IA32_VMX_EPT_VPID_CAP));
	assert_false(vmx_caps_msr_exists(&c, MSR_IA32_VMX_VMFUNC));
	c.basic &= ~VMX_BASIC_TRUE_CTLS;
	for (u32 msr = 0x48d; msr <= 0x490; msr++)
		assert_false(vmx_caps_msr_exists(&c, msr));
	assert_true(vmx_caps_msr_exists(&c, MSR_IA32_VMX_VMCS_ENUM));
}

static void item_table_reads_and_writes_each_value(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b;

	memset(&b, 0, sizeof b);
	assert_int_equal(vmx_caps_items_count, 22);   /* 0x480-0x493, FEATURE_CONTROL, CPUID */
	for (size_t i = 0; i < vmx_caps_items_count; i++)
		vmx_caps_item_set(&b, &vmx_caps_items[i], vmx_caps_item_get(&a, &vmx_caps_items[i]));
	assert_true(vmx_caps_equal(&a, &b, NULL));
	assert_int_equal(b.vmfunc, 1);
	assert_int_equal(b.cpuid_80000008_eax, 0x3028);
	assert_int_equal(b.procbased2, 0x02177fff00000000ULL);
	assert_string_equal(vmx_caps_item_by_msr(0x48b)->name, "IA32_VMX_PROCBASED_CTLS2");
	assert_string_equal(vmx_caps_item_by_msr(0x3a)->name, "IA32_FEATURE_CONTROL");
	assert_null(vmx_caps_item_by_msr(0));
	assert_null(vmx_caps_item_by_msr(0x494));
	for (u32 msr = 0x480; msr <= 0x493; msr++)
		assert_non_null(vmx_caps_item_by_msr(msr));
}

static void caps_equal_names_the_first_msr_that_differs(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b = skylake_x();
	const struct vmx_caps_item *diff = (void *)1;

	assert_true(vmx_caps_equal(&a, &b, &diff));
	assert_null(diff);
	b.procbased2 = icelake_u().procbased2;
	assert_false(vmx_caps_equal(&a, &b, &diff));
	assert_non_null(diff);
	assert_int_equal(diff->msr, 0x48b);
	assert_string_equal(diff->name, "IA32_VMX_PROCBASED_CTLS2");
	b = a;
	b.feature_control = 0x1;	/* firmware left one CPU disabled */
	assert_false(vmx_caps_equal(&a, &b, &diff));
	assert_string_equal(diff->name, "IA32_FEATURE_CONTROL");
	b = a;
	b.cpuid_80000008_eax = 0x3027;
	assert_false(vmx_caps_equal(&a, &b, NULL));
	assert_false(vmx_caps_equal(&a, &b, &diff));
	assert_string_equal(diff->name, "CPUID.80000008:EAX");
}

/* The failure count; prints the failures when their number is not the
 * expected one, so a failing test shows what went wrong. */
static size_t failures(const struct vmx_caps *c, struct vmx_caps_failure *f, size_t max,
		       size_t want)
{
	size_t n = vmx_caps_check(c, f, max);
	if (n != want)
		for (size_t i = 0; i < n && i < max; i++)
			print_message("  %s (%#x): %s, bad %#llx\n", f[i].msr_name, f[i].msr,
				      f[i].rule, (unsigned long long)f[i].bad_bits);
	return n;
}

static void bochs_caps_pass_the_sanity_checks(void **state)
{
	(void)state;
	struct vmx_caps sky = skylake_x(), ice = icelake_u();
	struct vmx_caps_failure f[8];

	assert_int_equal(failures(&sky, f, 8, 0), 0);
	assert_int_equal(failures(&ice, f, 8, 0), 0);
	sky.basic &= ~VMX_BASIC_TRUE_CTLS;	/* the non-TRUE path */
	assert_int_equal(failures(&sky, f, 8, 0), 0);
}

/* FACTS.md read literally: Icelake with Skylake's TRUE_PROCBASED. */
static void facts_icelake_true_procbased_as_written_is_inconsistent(void **state)
{
	(void)state;
	struct vmx_caps c = icelake_u();
	struct vmx_caps_failure f[4];

	c.true_procbased = 0xf7f9fffe04006172ULL;
	assert_int_equal(failures(&c, f, 4, 1), 1);
	assert_int_equal(f[0].msr, MSR_IA32_VMX_TRUE_PROCBASED_CTLS);
	assert_int_equal(f[0].bad_bits, CPU_MONITOR_TRAP_FLAG);
}

/* One broken value at a time: exactly that failure, on that MSR. */
static void expect_one(struct vmx_caps c, u32 msr, u64 bad)
{
	struct vmx_caps_failure f[4];

	assert_int_equal(failures(&c, f, 4, 1), 1);
	assert_int_equal(f[0].msr, msr);
	assert_int_equal(f[0].bad_bits, bad);
	assert_non_null(f[0].rule);
	assert_non_null(f[0].msr_name);
}

static void broken_caps_fail_the_sanity_checks(void **state)
{
	(void)state;
	struct vmx_caps c;

	c = skylake_x(); c.basic |= VMX_BASIC_BIT31;
	expect_one(c, 0x480, VMX_BASIC_BIT31);
	c = skylake_x(); c.basic &= ~(VMX_BASIC_SIZE_MASK << 32);
	expect_one(c, 0x480, 0);
	c = skylake_x(); c.basic = (c.basic & ~(VMX_BASIC_SIZE_MASK << 32)) | (4097ULL << 32);
	expect_one(c, 0x480, 4097);
	c = skylake_x(); c.basic &= ~(VMX_BASIC_MEMTYPE_MASK << 50); c.basic |= 3ULL << 50;
	expect_one(c, 0x480, 3);
	c = skylake_x(); c.basic |= 1ULL << 46;
	expect_one(c, 0x480, 1ULL << 46);
	c = skylake_x(); c.basic &= ~VMX_BASIC_TRUE_CTLS;	/* else TRUE disagrees too */
	c.pinbased &= ~0x2ULL;				/* default1 bit 1 */
	expect_one(c, 0x481, 0x2);
	c = skylake_x(); c.basic &= ~VMX_BASIC_TRUE_CTLS;
	c.exit |= 1ULL << 30;				/* must be 1, may not be 1 */
	expect_one(c, 0x483, 1ULL << 30);
	c = skylake_x(); c.procbased2 |= 1ULL << 31;	/* must be 1, may not be 1 */
	expect_one(c, 0x48b, 1ULL << 31);
	c = skylake_x(); c.true_entry |= 1ULL << 52;	/* TRUE allowed-1 differs */
	expect_one(c, 0x490, 1ULL << 20);
	c = skylake_x(); c.true_exit |= 1ULL << 22;	/* not reflected in EXIT */
	expect_one(c, 0x48f, 1ULL << 22);
	c = skylake_x(); c.cr0_fixed1 &= ~CR0_NE;
	expect_one(c, 0x486, CR0_NE);
	c = skylake_x(); c.cr4_fixed1 &= ~CR4_VMXE;
	expect_one(c, 0x488, CR4_VMXE);
	c = skylake_x(); c.misc |= 1ULL << 9;
	expect_one(c, 0x485, 1ULL << 9);
	c = skylake_x(); c.misc |= 1ULL << 31;
	expect_one(c, 0x485, 1ULL << 31);
	c = skylake_x(); c.misc |= 0x1ffULL << 16;	/* 511 CR3 targets */
	expect_one(c, 0x485, 511);
	c = skylake_x(); c.misc &= ~VMX_MISC_STORES_LMA;	/* with unrestricted guest */
	expect_one(c, 0x485, VMX_MISC_STORES_LMA);
	c = skylake_x(); c.vmcs_enum |= 1;
	expect_one(c, 0x48a, 1);
	c = skylake_x(); c.vmcs_enum |= 0x400;
	expect_one(c, 0x48a, 0x400);
}

static void all_failures_are_counted_even_past_max(void **state)
{
	(void)state;
	struct vmx_caps c;
	struct vmx_caps_failure f[2];

	memset(&c, 0, sizeof c);	/* size 0, UC ok, no default1 bits */
	c.basic = VMX_BASIC_BIT31;
	c.cr0_fixed0 = CR0_PE;
	/* bit 31, size 0, and default1 missing in PIN, PROC, EXIT, ENTRY, CR0 */
	assert_int_equal(vmx_caps_check(&c, f, 2), 7);
	assert_int_equal(f[0].bad_bits, VMX_BASIC_BIT31);
	assert_int_equal(f[1].bad_bits, 0);
	assert_int_equal(vmx_caps_check(&c, NULL, 0), 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_basic_decodes),
		cmocka_unit_test(control_msr_splits_into_must_be_1_and_may_be_1),
		cmocka_unit_test(true_msrs_are_chosen_when_basic_bit55_is_set),
		cmocka_unit_test(adjust_true_procbased_hlt_msr_bitmaps_secondary),
		cmocka_unit_test(adjust_plain_procbased_forces_cr3_exiting),
		cmocka_unit_test(adjust_refuses_a_bit_that_is_not_allowed),
		cmocka_unit_test(adjust_reports_an_msr_whose_must_be_1_bit_may_not_be_1),
		cmocka_unit_test(cr0_fixed_bits_add_ne),
		cmocka_unit_test(cr4_fixed_bits_add_vmxe_and_drop_what_fixed1_forbids),
		cmocka_unit_test(fixed_bits_impossible_when_fixed0_exceeds_fixed1),
		cmocka_unit_test(bochs_misc_decodes),
		cmocka_unit_test(bochs_ept_vpid_decodes),
		cmocka_unit_test(bochs_vmcs_enum_and_physical_width),
		cmocka_unit_test(msr_existence_follows_earlier_msrs),
		cmocka_unit_test(item_table_reads_and_writes_each_value),
		cmocka_unit_test(caps_equal_names_the_first_msr_that_differs),
		cmocka_unit_test(bochs_caps_pass_the_sanity_checks),
		cmocka_unit_test(facts_icelake_true_procbased_as_written_is_inconsistent),
		cmocka_unit_test(broken_caps_fail_the_sanity_checks),
		cmocka_unit_test(all_failures_are_counted_even_past_max),
	};
	return cmocka_run_group_tests_name("vmx_caps", tests, NULL, NULL);
}
