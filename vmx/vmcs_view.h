/* The software model's view of the current VMCS on this CPU (vmx/entry_check.h):
 * fields by VMREAD, memory the VMCS points at read directly. One place for the
 * kernel's callers (the guest launch, the entry and exit case tables). */
#ifndef VMX_VMCS_VIEW_H
#define VMX_VMCS_VIEW_H

#include "vmx/entry_check.h"

/* a view of the current VMCS, whose physical address is current */
struct vmcs_view vmcs_view_current(u64 current);

#endif
