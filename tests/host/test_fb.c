/* kernel/fb_render.c: text drawn into memory buffers in every pixel format the
 * framebuffer console takes, read back as text by matching each cell against
 * the same font exactly (tests/emu/fbtext.py does the same on a screendump). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/fb_render.h"

struct format {
	const char *name;
	u8 bpp, rp, rs, gp, gs, bp, bs;
};

static const struct format formats[] = {
	{ "x8r8g8b8", 32, 16, 8, 8, 8, 0, 8 },
	{ "x8b8g8r8", 32, 0, 8, 8, 8, 16, 8 },
	{ "r8g8b8", 24, 16, 8, 8, 8, 0, 8 },
	{ "b8g8r8", 24, 0, 8, 8, 8, 16, 8 },
	{ "r5g6b5", 16, 11, 5, 5, 6, 0, 5 },
	{ "x1r5g5b5", 16, 10, 5, 5, 5, 0, 5 },
	{ "x2r10g10b10", 32, 20, 10, 10, 10, 0, 10 },
};

static struct fb_surface make_surface(const struct format *f, u32 w, u32 h, u32 pad)
{
	struct fb_surface s = { 0 };
	s.width = w;
	s.height = h;
	s.bpp = f->bpp;
	s.pitch = w * (f->bpp / 8) + pad;
	s.red_pos = f->rp, s.red_size = f->rs;
	s.green_pos = f->gp, s.green_size = f->gs;
	s.blue_pos = f->bp, s.blue_size = f->bs;
	s.base = malloc((size_t)s.pitch * h);
	memset(s.base, 0x5a, (size_t)s.pitch * h);   /* garbage: init must clear it */
	return s;
}

static u32 get_px(const struct fb_surface *s, u32 x, u32 y)
{
	const u8 *p = s->base + (size_t)y * s->pitch + (size_t)x * (s->bpp / 8);
	switch (s->bpp) {
	case 32: return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
	case 24: return p[0] | p[1] << 8 | p[2] << 16;
	default: return p[0] | p[1] << 8;
	}
}

/* the character in cell (col, row): -2 when a pixel is neither fg nor bg,
 * -1 when the shape is no glyph of the font */
static int read_cell(const struct fb_surface *s, const struct font *f, u32 col, u32 row, u32 fg, u32 bg)
{
	u8 bits[FONT_MAX_HEIGHT] = { 0 };
	for (u32 y = 0; y < f->height; y++)
		for (u32 x = 0; x < f->width; x++) {
			u32 px = get_px(s, col * f->width + x, row * f->height + y);
			if (px == fg)
				bits[y] |= 0x80 >> x;
			else if (px != bg)
				return -2;
		}
	for (int c = f->first; c <= f->last; c++)
		if (!memcmp(bits, f->glyph[c - f->first], f->height))
			return c;
	return -1;
}

static void read_row(const struct fb_text *t, u32 row, char *out)
{
	for (u32 c = 0; c < t->cols; c++) {
		int ch = read_cell(&t->s, t->font, c, row, t->fg, t->bg);
		out[c] = ch >= 0 ? (char)ch : ch == -1 ? '?' : '!';
	}
	out[t->cols] = 0;
	for (int i = (int)t->cols - 1; i >= 0 && out[i] == ' '; i--)
		out[i] = 0;   /* trailing blanks */
}

static void puts_text(struct fb_text *t, const char *s)
{
	for (; *s; s++)
		fb_text_putc(t, *s);
}

#define CAP 4096
static char grid[CAP], shown[CAP];

static void every_format_draws_readable_text(void **state)
{
	(void)state;
	const char *summary = "vmxboot: summary result=PASS cpus_found=4";
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct fb_surface s = make_surface(&formats[i], 8 * 50 + 3, 16 * 6 + 5, 20);
		struct fb_text t;
		assert_true(fb_text_init(&t, &s, &font_console, grid, shown, CAP));
		assert_int_equal(t.cols, 50);
		assert_int_equal(t.rows, 6);
		assert_int_not_equal(t.fg, t.bg);
		puts_text(&t, "cpu0: vmxboot 0.1: bare-metal VT-x bring-up\r\n");
		puts_text(&t, summary);
		char row[64];
		read_row(&t, 0, row);
		assert_string_equal(row, "cpu0: vmxboot 0.1: bare-metal VT-x bring-up");
		read_row(&t, 1, row);
		assert_string_equal(row, summary);
		read_row(&t, 2, row);
		assert_string_equal(row, "");
		/* the padding after each line and the partial cells are background */
		for (u32 y = 0; y < s.height; y++)
			assert_int_equal(get_px(&s, s.width - 1, y), t.bg);
		assert_int_equal(s.base[s.pitch - 1], 0x5a);   /* the pitch padding is never written */
		free(s.base);
	}
}

static void pixel_values_follow_the_field_positions(void **state)
{
	(void)state;
	struct fb_surface s = make_surface(&formats[4], 8, 16, 0);   /* r5g6b5 */
	assert_int_equal(fb_pixel(&s, 0xaa, 0xaa, 0xaa), (0x15 << 11) | (0x2a << 5) | 0x15);
	assert_int_equal(fb_pixel(&s, 0xff, 0, 0), 0xf800);
	free(s.base);
	s = make_surface(&formats[1], 8, 16, 0);                     /* x8b8g8r8 */
	assert_int_equal(fb_pixel(&s, 0x12, 0x34, 0x56), 0x563412);
	free(s.base);
	s = make_surface(&formats[6], 8, 16, 0);                     /* 10 bits a channel */
	assert_int_equal(fb_pixel(&s, 0xff, 0, 0x01), (0x3fcu << 20) | 0x004);
	free(s.base);
}

