/*
 * 16550 UART on COM1, 115200 8N1 with FIFOs. A machine without COM1 reads
 * 0xff from every register: the scratch-register and loopback tests find
 * that, and output then goes to the VGA mirror only (never a hang).
 */
#include "kernel/serial.h"
#include "arch/x86_64/cpu.h"

enum { THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, FCR = 2, LCR = 3, MCR = 4, LSR = 5, SCR = 7 };
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY  0x20
#define LSR_TX_IDLE    0x40
#define THR_WAIT_SPINS 200000   /* ~87 us per byte at 115200; this is far longer */

static u16 base;
static bool present;

bool serial_init(u16 port)
{
	base = port;
	outb(base + SCR, 0x5a);
	if (inb(base + SCR) != 0x5a)
		return present = false;
	outb(base + IER, 0x00);
	outb(base + LCR, 0x80);          /* DLAB: divisor follows */
	outb(base + DLL, 1);             /* 115200 / 1 */
	outb(base + DLM, 0);
	outb(base + LCR, 0x03);          /* 8 bits, no parity, 1 stop */
	outb(base + FCR, 0xc7);          /* FIFO on, clear both, 14-byte trigger */
	outb(base + MCR, 0x1e);          /* loopback test: OUT1 OUT2 RTS, LOOP */
	outb(base + THR, 0xae);
	u8 echo = 0;
	for (int i = 0; i < 100000 && !(inb(base + LSR) & LSR_DATA_READY); i++)
		cpu_relax();
	echo = inb(base + RBR);
	outb(base + MCR, 0x0b);          /* normal: DTR RTS OUT2 */
	return present = (echo == 0xae);
}

bool serial_present(void)
{
	return present;
}

void serial_putc(char c)
{
	if (!present)
		return;
	for (int i = 0; i < THR_WAIT_SPINS && !(inb(base + LSR) & LSR_THR_EMPTY); i++)
		cpu_relax();
	outb(base + THR, (u8)c);
}

int serial_getc(void)
{
	if (!present || !(inb(base + LSR) & LSR_DATA_READY))
		return -1;
	return inb(base + RBR);
}

void serial_drain(void)
{
	for (int i = 0; present && i < 10 * THR_WAIT_SPINS && !(inb(base + LSR) & LSR_TX_IDLE); i++)
		cpu_relax();
}
