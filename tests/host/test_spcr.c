/* Host tests of arch/x86_64/acpi_spcr.c: SPCR tables built here byte by
 * byte (Microsoft SPCR spec layout; checksums computed, never pasted), the
 * register width and stride rules of Linux drivers/acpi/spcr.c, baud codes,
 * bad lengths and, through the root-table walk, bad checksums. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/acpi_spcr.h"

static void put16(u8 *p, u16 v) { p[0] = (u8)v; p[1] = (u8)(v >> 8); }
static void put32(u8 *p, u32 v) { put16(p, (u16)v); put16(p + 2, (u16)(v >> 16)); }
static void put64(u8 *p, u64 v) { put32(p, (u32)v); put32(p + 4, (u32)(v >> 32)); }

static void checksum(u8 *t, u32 len)
{
	u8 s = 0;
	t[9] = 0;
	for (u32 i = 0; i < len; i++)
		s = (u8)(s + t[i]);
	t[9] = (u8)-s;
}

/* A table as QEMU's -acpitable or a BIOS would build it. */
static void spcr(u8 *t, u32 len, u8 rev, u8 iface, u8 space, u8 access, u64 addr, u8 baud_code)
{
	memset(t, 0, len);
	memcpy(t, "SPCR", 4);
	put32(t + 4, len);
	t[8] = rev;
	memcpy(t + 10, "VMXBT ", 6);
	t[36] = iface;
	t[40] = space;
	t[41] = 8;
	t[43] = access;
	put64(t + 44, addr);
	t[52] = 1;	/* dual 8259 */
	t[53] = 3;
	put32(t + 54, 3);
	t[58] = baud_code;
	t[60] = 1;
	put16(t + 64, 0xffff);
	put16(t + 66, 0xffff);
	checksum(t, len);
}

