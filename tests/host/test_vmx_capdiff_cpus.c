/* vmx/vmx_capdiff_cpus.c (the console's `caps diff [cpus]`) on the real Bochs
 * Skylake-X and Icelake values and on crafted machines: a hybrid part, a core
 * whose firmware left VMX off, selections, a machine too big for one line. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmx_capdiff_cpus.h"
#include "tests/host/bochs_caps.h"

struct lines {
	char text[8192];
	char last[256];
	size_t n;
};

static void collect(const char *line, void *ctx)
{
	struct lines *l = ctx;
	size_t len = strlen(l->text);
	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", line);
	snprintf(l->last, sizeof(l->last), "%s", line);
	l->n++;
}

static struct cpuinfo_raw core(u32 type)
{
	struct cpuinfo_raw r;
	memset(&r, 0, sizeof(r));
	r.leaf0[0] = 0x20;
	memcpy(&r.leaf0[1], "Genu", 4);
	memcpy(&r.leaf0[3], "ineI", 4);
	memcpy(&r.leaf0[2], "ntel", 4);
	r.leaf1[0] = 0x00090672;
	r.leaf7[3] = 1u << 15;          /* hybrid */
	r.leaf1a_eax = type << 24 | 1;
	r.microcode_ok = true;
	r.bios_sign_id = 0x2c00000000ULL;
	return r;
}

static void all(u64 *mask, u32 n)
{
	memset(mask, 0, 4 * sizeof(u64));
	for (u32 i = 0; i < n; i++)
		mask[i / 64] |= 1ULL << (i % 64);
}

static void bochs_two_identical_cpus(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b = skylake_x();
	struct cpuinfo_raw m = core(0x40);
	struct vmx_caps_cpu cpus[2] = { { &a, &m, 0 }, { &b, &m, 0 } };
	u64 mask[4];
	all(mask, 2);
	struct lines l = { "", "", 0 };
	struct vmx_caps_diff_sum s = vmx_caps_diff_cpus(cpus, 2, mask, collect, &l);
	assert_string_equal(l.text, "no differences among CPUs 0-1\n");
	assert_int_equal(s.selected, 2);
	assert_int_equal(s.compared, 2);
	assert_int_equal(s.differing, 0);
	assert_int_equal(s.ref, 0);
	assert_int_equal(s.lines, 0);
}

/* Skylake-X as cpu0, Icelake as cpu1: the monitor trap flag is the famous one */
static void skylake_against_icelake(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), b = icelake_u();
	struct vmx_caps_cpu cpus[2] = { { &a, 0, 0 }, { &b, 0, 0 } };
	u64 mask[4];
	all(mask, 2);
	struct lines l = { "", "", 0 };
	struct vmx_caps_diff_sum s = vmx_caps_diff_cpus(cpus, 2, mask, collect, &l);
	if (getenv("SHOW"))
		fputs(l.text, stderr);
	assert_non_null(strstr(l.text, ": Monitor trap flag: yes (cpu0: no)\n"));
	assert_non_null(strstr(l.text, "VMCS revision identifier: 4 (cpu0: 43)\n"));
	assert_int_equal(s.differing, 1);
	assert_true(s.lines >= 3);
	char want[128];
	snprintf(want, sizeof(want), "1 of 2 CPUs differ from cpu0 (%zu differences); CPUs compared: 0-1", s.lines);
	assert_string_equal(l.last, want);
	assert_int_equal(l.n, s.lines + 1);
	/* every difference line names the CPU it is about, first */
	for (char *p = l.text; *p; p = strchr(p, '\n') + 1)
		if (strncmp(p, "1 of 2", 6))
			assert_int_equal(strncmp(p, "cpu1: ", 6), 0);
}

/* a hybrid part: P-cores 0-1 allow ENCLS exiting, E-cores 2-3 do not and have
 * one CR3-target fewer; the core type differs too (reported, by CPUID 0x1a) */
