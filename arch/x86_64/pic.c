/*
 * The legacy 8259 pair. The kernel does not use it, but firmware hands it
 * over live: SeaBIOS leaves it at vector base 0x08 with IRQ0 unmasked and
 * the boot CPU's LINT0 in ExtINT mode, so the timer would arrive as vector 8
 * and look like a #DF. pic_init() moves it out of the exception vectors and
 * masks every line; the sequence is data (irq_logic.c, host-tested).
 */
#include "arch/x86_64/pic.h"
#include "arch/x86_64/irq_logic.h"
#include "arch/x86_64/cpu.h"

#define PIC_MASTER_CMD 0x20
#define PIC_MASTER_DATA 0x21
#define PIC_SLAVE_CMD 0xa0
#define PIC_SLAVE_DATA 0xa1
#define OCW3_READ_ISR 0x0b
#define OCW2_EOI 0x20

static void io_wait(void)
{
	outb(0x80, 0);   /* the POST port: a bus cycle of delay for old 8259s */
}

u16 pic_init(void)
{
	for (size_t i = 0; i < pic_remap_sequence_len; i++) {
		outb(pic_remap_sequence[i].port, pic_remap_sequence[i].value);
		io_wait();
	}
	return (u16)(inb(PIC_SLAVE_DATA) << 8 | inb(PIC_MASTER_DATA));
}

u16 pic_isr(void)
{
	outb(PIC_MASTER_CMD, OCW3_READ_ISR);
	outb(PIC_SLAVE_CMD, OCW3_READ_ISR);
	return (u16)(inb(PIC_SLAVE_CMD) << 8 | inb(PIC_MASTER_CMD));
}

void pic_eoi(bool slave_too)
{
	if (slave_too)
		outb(PIC_SLAVE_CMD, OCW2_EOI);
	outb(PIC_MASTER_CMD, OCW2_EOI);
}
