/* The set of UARTs in use, as bookkeeping only: one entry per address,
 * named by what it is ("COM2 0x2f8") and tagged by who described it
 * ("SPCR", "PCI 00:03.0"), the timeout rule that drops a port, and the text
 * of the console: line. Pure (no port I/O), so the host tests drive it;
 * kernel/serial.c does the register work. */
#ifndef KERNEL_SERIAL_PORTS_H
#define KERNEL_SERIAL_PORTS_H

#include "kernel/types.h"

#define SERIAL_MAX_PORTS 8
#define SERIAL_BYTE_WAIT_US 10000   /* a byte at 1200 baud takes 8.3 ms */
#define SERIAL_MAX_TIMEOUTS 8       /* in a row: the port is dropped */

struct uart_port {
	bool mmio;
	u64 base;             /* I/O port or physical address */
	u8 width, shift;      /* register access bytes; register i at base + (i << shift) */
	bool active;          /* gets output */
	bool dropped, noted;
	u8 timeouts;          /* in a row */
	u8 last_lsr;          /* when the last wait gave up */
	u64 bytes;            /* written to it */
	u8 fifo;              /* transmit FIFO depth: 16 on a 16550A with FIFOs on, else 1 */
	u8 room;              /* bytes that may still go to THR before LSR.THRE is read again */
	u64 stuck_tsc;        /* TSC at the first timeout of the current run of them */
	u64 lost_us;          /* time spent in that run until the port was dropped */
	char name[24];        /* "COM2 0x2f8", "I/O 0xc050", "MMIO 0xfe032000" */
	char tags[40];        /* "SPCR, PCI 00:03.0" */
};

struct uart_set {
	struct uart_port port[SERIAL_MAX_PORTS];
	u32 count;            /* entries in use, dropped ones included */
};

/* The entry at that address, or NULL. */
struct uart_port *uart_set_find(struct uart_set *s, bool mmio, u64 base);
/* The next free entry, named and tagged with source (may be NULL), not yet
 * counted (uart_set_commit) or NULL when the set is full. A width other
 * than 1, 2, 4 (and any I/O port) gets bytes, stride 1. */
struct uart_port *uart_set_prepare(struct uart_set *s, bool mmio, u64 base, u8 width, u8 shift,
				   const char *source);
/* Counts the prepared entry: active unless it was dropped meanwhile. */
void uart_set_commit(struct uart_set *s, struct uart_port *u);
/* Adds ", source" to the entry's tags (once per source). */
void uart_port_tag(struct uart_port *u, const char *source);
/* One byte's wait for the transmitter: drained resets the count; the
 * SERIAL_MAX_TIMEOUTS-th timeout in a row drops the port (true returned:
 * write nothing more to it). */
bool uart_port_wait_result(struct uart_port *u, bool drained);
/* The transmit FIFO as IIR shows it after FCR enabled the FIFOs: bits 7:6
 * both set is a 16550A's working 16-byte FIFO (Linux's autoconfig reads it
 * the same way); 10 is the original 16550's broken one and 00 a 16450: one
 * byte at a time. Resets the room, so the next byte reads LSR first. */
void uart_port_set_fifo(struct uart_port *u, u8 iir);
/* Before a byte: must LSR.THRE be waited for (no room left)? */
bool uart_port_must_wait(const struct uart_port *u);
/* After that wait: THRE seen (drained) means the FIFO is empty, so a
 * whole FIFO of bytes may follow; a timed-out wait gives room for this byte
 * only. */
void uart_port_refill(struct uart_port *u, bool drained);
/* A byte went to THR. */
void uart_port_sent(struct uart_port *u);
/* "COM1 0x3f8, COM2 0x2f8 (SPCR)"; dropped entries are marked. Returns
 * the length the whole text would have (as snprintf does). */
int uart_set_describe(const struct uart_set *s, char *buf, size_t n);
/* Once per dropped port: the line to print about it; false when none. */
bool uart_set_take_note(struct uart_set *s, char *buf, size_t n);

#endif
