/* vmx/vmx_capdiff.c on crafted machines: a hybrid part whose efficiency cores
 * lack two controls, and firmware that left VMX disabled on one core. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmx_capdiff.h"
#include "tests/host/bochs_caps.h"

struct lines {
	char text[4096];
	size_t n;
};

static void collect(const char *line, void *ctx)
{
	struct lines *l = ctx;
	size_t len = strlen(l->text);
	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", line);
	l->n++;
}

/* an efficiency core: no "Enable ENCLS exiting" (made allowed on the P-cores
 * here), no "Use TSC scaling", one CR3-target fewer */
static struct vmx_caps p_core(void)
{
	struct vmx_caps c = skylake_x();
	c.procbased2 |= (1ULL << 15) << 32;
	return c;
}

static struct vmx_caps e_core(void)
{
	struct vmx_caps c = skylake_x();
	c.procbased2 &= ~((1ULL << 25) << 32);
	c.misc = (c.misc & ~(0x1ffULL << 16)) | (3ULL << 16);
	return c;
}

static void identical_cpus_have_no_diff(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b = skylake_x();
	struct lines l = { .text = "" };
	assert_int_equal(vmx_caps_diff(&a, 0, &b, collect, &l), 0);
	assert_int_equal(l.n, 0);
}

static void hybrid_diff_names_each_capability(void **state)
{
	(void)state;
	struct vmx_caps p = p_core(), e = e_core();
	struct lines l = { .text = "" };
	assert_int_equal(vmx_caps_diff(&p, 0, &e, collect, &l), 3);
	assert_non_null(strstr(l.text, "secondary processor-based VM-execution controls: Enable ENCLS exiting: no (cpu0: yes)\n"));
	assert_non_null(strstr(l.text, "secondary processor-based VM-execution controls: Use TSC scaling: no (cpu0: yes)\n"));
	assert_non_null(strstr(l.text, "miscellaneous data: Number of CR3-target values: 3 (cpu0: 4)\n"));
}

static void firmware_difference_is_named(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b = skylake_x();
	b.feature_control = 0x1;   /* locked with VMXON disabled on this core */
	struct lines l = { .text = "" };
	assert_int_equal(vmx_caps_diff(&a, 2, &b, collect, &l), 1);
	assert_string_equal(l.text, "IA32_FEATURE_CONTROL: 0x1 (cpu2: 0x5)\n");
}

static void missing_group_is_one_line(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b = skylake_x();
	b.procbased |= (u64)CPU_ACTIVATE_TERTIARY_CONTROLS << 32;
	b.procbased3 = 1ULL << 4;
	struct lines l = { .text = "" };
	assert_int_equal(vmx_caps_diff(&a, 0, &b, collect, &l), 2);
	assert_non_null(strstr(l.text, "Activate tertiary controls: yes (cpu0: no)\n"));
	assert_non_null(strstr(l.text, "tertiary processor-based VM-execution controls: present (cpu0: not present)\n"));
}

/* 16 CPUs: 0-7 P-cores, 8-15 E-cores, CPU 12 never answered */
static void kinds_and_ranges(void **state)
{
	(void)state;
	struct vmx_caps p = p_core(), e = e_core();
	const struct vmx_caps *caps[16];
	u32 kind[16];
	for (int i = 0; i < 16; i++)
		caps[i] = i < 8 ? &p : &e;
	caps[12] = NULL;
	assert_int_equal(vmx_caps_kinds(caps, 16, kind), 2);
	assert_int_equal(kind[0], 0);
	assert_int_equal(kind[9], 1);
	assert_int_equal(kind[12], VMX_CAPS_NO_KIND);
	char buf[64];
	assert_int_equal(vmx_caps_kind_cpus(kind, 16, 0, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "0-7");
	assert_int_equal(vmx_caps_kind_cpus(kind, 16, 1, buf, sizeof(buf)), 7);
	assert_string_equal(buf, "8-11, 13-15");
	/* a small buffer is cut with "...", never overrun */
	char small[8];
	assert_int_equal(vmx_caps_kind_cpus(kind, 16, 1, small, sizeof(small)), 7);
	assert_string_equal(small, "...");
	char mid[12];
	vmx_caps_kind_cpus(kind, 16, 1, mid, sizeof(mid));
	assert_string_equal(mid, "8-11...");
}

static void one_kind_for_identical_cpus(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x();
	const struct vmx_caps *caps[4096];
	static u32 kind[4096];
	for (int i = 0; i < 4096; i++)
		caps[i] = &a;
	assert_int_equal(vmx_caps_kinds(caps, 4096, kind), 1);
	char buf[32];
	assert_int_equal(vmx_caps_kind_cpus(kind, 4096, 0, buf, sizeof(buf)), 4096);
	assert_string_equal(buf, "0-4095");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(identical_cpus_have_no_diff),
		cmocka_unit_test(hybrid_diff_names_each_capability),
		cmocka_unit_test(firmware_difference_is_named),
		cmocka_unit_test(missing_group_is_one_line),
		cmocka_unit_test(kinds_and_ranges),
		cmocka_unit_test(one_kind_for_identical_cpus),
	};
	return cmocka_run_group_tests_name("vmx_capdiff", tests, NULL, NULL);
}
