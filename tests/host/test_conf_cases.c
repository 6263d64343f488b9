/* The conformance case table (vmx/conf_cases.c, vmx/conf_ctl.c) run through
 * the software model of the VM-entry checks with the capabilities Bochs
 * reports on corei7_skylake_x: every case's VMCS must give, as its first
 * finding, the row's field and SDM section (or no finding for a VMCS the SDM
 * accepts), so a model regression fails here before any emulator boots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/conf_cases.h"
#include "vmx/conf_inv.h"
#include "vmx/entry_check.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_defs.h"
#include "kernel/ktap.h"
#include "kernel/platform.h"

#include "tests/host/bochs_caps.h"

#define MAX_FIELDS 160
struct vmcs_table {
	u32 enc[MAX_FIELDS];
	u64 val[MAX_FIELDS];
	size_t n;
};

static bool table_read(u32 enc, u64 *value, void *ctx)
{
	const struct vmcs_table *t = ctx;
	for (size_t i = 0; i < t->n; i++)
		if (t->enc[i] == enc) {
			*value = t->val[i];
			return true;
		}
	return false;
}

static void set(u32 enc, u64 v, void *ctx)
{
	struct vmcs_table *t = ctx;
	for (size_t i = 0; i < t->n; i++)
		if (t->enc[i] == enc) {
			t->val[i] = v;
			return;
		}
	assert_true(t->n < MAX_FIELDS);
	t->enc[t->n] = enc;
	t->val[t->n++] = v;
}

static u64 get(struct vmcs_table *t, u32 enc)
{
	u64 v = 0;
	table_read(enc, &v, t);
	return v;
}

#define REV 0x2b
static const struct conf_env_vals env = {
	.page_current = 0x140000, .page_other = 0x141000, .page_zero = 0x142000, .page_msr = 0x143000,
	.pat = 0x0007040600070406ULL, .cr3 = 0x1000,
};

/* the first dword of each page, as the kernel leaves them */
static bool fake_phys(u64 pa, u32 *v, void *ctx)
{
	(void)ctx;
	if (pa == env.page_current || pa == env.page_other)
		*v = REV;
	else if (pa == env.page_zero || pa == env.page_msr)
		*v = 0;
	else
		return false;
	return true;
}

static u32 adjusted(u32 wanted, u64 msr)
{
	struct vmx_adjust a;
	assert_int_equal(vmx_adjust_controls(wanted, msr, &a), VMX_ADJUST_OK);
	return a.value;
}

/* what vmx/vmcs_setup.c writes on this kernel (flat GDT 0x08 code, 0x10 data,
 * 0x18 TSS; FS and GS unusable), then conf_good_vmcs_extras() */
