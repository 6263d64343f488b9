/* Which machine are we on (see platform_choice.h). Pure. */
#include "kernel/platform_choice.h"
#include "kernel/lib.h"

struct platform_choice platform_choose(const char *oem_id, bool hypervisor,
				       platform_fw_cfg_probe probe, void *ctx)
{
	struct platform_choice c = { .kind = PLATFORM_HARDWARE, .no_acpi = !oem_id };
	bool bochs_oem = oem_id && !memcmp(oem_id, "BOCHS ", 6);

	if (bochs_oem) {
		c.probed = true;
		c.kind = probe(ctx) ? PLATFORM_QEMU : PLATFORM_BOCHS;
	} else if (!oem_id && hypervisor) {
		/* Bochs shows no hypervisor bit, so without fw_cfg this is a
		 * hypervisor we do not know: treat it as hardware. */
		c.probed = true;
		c.kind = probe(ctx) ? PLATFORM_QEMU : PLATFORM_HARDWARE;
	}
	return c;
}
