#include "vmx/entry_check.h"
__attribute__((weak)) size_t entry_check_guest_state(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			       struct entry_finding *out, size_t max) { (void)vmcs; (void)caps; (void)out; (void)max; return 0; }
