/* Bookkeeping of the UARTs in use (see serial_ports.h). */
#include "kernel/serial_ports.h"
#include "kernel/format.h"
#include "kernel/lib.h"

static const char *legacy_name(u16 port)
{
	static const struct { u16 port; const char *name; } com[] = {
		{ 0x3f8, "COM1" }, { 0x2f8, "COM2" }, { 0x3e8, "COM3" }, { 0x2e8, "COM4" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(com); i++)
		if (com[i].port == port)
			return com[i].name;
	return 0;
}

struct uart_port *uart_set_find(struct uart_set *s, bool mmio, u64 base)
{
	for (u32 i = 0; i < s->count; i++)
		if (s->port[i].mmio == mmio && s->port[i].base == base)
			return &s->port[i];
	return 0;
}

/* Is source one of the ", "-separated tags? */
static bool has_tag(const char *tags, const char *source)
{
	size_t n = strlen(source);
	for (const char *t = tags; *t;) {
		const char *end = t;
		while (*end && *end != ',')
			end++;
		if ((size_t)(end - t) == n && !memcmp(t, source, n))
			return true;
		t = *end ? end + 1 : end;   /* past ", " */
		while (*t == ' ')
			t++;
	}
	return false;
}

void uart_port_tag(struct uart_port *u, const char *source)
{
	if (!source || !*source || has_tag(u->tags, source))
		return;
	size_t len = strlen(u->tags);
	ksnprintf(u->tags + len, sizeof(u->tags) - len, "%s%s", len ? ", " : "", source);
}

struct uart_port *uart_set_prepare(struct uart_set *s, bool mmio, u64 base, u8 width, u8 shift,
				   const char *source)
{
	if (s->count >= SERIAL_MAX_PORTS)
		return 0;
	struct uart_port *u = &s->port[s->count];
	*u = (struct uart_port){ .mmio = mmio, .base = base, .width = 1 };
	if (mmio && (width == 1 || width == 2 || width == 4)) {
		u->width = width;
		u->shift = shift;
	}
	const char *com = mmio ? 0 : legacy_name((u16)base);
	if (com && base <= 0xffff)
		ksnprintf(u->name, sizeof(u->name), "%s 0x%lx", com, base);
	else
		ksnprintf(u->name, sizeof(u->name), "%s 0x%lx", mmio ? "MMIO" : "I/O", base);
	uart_port_tag(u, source);
	return u;
}

void uart_port_set_fifo(struct uart_port *u, u8 iir)
{
	u->fifo = (iir & 0xc0) == 0xc0 ? 16 : 1;
	u->room = 0;
}

bool uart_port_must_wait(const struct uart_port *u)
{
	return u->room == 0;
}

void uart_port_refill(struct uart_port *u, bool drained)
{
	u->room = drained && u->fifo ? u->fifo : 1;
}

void uart_port_sent(struct uart_port *u)
{
	u->bytes++;
	if (u->room)
		u->room--;
}

void uart_set_commit(struct uart_set *s, struct uart_port *u)
{
	u->active = !u->dropped;
	s->count++;
}

bool uart_port_wait_result(struct uart_port *u, bool drained)
{
	if (drained) {
		u->timeouts = 0;
		return false;
	}
	if (++u->timeouts < SERIAL_MAX_TIMEOUTS)
		return false;
	u->active = false;
	u->dropped = true;
	return true;
}

int uart_set_describe(const struct uart_set *s, char *buf, size_t n)
{
	int len = 0;
	if (n)
		buf[0] = 0;
	for (u32 i = 0; i < s->count; i++) {
		const struct uart_port *u = &s->port[i];
		size_t at = (size_t)len < n ? (size_t)len : n;
		len += ksnprintf(buf + at, n - at, "%s%s%s%s%s%s", len ? ", " : "", u->name,
				 u->tags[0] ? " (" : "", u->tags, u->tags[0] ? ")" : "",
				 u->dropped ? " (dropped: stopped draining)" : "");
	}
	return len;
}

bool uart_set_take_note(struct uart_set *s, char *buf, size_t n)
{
	for (u32 i = 0; i < s->count; i++) {
		struct uart_port *u = &s->port[i];
		if (u->dropped && !u->noted) {
			u->noted = true;
			ksnprintf(buf, n, "serial: %s stopped draining after %lu bytes (%u waits of %u us in a row "
				  "gave up, LSR 0x%x, %lu us lost): no more output to it\n", u->name, u->bytes,
				  SERIAL_MAX_TIMEOUTS, SERIAL_BYTE_WAIT_US, u->last_lsr, u->lost_us);
			return true;
		}
	}
	return false;
}
