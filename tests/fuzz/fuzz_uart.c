/* libFuzzer target for the firmware-UART decisions: arch/x86_64/acpi_spcr.c
 * and arch/x86_64/pci_uart.c. The input is parsed as an SPCR as it is, then
 * again with a valid signature and a length field equal to its size (so
 * that the fuzzer reaches the field rules behind the header checks), and
 * its first 27 bytes feed the PCI class and BAR choice. Nothing may read
 * outside the input (ASan) or do undefined arithmetic (UBSan), and every
 * UART called usable must be one the kernel can drive. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86_64/acpi_spcr.h"
#include "arch/x86_64/pci_uart.h"

static void check_spcr(const struct acpi_spcr_info *s)
{
	if (s->why_not) {
		if (!strlen(s->why_not))
			abort();
		return;
	}
	if ((s->reg_width != 1 && s->reg_width != 2 && s->reg_width != 4) || (1u << s->reg_shift) != s->reg_width)
		abort();
	if (!s->address || (!s->mmio && (s->address > 0xfff8 || s->reg_width != 1)))
		abort();
	if ((s->baud == 0) != (s->divisor == 0))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_spcr_info s;
	if (acpi_parse_spcr(data, size, &s) == ACPI_OK)
		check_spcr(&s);
	if (size >= SPCR_MIN_LEN && size <= 4096) {
		u8 *t = malloc(size);
		memcpy(t, data, size);
		memcpy(t, "SPCR", 4);
		t[4] = (u8)size;
		t[5] = (u8)(size >> 8);
		t[6] = t[7] = 0;
		if (acpi_parse_spcr(t, size, &s) != ACPI_OK)
			abort();   /* a well-formed header must parse */
		check_spcr(&s);
		free(t);
	}
	if (size >= 27) {
		u32 bar[6];
		memcpy(bar, data + 3, sizeof(bar));
		u32 class_reg;
		memcpy(&class_reg, data + 3, 4);
		(void)pci_is_16550(class_reg);
		struct pci_uart_regs r = pci_uart_regs(data[0], (u16)(data[1] | data[2] << 8), bar);
		if (!r.why_not && (!r.address || r.bar > 5 || (!r.mmio && r.address > 0xfff8)))
			abort();
		if (r.why_not && !strlen(r.why_not))
			abort();
	}
	return 0;
}
