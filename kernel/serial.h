#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "kernel/types.h"

#define COM1 0x3f8
#include "kernel/serial_ports.h"   /* SERIAL_MAX_PORTS, the wait bound and timeout rule */

/* A UART the firmware describes (SPCR, PCI): trusted without the loopback
 * test, its divisor kept unless one is given. */
struct serial_port_desc {
	bool mmio;
	u64 address;          /* I/O port, or physical address below 4 GiB (identity-mapped) */
	u8 reg_width;         /* bytes per access: 1, 2 or 4 (MMIO only) */
	u8 reg_shift;         /* register i at address + (i << reg_shift) */
	u16 divisor;          /* 0: keep the firmware's */
	const char *source;   /* "SPCR", "PCI 00:03.0", ... (copied) */
};

enum serial_attach {
	SERIAL_ATTACHED,      /* new output: the log so far was replayed to it */
	SERIAL_SAME_PORT,     /* already an output at that address: source added to its name */
	SERIAL_NO_ROOM,       /* SERIAL_MAX_PORTS in use */
	SERIAL_DEAD,          /* it stopped draining while the log was replayed: dropped */
};

/* COM1-COM4 at 0x3f8/0x2f8/0x3e8/0x2e8: scratch and loopback test, then
 * 115200 8N1 with FIFOs. Call before the first line is printed. */
void serial_init_legacy(void);
bool serial_init(u16 port);     /* one legacy port; false: no 16550 answers there */
enum serial_attach serial_attach(const struct serial_port_desc *d, size_t *replayed);
const char *serial_attach_str(enum serial_attach a);

bool serial_present(void);      /* some port is in use */
bool serial_has_io_port(u16 port);
const char *serial_first_name(void);   /* "COM1 0x3f8", or NULL with no port */
/* "COM1 0x3f8, COM2 0x2f8 (SPCR)": every port in use, and dropped ones
 * marked; returns the length the text would have. */
int serial_describe(char *buf, size_t n);
/* Once per dropped port: the line to print about it (false when none). */
bool serial_take_note(char *buf, size_t n);

void serial_putc(char c);       /* to every port in use, each wait bounded */
int serial_getc(void);          /* -1 when no port has a byte waiting */
void serial_drain(void);        /* wait (bounded) until every transmitter is empty */

#endif
