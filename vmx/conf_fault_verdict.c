/* Whether a fault is the one an insn_ fault case wants (SDM 31.3 exceptions;
 * vol. 3A 4.7 for #PF error codes and CR2). */
#include "vmx/conf_fault_verdict.h"
#include "arch/x86_64/cpu_defs.h"
#include "kernel/format.h"

enum conf_fault_v conf_fault_verdict(const struct conf_fault_got *g, const struct conf_fault_want *w, char *buf,
				     size_t n)
{
	buf[0] = 0;
	if (g->vec != w->vec)
		return FV_VECTOR;
	if (g->has_rip && g->cs != w->cs)
		ksnprintf(buf, n, "vector %d came from CS 0x%lx, not from the excursion's CS 0x%lx", g->vec, g->cs, w->cs);
	else if (g->has_rip && g->rip != w->rip)
		ksnprintf(buf, n, "vector %d at RIP 0x%lx, not at the VMX instruction (0x%lx): it did not fault, "
			  "the ud2 after it did", g->vec, g->rip, w->rip);
	else if (g->err != w->err)
		ksnprintf(buf, n, "vector %d with error code 0x%lx, expected 0x%lx", g->vec, g->err, w->err);
	else if (w->cr2 != ~0ULL && g->cr2 != w->cr2)
		ksnprintf(buf, n, "#PF with CR2 0x%lx, expected 0x%lx", g->cr2, w->cr2);
	else if (g->has_flags && (g->flags & (RFLAGS_CF | RFLAGS_ZF)) != (RFLAGS_CF | RFLAGS_ZF))
		ksnprintf(buf, n, "RFLAGS 0x%lx after the fault: CF and ZF (set before) changed", g->flags);
	else
		return FV_OK;
	return FV_OTHER;
}