static void lines_wrap_and_scroll_from_the_grid(void **state)
{
	(void)state;
	struct fb_surface s = make_surface(&formats[0], 8 * 10, 16 * 8, 0);
	struct fb_text t;
	assert_true(fb_text_init(&t, &s, &font_console, grid, shown, CAP));
	assert_int_equal(t.scroll_step, 4);
	puts_text(&t, "0123456789abc\n");            /* 13 characters on 10 columns */
	char row[16];
	read_row(&t, 0, row);
	assert_string_equal(row, "0123456789");
	read_row(&t, 1, row);
	assert_string_equal(row, "abc");
	u64 before = t.cells_drawn;
	char line[32];
	for (int n = 0; n < 30; n++) {
		snprintf(line, sizeof(line), "line %d\n", n);
		puts_text(&t, line);
	}
	/* the last lines are at the bottom, in order, and the cursor line is empty */
	int last_row = (int)t.cy - 1;
	read_row(&t, (u32)last_row, row);
	assert_string_equal(row, "line 29");
	read_row(&t, (u32)last_row - 1, row);
	assert_string_equal(row, "line 28");
	read_row(&t, t.cy, row);
	assert_string_equal(row, "");
	for (u32 r = 0; r < t.rows; r++) {   /* nothing left over from scrolled-off lines */
		read_row(&t, r, row);
		assert_true(row[0] == 0 || !strncmp(row, "line 2", 6) || !strcmp(row, "line 19") ||
			    !strcmp(row, "line 18"));
	}
	/* cheap: 30 lines of <= 7 characters plus at most one redraw of the grid per scroll */
	u64 scrolls = 32 / t.scroll_step + 1;
	assert_true(t.cells_drawn - before <= 30 * 7 + scrolls * t.cols * t.rows);
	free(s.base);
}

/* the console echoes Backspace as "\b \b": the character goes, the cursor moves back,
 * across a wrapped line too */
static void backspace_erases_the_last_cell(void **state)
{
	(void)state;
	struct fb_surface s = make_surface(&formats[0], 8 * 10, 16 * 8, 0);
	struct fb_text t;
	assert_true(fb_text_init(&t, &s, &font_console, grid, shown, CAP));
	char row[16];
	puts_text(&t, "vmxboot> cpx\b \bu");
	read_row(&t, 0, row);
	assert_string_equal(row, "vmxboot> c");
	read_row(&t, 1, row);
	assert_string_equal(row, "pu");
	puts_text(&t, "\b \b\b \b\b \b");   /* three back: into row 0 again */
	assert_int_equal(t.cy, 0);
	assert_int_equal(t.cx, 9);
	read_row(&t, 0, row);
	assert_string_equal(row, "vmxboot>");
	read_row(&t, 1, row);
	assert_string_equal(row, "");
	free(s.base);
}

static void a_character_without_a_glyph_is_a_box(void **state)
{
	(void)state;
	struct fb_surface s = make_surface(&formats[0], 8 * 4, 16, 0);
	struct fb_text t;
	assert_true(fb_text_init(&t, &s, &font_console, grid, shown, CAP));
	puts_text(&t, "a\x01" "b");
	assert_int_equal(read_cell(&s, t.font, 0, 0, t.fg, t.bg), 'a');
	assert_int_equal(read_cell(&s, t.font, 1, 0, t.fg, t.bg), -1);
	assert_int_equal(read_cell(&s, t.font, 2, 0, t.fg, t.bg), 'b');
	free(s.base);
}

static void a_huge_screen_uses_at_most_cap_cells(void **state)
{
	(void)state;
	struct fb_surface s = make_surface(&formats[0], 8 * 100, 16 * 100, 0);
	struct fb_text t;
	assert_true(fb_text_init(&t, &s, &font_console, grid, shown, 1000));
	assert_int_equal(t.cols, 100);
	assert_int_equal(t.rows, 10);
	for (int n = 0; n < 50; n++)
		puts_text(&t, "x\n");
	assert_true(t.cy < 10);
	free(s.base);
}

static void bad_surfaces_are_refused_with_a_reason(void **state)
{
	(void)state;
	struct fb_surface s = make_surface(&formats[0], 64, 32, 0);
	struct fb_text t;
	struct fb_surface b = s;
	b.bpp = 8;
	assert_string_equal(fb_surface_problem(&b), "unsupported bits per pixel (16, 24 and 32 are drawn)");
	assert_false(fb_text_init(&t, &b, &font_console, grid, shown, CAP));
	b = s;
	b.pitch = 64 * 4 - 1;
	assert_string_equal(fb_surface_problem(&b), "pitch smaller than a line of pixels");
	b = s;
	b.red_pos = 28;
	assert_string_equal(fb_surface_problem(&b), "a colour field is empty or lies outside the pixel");
	b = s;
	b.width = 7;                                  /* not one cell wide */
	assert_null(fb_surface_problem(&b));
	assert_false(fb_text_init(&t, &b, &font_console, grid, shown, CAP));
	assert_null(fb_surface_problem(&s));
	free(s.base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_format_draws_readable_text),
		cmocka_unit_test(pixel_values_follow_the_field_positions),
		cmocka_unit_test(lines_wrap_and_scroll_from_the_grid),
		cmocka_unit_test(backspace_erases_the_last_cell),
		cmocka_unit_test(a_character_without_a_glyph_is_a_box),
		cmocka_unit_test(a_huge_screen_uses_at_most_cap_cells),
		cmocka_unit_test(bad_surfaces_are_refused_with_a_reason),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
