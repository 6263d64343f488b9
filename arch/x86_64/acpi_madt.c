/* MADT (ACPI 6.5 5.2.12): the CPUs, and the xAPIC/x2APIC mode choice (see acpi_tables.h). */
#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/acpi_bytes.h"
#include "kernel/lib.h"

/* ---- MADT ---- */

#define MADT_HDR_LEN		44u
#define MADT_LAPIC		0	/* Processor Local APIC, 8 bytes */
#define MADT_IOAPIC		1	/* 12 bytes */
#define MADT_ISO		2	/* Interrupt Source Override, 10 bytes */
#define MADT_LAPIC_NMI		4	/* Local APIC NMI, 6 bytes */
#define MADT_LAPIC_OVERRIDE	5	/* Local APIC Address Override, 12 bytes */
#define MADT_X2APIC		9	/* Processor Local x2APIC, 16 bytes */
#define MADT_X2APIC_NMI		0xa	/* Local x2APIC NMI, 12 bytes */

static const u8 madt_min_len[] = {
	[MADT_LAPIC] = 8, [MADT_IOAPIC] = 12, [MADT_ISO] = 10, [MADT_LAPIC_NMI] = 6,
	[MADT_LAPIC_OVERRIDE] = 12, [MADT_X2APIC] = 16, [MADT_X2APIC_NMI] = 12,
};

/* Decodes a type 0 / type 9 entry of adequate length into c. Returns false
 * for other entries and for the invalid IDs 0xFF / 0xFFFFFFFF. */
static bool madt_cpu_decode(const u8 *e, u8 revision, struct madt_cpu *c)
{
	if (e[0] == MADT_LAPIC) {
		c->acpi_uid = e[2];
		c->apic_id = e[3];
		c->flags = rd32(e + 4);
		if (c->apic_id == 0xff)
			return false;
	} else if (e[0] == MADT_X2APIC) {
		c->apic_id = rd32(e + 4);
		c->flags = rd32(e + 8);
		c->acpi_uid = rd32(e + 12);
		if (c->apic_id == 0xffffffff)
			return false;
	} else {
		return false;
	}
	c->type = e[0];
	c->enabled = c->flags & MADT_CPU_ENABLED;
	/* Bit 1 was reserved before MADT revision 5 (ACPI 6.3). */
	c->online_capable = !c->enabled && revision >= 5 && (c->flags & MADT_CPU_ONLINE_CAPABLE);
	return true;
}

static bool madt_entry_ok(const u8 *e)
{
	return e[0] >= ARRAY_SIZE(madt_min_len) || e[1] >= madt_min_len[e[0]];
}

/* Is APIC ID id listed by a usable CPU entry in [44, end)? Entries before
 * end were already walked, so their lengths are known to be sane. */
static bool madt_listed_before(const u8 *t, u32 end, u8 revision, u32 id)
{
	struct madt_cpu c;
	for (u32 off = MADT_HDR_LEN; off < end; off += t[off + 1]) {
		if (madt_entry_ok(t + off) && madt_cpu_decode(t + off, revision, &c) &&
		    (c.enabled || c.online_capable) && c.apic_id == id)
			return true;
	}
	return false;
}

static void madt_cpu(const u8 *t, u32 off, struct madt_info *out,
		     struct madt_cpu *cpus, size_t max_cpus)
{
	struct madt_cpu c;

	if (!madt_cpu_decode(t + off, out->revision, &c)) {
		out->cpus_invalid_id++;
		return;
	}
	if (!c.enabled && !c.online_capable) {
		out->cpus_disabled++;
		return;
	}
	/* Firmware may list one CPU as both type 0 and type 9: count it once. */
	if (madt_listed_before(t, off, out->revision, c.apic_id)) {
		if (out->duplicates++ == 0)
			out->first_duplicate_id = c.apic_id;
		return;
	}
	out->cpus_total++;
	if (c.enabled)
		out->cpus_enabled++;
	else
		out->cpus_online_capable++;
	if (c.apic_id > out->max_apic_id)
		out->max_apic_id = c.apic_id;
	if (c.apic_id > 254)
		out->needs_x2apic = true;
	if (out->cpus_stored < max_cpus)
		cpus[out->cpus_stored++] = c;
}

/* Type 4: UID (1 byte, 0xFF = all), flags (2), LINT# (1); type 0xA: flags
 * (2), UID (4, 0xFFFFFFFF = all), LINT# (1), 3 reserved (ACPI 6.5 5.2.12.7,
 * 5.2.12.13). A LINT# other than 0 or 1 is counted but not stored. */
static void madt_lapic_nmi(const u8 *e, struct madt_info *out)
{
	struct madt_lapic_nmi n = { .type = e[0] };
	if (e[0] == MADT_LAPIC_NMI) {
		n.acpi_uid = e[2] == 0xff ? MADT_NMI_ALL_CPUS : e[2];
		n.flags = rd16(e + 3);
		n.lint = e[5];
	} else {
		n.flags = rd16(e + 2);
		n.acpi_uid = rd32(e + 4);
		n.lint = e[8];
	}
	out->lapic_nmi_count++;
	if (n.lint > 1) {
		out->lapic_nmi_bad_lint++;
		return;
	}
	if (out->lapic_nmi_stored < MADT_MAX_LAPIC_NMIS)
		out->lapic_nmis[out->lapic_nmi_stored++] = n;
}

