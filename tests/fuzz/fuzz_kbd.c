/* Arbitrary bytes from the i8042: every byte through kbd_decode(), every key
 * through le_key() as the console feeds it, with a model screen line checking
 * that the echo shows exactly the line being edited. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/kbd_decode.h"
#include "kernel/console_line.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kbd_state st;
	static struct line_editor le;
	static struct le_output out;
	char screen[LE_LINE_MAX + 1];   /* the model terminal's current line, up to the cursor */
	size_t cur = 0;
	kbd_state_init(&st);
	le_init(&le);
	for (size_t i = 0; i < size; i++) {
		int k = kbd_decode(&st, data[i]);
		check(k == KBD_NONE || (k >= 0 && k < 0x80) || (k >= KBD_KEY_UP && k < KBD_KEY_F1 + 12));
		if (k == KBD_NONE)
			continue;
		int key = k == KBD_KEY_UP ? LE_KEY_UP : k == KBD_KEY_DOWN ? LE_KEY_DOWN : k;
		enum le_event ev = le_key(&le, key, &out);
		check(out.len <= sizeof out.bytes);
		if (ev == LE_DROPPED) {
			check(out.len == 4 && memcmp(out.bytes, "^C\r\n", 4) == 0);
			cur = 0;
			continue;
		}
		for (size_t j = 0; j < out.len; j++) {
			uint8_t b = out.bytes[j];
			if (b == '\r' || b == '\n')
				cur = 0;
			else if (b == '\b')
				check(cur > 0), cur--;
			else
				check(b >= 0x20 && b < 0x7f && cur < LE_LINE_MAX), screen[cur++] = (char)b;
		}
		if (ev == LE_LINE) {
			char *line = le_line(&le);
			check(line && strlen(line) <= LE_LINE_MAX);
		}
		if (ev == LE_NONE)
			check(cur == le.len && memcmp(screen, le.buf, cur) == 0);
		if (ev == LE_TOO_LONG)
			cur = 0;
	}
	return 0;
}
