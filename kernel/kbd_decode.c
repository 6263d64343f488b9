/* Scan code set 1 to characters and editor keys; see kbd_decode.h. */
#include "kernel/kbd_decode.h"
#include "kernel/format.h"
#include "kernel/lib.h"

/* US layout, unshifted and shifted, indexed by make code; 0 = no character */
static const char plain[0x59] = {
	[0x02] = '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=',
	[0x0e] = '\b', '\t',
	[0x10] = 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r',
	[0x1e] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
	[0x2b] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
	[0x37] = '*', [0x39] = ' ', [0x4a] = '-', [0x4e] = '+',
	[0x56] = '\\',       /* the 102nd key, where a US keyboard has one */
};
static const char shifted[0x59] = {
	[0x02] = '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+',
	[0x0e] = '\b', '\t',
	[0x10] = 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r',
	[0x1e] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
	[0x2b] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
	[0x37] = '*', [0x39] = ' ', [0x4a] = '-', [0x4e] = '+',
	[0x56] = '|',
};

/* keypad 0x47..0x53: the digit with NumLock on, the key without (and with E0) */
static const char kp_digit[13] = { '7', '8', '9', 0, '4', '5', '6', 0, '1', '2', '3', '0', '.' };
static const int kp_key[13] = {
	KBD_KEY_HOME, KBD_KEY_UP, KBD_KEY_PGUP, KBD_NONE, KBD_KEY_LEFT, KBD_NONE, KBD_KEY_RIGHT,
	KBD_NONE, KBD_KEY_END, KBD_KEY_DOWN, KBD_KEY_PGDN, KBD_KEY_INSERT, KBD_KEY_DELETE,
};

void kbd_state_init(struct kbd_state *s)
{
	memset(s, 0, sizeof *s);
	s->num_lock = true;
}

static u8 modifier(u8 make, bool e0)
{
	switch (make) {
	case 0x2a: return e0 ? 0 : KBD_MOD_LSHIFT;   /* E0 2A: a fake shift */
	case 0x36: return e0 ? 0 : KBD_MOD_RSHIFT;
	case 0x1d: return e0 ? KBD_MOD_RCTRL : KBD_MOD_LCTRL;
	case 0x38: return e0 ? KBD_MOD_RALT : KBD_MOD_LALT;
	}
	return 0;
}

static int extended(u8 make)
{
	switch (make) {
	case 0x1c: return '\r';        /* keypad Enter */
	case 0x35: return '/';         /* keypad / */
	}
	if (make >= 0x47 && make <= 0x53)
		return kp_key[make - 0x47];
	return KBD_NONE;                /* Windows, Menu, media keys ... */
}

static int character(const struct kbd_state *s, u8 make)
{
	bool shift = s->mods & (KBD_MOD_LSHIFT | KBD_MOD_RSHIFT);
	char c = shift ? shifted[make] : plain[make];
	char base = plain[make];
	if (base >= 'a' && base <= 'z' && s->caps_lock)
		c = shift ? base : (char)(base - 'a' + 'A');
	if (s->mods & (KBD_MOD_LCTRL | KBD_MOD_RCTRL))
		return base >= 'a' && base <= 'z' ? base & 0x1f : KBD_NONE;
	if (s->mods & (KBD_MOD_LALT | KBD_MOD_RALT))
		return KBD_NONE;
	return c ? c : KBD_NONE;
}

int kbd_decode(struct kbd_state *s, u8 code)
{
	if (s->skip) {
		s->skip--;
		return KBD_NONE;
	}
	if (code == 0xe0) {
		s->e0 = true;
		return KBD_NONE;
	}
	if (code == 0xe1) {
		s->e0 = false;
		s->skip = 2;
		return KBD_NONE;
	}
	bool e0 = s->e0;
	s->e0 = false;
	if (code == 0x00 || code == 0xff || code == 0xfa || code == 0xfe || code == 0xee)
		return KBD_NONE;             /* overrun, ACK, resend, echo */
	bool brk = code & 0x80;
	u8 make = code & 0x7f;

	u8 m = modifier(make, e0);
	if (m) {
		if (brk)
			s->mods &= (u8)~m;
		else
			s->mods |= m;
		return KBD_NONE;
	}
	if (!e0 && (make == 0x3a || make == 0x45)) {   /* CapsLock, NumLock */
		bool *down = make == 0x3a ? &s->caps_down : &s->num_down;
		bool *lock = make == 0x3a ? &s->caps_lock : &s->num_lock;
		if (brk)
			*down = false;
		else if (!*down) {
			*down = true;
			*lock = !*lock;
		}
		return KBD_NONE;
	}
	if (brk)
		return KBD_NONE;
	if (e0)
		return extended(make);
	if (make == 0x01)
		return KBD_KEY_ESC;
	if (make >= 0x3b && make <= 0x44)
		return KBD_KEY_F1 + (make - 0x3b);
	if (make == 0x57 || make == 0x58)
		return KBD_KEY_F1 + 10 + (make - 0x57);
	if (make >= 0x47 && make <= 0x53 && make != 0x4a && make != 0x4e) {
		bool shift = s->mods & (KBD_MOD_LSHIFT | KBD_MOD_RSHIFT);
		if (s->num_lock != shift && kp_digit[make - 0x47])
			return kp_digit[make - 0x47];
		return kp_key[make - 0x47];
	}
	if (make >= sizeof plain)
		return KBD_NONE;
	return character(s, make);
}

const char *kbd_key_name(int key, char *buf, size_t size)
{
	static const char *const names[] = {
		"up", "down", "left", "right", "home", "end", "pgup", "pgdn", "insert", "delete", "esc",
	};
	if (key == KBD_NONE)
		ksnprintf(buf, size, "none");
	else if (key >= KBD_KEY_UP && key < KBD_KEY_F1)
		ksnprintf(buf, size, "%s", names[key - KBD_KEY_UP]);
	else if (key >= KBD_KEY_F1 && key < KBD_KEY_F1 + 12)
		ksnprintf(buf, size, "f%d", key - KBD_KEY_F1 + 1);
	else if (key >= 0x20 && key < 0x7f)
		ksnprintf(buf, size, "'%c'", (char)key);
	else
		ksnprintf(buf, size, "0x%02x", (unsigned)key);
	return buf;
}
