/* conf_fault_verdict() on the faults the insn_ fault cases want — the ones
 * Bochs 2.7 corei7_skylake_x gives (they pass in bochs-skx-vmx1), with
 * addresses shaped like the kernel's (a user page, kernel text below 4 GiB) —
 * and on each way a fault can differ from the one wanted. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/conf_fault_verdict.h"

#define USER_CS 0x33
#define KERNEL_CS32 0x38
#define RFLAGS_PRESET 0x247   /* bit 1, CF, PF, ZF, IF: CF and ZF set before the instruction */

/* VMXOFF at CPL 3, from the user page at 0x16c000 + 8 * 16 */
static const struct conf_fault_want cpl3 = { 13, 0, ~0ULL, 0x16c080, USER_CS };

static enum conf_fault_v v(const struct conf_fault_got *g, const struct conf_fault_want *w, char *buf)
{
	return conf_fault_verdict(g, w, buf, 200);
}

static void cpl3_gp0_is_ok(void **state)
{
	(void)state;
	char buf[200];
	struct conf_fault_got g = { 13, 0, 0, 0x16c080, USER_CS, 0, true, false };
	assert_int_equal(v(&g, &cpl3, buf), FV_OK);
	assert_string_equal(buf, "");
}

static void ud2_after_the_instruction_is_named(void **state)
{
	(void)state;
	char buf[200];
	/* VMXOFF ran at CPL 3 (a broken CPU) and the ud2 3 bytes on faulted: #UD, another vector */
	struct conf_fault_got g = { 6, 0, 0, 0x16c083, USER_CS, 0, true, false };
	assert_int_equal(v(&g, &cpl3, buf), FV_VECTOR);
	/* the same vector from the wrong place: it did not fault */
	struct conf_fault_want ud = { 6, 0, ~0ULL, 0x16c080, USER_CS };
	assert_int_equal(v(&g, &ud, buf), FV_OTHER);
	assert_non_null(strstr(buf, "did not fault"));
	assert_non_null(strstr(buf, "0x16c083"));
}

static void wrong_cs_is_named(void **state)
{
	(void)state;
	char buf[200];
	struct conf_fault_got g = { 13, 0, 0, 0x16c080, 0x08, 0, true, false };
	assert_int_equal(v(&g, &cpl3, buf), FV_OTHER);
	assert_non_null(strstr(buf, "CS 0x8"));
	struct conf_fault_want compat = { 6, 0, ~0ULL, 0x10b2a0, KERNEL_CS32 };
	struct conf_fault_got c = { 6, 0, 0, 0x10b2a0, KERNEL_CS32, 0, true, false };
	assert_int_equal(v(&c, &compat, buf), FV_OK);
}

static void error_code_and_cr2(void **state)
{
	(void)state;
	char buf[200];
	/* VMPTRST to an unmapped page: a write, not present */
	struct conf_fault_want pf = { 14, 2, 0x7ff000000000ULL, 0, 0 };
	struct conf_fault_got g = { 14, 2, 0x7ff000000000ULL, 0, 0, RFLAGS_PRESET, false, true };
	assert_int_equal(v(&g, &pf, buf), FV_OK);
	g.err = 0;   /* reported as a read */
	assert_int_equal(v(&g, &pf, buf), FV_OTHER);
	assert_non_null(strstr(buf, "error code 0x0, expected 0x2"));
	g.err = 2;
	g.cr2 = 0x7ff000000008ULL;
	assert_int_equal(v(&g, &pf, buf), FV_OTHER);
	assert_non_null(strstr(buf, "CR2 0x7ff000000008"));
	/* #GP(0) cases do not look at CR2 */
	struct conf_fault_want gp = { 13, 0, ~0ULL, 0, 0 };
	struct conf_fault_got n = { 13, 0, 0x1234, 0, 0, RFLAGS_PRESET, false, true };
	assert_int_equal(v(&n, &gp, buf), FV_OK);
	n.err = 0x10;   /* a selector error code is no #GP(0) */
	assert_int_equal(v(&n, &gp, buf), FV_OTHER);
}

static void flags_must_be_untouched(void **state)
{
	(void)state;
	char buf[200];
	struct conf_fault_want ss = { 12, 0, ~0ULL, 0, 0 };
	struct conf_fault_got g = { 12, 0, 0, 0, 0, RFLAGS_PRESET, false, true };
	assert_int_equal(v(&g, &ss, buf), FV_OK);
	g.flags = RFLAGS_PRESET & ~1ULL;   /* CF cleared */
	assert_int_equal(v(&g, &ss, buf), FV_OTHER);
	assert_non_null(strstr(buf, "CF and ZF"));
	/* no fault at all: VMfailInvalid (CF) is a vector mismatch, for the deviation table */
	struct conf_fault_got none = { 0, 0, 0, 0, 0, 0x203, false, true };
	assert_int_equal(v(&none, &ss, buf), FV_VECTOR);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cpl3_gp0_is_ok),
		cmocka_unit_test(ud2_after_the_instruction_is_named),
		cmocka_unit_test(wrong_cs_is_named),
		cmocka_unit_test(error_code_and_cr2),
		cmocka_unit_test(flags_must_be_untouched),
	};
	return cmocka_run_group_tests_name("conf_fault", tests, NULL, NULL);
}