const struct madt_lapic_nmi *acpi_madt_nmi_for(const struct madt_info *m, u32 uid, u8 lint)
{
	const struct madt_lapic_nmi *all = 0;
	for (u32 i = 0; i < m->lapic_nmi_stored; i++) {
		const struct madt_lapic_nmi *n = &m->lapic_nmis[i];
		if (n->lint != lint)
			continue;
		if (n->acpi_uid == uid)
			return n;
		if (n->acpi_uid == MADT_NMI_ALL_CPUS && !all)
			all = n;
	}
	return all;
}

static void madt_entry(const u8 *t, u32 off, struct madt_info *out,
		       struct madt_cpu *cpus, size_t max_cpus)
{
	const u8 *e = t + off;

	if (!madt_entry_ok(e)) {
		if (out->entry_status == ACPI_OK) {
			out->entry_status = ACPI_ERR_ENTRY_SHORT;
			out->entry_offset = off;
		}
		return;
	}
	switch (e[0]) {
	case MADT_LAPIC:
	case MADT_X2APIC:
		madt_cpu(t, off, out, cpus, max_cpus);
		break;
	case MADT_IOAPIC:
		if (out->ioapic_count < MADT_MAX_IOAPICS)
			out->ioapics[out->ioapic_count] = (struct madt_ioapic){
				.id = e[2], .address = rd32(e + 4), .gsi_base = rd32(e + 8) };
		out->ioapic_count++;
		break;
	case MADT_ISO:
		if (out->override_count < MADT_MAX_OVERRIDES)
			out->overrides[out->override_count] = (struct madt_override){
				.bus = e[2], .source = e[3], .gsi = rd32(e + 4),
				.flags = rd16(e + 8) };
		out->override_count++;
		break;
	case MADT_LAPIC_OVERRIDE:
		out->lapic_addr = rd64(e + 4);
		out->lapic_addr_overridden = true;
		break;
	case MADT_LAPIC_NMI:
	case MADT_X2APIC_NMI:
		madt_lapic_nmi(e, out);
		break;
	}
}

enum acpi_status acpi_parse_madt(const void *madt, size_t len, struct madt_info *out,
				 struct madt_cpu *cpus, size_t max_cpus)
{
	const u8 *t = madt;

	memset(out, 0, sizeof(*out));
	if (len < MADT_HDR_LEN)
		return ACPI_ERR_SHORT;
	if (memcmp(t, "APIC", 4))
		return ACPI_ERR_SIGNATURE;
	u32 length = rd32(t + 4);
	if (length < MADT_HDR_LEN)
		return ACPI_ERR_SHORT;
	if (length > len)
		return ACPI_ERR_PAST_MAP;
	out->revision = t[8];
	out->lapic_addr = rd32(t + 36);
	out->flags = rd32(t + 40);
	if (!cpus)
		max_cpus = 0;
	for (u32 off = MADT_HDR_LEN; off < length; off += t[off + 1]) {
		if (length - off < 2 || t[off + 1] < 2 || t[off + 1] > length - off) {
			/* Cannot find the next entry: stop, keep what we have. */
			out->entry_status = ACPI_ERR_BAD_ENTRY;
			out->entry_offset = off;
			break;
		}
		madt_entry(t, off, out, cpus, max_cpus);
	}
	return out->entry_status;
}

/* ---- xAPIC or x2APIC ---- */

struct apic_mode_choice acpi_apic_mode_choice(bool cpu_has_x2apic, bool firmware_x2apic,
					      bool high_ids, bool force_xapic)
{
	struct apic_mode_choice c = { .mode = APIC_MODE_X2APIC };

	if (firmware_x2apic) {
		/* x2APIC -> xAPIC needs the APIC disabled first (SDM 3A 11.12.5). */
		c.reason = "firmware already enabled x2APIC mode";
		if (force_xapic)
			c.warning = "apic=xapic refused: firmware enabled x2APIC, and leaving it means disabling the APIC";
		else if (!cpu_has_x2apic)
			c.warning = "IA32_APIC_BASE.EXTD is set but CPUID does not report x2APIC";
		return c;
	}
	if (!cpu_has_x2apic) {
		c.mode = APIC_MODE_XAPIC;
		c.reason = "the CPU has no x2APIC";
		if (high_ids) {
			c.warning = "APIC IDs >= 255 listed but the CPU has no x2APIC: those CPUs cannot be started";
			c.high_ids_unreachable = true;
		}
		return c;
	}
	if (force_xapic && high_ids) {
		c.reason = "APIC IDs >= 255 need x2APIC";
		c.warning = "apic=xapic refused: APIC IDs >= 255 need x2APIC";
		return c;
	}
	if (force_xapic) {
		c.mode = APIC_MODE_XAPIC;
		c.reason = "apic=xapic on the command line";
		return c;
	}
	c.reason = high_ids ? "APIC IDs >= 255 need x2APIC" : "the CPU supports x2APIC";
	return c;
}
