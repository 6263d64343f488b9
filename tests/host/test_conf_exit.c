/* The core VM-exit cases (vmx/conf_exit.h): table sanity, the instruction-
 * information format of SDM 28.2.5 against values Bochs 2.7 corei7_skylake_x
 * produced for the guests of vmx/conf_exit_guest.S, the defined-bit masks,
 * which rows skip on which capabilities, and the verdict, each failure path
 * caused by a changed observation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/conf_exit.h"
#include "vmx/conf_cases.h"
#include "vmx/conf_inv.h"
#include "vmx/vmx_defs.h"
#include "kernel/ktap.h"
#include "kernel/platform.h"
#include "tests/host/bochs_caps.h"

static const struct conf_exit_case *row(const char *name)
{
	for (size_t i = 0; i < conf_exit_rows_n; i++)
		if (!strcmp(conf_exit_rows[i].name, name))
			return &conf_exit_rows[i];
	fail_msg("no row %s", name);
	return 0;
}

static void names_and_rows_are_sane(void **state)
{
	(void)state;
	assert_true(conf_exit_rows_n >= 45);
	for (size_t i = 0; i < conf_exit_rows_n; i++) {
		const struct conf_exit_case *k = &conf_exit_rows[i];
		assert_true(strlen(k->name) <= 63);
		assert_int_equal(strncmp(k->name, "exit_", 5), 0);
		assert_true(ktap_name_valid(k->name));
		assert_true(k->sdm && k->sdm[0]);
		assert_true(k->guest < XG_NR);
		assert_true(k->reason < 80);
		assert_true(k->checks);				/* every row checks something beyond the reason */
		if (k->checks & XC_QUAL)
			assert_true(k->qual_mask != 0);
		if (k->checks & XC_INFO)
			assert_true(k->info_kind != XI_NONE);
		/* only the triple-fault row leaves the exception bitmap of all ones; a row about the
		 * bitmap clears at most the one bit it is about */
		if (k->setup == XS_TRIPLE_FAULT)
			assert_int_equal(k->reason, 2);
		if (k->setup == XS_EXCEPTIONS)
			assert_true(__builtin_popcount(~k->exc_bitmap) <= 1);
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(k->name, conf_exit_rows[j].name);
		for (size_t j = 0; j < conf_rows_n; j++)
			assert_string_not_equal(k->name, conf_rows[j].name);
		for (size_t j = 0; j < conf_inv_rows_n; j++)
			assert_string_not_equal(k->name, conf_inv_rows[j].name);
	}
}

/* values Bochs wrote into the instruction-information field for these guests */
static void info_encodes_like_the_cpu(void **state)
{
	(void)state;
	/* vmread %r9, %r14 */
	const struct conf_exit_case *k = row("exit_vmread_reg_r9_to_r14_23");
	assert_int_equal(conf_exit_info_encode(k->info_kind, &k->op), 0x90000470);
	assert_int_equal(conf_exit_info_mask(k->info_kind, &k->op), 0xf0000478);
	/* vmwrite 0x8(%rdi,%rbx,4), %rax */
	k = row("exit_vmwrite_mem_src_rax_encoding_25");
	assert_int_equal(conf_exit_info_encode(k->info_kind, &k->op), 0x038d8102);
	char b[160];
	conf_exit_info_str(k->info_kind, 0x038d8102, b, sizeof(b));
	assert_string_equal(b, "0x38d8102 (memory, address size 64, segment DS, base rdi, index rbx*4, reg2 rax)");
	conf_exit_info_str(XI_VMREAD, 0x90000470, b, sizeof(b));
	assert_string_equal(b, "0x90000470 (register reg1 r14, reg2 r9)");
}

