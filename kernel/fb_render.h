/*
 * Text on a linear framebuffer (the multiboot2 framebuffer tag, type 8, RGB):
 * pure drawing into memory the caller owns, so a host test can render into a
 * buffer and read it back. 16, 24 and 32 bits per pixel with the colour field
 * positions and sizes the tag gives; the pitch is honoured.
 *
 * The text grid is the truth: each cell's character is kept in `grid`, what
 * is on screen in `shown`. Scrolling moves the grid up by `scroll_step` rows
 * and redraws only the cells whose character changed; the framebuffer is
 * never read.
 */
#ifndef KERNEL_FB_RENDER_H
#define KERNEL_FB_RENDER_H

#include "kernel/types.h"
#include "kernel/font.h"

struct fb_surface {
	u8 *base;
	u32 width, height, pitch;    /* pixels, pixels, bytes per line */
	u8 bpp;                      /* 16, 24 or 32 */
	u8 red_pos, red_size, green_pos, green_size, blue_pos, blue_size;
};

struct fb_text {
	struct fb_surface s;
	const struct font *font;
	u32 cols, rows, cx, cy;
	u32 fg, bg;                  /* pixel values (fb_pixel) */
	u32 scroll_step;             /* rows moved per scroll */
	char *grid, *shown;          /* cols * rows each */
	u64 cells_drawn;             /* glyphs drawn since init (for the cost figures) */
};

/* NULL when the surface can be drawn on, else why not (a plain sentence). */
const char *fb_surface_problem(const struct fb_surface *s);
/* An 8-bit-per-channel colour packed into the surface's pixel format. */
u32 fb_pixel(const struct fb_surface *s, u8 r, u8 g, u8 b);
/* Fill the whole surface with one pixel value. */
void fb_fill(const struct fb_surface *s, u32 pix);
/* Draw character c (a box for anything the font lacks) into cell (col, row). */
void fb_draw_cell(const struct fb_surface *s, const struct font *f, u32 col, u32 row, char c,
		  u32 fg, u32 bg);

/* Set up a text grid on s with grid/shown buffers of cap cells each: at most
 * cap cells are used (the rest of a huge screen stays blank). Clears the screen.
 * Returns false (t unusable) when the surface has a problem or not one cell fits. */
bool fb_text_init(struct fb_text *t, const struct fb_surface *s, const struct font *f,
		  char *grid, char *shown, u32 cap);
/* One character: '\n' ends the line, '\r' is ignored, long lines wrap. */
void fb_text_putc(struct fb_text *t, char c);

#endif