static void good_vmcs(struct vmcs_table *t, const struct vmx_caps *c)
{
	memset(t, 0, sizeof(*t));
	u32 proc = adjusted(CPU_HLT_EXITING | CPU_USE_MSR_BITMAPS, vmx_caps_ctl_msr(c, VMX_CTL_PROCBASED)), proc2;
	set(VMCS_PIN_BASED_CONTROLS, adjusted(PIN_NMI_EXITING, vmx_caps_ctl_msr(c, VMX_CTL_PINBASED)), t);
	set(VMCS_VM_EXIT_CONTROLS, adjusted(EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_EFER,
					    vmx_caps_ctl_msr(c, VMX_CTL_EXIT)), t);
	set(VMCS_VM_ENTRY_CONTROLS, adjusted(ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER,
					     vmx_caps_ctl_msr(c, VMX_CTL_ENTRY)), t);
	set(VMCS_CR3_TARGET_COUNT, 0, t);
	set(VMCS_MSR_BITMAPS_ADDR, 0x144000, t);
	set(VMCS_HOST_CR0, 0x80010031, t);
	set(VMCS_HOST_CR3, 0x1000, t);
	set(VMCS_HOST_CR4, 0x2020, t);
	set(VMCS_HOST_ES_SELECTOR, 0x10, t);
	set(VMCS_HOST_CS_SELECTOR, 0x08, t);
	set(VMCS_HOST_SS_SELECTOR, 0x10, t);
	set(VMCS_HOST_DS_SELECTOR, 0x10, t);
	set(VMCS_HOST_FS_SELECTOR, 0, t);
	set(VMCS_HOST_GS_SELECTOR, 0, t);
	set(VMCS_HOST_TR_SELECTOR, 0x18, t);
	set(VMCS_HOST_FS_BASE, 0, t);
	set(VMCS_HOST_GS_BASE, 0x120000, t);
	set(VMCS_HOST_TR_BASE, 0x121000, t);
	set(VMCS_HOST_GDTR_BASE, 0x122000, t);
	set(VMCS_HOST_IDTR_BASE, 0x123000, t);
	set(VMCS_HOST_IA32_SYSENTER_CS, 0, t);
	set(VMCS_HOST_IA32_SYSENTER_ESP, 0, t);
	set(VMCS_HOST_IA32_SYSENTER_EIP, 0, t);
	set(VMCS_HOST_IA32_EFER, 0xd01, t);
	set(VMCS_HOST_RSP, 0x130000, t);
	set(VMCS_HOST_RIP, 0x104000, t);
	set(VMCS_GUEST_CR0, 0x80010031, t);
	set(VMCS_GUEST_CR3, 0x1000, t);
	set(VMCS_GUEST_CR4, 0x2020, t);
	set(VMCS_GUEST_DR7, 0x400, t);
	set(VMCS_GUEST_IA32_DEBUGCTL, 0, t);
	set(VMCS_GUEST_IA32_EFER, 0xd01, t);
	set(VMCS_GUEST_IA32_SYSENTER_CS, 0, t);
	set(VMCS_GUEST_IA32_SYSENTER_ESP, 0, t);
	set(VMCS_GUEST_IA32_SYSENTER_EIP, 0, t);
	for (u32 k = 0; k < 8; k++) {   /* ES CS SS DS FS GS LDTR TR */
		u32 sel = k == 1 ? 0x08 : k == 7 ? 0x18 : (k == 4 || k == 5 || k == 6) ? 0 : 0x10;
		u32 ar = k == 1 ? 0xa09b : k == 7 ? 0x008b : (k == 4 || k == 5 || k == 6) ? 0x10000 : 0xc093;
		set(VMCS_GUEST_ES_SELECTOR + 2 * k, sel, t);
		set(VMCS_GUEST_ES_BASE + 2 * k, k == 7 ? 0x121000 : 0, t);
		set(VMCS_GUEST_ES_LIMIT + 2 * k, k == 7 ? 0x67 : (ar & 0x10000) ? 0 : 0xffffffff, t);
		set(VMCS_GUEST_ES_ACCESS_RIGHTS + 2 * k, ar, t);
	}
	set(VMCS_GUEST_GDTR_BASE, 0x122000, t);
	set(VMCS_GUEST_GDTR_LIMIT, 0x27, t);
	set(VMCS_GUEST_IDTR_BASE, 0x123000, t);
	set(VMCS_GUEST_IDTR_LIMIT, 0xfff, t);
	set(VMCS_GUEST_RSP, 0x150000, t);
	set(VMCS_GUEST_RIP, 0x105000, t);
	set(VMCS_GUEST_RFLAGS, 0x2, t);
	set(VMCS_GUEST_ACTIVITY_STATE, 0, t);
	set(VMCS_GUEST_INTERRUPTIBILITY_STATE, 0, t);
	set(VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0, t);
	set(VMCS_LINK_POINTER, ~0ULL, t);
	conf_good_vmcs_extras(c, &env, set, t, &proc, &proc2);
}

static size_t model(struct vmcs_table *t, const struct vmx_caps *c, struct entry_finding *f, size_t max)
{
	struct vmcs_view view = { table_read, t, fake_phys, env.page_current };
	return entry_check_all(&view, c, f, max);
}

static void good_vmcs_passes_the_model(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	struct vmcs_table t;
	struct entry_finding f[4];
	good_vmcs(&t, &c);
	size_t n = model(&t, &c, f, 4);
	if (n)
		printf("first finding: %s = 0x%llx: %s\n", f[0].field_name, (unsigned long long)f[0].value, f[0].rule);
	assert_int_equal(n, 0);
}

