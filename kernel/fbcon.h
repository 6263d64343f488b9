/* The framebuffer console: the log drawn on the linear framebuffer GRUB set
 * up (multiboot2 tag 8, RGB), for UEFI machines with no VGA text and no COM1. */
#ifndef KERNEL_FBCON_H
#define KERNEL_FBCON_H

#include "kernel/types.h"

struct mb2_info;

/* After paging_init: map the framebuffer write-combining, draw everything
 * logged so far, then every byte kprintf emits. Prints one `fbcon:` line. */
void fbcon_start(const struct mb2_info *mb);
/* One byte of the log (called under the print lock). */
void fbcon_putc(char c);
bool fbcon_live(void);
/* "framebuffer 1280x800x32 at 0x80000000" for the console: line; 0 when not drawing */
int fbcon_describe(char *buf, size_t n);

#endif
