/* PCI 16550 UARTs: class match and register location (see pci_uart.h). */
#include "arch/x86_64/pci_uart.h"

bool pci_is_16550(u32 class_reg)
{
	return (class_reg >> 24) == PCI_CLASS_COMM && ((class_reg >> 16) & 0xff) == PCI_SUBCLASS_SERIAL &&
	       ((class_reg >> 8) & 0xff) == PCI_PROGIF_16550;
}

struct pci_uart_regs pci_uart_regs(u8 header_type, u16 command, const u32 bar[6])
{
	struct pci_uart_regs r = { 0 }, first = { 0 };
	bool seen = false;

	if ((header_type & PCI_HEADER_TYPE_MASK) != 0) {
		r.why_not = "not a type 0 (device) header: no device BARs";
		return r;
	}
	for (u8 i = 0; i < 6; i++) {
		struct pci_uart_regs c = { .bar = i };
		bool on;
		if (bar[i] & PCI_BAR_IO) {
			c.address = bar[i] & ~3u;
			if (c.address > 0xffff - 7) {
				c.why_not = "its I/O BAR is past port 0xffff";
			}
			on = command & PCI_CMD_IO;
			if (!c.why_not && !on)
				c.why_not = "I/O space decode is off in its command register";
		} else {
			c.mmio = true;
			c.address = bar[i] & ~0xfu;
			if ((bar[i] & 6u) == PCI_BAR_MEM_TYPE_64) {
				if (i == 5) {
					c.why_not = "its last BAR claims 64 bits with no upper half";
				} else {
					c.address |= (u64)bar[i + 1] << 32;
					i++;   /* the upper half is not a BAR of its own */
				}
			}
			on = command & PCI_CMD_MEMORY;
			if (!c.why_not && !on)
				c.why_not = "memory space decode is off in its command register";
		}
		if (!c.address)
			continue;   /* not implemented or not assigned */
		if (!c.why_not)
			return c;
		if (!seen)
			first = c;
		seen = true;
	}
	if (seen)
		return first;
	r.why_not = "no BAR holds an address (none implemented or assigned)";
	return r;
}
