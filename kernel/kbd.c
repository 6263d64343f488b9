/*
 * i8042 keyboard controller: ports 0x60 (data) and 0x64 (status on read,
 * command on write).  Polled like the serial port.  Where a USB keyboard
 * works, it is because the firmware emulates an i8042 (USB legacy support).
 */
#include "kernel/kbd.h"
#include "kernel/kbd_decode.h"
#include <stdarg.h>
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

#define I8042_DATA   0x60
#define I8042_STATUS 0x64
#define I8042_CMD    0x64
#define ST_OBF 0x01     /* output buffer full: a byte for us at 0x60 */
#define ST_IBF 0x02     /* input buffer full: the controller has not taken our last byte */
#define ST_AUX 0x20     /* the byte in the output buffer is from the mouse port */
#define CMD_READ_CONFIG  0x20
#define CMD_WRITE_CONFIG 0x60
#define CFG_IRQ1       0x01
#define CFG_IRQ12      0x02
#define CFG_KBD_CLK_OFF 0x10
#define CFG_TRANSLATE  0x40
#define KBD_ENABLE_SCAN 0xf4
#define KBD_ACK 0xfa
#define WAIT_US 20000   /* a controller answers within microseconds; this is generous */
#define FLUSH_MAX 64    /* bytes left over from the firmware and GRUB */

static bool present;
static struct kbd_state state;

static bool wait_status(u8 bit, bool set)
{
	u64 end = now_us() + WAIT_US;
	for (;;) {
		if (((inb(I8042_STATUS) & bit) != 0) == set)
			return true;
		if (now_us() >= end)
			return false;
		cpu_relax();
	}
}

static bool send_cmd(u8 cmd)
{
	if (!wait_status(ST_IBF, false))
		return false;
	outb(I8042_CMD, cmd);
	return true;
}

/* The keyboard itself (not the controller): enable scanning, in case the
 * firmware left it off.  Its ACK is 0xfa; a missing keyboard sends nothing. */
static const char *enable_scanning(void)
{
	if (!wait_status(ST_IBF, false))
		return "the controller did not take the keyboard command 0xf4";
	outb(I8042_DATA, KBD_ENABLE_SCAN);
	u64 end = now_us() + WAIT_US;
	while (now_us() < end) {
		u8 st = inb(I8042_STATUS);
		if (!(st & ST_OBF)) {
			cpu_relax();
			continue;
		}
		u8 b = inb(I8042_DATA);
		if (!(st & ST_AUX) && b == KBD_ACK)
			return 0;
	}
	return "no keyboard acknowledged 0xf4 (enable scanning) within 20 ms; keys may still come if one is plugged in";
}

static bool read_config(u8 *cfg)
{
	if (!send_cmd(CMD_READ_CONFIG) || !wait_status(ST_OBF, true))
		return false;
	*cfg = inb(I8042_DATA);
	return true;
}

static char said[200];   /* the last status line, for the console to repeat at its prompt */

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(said, sizeof(said), fmt, ap);
	va_end(ap);
	kprintf("%s", said);
}

const char *kbd_status(void)
{
	return said;
}

bool kbd_init(void)
{
	kbd_state_init(&state);
	present = false;
	u8 st = inb(I8042_STATUS);
	if (st == 0xff) {
		say("kbd: no i8042 keyboard controller (status port 0x64 reads 0xff)\n");
		return false;
	}
	int flushed = 0;
	while ((inb(I8042_STATUS) & ST_OBF) && flushed < FLUSH_MAX) {
		(void)inb(I8042_DATA);
		flushed++;
	}
	u8 cfg, now;
	if (!read_config(&cfg)) {
		say("kbd: the i8042 did not answer command 0x20 within %u us (status 0x%02x): no keyboard\n",
			WAIT_US, inb(I8042_STATUS));
		return false;
	}
	u8 want = (u8)((cfg | CFG_TRANSLATE) & ~(CFG_IRQ1 | CFG_IRQ12 | CFG_KBD_CLK_OFF));
	if (!send_cmd(CMD_WRITE_CONFIG) || !wait_status(ST_IBF, false)) {
		say("kbd: the i8042 did not take command 0x60 within %u us: no keyboard\n", WAIT_US);
		return false;
	}
	outb(I8042_DATA, want);
	if (!read_config(&now)) {
		say("kbd: the i8042 did not answer command 0x20 after the write: no keyboard\n");
		return false;
	}
	if ((now & (CFG_TRANSLATE | CFG_IRQ1 | CFG_IRQ12 | CFG_KBD_CLK_OFF)) != CFG_TRANSLATE) {
		say("kbd: i8042 configuration byte 0x%02x after writing 0x%02x (was 0x%02x): "
			"translation or IRQ bits did not stick: no keyboard\n", now, want, cfg);
		return false;
	}
	const char *scan = enable_scanning();
	say("kbd: i8042 keyboard, configuration byte 0x%02x -> 0x%02x (scan code set 1 by translation, "
		"IRQs off, polled); %d stale byte(s) flushed%s%s\n", cfg, now, flushed, scan ? "; " : "",
		scan ? scan : "");
	return present = true;
}

bool kbd_present(void)
{
	return present;
}

int kbd_poll(void)
{
	if (!present)
		return KBD_NONE;
	for (int i = 0; i < 16; i++) {      /* a key is at most a few bytes: don't stay here long */
		u8 st = inb(I8042_STATUS);
		if (!(st & ST_OBF))
			return KBD_NONE;
		u8 b = inb(I8042_DATA);
		if (st & ST_AUX)
			continue;               /* a mouse byte */
		int key = kbd_decode(&state, b);
		if (key != KBD_NONE)
			return key;
	}
	return KBD_NONE;
}
