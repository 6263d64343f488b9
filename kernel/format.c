/* printf-style formatting; see format.h for the contract and C17 7.21.6.1
 * for the meaning of every flag.  Everything is computed in size_t so that
 * huge widths and precisions (up to INT_MAX) cannot overflow. */
#include "kernel/format.h"
#include "kernel/lib.h"

#define FMT_INT_MAX 0x7fffffff

/* Where the characters go: buf[0..size-1], the last byte kept for the NUL.
 * len counts every character produced, stored or not. */
struct out {
	char *buf;
	size_t size;
	size_t len;
};

/* One parsed conversion specification (7.21.6.1p4). */
struct spec {
	bool left;      /* '-' */
	bool zero;      /* '0' */
	bool space;     /* ' ' */
	bool plus;      /* '+' */
	bool alt;       /* '#' */
	size_t width;   /* 0: none */
	long prec;      /* -1: none */
	char length;    /* 0, 'H' (hh), 'h', 'l', 'L' (ll), 'z', 'j', 't' */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

/* n copies of c; past the end of the buffer only the count moves. */
static void pad(struct out *o, char c, size_t n)
{
	while (n && o->len + 1 < o->size) {
		o->buf[o->len++] = c;
		n--;
	}
	o->len += n;
}

static void put_mem(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
}

/* Decimal digits of a width or precision, saturating at INT_MAX. */
static size_t parse_decimal(const char **p)
{
	size_t v = 0;
	while (**p >= '0' && **p <= '9') {
		v = v * 10 + (size_t)(**p - '0');
		if (v > FMT_INT_MAX)
			v = FMT_INT_MAX;
		(*p)++;
	}
	return v;
}

/* Characters s[0..n-1], padded to the width; used by %s and %c. */
static void fmt_chars(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	size_t padn = sp->width > n ? sp->width - n : 0;
	if (!sp->left)
		pad(o, ' ', padn);
	put_mem(o, s, n);
	if (sp->left)
		pad(o, ' ', padn);
}

static void fmt_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = 0;
	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	fmt_chars(o, sp, s, n);
}

/* An integer: [pad][sign or 0x][zeros][digits][pad].
 * mag is the magnitude, neg its sign (signed conversions only). */
static void fmt_integer(struct out *o, const struct spec *sp, u64 mag, bool neg,
			bool is_signed, unsigned base, bool upper, bool force_0x)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24];        /* 2^64 in octal is 22 digits */
	size_t nd = 0;
	for (u64 v = mag; v; v /= base)
		digits[nd++] = set[v % base];

	/* 7.21.6.1p8: the precision is the minimum number of digits; the
	 * default is 1, and 0 converted with precision 0 gives no digits. */
	size_t zeros = 0;
	if (sp->prec < 0)
		zeros = nd == 0;
	else if ((size_t)sp->prec > nd)
		zeros = (size_t)sp->prec - nd;
	/* '#' with o: increase the precision so the first digit is a zero. */
	if (sp->alt && base == 8 && zeros == 0)
		zeros = 1;

	char prefix[2];
	size_t np = 0;
	if (is_signed && neg)
		prefix[np++] = '-';
	else if (is_signed && sp->plus)
		prefix[np++] = '+';
	else if (is_signed && sp->space)
		prefix[np++] = ' ';
	if (force_0x || (sp->alt && base == 16 && mag != 0)) {
		prefix[np++] = '0';
		prefix[np++] = upper ? 'X' : 'x';
	}

	size_t body = np + zeros + nd;
	size_t padn = sp->width > body ? sp->width - body : 0;
	/* '0' pads with zeros after the sign, unless '-' or a precision. */
	if (!sp->left && sp->zero && sp->prec < 0) {
		zeros += padn;
		padn = 0;
	}
	if (!sp->left)
		pad(o, ' ', padn);
	put_mem(o, prefix, np);
	pad(o, '0', zeros);
	while (nd)
		put(o, digits[--nd]);
	if (sp->left)
		pad(o, ' ', padn);
}

static u64 arg_unsigned(va_list *ap, char length)
{
	switch (length) {
	case 'H': return (unsigned char)va_arg(*ap, unsigned int);
	case 'h': return (unsigned short)va_arg(*ap, unsigned int);
	case 'l': return va_arg(*ap, unsigned long);
	case 'L': return va_arg(*ap, unsigned long long);
	case 'z': return va_arg(*ap, size_t);
	case 'j': return va_arg(*ap, uintmax_t);
	case 't': return (u64)va_arg(*ap, ptrdiff_t);
	default:  return va_arg(*ap, unsigned int);
	}
}

