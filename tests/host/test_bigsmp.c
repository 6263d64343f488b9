/* The whole report for machines of 1, 2, 255, 256, 257, 1024 and 4096 CPUs,
 * built the way the kernel builds it: suites boot, smp (a group per CPU),
 * vmx (a group per CPU, VT-x on the CPUs of a vmx.cpus= list parsed before
 * the CPU count is known and resolved after), conformance; the KTAP tree
 * grows from the page allocator (the real pmm over a host arena). Each
 * document, full and brief, goes through a KTAP checker written from the
 * KTAP version 1 rules (versions, plans, numbering per level, two-space
 * indentation), and its leaves must match the summary counts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/ktap.h"
#include "kernel/ktap_brief.h"
#include "kernel/cpuset.h"
#include "kernel/pmm.h"
#include "arch/x86_64/acpi_tables.h"

#define NPAGES (32768)                  /* 128 MiB arena */
#define ARENA_ALIGN (64 * PAGE_SIZE)

static const u32 counts[] = { 1, 2, 255, 256, 257, 1024, 4096 };
static struct pmm p;
static u64 bitmap[NPAGES / 64];
static u8 *arena;

static u64 alloc_pages(u64 n)
{
	return pmm_alloc(&p, n, 1);
}

static int setup(void **state)
{
	(void)state;
	arena = aligned_alloc(ARENA_ALIGN, (size_t)NPAGES * PAGE_SIZE);
	return arena ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(arena);
	return 0;
}

static void fresh_tree(void)
{
	memset(bitmap, 0, sizeof bitmap);
	pmm_init(&p, (u64)(uintptr_t)arena, NPAGES, bitmap);
	pmm_add_range(&p, (u64)(uintptr_t)arena, (u64)(uintptr_t)arena + (u64)NPAGES * PAGE_SIZE);
	ktap_set_page_alloc(alloc_pages);
}

/* ---- the report, as the kernel's suites build it ---- */

struct machine {
	u32 ncpus;
	const char *vmx_cpus;   /* vmx.cpus= value, NULL: not given */
	long fail_cpu;          /* this CPU's ran_job fails; -1: none */
};

static u64 sel[4096 / 64];

static void build(const struct machine *m)
{
	/* vmx.cpus= is parsed with the command line, before the MADT is read */
	struct cpu_list list = { 0 };
	const struct cmdline_option opts[] = { { "vmx.cpus", CMDLINE_CPURANGES, &list, 0, 0, NULL, NULL } };
	static struct cmdline_result res;
	char line[64] = "";
	if (m->vmx_cpus)
		snprintf(line, sizeof line, "vmx.cpus=%s", m->vmx_cpus);
	assert_int_equal(cmdline_parse(line, opts, 1, &res), 0);
	char err[80];
	assert_int_equal(cpu_list_resolve(&list, m->ncpus, sel, err, sizeof err), CMDLINE_OK);

	struct ktap_node *b = ktap_group(NULL, "boot");
	ktap_check(b, "multiboot2_info_valid", true, NULL);
	ktap_check(b, "cmdline_valid", true, NULL);
	ktap_add(b, "serial_com1_present", KTAP_SKIP, "no UART at 0x3f8");

	struct ktap_node *s = ktap_group(NULL, "smp");
	ktap_check(s, "all_started_cpus_online", true, NULL);
	ktap_check(s, "no_ipi_errors", true, NULL);
	for (u32 i = 0; i < m->ncpus; i++) {
		char name[16];
		snprintf(name, sizeof name, "cpu%u", i);
		struct ktap_node *g = ktap_group(s, name);
		ktap_check(g, "online", true, NULL);
		ktap_check(g, "ran_job", (long)i != m->fail_cpu, "no answer within %u ms", 5000);
		ktap_check(g, "job_returned_own_apic_id", true, NULL);
		ktap_check(g, "own_gs_base_gdt_tss", true, NULL);
	}

	struct ktap_node *v = ktap_group(NULL, "vmx");
	for (u32 i = 0; i < m->ncpus; i++) {
		char name[16];
		snprintf(name, sizeof name, "cpu%u", i);
		struct ktap_node *g = ktap_group(v, name);
		if (!cpuset_has(sel, m->ncpus, i)) {
			ktap_add(g, "vtx_usable", KTAP_SKIP, "not selected by vmx.cpus");
			continue;
		}
		ktap_check(g, "vtx_usable", true, NULL);
		ktap_check(g, "all_rounds_completed", true, NULL);
		ktap_add(g, "vmresume_after_vmxoff_vmxon_error_6", KTAP_XFAIL, "SDM 31.3 VMRESUME: CPU returned ok");
	}
	ktap_check(v, "no_pages_leaked", true, NULL);
	ktap_add(NULL, "conformance", KTAP_SKIP, "vmx=off");
}

