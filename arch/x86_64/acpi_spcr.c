/* SPCR (see acpi_spcr.h): the firmware's console UART. */
#include "arch/x86_64/acpi_spcr.h"
#include "arch/x86_64/acpi_bytes.h"
#include "kernel/lib.h"

/* SPCR codes 0, 3, 4, 6, 7 (the others are reserved; Linux refuses them) */
static bool spcr_baud(u8 code, u32 *baud)
{
	static const u32 rate[8] = { 0, 0, 0, 9600, 19200, 0, 57600, 115200 };
	if (code >= 8 || (code && !rate[code]))
		return false;
	*baud = rate[code];
	return true;
}

/* GAS access size (ACPI 5.2.3.2): 1 byte, 2 word, 3 dword, 4 qword. Linux
 * maps 8/16/32-bit MMIO to mmio/mmio16/mmio32 (regshift 0/1/2) and treats
 * anything else as bytes with a firmware-bug warning. System I/O is bytes. */
static void spcr_width(struct acpi_spcr_info *o)
{
	o->reg_width = 1;
	o->reg_shift = 0;
	if (!o->mmio)
		return;
	if (o->gas.access_size >= 1 && o->gas.access_size <= 3) {
		o->reg_shift = (u8)(o->gas.access_size - 1);
		o->reg_width = (u8)(1u << o->reg_shift);
	} else {
		o->width_defaulted = true;
	}
}

static const char *spcr_check(struct acpi_spcr_info *o, u8 baud_code)
{
	if (o->interface_type != SPCR_16550 && o->interface_type != SPCR_16550_SUBSET &&
	    o->interface_type != SPCR_16550_GAS)
		return "its interface type is not a 16550 (0x00, 0x01 or 0x12)";
	if (o->gas.space_id != ACPI_GAS_MEMORY && o->gas.space_id != ACPI_GAS_IO)
		return "its base address is neither system memory nor system I/O";
	if (!o->address)
		return "its base address is 0 (console redirection off)";
	if (!o->mmio && o->address > 0xffff - 7)
		return "its I/O port range is past 0xffff";
	if (o->mmio && o->address > ~0ULL - (7ULL << o->reg_shift))
		return "its MMIO range wraps past the top of the address space";
	if (!spcr_baud(baud_code, &o->baud))
		return "its baud rate code is not one SPCR defines (0, 3, 4, 6, 7)";
	if (!o->baud)
		return 0;   /* as configured: keep the firmware's divisor */
	u32 clock = o->clock_hz ? o->clock_hz : SPCR_DEFAULT_CLOCK;
	u64 div = ((u64)clock + 8ULL * o->baud) / (16ULL * o->baud);
	if (div == 0 || div > 0xffff)
		return "its UART clock cannot give that baud rate (divisor out of range)";
	o->divisor = (u16)div;
	return 0;
}

enum acpi_status acpi_parse_spcr(const void *spcr, size_t len, struct acpi_spcr_info *out)
{
	const u8 *s = spcr;

	memset(out, 0, sizeof(*out));
	if (len < SPCR_MIN_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(s, "SPCR", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(s + 4);
	if (length < SPCR_MIN_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	out->revision = s[8];
	out->interface_type = s[36];
	out->gas = (struct acpi_gas){ .space_id = s[40], .bit_width = s[41], .bit_offset = s[42],
				      .access_size = s[43], .address = rd64(s + 44) };
	out->mmio = out->gas.space_id == ACPI_GAS_MEMORY;
	out->address = out->gas.address;
	out->interrupt_type = s[52];
	out->irq = s[53];
	out->gsi = rd32(s + 54);
	out->pci_device_id = rd16(s + 64);
	out->pci_vendor_id = rd16(s + 66);
	out->pci_bus = s[68];
	out->pci_dev = s[69];
	out->pci_fn = s[70];
	out->pci_segment = s[75];
	if (out->revision >= 3)
		out->clock_hz = rd32(s + 76);
	spcr_width(out);
	out->why_not = spcr_check(out, s[58]);
	/* revision 4: a precise baud rate overrides the code (Linux does the same) */
	if (!out->why_not && out->revision >= 4 && length >= 84 && rd32(s + 80)) {
		struct acpi_spcr_info keep = *out;
		out->baud = rd32(s + 80);
		u32 clock = out->clock_hz ? out->clock_hz : SPCR_DEFAULT_CLOCK;
		u64 div = ((u64)clock + 8ULL * out->baud) / (16ULL * out->baud);
		if (div == 0 || div > 0xffff) {
			*out = keep;
			out->why_not = "its precise baud rate is out of the UART clock's range";
		} else {
			out->divisor = (u16)div;
		}
	}
	return ACPI_OK;
}

enum acpi_status acpi_spcr_find(const struct acpi_mem *mem, const struct acpi_root *root,
				struct acpi_table *t, struct acpi_spcr_info *out)
{
	memset(out, 0, sizeof(*out));
	enum acpi_status st = acpi_find_table(mem, root, "SPCR", 0, t);
	if (st != ACPI_OK)
		return st;
	return acpi_parse_spcr(t->ptr, t->length, out);
}
