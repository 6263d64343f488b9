/* insn_ conformance cases (vmx/conf_insn.c). */
#ifndef VMX_CONF_INSN_H
#define VMX_CONF_INSN_H
#include "vmx/conf_entry.h"
/* In VMX root operation with vmcs current; spare is a free page. */
void conf_insn_run(const struct vmx_caps *caps, u64 vmcs, u64 spare, conf_record_fn rec, void *ctx);
#endif
