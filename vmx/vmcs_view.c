/* The software model's view of the current VMCS (vmx/vmcs_view.h). */
#include "vmx/vmcs_view.h"
#include "vmx/vmx_insn.h"
#include "arch/x86_64/paging.h"

static bool read_field(u32 enc, u64 *v, void *ctx)
{
	(void)ctx;
	return vmx_ok(vmread_safe(enc, v));
}

/* Memory a VMCS points at, for the software re-check: RAM below 4 GiB that is
 * mapped (identity) and not the first MiB (BIOS areas, never a VMCS here) */
static bool read_phys32(u64 pa, u32 *v, void *ctx)
{
	(void)ctx;
	if (pa < 0x100000 || pa + 4 > (4ULL << 30) || (pa & 3) || !(paging_lookup(pa) & 1))
		return false;
	*v = *(volatile const u32 *)(uintptr_t)pa;
	return true;
}

struct vmcs_view vmcs_view_current(u64 current)
{
	return (struct vmcs_view){ read_field, 0, read_phys32, current };
}
