/* Mirror of the serial log on the 80x25 VGA text screen (legacy BIOS boots only). */
#include "kernel/vga.h"
#include "kernel/types.h"
#include "kernel/lib.h"
#include "kernel/kprintf.h"

#define VGA_TEXT ((volatile u16 *)0xb8000)
#define COLS 80
#define ROWS 25
#define ATTR 0x0700   /* light grey on black */

static bool enabled;
static int row, col;

void vga_enable(void)
{
	enabled = true;
	for (int i = 0; i < COLS * ROWS; i++)
		VGA_TEXT[i] = ATTR | ' ';
	row = col = 0;
	size_t len;
	const char *log = klog_buffer(&len);   /* the lines printed before, so the screen has them all */
	for (size_t i = 0; i < len; i++)
		vga_putc(log[i]);
}

static void scroll(void)
{
	for (int i = 0; i < COLS * (ROWS - 1); i++)
		VGA_TEXT[i] = VGA_TEXT[i + COLS];
	for (int i = 0; i < COLS; i++)
		VGA_TEXT[COLS * (ROWS - 1) + i] = ATTR | ' ';
	row = ROWS - 1;
}

void vga_putc(char c)
{
	if (!enabled)
		return;
	if (c == '\n') {
		col = 0;
		if (++row == ROWS)
			scroll();
		return;
	}
	if (c == '\r')
		return;
	if (col == COLS) {
		col = 0;
		if (++row == ROWS)
			scroll();
	}
	VGA_TEXT[row * COLS + col++] = ATTR | (u8)c;
}
