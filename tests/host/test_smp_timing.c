/* arch/x86_64/smp_timing.c: the INIT and SIPI waits decided from real
 * CPUID.0 vendor registers and CPUID.1:EAX signatures, the way Linux decides
 * them, and the smp.init_delay_us= / smp.sipi_delay_us= overrides parsed by
 * the kernel's own option table (kernel/options.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/smp_timing.h"
#include "kernel/options.h"

/* options.c prints its problems; the tests read them back */
static char printed[2048];
void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	size_t n = strlen(printed);
	vsnprintf(printed + n, sizeof(printed) - n, fmt, ap);
	va_end(ap);
}

/* CPUID.0 EBX, EDX, ECX as the CPUs return them */
#define INTEL 0x756e6547u, 0x49656e69u, 0x6c65746eu   /* "Genu" "ineI" "ntel" */
#define AMD   0x68747541u, 0x69746e65u, 0x444d4163u   /* "Auth" "enti" "cAMD" */
#define HYGON 0x6f677948u, 0x6e65476eu, 0x656e6975u   /* "Hygo" "nGen" "uine" */
#define VIA   0x746e6543u, 0x48727561u, 0x736c7561u   /* "Cent" "aurH" "auls" */

/* CPUID.1:EAX signatures of real parts */
#define SKYLAKE_X    0x00050654u   /* Bochs corei7_skylake_x, family 6 model 0x55 */
#define PENTIUM_MMX  0x00000543u   /* Intel family 5 */
#define I486         0x00000480u   /* Intel family 4 */
#define PENTIUM4     0x00000f29u   /* Northwood, family 0xf */
#define QEMU_MAX     0x00060fb1u   /* QEMU TCG -cpu max: AMD family 0xf model 0x6b */
#define ATHLON_K7    0x00000662u   /* AMD family 6 (Palomino) */
#define ZEN2_ROME    0x00830f10u   /* AMD family 0x17 */
#define ZEN3_MILAN   0x00a00f11u   /* AMD family 0x19 */
#define HYGON_DHYANA 0x00900f01u   /* Hygon family 0x18 */
#define HYGON_F17    0x00800f00u   /* a Hygon signature of family 0x17 (below Linux's 0x18) */
#define VIA_NANO     0x000006f2u   /* Centaur family 6: Linux has no rule for it */

static struct smp_timing t;

static void decide(u32 b, u32 d, u32 c, u32 eax)
{
	smp_timing_decide(b, d, c, eax, SMP_DELAY_UNSET, SMP_DELAY_UNSET, &t);
}

static void modern(void)
{
	assert_true(t.modern);
	assert_int_equal(t.init_delay_us, 0);
	assert_int_equal(t.sipi_delay_us, 10);
	assert_int_equal(smp_timing_first_sipi_wait(&t), 10);
	assert_false(t.init_overridden || t.sipi_overridden);
}

static void legacy(void)
{
	assert_false(t.modern);
	assert_int_equal(t.init_delay_us, 10000);
	assert_int_equal(t.sipi_delay_us, 200);
	assert_int_equal(smp_timing_first_sipi_wait(&t), 10000);
}

static void vendors_are_read_from_cpuid0(void **state)
{
	(void)state;
	assert_int_equal(smp_timing_vendor(INTEL), SMP_VENDOR_INTEL);
	assert_int_equal(smp_timing_vendor(AMD), SMP_VENDOR_AMD);
	assert_int_equal(smp_timing_vendor(HYGON), SMP_VENDOR_HYGON);
	assert_int_equal(smp_timing_vendor(VIA), SMP_VENDOR_OTHER);
	assert_int_equal(smp_timing_vendor(0, 0, 0), SMP_VENDOR_OTHER);
	decide(HYGON, HYGON_DHYANA);
	assert_string_equal(t.vendor_id, "HygonGenuine");
	decide(0, 0, 0, 0);
	assert_string_equal(t.vendor_id, "????????????");
}

static void intel_family_6_and_later_wait_no_init(void **state)
{
	(void)state;
	decide(INTEL, SKYLAKE_X);
	assert_int_equal(t.family, 6);
	modern();
	assert_string_equal(t.why, "GenuineIntel family 0x6: no INIT wait, as Linux on Intel family >= 0x6");
	decide(INTEL, PENTIUM4);   /* family 0xf: Linux's rule is family >= 6 */
	assert_int_equal(t.family, 0xf);
	modern();
}

static void old_intel_gets_the_mp_spec_waits(void **state)
{
	(void)state;
	decide(INTEL, PENTIUM_MMX);
	assert_int_equal(t.family, 5);
	legacy();
	assert_string_equal(t.why, "GenuineIntel family 0x5: the MP spec's waits, as Linux on Intel before family 0x6");
	decide(INTEL, I486);
	legacy();
}

static void amd_from_family_0xf(void **state)
{
	(void)state;
	decide(AMD, QEMU_MAX);
	assert_int_equal(t.family, 0xf);
	modern();
	assert_string_equal(t.why, "AuthenticAMD family 0xf: no INIT wait, as Linux on AMD family >= 0xf");
	decide(AMD, ZEN2_ROME);
	assert_int_equal(t.family, 0x17);
	modern();
	decide(AMD, ZEN3_MILAN);
	assert_int_equal(t.family, 0x19);
	modern();
	decide(AMD, ATHLON_K7);
	assert_int_equal(t.family, 6);
	legacy();
}