static s64 arg_signed(va_list *ap, char length)
{
	switch (length) {
	case 'H': return (signed char)va_arg(*ap, int);
	case 'h': return (short)va_arg(*ap, int);
	case 'l': return va_arg(*ap, long);
	case 'L': return va_arg(*ap, long long);
	case 'z': return (s64)va_arg(*ap, size_t);  /* the signed type of size_t */
	case 'j': return va_arg(*ap, intmax_t);
	case 't': return va_arg(*ap, ptrdiff_t);
	default:  return va_arg(*ap, int);
	}
}

/* Flags, width, precision and length of the specification at *p. */
static void parse_spec(const char **p, va_list *ap, struct spec *sp)
{
	*sp = (struct spec){ .prec = -1 };
	for (;; (*p)++) {
		char c = **p;
		if (c == '-')      sp->left = true;
		else if (c == '0') sp->zero = true;
		else if (c == ' ') sp->space = true;
		else if (c == '+') sp->plus = true;
		else if (c == '#') sp->alt = true;
		else break;
	}
	if (**p == '*') {
		/* 7.21.6.1p5: a negative width argument is '-' and a positive width. */
		int w = va_arg(*ap, int);
		(*p)++;
		if (w < 0) {
			sp->left = true;
			sp->width = w == -FMT_INT_MAX - 1 ? FMT_INT_MAX : (size_t)-w;
		} else {
			sp->width = (size_t)w;
		}
	} else {
		sp->width = parse_decimal(p);
	}
	if (**p == '.') {
		(*p)++;
		if (**p == '*') {
			/* A negative precision argument is taken as if omitted. */
			int pr = va_arg(*ap, int);
			(*p)++;
			sp->prec = pr < 0 ? -1 : pr;
		} else {
			sp->prec = (long)parse_decimal(p);
		}
	}
	char c = **p;
	if (c == 'h' || c == 'l') {
		(*p)++;
		if (**p == c) {
			(*p)++;
			c = c == 'h' ? 'H' : 'L';
		}
		sp->length = c;
	} else if (c == 'z' || c == 'j' || c == 't') {
		(*p)++;
		sp->length = c;
	}
}

/* One conversion whose letter is *p; false if the letter is unknown. */
static bool convert(struct out *o, const struct spec *sp, char conv, va_list *ap)
{
	switch (conv) {
	case 'd':
	case 'i': {
		s64 v = arg_signed(ap, sp->length);
		u64 mag = v < 0 ? (u64)0 - (u64)v : (u64)v;
		fmt_integer(o, sp, mag, v < 0, true, 10, false, false);
		return true;
	}
	case 'u':
		fmt_integer(o, sp, arg_unsigned(ap, sp->length), false, false, 10, false, false);
		return true;
	case 'x':
	case 'X':
		fmt_integer(o, sp, arg_unsigned(ap, sp->length), false, false, 16, conv == 'X', false);
		return true;
	case 'o':
		fmt_integer(o, sp, arg_unsigned(ap, sp->length), false, false, 8, false, false);
		return true;
	case 'p': {
		struct spec p16 = *sp;
		p16.prec = 16;
		p16.alt = false;
		fmt_integer(o, &p16, (u64)(uintptr_t)va_arg(*ap, void *), false, false, 16, false, true);
		return true;
	}
	case 's':
		fmt_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'c': {
		char ch = (char)va_arg(*ap, int);
		fmt_chars(o, sp, &ch, 1);
		return true;
	}
	case '%':
		put(o, '%');
		return true;
	default:
		return false;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = buf ? size : 0, .len = 0 };
	va_list args;
	va_copy(args, ap);
	for (const char *p = fmt; *p; p++) {
		if (*p != '%') {
			put(&o, *p);
			continue;
		}
		const char *start = p++;
		struct spec sp;
		parse_spec(&p, &args, &sp);
		if (*p == '\0') {
			/* A lone '%' (or a cut-off spec) at the end: copy it, stop. */
			put_mem(&o, start, (size_t)(p - start));
			break;
		}
		if (!convert(&o, &sp, *p, &args))
			put_mem(&o, start, (size_t)(p - start) + 1);
	}
	va_end(args);
	if (o.size > 0)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len > FMT_INT_MAX ? -1 : (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

void format_line(format_line_fn line, void *ctx, size_t *n, const char *fmt, ...)
{
	char buf[FORMAT_LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	line(buf, ctx);
	(*n)++;
}
