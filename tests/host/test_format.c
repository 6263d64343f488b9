/* kernel/format.c against the host C library's vsnprintf: every case is run
 * at several buffer sizes, and the bytes past the size must stay untouched. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/format.h"

#define CANARY 0xa5
#define BUFSZ 1200

static const size_t sizes[] = { 0, 1, 2, 3, 7, 16, 64, BUFSZ - 100 };

/* Same return value and same bytes (including the untouched tail) as libc. */
static void __attribute__((format(printf, 2, 3))) same_as_libc(int line, const char *fmt, ...)
{
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		static char want[BUFSZ], got[BUFSZ];
		memset(want, CANARY, sizeof want);
		memset(got, CANARY, sizeof got);
		va_list ap, a1, a2;
		va_start(ap, fmt);
		va_copy(a1, ap);
		va_copy(a2, ap);
		int wn = vsnprintf(want, sizes[i], fmt, a1);
		int gn = kvsnprintf(got, sizes[i], fmt, a2);
		va_end(a1);
		va_end(a2);
		va_end(ap);
		if (wn != gn || memcmp(want, got, sizeof want) != 0)
			fail_msg("line %d: format \"%s\" size %zu: libc %d \"%.*s\", ours %d \"%.*s\"",
				 line, fmt, sizes[i], wn, sizes[i] ? (int)sizes[i] : 0, want,
				 gn, sizes[i] ? (int)sizes[i] : 0, got);
	}
}
#define SAME(...) same_as_libc(__LINE__, __VA_ARGS__)

/* Exact text and return value where we differ from libc on purpose. */
static void __attribute__((format(printf, 3, 4))) expect(int line, const char *want, const char *fmt, ...)
{
	char got[BUFSZ];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(got, sizeof got, fmt, ap);
	va_end(ap);
	if (n != (int)strlen(want) || strcmp(got, want) != 0)
		fail_msg("line %d: format \"%s\": want \"%s\", got %d \"%s\"", line, fmt, want, n, got);
}
#define EXPECT(...) expect(__LINE__, __VA_ARGS__)

static void signed_decimal_matches_libc(void **state)
{
	(void)state;
	SAME("%d %d %d", 0, 1, -1);
	SAME("%d %d", INT_MAX, INT_MIN);
	SAME("%i %i", 42, -42);
	SAME("%lld %lld", (long long)INT64_MIN, (long long)INT64_MAX);
	SAME("%ld %ld", LONG_MIN, LONG_MAX);
	SAME("%hhd %hhd %hhd", 200, -128, 127);
	SAME("%hd %hd", 70000, -32768);
	SAME("%zd", (size_t)-5);
	SAME("%jd %td", (intmax_t)INT64_MIN, (ptrdiff_t)-7);
}

static void unsigned_conversions_match_libc(void **state)
{
	(void)state;
	SAME("%u %u", 0u, UINT_MAX);
	SAME("%llu %lu", (unsigned long long)UINT64_MAX, ULONG_MAX);
	SAME("%zu %zx", (size_t)SIZE_MAX, (size_t)0x1234);
	SAME("%hhu %hhx %hu %hx", 300, 0x1ff, 70000, 0x12345);
	SAME("%x %X %o", 0xdeadbeefu, 0xdeadbeefu, 0777u);
	SAME("%llx %llX %llo", 0xfedcba9876543210ull, 0xfedcba9876543210ull, (unsigned long long)UINT64_MAX);
	SAME("%#x %#X %#o", 0x1fu, 0x1fu, 8u);
	SAME("%#x %#o %#X", 0u, 0u, 0u);
}

/* Odd flag combinations are the point here; gcc would flag them. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
static void flags_match_libc(void **state)
{
	(void)state;
	SAME("[%-5d] [%05d] [%+d] [% d] [%+ d]", 42, 42, 42, 42, 42);
	SAME("[%-05d] [%05.3d] [%+05d] [% 05d] [%05d]", -42, -42, 42, 42, -42);
	SAME("[%#010x] [%#-10x] [%#10X] [%010X]", 0xabu, 0xabu, 0xabu, 0xabu);
	SAME("[%#5o] [%#05o] [%-#8o]", 8u, 8u, 0u);
	SAME("[%+u] [% u] [%+x]", 5u, 5u, 5u);          /* sign flags ignored for unsigned */
	SAME("[%+lld] [% lld]", (long long)INT64_MIN, 0ll);
	SAME("[%0-8d] [%-08d]", 7, 7);
}
#pragma GCC diagnostic pop

static void width_and_precision_match_libc(void **state)
{
	(void)state;
	SAME("[%.0d] [%5.0d] [%-5.0d] [%.0x] [%.0u]", 0, 0, 0, 0u, 0u);
	SAME("[%#.0o] [%#.0x] [%.0o]", 0u, 0u, 0u);
	SAME("[%.10d] [%12.10d] [%-12.10d] [%.3d]", -123, -123, 123, 123456);
	SAME("[%#.8x] [%#12.8x] [%.5o] [%#.5o]", 0xabu, 0xabu, 8u, 8u);
	SAME("[%*d] [%-*d] [%*d]", 6, 42, 6, 42, -6, 42);
	SAME("[%.*d] [%.*d] [%*.*d]", 5, 42, -1, 42, 8, 4, -3);
	SAME("[%.*d]", -5, 0);
	SAME("[%%]");
	SAME("[%1000d]", 1);
	SAME("[%-300s]", "left");
}