static void hygon_from_family_0x18(void **state)
{
	(void)state;
	decide(HYGON, HYGON_DHYANA);
	assert_int_equal(t.family, 0x18);
	modern();
	decide(HYGON, HYGON_F17);
	assert_int_equal(t.family, 0x17);
	legacy();
}

static void unknown_vendor_gets_the_mp_spec_waits(void **state)
{
	(void)state;
	decide(VIA, VIA_NANO);
	legacy();
	assert_string_equal(t.why, "CentaurHauls family 0x6: the MP spec's waits, as Linux on a vendor it has no rule for");
	decide(VIA, ZEN3_MILAN);   /* a modern family number does not help an unknown vendor */
	legacy();
}

static void overrides_win_and_are_named(void **state)
{
	(void)state;
	smp_timing_decide(INTEL, SKYLAKE_X, 10000, SMP_DELAY_UNSET, &t);
	assert_int_equal(t.init_delay_us, 10000);
	assert_int_equal(t.sipi_delay_us, 200);   /* the SIPI wait follows the INIT wait, as in Linux */
	assert_true(t.init_overridden);
	assert_false(t.sipi_overridden);
	assert_true(t.modern);
	assert_string_equal(t.why, "GenuineIntel family 0x6: no INIT wait, as Linux on Intel family >= 0x6; "
				   "overridden: smp.init_delay_us");
	smp_timing_decide(INTEL, PENTIUM_MMX, 0, SMP_DELAY_UNSET, &t);
	assert_int_equal(t.init_delay_us, 0);
	assert_int_equal(t.sipi_delay_us, 10);
	smp_timing_decide(AMD, QEMU_MAX, SMP_DELAY_UNSET, 300, &t);
	assert_int_equal(t.init_delay_us, 0);
	assert_int_equal(t.sipi_delay_us, 300);
	assert_int_equal(smp_timing_first_sipi_wait(&t), 300);
	smp_timing_decide(AMD, QEMU_MAX, 0, 0, &t);
	assert_int_equal(smp_timing_first_sipi_wait(&t), 0);
	assert_string_equal(t.why, "AuthenticAMD family 0xf: no INIT wait, as Linux on AMD family >= 0xf; "
				   "overridden: smp.init_delay_us smp.sipi_delay_us");
}

/* ---- the kernel's option table ---- */

static int reset_opt(void **state)
{
	(void)state;
	opt.smp_init_delay_us = opt.smp_sipi_delay_us = SMP_DELAY_UNSET;
	printed[0] = 0;
	return 0;
}

static void options_default_to_unset(void **state)
{
	(void)state;
	assert_int_equal(options_parse("mode=test"), 0);
	assert_true(opt.smp_init_delay_us == SMP_DELAY_UNSET && opt.smp_sipi_delay_us == SMP_DELAY_UNSET);
	smp_timing_decide(AMD, QEMU_MAX, opt.smp_init_delay_us, opt.smp_sipi_delay_us, &t);
	modern();
}

static void options_set_both_delays(void **state)
{
	(void)state;
	assert_int_equal(options_parse("smp.init_delay_us=10000 smp.sipi_delay_us=0"), 0);
	assert_int_equal(opt.smp_init_delay_us, 10000);
	assert_int_equal(opt.smp_sipi_delay_us, 0);
	smp_timing_decide(AMD, QEMU_MAX, opt.smp_init_delay_us, opt.smp_sipi_delay_us, &t);
	assert_int_equal(t.init_delay_us, 10000);
	assert_int_equal(t.sipi_delay_us, 0);
	assert_int_equal(smp_timing_first_sipi_wait(&t), 10000);
}

static void options_reject_a_delay_past_one_second(void **state)
{
	(void)state;
	assert_int_equal(options_parse("smp.init_delay_us=1000001"), 1);
	assert_true(opt.smp_init_delay_us == SMP_DELAY_UNSET);
	assert_non_null(strstr(printed, "smp.init_delay_us"));
	printed[0] = 0;
	assert_int_equal(options_parse("smp.sipi_delay_us=ten"), 1);
	assert_true(opt.smp_sipi_delay_us == SMP_DELAY_UNSET);
	assert_non_null(strstr(printed, "smp.sipi_delay_us"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vendors_are_read_from_cpuid0),
		cmocka_unit_test(intel_family_6_and_later_wait_no_init),
		cmocka_unit_test(old_intel_gets_the_mp_spec_waits),
		cmocka_unit_test(amd_from_family_0xf),
		cmocka_unit_test(hygon_from_family_0x18),
		cmocka_unit_test(unknown_vendor_gets_the_mp_spec_waits),
		cmocka_unit_test(overrides_win_and_are_named),
		cmocka_unit_test_setup(options_default_to_unset, reset_opt),
		cmocka_unit_test_setup(options_set_both_delays, reset_opt),
		cmocka_unit_test_setup(options_reject_a_delay_past_one_second, reset_opt),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
