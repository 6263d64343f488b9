/* How a mode=test run ends after the summary line: at once (emulators, and
 * machines with a serial port, where the log is kept elsewhere), or with the
 * verdict held on screen (hold=SECONDS). Pure: kernel/hold.c acts on it. */
#ifndef KERNEL_RUN_END_H
#define KERNEL_RUN_END_H

#include "kernel/types.h"
#include "kernel/platform.h"

#define HOLD_DEFAULT (~0ULL)   /* hold= not given: until a key */

enum run_end {
	RUN_END_NOW,             /* power off (or the emulator's exit) right away */
	RUN_END_HOLD_KEY,        /* wait for a key, then power off */
	RUN_END_HOLD_SECONDS,    /* wait hold seconds (a key ends it sooner), then power off */
	RUN_END_HOLD_FOREVER,    /* no keyboard: the verdict stays until the machine is reset */
};

enum run_end run_end_choose(enum platform_kind kind, bool have_serial, bool have_keyboard, u64 hold_s);

#endif