static void hybrid_machine(void **state)
{
	(void)state;
	struct vmx_caps p = skylake_x(), e = skylake_x();
	p.procbased2 |= (1ULL << 15) << 32;
	e.misc = (e.misc & ~(0x1ffULL << 16)) | (3ULL << 16);
	struct cpuinfo_raw pm = core(0x40), em = core(0x20);
	struct vmx_caps_cpu cpus[4] = { { &p, &pm, 0 }, { &p, &pm, 0 }, { &e, &em, 0 }, { &e, &em, 0 } };
	u64 mask[4];
	all(mask, 4);
	struct lines l = { "", "", 0 };
	struct vmx_caps_diff_sum s = vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_string_equal(l.text,
		"cpu2: secondary processor-based VM-execution controls: Enable ENCLS exiting: no (cpu0: yes)\n"
		"cpu2: miscellaneous data: Number of CR3-target values: 3 (cpu0: 4)\n"
		"cpu2: efficiency core (Intel Atom) (cpu0: performance core (Intel Core))\n"
		"cpu3: secondary processor-based VM-execution controls: Enable ENCLS exiting: no (cpu0: yes)\n"
		"cpu3: miscellaneous data: Number of CR3-target values: 3 (cpu0: 4)\n"
		"cpu3: efficiency core (Intel Atom) (cpu0: performance core (Intel Core))\n"
		"2 of 4 CPUs differ from cpu0 (6 differences); CPUs compared: 0-3\n");
	assert_int_equal(s.differing, 2);
	/* the E-cores alone: the first selected CPU is the reference */
	memset(mask, 0, sizeof(mask));
	mask[0] = 0xc;
	memset(&l, 0, sizeof(l));
	s = vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_string_equal(l.text, "no differences among CPUs 2-3\n");
	assert_int_equal(s.ref, 2);
	/* one P-core and one E-core, not adjacent */
	mask[0] = 0x5;
	memset(&l, 0, sizeof(l));
	s = vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_string_equal(l.last, "1 of 2 CPUs differ from cpu0 (3 differences); CPUs compared: 0, 2");
}

/* firmware left VT-x off on cpu1 (no capabilities read) and FEATURE_CONTROL
 * locked differently on cpu3 */
static void firmware_differences(void **state)
{
	(void)state;
	struct vmx_caps a = skylake_x(), d = skylake_x();
	d.feature_control = 0x1;
	struct vmx_caps_cpu cpus[4] = {
		{ &a, 0, 0 },
		{ 0, 0, "VT-x disabled by firmware: enable Intel Virtualization Technology in the firmware setup" },
		{ &a, 0, 0 },
		{ &d, 0, 0 },
	};
	u64 mask[4];
	all(mask, 4);
	struct lines l = { "", "", 0 };
	struct vmx_caps_diff_sum s = vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_string_equal(l.text,
		"cpu1: not compared: VT-x disabled by firmware: enable Intel Virtualization Technology in the firmware setup\n"
		"cpu3: IA32_FEATURE_CONTROL: 0x1 (cpu0: 0x5)\n"
		"1 of 3 CPUs differ from cpu0 (1 difference); CPUs compared: 0, 2-3\n");
	assert_int_equal(s.selected, 4);
	assert_int_equal(s.compared, 3);
	/* the unread CPU first in the selection: the next one is the reference */
	mask[0] = 0xa;
	memset(&l, 0, sizeof(l));
	s = vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_int_equal(s.ref, 3);
	assert_string_equal(l.last, "cpu3 alone: nothing to compare it with");
	/* nothing readable selected: no verdict, the caller says why */
	mask[0] = 0x2;
	memset(&l, 0, sizeof(l));
	s = vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_int_equal(s.compared, 0);
	assert_int_equal(s.ref, 4);
	assert_int_equal(l.n, 1);
	cpus[1].why = 0;
	memset(&l, 0, sizeof(l));
	vmx_caps_diff_cpus(cpus, 4, mask, collect, &l);
	assert_string_equal(l.text, "cpu1: not compared: capabilities not read\n");
}

/* a selection that does not fit one line is cut with "...", never overrun */
static void long_selection_is_cut(void **state)
{
	(void)state;
	static struct vmx_caps a;
	static struct vmx_caps_cpu cpus[256];
	a = skylake_x();
	u64 mask[4];
	all(mask, 256);
	for (u32 i = 0; i < 256; i++)
		cpus[i] = (struct vmx_caps_cpu){ i % 2 ? &a : 0, 0, "vmx.cpus" };
	struct lines l = { "", "", 0 };
	struct vmx_caps_diff_sum s = vmx_caps_diff_cpus(cpus, 256, mask, collect, &l);
	assert_int_equal(s.compared, 128);
	assert_int_equal(s.ref, 1);
	assert_int_equal(strncmp(l.last, "no differences among CPUs 1, 3, 5, ", 35), 0);
	size_t len = strlen(l.last);
	assert_string_equal(l.last + len - 3, "...");
	assert_true(len < 160);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_two_identical_cpus),
		cmocka_unit_test(skylake_against_icelake),
		cmocka_unit_test(hybrid_machine),
		cmocka_unit_test(firmware_differences),
		cmocka_unit_test(long_selection_is_cut),
	};
	return cmocka_run_group_tests_name("vmx_capdiff_cpus", tests, NULL, NULL);
}
