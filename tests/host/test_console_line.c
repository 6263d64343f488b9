/* kernel/console_line.c: every key, the echo it produces, the history and the
 * overlong-line rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/console_line.h"

static struct line_editor le;

/* All echo of the last feed_str() call, and its events in order. */
static char echo[8192];
static size_t echo_len;
static enum le_event events[64];
static unsigned nevents;     /* events other than LE_NONE */
static char lines[8][LE_LINE_MAX + 1];
static unsigned nlines;

static int setup(void **state)
{
	(void)state;
	le_init(&le);
	return 0;
}

/* Feed n bytes; collect echo, the non-NONE events and the completed lines
 * (each taken with le_line() at once, as the console does). */
static void feed(const char *s, size_t n)
{
	static struct le_output out;
	echo_len = 0;
	nevents = 0;
	nlines = 0;
	for (size_t i = 0; i < n; i++) {
		enum le_event ev = le_feed(&le, (u8)s[i], &out);
		assert_true(out.len <= sizeof out.bytes);
		assert_true(echo_len + out.len < sizeof echo);
		memcpy(echo + echo_len, out.bytes, out.len);
		echo_len += out.len;
		if (ev == LE_NONE)
			continue;
		assert_true(nevents < ARRAY_SIZE(events));
		events[nevents++] = ev;
		if (ev == LE_LINE) {
			char *line = le_line(&le);
			assert_non_null(line);
			assert_true(nlines < ARRAY_SIZE(lines));
			strcpy(lines[nlines++], line);
		} else {
			assert_null(le_line(&le));
		}
	}
	echo[echo_len] = '\0';
}

static void feed_str(const char *s)
{
	feed(s, strlen(s));
}

static void assert_echo(const char *expected)
{
	assert_int_equal(echo_len, strlen(expected));
	assert_memory_equal(echo, expected, echo_len);
}

static void enter_line(const char *s)
{
	feed_str(s);
	feed_str("\r");
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], s);
}

#define UP   "\x1b[A"
#define DOWN "\x1b[B"
#define BS3  "\b \b"

/* ---- typing ---- */

static void printable_chars_are_echoed_and_form_the_line(void **state)
{
	(void)state;
	feed_str("vmx on 0,2-3");
	assert_echo("vmx on 0,2-3");
	assert_int_equal(nevents, 0);
	assert_null(le_line(&le));
	feed_str("\r");
	assert_echo("\r\n");
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], LE_LINE);
	assert_string_equal(lines[0], "vmx on 0,2-3");
}

static void empty_enter_gives_an_empty_line(void **state)
{
	(void)state;
	feed_str("\r");
	assert_int_equal(nlines, 1);
	assert_string_equal(lines[0], "");
	assert_echo("\r\n");
}

static void backspace_and_del_erase_one_char(void **state)
{
	(void)state;
	feed_str("abc\b");
	assert_echo("abc" BS3);
	feed_str("\x7f" "d\r");
	assert_echo(BS3 "d\r\n");
	assert_string_equal(lines[0], "ad");
}

static void backspace_at_start_of_line_does_nothing(void **state)
{
	(void)state;
	feed_str("\b\x7f\b");
	assert_echo("");
	feed_str("x\b\b\x7f" "y\r");
	assert_echo("x" BS3 "y\r\n");
	assert_string_equal(lines[0], "y");
}

static void ctrl_c_drops_the_line(void **state)
{
	(void)state;
	feed_str("vmx of\x03");
	assert_echo("vmx of^C\r\n");
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], LE_DROPPED);
	assert_int_equal(nlines, 0);
	enter_line("help");
	/* a dropped line is not history */
	feed_str(UP UP);
	assert_echo("help");
}

static void ctrl_u_erases_the_whole_line(void **state)
{
	(void)state;
	feed_str("abc\x15");
	assert_echo("abc" BS3 BS3 BS3);
	assert_int_equal(nevents, 0);
	feed_str("\x15");
	assert_echo("");
	enter_line("x");
}

/* ---- Enter ---- */

static void cr_lf_is_one_enter(void **state)
{
	(void)state;
	feed_str("a\r\nb\r\n");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[0], "a");
	assert_string_equal(lines[1], "b");
	assert_echo("a\r\nb\r\n");
}

static void lone_cr_and_lone_lf_are_each_enter(void **state)
{
	(void)state;
	feed_str("a\nb\rc\n\n\r\r");
	assert_int_equal(nlines, 6);
	assert_string_equal(lines[0], "a");
	assert_string_equal(lines[1], "b");
	assert_string_equal(lines[2], "c");
	assert_string_equal(lines[3], "");
	assert_string_equal(lines[4], "");
	assert_string_equal(lines[5], "");
}

