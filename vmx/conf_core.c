/*
 * The conformance suite's recording and state changes: a case's outcome goes
 * into this CPU's result slots (a PASS, a FAIL with the values, or an XFAIL
 * the known-deviation table lists), and enter() takes the CPU to the state a
 * case runs in (outside VMX, CR4.VMXE only, VMX root, root with a current VMCS).
 */
#include <stdarg.h>
#include "vmx/conf_ctx.h"
#include "vmx/vmx_errors.h"
#include "vmx/deviations.h"
#include "kernel/format.h"
#include "kernel/platform.h"

/* ---- recording ---- */

void record(struct ctx *x, const char *name, enum ktap_result r, const char *fmt, ...)
{
	if (x->n >= x->cap)
		return;
	struct case_result *cr = &x->res[x->n++];
	ksnprintf(cr->name, sizeof(cr->name), "%s", name);
	cr->r = r;
	cr->detail[0] = 0;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		kvsnprintf(cr->detail, sizeof(cr->detail), fmt, ap);
		va_end(ap);
	}
}

/* "VMfailValid 19 (name...)" -> "VMfailValid 19": XFAIL lines keep the words for the deviation */
static const char *short_result(char *s)
{
	for (char *p = s; *p; p++)
		if (p[0] == ' ' && p[1] == '(') {
			*p = 0;
			break;
		}
	return s;
}

void expect(struct ctx *x, const char *name, struct vmx_result got, enum vmx_status st, u32 num)
{
	char g[112], w[112];
	struct vmx_result want = { st, st == VMX_FAIL_VALID ? num : 0, st == VMX_FAULT ? (int)num : 0 };
	vmx_result_str(got, g, sizeof(g));
	vmx_result_str(want, w, sizeof(w));
	const struct vmx_deviation *d;
	if (vmx_result_is(got, st, num))
		record(x, name, KTAP_PASS, 0);
	else if ((d = vmx_deviation_find(platform.kind, name, vmx_outcome(got))))
		record(x, name, KTAP_XFAIL, "SDM %s: %s: expected %s, got %s", d->sdm, d->what, short_result(w),
		       short_result(g));
	else
		record(x, name, KTAP_FAIL, "expected %s, got %s", w, g);
}

/* ---- state changes ---- */

bool set_vmxe(struct ctx *x)
{
	struct vmx_fixed f0 = vmx_fixed_apply(x->cr0, x->c->cr0_fixed0, x->c->cr0_fixed1);
	struct vmx_fixed f4 = vmx_fixed_apply(x->cr4 | CR4_VMXE, x->c->cr4_fixed0, x->c->cr4_fixed1);
	return !write_cr0_safe(f0.value) && !write_cr4_safe(f4.value);
}

void restore(struct ctx *x)
{
	if (x->in_vmx) {
		u64 cur = ~0ULL;
		vmptrst_safe(&cur);
		if (cur != ~0ULL)
			vmclear_safe(cur);
		if (vmx_ok(vmxoff_safe()))
			x->in_vmx = false;
	}
	write_cr4_safe(x->cr4);
	write_cr0_safe(x->cr0);
	vmx_region_init(x->on, x->rev);
	vmx_region_init(x->a, x->rev);
	vmx_region_init(x->b, x->rev);
}

bool enter(struct ctx *x, enum state s)
{
	restore(x);
	if (s == OUTSIDE)
		return true;
	if (!set_vmxe(x))
		return false;
	if (s == VMXE_ONLY)
		return true;
	if (!vmx_ok(vmxon_safe(x->on)))
		return false;
	x->in_vmx = true;
	if (s == ROOT)
		return true;
	return vmx_ok(vmclear_safe(x->a)) && vmx_ok(vmptrld_safe(x->a));
}

/* Whether a VMCALL-in-root case may run here; else a SKIP with the reason
 * (the decision is vmx_vmcall_skip_reason(), host-tested). */
bool vmcall_may_run(struct ctx *x, const char *name, bool clear_vmcs)
{
	u64 smm = 0;
	bool hv = cpuid(1).ecx & CPUID1_ECX_HYPERVISOR;
	bool smm_ok = (x->c->basic & VMX_BASIC_DUAL_MONITOR) && !rdmsr_safe(IA32_SMM_MONITOR_CTL, &smm);
	char why[160];
	if (!vmx_vmcall_skip_reason(why, sizeof(why), hv ? platform.hv_vendor : 0, x->c->basic, smm_ok, smm,
				    clear_vmcs, platform.kind))
		return true;
	record(x, name, KTAP_SKIP, "%s", why);
	return false;
}

void record_cb(void *ctx, const char *name, enum ktap_result r, const char *detail)
{
	record(ctx, name, r, detail ? "%s" : 0, detail);
}
