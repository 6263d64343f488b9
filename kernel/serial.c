/*
 * 16550 UARTs: every port the machine describes gets the whole log. The
 * legacy COM1-COM4 are found by a scratch-register and loopback test (a
 * missing port reads 0xff) and run at 115200 8N1 with FIFOs; ports the
 * firmware names (SPCR, PCI class 07/00/02) are trusted without the test,
 * since a virtual UART may fail it, and keep the firmware's divisor unless
 * told otherwise. A port found after the first lines were printed first
 * gets the log so far from kprintf's buffer. Each byte waits at most
 * SERIAL_BYTE_WAIT_US for the transmitter; SERIAL_MAX_TIMEOUTS timeouts in
 * a row drop the port, so a dead UART never stalls the kernel.
 */
#include "kernel/serial.h"
#include "kernel/serial_ports.h"
#include "kernel/format.h"
#include "kernel/kprintf.h"
#include "kernel/lib.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

enum { THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, IIR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define LSR_TX_IDLE    0x40
#define LCR_DLAB       0x80
#define LCR_8N1        0x03
#define MCR_LOOP       0x10
#define MCR_DTR_RTS_OUT2 0x0b
#define PROBE_SPINS    100000

static struct uart_set set;
static const u16 legacy[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };

static u8 reg_rd(const struct uart_port *u, int r)
{
	u64 a = u->base + ((u64)r << u->shift);
	if (!u->mmio)
		return inb((u16)a);
	if (u->width == 4)
		return (u8)*(volatile u32 *)(uintptr_t)a;
	if (u->width == 2)
		return (u8)*(volatile u16 *)(uintptr_t)a;
	return *(volatile u8 *)(uintptr_t)a;
}

static void reg_wr(const struct uart_port *u, int r, u8 v)
{
	u64 a = u->base + ((u64)r << u->shift);
	if (!u->mmio)
		outb((u16)a, v);
	else if (u->width == 4)
		*(volatile u32 *)(uintptr_t)a = v;
	else if (u->width == 2)
		*(volatile u16 *)(uintptr_t)a = v;
	else
		*(volatile u8 *)(uintptr_t)a = v;
}

/* Waits until LSR shows `bit`, at most `us` microseconds (TSC, which is a
 * 1 GHz guess before calibration). */
static bool wait_lsr(struct uart_port *u, u8 bit, u64 us)
{
	u64 start = rdtsc(), limit = us * tsc_khz / 1000;
	for (;;) {
		u8 lsr = reg_rd(u, LSR);
		if (lsr & bit)
			return true;
		if (rdtsc() - start > limit) {
			u->last_lsr = lsr;
			return false;
		}
		cpu_relax();
	}
}

/* THRE with the FIFOs on means the transmit FIFO is empty: then a FIFO's
 * worth of bytes goes out without reading LSR again, so the UART keeps
 * sending while the kernel formats the next line (under Bochs, which paces
 * COM1 in emulated time, a byte at a time left it idle between lines). */
static void put(struct uart_port *u, u8 c)
{
	if (uart_port_must_wait(u)) {
		bool drained = wait_lsr(u, LSR_THR_EMPTY, SERIAL_BYTE_WAIT_US);
		if (!drained && u->timeouts == 0)
			u->stuck_tsc = rdtsc() - us_to_tsc(SERIAL_BYTE_WAIT_US);
		if (uart_port_wait_result(u, drained)) {
			u->lost_us = tsc_to_us(rdtsc() - u->stuck_tsc);
			return;
		}
		uart_port_refill(u, drained);
	}
	reg_wr(u, THR, c);
	uart_port_sent(u);
}

bool serial_init(u16 port)
{
	if (uart_set_find(&set, false, port))
		return false;
	struct uart_port *u = uart_set_prepare(&set, false, port, 1, 0, 0);
	if (!u)
		return false;
	reg_wr(u, SCR, 0x5a);
	if (reg_rd(u, SCR) != 0x5a)
		return false;
	reg_wr(u, IER, 0x00);
	reg_wr(u, LCR, LCR_DLAB);        /* divisor follows */
	reg_wr(u, DLL, 1);               /* 115200 / 1 */
	reg_wr(u, DLM, 0);
	reg_wr(u, LCR, LCR_8N1);
	reg_wr(u, FCR, 0xc7);            /* FIFO on, clear both, 14-byte trigger */
	reg_wr(u, MCR, 0x1e);            /* loopback test: OUT1 OUT2 RTS, LOOP */
	reg_wr(u, THR, 0xae);
	for (int i = 0; i < PROBE_SPINS && !(reg_rd(u, LSR) & LSR_DATA_READY); i++)
		cpu_relax();
	u8 echo = reg_rd(u, RBR);
	reg_wr(u, MCR, MCR_DTR_RTS_OUT2);
	if (echo != 0xae)
		return false;
	uart_port_set_fifo(u, reg_rd(u, IIR));
	uart_set_commit(&set, u);
	return true;
}

void serial_init_legacy(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(legacy); i++)
		serial_init(legacy[i]);
}

