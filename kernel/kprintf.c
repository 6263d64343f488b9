/*
 * Kernel output: format into a local buffer, then write it out under one
 * lock so lines of different CPUs never interleave. Everything goes to every
 * serial port in use (kernel/serial.c), the VGA mirror and an in-memory log.
 */
#include <stdarg.h>
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/serial.h"
#include "kernel/spinlock.h"
#include "kernel/vga.h"
#include "kernel/fbcon.h"
#include "arch/x86_64/percpu.h"

#define LINE_MAX 1024
#define KLOG_SIZE (128 * 1024)

static struct spinlock out_lock;
static volatile int out_owner = -1;   /* CPU index holding out_lock */
static volatile bool panic_mode;
static bool prefix_on;
static char klog[KLOG_SIZE];
static size_t klog_len;
static u64 klog_lost;   /* bytes printed after klog filled up */

void kprintf_panic_mode(void)
{
	panic_mode = true;
}

void kprintf_set_prefix(bool on)
{
	prefix_on = on;
}

u64 klog_lost_bytes(void)
{
	return klog_lost;
}

const char *klog_buffer(size_t *len)
{
	*len = klog_len;
	return klog;
}

static bool at_line_start = true;   /* the last character out was a newline */

static void emit(char c)
{
	at_line_start = c == '\n';
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
	vga_putc(c);
	fbcon_putc(c);
	if (klog_len < KLOG_SIZE)
		klog[klog_len++] = c;
	else
		klog_lost++;
}

static void emit_text(const char *s, bool prefixed)
{
	char pre[16];
	int n = 0;
	if (prefixed && prefix_on)
		n = ksnprintf(pre, sizeof(pre), "cpu%u: ", this_cpu()->index);
	bool line_start = true;
	for (; *s; s++) {
		if (line_start)
			for (int i = 0; i < n; i++)
				emit(pre[i]);
		emit(*s);
		line_start = *s == '\n';
	}
	vga_flush();
}

static void vprint(bool prefixed, u64 lock_spins, const char *fmt, va_list ap)
{
	char buf[LINE_MAX];
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	if (n >= (int)sizeof(buf))   /* cut: keep the line ending */
		buf[sizeof(buf) - 2] = '\n';
	int me = prefix_on ? (int)this_cpu()->index : 0;
	bool locked;
	if (panic_mode && out_owner == me)
		locked = false;   /* this CPU faulted while printing: the lock is ours, don't wait on it */
	else if (lock_spins || panic_mode)
		locked = spin_lock_bounded(&out_lock, lock_spins ? lock_spins : 50000000);
	else
		locked = (spin_lock(&out_lock), true);
	if (locked)
		out_owner = me;
	emit_text(buf, prefixed);
	if (locked) {
		out_owner = -1;
		spin_unlock(&out_lock);
	}
	/* a UART was dropped while printing: say so on a line of its own, so
	 * after a line printed in pieces ends (the note waits in the UART set) */
	char note[192];
	while (at_line_start && serial_take_note(note, sizeof(note)))
		kprintf("%s", note);
}

void kprintf_locked(void (*fn)(void *arg), void *arg)
{
	int me = prefix_on ? (int)this_cpu()->index : 0;
	spin_lock(&out_lock);
	out_owner = me;
	fn(arg);
	out_owner = -1;
	spin_unlock(&out_lock);
}

void kwrite(const char *s, size_t n)
{
	char chunk[LINE_MAX / 2];
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\r' && i + 1 < n && s[i + 1] == '\n')
			continue;   /* emit() turns the '\n' into CR LF again */
		if (s[i] == '\0')
			continue;
		chunk[len++] = s[i];
		if (len == sizeof(chunk) - 1 || i + 1 == n) {
			chunk[len] = '\0';
			kprintf_raw("%s", chunk);   /* the one locked path to every output */
			len = 0;
		}
	}
	if (len) {
		chunk[len] = '\0';
		kprintf_raw("%s", chunk);
	}
}

void kprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(true, 0, fmt, ap);
	va_end(ap);
}

void kprintf_raw(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(false, 0, fmt, ap);
	va_end(ap);
}

void kprintf_panic(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vprint(true, 50000000, fmt, ap);
	va_end(ap);
}

/* For interrupt and NMI handlers: print only if the lock can be had within
 * spins tries and this CPU does not hold it (the interrupted code may be in
 * the middle of a line). False: nothing printed, try again later. */
bool kprintf_try(u64 spins, const char *fmt, ...)
{
	char buf[LINE_MAX];
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n >= (int)sizeof(buf))
		buf[sizeof(buf) - 2] = '\n';
	int me = prefix_on ? (int)this_cpu()->index : 0;
	if (out_owner == me || !spin_lock_bounded(&out_lock, spins))
		return false;
	out_owner = me;
	emit_text(buf, true);
	out_owner = -1;
	spin_unlock(&out_lock);
	return true;
}
