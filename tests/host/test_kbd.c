/* kernel/kbd_decode.c: scan code set 1 bytes, as an i8042 with translation on
 * delivers them (the sequences are the ones QEMU's `sendkey` produces), to
 * characters and editor keys; and those keys through le_key() into the
 * console's line editor. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/kbd_decode.h"
#include "kernel/console_line.h"

static struct kbd_state st;
static int keys[256];
static size_t nkeys;

static int setup(void **state)
{
	(void)state;
	kbd_state_init(&st);
	return 0;
}

/* Decode every byte; keep the keys that came out (KBD_NONE dropped). */
static void scan(const u8 *codes, size_t n)
{
	nkeys = 0;
	for (size_t i = 0; i < n; i++) {
		int k = kbd_decode(&st, codes[i]);
		if (k != KBD_NONE) {
			assert_true(nkeys < ARRAY_SIZE(keys));
			keys[nkeys++] = k;
		}
	}
}
#define SCAN(...) do { static const u8 c_[] = { __VA_ARGS__ }; scan(c_, sizeof c_); } while (0)

/* the keys decoded so far as a string (characters only) */
static const char *chars(void)
{
	static char s[257];
	for (size_t i = 0; i < nkeys; i++) {
		assert_true(keys[i] >= 0 && keys[i] < 0x80);
		s[i] = (char)keys[i];
	}
	s[nkeys] = '\0';
	return s;
}

/* press and release one make code */
#define TAP(m) (m), (u8)((m) | 0x80)

static void letters_digits_and_punctuation(void **state)
{
	(void)state;
	/* c p u s space 1 - = [ ] ; ' ` \ , . / */
	SCAN(TAP(0x2e), TAP(0x19), TAP(0x16), TAP(0x1f), TAP(0x39), TAP(0x02), TAP(0x0c), TAP(0x0d),
	     TAP(0x1a), TAP(0x1b), TAP(0x27), TAP(0x28), TAP(0x29), TAP(0x2b), TAP(0x33), TAP(0x34),
	     TAP(0x35), TAP(0x0b));
	assert_string_equal(chars(), "cpus 1-=[];'`\\,./0");
}

static void a_held_key_repeats_and_its_release_gives_nothing(void **state)
{
	(void)state;
	SCAN(0x1e, 0x1e, 0x1e, 0x9e);   /* typematic: three makes, one break */
	assert_string_equal(chars(), "aaa");
}

static void shift_left_and_right(void **state)
{
	(void)state;
	/* sendkey shift-h: 2a 23 a3 aa; then shift_r-1, then plain h */
	SCAN(0x2a, 0x23, 0xa3, 0xaa, 0x36, 0x02, 0x82, 0xb6, TAP(0x23));
	assert_string_equal(chars(), "H!h");
	SCAN(0x2a, TAP(0x0c), TAP(0x28), TAP(0x35), TAP(0x2b), TAP(0x29), TAP(0x33), 0xaa);
	assert_string_equal(chars(), "_\"?|~<");
}

static void both_shifts_held_one_released_is_still_shift(void **state)
{
	(void)state;
	SCAN(0x2a, 0x36, 0xaa, TAP(0x1e), 0xb6, TAP(0x1e));
	assert_string_equal(chars(), "Aa");
}

static void caps_lock_toggles_once_per_press_and_only_letters(void **state)
{
	(void)state;
	SCAN(0x3a, 0x3a, 0xba, TAP(0x1e), TAP(0x02));   /* a repeated CapsLock make: one toggle */
	assert_string_equal(chars(), "A1");
	SCAN(0x2a, TAP(0x1e), TAP(0x02), 0xaa);              /* Shift inverts it for letters */
	assert_string_equal(chars(), "a!");
	SCAN(TAP(0x3a), TAP(0x1e));                          /* off again */
	assert_string_equal(chars(), "a");
}

