/* HPET (IA-PC HPET specification 1.0a): the ACPI table that says where the
 * registers are (3.2.4) and the capabilities register found there (2.3.4).
 * Pure, like the other ACPI decoders (see acpi_tables.h). */
#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/acpi_bytes.h"
#include "kernel/lib.h"

enum acpi_status acpi_parse_hpet(const void *hpet, size_t len, struct acpi_hpet_info *out)
{
	const u8 *t = hpet;

	memset(out, 0, sizeof(*out));
	if (len < ACPI_HPET_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(t, "HPET", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(t + 4);
	if (length < ACPI_HPET_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	u32 id = rd32(t + 36);
	out->block_id = id;
	out->hw_rev = (u8)id;
	out->comparators = (u8)(((id >> 8) & 0x1f) + 1);
	out->counter_64bit = id & HPET_CAP_COUNT_SIZE;
	out->legacy_replacement = id & BIT(15);
	out->pci_vendor = (u16)(id >> 16);
	out->base = (struct acpi_gas){ .space_id = t[40], .bit_width = t[41], .bit_offset = t[42],
				       .access_size = t[43], .address = rd64(t + 44) };
	out->number = t[52];
	out->min_tick = rd16(t + 53);
	out->page_protection = t[55];
	if (out->base.space_id != ACPI_GAS_MEMORY)
		return ACPI_ERR_UNSUPPORTED;
	if (!out->base.address)
		return ACPI_ERR_MALFORMED;
	return ACPI_OK;
}

enum acpi_status hpet_decode_caps(u64 gcap, struct hpet_caps *out)
{
	memset(out, 0, sizeof(*out));
	if (gcap == ~0ULL || !gcap)
		return ACPI_ERR_NOT_FOUND;
	out->period_fs = (u32)(gcap >> 32);
	out->counter_64bit = gcap & HPET_CAP_COUNT_SIZE;
	out->rev_id = (u8)gcap;
	out->timers = (u8)(((gcap >> 8) & 0x1f) + 1);
	out->vendor = (u16)(gcap >> 16);
	if (!out->period_fs || out->period_fs > HPET_PERIOD_MAX_FS || !out->rev_id)
		return ACPI_ERR_MALFORMED;
	out->hz = 1000000000000000ULL / out->period_fs;
	return ACPI_OK;
}
