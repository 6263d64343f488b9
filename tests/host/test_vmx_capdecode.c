/* vmx/vmx_capdecode.c and the name table on Bochs 2.7's real capability MSRs
 * (FACTS.md): Skylake-X and Icelake, each state word checked against what the
 * values give by hand, plus crafted tertiary/secondary-exit values. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/vmx_capdecode.h"
#include "tests/host/bochs_caps.h"

static const struct vmx_cap_group *grp(const char *key)
{
	const struct vmx_cap_group *g = vmx_cap_group_by_key(key);
	assert_non_null(g);
	return g;
}

static enum vmx_cap_state state_of(const struct vmx_caps *c, const char *key, const char *name)
{
	const struct vmx_cap_group *g = grp(key);
	for (size_t i = 0; i < g->n; i++)
		if (!strcmp(g->names[i].sdm, name))
			return vmx_cap_bit_state(c, g, g->names[i].lo);
	fail_msg("no control \"%s\" in group %s", name, key);
	return CAP_NO;
}

/* ---- collecting the decoded lines ---- */
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

static void decode(const struct vmx_caps *c, const char *key, struct lines *l)
{
	memset(l, 0, sizeof(*l));
	l->text[0] = '\n';   /* so every line, the first too, is found as "\nLINE\n" */
	size_t n = vmx_cap_decode_group(c, grp(key), collect, l);
	assert_int_equal(n, l->n);
}

static void has_line(const struct lines *l, const char *line)
{
	char want[200];
	snprintf(want, sizeof(want), "\n%s\n", line);
	if (!strstr(l->text, want))
		fail_msg("missing line \"%s\" in:\n%s", line, l->text);
}

/* ---- tests ---- */

static void skylake_x_states(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	assert_int_equal(state_of(&c, "proc", "Monitor trap flag"), CAP_NO);
	assert_int_equal(state_of(&c, "proc", "CR3-load exiting"), CAP_DEFAULT);
	assert_int_equal(state_of(&c, "proc", "CR3-store exiting"), CAP_DEFAULT);
	assert_int_equal(state_of(&c, "proc", "HLT exiting"), CAP_YES);
	assert_int_equal(state_of(&c, "proc", "Activate tertiary controls"), CAP_NO);
	assert_int_equal(state_of(&c, "proc2", "Unrestricted guest"), CAP_YES);
	assert_int_equal(state_of(&c, "proc2", "VMCS shadowing"), CAP_YES);
	assert_int_equal(state_of(&c, "proc2", "Enable PML"), CAP_YES);
	assert_int_equal(state_of(&c, "proc2", "EPT-violation #VE"), CAP_YES);   /* 0x02177fff bit 18 */
	assert_int_equal(state_of(&c, "proc2", "Use TSC scaling"), CAP_YES);     /* bit 25 */
	assert_int_equal(state_of(&c, "proc2", "Enable ENCLS exiting"), CAP_NO);  /* bit 15 */
	assert_int_equal(state_of(&c, "pin", "Process posted interrupts"), CAP_NO);
	assert_int_equal(state_of(&c, "pin", "NMI exiting"), CAP_YES);
	assert_int_equal(state_of(&c, "exit", "Save debug controls"), CAP_DEFAULT);
	assert_int_equal(state_of(&c, "exit", "Host address-space size"), CAP_YES);
	assert_int_equal(state_of(&c, "entry", "Load debug controls"), CAP_DEFAULT);
	assert_int_equal(state_of(&c, "entry", "IA-32e mode guest"), CAP_YES);
	assert_int_equal(state_of(&c, "cr0", "CR0.PE"), CAP_FORCED);
	assert_int_equal(state_of(&c, "cr0", "CR0.NE"), CAP_FORCED);
	assert_int_equal(state_of(&c, "cr0", "CR0.CD"), CAP_YES);
	assert_int_equal(state_of(&c, "cr4", "CR4.VMXE"), CAP_FORCED);
	assert_int_equal(state_of(&c, "cr4", "CR4.LA57"), CAP_NO);     /* 0x3727ff bit 12 clear */
	assert_int_equal(state_of(&c, "cr4", "CR4.PKE"), CAP_NO);      /* bit 22 clear */
	assert_int_equal(state_of(&c, "cr4", "CR4.SMAP"), CAP_YES);    /* bit 21 */
}

static void icelake_differs_where_the_msrs_do(void **state)
{
	(void)state;
	struct vmx_caps c = icelake_u();
	assert_int_equal(state_of(&c, "proc", "Monitor trap flag"), CAP_YES);
	assert_int_equal(state_of(&c, "proc2", "Sub-page write permissions for EPT"), CAP_YES);   /* bit 23 of 0x02977fff */
	assert_int_equal(state_of(&c, "cr4", "CR4.LA57"), CAP_NO);
	assert_int_equal(state_of(&c, "cr4", "CR4.PKE"), CAP_YES);     /* 0x772fff bit 22 */
	struct vmx_caps s = skylake_x();
	assert_int_equal(state_of(&s, "proc2", "Sub-page write permissions for EPT"), CAP_NO);
}