static void com2_io_115200(void **state)
{
	(void)state;
	u8 t[80];
	struct acpi_spcr_info s;
	spcr(t, 80, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	assert_int_equal(acpi_parse_spcr(t, sizeof(t), &s), ACPI_OK);
	assert_null(s.why_not);
	assert_int_equal(s.revision, 2);
	assert_false(s.mmio);
	assert_int_equal(s.address, 0x2f8);
	assert_int_equal(s.reg_width, 1);
	assert_int_equal(s.reg_shift, 0);
	assert_int_equal(s.baud, 115200);
	assert_int_equal(s.divisor, 1);
	assert_int_equal(s.irq, 3);
	assert_int_equal(s.pci_vendor_id, 0xffff);
}

/* I/O space is bytes whatever the access size says (Linux: iotype "io") */
static void io_ignores_access_size(void **state)
{
	(void)state;
	u8 t[80];
	struct acpi_spcr_info s;
	spcr(t, 80, 2, SPCR_16550_GAS, ACPI_GAS_IO, 3, 0x3f8, 7);
	assert_int_equal(acpi_parse_spcr(t, sizeof(t), &s), ACPI_OK);
	assert_null(s.why_not);
	assert_int_equal(s.reg_width, 1);
	assert_int_equal(s.reg_shift, 0);
	assert_false(s.width_defaulted);
}

/* MMIO: access size 1/2/3 -> mmio/mmio16/mmio32 (stride 1/2/4); 0 and 4 -> bytes, flagged */
static void mmio_widths(void **state)
{
	(void)state;
	static const struct { u8 access, width, shift; bool defaulted; } cases[] = {
		{ 0, 1, 0, true }, { 1, 1, 0, false }, { 2, 2, 1, false }, { 3, 4, 2, false }, { 4, 1, 0, true },
		{ 9, 1, 0, true },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 t[80];
		struct acpi_spcr_info s;
		spcr(t, 80, 2, SPCR_16550_GAS, ACPI_GAS_MEMORY, cases[i].access, 0xfe032000, 0);
		assert_int_equal(acpi_parse_spcr(t, sizeof(t), &s), ACPI_OK);
		assert_null(s.why_not);
		assert_true(s.mmio);
		assert_int_equal(s.address, 0xfe032000);
		assert_int_equal(s.reg_width, cases[i].width);
		assert_int_equal(s.reg_shift, cases[i].shift);
		assert_int_equal(s.width_defaulted, cases[i].defaulted);
		assert_int_equal(s.baud, 0);      /* as configured */
		assert_int_equal(s.divisor, 0);   /* keep the firmware's */
	}
}

static void baud_codes(void **state)
{
	(void)state;
	static const struct { u8 code; u32 baud; u16 divisor; bool ok; } cases[] = {
		{ 0, 0, 0, true }, { 1, 0, 0, false }, { 2, 0, 0, false }, { 3, 9600, 12, true },
		{ 4, 19200, 6, true }, { 5, 0, 0, false }, { 6, 57600, 2, true }, { 7, 115200, 1, true },
		{ 8, 0, 0, false }, { 0xff, 0, 0, false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		u8 t[80];
		struct acpi_spcr_info s;
		spcr(t, 80, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, cases[i].code);
		assert_int_equal(acpi_parse_spcr(t, sizeof(t), &s), ACPI_OK);
		if (!cases[i].ok) {
			assert_non_null(s.why_not);
			assert_non_null(strstr(s.why_not, "baud rate code"));
			continue;
		}
		assert_null(s.why_not);
		assert_int_equal(s.baud, cases[i].baud);
		assert_int_equal(s.divisor, cases[i].divisor);
	}
}

/* revision 3: a UART clock (here 8 x 1.8432 MHz) changes the divisor; revision 2 ignores the field */
static void uart_clock_and_precise_baud(void **state)
{
	(void)state;
	u8 t[88];
	struct acpi_spcr_info s;
	spcr(t, 80, 3, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	put32(t + 76, 14745600);
	checksum(t, 80);
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_int_equal(s.clock_hz, 14745600);
	assert_int_equal(s.divisor, 8);
	t[8] = 2;
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_int_equal(s.clock_hz, 0);
	assert_int_equal(s.divisor, 1);
	/* revision 4, 88 bytes: precise baud rate 1500000 on a 24 MHz clock -> divisor 1 */
	spcr(t, 88, 4, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	put32(t + 76, 24000000);
	put32(t + 80, 1500000);
	assert_int_equal(acpi_parse_spcr(t, 88, &s), ACPI_OK);
	assert_null(s.why_not);
	assert_int_equal(s.baud, 1500000);
	assert_int_equal(s.divisor, 1);
	/* a clock too slow for the rate: refused, with the reason */
	put32(t + 76, 1000);
	assert_int_equal(acpi_parse_spcr(t, 88, &s), ACPI_OK);
	assert_non_null(s.why_not);
}

static void not_a_16550_or_unusable(void **state)
{
	(void)state;
	u8 t[80];
	struct acpi_spcr_info s;
	spcr(t, 80, 2, 0x03, ACPI_GAS_MEMORY, 3, 0x9000000, 7);   /* ARM PL011 */
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_non_null(strstr(s.why_not, "interface type"));
	spcr(t, 80, 2, SPCR_16550_SUBSET, ACPI_GAS_IO, 1, 0x2f8, 7);
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_null(s.why_not);
	spcr(t, 80, 2, SPCR_16550, 2, 1, 0x2f8, 7);               /* PCI config space */
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_non_null(strstr(s.why_not, "neither system memory nor system I/O"));
	spcr(t, 80, 2, SPCR_16550, ACPI_GAS_IO, 1, 0, 7);
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_non_null(strstr(s.why_not, "is 0"));
	spcr(t, 80, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x1fff8, 7);
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_non_null(strstr(s.why_not, "0xffff"));
	spcr(t, 80, 2, SPCR_16550, ACPI_GAS_MEMORY, 3, ~0ULL - 8, 7);
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_OK);
	assert_non_null(strstr(s.why_not, "wraps"));
}

static void bad_lengths_and_signature(void **state)
{
	(void)state;
	u8 t[100];
	struct acpi_spcr_info s;
	spcr(t, 80, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	assert_int_equal(acpi_parse_spcr(t, 79, &s), ACPI_ERR_SHORT);      /* fewer bytes readable */
	spcr(t, 60, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	assert_int_equal(acpi_parse_spcr(t, 100, &s), ACPI_ERR_SHORT);     /* length field 60 */
	spcr(t, 100, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	assert_int_equal(acpi_parse_spcr(t, 80, &s), ACPI_ERR_PAST_MAP);   /* says 100, 80 mapped */
	assert_int_equal(acpi_parse_spcr(t, 100, &s), ACPI_OK);
	memcpy(t, "DBG2", 4);
	assert_int_equal(acpi_parse_spcr(t, 100, &s), ACPI_ERR_SIGNATURE);
}

/* ---- through the RSDT: fake physical memory, one flat buffer at 0x10000 ---- */
#define BASE 0x10000u
static u8 ram[4096];
static int notes, checksum_notes;

static const void *map(u64 phys, size_t len, void *ctx)
{
	(void)ctx;
	if (phys < BASE || phys - BASE > sizeof(ram) || len > sizeof(ram) - (phys - BASE))
		return NULL;
	return ram + (phys - BASE);
}

static void note(const struct acpi_problem *p, void *ctx)
{
	(void)ctx;
	notes++;
	checksum_notes += p->status == ACPI_ERR_CHECKSUM && !strcmp(p->sig, "SPCR");
}

/* RSDT at BASE listing a FACP-less table set: one SPCR at BASE+0x100 */
static enum acpi_status find_in_rsdt(bool break_checksum, struct acpi_spcr_info *s)
{
	memset(ram, 0, sizeof(ram));
	u8 *rsdt = ram, *t = ram + 0x100;
	memcpy(rsdt, "RSDT", 4);
	put32(rsdt + 4, 40);
	rsdt[8] = 1;
	put32(rsdt + 36, BASE + 0x100);
	checksum(rsdt, 40);
	spcr(t, 80, 2, SPCR_16550, ACPI_GAS_IO, 1, 0x2f8, 7);
	if (break_checksum)
		t[9]++;
	struct acpi_mem mem = { map, note, 0 };
	struct acpi_rsdp_info rsdp = { .revision = 0, .rsdt = BASE };
	struct acpi_root root;
	assert_int_equal(acpi_root_open(&mem, &rsdp, &root), ACPI_OK);
	struct acpi_table tab;
	notes = checksum_notes = 0;
	enum acpi_status st = acpi_spcr_find(&mem, &root, &tab, s);
	if (st == ACPI_OK)
		assert_int_equal(tab.phys, BASE + 0x100);
	return st;
}

static void found_through_rsdt(void **state)
{
	(void)state;
	struct acpi_spcr_info s;
	assert_int_equal(find_in_rsdt(false, &s), ACPI_OK);
	assert_int_equal(s.address, 0x2f8);
	assert_int_equal(notes, 0);
}

static void bad_checksum_is_not_trusted(void **state)
{
	(void)state;
	struct acpi_spcr_info s;
	assert_int_equal(find_in_rsdt(true, &s), ACPI_ERR_NOT_FOUND);
	assert_int_equal(checksum_notes, 1);
	assert_int_equal(s.address, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(com2_io_115200),
		cmocka_unit_test(io_ignores_access_size),
		cmocka_unit_test(mmio_widths),
		cmocka_unit_test(baud_codes),
		cmocka_unit_test(uart_clock_and_precise_baud),
		cmocka_unit_test(not_a_16550_or_unusable),
		cmocka_unit_test(bad_lengths_and_signature),
		cmocka_unit_test(found_through_rsdt),
		cmocka_unit_test(bad_checksum_is_not_trusted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
