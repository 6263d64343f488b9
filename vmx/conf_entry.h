/* The VM-entry conformance cases of vmx/conf_cases.h on this CPU: each broken
 * VMCS goes to the CPU (VMLAUNCH) and to the software model (entry_check_all). */
#ifndef VMX_CONF_ENTRY_H
#define VMX_CONF_ENTRY_H

#include "kernel/types.h"
#include "kernel/ktap.h"
#include "vmx/vmx_caps.h"

typedef void (*conf_record_fn)(void *ctx, const char *name, enum ktap_result r, const char *detail);

struct conf_entry_env {
	const struct vmx_caps *caps;
	u64 vmcs;		/* the current VMCS (VMX root operation, VMCS current) */
	u64 other;		/* a free page: becomes a VMCS region that is not current */
	u64 zero;		/* a page of zeros (the MSR bitmap) */
	u64 stack;		/* a page for the guest stack */
	conf_record_fn rec;
	void *rec_ctx;
};

/* The most results conf_entry_run records: size result arrays with it. */
size_t conf_entry_max_results(void);
/* Runs every case; returns the TSC cycles it took. Leaves env->vmcs current. */
u64 conf_entry_run(const struct conf_entry_env *env);

#endif
