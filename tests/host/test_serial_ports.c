/* Host tests of kernel/serial_ports.c: how the UARTs in use are named and
 * deduplicated, the rule that drops a port after SERIAL_MAX_TIMEOUTS waits
 * in a row, and the text of the console: line and of the drop note. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/serial_ports.h"

static struct uart_port *add(struct uart_set *s, bool mmio, u64 base, u8 width, u8 shift, const char *src)
{
	struct uart_port *u = uart_set_prepare(s, mmio, base, width, shift, src);
	assert_non_null(u);
	uart_set_commit(s, u);
	assert_true(u->active);
	return u;
}

static void names_and_console_text(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	char buf[200];
	assert_int_equal(uart_set_describe(&s, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	add(&s, false, 0x3f8, 1, 0, NULL);
	add(&s, false, 0x2f8, 1, 0, NULL);
	add(&s, false, 0xc050, 1, 0, "PCI 00:04.0");
	struct uart_port *m = add(&s, true, 0xfe032000, 4, 2, "SPCR");
	assert_int_equal(m->width, 4);
	assert_int_equal(m->shift, 2);
	add(&s, false, 0x2e8, 1, 0, NULL);
	int n = uart_set_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "COM1 0x3f8, COM2 0x2f8, I/O 0xc050 (PCI 00:04.0), MMIO 0xfe032000 (SPCR), COM4 0x2e8");
	assert_int_equal(n, (int)strlen(buf));
}

/* one entry per address; each source that describes it is named once */
static void dedup_by_address_and_tags(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	char buf[200];
	struct uart_port *c2 = add(&s, false, 0x2f8, 1, 0, NULL);
	assert_ptr_equal(uart_set_find(&s, false, 0x2f8), c2);
	assert_null(uart_set_find(&s, true, 0x2f8));     /* MMIO at 0x2f8 is another place */
	assert_null(uart_set_find(&s, false, 0x3f8));
	uart_port_tag(c2, "SPCR");
	uart_port_tag(c2, "SPCR");
	uart_port_tag(c2, "PCI 00:03.0");
	uart_port_tag(c2, "PCI 00:03");                 /* a prefix of a tag is a tag of its own */
	uart_port_tag(c2, "");
	uart_port_tag(c2, NULL);
	uart_set_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "COM2 0x2f8 (SPCR, PCI 00:03.0, PCI 00:03)");
	assert_int_equal(s.count, 1);
}

/* I/O is bytes; MMIO keeps widths 1, 2, 4 only */
static void register_widths(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	struct uart_port *u = add(&s, false, 0x3f8, 4, 2, NULL);
	assert_int_equal(u->width, 1);
	assert_int_equal(u->shift, 0);
	u = add(&s, true, 0xfe000000, 3, 1, NULL);
	assert_int_equal(u->width, 1);
	assert_int_equal(u->shift, 0);
	u = add(&s, true, 0xfe001000, 2, 1, NULL);
	assert_int_equal(u->width, 2);
	assert_int_equal(u->shift, 1);
}

static void full_set(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	for (u64 i = 0; i < SERIAL_MAX_PORTS; i++)
		add(&s, false, 0x1000 + 8 * i, 1, 0, NULL);
	assert_null(uart_set_prepare(&s, false, 0x2000, 1, 0, NULL));
	assert_int_equal(s.count, SERIAL_MAX_PORTS);
}

/* a prepared entry is not counted until committed (a failed probe leaves nothing) */
static void prepare_without_commit(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	assert_non_null(uart_set_prepare(&s, false, 0x3e8, 1, 0, NULL));
	assert_int_equal(s.count, 0);
	assert_null(uart_set_find(&s, false, 0x3e8));
	struct uart_port *u = add(&s, false, 0x2f8, 1, 0, NULL);
	assert_string_equal(u->name, "COM2 0x2f8");
}

