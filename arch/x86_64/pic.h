#ifndef ARCH_X86_64_PIC_H
#define ARCH_X86_64_PIC_H

#include "kernel/types.h"

/* Remap the 8259 pair to vectors 0x20/0x28 and mask every line, before any
 * CPU enables interrupts (firmware may leave it at 0x08 with IRQ0 open).
 * Returns the masks read back (slave << 8 | master): 0xffff when done. */
u16 pic_init(void);
u16 pic_isr(void);            /* in-service registers, slave << 8 | master */
void pic_eoi(bool slave_too); /* non-specific EOI */

#endif
