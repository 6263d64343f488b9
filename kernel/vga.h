#ifndef KERNEL_VGA_H
#define KERNEL_VGA_H

void vga_enable(void);   /* only when booted from legacy BIOS in text mode */
void vga_putc(char c);

#endif