static void lf_after_cr_is_ignored_only_right_after(void **state)
{
	(void)state;
	feed_str("a\rx\n");
	assert_int_equal(nlines, 2);
	assert_string_equal(lines[1], "x");
	feed_str("\r");
	feed_str("\n");
	assert_int_equal(nevents, 0);
	assert_echo("");
}

static void line_may_be_modified_until_next_feed(void **state)
{
	(void)state;
	struct le_output out;
	const char *s = "vmcs read x\r";
	enum le_event ev = LE_NONE;
	for (; *s; s++)
		ev = le_feed(&le, (u8)*s, &out);
	assert_int_equal(ev, LE_LINE);
	char *line = le_line(&le);
	assert_string_equal(line, "vmcs read x");
	line[4] = '\0';                 /* as the tokenizer does */
	assert_ptr_equal(le_line(&le), line);
	feed_str(UP);                   /* history got the line as typed */
	assert_echo("vmcs read x");
}

/* ---- overlong lines ---- */

static void overlong_line_is_rejected_whole_then_next_line_works(void **state)
{
	(void)state;
	char big[LE_LINE_MAX + 10];
	memset(big, 'x', sizeof big);
	feed(big, sizeof big);
	assert_int_equal(echo_len, LE_LINE_MAX);      /* the excess is not echoed */
	assert_int_equal(nevents, 0);
	feed_str("\r");
	assert_int_equal(nevents, 1);
	assert_int_equal(events[0], LE_TOO_LONG);
	assert_int_equal(nlines, 0);
	assert_echo("\r\n");
	char msg[80];
	le_too_long_message(&le, msg, sizeof msg);
	assert_string_equal(msg, "line too long (170 characters, at most 160)");
	enter_line("help");
	/* a rejected line is not history */
	feed_str(UP UP);
	assert_echo("help");
}

static void line_of_exactly_the_limit_is_accepted(void **state)
{
	(void)state;
	char big[LE_LINE_MAX + 1];
	memset(big, 'y', LE_LINE_MAX);
	big[LE_LINE_MAX] = '\0';
	enter_line(big);
}

static void backspace_takes_back_the_excess_first(void **state)
{
	(void)state;
	char big[LE_LINE_MAX + 2];
	memset(big, 'z', sizeof big);
	feed(big, sizeof big);
	feed_str("\b");
	assert_echo("");                /* the excess was never shown */
	feed_str("\b");
	assert_echo("");
	feed_str("\r");
	assert_int_equal(events[0], LE_LINE);
	assert_int_equal(strlen(lines[0]), LE_LINE_MAX);
	/* one more past the limit, then Ctrl-U: the next line is clean */
	feed(big, sizeof big);
	feed_str("\x15" "ok\r");
	assert_string_equal(lines[0], "ok");
}

/* ---- bytes that are not keys ---- */

static void control_bytes_are_dropped(void **state)
{
	(void)state;
	static const char ctl[] = { 0x00, 0x01, 0x02, 0x04, 0x07, '\t', 0x0b, 0x0c, 0x0e,
				    0x11, 0x13, 0x16, 0x1a, 0x1c, 0x1f };
	feed_str("a");
	feed(ctl, sizeof ctl);
	assert_echo("");
	assert_int_equal(nevents, 0);
	feed_str("b\r");
	assert_string_equal(lines[0], "ab");
}

static void high_bytes_are_dropped(void **state)
{
	(void)state;
	feed_str("caf\xc3\xa9 \x80\xff\xfe" "x\r");
	assert_echo("caf x\r\n");
	assert_string_equal(lines[0], "caf x");
}

static void other_escape_sequences_are_swallowed_whole(void **state)
{
	(void)state;
	enter_line("old");
	/* right, left, delete, ctrl-up, F1 (SS3), F5, alt-x, home */
	feed_str("a\x1b[C\x1b[D\x1b[3~\x1b[1;5A\x1bOP\x1b[15~\x1bx\x1b[Hb");
	assert_echo("ab");
	feed_str("\r");
	assert_string_equal(lines[0], "ab");
}

static void escape_broken_by_a_control_byte_lets_it_through(void **state)
{
	(void)state;
	feed_str("a\x1b[1\rb\x1b\x03");
	assert_int_equal(nevents, 2);
	assert_int_equal(events[0], LE_LINE);
	assert_string_equal(lines[0], "a");
	assert_int_equal(events[1], LE_DROPPED);
	/* ESC ESC [ A: the second ESC starts the sequence */
	enter_line("h");
	feed_str("\x1b\x1b[A");
	assert_echo("h");
}

