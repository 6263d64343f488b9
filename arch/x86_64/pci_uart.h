/* Which PCI functions are 16550 UARTs, and where their registers are: the
 * class code and BAR decisions, pure so that the host tests feed them real
 * config-space values (PCI Local Bus 3.0 6.2: header at 0x00-0x3f). The
 * kernel side (config mechanism #1) is arch/x86_64/pci.c. */
#ifndef ARCH_X86_64_PCI_UART_H
#define ARCH_X86_64_PCI_UART_H

#include "kernel/types.h"

#define PCI_CLASS_COMM		0x07	/* simple communication controller */
#define PCI_SUBCLASS_SERIAL	0x00
#define PCI_PROGIF_16550	0x02
#define PCI_CMD_IO		BIT(0)	/* command register: I/O space decode */
#define PCI_CMD_MEMORY		BIT(1)	/* memory space decode */
#define PCI_BAR_IO		BIT(0)
#define PCI_BAR_MEM_TYPE_64	(2u << 1)
#define PCI_HEADER_TYPE_MASK	0x7f	/* bit 7: multi-function */

/* class_reg is the dword at config offset 0x08: class, subclass, prog-if,
 * revision from the top byte down. True for class 07h/00h prog-if 02h. */
bool pci_is_16550(u32 class_reg);

struct pci_uart_regs {
	bool mmio;
	u64 address;
	u8 bar;			/* index of the BAR used */
	const char *why_not;	/* NULL: use it; else why not (decode off, ...) */
};

/* header_type: byte 0x0e; command: word 0x04; bar: the six dwords at 0x10.
 * The first BAR holding an address whose decode is on in the command
 * register wins (I/O or 32/64-bit memory); with none, why_not says why,
 * naming the first assigned BAR's problem. */
struct pci_uart_regs pci_uart_regs(u8 header_type, u16 command, const u32 bar[6]);

#endif
