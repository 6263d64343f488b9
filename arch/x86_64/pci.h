/* PCI configuration space through mechanism #1 (ports 0xcf8/0xcfc; PCI
 * Local Bus 3.0 3.2.2.3.2): buses 0-255 of segment 0. */
#ifndef ARCH_X86_64_PCI_H
#define ARCH_X86_64_PCI_H

#include "kernel/types.h"

struct pci_fn {
	u8 bus, dev, fn;
	u16 vendor, device;
};

/* False when 0xcf8 does not hold what is written to it (no mechanism #1). */
bool pci_present(void);
u32 pci_read32(u8 bus, u8 dev, u8 fn, u8 offset);
/* Calls each(f, ctx) for every function that answers; returns their count. */
u32 pci_scan(void (*each)(const struct pci_fn *f, void *ctx), void *ctx);

#endif
