/* arch/x86_64/cpuinfo.c: MTRR lookups (fixed and variable ranges, overlaps),
 * family/model/stepping, the described lines and the per-CPU differences. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/cpuinfo.h"

struct lines {
	char text[4096];
};

static void collect(const char *line, void *ctx)
{
	struct lines *l = ctx;
	size_t len = strlen(l->text);
	snprintf(l->text + len, sizeof(l->text) - len, "%s\n", line);
}

/* A typical firmware layout: MTRRs on, fixed ranges on, default UC; variable
 * 0: 0-2 GiB WB; 1: 0x7f000000-0x7fffffff UC (carved out); 2: 4-8 GiB WB;
 * fixed: 0-640 KiB WB, 640-768 KiB UC (VGA), the BIOS ROM WP. 40-bit physical. */
static struct cpuinfo_raw fw(void)
{
	struct cpuinfo_raw r;
	memset(&r, 0, sizeof(r));
	r.mtrr_ok = true;
	r.mtrr_cap = 0x508;   /* WC, fixed, 8 variable */
	r.mtrr_def = (1u << 11) | (1u << 10) | MEMTYPE_UC;
	r.fixed[0] = 0x0606060606060606ULL;   /* 0-512K WB */
	r.fixed[1] = 0x0606060606060606ULL;   /* 512-640K WB */
	r.fixed[2] = 0;                       /* 640-768K UC */
	for (int i = 3; i < 11; i++)
		r.fixed[i] = 0x0505050505050505ULL;   /* 768K-1M WP */
	u64 m40 = (1ULL << 40) - 1;
	r.var_base[0] = 0x0 | MEMTYPE_WB;
	r.var_mask[0] = (m40 & ~((2ULL << 30) - 1)) | (1u << 11);
	r.var_base[1] = 0x7f000000ULL | MEMTYPE_UC;
	r.var_mask[1] = (m40 & ~((16ULL << 20) - 1)) | (1u << 11);
	r.var_base[2] = (4ULL << 30) | MEMTYPE_WB;
	r.var_mask[2] = (m40 & ~((4ULL << 30) - 1)) | (1u << 11);
	r.l80000008_eax = 0x3028;
	r.pat_ok = true;
	r.pat = 0x0007040600070406ULL;
	return r;
}

static void mtrr_lookup(void **state)
{
	(void)state;
	struct cpuinfo_raw r = fw();
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x1000), MEMTYPE_WB);       /* fixed 64K */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x9f000), MEMTYPE_WB);      /* fixed 16K */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0xb8000), MEMTYPE_UC);      /* VGA */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0xf0000), MEMTYPE_WP);      /* BIOS */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x145000), MEMTYPE_WB);     /* variable 0 */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x7f800000), MEMTYPE_UC);   /* UC wins the overlap */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x90000000), MEMTYPE_UC);   /* default */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x140000000ULL), MEMTYPE_WB);
	r.mtrr_def &= ~(1u << 10);   /* fixed ranges off: the variable ranges cover low memory */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0xb8000), MEMTYPE_WB);
	r.mtrr_def &= ~(1u << 11);   /* MTRRs off: everything UC */
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x145000), MEMTYPE_UC);
	/* WT and WB overlapping: WT */
	r = fw();
	r.var_base[3] = 0x100000ULL | MEMTYPE_WT;
	r.var_mask[3] = (((1ULL << 40) - 1) & ~0xfffffULL) | (1u << 11);
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x180000), MEMTYPE_WT);
	/* WC and WB overlapping: undefined */
	r.var_base[3] = 0x100000ULL | MEMTYPE_WC;
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x180000), MEMTYPE_MIXED);
	/* an invalid range (valid bit clear) does not count */
	r.var_mask[3] &= ~(1ULL << 11);
	assert_int_equal(cpuinfo_mtrr_type(&r, 40, 0x180000), MEMTYPE_WB);
}

static void pat_entries(void **state)
{
	(void)state;
	u64 pat = 0x0007040600070406ULL;   /* the power-on default */
	assert_int_equal(cpuinfo_pat_type(pat, 0), MEMTYPE_WB);
	assert_int_equal(cpuinfo_pat_type(pat, 1), MEMTYPE_WT);
	assert_int_equal(cpuinfo_pat_type(pat, 2), MEMTYPE_UCMINUS);
	assert_int_equal(cpuinfo_pat_type(pat, 3), MEMTYPE_UC);
	assert_string_equal(cpuinfo_memtype_name(MEMTYPE_UCMINUS), "UC-");
	assert_string_equal(cpuinfo_memtype_name(2), "reserved");
}

