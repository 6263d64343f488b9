/* kernel/platform_choice.c: fw_cfg is probed only where it is safe, and the
 * answer picks QEMU, Bochs or hardware. OEM IDs are the ones our boot logs
 * show: "BOCHS " (QEMU and Bochs firmware), QEMU's x-oem-id=DELL ("DELL"
 * padded with NULs) and x-oem-id=LENOVO. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/platform_choice.h"

struct probe { int calls; bool answer; };

static bool fake_probe(void *ctx)
{
	struct probe *p = ctx;
	p->calls++;
	return p->answer;
}

static struct platform_choice choose(const char *oem, bool hv, bool fw_cfg_answers, int *calls)
{
	struct probe p = { 0, fw_cfg_answers };
	struct platform_choice c = platform_choose(oem, hv, fake_probe, &p);
	assert_int_equal(c.probed, p.calls == 1);
	assert_true(p.calls <= 1);
	*calls = p.calls;
	return c;
}

static void bochs_oem_with_fw_cfg_is_qemu(void **state)
{
	(void)state;
	int calls;
	struct platform_choice c = choose("BOCHS ", true, true, &calls);
	assert_int_equal(c.kind, PLATFORM_QEMU);
	assert_int_equal(calls, 1);
	assert_false(c.no_acpi);
}

static void bochs_oem_without_fw_cfg_is_bochs(void **state)
{
	(void)state;
	int calls;
	/* Bochs: no hypervisor bit, fw_cfg reads back 0xff */
	struct platform_choice c = choose("BOCHS ", false, false, &calls);
	assert_int_equal(c.kind, PLATFORM_BOCHS);
	assert_int_equal(calls, 1);
}

static void no_rsdp_with_hypervisor_and_fw_cfg_is_qemu(void **state)
{
	(void)state;
	int calls;
	/* QEMU -M pc,acpi=off: no tables at all, TCG sets the hypervisor bit */
	struct platform_choice c = choose(NULL, true, true, &calls);
	assert_int_equal(c.kind, PLATFORM_QEMU);
	assert_int_equal(calls, 1);
	assert_true(c.no_acpi);
}

static void no_rsdp_with_unknown_hypervisor_is_hardware(void **state)
{
	(void)state;
	int calls;
	struct platform_choice c = choose(NULL, true, false, &calls);
	assert_int_equal(c.kind, PLATFORM_HARDWARE);
	assert_int_equal(calls, 1);
	assert_true(c.no_acpi);
}

static void no_rsdp_without_hypervisor_never_probes(void **state)
{
	(void)state;
	int calls;
	/* real hardware without ACPI: ports 0x510/0x511 may be anything */
	struct platform_choice c = choose(NULL, false, true, &calls);
	assert_int_equal(c.kind, PLATFORM_HARDWARE);
	assert_int_equal(calls, 0);
}

static void other_oem_ids_are_hardware_and_never_probe(void **state)
{
	(void)state;
	static const char *const oems[] = { "DELL\0\0", "LENOVO", "ALASKA", "BOCHS", "bochs ", "BOCHSX" };
	for (size_t i = 0; i < sizeof oems / sizeof oems[0]; i++) {
		int calls;
		/* even with a hypervisor bit and an fw_cfg that would answer */
		struct platform_choice c = choose(oems[i], true, true, &calls);
		assert_int_equal(c.kind, PLATFORM_HARDWARE);
		assert_int_equal(calls, 0);
		assert_false(c.no_acpi);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bochs_oem_with_fw_cfg_is_qemu),
		cmocka_unit_test(bochs_oem_without_fw_cfg_is_bochs),
		cmocka_unit_test(no_rsdp_with_hypervisor_and_fw_cfg_is_qemu),
		cmocka_unit_test(no_rsdp_with_unknown_hypervisor_is_hardware),
		cmocka_unit_test(no_rsdp_without_hypervisor_never_probes),
		cmocka_unit_test(other_oem_ids_are_hardware_and_never_probe),
	};
	return cmocka_run_group_tests_name("platform_choice", tests, NULL, NULL);
}
