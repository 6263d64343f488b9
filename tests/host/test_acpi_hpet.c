/* Host tests of arch/x86_64/acpi_hpet.c (the HPET table and capabilities
 * register) and of the FADT's PM timer block (acpi_fadt_pm_timer). Tables
 * are built here with their checksums computed; register values are the
 * ones real parts and emulators report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/acpi_tables.h"

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

static void header(u8 *t, const char *sig, u8 rev, u32 len)
{
	memcpy(t, sig, 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "BOCHS ", 6);
	memcpy(t + 16, "BXPC    ", 8);
	u8 s = 0;
	for (u32 i = 0; i < len; i++)
		s = (u8)(s + t[i]);
	t[9] = (u8)(0x100 - s);
}

/* The HPET table as QEMU 7.2 builds it (hw/acpi/aml-build.c build_hpet). */
static void make_hpet(u8 *t, u32 block_id, u8 space, u64 addr)
{
	memset(t, 0, ACPI_HPET_LEN);
	put32(t + 36, block_id);
	t[40] = space;
	t[41] = 64;
	put64(t + 44, addr);
	t[52] = 0;
	put16(t + 53, 0x80);	/* QEMU: HPET_MIN_TICK... min tick */
	header(t, "HPET", 1, ACPI_HPET_LEN);
}

static void hpet_table_qemu(void **state)
{
	(void)state;
	u8 t[ACPI_HPET_LEN];
	struct acpi_hpet_info h;
	make_hpet(t, 0x8086a201, ACPI_GAS_MEMORY, 0xfed00000);
	assert_int_equal(acpi_parse_hpet(t, sizeof(t), &h), ACPI_OK);
	assert_int_equal(h.base.address, 0xfed00000);
	assert_int_equal(h.base.space_id, ACPI_GAS_MEMORY);
	assert_int_equal(h.hw_rev, 1);
	assert_int_equal(h.comparators, 3);
	assert_true(h.counter_64bit);
	assert_true(h.legacy_replacement);
	assert_int_equal(h.pci_vendor, 0x8086);
	assert_int_equal(h.min_tick, 0x80);
	/* bit 13 clear: a table claiming a 32-bit main counter */
	make_hpet(t, 0x10228210, ACPI_GAS_MEMORY, 0xfed00000);
	assert_int_equal(acpi_parse_hpet(t, sizeof(t), &h), ACPI_OK);
	assert_false(h.counter_64bit);
	assert_int_equal(h.pci_vendor, 0x1022);
	/* above 4 GiB is decoded as is: the kernel decides whether it can map it */
	make_hpet(t, 0x8086a201, ACPI_GAS_MEMORY, 0x4fed00000ULL);
	assert_int_equal(acpi_parse_hpet(t, sizeof(t), &h), ACPI_OK);
	assert_int_equal(h.base.address, 0x4fed00000ULL);
}

static void hpet_table_problems(void **state)
{
	(void)state;
	u8 t[ACPI_HPET_LEN + 8];
	struct acpi_hpet_info h;
	make_hpet(t, 0x8086a201, ACPI_GAS_MEMORY, 0xfed00000);
	assert_int_equal(acpi_parse_hpet(t, ACPI_HPET_LEN - 1, &h), ACPI_ERR_SHORT);
	put32(t + 4, ACPI_HPET_LEN + 8);
	assert_int_equal(acpi_parse_hpet(t, ACPI_HPET_LEN, &h), ACPI_ERR_PAST_MAP);
	put32(t + 4, ACPI_HPET_LEN - 4);
	assert_int_equal(acpi_parse_hpet(t, ACPI_HPET_LEN, &h), ACPI_ERR_SHORT);
	assert_int_equal(h.base.address, 0);	/* zeroed on header errors */
	make_hpet(t, 0x8086a201, ACPI_GAS_MEMORY, 0xfed00000);
	memcpy(t, "HPEU", 4);
	assert_int_equal(acpi_parse_hpet(t, ACPI_HPET_LEN, &h), ACPI_ERR_SIGNATURE);
	make_hpet(t, 0x8086a201, ACPI_GAS_IO, 0x500);
	assert_int_equal(acpi_parse_hpet(t, ACPI_HPET_LEN, &h), ACPI_ERR_UNSUPPORTED);
	assert_int_equal(h.base.address, 0x500);
	make_hpet(t, 0x8086a201, ACPI_GAS_MEMORY, 0);
	assert_int_equal(acpi_parse_hpet(t, ACPI_HPET_LEN, &h), ACPI_ERR_MALFORMED);
}

static void hpet_caps_real_values(void **state)
{
	(void)state;
	struct hpet_caps c;
	/* QEMU: 10 ns period (100 MHz), 64-bit, 3 timers, vendor 8086 */
	assert_int_equal(hpet_decode_caps(0x009896808086a201ULL, &c), ACPI_OK);
	assert_int_equal(c.period_fs, 10000000);
	assert_int_equal(c.hz, 100000000);
	assert_true(c.counter_64bit);
	assert_int_equal(c.timers, 3);
	assert_int_equal(c.vendor, 0x8086);
	/* Intel PCH: 69841279 fs = 14.318 MHz, 8 timers */
	assert_int_equal(hpet_decode_caps(0x0429b17f8086a701ULL, &c), ACPI_OK);
	assert_int_equal(c.hz, 14318179);
	assert_int_equal(c.timers, 8);
	/* an AMD-style block (vendor 1022) with a 32-bit main counter: COUNT_SIZE_CAP clear */
	assert_int_equal(hpet_decode_caps(0x0429b17f10228210ULL, &c), ACPI_OK);
	assert_false(c.counter_64bit);
	assert_int_equal(c.rev_id, 0x10);
}

