/* The console font: printable ASCII glyphs, generated at build time by
 * tools/psf2c.py from a Debian console font (README.md, "Framebuffer console"). */
#ifndef KERNEL_FONT_H
#define KERNEL_FONT_H

#include "kernel/types.h"

#define FONT_MAX_HEIGHT 16

struct font {
	u8 width, height;            /* pixels; width <= 8 */
	u8 first, last;              /* the characters glyph[] holds */
	u8 glyph[0x7f - 0x20][FONT_MAX_HEIGHT];   /* one byte a row, bit 7 leftmost */
};

extern const struct font font_console;

#endif