static void fields_are_numbers_and_flags(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	struct lines l;
	decode(&c, "basic", &l);
	has_line(&l, "  VMCS revision identifier: 43");
	has_line(&l, "  VMXON/VMCS region size: 4096");
	has_line(&l, "  VMCS memory type: 6");
	has_line(&l, "  TRUE capability MSRs: yes");
	has_line(&l, "  Dual-monitor treatment of SMIs and SMM: no");
	decode(&c, "misc", &l);
	has_line(&l, "  Number of CR3-target values: 4");
	has_line(&l, "  VMWRITE to any supported VMCS field: yes");
	has_line(&l, "  HLT activity state: yes");
	has_line(&l, "  MSEG revision identifier: 0");
	decode(&c, "ept", &l);
	has_line(&l, "  Page-walk length 4: yes");
	has_line(&l, "  Page-walk length 5: no");
	has_line(&l, "  All-context INVVPID: yes");
	decode(&c, "enum", &l);
	has_line(&l, "  Highest index in VMCS field encodings: 26");
	decode(&c, "vmfunc", &l);
	has_line(&l, "  EPTP switching: yes");
}

/* the reserved default1 bits the SDM leaves unnamed are shown, not dropped */
static void unnamed_bits_are_shown(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	struct lines l;
	decode(&c, "pin", &l);
	has_line(&l, "  bit 1: forced");
	has_line(&l, "  bit 2: forced");
	has_line(&l, "  bit 4: forced");
	assert_null(strstr(l.text, "bit 0:"));   /* named: External-interrupt exiting */
	decode(&c, "exit", &l);
	has_line(&l, "  bit 0: forced");
	has_line(&l, "  Save debug controls: default");
	decode(&c, "cr0", &l);
	assert_null(strstr(l.text, "bit 6:"));   /* FIXED1 does not fix a reserved bit: no capability */
	has_line(&l, "  CR0.PG: forced");
}

static void tertiary_and_secondary_exit_are_allowed1_only(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	struct lines l;
	decode(&c, "proc3", &l);
	assert_int_equal(l.n, 1);
	assert_non_null(strstr(l.text, "not present"));
	c.procbased |= (u64)CPU_ACTIVATE_TERTIARY_CONTROLS << 32;
	c.procbased3 = (1ULL << 4) | (1ULL << 40);
	c.exit |= (u64)EXIT_ACTIVATE_SECONDARY_CONTROLS << 32;
	c.exit2 = (1ULL << 1) | (1ULL << 3);
	assert_int_equal(state_of(&c, "proc", "Activate tertiary controls"), CAP_YES);
	decode(&c, "proc3", &l);
	has_line(&l, "  IPI virtualization: yes");
	has_line(&l, "  LOADIWKEY exiting: no");
	has_line(&l, "  bit 40: yes");
	decode(&c, "exit2", &l);
	has_line(&l, "  Save IA32_FRED: no");
	has_line(&l, "  Load IA32_FRED: yes");
	has_line(&l, "  bit 3: yes");
	assert_null(strstr(l.text, "default"));
	assert_null(strstr(l.text, "forced"));
}

/* without TRUE MSRs (VMX_BASIC bit 55 clear) nothing is "default" */
static void no_default_without_true_msrs(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	c.basic &= ~VMX_BASIC_TRUE_CTLS;
	assert_int_equal(state_of(&c, "proc", "CR3-load exiting"), CAP_FORCED);
	assert_int_equal(state_of(&c, "exit", "Save debug controls"), CAP_FORCED);
}

/* every bit appears in at most one row, names are unique, ranges sane */
static void table_is_well_formed(void **state)
{
	(void)state;
	size_t rows = 0;
	for (size_t i = 0; i < vmx_cap_groups_count; i++) {
		const struct vmx_cap_group *g = &vmx_cap_groups[i];
		u64 seen = 0;
		assert_ptr_equal(vmx_cap_group_by_key(g->key), g);
		for (size_t k = 0; k < g->n; k++) {
			const struct vmx_cap_name *r = &g->names[k];
			assert_true(r->lo <= r->hi && r->hi < 64);
			assert_true(g->kind == CAPG_FIELDS || r->lo == r->hi);
			for (unsigned b = r->lo; b <= r->hi; b++) {
				assert_false(seen >> b & 1);
				seen |= 1ULL << b;
			}
			for (size_t j = 0; j < k; j++)
				assert_string_not_equal(g->names[j].sdm, r->sdm);
			rows++;
		}
	}
	assert_true(rows >= 150);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(skylake_x_states),
		cmocka_unit_test(icelake_differs_where_the_msrs_do),
		cmocka_unit_test(fields_are_numbers_and_flags),
		cmocka_unit_test(unnamed_bits_are_shown),
		cmocka_unit_test(tertiary_and_secondary_exit_are_allowed1_only),
		cmocka_unit_test(no_default_without_true_msrs),
		cmocka_unit_test(table_is_well_formed),
	};
	return cmocka_run_group_tests_name("vmx_capdecode", tests, NULL, NULL);
}