/* Every case on caps: the model's first finding is the row's (field, section) */
static void run_table(const struct vmx_caps *c, unsigned *cases, unsigned *skips)
{
	unsigned bad = 0;
	*cases = *skips = 0;
	for (size_t i = 0; i < conf_case_slots(); i++) {
		struct conf_case k;
		char name[64], why[160];
		if (!conf_case_get(i, c, &k, name))
			continue;
		(*cases)++;
		if (conf_case_skip_reason(&k, c, why, sizeof(why))) {
			(*skips)++;
			continue;
		}
		struct vmcs_table t;
		struct entry_finding f[4];
		good_vmcs(&t, c);
		if (k.pre_field)
			set(k.pre_field, get(&t, k.pre_field) | k.pre_or, &t);
		set(k.field, conf_case_value(&k, c, &env, get(&t, k.field)), &t);
		size_t n = model(&t, c, f, 4);
		bool ok = !k.model_none ? n && f[0].field == k.model_field && !strcmp(f[0].sdm, k.model_sdm) : n == 0;
		if (!ok) {
			bad++;
			printf("%s: want %s 0x%x (%s), model: %zu findings, first %s (SDM %s): %s\n", k.name,
			       !k.model_none ? "field" : "nothing", k.model_field, k.model_sdm ? k.model_sdm : "-", n,
			       n ? f[0].field_name : "-", n ? f[0].sdm : "-", n ? f[0].rule : "-");
		}
	}
	assert_int_equal(bad, 0);
}

static void every_case_names_its_rule_skylake_x(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	unsigned cases, skips;
	run_table(&c, &cases, &skips);
	printf("skylake_x: %u cases, %u skipped\n", cases, skips);
	/* the generated entry_ctl_ cases alone: every forbidden bit set, every required bit cleared */
	assert_true(cases > conf_rows_n + 90);
}

/* Icelake-U differs in PROCBASED (monitor trap flag) and PROCBASED2 */
static void every_case_names_its_rule_icelake(void **state)
{
	(void)state;
	struct vmx_caps c = icelake_u();
	c.basic = BOCHS_VMX_BASIC;   /* the revision id the fake VMCS pages hold (REV) */
	unsigned cases, skips;
	run_table(&c, &cases, &skips);
}

/* A CPU without secondary controls: those cases SKIP, naming the MSR */
static void no_secondary_controls_skips(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	c.true_procbased &= ~(1ULL << 63);
	c.procbased &= ~(1ULL << 63);
	unsigned cases, skips;
	run_table(&c, &cases, &skips);
	assert_true(skips >= 10);
	struct conf_case k;
	char name[64], why[160];
	for (size_t i = 0; i < conf_rows_n; i++) {
		assert_true(conf_case_get(i, &c, &k, name));
		if (!strcmp(k.name, "entry_ctl_vpid_zero_error_7")) {
			assert_true(conf_case_skip_reason(&k, &c, why, sizeof(why)));
			assert_non_null(strstr(why, "no secondary processor-based controls"));
		}
	}
}

/* EPTP bit 7: a case on both Bochs models (no supervisor shadow-stack control);
 * a SKIP naming the capability bit on a CPU that reports it, or without EPT */
static void eptp_bit7_case_needs_the_cap_clear(void **state)
{
	(void)state;
	const struct conf_case *k = 0;
	for (size_t i = 0; i < conf_rows_n; i++)
		if (!strcmp(conf_rows[i].name, "entry_ctl_eptp_bit_7_without_shadow_stack_cap_error_7"))
			k = &conf_rows[i];
	assert_non_null(k);
	char why[160];
	struct vmx_caps sky = skylake_x(), icl = icelake_u(), sss = skylake_x(), no_ept = skylake_x();
	assert_false(conf_case_skip_reason(k, &sky, why, sizeof(why)));
	assert_false(conf_case_skip_reason(k, &icl, why, sizeof(why)));
	assert_int_equal(conf_case_value(k, &sky, &env, 0) & 0xfff, 0x9e);
	sss.ept_vpid_cap |= 1ULL << 23;
	assert_true(conf_case_skip_reason(k, &sss, why, sizeof(why)));
	assert_non_null(strstr(why, "bit 23 set"));
	no_ept.procbased2 &= ~((u64)CPU2_ENABLE_EPT << 32);
	assert_true(conf_case_skip_reason(k, &no_ept, why, sizeof(why)));
	assert_non_null(strstr(why, "may not be 1"));
}