static void ctrl_letters_give_control_bytes(void **state)
{
	(void)state;
	/* sendkey ctrl-c: 1d 2e ae 9d; ctrl-u with the right Ctrl: e0 1d 16 96 e0 9d */
	SCAN(0x1d, 0x2e, 0xae, 0x9d, 0xe0, 0x1d, 0x16, 0x96, 0xe0, 0x9d, TAP(0x2e));
	assert_int_equal(nkeys, 3);
	assert_int_equal(keys[0], 0x03);
	assert_int_equal(keys[1], 0x15);
	assert_int_equal(keys[2], 'c');
	SCAN(TAP(0x3a), 0x1d, TAP(0x2e), 0x9d, TAP(0x3a));   /* CapsLock does not change Ctrl-C */
	assert_int_equal(nkeys, 1);
	assert_int_equal(keys[0], 0x03);
}

static void ctrl_or_alt_with_other_keys_give_nothing(void **state)
{
	(void)state;
	SCAN(0x1d, TAP(0x02), TAP(0x39), 0x9d, 0x38, TAP(0x1e), 0xb8, 0xe0, 0x38, TAP(0x1e), 0xe0, 0xb8);
	assert_int_equal(nkeys, 0);
	SCAN(TAP(0x1e));
	assert_string_equal(chars(), "a");
}

static void enter_backspace_tab_escape(void **state)
{
	(void)state;
	SCAN(TAP(0x1c), 0xe0, 0x1c, 0xe0, 0x9c, TAP(0x0e), TAP(0x0f), TAP(0x01));
	assert_int_equal(nkeys, 5);
	assert_int_equal(keys[0], '\r');
	assert_int_equal(keys[1], '\r');      /* keypad Enter */
	assert_int_equal(keys[2], '\b');
	assert_int_equal(keys[3], '\t');
	assert_int_equal(keys[4], KBD_KEY_ESC);
}

static void arrows_and_the_editing_block(void **state)
{
	(void)state;
	/* sendkey up/down/left/right/home/end/pgup/pgdn/insert/delete */
	SCAN(0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x50, 0xe0, 0xd0, 0xe0, 0x4b, 0xe0, 0xcb, 0xe0, 0x4d, 0xe0, 0xcd,
	     0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x49, 0xe0, 0x51, 0xe0, 0x52, 0xe0, 0x53);
	const int want[] = { KBD_KEY_UP, KBD_KEY_DOWN, KBD_KEY_LEFT, KBD_KEY_RIGHT, KBD_KEY_HOME,
			     KBD_KEY_END, KBD_KEY_PGUP, KBD_KEY_PGDN, KBD_KEY_INSERT, KBD_KEY_DELETE };
	assert_int_equal(nkeys, ARRAY_SIZE(want));
	for (size_t i = 0; i < ARRAY_SIZE(want); i++)
		assert_int_equal(keys[i], want[i]);
}

static void fake_shifts_around_extended_keys_are_ignored(void **state)
{
	(void)state;
	/* an arrow with NumLock on, as some keyboards send it: E0 2A E0 48, E0 C8 E0 AA */
	SCAN(0xe0, 0x2a, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0xaa, TAP(0x1e));
	assert_int_equal(nkeys, 2);
	assert_int_equal(keys[0], KBD_KEY_UP);
	assert_int_equal(keys[1], 'a');       /* no Shift left held */
	/* with Shift really held, the keyboard sends a fake release E0 AA before the
	 * arrow: Shift stays held */
	SCAN(0x2a, 0xe0, 0xaa, 0xe0, 0x48, 0xe0, 0xc8, TAP(0x1e), 0xaa);
	assert_int_equal(nkeys, 2);
	assert_int_equal(keys[0], KBD_KEY_UP);
	assert_int_equal(keys[1], 'A');
	/* PrintScreen E0 2A E0 37 gives nothing, not keypad '*' */
	SCAN(0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa);
	assert_int_equal(nkeys, 0);
}

static void keypad_follows_num_lock_and_shift(void **state)
{
	(void)state;
	SCAN(TAP(0x48), TAP(0x4f), TAP(0x53), TAP(0x37), TAP(0x4a), TAP(0x4e), 0xe0, TAP(0x35));
	assert_string_equal(chars(), "81.*-+/");   /* NumLock starts on */
	SCAN(0x2a, TAP(0x48), 0xaa);               /* Shift: the key */
	assert_int_equal(nkeys, 1);
	assert_int_equal(keys[0], KBD_KEY_UP);
	SCAN(TAP(0x45), TAP(0x48), TAP(0x50), TAP(0x4c));   /* NumLock off: arrows; keypad 5 nothing */
	assert_int_equal(nkeys, 2);
	assert_int_equal(keys[0], KBD_KEY_UP);
	assert_int_equal(keys[1], KBD_KEY_DOWN);
	SCAN(0x2a, TAP(0x48), 0xaa);               /* ...and Shift gives the digit back */
	assert_string_equal(chars(), "8");
}

