#ifndef KERNEL_VGA_H
#define KERNEL_VGA_H

#include "kernel/types.h"

void vga_enable(void);
bool vga_enabled(void);   /* the mirror is on: a legacy-BIOS boot in EGA text mode */
void vga_putc(char c);
void vga_flush(void);     /* after a print: the hardware cursor where the next character goes */

#endif
