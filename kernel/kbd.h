/* The PS/2 keyboard through the i8042 controller, polled (no IRQ). */
#ifndef KERNEL_KBD_H
#define KERNEL_KBD_H

#include "kernel/types.h"

/* Programs the controller: configuration byte (command 0x20) with
 * translation on (bit 6: scan code set 1 arrives), both IRQ enables off
 * (bits 0-1) and the keyboard clock on (bit 4 clear), written back with
 * command 0x60.  Prints one "kbd:" line saying what it found.  False when
 * there is no controller (the status port reads 0xff) or it does not
 * answer; every wait is bounded. */
bool kbd_init(void);
bool kbd_present(void);
/* The last "kbd: ..." line kbd_init printed (with its newline), "" before. */
const char *kbd_status(void);
/* The next decoded key (kbd_decode.h: a byte or KBD_KEY_*), or KBD_NONE when
 * nothing is waiting.  Mouse bytes are dropped. */
int kbd_poll(void);

#endif
