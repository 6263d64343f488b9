/* Mirror of the serial log on the 80x25 VGA text screen (legacy BIOS boots only). */
#include "kernel/vga.h"
#include "kernel/types.h"
#include "kernel/lib.h"
#include "arch/x86_64/cpu.h"
#include "kernel/kprintf.h"

#define VGA_TEXT ((volatile u16 *)0xb8000)
#define COLS 80
#define ROWS 25
#define ATTR 0x0700   /* light grey on black */
#define CRTC_INDEX 0x3d4
#define CRTC_DATA  0x3d5

static bool enabled;
static int row, col;
static bool moved;   /* the cursor is behind: vga_flush() puts it where the next character goes */

/* The hardware cursor where the next character goes, so typing at the
 * console shows where it lands (CRTC registers 0x0e/0x0f). */
static void cursor(void)
{
	int pos = row * COLS + (col < COLS ? col : COLS - 1);
	outb(CRTC_INDEX, 0x0f);
	outb(CRTC_DATA, (u8)pos);
	outb(CRTC_INDEX, 0x0e);
	outb(CRTC_DATA, (u8)(pos >> 8));
}

bool vga_enabled(void)
{
	return enabled;
}

void vga_enable(void)
{
	enabled = true;
	for (int i = 0; i < COLS * ROWS; i++)
		VGA_TEXT[i] = ATTR | ' ';
	row = col = 0;
	outb(CRTC_INDEX, 0x0a);          /* cursor on, scan lines 14-15 (an underline) */
	outb(CRTC_DATA, 0x0e);
	outb(CRTC_INDEX, 0x0b);
	outb(CRTC_DATA, 0x0f);
	cursor();
	size_t len;
	const char *log = klog_buffer(&len);   /* the lines printed before, so the screen has them all */
	for (size_t i = 0; i < len; i++)
		vga_putc(log[i]);
	vga_flush();
}

/* Two cells per access: a row is 160 bytes, so rows stay 4-byte aligned.
 * Per line printed, this loop is the mirror's main cost (1,920 cells):
 * under Bochs at 5 MHz the 16-bit loop took longer than the UART's FIFO
 * lasts, and COM1 stood idle. (A copy in RAM that writes only the cells a
 * scroll changes took more instructions, and so 1.3 s more emulated time
 * in a 4-CPU Bochs report, than reading and writing every cell.) */
static void scroll(void)
{
	volatile u32 *cells = (volatile u32 *)VGA_TEXT;
	for (int i = 0; i < COLS * (ROWS - 1) / 2; i++)
		cells[i] = cells[i + COLS / 2];
	for (int i = 0; i < COLS / 2; i++)
		cells[COLS * (ROWS - 1) / 2 + i] = (u32)(ATTR | ' ') << 16 | (ATTR | ' ');
	row = ROWS - 1;
}

static void put(char c)
{
	if (c == '\n') {
		col = 0;
		if (++row == ROWS)
			scroll();
		return;
	}
	if (c == '\r')
		return;
	if (c == '\b') {                  /* the console's "\b \b" erase */
		if (col > 0) {
			col--;
		} else if (row > 0) {
			row--;
			col = COLS - 1;
		}
		return;
	}
	if (col == COLS) {
		col = 0;
		if (++row == ROWS)
			scroll();
	}
	VGA_TEXT[row * COLS + col++] = ATTR | (u8)c;
}

void vga_putc(char c)
{
	if (!enabled)
		return;
	put(c);
	moved = true;
}

/* The hardware cursor once per print rather than per character: four port
 * writes (CRTC index and data, twice) for each character were most of the
 * mirror's device accesses. */
void vga_flush(void)
{
	if (enabled && moved) {
		moved = false;
		cursor();
	}
}