static void strings_and_chars_match_libc(void **state)
{
	(void)state;
	SAME("[%s] [%10s] [%-10s] [%.3s] [%10.3s] [%.0s]", "hello", "hello", "hello", "hello", "hello", "hello");
	SAME("[%.*s] [%*s] [%-*s]", 2, "abcdef", -6, "ab", 4, "ab");
	SAME("[%s]", "");
	SAME("[%c] [%5c] [%-5c] [%c]", 'a', 'b', 'c', 0x141);
	SAME("100%% sure, %s%%", "or 99");
	SAME("no conversions at all");
	SAME("%s", "a string longer than several of the buffer sizes used for comparison");
}

static void null_string_prints_null_cut_by_precision(void **state)
{
	(void)state;
	const char *volatile null = NULL;  /* hidden from -Wformat-overflow */
	EXPECT("(null)", "%s", null);
	EXPECT("[    (null)]", "[%10s]", null);
	EXPECT("(nu", "%.3s", null);
	EXPECT("", "%.0s", null);
}

static void pointer_prints_0x_and_16_hex_digits(void **state)
{
	(void)state;
	EXPECT("0x00000000deadbeef", "%p", (void *)0xdeadbeefUL);
	EXPECT("0x0000000000000000", "%p", (void *)0);
	EXPECT("0xffff800000001000", "%p", (void *)0xffff800000001000UL);
	EXPECT("[  0x0000000000000001]", "[%20p]", (void *)1);
	EXPECT("[0x0000000000000001  ]", "[%-20p]", (void *)1);
}

static void truncates_at_buffer_size_and_returns_full_length(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'x', sizeof buf);
	assert_int_equal(ksnprintf(buf, 4, "%d", 123456), 6);
	assert_string_equal(buf, "123");
	assert_int_equal(buf[4], 'x');

	memset(buf, 'x', sizeof buf);
	assert_int_equal(ksnprintf(buf, 1, "%s", "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'x');

	memset(buf, 'x', sizeof buf);
	assert_int_equal(ksnprintf(buf, 0, "%s", "abc"), 3);
	assert_int_equal(buf[0], 'x');

	assert_int_equal(ksnprintf(NULL, 0, "%08x%s", 1u, "tail"), 12);

	/* Width truncated by the buffer: still counted in full. */
	memset(buf, 'x', sizeof buf);
	assert_int_equal(ksnprintf(buf, sizeof buf, "%100d", -1), 100);
	assert_string_equal(buf, "       ");
}

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-overflow"
static void huge_width_counts_without_writing(void **state)
{
	(void)state;
	char buf[4];
	assert_int_equal(ksnprintf(buf, sizeof buf, "%*d", 100000000, 5), 100000000);
	assert_string_equal(buf, "   ");
	/* Widths past INT_MAX saturate, and a length past INT_MAX is -1. */
	assert_int_equal(ksnprintf(buf, sizeof buf, "%99999999999d", 5), INT_MAX);
	assert_int_equal(ksnprintf(buf, sizeof buf, "x%99999999999d", 5), -1);
}
#pragma GCC diagnostic pop

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat"
#pragma GCC diagnostic ignored "-Wformat-extra-args"
static void unknown_conversion_is_copied_verbatim(void **state)
{
	(void)state;
	char buf[32];
	assert_int_equal(ksnprintf(buf, sizeof buf, "a%yb"), 4);
	assert_string_equal(buf, "a%yb");
	assert_int_equal(ksnprintf(buf, sizeof buf, "[%-5y]"), 6);
	assert_string_equal(buf, "[%-5y]");
	assert_int_equal(ksnprintf(buf, sizeof buf, "end%"), 4);
	assert_string_equal(buf, "end%");
	assert_int_equal(ksnprintf(buf, sizeof buf, "end%-08"), 7);
	assert_string_equal(buf, "end%-08");
}
#pragma GCC diagnostic pop

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signed_decimal_matches_libc),
		cmocka_unit_test(unsigned_conversions_match_libc),
		cmocka_unit_test(flags_match_libc),
		cmocka_unit_test(width_and_precision_match_libc),
		cmocka_unit_test(strings_and_chars_match_libc),
		cmocka_unit_test(null_string_prints_null_cut_by_precision),
		cmocka_unit_test(pointer_prints_0x_and_16_hex_digits),
		cmocka_unit_test(truncates_at_buffer_size_and_returns_full_length),
		cmocka_unit_test(huge_width_counts_without_writing),
		cmocka_unit_test(unknown_conversion_is_copied_verbatim),
	};
	return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