/* ---- a KTAP version 1 checker over the printed lines ---- */

#define MAX_DEPTH 8
struct checker {
	int depth;                        /* -1 before the document */
	u32 plan[MAX_DEPTH], seen[MAX_DEPTH];
	bool child_closed[MAX_DEPTH];     /* a block one level deeper just ended */
	struct ktap_counts c;
	u32 lines, diag;
	char smp_results[64][KTAP_NAME_MAX];         /* the smp suite's result names, first 64 */
	u32 smp_n;
	bool in_smp;
	char members[4][160];             /* the first diagnostic lines of brief kinds */
	u32 nmembers;
};
static struct checker ck;

static void close_to(int depth)
{
	while (ck.depth > depth) {
		assert_int_equal(ck.seen[ck.depth], ck.plan[ck.depth]);   /* plan 1..N has N results */
		ck.depth--;
		ck.child_closed[ck.depth] = true;
	}
}

static void check_line(const char *text, void *ctx)
{
	(void)ctx;
	int ind = 0;
	ck.lines++;
	while (text[ind] == ' ')
		ind++;
	assert_int_equal(ind % 2, 0);
	const char *t = text + ind;
	int d = ind / 2;
	u32 num, n;
	if (!strcmp(t, "KTAP version 1")) {
		assert_int_equal(d, ck.depth + 1);   /* a block opens one level in */
		assert_true(d < MAX_DEPTH);
		ck.depth = d;
		ck.plan[d] = ~0u;
		ck.seen[d] = 0;
		ck.child_closed[d] = false;
		return;
	}
	if (sscanf(t, "1..%u", &n) == 1) {
		assert_int_equal(d, ck.depth);
		assert_int_equal(ck.plan[d], ~0u);   /* one plan, right after the version */
		assert_int_equal(ck.seen[d], 0);
		ck.plan[d] = n;
		return;
	}
	if (t[0] == '#') {
		ck.diag++;
		if (!strncmp(t, "# cpus_like_", 12) && ck.nmembers < 4)
			snprintf(ck.members[ck.nmembers++], sizeof ck.members[0], "%s", t);
		return;
	}
	bool ok = !strncmp(t, "ok ", 3);
	assert_true(ok || !strncmp(t, "not ok ", 7));
	close_to(d);
	assert_int_equal(d, ck.depth);
	char name[KTAP_NAME_MAX];
	assert_int_equal(sscanf(t + (ok ? 3 : 7), "%u %63[a-z0-9_]", &num, name), 2);
	assert_int_equal(num, ++ck.seen[d]);   /* numbered from 1 at each level */
	assert_true(ktap_name_valid(name));
	if (d == 1 && ck.in_smp && ck.smp_n < 64)
		snprintf(ck.smp_results[ck.smp_n++], sizeof ck.smp_results[0], "%s", name);
	if (d == 0)
		ck.in_smp = false;
	if (!ck.child_closed[d]) {           /* no block of its own: a leaf */
		ck.c.tests++;
		if (!ok)
			ck.c.failed++;
		else if (strstr(t, " # SKIP"))
			ck.c.skipped++;
		else if (strstr(t, " # XFAIL"))
			ck.c.xfail++;
		else
			ck.c.passed++;
	}
	ck.child_closed[d] = false;
	if (d == 0 && !strcmp(name, "boot"))
		ck.in_smp = true;   /* the next top-level block is smp's */
}

