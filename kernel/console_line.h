/* The serial console's line editor: one input byte in, one event and the
 * bytes to echo out.
 *
 * Keys (bytes as a VT100-style terminal sends them):
 *  - printable ASCII 0x20..0x7e: stored and echoed;
 *  - CR or LF: Enter.  CR LF counts as one Enter (the LF right after a CR is
 *    ignored); LF LF or CR CR are two;
 *  - Backspace 0x08 and DEL 0x7f: erase one character ("\b \b");
 *  - Ctrl-U 0x15: erase the whole line;
 *  - Ctrl-C 0x03: drop the line, echo "^C\r\n";
 *  - ESC [ A / ESC O A (up): recall the previous history line; ESC [ B /
 *    ESC O B (down): the next one, and past the newest the line being typed
 *    before the first up.  Every other escape sequence (CSI parameters and
 *    all, ECMA-48 5.4) is swallowed whole;
 *  - every other control byte and every byte >= 0x80: dropped.
 *
 * A line longer than LE_LINE_MAX is never truncated: the characters past the
 * limit are counted but neither stored nor echoed, Backspace takes them back
 * first, and Enter with any still counted rejects the whole line
 * (LE_TOO_LONG; le_too_long_message() says why).
 *
 * Pure: all state is in the caller's struct line_editor; the caller writes
 * out->bytes to the terminal and prints the prompt after LE_LINE,
 * LE_DROPPED and LE_TOO_LONG. */
#ifndef KERNEL_CONSOLE_LINE_H
#define KERNEL_CONSOLE_LINE_H

#include "kernel/types.h"

#define LE_LINE_MAX 160    /* characters in a line, without the NUL */
#define LE_HISTORY  8      /* lines remembered */

/* Worst case of one byte's echo: recalling a history line erases a full line
 * ("\b \b" each) and prints a full one. */
#define LE_OUT_MAX (3 * LE_LINE_MAX + LE_LINE_MAX + 8)

enum le_event {
	LE_NONE = 0,       /* keep feeding; out may still hold echo */
	LE_LINE,           /* Enter: le_line() has the line (possibly empty) */
	LE_DROPPED,        /* Ctrl-C: the line is gone */
	LE_TOO_LONG,       /* Enter on a line over LE_LINE_MAX: the line is gone */
};

struct le_output {
	u8 bytes[LE_OUT_MAX];
	size_t len;
};

enum le_esc {
	LE_ESC_NONE = 0,
	LE_ESC_START,      /* after ESC */
	LE_ESC_CSI,        /* after ESC [ */
	LE_ESC_SS3,        /* after ESC O */
};

struct line_editor {
	char buf[LE_LINE_MAX + 1];        /* the line being edited, NUL-terminated */
	size_t len;
	size_t excess;                    /* characters typed past LE_LINE_MAX */
	size_t rejected;                  /* length of the last LE_TOO_LONG line */
	u8 esc;                           /* enum le_esc */
	bool csi_params;                  /* the CSI has parameter/intermediate bytes */
	bool after_cr;                    /* the previous byte was a CR */
	u8 done;                          /* 0 editing, 1 line ready, 2 le_line() taken */
	char hist[LE_HISTORY][LE_LINE_MAX + 1];
	unsigned hist_count;              /* entries in hist[], <= LE_HISTORY */
	unsigned hist_newest;             /* index of the newest entry */
	unsigned hist_pos;                /* 0 editing a new line, k: the k-th newest */
	char draft[LE_LINE_MAX + 1];      /* the new line, kept while browsing */
};

void le_init(struct line_editor *le);

/* Consume one byte; out is cleared first and holds the echo afterwards. */
enum le_event le_feed(struct line_editor *le, u8 byte, struct le_output *out);

/* One key from a keyboard, which sends keys, not a byte stream: a byte
 * 0x00..0x7f as le_feed() takes it (Enter is '\r' or '\n', Backspace 0x08,
 * Ctrl-C 0x03, Ctrl-U 0x15), or LE_KEY_UP / LE_KEY_DOWN for the history.
 * ESC and any other value are dropped.  It never touches the escape-sequence
 * or CR LF state of le_feed(), so a serial line's half-received sequence is
 * not broken by a key typed meanwhile. */
#define LE_KEY_UP   0x100
#define LE_KEY_DOWN 0x101
enum le_event le_key(struct line_editor *le, int key, struct le_output *out);

/* After LE_LINE: the line, NUL-terminated, which the caller may modify (e.g.
 * tokenize in place) until the next le_feed().  The first call adds it to the
 * history when it is non-empty and differs from the newest entry.  NULL when
 * no line is ready. */
char *le_line(struct line_editor *le);

/* After LE_TOO_LONG: "line too long (N characters, at most 160)". */
void le_too_long_message(const struct line_editor *le, char *buf, size_t size);

#endif
