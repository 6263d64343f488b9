/*
 * The per-CPU part of VT-x bring-up: read the raw CPUID/MSR/CR values, let
 * vmx_detect() (pure, host-tested) decide, set FEATURE_CONTROL when it is
 * unlocked, read the capability MSRs, then walk the lifecycle
 * VMXON -> VMCLEAR -> VMPTRLD -> VMPTRST -> VMWRITE/VMREAD -> second VMCS ->
 * VMCLEAR -> VMXOFF, vmx.rounds times, leaving the CPU as it found it.
 * Every failure records the step and what the CPU said, and cleans up.
 */
#include <stdarg.h>
#include "vmx/vmx.h"
#include "vmx/vmcs_fields.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/cpu.h"

struct vmx_cpu *vmx_cpus;

static const char *const step_names[STEP_NR] = {
	"cr0_cr4_fixed_bits_applied", "vmxon", "vmclear", "vmptrld", "vmptrst_returns_loaded_vmcs",
	"vmwrite_vmread_roundtrip", "second_vmcs_switch_keeps_values", "vmclear_current_resets_vmptrst",
	"vmxoff", "cr0_cr4_restored_out_of_vmx",
};

const char *vmx_step_name(enum vmx_step s)
{
	return s < STEP_NR ? step_names[s] : "?";
}

void vmx_read_detect_input(struct vmx_detect_input *in)
{
	memset(in, 0, sizeof(*in));
	struct cpuid_regs r = cpuid(0);
	in->max_basic_leaf = r.eax;
	in->vendor_ebx = r.ebx;
	in->vendor_edx = r.edx;
	in->vendor_ecx = r.ecx;
	in->cpuid1_ecx = cpuid(1).ecx;
	in->max_ext_leaf = cpuid(0x80000000).eax;
	if (in->max_ext_leaf >= 0x80000001)
		in->cpuid_80000001_ecx = cpuid(0x80000001).ecx;
	if (in->max_ext_leaf >= 0x80000008)
		in->cpuid_80000008_eax = cpuid(0x80000008).eax;
	in->cr4 = read_cr4();
	if (in->max_basic_leaf >= 7) {
		struct cpuid_regs l7 = cpuid_count(7, 0);
		in->cpuid7_ebx = l7.ebx;
		in->cpuid7_ecx = l7.ecx;
	}
	if (in->max_basic_leaf >= 1 && (cpuid(1).edx & CPUID1_EDX_MCA))
		in->mcg_cap_read = rdmsr_safe(MSR_IA32_MCG_CAP, &in->mcg_cap) == 0;
	/* Never a measured launch: we know no sound signal for one. The TXT
	 * public space (TXT.STS at 0xfed30000, bit 0 SENTER.DONE) reads all
	 * ones where no TXT chipset decodes it, which looks like "done", and
	 * tboot hands its shared page to Linux and Xen in their own ways, which
	 * vmxboot does not implement. So VMXON inside SMX (bit 1) stays off. */
	in->measured_launch = false;
	/* FEATURE_CONTROL and VMX_BASIC exist only when CPUID says VMX
	 * (FACTS.md: never decide by probing MSRs) */
	if (in->cpuid1_ecx & CPUID1_ECX_VMX) {
		in->feature_control_read = rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &in->feature_control) == 0;
		u64 b = 0;
		if (rdmsr_safe(MSR_IA32_VMX_BASIC, &b) == 0)
			in->vmx_basic = b;
	}
}

void vmx_read_caps(struct vmx_caps *c)
{
	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < vmx_caps_items_count; i++) {
		const struct vmx_caps_item *it = &vmx_caps_items[i];
		u64 v = 0;
		if (it->msr == 0)
			v = cpuid(0x80000000).eax >= 0x80000008 ? cpuid(0x80000008).eax : 0;
		else if (!vmx_caps_msr_exists(c, it->msr) || rdmsr_safe(it->msr, &v))
			v = 0;
		vmx_caps_item_set(c, it, v);
	}
}

void vmx_region_init(u64 pa, u32 revision)
{
	*(volatile u32 *)(uintptr_t)pa = revision & 0x7fffffff;   /* bit 31 clear */
}

/* ---- one lifecycle round ---- */

struct round {
	struct vmx_cpu *v;
	u32 n;
	bool in_vmx;
	u64 cr0, cr4;
	u64 vmxon_pa, a, b;
};

