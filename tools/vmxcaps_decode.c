/* Host side of tools/vmxcaps.py: reads "MSR VALUE" pairs (hex) on stdin, one
 * per line, and prints the named decode with the kernel's own table and code
 * (vmx/vmx_capdecode.c), in the kernel's words. No second copy of the names. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "vmx/vmx_capdecode.h"

static void out(const char *line, void *ctx)
{
	(void)ctx;
	puts(line);
}

int main(void)
{
	struct vmx_caps c;
	char line[256];
	memset(&c, 0, sizeof(c));
	while (fgets(line, sizeof(line), stdin)) {
		unsigned long msr;
		unsigned long long v;
		if (sscanf(line, "%lx %llx", &msr, &v) != 2)
			continue;
		const struct vmx_caps_item *it = vmx_caps_item_by_msr((u32)msr);
		if (!it) {
			fprintf(stderr, "vmxcaps_decode: MSR 0x%lx is not a VMX capability MSR\n", msr);
			return 2;
		}
		vmx_caps_item_set(&c, it, v);
	}
	for (size_t i = 0; i < vmx_cap_groups_count; i++)
		vmx_cap_decode_group(&c, &vmx_cap_groups[i], out, NULL);
	return 0;
}
