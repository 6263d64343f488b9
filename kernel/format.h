/* printf-style formatting into a bounded buffer, for the kernel's print and log.
 * Pure: no output, no state; the caller decides where the text goes.
 *
 * Semantics follow C17 7.21.6.1 (fprintf) and 7.21.6.12 (vsnprintf):
 *  - the return value is the length the full output would have had, excluding
 *    the NUL; -1 if that length exceeds INT_MAX;
 *  - at most size-1 characters are stored and the result is always
 *    NUL-terminated when size > 0; buf may be NULL when size == 0.
 * Supported: %d %i %u %x %X %o %s %c %p %%; length modifiers hh h l ll z
 * (also j t); flags - 0 space + #; width and precision, either may be '*'.
 * Differences from glibc, on purpose:
 *  - %s of NULL prints "(null)", cut by the precision like any string;
 *  - %p always prints "0x" and 16 hex digits (NULL too), so addresses line up;
 *  - an unknown conversion is copied to the output verbatim ("%y" -> "%y").
 * No floating point: the kernel is built with -mgeneral-regs-only. */
#ifndef KERNEL_FORMAT_H
#define KERNEL_FORMAT_H

#include <stdarg.h>
#include "kernel/types.h"

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
int ksnprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report writers that hand out one line at a time (the capability decode, the
 * machine description, their differences): format a line of at most
 * FORMAT_LINE_MAX - 1 characters, hand it to line(ctx), count it in *n. */
typedef void (*format_line_fn)(const char *line, void *ctx);
#define FORMAT_LINE_MAX 240
void format_line(format_line_fn line, void *ctx, size_t *n, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
