/* The console line editor; see console_line.h for the keys. */
#include "kernel/console_line.h"
#include "kernel/format.h"
#include "kernel/lib.h"

#define KEY_CTRL_C    0x03
#define KEY_BACKSPACE 0x08
#define KEY_CTRL_U    0x15
#define KEY_ESC       0x1b
#define KEY_DEL       0x7f

_Static_assert(LE_OUT_MAX >= 3 * LE_LINE_MAX + LE_LINE_MAX,
	       "one history recall must fit the echo buffer");

static void out_put(struct le_output *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && out->len < sizeof out->bytes; i++)
		out->bytes[out->len++] = (u8)s[i];
}

void le_init(struct line_editor *le)
{
	memset(le, 0, sizeof *le);
}

/* Erase what the terminal shows of the line (stored characters only: the
 * ones past the limit were never echoed) and forget the excess. */
static void erase_line(struct line_editor *le, struct le_output *out)
{
	for (size_t i = 0; i < le->len; i++)
		out_put(out, "\b \b", 3);
	le->len = 0;
	le->excess = 0;
	le->buf[0] = '\0';
}

static void set_line(struct line_editor *le, const char *s, struct le_output *out)
{
	erase_line(le, out);
	size_t n = strlen(s);
	memcpy(le->buf, s, n + 1);
	le->len = n;
	out_put(out, s, n);
}

static const char *hist_entry(const struct line_editor *le, unsigned k)
{
	/* k = 1 is the newest */
	return le->hist[(le->hist_newest + LE_HISTORY - (k - 1)) % LE_HISTORY];
}

static void hist_up(struct line_editor *le, struct le_output *out)
{
	if (le->hist_pos >= le->hist_count)
		return;
	if (le->hist_pos == 0) {
		memcpy(le->draft, le->buf, le->len);
		le->draft[le->len] = '\0';
	}
	le->hist_pos++;
	set_line(le, hist_entry(le, le->hist_pos), out);
}

static void hist_down(struct line_editor *le, struct le_output *out)
{
	if (le->hist_pos == 0)
		return;
	le->hist_pos--;
	set_line(le, le->hist_pos ? hist_entry(le, le->hist_pos) : le->draft, out);
}

static void hist_add(struct line_editor *le, const char *s)
{
	if (s[0] == '\0')
		return;
	if (le->hist_count && strcmp(le->hist[le->hist_newest], s) == 0)
		return;
	if (le->hist_count)
		le->hist_newest = (le->hist_newest + 1) % LE_HISTORY;
	memcpy(le->hist[le->hist_newest], s, strlen(s) + 1);
	if (le->hist_count < LE_HISTORY)
		le->hist_count++;
}

/* The last byte of an escape sequence: plain up and down move in the history,
 * anything else (ESC [ 1;5 A too) is swallowed. */
static void esc_final(struct line_editor *le, u8 byte, bool plain, struct le_output *out)
{
	le->esc = LE_ESC_NONE;
	if (plain && byte == 'A')
		hist_up(le, out);
	else if (plain && byte == 'B')
		hist_down(le, out);
}

/* True when the byte belonged to an escape sequence.  A control byte or a high
 * byte breaks the sequence off and is handled as if no ESC had come. */
static bool escape_byte(struct line_editor *le, u8 byte, struct le_output *out)
{
	if (byte < 0x20 || byte >= 0x7f) {
		le->esc = LE_ESC_NONE;
		return false;
	}
	switch (le->esc) {
	case LE_ESC_START:
		if (byte == '[') {
			le->esc = LE_ESC_CSI;
			le->csi_params = false;
		} else if (byte == 'O') {
			le->esc = LE_ESC_SS3;
		} else {
			le->esc = LE_ESC_NONE;   /* ESC x (Alt-x): two bytes */
		}
		return true;
	case LE_ESC_CSI:
		/* ECMA-48 5.4: parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e */
		if (byte < 0x40)
			le->csi_params = true;
		else
			esc_final(le, byte, !le->csi_params, out);
		return true;
	case LE_ESC_SS3:
		esc_final(le, byte, true, out);
		return true;
	}
	return false;
}