static void names_are_unique_ktap_names(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	static char names[1024][64];
	size_t n = 0;
	for (size_t i = 0; i < conf_case_slots(); i++) {
		struct conf_case k;
		char buf[64];
		if (!conf_case_get(i, &c, &k, buf))
			continue;
		assert_true(strlen(k.name) <= 63);
		assert_true(ktap_name_valid(k.name));
		for (size_t j = 0; j < n; j++)
			if (!strcmp(names[j], k.name))
				fail_msg("duplicate case name %s", k.name);
		assert_true(n < 1024);
		strcpy(names[n++], k.name);
	}
}

static void outcome_strings(void **state)
{
	(void)state;
	char b[96];
	conf_outcome_str(conf_outcome_code(EXP_FAIL_VALID, 7, 0), b, sizeof(b));
	assert_string_equal(b, "VMfailValid 7");
	conf_outcome_str(conf_outcome_code(EXP_ENTRY_FAIL, 33, 4), b, sizeof(b));
	assert_string_equal(b, "VM-entry failure exit 33 qualification 0x4");
	conf_outcome_str(conf_outcome_code(EXP_ENTERED, 0, 0), b, sizeof(b));
	assert_string_equal(b, "entered the guest, exit 0 qualification 0x0");
}

/* The fixed 4096-node KTAP pool: how many CPUs may run the table */
static void table_budget(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	u32 table = conf_case_count(&c) + 3;
	assert_true(table >= 250);   /* at least 250 case slots on Skylake-X (issue 12) */
	/* 4 CPUs fit with room to spare */
	assert_int_equal(conf_table_cpu_budget(3900, 4, 52, table, 16), 4);
	/* 15 Bochs CPUs: some run without it */
	u32 k = conf_table_cpu_budget(3600, 15, 52, table, 16);
	assert_true(k > 0 && k < 15);
	assert_true(15u * 52 + 16 + k * table <= 3600);
	assert_true(15u * 52 + 16 + (k + 1) * table > 3600);
	/* no room at all, or nothing to run */
	assert_int_equal(conf_table_cpu_budget(100, 4, 52, table, 16), 0);
	assert_int_equal(conf_table_cpu_budget(3900, 4, 52, 0, 16), 0);
}

static const struct conf_case *row(const char *name)
{
	for (size_t i = 0; i < conf_rows_n; i++)
		if (!strcmp(conf_rows[i].name, name))
			return &conf_rows[i];
	fail_msg("no row %s", name);
	return 0;
}

/* Each verdict caused for real: pass, a model disagreement, a listed and an
 * unlisted CPU deviation, a VMCS the CPU wrongly accepts */