static void function_keys(void **state)
{
	(void)state;
	SCAN(TAP(0x3b), TAP(0x44), TAP(0x57), TAP(0x58));
	assert_int_equal(nkeys, 4);
	assert_int_equal(keys[0], KBD_KEY_F1);
	assert_int_equal(keys[1], KBD_KEY_F1 + 9);
	assert_int_equal(keys[2], KBD_KEY_F1 + 10);
	assert_int_equal(keys[3], KBD_KEY_F1 + 11);
}

static void pause_sequence_is_swallowed_whole(void **state)
{
	(void)state;
	SCAN(0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, TAP(0x48));
	assert_string_equal(chars(), "8");          /* and NumLock was not toggled by its 0x45 */
}

static void controller_replies_give_nothing(void **state)
{
	(void)state;
	SCAN(0xfa, 0xfe, 0xee, 0x00, 0xff, 0xe0, 0xfa, TAP(0x1e));
	assert_string_equal(chars(), "a");
}

static void every_code_gives_a_byte_a_key_or_nothing(void **state)
{
	(void)state;
	for (int mods = 0; mods < 8; mods++)
		for (int e0 = 0; e0 < 2; e0++)
			for (int c = 0; c < 0x100; c++) {
				kbd_state_init(&st);
				st.mods = (u8)(mods & 1 ? KBD_MOD_LSHIFT : 0) | (u8)(mods & 2 ? KBD_MOD_LCTRL : 0);
				st.caps_lock = mods & 4;
				if (e0)
					kbd_decode(&st, 0xe0);
				int k = kbd_decode(&st, (u8)c);
				assert_true(k == KBD_NONE || (k >= 0 && k < 0x80) ||
					    (k >= KBD_KEY_UP && k < KBD_KEY_F1 + 12));
				if (c & 0x80)
					assert_int_equal(k, KBD_NONE);   /* a release never types */
			}
}

static void key_names(void **state)
{
	(void)state;
	char b[16];
	assert_string_equal(kbd_key_name(KBD_KEY_UP, b, sizeof b), "up");
	assert_string_equal(kbd_key_name(KBD_KEY_ESC, b, sizeof b), "esc");
	assert_string_equal(kbd_key_name(KBD_KEY_F1 + 11, b, sizeof b), "f12");
	assert_string_equal(kbd_key_name('x', b, sizeof b), "'x'");
	assert_string_equal(kbd_key_name(3, b, sizeof b), "0x03");
	assert_string_equal(kbd_key_name(KBD_NONE, b, sizeof b), "none");
}

/* ---- keys into the line editor, as kernel/console.c feeds them ---- */

static struct line_editor le;
static char echo[4096];
static size_t echo_len;
static char line[LE_LINE_MAX + 1];
static enum le_event last;

static int to_editor(int k)
{
	return k == KBD_KEY_UP ? LE_KEY_UP : k == KBD_KEY_DOWN ? LE_KEY_DOWN : k;
}

/* scan codes -> keys -> le_key(); the echo and the last event and line */
static void type(const u8 *codes, size_t n)
{
	static struct le_output out;
	echo_len = 0;
	last = LE_NONE;
	for (size_t i = 0; i < n; i++) {
		int k = kbd_decode(&st, codes[i]);
		if (k == KBD_NONE)
			continue;
		enum le_event ev = le_key(&le, to_editor(k), &out);
		assert_true(echo_len + out.len < sizeof echo);
		memcpy(echo + echo_len, out.bytes, out.len);
		echo_len += out.len;
		if (ev != LE_NONE)
			last = ev;
		if (ev == LE_LINE)
			strcpy(line, le_line(&le));
	}
	echo[echo_len] = '\0';
}
#define TYPE(...) do { static const u8 c_[] = { __VA_ARGS__ }; type(c_, sizeof c_); } while (0)

