/* Finding the firmware-described UARTs (see uart_find.h). The decisions are
 * the pure acpi_spcr.c and pci_uart.c; this file reads the hardware,
 * prints and attaches. MMIO is mapped uncached, above 4 GiB on demand. */
#include "arch/x86_64/uart_find.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/acpi_spcr.h"
#include "arch/x86_64/pci.h"
#include "arch/x86_64/pci_uart.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/timer.h"
#include "kernel/serial.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/lib.h"

#define MAP_TOP (4ULL << 30)

/* Attaches d (named what) and prints one line ending in `line`. */
static void attach(const struct serial_port_desc *d, const char *what)
{
	u64 span = 8ULL << d->reg_shift;
	bool low = d->address < MAP_TOP && span <= MAP_TOP - d->address;
	if (d->mmio && (low ? !paging_map_uncached(d->address, span) : !paging_map_phys(d->address, span, MEM_UC))) {
		kprintf("serial: %s: could not map MMIO 0x%lx uncached; not used\n", what, d->address);
		return;
	}
	size_t replayed = 0;
	enum serial_attach a = serial_attach(d, &replayed);
	if (a == SERIAL_ATTACHED)
		kprintf("serial: %s: attached; %lu bytes of earlier log replayed to it\n", what, (u64)replayed);
	else
		kprintf("serial: %s: %s\n", what, serial_attach_str(a));
}

static void find_spcr(void)
{
	const struct acpi_mem *mem;
	struct acpi_root root;
	struct acpi_table t;
	struct acpi_spcr_info s;
	if (!acpi_root_get(&mem, &root))
		return;   /* acpi_init said why */
	enum acpi_status st = acpi_spcr_find(mem, &root, &t, &s);
	if (st == ACPI_ERR_NOT_FOUND) {
		kprintf("serial: no valid ACPI SPCR table (the firmware names no console UART)\n");
		return;
	}
	if (st != ACPI_OK) {
		kprintf("serial: SPCR at 0x%lx is not usable: %s (length %u)\n", t.phys, acpi_status_str(st),
			t.length);
		return;
	}
	char what[96];
	ksnprintf(what, sizeof(what), "SPCR rev %u type 0x%02x %s 0x%lx", s.revision, s.interface_type,
		  s.mmio ? "MMIO" : "I/O", s.address);
	if (s.why_not) {
		kprintf("serial: %s: not used: %s (address space %u, access size %u, baud code in table)\n",
			what, s.why_not, s.gas.space_id, s.gas.access_size);
		return;
	}
	if (s.baud)
		kprintf("serial: %s: %u baud (divisor %u), %u-byte registers every %u bytes%s\n", what, s.baud,
			s.divisor, s.reg_width, 1u << s.reg_shift,
			s.width_defaulted ? " (access size not 1-3: bytes, as Linux does)" : "");
	else
		kprintf("serial: %s: baud as configured (firmware's divisor kept), %u-byte registers every %u "
			"bytes%s\n", what, s.reg_width, 1u << s.reg_shift,
			s.width_defaulted ? " (access size not 1-3: bytes, as Linux does)" : "");
	struct serial_port_desc d = { s.mmio, s.address, s.reg_width, s.reg_shift, s.divisor, "SPCR" };
	attach(&d, what);
}

struct pci_count { u32 uarts; };

static void pci_each(const struct pci_fn *f, void *ctx)
{
	struct pci_count *c = ctx;
	if (!pci_is_16550(pci_read32(f->bus, f->dev, f->fn, 0x08)))
		return;
	c->uarts++;
	u32 bar[6];
	for (int i = 0; i < 6; i++)
		bar[i] = pci_read32(f->bus, f->dev, f->fn, (u8)(0x10 + 4 * i));
	u16 command = (u16)pci_read32(f->bus, f->dev, f->fn, 0x04);
	u8 header = (u8)(pci_read32(f->bus, f->dev, f->fn, 0x0c) >> 16);
	struct pci_uart_regs r = pci_uart_regs(header, command, bar);
	char src[24], what[96];
	ksnprintf(src, sizeof(src), "PCI %02x:%02x.%u", f->bus, f->dev, f->fn);
	ksnprintf(what, sizeof(what), "%s [%04x:%04x] 16550", src, f->vendor, f->device);
	if (r.why_not) {
		kprintf("serial: %s: not used: %s (command 0x%04x, BAR%u 0x%08x)\n", what, r.why_not, command,
			r.bar, bar[r.bar]);
		return;
	}
	ksnprintf(what + strlen(what), sizeof(what) - strlen(what), " BAR%u %s 0x%lx", r.bar,
		  r.mmio ? "MMIO" : "I/O", r.address);
	/* the firmware's divisor: the clock of a PCI UART is often not 1.8432 MHz */
	struct serial_port_desc d = { r.mmio, r.address, 1, 0, 0, src };
	attach(&d, what);
}

static void find_pci(void)
{
	if (!pci_present()) {
		kprintf("serial: no PCI configuration mechanism #1 (port 0xcf8 does not keep its value): "
			"no PCI UARTs\n");
		return;
	}
	struct pci_count c = { 0 };
	u64 t0 = now_us();
	u32 n = pci_scan(pci_each, &c);
	kprintf("serial: PCI: %u functions, %u of them 16550 UARTs (class 07h/00h prog-if 02h); "
		"scan of buses 0-255 took %lu us\n", n, c.uarts, now_us() - t0);
}

void uart_find_described(void)
{
	find_spcr();
	find_pci();
}
