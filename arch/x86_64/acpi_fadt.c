/* FADT (ACPI 6.5 5.2.9): the power-management ports (see acpi_tables.h). */
#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/acpi_bytes.h"
#include "kernel/lib.h"

/* ---- FADT ---- */

#define FADT_MIN_LEN 116u	/* ACPI 1.0 FADT, through Flags */

/* An I/O port from the 32-bit block field, or from the 64-bit X_ generic
 * address when the table is long enough and it is a non-zero I/O address. */
static u16 fadt_port(const u8 *f, u32 length, u32 off32, u32 off_gas)
{
	u32 port32 = rd32(f + off32);
	if (f[8] >= 2 && off_gas + 12 <= length && f[off_gas] == ACPI_GAS_IO) {
		u64 x = rd64(f + off_gas + 4);
		if (x && x <= 0xffff)
			return (u16)x;
	}
	return port32 <= 0xffff ? (u16)port32 : 0;
}

static struct acpi_gas fadt_gas(const u8 *g)
{
	return (struct acpi_gas){ .space_id = g[0], .bit_width = g[1], .bit_offset = g[2],
				  .access_size = g[3], .address = rd64(g + 4) };
}

/* SLEEP_CONTROL_REG (offset 244) and SLEEP_STATUS_REG (256), ACPI 5.0+. */
static void fadt_sleep_regs(const u8 *f, u32 length, struct acpi_fadt_info *out)
{
	if (length >= 244 + 12)
		out->sleep_control = fadt_gas(f + 244);
	if (length >= 256 + 12)
		out->sleep_status = fadt_gas(f + 256);
}

enum acpi_status acpi_parse_fadt(const void *fadt, size_t len, struct acpi_fadt_info *out)
{
	const u8 *f = fadt;

	memset(out, 0, sizeof(*out));
	if (len < FADT_MIN_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(f, "FACP", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(f + 4);
	if (length < FADT_MIN_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	out->revision = f[8];
	out->length = length;
	out->dsdt = rd32(f + 40);
	if (length >= 148 && rd64(f + 140))
		out->dsdt = rd64(f + 140);
	out->sci_int = rd16(f + 46);
	out->smi_cmd = rd32(f + 48);
	out->acpi_enable = f[52];
	out->pm1a_evt = fadt_port(f, length, 56, 148);
	out->pm1b_evt = fadt_port(f, length, 60, 160);
	out->pm1a_cnt = fadt_port(f, length, 64, 172);
	out->pm1b_cnt = fadt_port(f, length, 68, 184);
	out->pm_tmr = fadt_port(f, length, 76, 208);
	out->pm1_evt_len = f[88];
	out->pm1_cnt_len = f[89];
	out->pm_tmr_len = f[91];
	out->century = f[108];
	if (out->revision >= 2)
		out->iapc_boot_arch = rd16(f + 109);
	out->flags = rd32(f + 112);
	out->pm_tmr_32bit = out->flags & FADT_F_TMR_VAL_EXT;
	if (length >= 129) {
		out->reset_reg = (struct acpi_gas){ .space_id = f[116], .bit_width = f[117],
			.bit_offset = f[118], .access_size = f[119], .address = rd64(f + 120) };
		out->reset_value = f[128];
	}
	acpi_fadt_pm_timer(f, length, &out->pm_timer);
	fadt_sleep_regs(f, length, out);
	return ACPI_OK;
}


/* ---- the PM timer block ---- */

void acpi_fadt_pm_timer(const void *fadt, size_t f_len, struct acpi_pm_timer *out)
{
	const u8 *f = fadt;
	memset(out, 0, sizeof(*out));
	if (f_len < FADT_MIN_LEN)
		return;
	size_t length = rd32(f + 4);
	if (length > f_len)
		length = f_len;	/* only what is readable */
	out->len = f[91];
	out->is_32bit = rd32(f + 112) & FADT_F_TMR_VAL_EXT;
	if (f[8] >= 2 && 208 + 12 <= length && rd64(f + 212) &&
	    (f[208] == ACPI_GAS_IO || f[208] == ACPI_GAS_MEMORY)) {
		out->space_id = f[208];
		out->address = rd64(f + 212);
		if (out->space_id == ACPI_GAS_IO && out->address > 0xffff)
			out->address = 0;	/* not an x86 port */
		if (out->address)
			return;
	}
	out->space_id = ACPI_GAS_IO;
	out->address = rd32(f + 76) <= 0xffff ? rd32(f + 76) : 0;
}
