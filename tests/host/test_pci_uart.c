/* Host tests of arch/x86_64/pci_uart.c: the class match and the BAR choice,
 * fed config-space values of real devices: QEMU's pci-serial (1b36:0002,
 * revision 1 and prog-if 02 in hw/char/serial-pci.c; SeaBIOS put its I/O
 * BAR0 at 0xc050 under QEMU 7.2, `info pci`) and the layout of an Intel AMT
 * serial-over-LAN "KT" function (class 07/00/02, BAR0 I/O, BAR1 32-bit
 * memory). The command values are the decode bits each case needs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/pci_uart.h"

static void class_match(void **state)
{
	(void)state;
	assert_true(pci_is_16550(0x07000201));    /* QEMU pci-serial, revision 1 */
	assert_true(pci_is_16550(0x07000200));
	assert_true(pci_is_16550(0x070002ff));    /* the revision byte does not matter */
	assert_false(pci_is_16550(0x07000001));   /* prog-if 00: generic XT (8250) */
	assert_false(pci_is_16550(0x07000101));   /* prog-if 01: 16450 */
	assert_false(pci_is_16550(0x07000301));   /* 16650 */
	assert_false(pci_is_16550(0x07000601));   /* 16950 */
	assert_false(pci_is_16550(0x07010201));   /* subclass 01: parallel port */
	assert_false(pci_is_16550(0x07800201));   /* subclass 80: other communication */
	assert_false(pci_is_16550(0x06000201));   /* a bridge */
	assert_false(pci_is_16550(0xffffffff));   /* nothing there */
}

static void qemu_pci_serial_io_bar(void **state)
{
	(void)state;
	const u32 bar[6] = { 0xc051, 0, 0, 0, 0, 0 };
	struct pci_uart_regs r = pci_uart_regs(0x00, 0x0103, bar);
	assert_null(r.why_not);
	assert_false(r.mmio);
	assert_int_equal(r.address, 0xc050);
	assert_int_equal(r.bar, 0);
	/* the same with I/O decode off: named, not used */
	r = pci_uart_regs(0x00, 0x0102, bar);
	assert_non_null(r.why_not);
	assert_non_null(strstr(r.why_not, "I/O space decode is off"));
	assert_int_equal(r.bar, 0);
}

static void amt_sol_io_then_memory(void **state)
{
	(void)state;
	const u32 bar[6] = { 0xf0e1, 0xf7d1b000, 0, 0, 0, 0 };
	struct pci_uart_regs r = pci_uart_regs(0x80, 0x0007, bar);   /* multi-function header type 0 */
	assert_null(r.why_not);
	assert_false(r.mmio);
	assert_int_equal(r.address, 0xf0e0);
	/* I/O decode off, memory on: the memory BAR */
	r = pci_uart_regs(0x80, 0x0006, bar);
	assert_null(r.why_not);
	assert_true(r.mmio);
	assert_int_equal(r.address, 0xf7d1b000);
	assert_int_equal(r.bar, 1);
	/* both off: the first BAR's problem */
	r = pci_uart_regs(0x80, 0x0000, bar);
	assert_non_null(strstr(r.why_not, "I/O space decode is off"));
	assert_int_equal(r.bar, 0);
}

static void memory_bar_64bit(void **state)
{
	(void)state;
	const u32 bar[6] = { 0xfe00000c, 0x00000002, 0, 0, 0, 0 };   /* 64-bit prefetchable */
	struct pci_uart_regs r = pci_uart_regs(0x00, 0x0002, bar);
	assert_null(r.why_not);
	assert_true(r.mmio);
	assert_int_equal(r.address, 0x2fe000000ULL);
	assert_int_equal(r.bar, 0);
	/* the upper half is not taken for a BAR of its own: 0x2 in BAR1 is no I/O BAR */
	const u32 bar2[6] = { 0x00000004, 0x00000001, 0xd001, 0, 0, 0 };   /* 64-bit at 4 GiB, then I/O */
	r = pci_uart_regs(0x00, 0x0003, bar2);
	assert_true(r.mmio);
	assert_int_equal(r.address, 0x100000000ULL);
	const u32 bar5[6] = { 0, 0, 0, 0, 0, 0xfebf0004 };   /* 64-bit claim in the last BAR */
	r = pci_uart_regs(0x00, 0x0002, bar5);
	assert_non_null(strstr(r.why_not, "no upper half"));
	assert_int_equal(r.bar, 5);
}

static void unassigned_and_bridges(void **state)
{
	(void)state;
	const u32 none[6] = { 0, 0, 0, 0, 0, 0 };
	struct pci_uart_regs r = pci_uart_regs(0x00, 0x0003, none);
	assert_non_null(strstr(r.why_not, "no BAR holds an address"));
	const u32 zero_io[6] = { 0x1, 0, 0, 0, 0, 0 };   /* I/O BAR never assigned */
	r = pci_uart_regs(0x00, 0x0003, zero_io);
	assert_non_null(strstr(r.why_not, "no BAR holds an address"));
	const u32 skip[6] = { 0x1, 0xd0c1, 0, 0, 0, 0 };   /* the first assigned one wins */
	r = pci_uart_regs(0x00, 0x0001, skip);
	assert_null(r.why_not);
	assert_int_equal(r.address, 0xd0c0);
	assert_int_equal(r.bar, 1);
	const u32 high_io[6] = { 0xfffd, 0, 0, 0, 0, 0 };
	r = pci_uart_regs(0x00, 0x0001, high_io);
	assert_non_null(strstr(r.why_not, "past port 0xffff"));
	const u32 bar[6] = { 0xc051, 0, 0, 0, 0, 0 };
	r = pci_uart_regs(0x01, 0x0103, bar);            /* PCI-to-PCI bridge header */
	assert_non_null(strstr(r.why_not, "not a type 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(class_match),
		cmocka_unit_test(qemu_pci_serial_io_bar),
		cmocka_unit_test(amt_sol_io_then_memory),
		cmocka_unit_test(memory_bar_64bit),
		cmocka_unit_test(unassigned_and_bridges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