/* ---- history ---- */

static void history_up_and_down_over_three_entries(void **state)
{
	(void)state;
	enter_line("one");
	enter_line("two");
	enter_line("three");
	feed_str(UP);
	assert_echo("three");
	feed_str(UP);
	assert_echo(BS3 BS3 BS3 BS3 BS3 "two");
	feed_str(UP);
	assert_echo(BS3 BS3 BS3 "one");
	feed_str(UP);                   /* the oldest: stays */
	assert_echo("");
	feed_str(DOWN);
	assert_echo(BS3 BS3 BS3 "two");
	feed_str(DOWN);
	assert_echo(BS3 BS3 BS3 "three");
	feed_str(DOWN);                 /* back to the (empty) new line */
	assert_echo(BS3 BS3 BS3 BS3 BS3);
	feed_str(DOWN);                 /* the newest: stays */
	assert_echo("");
	feed_str(UP UP "\r");
	assert_string_equal(lines[0], "two");
}

static void down_returns_to_the_line_being_typed(void **state)
{
	(void)state;
	enter_line("one");
	feed_str("dr");
	feed_str(UP);
	assert_echo(BS3 BS3 "one");
	feed_str(DOWN);
	assert_echo(BS3 BS3 BS3 "dr");
	feed_str("\r");
	assert_string_equal(lines[0], "dr");
}

static void ss3_arrows_move_too(void **state)
{
	(void)state;
	enter_line("one");
	enter_line("two");
	feed_str("\x1bOA\x1bOA\x1bOB");
	assert_echo("two" BS3 BS3 BS3 "one" BS3 BS3 BS3 "two");
}

static void history_skips_empty_lines_and_repeats(void **state)
{
	(void)state;
	enter_line("a");
	enter_line("a");
	enter_line("");
	enter_line("b");
	enter_line("a");
	feed_str(UP UP UP UP);
	assert_echo("a" BS3 "b" BS3 "a");
}

static void history_keeps_the_newest_entries(void **state)
{
	(void)state;
	char s[16];
	for (int i = 0; i < LE_HISTORY + 3; i++) {
		snprintf(s, sizeof s, "c%d", i);
		enter_line(s);
	}
	for (int i = 0; i < LE_HISTORY + 5; i++)
		feed_str(UP);
	feed_str("\r");
	snprintf(s, sizeof s, "c%d", 3);    /* c0..c2 fell out */
	assert_string_equal(lines[0], s);
}

static void recalling_a_full_line_over_a_full_line_fits_the_echo(void **state)
{
	(void)state;
	char big[LE_LINE_MAX + 1];
	memset(big, 'q', LE_LINE_MAX);
	big[LE_LINE_MAX] = '\0';
	enter_line(big);
	memset(big, 'r', LE_LINE_MAX);
	feed(big, LE_LINE_MAX);
	struct le_output out;
	le_feed(&le, 0x1b, &out);
	le_feed(&le, '[', &out);
	le_feed(&le, 'A', &out);
	assert_int_equal(out.len, 4 * LE_LINE_MAX);
	assert_memory_equal(out.bytes, BS3, 3);
	assert_int_equal(out.bytes[out.len - 1], 'q');
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(printable_chars_are_echoed_and_form_the_line),
		T(empty_enter_gives_an_empty_line),
		T(backspace_and_del_erase_one_char),
		T(backspace_at_start_of_line_does_nothing),
		T(ctrl_c_drops_the_line),
		T(ctrl_u_erases_the_whole_line),
		T(cr_lf_is_one_enter),
		T(lone_cr_and_lone_lf_are_each_enter),
		T(lf_after_cr_is_ignored_only_right_after),
		T(line_may_be_modified_until_next_feed),
		T(overlong_line_is_rejected_whole_then_next_line_works),
		T(line_of_exactly_the_limit_is_accepted),
		T(backspace_takes_back_the_excess_first),
		T(control_bytes_are_dropped),
		T(high_bytes_are_dropped),
		T(other_escape_sequences_are_swallowed_whole),
		T(escape_broken_by_a_control_byte_lets_it_through),
		T(history_up_and_down_over_three_entries),
		T(down_returns_to_the_line_being_typed),
		T(ss3_arrows_move_too),
		T(history_skips_empty_lines_and_repeats),
		T(history_keeps_the_newest_entries),
		T(recalling_a_full_line_over_a_full_line_fits_the_echo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