static void drop_after_timeouts_in_a_row(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	char buf[200];
	add(&s, false, 0x3f8, 1, 0, NULL);
	struct uart_port *u = add(&s, false, 0x2f8, 1, 0, NULL);
	for (int i = 0; i < SERIAL_MAX_TIMEOUTS - 1; i++)
		assert_false(uart_port_wait_result(u, false));
	assert_false(uart_port_wait_result(u, true));     /* one byte drained: the count starts again */
	assert_int_equal(u->timeouts, 0);
	for (int i = 0; i < SERIAL_MAX_TIMEOUTS - 1; i++)
		assert_false(uart_port_wait_result(u, false));
	assert_true(u->active);
	assert_false(uart_set_take_note(&s, buf, sizeof(buf)));
	assert_true(uart_port_wait_result(u, false));     /* the 8th in a row */
	assert_false(u->active);
	assert_true(u->dropped);
	u->bytes = 4046;
	u->last_lsr = 0;
	u->lost_us = 80123;
	assert_true(uart_set_take_note(&s, buf, sizeof(buf)));
	assert_string_equal(buf, "serial: COM2 0x2f8 stopped draining after 4046 bytes (8 waits of 10000 us in a row "
			    "gave up, LSR 0x0, 80123 us lost): no more output to it\n");
	assert_false(uart_set_take_note(&s, buf, sizeof(buf)));   /* once */
	uart_set_describe(&s, buf, sizeof(buf));
	assert_string_equal(buf, "COM1 0x3f8, COM2 0x2f8 (dropped: stopped draining)");
}

/* the transmit FIFO: IIR 0xc1 after FCR (QEMU's and Bochs's 16550A, FIFOs on, no
 * interrupt pending) lets 16 bytes follow one THRE; 0x01 (a 16450) and 0x81 (the
 * original 16550's unusable FIFO) one byte per THRE; a wait that timed out, one byte */
static void transmit_fifo_room(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	struct uart_port *u = add(&s, false, 0x3f8, 1, 0, NULL);
	assert_true(uart_port_must_wait(u));                 /* before any FIFO test: THRE first */
	uart_port_refill(u, true);
	assert_false(uart_port_must_wait(u));
	uart_port_sent(u);
	assert_true(uart_port_must_wait(u));                 /* no FIFO known: one byte per THRE */
	uart_port_set_fifo(u, 0xc1);
	assert_int_equal(u->fifo, 16);
	assert_true(uart_port_must_wait(u));
	uart_port_refill(u, true);
	for (int i = 0; i < 16; i++) {
		assert_false(uart_port_must_wait(u));
		uart_port_sent(u);
	}
	assert_true(uart_port_must_wait(u));                 /* the 17th waits for THRE again */
	assert_int_equal(u->bytes, 17);
	uart_port_refill(u, false);                          /* a timed-out wait: this byte only */
	uart_port_sent(u);
	assert_true(uart_port_must_wait(u));
	uart_port_set_fifo(u, 0x01);
	assert_int_equal(u->fifo, 1);
	uart_port_set_fifo(u, 0x81);
	assert_int_equal(u->fifo, 1);
	uart_port_refill(u, true);
	uart_port_sent(u);
	assert_true(uart_port_must_wait(u));
}

/* dropped while the log was replayed to it, before it joined: listed, never active */
static void dropped_before_commit(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	struct uart_port *u = uart_set_prepare(&s, false, 0xc050, 1, 0, "PCI 00:04.0");
	for (int i = 0; i < SERIAL_MAX_TIMEOUTS; i++)
		uart_port_wait_result(u, false);
	uart_set_commit(&s, u);
	assert_int_equal(s.count, 1);
	assert_false(u->active);
	assert_true(u->dropped);
}

static void describe_truncates_like_snprintf(void **state)
{
	(void)state;
	struct uart_set s = { 0 };
	char buf[12];
	add(&s, false, 0x3f8, 1, 0, NULL);
	add(&s, false, 0x2f8, 1, 0, "SPCR");
	int full = (int)strlen("COM1 0x3f8, COM2 0x2f8 (SPCR)");
	assert_int_equal(uart_set_describe(&s, buf, sizeof(buf)), full);
	assert_string_equal(buf, "COM1 0x3f8,");
	assert_int_equal(uart_set_describe(&s, NULL, 0), full);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_and_console_text),
		cmocka_unit_test(dedup_by_address_and_tags),
		cmocka_unit_test(register_widths),
		cmocka_unit_test(full_set),
		cmocka_unit_test(prepare_without_commit),
		cmocka_unit_test(drop_after_timeouts_in_a_row),
		cmocka_unit_test(transmit_fifo_room),
		cmocka_unit_test(dropped_before_commit),
		cmocka_unit_test(describe_truncates_like_snprintf),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