static void mask_leaves_out_undefined_bits(void **state)
{
	(void)state;
	/* vmptrld -8(%rsp): no index, so neither the scaling nor the index field is compared */
	const struct conf_exit_case *k = row("exit_vmptrld_mem_rsp_base_ss_negative_disp_21");
	u32 m = conf_exit_info_mask(k->info_kind, &k->op), v = conf_exit_info_encode(k->info_kind, &k->op);
	assert_int_equal(m & 3, 0);
	assert_int_equal(m & (15u << 18), 0);
	assert_true(m & (1u << 22));
	assert_int_equal(v & (1u << 22), 1u << 22);
	assert_int_equal((v >> 15) & 7, 2);		/* SS: the default segment of an RSP base */
	assert_int_equal((v >> 23) & 15, 4);
	assert_int_equal(m >> 28, 0);			/* VMPTRLD has no reg2 */
	/* vmptrst 0x12345678(,%rdx,2): no base */
	k = row("exit_vmptrst_mem_index_no_base_22");
	m = conf_exit_info_mask(k->info_kind, &k->op);
	v = conf_exit_info_encode(k->info_kind, &k->op);
	assert_int_equal(m & (15u << 23), 0);
	assert_true(v & (1u << 27));
	assert_int_equal(v & 3, 1);
	/* INVEPT: bit 10 undefined, reg2 compared; INS: the segment is undefined */
	k = row("exit_invept_mem_rdi_type_rcx_50");
	m = conf_exit_info_mask(k->info_kind, &k->op);
	assert_int_equal(m & (1u << 10), 0);
	assert_int_equal(m >> 28, 15);
	assert_int_equal(conf_exit_info_encode(k->info_kind, &k->op) >> 28, 1);
	k = row("exit_io_unconditional_rep_insb_30_linear_addr_info");
	assert_int_equal(conf_exit_info_mask(k->info_kind, &k->op), 7u << 7);
	k = row("exit_io_unconditional_outsb_30_linear_addr_info");
	assert_int_equal(conf_exit_info_encode(k->info_kind, &k->op), 2u << 7 | 3u << 15);
}

static void io_qualification_str(void **state)
{
	(void)state;
	char b[96];
	conf_exit_io_qual_str(0x80800009, b, sizeof(b));
	assert_string_equal(b, "0x80800009 (size 2, IN, DX, port 0x8080)");
	conf_exit_io_qual_str(0x00800038, b, sizeof(b));
	assert_string_equal(b, "0x800038 (size 1, IN string REP, DX, port 0x80)");
}

static unsigned skips(const struct vmx_caps *c, const char *name, char *why, size_t n)
{
	unsigned s = 0;
	for (size_t i = 0; i < conf_exit_rows_n; i++) {
		char b[200];
		if (conf_exit_skip_reason(&conf_exit_rows[i], c, b, sizeof(b))) {
			s++;
			if (name && !strcmp(conf_exit_rows[i].name, name))
				snprintf(why, n, "%s", b);
		}
	}
	return s;
}

static void skips_name_the_missing_capability(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	char why[200] = "";
	assert_int_equal(skips(&c, 0, 0, 0), 0);
	c = icelake_u();
	assert_int_equal(skips(&c, 0, 0, 0), 0);
	c = skylake_x();
	c.ept_vpid_cap &= ~VMX_EPT_EXEC_ONLY;
	assert_int_equal(skips(&c, "exit_ept_read_of_execute_only_page_48", why, sizeof(why)), 1);
	assert_non_null(strstr(why, "bit 0 clear"));
	c = skylake_x();
	c.misc &= ~(VMX_MISC_CR3_TARGETS_MASK << VMX_MISC_CR3_TARGETS_SHIFT);
	assert_int_equal(skips(&c, "exit_cr3_target_beyond_count_ignored_28", why, sizeof(why)), 3);
	assert_non_null(strstr(why, "0 CR3-target value(s)"));
	c = skylake_x();
	c.procbased &= ~((u64)CPU_ACTIVATE_SECONDARY_CONTROLS << 32);
	c.true_procbased &= ~((u64)CPU_ACTIVATE_SECONDARY_CONTROLS << 32);
	/* the EPT rows and VMFUNC with VM functions on */
	assert_int_equal(skips(&c, "exit_ept_write_to_read_only_page_48", why, sizeof(why)), 8);
	assert_non_null(strstr(why, "no secondary"));
	c = skylake_x();
	c.basic &= ~VMX_BASIC_INS_OUTS;
	assert_int_equal(skips(&c, "exit_io_unconditional_outsb_30_linear_addr_info", why, sizeof(why)), 2);
	c = skylake_x();
	c.pinbased &= ~((u64)PIN_ACTIVATE_PREEMPTION_TIMER << 32);
	c.true_pinbased = c.pinbased;
	assert_int_equal(skips(&c, "exit_preemption_timer_2_expires_in_guest_52", why, sizeof(why)), 3);
	assert_non_null(strstr(why, "pin-based"));
}

