/*
 * Keep a test run's verdict on screen (kernel/run_end.h decides when): on a
 * machine with no serial port the screen is the only evidence. Any key is
 * enough: the i8042 output buffer (status port 0x64 bit 0, keyboard data
 * when bit 5 is clear) is polled; no scan codes are decoded here.
 */
#include "kernel/hold.h"
#include "kernel/run_end.h"
#include "kernel/kprintf.h"
#include "kernel/options.h"
#include "kernel/serial.h"
#include "kernel/panic.h"
#include "kernel/platform.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

#define I8042_DATA 0x60
#define I8042_STATUS 0x64
#define I8042_OUT_FULL (1U << 0)
#define I8042_AUX_DATA (1U << 5)

static bool i8042_present(void)
{
	return inb(I8042_STATUS) != 0xff;   /* no controller: the port floats */
}

static bool key_pressed(void)
{
	u8 st = inb(I8042_STATUS);
	if (!(st & I8042_OUT_FULL))
		return false;
	u8 b = inb(I8042_DATA);
	(void)b;
	return !(st & I8042_AUX_DATA);      /* a mouse byte is not a key */
}

void hold_verdict(bool pass)
{
	bool kbd = i8042_present();
	enum run_end e = run_end_choose(platform.kind, serial_present(), kbd, opt.hold_s);
	const char *v = pass ? "PASS" : "FAIL";
	switch (e) {
	case RUN_END_NOW:
		return;
	case RUN_END_HOLD_FOREVER:
		kprintf("the run is over (%s): no serial port and no PS/2 keyboard controller; the verdict "
			"stays on screen until you reset the machine (hold=SECONDS powers off after a while)\n", v);
		halt_forever();
	case RUN_END_HOLD_KEY:
		kprintf("the run is over (%s): press a key to power off\n", v);
		break;
	case RUN_END_HOLD_SECONDS:
		kprintf("the run is over (%s): powering off in %lu s, or press a key\n", v, opt.hold_s);
		break;
	}
	for (int i = 0; i < 64 && (inb(I8042_STATUS) & I8042_OUT_FULL); i++)
		inb(I8042_DATA);   /* drop bytes from before the verdict (typed at the GRUB menu) */
	u64 deadline = e == RUN_END_HOLD_SECONDS ? rdtsc() + opt.hold_s * tsc_khz * 1000 : ~0ULL;
	while (rdtsc() < deadline && !(kbd && key_pressed()))
		cpu_relax();
	kprintf("powering off\n");
}