/* Firmware's port: its divisor unless d gives one; 8N1 only when the word
 * length is not 8 bits (a UART nobody set up); no DLAB, no interrupts,
 * FIFOs on, DTR/RTS up, loopback off. Linux's earlycon with baud 0 does
 * not touch the port at all; we need DLAB off and the FIFO at least. */
static void setup(struct uart_port *u, u16 divisor)
{
	u8 lcr = reg_rd(u, LCR) & (u8)~LCR_DLAB;
	if ((lcr & 3) != 3)
		lcr = LCR_8N1;
	reg_wr(u, IER, 0x00);
	if (divisor) {
		reg_wr(u, LCR, lcr | LCR_DLAB);
		reg_wr(u, DLL, (u8)divisor);
		reg_wr(u, DLM, (u8)(divisor >> 8));
	}
	reg_wr(u, LCR, lcr);
	reg_wr(u, FCR, 0x07);            /* FIFO on, clear both */
	reg_wr(u, MCR, (u8)((reg_rd(u, MCR) & ~MCR_LOOP) | MCR_DTR_RTS_OUT2));
	uart_port_set_fifo(u, reg_rd(u, IIR));
}

struct replay { struct uart_port *u; size_t bytes; };

/* Runs under the print lock: no line can slip between the replay and the
 * port joining the outputs. */
static void replay_and_join(void *arg)
{
	struct replay *r = arg;
	size_t len;
	const char *b = klog_buffer(&len);
	for (size_t i = 0; i < len && !r->u->dropped; i++) {
		if (b[i] == '\n')
			put(r->u, '\r');
		put(r->u, (u8)b[i]);
		r->bytes++;
	}
	r->u->noted = r->u->dropped;   /* the caller prints the attach result */
	uart_set_commit(&set, r->u);   /* a dead port stays listed, marked dropped */
}

enum serial_attach serial_attach(const struct serial_port_desc *d, size_t *replayed)
{
	*replayed = 0;
	struct uart_port *u = uart_set_find(&set, d->mmio, d->address);
	if (u) {
		uart_port_tag(u, d->source);
		return SERIAL_SAME_PORT;
	}
	u = uart_set_prepare(&set, d->mmio, d->address, d->reg_width, d->reg_shift, d->source);
	if (!u)
		return SERIAL_NO_ROOM;
	setup(u, d->divisor);
	struct replay r = { u, 0 };
	kprintf_locked(replay_and_join, &r);
	*replayed = r.bytes;
	return u->dropped ? SERIAL_DEAD : SERIAL_ATTACHED;
}

const char *serial_attach_str(enum serial_attach a)
{
	switch (a) {
	case SERIAL_ATTACHED: return "attached";
	case SERIAL_SAME_PORT: return "already an output at that address (found earlier); named as this source too";
	case SERIAL_NO_ROOM: return "no room for another port";
	case SERIAL_DEAD: return "it stopped draining during the replay: dropped";
	}
	return "?";
}

bool serial_present(void)
{
	return serial_first_name() != 0;
}

bool serial_has_io_port(u16 port)
{
	struct uart_port *u = uart_set_find(&set, false, port);
	return u && u->active;
}

const char *serial_first_name(void)
{
	for (u32 i = 0; i < set.count; i++)
		if (set.port[i].active)
			return set.port[i].name;
	return 0;
}

int serial_describe(char *buf, size_t n)
{
	return uart_set_describe(&set, buf, n);
}

bool serial_take_note(char *buf, size_t n)
{
	return uart_set_take_note(&set, buf, n);
}

void serial_putc(char c)
{
	for (u32 i = 0; i < set.count; i++)
		if (set.port[i].active)
			put(&set.port[i], (u8)c);
}

int serial_getc(void)
{
	for (u32 i = 0; i < set.count; i++)
		if (set.port[i].active && (reg_rd(&set.port[i], LSR) & LSR_DATA_READY))
			return reg_rd(&set.port[i], RBR);
	return -1;
}

void serial_drain(void)
{
	for (u32 i = 0; i < set.count; i++)
		if (set.port[i].active)
			wait_lsr(&set.port[i], LSR_TX_IDLE, 20 * SERIAL_BYTE_WAIT_US);
}
