#include "kernel/run_end.h"

enum run_end run_end_choose(enum platform_kind kind, bool have_serial, bool have_keyboard, u64 hold_s)
{
	if (kind != PLATFORM_HARDWARE)
		return RUN_END_NOW;      /* QEMU and Bochs end as harnesses expect */
	if (have_serial || hold_s == 0)
		return RUN_END_NOW;      /* the log went out on COM1; hold=0 asks for no wait */
	if (hold_s != HOLD_DEFAULT)
		return RUN_END_HOLD_SECONDS;
	return have_keyboard ? RUN_END_HOLD_KEY : RUN_END_HOLD_FOREVER;
}