/* an observation of the EPT write row (test page at 0x1ab000, the write at +0x28) */
static struct conf_exit_obs ept_write_obs(void)
{
	return (struct conf_exit_obs){ .entered = true, .reason = 48, .qual = 0x18a, .gpa = 0x1ab028, .gla = 0x1ab028,
				       .rip = 0x2140f0 };
}

static void verdict_pass_and_each_failure(void **state)
{
	(void)state;
	const struct conf_exit_case *k = row("exit_ept_write_to_read_only_page_48");
	struct conf_exit_env e = { .insn_rip = 0x2140f0, .insn_len = 4, .addr_base = 0x1ab000 };
	struct conf_exit_obs o = ept_write_obs();
	char b[300];
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	assert_string_equal(b, "");
	/* bits outside the compared mask (bit 9: advanced exit information, off) do not matter */
	o.qual |= 1u << 9;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	o.qual = 0x189;	/* a read instead of a write */
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "exit qualification 0x189, expected 0x18a"));
	assert_int_equal(conf_exit_first_diff(k, &e, &o, b, sizeof(b)), CONF_EXIT_OUTCOME(XF_QUAL, 0x189));
	o = ept_write_obs();
	o.gpa = 0x1ab000;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "guest-physical address 0x1ab000, expected 0x1ab028"));
	o = ept_write_obs();
	o.gla = 0;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "guest-linear address"));
	o = ept_write_obs();
	o.rip += 4;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "guest RIP"));
	o = ept_write_obs();
	o.reason = 18;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "exit reason 18 (field 0x12), expected 48"));
	o = ept_write_obs();
	o.reason = 48 | EXIT_REASON_ENTRY_FAILURE;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	o = (struct conf_exit_obs){ .entered = false, .fail_code = conf_outcome_code(EXP_FAIL_VALID, 7, 0) };
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "VM entry failed: VMfailValid 7"));
}

static void verdict_info_length_intr_timer(void **state)
{
	(void)state;
	char b[300];
	const struct conf_exit_case *k = row("exit_vmread_reg_r9_to_r14_23");
	struct conf_exit_env e = { .insn_rip = 0x1000, .insn_len = 4 };
	struct conf_exit_obs o = { .entered = true, .reason = 23, .rip = 0x1000, .len = 4, .info = 0x90000470 };
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	o.info |= 0x3ff800;	/* memory-operand fields: undefined for a register operand */
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	o.info = 0x90000468;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "reg1 r13"));
	o.info = 0x90000470;
	o.len = 3;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "instruction length 3, expected 4"));

	k = row("exit_gp_ds_load_of_tss_selector_error_code_0");
	o = (struct conf_exit_obs){ .entered = true, .reason = 0, .rip = 0x1000, .intr = 0x80000b0d, .err = 0x18 };
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	o.err = 0;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "error code 0x0, expected 0x18"));
	o.err = 0x18;
	o.intr = 0x8000030d;	/* no error-code-valid bit */
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "error code no"));

	k = row("exit_gp_delivering_ud_idt_vectoring_info_0");
	o = (struct conf_exit_obs){ .entered = true, .reason = 0, .rip = 0x1000, .intr = 0x80000b0d, .err = 0x33,
				    .idtv = 0x80000306 };
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	o.idtv = 0;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "IDT-vectoring information 0x0, expected 0x80000306"));

	k = row("exit_preemption_timer_saved_value_decreases");
	e = (struct conf_exit_env){ .insn_rip = 0x1000, .timer_start = 0x10000000 };
	o = (struct conf_exit_obs){ .entered = true, .reason = 18, .rip = 0x1000, .timer = 0xfffff00 };
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	o.timer = 0x10000000;	/* did not count */
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "saved preemption-timer value 0x10000000"));
	o.timer = 0;
	assert_int_equal(conf_exit_verdict(k, &e, &o, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_rows_are_sane),
		cmocka_unit_test(info_encodes_like_the_cpu),
		cmocka_unit_test(mask_leaves_out_undefined_bits),
		cmocka_unit_test(io_qualification_str),
		cmocka_unit_test(skips_name_the_missing_capability),
		cmocka_unit_test(verdict_pass_and_each_failure),
		cmocka_unit_test(verdict_info_length_intr_timer),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