static int editor_setup(void **state)
{
	(void)state;
	kbd_state_init(&st);
	le_init(&le);
	return 0;
}

static void typed_line_with_backspace_and_enter(void **state)
{
	(void)state;
	/* c p u x Backspace s Enter */
	TYPE(TAP(0x2e), TAP(0x19), TAP(0x16), TAP(0x2d), TAP(0x0e), TAP(0x1f), TAP(0x1c));
	assert_string_equal(echo, "cpux\b \bs\r\n");
	assert_int_equal(last, LE_LINE);
	assert_string_equal(line, "cpus");
}

static void up_arrow_recalls_and_down_returns(void **state)
{
	(void)state;
	TYPE(TAP(0x2e), TAP(0x19), TAP(0x16), TAP(0x1f), TAP(0x1c));   /* cpus Enter */
	TYPE(TAP(0x23), 0xe0, 0x48, 0xe0, 0xc8);                        /* h, up */
	assert_string_equal(echo, "h\b \bcpus");
	TYPE(0xe0, 0x50, 0xe0, 0xd0);                                   /* down: back to "h" */
	assert_string_equal(echo, "\b \b\b \b\b \b\b \bh");
	TYPE(0xe0, 0x48, 0xe0, 0xc8, TAP(0x1c));                        /* up, Enter */
	assert_int_equal(last, LE_LINE);
	assert_string_equal(line, "cpus");
}

static void ctrl_c_drops_and_ctrl_u_erases(void **state)
{
	(void)state;
	TYPE(TAP(0x2e), 0x1d, TAP(0x2e), 0x9d);
	assert_string_equal(echo, "c^C\r\n");
	assert_int_equal(last, LE_DROPPED);
	TYPE(TAP(0x2e), TAP(0x19), 0x1d, TAP(0x16), 0x9d, TAP(0x1c));
	assert_string_equal(echo, "cp\b \b\b \b\r\n");
	assert_string_equal(line, "");
}

static void esc_left_right_and_function_keys_do_nothing(void **state)
{
	(void)state;
	TYPE(TAP(0x2e), TAP(0x01), 0xe0, 0x4b, 0xe0, 0x4d, TAP(0x3b), 0xe0, 0x53, TAP(0x19));
	assert_string_equal(echo, "cp");
	assert_int_equal(le.esc, LE_ESC_NONE);   /* ESC did not start a sequence */
}

static void a_key_does_not_break_a_serial_escape_sequence(void **state)
{
	(void)state;
	static struct le_output out;
	TYPE(TAP(0x2e), TAP(0x1c));            /* "c" into the history */
	le_feed(&le, 0x1b, &out);              /* serial: ESC [ ... */
	le_feed(&le, '[', &out);
	TYPE(TAP(0x2d));                       /* keyboard: x */
	assert_string_equal(echo, "x");
	le_feed(&le, 'A', &out);               /* serial: ... A = up */
	assert_int_equal(out.len, 4);
	assert_memory_equal(out.bytes, "\b \bc", 4);
}

#define T(f) cmocka_unit_test_setup(f, setup)
#define E(f) cmocka_unit_test_setup(f, editor_setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(letters_digits_and_punctuation),
		T(a_held_key_repeats_and_its_release_gives_nothing),
		T(shift_left_and_right),
		T(both_shifts_held_one_released_is_still_shift),
		T(caps_lock_toggles_once_per_press_and_only_letters),
		T(ctrl_letters_give_control_bytes),
		T(ctrl_or_alt_with_other_keys_give_nothing),
		T(enter_backspace_tab_escape),
		T(arrows_and_the_editing_block),
		T(fake_shifts_around_extended_keys_are_ignored),
		T(keypad_follows_num_lock_and_shift),
		T(function_keys),
		T(pause_sequence_is_swallowed_whole),
		T(controller_replies_give_nothing),
		T(every_code_gives_a_byte_a_key_or_nothing),
		T(key_names),
		E(typed_line_with_backspace_and_enter),
		E(up_arrow_recalls_and_down_returns),
		E(ctrl_c_drops_and_ctrl_u_erases),
		E(esc_left_right_and_function_keys_do_nothing),
		E(a_key_does_not_break_a_serial_escape_sequence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
