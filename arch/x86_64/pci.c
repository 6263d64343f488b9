/* PCI config mechanism #1 and a brute-force scan of every bus/device/function
 * (8192 vendor reads: a few ms; no bridge walking to get wrong). */
#include "arch/x86_64/pci.h"
#include "arch/x86_64/cpu.h"

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_ENABLE         0x80000000u

bool pci_present(void)
{
	u32 old = inl(PCI_CONFIG_ADDRESS);
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE);
	bool ok = inl(PCI_CONFIG_ADDRESS) == PCI_ENABLE;
	outl(PCI_CONFIG_ADDRESS, old);
	return ok;
}

u32 pci_read32(u8 bus, u8 dev, u8 fn, u8 offset)
{
	outl(PCI_CONFIG_ADDRESS, PCI_ENABLE | (u32)bus << 16 | (u32)(dev & 31) << 11 | (u32)(fn & 7) << 8 |
		(offset & 0xfc));
	return inl(PCI_CONFIG_DATA);
}

u32 pci_scan(void (*each)(const struct pci_fn *f, void *ctx), void *ctx)
{
	u32 n = 0;
	for (u32 bus = 0; bus < 256; bus++)
		for (u8 dev = 0; dev < 32; dev++)
			for (u8 fn = 0; fn < 8; fn++) {
				u32 id = pci_read32((u8)bus, dev, fn, 0x00);
				if ((id & 0xffff) == 0xffff) {
					if (fn == 0)
						break;   /* no device */
					continue;
				}
				struct pci_fn f = { (u8)bus, dev, fn, (u16)id, (u16)(id >> 16) };
				each(&f, ctx);
				n++;
				/* header type bit 7: more functions than 0 */
				if (fn == 0 && !((pci_read32((u8)bus, dev, 0, 0x0c) >> 16) & 0x80))
					break;
			}
	return n;
}
