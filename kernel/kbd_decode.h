/* PS/2 keyboard decoder: scan code set 1 bytes in (what an i8042 with
 * translation on delivers), characters and editor keys out.  US layout.
 *
 * - make codes 0x01..0x58, break codes = make | 0x80 (a key released);
 * - 0xE0 prefixes one extended key: arrows, Home/End/PgUp/PgDn/Ins/Del (also
 *   the keypad's with NumLock off), keypad Enter and '/', right Ctrl/Alt.  The
 *   "fake shifts" E0 2A / E0 36 that some keyboards send around extended keys
 *   are ignored;
 * - 0xE1 (Pause: E1 1D 45 E1 9D C5) swallows itself and the next two bytes;
 * - controller replies (0x00 and 0xFF overrun, 0xFA ACK, 0xFE resend, 0xEE
 *   echo) and unknown codes give nothing;
 * - Shift (left, right), Ctrl (left, right), Alt are held while down;
 *   CapsLock and NumLock toggle on the first make (not on typematic repeats).
 *   CapsLock affects letters only (Shift inverts it).  NumLock starts on;
 * - Ctrl + a letter gives its control byte (Ctrl-C 0x03, Ctrl-U 0x15);
 *   Ctrl or Alt with anything else gives nothing;
 * - Enter (both) gives '\r', Backspace 0x08, Tab '\t'.
 *
 * Pure: the state is the caller's. */
#ifndef KERNEL_KBD_DECODE_H
#define KERNEL_KBD_DECODE_H

#include "kernel/types.h"

#define KBD_NONE (-1)
/* kbd_decode() returns KBD_NONE, a byte 0x00..0x7f, or one of these keys */
enum kbd_key {
	KBD_KEY_UP = 0x100,
	KBD_KEY_DOWN,
	KBD_KEY_LEFT,
	KBD_KEY_RIGHT,
	KBD_KEY_HOME,
	KBD_KEY_END,
	KBD_KEY_PGUP,
	KBD_KEY_PGDN,
	KBD_KEY_INSERT,
	KBD_KEY_DELETE,
	KBD_KEY_ESC,
	KBD_KEY_F1,          /* F1..F12 are KBD_KEY_F1 + 0..11 */
};

#define KBD_MOD_LSHIFT 0x01
#define KBD_MOD_RSHIFT 0x02
#define KBD_MOD_LCTRL  0x04
#define KBD_MOD_RCTRL  0x08
#define KBD_MOD_LALT   0x10
#define KBD_MOD_RALT   0x20

struct kbd_state {
	u8 mods;             /* KBD_MOD_* held now */
	bool e0;             /* the previous byte was 0xE0 */
	u8 skip;             /* bytes of an E1 sequence still to swallow */
	bool caps_lock, num_lock;
	bool caps_down, num_down;   /* for toggling once per press */
};

void kbd_state_init(struct kbd_state *s);
int kbd_decode(struct kbd_state *s, u8 code);
/* "up", "f5", "'a'", "0x03" ...: for messages and tests */
const char *kbd_key_name(int key, char *buf, size_t size);

#endif