static void verdicts(void **state)
{
	(void)state;
	const struct conf_case *k = row("entry_host_rip_noncanonical_error_8");
	struct entry_finding right = { .field = VMCS_HOST_RIP, .field_name = "host_rip", .sdm = "27.2.4" };
	struct entry_finding wrong = { .field = VMCS_HOST_CR0, .field_name = "host_cr0", .sdm = "27.2.2" };
	char b[256];
	u64 err8 = conf_outcome_code(EXP_FAIL_VALID, 8, 0);
	assert_int_equal(conf_case_verdict(k, err8, &right, 1, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	assert_string_equal(b, "");
	assert_int_equal(conf_case_verdict(k, err8, &wrong, 1, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "the model finds host_cr0 SDM 27.2.2, the row wants host_rip (SDM 27.2.4)"));
	assert_int_equal(conf_case_verdict(k, err8, 0, 0, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "the model finds nothing"));
	/* the CPU enters the guest: not listed anywhere, a FAIL with both outcomes */
	u64 entered = conf_outcome_code(EXP_ENTERED, 18, 0);
	assert_int_equal(conf_case_verdict(k, entered, &right, 1, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_string_equal(b, "SDM 27.2.4: expected VMfailValid 8, got entered the guest, exit 18 qualification 0x0 "
			       "(the model agrees with the row)");
	/* Bochs's guest-RIP deviation: XFAIL on Bochs only, and only with that outcome */
	k = row("entry_guest_rip_noncanonical_exit_33");
	struct entry_finding rip = { .field = VMCS_GUEST_RIP, .field_name = "guest_rip", .sdm = "27.3.1.4" };
	u64 gp = conf_outcome_code(EXP_ENTERED, 0, 0);
	assert_int_equal(conf_case_verdict(k, gp, &rip, 1, PLATFORM_BOCHS, b, sizeof(b)), KTAP_XFAIL);
	assert_non_null(strstr(b, "SDM 27.3.1.4: Bochs 2.7"));
	assert_non_null(strstr(b, "got entered the guest, exit 0"));
	assert_int_equal(conf_case_verdict(k, gp, &rip, 1, PLATFORM_QEMU, b, sizeof(b)), KTAP_FAIL);
	assert_int_equal(conf_case_verdict(k, entered, &rip, 1, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	/* an accepted VMCS: the model must find nothing */
	k = row("entry_guest_link_ptr_other_vmcs_accepted");
	assert_int_equal(conf_case_verdict(k, entered, 0, 0, PLATFORM_BOCHS, b, sizeof(b)), KTAP_PASS);
	struct entry_finding link = { .field = VMCS_LINK_POINTER, .field_name = "vmcs_link_pointer", .sdm = "27.3.1.5" };
	assert_int_equal(conf_case_verdict(k, entered, &link, 1, PLATFORM_BOCHS, b, sizeof(b)), KTAP_FAIL);
	assert_non_null(strstr(b, "the row wants no finding"));
}

/* INVEPT/INVVPID rows: all run on Bochs; without EPT or VPIDs they SKIP naming why */
static void inv_rows(void **state)
{
	(void)state;
	struct vmx_caps c = skylake_x();
	char why[160];
	for (size_t i = 0; i < conf_inv_rows_n; i++) {
		const struct conf_inv_case *k = &conf_inv_rows[i];
		assert_true(ktap_name_valid(k->name) && strlen(k->name) <= 63);
		assert_false(conf_inv_skip_reason(k, &c, why, sizeof(why)));
	}
	struct vmx_caps no_ept = c;
	no_ept.procbased2 &= ~((u64)CPU2_ENABLE_EPT << 32);
	assert_true(conf_inv_skip_reason(&conf_inv_rows[0], &no_ept, why, sizeof(why)));
	assert_non_null(strstr(why, "the CPU has no EPT"));
	struct vmx_caps no_single = c;
	no_single.ept_vpid_cap &= ~VMX_EPT_INVEPT_SINGLE;
	assert_true(conf_inv_skip_reason(&conf_inv_rows[0], &no_single, why, sizeof(why)));
	assert_string_equal(why, "IA32_VMX_EPT_VPID_CAP 0xf0104334141 lacks bits 0x2000000");
	assert_false(conf_inv_skip_reason(&conf_inv_rows[1], &no_single, why, sizeof(why)));
	/* the descriptor EPTPs: valid is WB with a 4-level walk; the bad ones break one rule each */
	assert_int_equal(conf_inv_eptp(&conf_inv_rows[0], &c, 0x142000), 0x14201e);
	assert_int_equal(conf_inv_eptp(&conf_inv_rows[7], &c, 0x142000), 0x1000014201eULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_vmcs_passes_the_model),
		cmocka_unit_test(every_case_names_its_rule_skylake_x),
		cmocka_unit_test(every_case_names_its_rule_icelake),
		cmocka_unit_test(no_secondary_controls_skips),
		cmocka_unit_test(eptp_bit7_case_needs_the_cap_clear),
		cmocka_unit_test(names_are_unique_ktap_names),
		cmocka_unit_test(outcome_strings),
		cmocka_unit_test(table_budget),
		cmocka_unit_test(verdicts),
		cmocka_unit_test(inv_rows),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