static enum le_event enter(struct line_editor *le, struct le_output *out)
{
	out_put(out, "\r\n", 2);
	le->hist_pos = 0;
	if (le->excess) {
		le->rejected = le->len + le->excess;
		le->len = 0;
		le->excess = 0;
		le->buf[0] = '\0';
		return LE_TOO_LONG;
	}
	le->buf[le->len] = '\0';
	le->done = 1;
	return LE_LINE;
}

static void printable(struct line_editor *le, u8 byte, struct le_output *out)
{
	if (le->len < LE_LINE_MAX) {
		le->buf[le->len++] = (char)byte;
		le->buf[le->len] = '\0';
		out_put(out, (const char *)&byte, 1);
	} else if (le->excess < SIZE_MAX) {
		le->excess++;
	}
}

static void backspace(struct line_editor *le, struct le_output *out)
{
	if (le->excess) {
		le->excess--;
	} else if (le->len) {
		le->buf[--le->len] = '\0';
		out_put(out, "\b \b", 3);
	}
}

static void begin(struct line_editor *le, struct le_output *out)
{
	out->len = 0;
	if (le->done) {
		/* the previous line was handed out: start a new one */
		le->done = 0;
		le->len = 0;
		le->buf[0] = '\0';
	}
}

static enum le_event control(struct line_editor *le, u8 byte, struct le_output *out);

enum le_event le_feed(struct line_editor *le, u8 byte, struct le_output *out)
{
	begin(le, out);
	bool after_cr = le->after_cr;
	le->after_cr = false;

	if (le->esc != LE_ESC_NONE && escape_byte(le, byte, out))
		return LE_NONE;
	if (byte >= 0x20 && byte < 0x7f) {
		printable(le, byte, out);
		return LE_NONE;
	}
	switch (byte) {
	case '\r':
		le->after_cr = true;
		return enter(le, out);
	case '\n':
		return after_cr ? LE_NONE : enter(le, out);
	case KEY_ESC:
		le->esc = LE_ESC_START;
		return LE_NONE;
	}
	return control(le, byte, out);
}

/* Backspace, DEL, Ctrl-U, Ctrl-C; every other control byte is dropped */
static enum le_event control(struct line_editor *le, u8 byte, struct le_output *out)
{
	switch (byte) {
	case KEY_BACKSPACE:
	case KEY_DEL:
		backspace(le, out);
		return LE_NONE;
	case KEY_CTRL_U:
		erase_line(le, out);
		return LE_NONE;
	case KEY_CTRL_C:
		le->len = 0;
		le->excess = 0;
		le->buf[0] = '\0';
		le->hist_pos = 0;
		out_put(out, "^C\r\n", 4);
		return LE_DROPPED;
	}
	return LE_NONE;   /* other controls and bytes >= 0x80 */
}

enum le_event le_key(struct line_editor *le, int key, struct le_output *out)
{
	begin(le, out);
	if (key == LE_KEY_UP)
		hist_up(le, out);
	else if (key == LE_KEY_DOWN)
		hist_down(le, out);
	else if (key >= 0x20 && key < 0x7f)
		printable(le, (u8)key, out);
	else if (key == '\r' || key == '\n')
		return enter(le, out);
	else if (key >= 0 && key < 0x80)
		return control(le, (u8)key, out);
	return LE_NONE;
}

char *le_line(struct line_editor *le)
{
	if (le->done == 0)
		return NULL;
	if (le->done == 1) {
		hist_add(le, le->buf);
		le->done = 2;
	}
	return le->buf;
}

void le_too_long_message(const struct line_editor *le, char *buf, size_t size)
{
	ksnprintf(buf, size, "line too long (%zu characters, at most %u)",
		  le->rejected, (unsigned)LE_LINE_MAX);
}