static void check_document(bool brief)
{
	memset(&ck, 0, sizeof ck);
	ck.depth = -1;
	if (brief)
		ktap_brief_print(check_line, NULL);
	else
		ktap_print(check_line, NULL);
	close_to(0);
	assert_int_equal(ck.depth, 0);
	assert_int_equal(ck.seen[0], ck.plan[0]);
	struct ktap_counts want = brief ? ktap_brief_count() : ktap_count();
	assert_int_equal(ck.c.tests, want.tests);
	assert_int_equal(ck.c.passed, want.passed);
	assert_int_equal(ck.c.failed, want.failed);
	assert_int_equal(ck.c.skipped, want.skipped);
	assert_int_equal(ck.c.xfail, want.xfail);
}

/* ---- the tests ---- */

static void full_form_has_every_cpu_for_every_machine_size(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		u32 n = counts[k];
		struct machine m = { n, NULL, n > 2 ? (long)n / 2 : -1 };
		fresh_tree();
		build(&m);
		assert_false(ktap_overflowed());
		check_document(false);
		/* boot 3, smp 2 + 4 per CPU, vmx 3 per CPU + 1, conformance 1 */
		assert_int_equal(ck.c.tests, 3 + 2 + 4 * n + 3 * n + 1 + 1);
		assert_int_equal(ck.c.failed, m.fail_cpu >= 0);
		assert_int_equal(ck.c.xfail, n);
		u32 listed = ck.smp_n < 64 ? ck.smp_n : 64;
		assert_string_equal(ck.smp_results[2], "cpu0");
		assert_int_equal(listed, n + 2 < 64 ? n + 2 : 64);
	}
}

static void brief_form_folds_identical_cpus_for_every_machine_size(void **state)
{
	(void)state;
	for (size_t k = 0; k < sizeof counts / sizeof counts[0]; k++) {
		u32 n = counts[k];
		long f = n > 2 ? (long)n / 2 : -1;
		char list[32], want[160];
		snprintf(list, sizeof list, "0,%u", n - 1);
		struct machine m = { n, list, f };
		fresh_tree();
		build(&m);
		check_document(true);
		/* smp: the two suite checks, the kind of cpu0, the failing CPU in full */
		assert_int_equal(ck.smp_n, 2 + 1 + (f >= 0));
		assert_string_equal(ck.smp_results[2], "cpus_like_cpu0");
		if (f >= 0) {
			char failing[16];
			snprintf(failing, sizeof failing, "cpu%ld", f);
			assert_string_equal(ck.smp_results[3], failing);
			snprintf(want, sizeof want, "# cpus_like_cpu0: %u CPUs: 0-%ld,%ld-%u", n - 1, f - 1, f + 1, n - 1);
			if (f - 1 == 0)
				snprintf(want, sizeof want, "# cpus_like_cpu0: %u CPUs: 0,%ld-%u", n - 1, f + 1, n - 1);
			if (f + 1 == (long)n - 1)
				snprintf(want, sizeof want, "# cpus_like_cpu0: %u CPUs: 0-%ld,%u", n - 1, f - 1, n - 1);
		} else if (n == 1) {
			snprintf(want, sizeof want, "# cpus_like_cpu0: 1 CPU: 0");
		} else {
			snprintf(want, sizeof want, "# cpus_like_cpu0: %u CPUs: 0-%u", n, n - 1);
		}
		assert_string_equal(ck.members[0], want);
		/* vmx: CPUs 0 and n-1 run VT-x (one kind), the others are skipped alike (another) */
		if (n == 1)
			snprintf(want, sizeof want, "# cpus_like_cpu0: 1 CPU: 0");
		else
			snprintf(want, sizeof want, "# cpus_like_cpu0: 2 CPUs: 0,%u", n - 1);
		if (n == 2)
			snprintf(want, sizeof want, "# cpus_like_cpu0: 2 CPUs: 0-1");
		assert_string_equal(ck.members[1], want);
		if (n > 2) {
			snprintf(want, sizeof want, "# cpus_like_cpu1: %u CPUs: 1-%u", n - 2, n - 2);
			if (n == 3)
				snprintf(want, sizeof want, "# cpus_like_cpu1: 1 CPU: 1");
			assert_string_equal(ck.members[2], want);
		}
		/* printed leaves: boot 3, smp 2 + 4 (+ 4 failing), vmx 3 (+ 1 skipped kind) + 1, conformance 1 */
		assert_int_equal(ck.c.tests, 3 + 2 + 4 + (f >= 0) * 4 + 3 + (n > 2) + 1 + 1);
		assert_int_equal(ck.c.failed, f >= 0);
	}
}

