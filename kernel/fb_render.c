/* Text on a linear framebuffer: see fb_render.h. Pure: touches only the
 * surface memory and the grids it is given. */
#include "kernel/fb_render.h"
#include "kernel/lib.h"

const char *fb_surface_problem(const struct fb_surface *s)
{
	if (!s->base)
		return "no framebuffer address";
	if (s->bpp != 16 && s->bpp != 24 && s->bpp != 32)
		return "unsupported bits per pixel (16, 24 and 32 are drawn)";
	if (!s->width || !s->height)
		return "zero width or height";
	if ((u64)s->pitch < (u64)s->width * (s->bpp / 8))
		return "pitch smaller than a line of pixels";
	const u8 pos[3] = { s->red_pos, s->green_pos, s->blue_pos };
	const u8 size[3] = { s->red_size, s->green_size, s->blue_size };
	for (int i = 0; i < 3; i++)
		if (!size[i] || size[i] > 16 || pos[i] + size[i] > s->bpp)
			return "a colour field is empty or lies outside the pixel";
	return 0;
}

static u32 field(u8 v, u8 pos, u8 size)
{
	u32 x = size <= 8 ? (u32)v >> (8 - size) : (u32)v << (size - 8);
	return x << pos;
}

u32 fb_pixel(const struct fb_surface *s, u8 r, u8 g, u8 b)
{
	return field(r, s->red_pos, s->red_size) | field(g, s->green_pos, s->green_size) |
	       field(b, s->blue_pos, s->blue_size);
}

static void put_pixels(u8 *p, u8 bpp, u32 pix, u32 n)
{
	switch (bpp) {
	case 32:
		for (u32 i = 0; i < n; i++)
			((u32 *)p)[i] = pix;
		break;
	case 16:
		for (u32 i = 0; i < n; i++)
			((u16 *)p)[i] = (u16)pix;
		break;
	default:
		for (u32 i = 0; i < n; i++, p += 3) {
			p[0] = (u8)pix;
			p[1] = (u8)(pix >> 8);
			p[2] = (u8)(pix >> 16);
		}
	}
}

void fb_fill(const struct fb_surface *s, u32 pix)
{
	for (u32 y = 0; y < s->height; y++)
		put_pixels(s->base + (u64)y * s->pitch, s->bpp, pix, s->width);
}

/* shown when the font has no glyph: a hollow box, never mistaken for text */
static const u8 *glyph_of(const struct font *f, char c, u8 *box)
{
	u8 ch = (u8)c;
	if (ch >= f->first && ch <= f->last)
		return f->glyph[ch - f->first];
	for (u32 y = 0; y < f->height; y++)
		box[y] = y == 1 || y + 2 == f->height ? 0xfe : (y > 1 && y + 2 < f->height ? 0x82 : 0);
	return box;
}

void fb_draw_cell(const struct fb_surface *s, const struct font *f, u32 col, u32 row, char c,
		  u32 fg, u32 bg)
{
	u8 box[FONT_MAX_HEIGHT];
	const u8 *g = glyph_of(f, c, box);
	u32 bytes = s->bpp / 8;
	u8 *line = s->base + (u64)row * f->height * s->pitch + (u64)col * f->width * bytes;
	if (s->bpp == 32 && f->width == 8 && !((uintptr_t)line & 7) && !(s->pitch & 7)) {
		/* the common case: two pixels a 64-bit store, no branch per pixel */
		/* index bit 0: the left pixel (low address, low half), bit 1: the right one */
		const u64 pair[4] = { (u64)bg << 32 | bg, (u64)bg << 32 | fg, (u64)fg << 32 | bg, (u64)fg << 32 | fg };
		for (u32 y = 0; y < f->height; y++, line += s->pitch) {
			u64 *p = (u64 *)line;
			u8 b = g[y];
			p[0] = pair[(b >> 6 & 1) << 1 | (b >> 7)];
			p[1] = pair[(b >> 4 & 1) << 1 | (b >> 5 & 1)];
			p[2] = pair[(b >> 2 & 1) << 1 | (b >> 3 & 1)];
			p[3] = pair[(b & 1) << 1 | (b >> 1 & 1)];
		}
		return;
	}
	for (u32 y = 0; y < f->height; y++, line += s->pitch) {
		u8 *p = line;
		for (u32 x = 0; x < f->width; x++, p += bytes)
			put_pixels(p, s->bpp, g[y] & (0x80 >> x) ? fg : bg, 1);
	}
}

bool fb_text_init(struct fb_text *t, const struct fb_surface *s, const struct font *f,
		  char *grid, char *shown, u32 cap)
{
	memset(t, 0, sizeof(*t));
	if (fb_surface_problem(s) || !f->width || f->width > 8 || !f->height || f->height > FONT_MAX_HEIGHT)
		return false;
	t->s = *s;
	t->font = f;
	t->cols = s->width / f->width;
	t->rows = s->height / f->height;
	if (!t->cols || !t->rows || !cap)
		return false;
	if (t->cols > cap)
		t->cols = cap;
	if ((u64)t->cols * t->rows > cap)
		t->rows = cap / t->cols;
	t->grid = grid;
	t->shown = shown;
	t->fg = fb_pixel(s, 0xaa, 0xaa, 0xaa);   /* light grey on black, as VGA text */
	t->bg = fb_pixel(s, 0, 0, 0);
	t->scroll_step = t->rows > 3 ? t->rows / 2 : 1;
	memset(grid, ' ', (size_t)t->cols * t->rows);
	memset(shown, ' ', (size_t)t->cols * t->rows);
	fb_fill(s, t->bg);
	return true;
}

/* Jump scroll: half a screen at a time keeps the cost per line low (a full
 * redraw every rows/2 lines instead of one per line), and only changed cells
 * are drawn again. */
static void scroll(struct fb_text *t)
{
	u32 step = t->scroll_step, keep = t->rows - step;
	memmove(t->grid, t->grid + (size_t)step * t->cols, (size_t)keep * t->cols);
	memset(t->grid + (size_t)keep * t->cols, ' ', (size_t)step * t->cols);
	for (u32 i = 0; i < t->cols * t->rows; i++) {
		if (t->grid[i] == t->shown[i])
			continue;
		fb_draw_cell(&t->s, t->font, i % t->cols, i / t->cols, t->grid[i], t->fg, t->bg);
		t->shown[i] = t->grid[i];
		t->cells_drawn++;
	}
	t->cy = keep;
}

static void newline(struct fb_text *t)
{
	t->cx = 0;
	if (++t->cy >= t->rows)
		scroll(t);
}

void fb_text_putc(struct fb_text *t, char c)
{
	if (!t->grid)
		return;
	if (c == '\n') {
		newline(t);
		return;
	}
	if (c == '\r')
		return;
	if (c == '\b') {   /* the console's erase is "\b \b": back one cell, across a wrap too */
		if (t->cx > 0) {
			t->cx--;
		} else if (t->cy > 0) {
			t->cy--;
			t->cx = t->cols - 1;
		}
		return;
	}
	if (t->cx >= t->cols)
		newline(t);
	if (t->cy >= t->rows || t->cx >= t->cols)
		return;   /* only if two CPUs drew at once (a panic that could not take the print lock) */
	u32 i = t->cy * t->cols + t->cx++;
	t->grid[i] = c;
	if (t->shown[i] != c) {
		fb_draw_cell(&t->s, t->font, i % t->cols, i / t->cols, c, t->fg, t->bg);
		t->shown[i] = c;
		t->cells_drawn++;
	}
}
