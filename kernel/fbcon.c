/*
 * The framebuffer console (README.md, "Framebuffer console"): the surface
 * from multiboot2 tag 8, mapped write-combining through the PAT, drawn by
 * kernel/fb_render.c from a text grid. It starts once paging is up and first
 * replays the in-memory log, so the screen shows every line COM1 got.
 */
#include "kernel/fbcon.h"
#include "kernel/fb_render.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "arch/x86_64/paging.h"

#define CAP (480 * 135)   /* 3840x2160 in 8x16 cells; a larger screen uses its top left */

static char grid[CAP], shown[CAP];
static struct fb_text text;
static volatile bool live;

bool fbcon_live(void)
{
	return live;
}

static u64 fb_addr;

int fbcon_describe(char *buf, size_t n)
{
	if (!live)
		return 0;
	return ksnprintf(buf, n, "framebuffer %ux%ux%u at 0x%lx", text.s.width, text.s.height, text.s.bpp, fb_addr);
}

void fbcon_putc(char c)
{
	if (live)
		fb_text_putc(&text, c);
}

static struct fb_surface surface_of(const struct mb2_info *mb)
{
	struct fb_surface s = {
		.width = mb->fb_width, .height = mb->fb_height, .pitch = mb->fb_pitch, .bpp = mb->fb_bpp,
		.red_pos = mb->fb_red_pos, .red_size = mb->fb_red_size,
		.green_pos = mb->fb_green_pos, .green_size = mb->fb_green_size,
		.blue_pos = mb->fb_blue_pos, .blue_size = mb->fb_blue_size,
	};
	s.base = (u8 *)(uintptr_t)mb->fb_addr;
	return s;
}

void fbcon_start(const struct mb2_info *mb)
{
	if (!mb->has_framebuffer || mb->fb_type == MB2_FRAMEBUFFER_EGA_TEXT)
		return;   /* EGA text: the VGA mirror (kernel/vga.c) has the screen */
	u64 size = (u64)mb->fb_pitch * mb->fb_height;
	const char *what = mb->fb_type == MB2_FRAMEBUFFER_RGB ? "RGB" : "indexed colour";
	if (!opt.fb) {
		kprintf("fbcon: fb=off on the command line: the %ux%u framebuffer at 0x%lx stays unused\n",
			mb->fb_width, mb->fb_height, mb->fb_addr);
		return;
	}
	if (mb->fb_type != MB2_FRAMEBUFFER_RGB || !mb->fb_has_rgb) {
		kprintf("fbcon: the framebuffer at 0x%lx is %s (type %u), not RGB: not used\n", mb->fb_addr,
			what, mb->fb_type);
		return;
	}
	struct fb_surface s = surface_of(mb);
	const char *why = fb_surface_problem(&s);
	if (why) {
		kprintf("fbcon: the framebuffer at 0x%lx (%ux%u, %u bpp, pitch %u) is not used: %s\n",
			mb->fb_addr, mb->fb_width, mb->fb_height, mb->fb_bpp, mb->fb_pitch, why);
		return;
	}
	if (!paging_map_phys(mb->fb_addr, size, MEM_WC)) {
		kprintf("fbcon: the framebuffer at 0x%lx-0x%lx cannot be mapped (past the physical address "
			"width, or out of page-table memory): not used\n", mb->fb_addr, mb->fb_addr + size);
		return;
	}
	if (!fb_text_init(&text, &s, &font_console, grid, shown, CAP)) {
		kprintf("fbcon: the %ux%u framebuffer has no room for one %ux%u character: not used\n",
			mb->fb_width, mb->fb_height, font_console.width, font_console.height);
		return;
	}
	size_t len;
	const char *log = klog_buffer(&len);
	for (size_t i = 0; i < len; i++)   /* only the boot CPU runs: nothing is printed meanwhile */
		fb_text_putc(&text, log[i]);
	fb_addr = mb->fb_addr;
	live = true;
	kprintf("fbcon: %ux%u, %u bpp (red %u:%u green %u:%u blue %u:%u), pitch %u, at 0x%lx, %s; "
		"%ux%u text cells\n", s.width, s.height, s.bpp, s.red_pos, s.red_size, s.green_pos,
		s.green_size, s.blue_pos, s.blue_size, s.pitch, mb->fb_addr,
		paging_pat_wc() ? "write-combining (PAT)" : "uncached (no PAT)", text.cols, text.rows);
}
