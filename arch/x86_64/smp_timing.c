/*
 * The start-up IPI timing policy (smp_timing.h). Linux 6.x:
 *   if ((vendor == INTEL && x86 >= 6) || (vendor == HYGON && x86 >= 0x18) ||
 *       (vendor == AMD && x86 >= 0xF)) init_udelay = 0; else init_udelay = 10000;
 * and around each SIPI udelay(init_udelay == 0 ? 10 : 300) before and
 * udelay(init_udelay == 0 ? 10 : 200) after. We keep the MP spec's 200 us on
 * both sides for the old parts: the first SIPI waits max(INIT, SIPI wait).
 */
#include "arch/x86_64/smp_timing.h"
#include "arch/x86_64/cpuinfo.h"
#include "kernel/format.h"
#include "kernel/lib.h"

static const struct {
	enum smp_vendor vendor;
	const char *id;
	const char *name;
	unsigned min_family;     /* the first family Linux starts with no INIT wait */
} rules[] = {
	{ SMP_VENDOR_INTEL, "GenuineIntel", "Intel", 0x6 },
	{ SMP_VENDOR_AMD, "AuthenticAMD", "AMD", 0xf },
	{ SMP_VENDOR_HYGON, "HygonGenuine", "Hygon", 0x18 },
};

static void vendor_text(u32 ebx, u32 edx, u32 ecx, char out[13])
{
	u32 r[3] = { ebx, edx, ecx };
	for (int i = 0; i < 12; i++) {
		char ch = (char)(r[i / 4] >> (8 * (i % 4)));
		out[i] = ch >= 0x20 && ch < 0x7f ? ch : '?';
	}
	out[12] = 0;
}

enum smp_vendor smp_timing_vendor(u32 ebx, u32 edx, u32 ecx)
{
	char id[13];
	vendor_text(ebx, edx, ecx, id);
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (memcmp(id, rules[i].id, 12) == 0)
			return rules[i].vendor;
	return SMP_VENDOR_OTHER;
}

void smp_timing_decide(u32 ebx, u32 edx, u32 ecx, u32 leaf1_eax, u64 init_us, u64 sipi_us, struct smp_timing *t)
{
	unsigned model, stepping;
	memset(t, 0, sizeof(*t));
	vendor_text(ebx, edx, ecx, t->vendor_id);
	t->vendor = smp_timing_vendor(ebx, edx, ecx);
	cpuinfo_fms(leaf1_eax, &t->family, &model, &stepping);
	const char *name = 0;
	unsigned min = 0;
	for (size_t i = 0; i < ARRAY_SIZE(rules); i++)
		if (rules[i].vendor == t->vendor) {
			name = rules[i].name;
			min = rules[i].min_family;
		}
	t->modern = name && t->family >= min;
	size_t n;
	if (t->modern)
		n = (size_t)ksnprintf(t->why, sizeof(t->why), "%s family 0x%x: no INIT wait, as Linux on %s family >= 0x%x",
				      t->vendor_id, t->family, name, min);
	else if (name)
		n = (size_t)ksnprintf(t->why, sizeof(t->why),
				      "%s family 0x%x: the MP spec's waits, as Linux on %s before family 0x%x",
				      t->vendor_id, t->family, name, min);
	else
		n = (size_t)ksnprintf(t->why, sizeof(t->why),
				      "%s family 0x%x: the MP spec's waits, as Linux on a vendor it has no rule for",
				      t->vendor_id, t->family);
	t->init_delay_us = t->modern ? 0 : SMP_LEGACY_INIT_DELAY_US;
	if (init_us != SMP_DELAY_UNSET) {
		t->init_delay_us = init_us;
		t->init_overridden = true;
	}
	/* Linux ties the SIPI wait to the INIT wait: 10 us when there is none */
	t->sipi_delay_us = t->init_delay_us == 0 ? SMP_MODERN_SIPI_DELAY_US : SMP_LEGACY_SIPI_DELAY_US;
	if (sipi_us != SMP_DELAY_UNSET) {
		t->sipi_delay_us = sipi_us;
		t->sipi_overridden = true;
	}
	if (n < sizeof(t->why) && (t->init_overridden || t->sipi_overridden))
		ksnprintf(t->why + n, sizeof(t->why) - n, "; overridden:%s%s",
			  t->init_overridden ? " smp.init_delay_us" : "", t->sipi_overridden ? " smp.sipi_delay_us" : "");
}

u64 smp_timing_first_sipi_wait(const struct smp_timing *t)
{
	return t->init_delay_us > t->sipi_delay_us ? t->init_delay_us : t->sipi_delay_us;
}