static bool step(struct round *r, enum vmx_step s, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool step(struct round *r, enum vmx_step s, bool ok, const char *fmt, ...)
{
	struct vmx_step_result *sr = &r->v->steps[s];
	sr->ran = true;
	if (r->n == 0 || (sr->ok && !ok)) {
		sr->ok = ok;
		sr->round = r->n;
		sr->detail[0] = 0;
		if (fmt) {
			va_list ap;
			va_start(ap, fmt);
			kvsnprintf(sr->detail, sizeof(sr->detail), fmt, ap);
			va_end(ap);
		}
	}
	return ok;
}

static bool step_insn(struct round *r, enum vmx_step s, struct vmx_result res, const char *what)
{
	char b[80];
	vmx_result_str(res, b, sizeof(b));
	return step(r, s, vmx_ok(res), "%s: %s (CR0 0x%lx CR4 0x%lx FEATURE_CONTROL 0x%lx)", what, b,
		    read_cr0(), read_cr4(), r->v->in.feature_control);
}

static const struct {
	u32 field;
	u64 value;
} rw_checks[] = {
	{ VMCS_GUEST_ES_SELECTOR, 0x0010 },                 /* 16-bit */
	{ VMCS_GUEST_ES_LIMIT, 0x000fffff },                /* 32-bit */
	{ VMCS_LINK_POINTER, ~0ULL },                       /* 64-bit: "no shadow VMCS" */
	{ VMCS_TSC_OFFSET, 0x123456789abcdef0ULL },         /* 64-bit */
	{ VMCS_GUEST_CR3, 0x1234000 },                      /* natural width */
};

static bool rw_roundtrip(struct round *r)
{
	for (size_t i = 0; i < ARRAY_SIZE(rw_checks); i++) {
		u64 got = 0;
		struct vmx_result w = vmwrite_safe(rw_checks[i].field, rw_checks[i].value);
		struct vmx_result rd = vmread_safe(rw_checks[i].field, &got);
		if (!vmx_ok(w) || !vmx_ok(rd) || got != rw_checks[i].value) {
			char bw[64], br[64];
			vmx_result_str(w, bw, sizeof(bw));
			vmx_result_str(rd, br, sizeof(br));
			return step(r, STEP_VMCS_RW, false, "field 0x%x: VMWRITE 0x%lx %s, VMREAD %s gave 0x%lx",
				    rw_checks[i].field, rw_checks[i].value, bw, br, got);
		}
	}
	return step(r, STEP_VMCS_RW, true, 0);
}

static bool switch_vmcs(struct round *r, u32 rev)
{
	u64 cur = 0, got = 0;
	vmx_region_init(r->b, rev);
	if (!vmx_ok(vmclear_safe(r->b)) || !vmx_ok(vmptrld_safe(r->b)) ||
	    !vmx_ok(vmptrst_safe(&cur)) || cur != r->b)
		return step(r, STEP_SWITCH_VMCS, false, "second VMCS 0x%lx: VMCLEAR/VMPTRLD/VMPTRST failed (VMPTRST 0x%lx)",
			    r->b, cur);
	vmwrite_safe(VMCS_GUEST_CR3, 0x5678000);
	if (!vmx_ok(vmptrld_safe(r->a)) || !vmx_ok(vmread_safe(VMCS_GUEST_CR3, &got)) || got != 0x1234000)
		return step(r, STEP_SWITCH_VMCS, false, "back on VMCS 0x%lx: guest_cr3 0x%lx, want 0x1234000", r->a, got);
	return step(r, STEP_SWITCH_VMCS, true, 0);
}

/* Leave VMX operation and restore CR0/CR4 whatever happened; free the pages. */
static void cleanup(struct round *r)
{
	if (r->in_vmx) {
		u64 cur = ~0ULL;
		vmptrst_safe(&cur);
		if (cur != ~0ULL)
			vmclear_safe(cur);
		if (vmx_ok(vmxoff_safe()))
			r->in_vmx = false;
	}
	write_cr4_safe(r->cr4);
	write_cr0_safe(r->cr0);
	for (u64 *p = &r->vmxon_pa; p <= &r->b; p++)
		if (*p) {
			page_free(*p, 1);
			*p = 0;
		}
}

static bool lifecycle(struct vmx_cpu *v, u32 n)
{
	struct round r = { .v = v, .n = n, .cr0 = read_cr0(), .cr4 = read_cr4() };
	const struct vmx_caps *c = &v->caps;
	u32 rev = vmx_decode_basic(c->basic).revision_id;
	u64 t0 = rdtsc();

	struct vmx_fixed f0 = vmx_fixed_apply(r.cr0, c->cr0_fixed0, c->cr0_fixed1);
	struct vmx_fixed f4 = vmx_fixed_apply(r.cr4 | CR4_VMXE, c->cr4_fixed0, c->cr4_fixed1);
	v->cr0_forced = f0.changed;
	v->cr4_forced = f4.changed & ~CR4_VMXE;
	int e0 = f0.possible ? write_cr0_safe(f0.value) : -1;
	int e4 = f4.possible ? write_cr4_safe(f4.value) : -1;
	if (!step(&r, STEP_FIXED_BITS, e0 == 0 && e4 == 0 && (read_cr4() & CR4_VMXE),
		  "CR0 0x%lx -> 0x%lx (write gave %d), CR4 0x%lx -> 0x%lx (write gave %d); FIXED0/1 CR0 0x%lx/0x%lx CR4 0x%lx/0x%lx",
		  r.cr0, f0.value, e0, r.cr4, f4.value, e4, c->cr0_fixed0, c->cr0_fixed1, c->cr4_fixed0, c->cr4_fixed1))
		goto out;

	r.vmxon_pa = page_alloc(1);
	r.a = page_alloc(1);
	r.b = page_alloc(1);
	if (!r.vmxon_pa || !r.a || !r.b) {
		step(&r, STEP_VMXON, false, "out of memory for the VMXON region and VMCSs");
		goto out;
	}
	vmx_region_init(r.vmxon_pa, rev);
	vmx_region_init(r.a, rev);
	v->vmxon_pa = r.vmxon_pa;
	v->vmcs_pa = r.a;
	v->vmcs2_pa = r.b;

	struct vmx_result res = vmxon_safe(r.vmxon_pa);
	r.in_vmx = vmx_ok(res);
	if (!step_insn(&r, STEP_VMXON, res, "VMXON"))
		goto out;
	if (!step_insn(&r, STEP_VMCLEAR, vmclear_safe(r.a), "VMCLEAR") ||
	    !step_insn(&r, STEP_VMPTRLD, vmptrld_safe(r.a), "VMPTRLD"))
		goto out;
	u64 cur = 0;
	res = vmptrst_safe(&cur);
	if (!step(&r, STEP_VMPTRST, vmx_ok(res) && cur == r.a, "VMPTRST gave 0x%lx, want 0x%lx", cur, r.a))
		goto out;
	if (!rw_roundtrip(&r) || !switch_vmcs(&r, rev))
		goto out;
	res = vmclear_safe(r.a);
	cur = 0;
	vmptrst_safe(&cur);
	if (!step(&r, STEP_VMCLEAR_CURRENT, vmx_ok(res) && cur == ~0ULL, "VMCLEAR current, then VMPTRST gave 0x%lx", cur))
		goto out;
	vmclear_safe(r.b);
	res = vmxoff_safe();
	if (vmx_ok(res))
		r.in_vmx = false;
	if (!step_insn(&r, STEP_VMXOFF, res, "VMXOFF"))
		goto out;
out:
	cleanup(&r);
	v->cr0_after = read_cr0();
	v->cr4_after = read_cr4();
	/* out of VMX operation: VMXOFF now raises #UD (CR4.VMXE clear, or not in VMX operation) */
	struct vmx_result off = vmxoff_safe();
	bool restored = !r.in_vmx && v->cr0_after == r.cr0 && v->cr4_after == r.cr4 &&
			off.status == VMX_FAULT && off.vector == VEC_UD;
	step(&r, STEP_RESTORED, restored, "CR0 0x%lx (was 0x%lx), CR4 0x%lx (was 0x%lx), VMXOFF afterwards gave %s",
	     v->cr0_after, r.cr0, v->cr4_after, r.cr4, vmx_ok(off) ? "ok (was still in VMX!)" : "a fault");
	v->lifecycle_cycles = rdtsc() - t0;
	for (int s = 0; s < STEP_NR; s++)
		if (!v->steps[s].ran || !v->steps[s].ok)
			return false;
	return true;
}

long vmx_cpu_job(void *arg)
{
	(void)arg;
	struct cpu *me = this_cpu();
	struct vmx_cpu *v = &vmx_cpus[me->index];
	memset(v, 0, sizeof(*v));
	me->vmx = v;
	cpuinfo_read(&v->mach);
	vmx_read_detect_input(&v->in);
	vmx_detect(&v->in, &v->det);
	vmx_detect_explain(&v->in, &v->det, v->why, sizeof(v->why));
	if (v->det.feature_control_write) {
		v->fc_write_vector = wrmsr_safe(MSR_IA32_FEATURE_CONTROL, v->det.feature_control_new);
		v->fc_written = v->fc_write_vector == 0;
		rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &v->in.feature_control);
	}
	if (v->in.cpuid1_ecx & CPUID1_ECX_VMX) {
		vmx_read_caps(&v->caps);
		v->caps_read = true;
	}
	if (!v->det.usable || (v->det.feature_control_write && !v->fc_written))
		return 0;
	v->cr0_before = read_cr0();
	v->cr4_before = read_cr4();
	for (u32 n = 0; n < opt.vmx_rounds; n++) {
		if (!lifecycle(v, n))
			break;
		v->rounds_done++;
	}
	v->completed = v->rounds_done == opt.vmx_rounds;
	return v->completed;
}