static void family_model_stepping(void **state)
{
	(void)state;
	unsigned f, m, s;
	cpuinfo_fms(0x00050654, &f, &m, &s);   /* Skylake-SP */
	assert_int_equal(f, 6);
	assert_int_equal(m, 0x55);
	assert_int_equal(s, 4);
	cpuinfo_fms(0x00a20f12, &f, &m, &s);   /* AMD Zen 3: family 0x19 */
	assert_int_equal(f, 0x19);
	assert_int_equal(m, 0x21);
	assert_int_equal(s, 2);
	cpuinfo_fms(0x00000633, &f, &m, &s);   /* family 6 model 3: no extended model */
	assert_int_equal(m, 3);
}

static struct cpuinfo_raw intel(void)
{
	struct cpuinfo_raw r = fw();
	r.leaf0[0] = 0x20;
	memcpy(&r.leaf0[1], "Genu", 4);
	memcpy(&r.leaf0[3], "ineI", 4);
	memcpy(&r.leaf0[2], "ntel", 4);
	r.leaf1[0] = 0x00090672;   /* Alder Lake */
	r.leaf1[2] = (1u << 5) | (1u << 6);
	r.leaf7[3] = 1u << 15;     /* hybrid */
	r.leaf1a_eax = 0x40000001;
	memcpy(r.brand, "     12th Gen Intel(R) Core(TM) i9-12900K", 41);
	r.microcode_ok = true;
	r.bios_sign_id = 0x2c00000000ULL;
	r.fc_ok = true;
	r.feature_control = 0x5;
	return r;
}

static void describe_lines(void **state)
{
	(void)state;
	struct cpuinfo_raw r = intel();
	struct lines l = { "" };
	assert_int_equal(cpuinfo_describe(&r, collect, &l), 9);
	assert_non_null(strstr(l.text, "identity: GenuineIntel family 0x6 model 0x97 stepping 2, \"12th Gen Intel(R) Core(TM) i9-12900K\"\n"));
	assert_non_null(strstr(l.text, "microcode: revision 0x2c (IA32_BIOS_SIGN_ID 0x2c00000000)\n"));
	assert_non_null(strstr(l.text, "hybrid: yes, this is a performance core (Intel Core) (CPUID 0x1a EAX 0x40000001)\n"));
	assert_non_null(strstr(l.text, "addresses: physical 40 bits, linear 48 bits\n"));
	assert_non_null(strstr(l.text, "SMX (Intel TXT): yes; SGX: no; SGX launch control: no\n"));
	assert_non_null(strstr(l.text, "IA32_FEATURE_CONTROL 0x5: lock yes, VMXON in SMX no, VMXON outside SMX yes,"));
	assert_non_null(strstr(l.text, "hypervisor: none"));
	assert_non_null(strstr(l.text, "MTRRs: enabled, fixed ranges on, default type UC, 8 variable ranges\n"));
	assert_non_null(strstr(l.text, "PAT 0x0007040600070406: WB WT UC- UC WB WT UC- UC\n"));
	memset(&l, 0, sizeof(l));
	cpuinfo_describe_page(&r, "VMXON region", 0x145000, 0, collect, &l);
	assert_string_equal(l.text, "VMXON region 0x145000: MTRR WB, PAT entry 0 WB: write-back, as VMX_BASIC asks\n");
	memset(&l, 0, sizeof(l));
	cpuinfo_describe_page(&r, "VMCS", 0x7f800000, 0, collect, &l);
	assert_non_null(strstr(l.text, "MTRR UC, PAT entry 0 WB: NOT write-back"));
}

/* a hybrid part: the efficiency core differs in core type and brand is the
 * same; a core with older microcode is named too */
static void diff_reports_identity(void **state)
{
	(void)state;
	struct cpuinfo_raw p = intel(), e = intel();
	e.leaf1a_eax = 0x20000001;
	e.bios_sign_id = 0x2b00000000ULL;
	struct lines l = { "" };
	assert_int_equal(cpuinfo_diff(&p, 0, &e, collect, &l), 2);
	assert_non_null(strstr(l.text, "microcode 0x2b (cpu0: 0x2c)\n"));
	assert_non_null(strstr(l.text, "efficiency core (Intel Atom) (cpu0: performance core (Intel Core))\n"));
	memset(&l, 0, sizeof(l));
	assert_int_equal(cpuinfo_diff(&p, 0, &p, collect, &l), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(mtrr_lookup),
		cmocka_unit_test(pat_entries),
		cmocka_unit_test(family_model_stepping),
		cmocka_unit_test(describe_lines),
		cmocka_unit_test(diff_reports_identity),
	};
	return cmocka_run_group_tests_name("cpuinfo", tests, NULL, NULL);
}