static void hpet_caps_problems(void **state)
{
	(void)state;
	struct hpet_caps c;
	assert_int_equal(hpet_decode_caps(~0ULL, &c), ACPI_ERR_NOT_FOUND);	/* nothing decodes there */
	assert_int_equal(hpet_decode_caps(0, &c), ACPI_ERR_NOT_FOUND);
	assert_int_equal(hpet_decode_caps(0x000000008086a201ULL, &c), ACPI_ERR_MALFORMED);	/* period 0 */
	assert_int_equal(hpet_decode_caps(((u64)HPET_PERIOD_MAX_FS + 1) << 32 | 0x8086a201ULL, &c),
			 ACPI_ERR_MALFORMED);
	assert_int_equal(hpet_decode_caps((u64)HPET_PERIOD_MAX_FS << 32 | 0x8086a201ULL, &c), ACPI_OK);
	assert_int_equal(c.hz, 10000000);
	assert_int_equal(hpet_decode_caps(0x009896808086a200ULL, &c), ACPI_ERR_MALFORMED);	/* rev 0 */
}

/* A FADT: PM_TMR_BLK at tmr, flags, and optionally an X_PM_TMR_BLK. */
static void make_fadt(u8 *t, u8 rev, u32 len, u32 tmr, u32 flags, u8 x_space, u64 x_addr)
{
	memset(t, 0, len);
	put32(t + 64, 0x604);
	put32(t + 76, tmr);
	t[91] = 4;
	put32(t + 112, flags);
	if (len >= 220) {
		t[208] = x_space;
		t[209] = 32;
		put64(t + 212, x_addr);
	}
	header(t, "FACP", rev, len);
}

static void fadt_pm_timer_block(void **state)
{
	(void)state;
	u8 t[276];
	struct acpi_fadt_info fi;
	/* QEMU PIIX4: port 0x608, 24-bit, in the 1.0 field */
	make_fadt(t, 1, 116, 0x608, 0, 0, 0);
	assert_int_equal(acpi_parse_fadt(t, 116, &fi), ACPI_OK);
	assert_int_equal(fi.pm_timer.space_id, ACPI_GAS_IO);
	assert_int_equal(fi.pm_timer.address, 0x608);
	assert_false(fi.pm_timer.is_32bit);
	assert_int_equal(fi.pm_timer.len, 4);
	/* TMR_VAL_EXT: 32 bits; the X_ I/O field is preferred */
	make_fadt(t, 5, 276, 0x408, FADT_F_TMR_VAL_EXT, ACPI_GAS_IO, 0x1808);
	assert_int_equal(acpi_parse_fadt(t, 276, &fi), ACPI_OK);
	assert_true(fi.pm_timer.is_32bit);
	assert_int_equal(fi.pm_timer.address, 0x1808);
	/* X_PM_TMR_BLK in system memory */
	make_fadt(t, 5, 276, 0, FADT_F_TMR_VAL_EXT, ACPI_GAS_MEMORY, 0xfe000008);
	assert_int_equal(acpi_parse_fadt(t, 276, &fi), ACPI_OK);
	assert_int_equal(fi.pm_timer.space_id, ACPI_GAS_MEMORY);
	assert_int_equal(fi.pm_timer.address, 0xfe000008);
	/* an X_ I/O address that is no port, or a revision 1 table: the 32-bit field */
	make_fadt(t, 5, 276, 0x408, 0, ACPI_GAS_IO, 0x10008);
	assert_int_equal(acpi_parse_fadt(t, 276, &fi), ACPI_OK);
	assert_int_equal(fi.pm_timer.space_id, ACPI_GAS_IO);
	assert_int_equal(fi.pm_timer.address, 0x408);
	make_fadt(t, 1, 276, 0x408, 0, ACPI_GAS_MEMORY, 0xfe000008);
	assert_int_equal(acpi_parse_fadt(t, 276, &fi), ACPI_OK);
	assert_int_equal(fi.pm_timer.address, 0x408);
	/* the X_ field past the table's length is not read */
	make_fadt(t, 5, 276, 0x408, 0, ACPI_GAS_MEMORY, 0xfe000008);
	put32(t + 4, 216);
	t[9] = 0;
	u8 s = 0;
	for (int i = 0; i < 216; i++)
		s = (u8)(s + t[i]);
	t[9] = (u8)(0x100 - s);
	assert_int_equal(acpi_parse_fadt(t, 216, &fi), ACPI_OK);
	assert_int_equal(fi.pm_timer.address, 0x408);
	/* hardware-reduced: no timer at all */
	make_fadt(t, 5, 276, 0, FADT_F_HW_REDUCED_ACPI, 0, 0);
	assert_int_equal(acpi_parse_fadt(t, 276, &fi), ACPI_OK);
	assert_int_equal(fi.pm_timer.address, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hpet_table_qemu),
		cmocka_unit_test(hpet_table_problems),
		cmocka_unit_test(hpet_caps_real_values),
		cmocka_unit_test(hpet_caps_problems),
		cmocka_unit_test(fadt_pm_timer_block),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