static void brief_lists_scattered_cpus_on_more_lines(void **state)
{
	(void)state;
	/* every other CPU of 4096 runs VT-x: 2048 ranges of one CPU each */
	char list[16];
	snprintf(list, sizeof list, "0-4095");
	struct machine m = { 4096, list, -1 };
	fresh_tree();
	build(&m);
	/* make CPUs alternate between two kinds: odd CPUs get an extra skip */
	struct ktap_node *s = ktap_find(NULL, "smp");
	u32 odd = 0;
	for (struct ktap_node *g = s->first; g; g = g->next) {
		u32 idx;
		if (ktap_cpu_group_name(g->name, &idx) && idx % 2) {
			ktap_add(g, "x2apic", KTAP_SKIP, "no x2APIC");
			odd++;
		}
	}
	assert_int_equal(odd, 2048);
	check_document(true);
	assert_true(ck.diag > 20);   /* 2048 single CPUs do not fit one line */
	assert_int_equal(strncmp(ck.members[0], "# cpus_like_cpu0: 2048 CPUs: 0,2,4,6,", 37), 0);
	assert_int_equal(strncmp(ck.members[1], "# cpus_like_cpu0: and ", 22), 0);
	assert_true(strlen(ck.members[0]) < 160);
}

static void a_kind_past_the_limit_is_printed_in_full(void **state)
{
	(void)state;
	struct machine m = { 64, NULL, -1 };
	fresh_tree();
	build(&m);
	/* 20 CPUs with a skip reason each of their own: 16 kinds fold, the rest print in full */
	struct ktap_node *s = ktap_find(NULL, "smp");
	u32 i = 0;
	for (struct ktap_node *g = s->first; g; g = g->next) {
		u32 idx;
		if (ktap_cpu_group_name(g->name, &idx) && idx >= 44)
			ktap_add(g, "extra", KTAP_SKIP, "reason %u", i++);
	}
	check_document(true);
	/* 2 suite checks, cpus 0-43 one kind, cpus 44-58 fifteen kinds, cpus 59-63 in full */
	assert_int_equal(ck.smp_n, 2 + 1 + 15 + 5);
	assert_string_equal(ck.smp_results[17], "cpus_like_cpu58");
	assert_string_equal(ck.smp_results[18], "cpu59");
}

/* 4096 CPUs as firmware lists them past APIC ID 254: MADT type 9 (x2APIC)
 * entries with sparse IDs (two sockets, the second from 0x10000); all are
 * found, and a vmx.cpus= list resolves against the count */
