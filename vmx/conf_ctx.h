/* What the conformance suite's files share (vmx/conformance.c runs the
 * cases; conf_core.c records outcomes and moves the CPU between VMX states;
 * conf_root.c and conf_launch.c hold the hand-written cases). Kernel only. */
#ifndef VMX_CONF_CTX_H
#define VMX_CONF_CTX_H

#include "vmx/vmx.h"
#include "vmx/guest.h"
#include "kernel/ktap.h"

/* the state a case runs in (README.md, "conformance cases") */
enum state { OUTSIDE, VMXE_ONLY, ROOT, ROOT_VMCS };

struct case_result {
	char name[64];
	enum ktap_result r;
	char detail[256];
};

struct ctx {
	struct vmx_cpu *v;
	const struct vmx_caps *c;
	u32 rev;
	u64 width_bit;          /* first physical-address bit beyond the width */
	u64 cr0, cr4;
	u64 on, a, b, bitmap, stack;
	bool in_vmx;
	struct case_result *res;   /* this CPU's slot in conf[] */
	u32 n, cap;
	char resume_seen[64];      /* VMRESUME after VMXOFF/VMXON: the allowed outcome seen, printed folded */
};

/* ---- recording (conf_core.c) ---- */
void record(struct ctx *x, const char *name, enum ktap_result r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* got must be st/num; a mismatch is an XFAIL only when the known-deviation
 * table lists (platform, name, got), else a FAIL */
void expect(struct ctx *x, const char *name, struct vmx_result got, enum vmx_status st, u32 num);
/* a conf_record_fn over record(): ctx is the struct ctx */
void record_cb(void *ctx, const char *name, enum ktap_result r, const char *detail);

/* ---- state changes (conf_core.c) ---- */
bool set_vmxe(struct ctx *x);
/* out of VMX operation, CR0/CR4 as found, the regions re-initialised */
void restore(struct ctx *x);
bool enter(struct ctx *x, enum state s);
/* Whether a VMCALL-in-root case may run here; else a SKIP with the reason */
bool vmcall_may_run(struct ctx *x, const char *name, bool clear_vmcs);

/* ---- the cases (conf_root.c, conf_launch.c) ---- */
void outside_cases(struct ctx *x);
void vmxon_cases(struct ctx *x);
void root_cases(struct ctx *x);
void enum_cases(struct ctx *x);
void launch_cases(struct ctx *x);
u64 table_cases(struct ctx *x);
u64 exit_cases(struct ctx *x);
void inv_cases(struct ctx *x);
void caps_cases(struct ctx *x);

#endif