static void madt_of_4096_x2apic_cpus(void **state)
{
	(void)state;
	const u32 n = 4096;
	size_t len = 44 + 16 * (size_t)n;
	u8 *t = calloc(1, len);
	assert_non_null(t);
	memcpy(t, "APIC", 4);
	t[4] = (u8)len; t[5] = (u8)(len >> 8); t[6] = (u8)(len >> 16);
	t[8] = 4;
	t[36 + 2] = 0xe0; t[36 + 3] = 0xfe;   /* local APIC 0xfee00000 */
	for (u32 i = 0; i < n; i++) {
		u8 *e = t + 44 + 16 * i;
		u32 id = i < n / 2 ? i * 2 : 0x10000 + (i - n / 2) * 2;
		e[0] = 9; e[1] = 16;
		memcpy(e + 4, &id, 4);
		e[8] = 1;                        /* enabled */
		memcpy(e + 12, &i, 4);
	}
	u8 sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (u8)(sum + t[i]);
	t[9] = (u8)-sum;
	static struct madt_cpu cpus[4096];
	struct madt_info mi;
	assert_int_equal(acpi_parse_madt(t, len, &mi, cpus, n), ACPI_OK);
	assert_int_equal(mi.cpus_total, n);
	assert_int_equal(mi.cpus_stored, n);
	assert_int_equal(mi.duplicates, 0);
	assert_true(mi.needs_x2apic);
	assert_int_equal(mi.max_apic_id, 0x10000 + (n / 2 - 1) * 2);
	assert_int_equal(cpus[n - 1].apic_id, mi.max_apic_id);
	assert_int_equal(cpus[n - 1].acpi_uid, n - 1);

	struct cpu_list list = { 0 };
	const struct cmdline_option opts[] = { { "vmx.cpus", CMDLINE_CPURANGES, &list, 0, 0, NULL, NULL } };
	static struct cmdline_result res;
	char err[80];
	assert_int_equal(cmdline_parse("vmx.cpus=2048-4095", opts, 1, &res), 0);
	assert_int_equal(cpu_list_resolve(&list, mi.cpus_stored, sel, err, sizeof err), CMDLINE_OK);
	assert_int_equal(cpuset_count(sel, n), 2048);
	assert_false(cpuset_has(sel, n, 2047));
	free(t);
}

static void the_form_is_chosen_by_option_and_cpu_count(void **state)
{
	(void)state;
	assert_false(ktap_brief_chosen(KTAP_FORM_AUTO, 1));
	assert_false(ktap_brief_chosen(KTAP_FORM_AUTO, KTAP_BRIEF_ABOVE));
	assert_true(ktap_brief_chosen(KTAP_FORM_AUTO, KTAP_BRIEF_ABOVE + 1));
	assert_false(ktap_brief_chosen(KTAP_FORM_AUTO, -1));   /* not known yet (a panic): full */
	assert_false(ktap_brief_chosen(KTAP_FORM_FULL, 4096));
	assert_true(ktap_brief_chosen(KTAP_FORM_BRIEF, 1));
}

static void cpu_group_names(void **state)
{
	(void)state;
	u32 i = 99;
	assert_true(ktap_cpu_group_name("cpu0", &i));
	assert_int_equal(i, 0);
	assert_true(ktap_cpu_group_name("cpu4095", &i));
	assert_int_equal(i, 4095);
	assert_false(ktap_cpu_group_name("cpu", &i));
	assert_false(ktap_cpu_group_name("cpu01", &i));
	assert_false(ktap_cpu_group_name("cpu1a", &i));
	assert_false(ktap_cpu_group_name("cpus_like_cpu0", &i));
	assert_false(ktap_cpu_group_name("cpu99999999999", &i));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(full_form_has_every_cpu_for_every_machine_size),
		cmocka_unit_test(brief_form_folds_identical_cpus_for_every_machine_size),
		cmocka_unit_test(brief_lists_scattered_cpus_on_more_lines),
		cmocka_unit_test(a_kind_past_the_limit_is_printed_in_full),
		cmocka_unit_test(madt_of_4096_x2apic_cpus),
		cmocka_unit_test(the_form_is_chosen_by_option_and_cpu_count),
		cmocka_unit_test(cpu_group_names),
	};
	return cmocka_run_group_tests_name("bigsmp", tests, setup, teardown);
}
