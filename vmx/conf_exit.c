/*
 * The core VM-exit cases on this CPU (vmx/conf_exit.h). Per row: the
 * known-good guest VMCS of the case table (vmcs_setup_guest and
 * conf_good_vmcs_extras: exception bitmap all ones, guest ending at a VMCALL),
 * the row's controls and set-up, the software model (it must find nothing:
 * the VMCS is valid), VMLAUNCH, and the VM-exit information fields compared
 * with the row by conf_exit_verdict. The VMCS is rebuilt for every row.
 */
#include "vmx/conf_exit.h"
#include "vmx/vmcs_view.h"
#include "vmx/conf_cases.h"
#include "vmx/entry_check.h"
#include "vmx/ept.h"
#include "vmx/guest.h"
#include "vmx/vmx.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/paging.h"
#include "kernel/format.h"
#include "kernel/ktap.h"
#include "kernel/lib.h"
#include "kernel/platform.h"
#include "kernel/pmm.h"

struct xg_addr { u64 entry, insn, end; };
extern const struct xg_addr conf_exit_guests[];
extern const u32 conf_exit_guests_n;
extern u64 conf_guest_cr3;
void conf_guest_vmcall(void);
extern const char conf_xg_fetch_target[];

enum { P_DATA, P_TEST, P_MSR_BITMAP, P_IO_A, P_IO_B, P_MSR_AREA, P_NR };

struct xrun {
	const struct conf_exit_run_env *e;
	const struct vmx_caps *c;
	u64 page[P_NR];
	struct conf_env_vals vals;
	struct guest_setup gs;
	u64 ept_root;		/* 0: not built (yet) */
	bool ept_failed;
	char ept_why[96];
};

static void w(u32 field, u64 v, void *ctx)
{
	(void)ctx;
	vmwrite_safe(field, v);
}

static u64 rd(u32 field)
{
	u64 v = 0;
	vmread_safe(field, &v);
	return v;
}

/* ---- the EPT identity map (vmx/ept.c), built on the first row that needs it ---- */

static u64 ept_alloc(void *ctx)
{
	(void)ctx;
	u64 pa = page_alloc(1);
	if (pa)
		memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return pa;
}
static u64 *ept_table(u64 pa, void *ctx)
{
	(void)ctx;
	return (u64 *)(uintptr_t)pa;
}
static void ept_pfree(u64 pa, void *ctx)
{
	(void)ctx;
	page_free(pa, 1);
}
static const struct ept_mem ept_m = { ept_alloc, ept_table, ept_pfree, 0 };

static u64 fetch_page(void)
{
	return (u64)(uintptr_t)conf_xg_fetch_target;
}

static bool ept_ready(struct xrun *r)
{
	if (r->ept_root || r->ept_failed)
		return !r->ept_failed;
	struct vmx_ept_vpid ev = vmx_decode_ept_vpid(r->c->ept_vpid_cap);
	/* the two pages the rows change get 4 KiB entries of their own (left not present, set per row) */
	u64 own[2] = { r->page[P_TEST], fetch_page() };
	/* the guests touch nothing above 4 GiB: map [0, 4 GiB) only */
	struct ept_params p = { .mtrr = &r->e->cpu->mach, .phys_bits = 32, .pages_2m = ev.pages_2m, .pages_1g = ev.pages_1g,
				   .excluded = own, .nexcluded = 2, .max_tables = 64 };
	struct ept_stats st;
	enum ept_status s = ept_build(&p, &ept_m, &r->ept_root, &st);
	if (s != EPT_OK) {
		r->ept_failed = true;
		r->ept_root = 0;
		ksnprintf(r->ept_why, sizeof(r->ept_why), "the EPT identity map could not be built: %s", ept_status_name(s));
		return false;
	}
	u64 *a = ept_pte_slot(r->ept_root, &ept_m, fetch_page()), *b = ept_pte_slot(r->ept_root, &ept_m, own[0]);
	if (!a || !b) {
		r->ept_failed = true;
		ksnprintf(r->ept_why, sizeof(r->ept_why), "the EPT map has no 4 KiB entry for the test pages");
		return false;
	}
	*a = fetch_page() | EPT_RWX | (6ULL << EPT_MEMTYPE_SHIFT);
	*b = own[0] | EPT_RWX | (6ULL << EPT_MEMTYPE_SHIFT);
	return true;
}

static void ept_flush(const struct xrun *r)
{
	struct invept_desc d = { ept_pointer(r->ept_root), 0 };
	if (r->c->ept_vpid_cap & VMX_EPT_INVEPT_ALL)
		invept_safe(2, &d);
	else if (r->c->ept_vpid_cap & VMX_EPT_INVEPT_SINGLE)
		invept_safe(1, &d);
}

/* ---- one row ---- */

static bool build_good(struct xrun *r)
{
	if (!vmx_ok(vmclear_safe(r->e->vmcs)) || !vmx_ok(vmptrld_safe(r->e->vmcs)) ||
	    !vmcs_setup_guest(r->c, &r->gs, BREAK_NONE))
		return false;
	u32 proc = r->gs.proc, proc2;
	conf_good_vmcs_extras(r->c, &r->vals, w, 0, &proc, &proc2);
	r->gs.proc = proc;
	r->gs.proc2 = proc2;
	vmwrite_safe(VMCS_GUEST_RIP, (u64)(uintptr_t)conf_guest_vmcall);
	return true;
}

static void set_bit(u64 page, u32 bit)
{
	((volatile u8 *)(uintptr_t)page)[bit / 8] |= (u8)(1u << (bit % 8));
}

/* the row's set-up; false with why when it cannot be made */
static bool setup(struct xrun *r, const struct conf_exit_case *k, struct guest_regs *g, u32 *timer, char *why,
		  size_t n)
{
	u32 rate = (u32)(r->c->misc & VMX_MISC_PREEMPT_RATE_MASK);
	switch (k->setup) {
	case XS_MSR_BITMAP:
		memset((void *)(uintptr_t)r->page[P_MSR_BITMAP], 0, PAGE_SIZE);
		for (int i = 0; i < 2; i++) {
			u32 m = k->msr_bits[i].msr;
			if (!m)
				continue;
			u32 base = (m >= 0xc0000000 ? 1024 : 0) + (k->msr_bits[i].write ? 2048 : 0);
			set_bit(r->page[P_MSR_BITMAP] + base, m & 0x1fff);
		}
		vmwrite_safe(VMCS_MSR_BITMAPS_ADDR, r->page[P_MSR_BITMAP]);
		break;
	case XS_IO_BITMAPS:
		memset((void *)(uintptr_t)r->page[P_IO_A], 0, PAGE_SIZE);
		memset((void *)(uintptr_t)r->page[P_IO_B], 0, PAGE_SIZE);
		for (int i = 0; i < 2; i++)
			if (k->ports[i])
				set_bit(r->page[k->ports[i] & 0x8000 ? P_IO_B : P_IO_A], k->ports[i] & 0x7fff);
		vmwrite_safe(VMCS_IO_BITMAP_A_ADDR, r->page[P_IO_A]);
		vmwrite_safe(VMCS_IO_BITMAP_B_ADDR, r->page[P_IO_B]);
		break;
	case XS_CR3_TARGETS: {
		u32 max = (u32)((r->c->misc >> VMX_MISC_CR3_TARGETS_SHIFT) & VMX_MISC_CR3_TARGETS_MASK);
		max = max > 4 ? 4 : max;   /* CR3-target values 0-3 exist as fields */
		u64 cr3 = r->vals.cr3;
		for (u32 i = 0; i < 4; i++)
			vmwrite_safe(VMCS_CR3_TARGET_VALUE0 + 2 * i, cr3 + (u64)(i + 1) * PAGE_SIZE);
		if (k->cr3t == CR3T_LAST_MATCHES)
			vmwrite_safe(VMCS_CR3_TARGET_VALUE0 + 2 * (max - 1), cr3);
		if (k->cr3t == CR3T_BEYOND_COUNT)
			vmwrite_safe(VMCS_CR3_TARGET_VALUE1, cr3);
		vmwrite_safe(VMCS_CR3_TARGET_COUNT, k->cr3t == CR3T_BEYOND_COUNT ? 1 : max);
		break;
	}
	case XS_TIMER:
		*timer = k->timer;
		vmwrite_safe(VMCS_GUEST_VMX_PREEMPTION_TIMER_VALUE, k->timer);
		g->r8 = 1ULL << (rate + k->spin_shift);
		break;
	case XS_TRIPLE_FAULT:
		vmwrite_safe(VMCS_EXCEPTION_BITMAP, 0);
		vmwrite_safe(VMCS_GUEST_IDTR_LIMIT, 0);
		break;
	case XS_EXCEPTIONS:
		vmwrite_safe(VMCS_EXCEPTION_BITMAP, k->exc_bitmap);
		vmwrite_safe(VMCS_PAGE_FAULT_ERROR_CODE_MASK, k->pfec_mask);
		vmwrite_safe(VMCS_PAGE_FAULT_ERROR_CODE_MATCH, k->pfec_match);
		if (k->idt_empty)
			vmwrite_safe(VMCS_GUEST_IDTR_LIMIT, 0);
		break;
	case XS_CR0_SHADOW:
		vmwrite_safe(VMCS_CR0_GUEST_HOST_MASK, k->cr0_mask);
		vmwrite_safe(VMCS_CR0_READ_SHADOW, rd(VMCS_GUEST_CR0) | k->shadow_or);
		break;
	case XS_EPT: {
		if (!ept_ready(r)) {
			ksnprintf(why, n, "%s", r->ept_why);
			return false;
		}
		u64 pa = k->addr_base == XA_FETCH_PAGE ? fetch_page() : r->page[P_TEST];
		*ept_pte_slot(r->ept_root, &ept_m, pa) = k->ept_entry ? pa | k->ept_entry : 0;
		ept_flush(r);
		vmwrite_safe(VMCS_EPT_POINTER, ept_pointer(r->ept_root));
		break;
	}
	default:
		break;
	}
	return true;
}

static void teardown(struct xrun *r, const struct conf_exit_case *k)
{
	if (k->setup != XS_EPT || !r->ept_root)
		return;
	u64 pa = k->addr_base == XA_FETCH_PAGE ? fetch_page() : r->page[P_TEST];
	*ept_pte_slot(r->ept_root, &ept_m, pa) = pa | EPT_RWX | (6ULL << EPT_MEMTYPE_SHIFT);
	ept_flush(r);
}

static void observe(struct conf_exit_obs *o, u64 flags)
{
	*o = (struct conf_exit_obs){ .entered = !flags };
	if (flags) {
		struct vmx_result res = vmx_decode_flags(flags, 0);
		o->fail_code = res.status == VMX_FAIL_VALID ? conf_outcome_code(EXP_FAIL_VALID, res.error, 0)
							    : conf_outcome_code(EXP_FAIL_INVALID, 0, 0);
		return;
	}
	o->reason = (u32)rd(VMCS_EXIT_REASON);
	o->qual = rd(VMCS_EXIT_QUALIFICATION);
	o->gpa = rd(VMCS_GUEST_PHYSICAL_ADDRESS);
	o->gla = rd(VMCS_GUEST_LINEAR_ADDRESS);
	o->rip = rd(VMCS_GUEST_RIP);
	o->info = (u32)rd(VMCS_VM_EXIT_INSTRUCTION_INFO);
	o->len = (u32)rd(VMCS_VM_EXIT_INSTRUCTION_LENGTH);
	o->intr = (u32)rd(VMCS_VM_EXIT_INTERRUPTION_INFO);
	o->err = (u32)rd(VMCS_VM_EXIT_INTERRUPTION_ERROR_CODE);
	o->timer = rd(VMCS_GUEST_VMX_PREEMPTION_TIMER_VALUE);
	o->idtv = (u32)rd(VMCS_IDT_VECTORING_INFO);
	/* an entry failure leaves the VMCS unlaunched; a real exit is reported by o->reason */
	if (o->reason & EXIT_REASON_ENTRY_FAILURE) {
		o->entered = false;
		o->fail_code = conf_outcome_code(EXP_ENTRY_FAIL, o->reason & EXIT_REASON_BASIC_MASK, (u32)o->qual);
	}
}

static void one_row(struct xrun *r, const struct conf_exit_case *k)
{
	char why[240];
	const struct conf_exit_run_env *e = r->e;
	if (conf_exit_skip_reason(k, r->c, why, sizeof(why))) {
		e->rec(e->rec_ctx, k->name, KTAP_SKIP, why);
		return;
	}
	if (k->guest == XG_READ_4G && paging_lookup(1ULL << 32)) {
		e->rec(e->rec_ctx, k->name, KTAP_SKIP, "linear 4 GiB is mapped in this kernel's page tables");
		return;
	}
	if (!build_good(r)) {
		e->rec(e->rec_ctx, k->name, KTAP_FAIL, r->gs.error[0] ? r->gs.error : "VMCLEAR/VMPTRLD failed");
		return;
	}
	u32 proc = (r->gs.proc | k->proc) & ~k->proc_off;
	if (k->pin)
		vmwrite_safe(VMCS_PIN_BASED_CONTROLS, r->gs.pin | k->pin);
	vmwrite_safe(VMCS_PRIMARY_PROC_BASED_CONTROLS, proc);
	if (k->proc2)
		vmwrite_safe(VMCS_SECONDARY_PROC_BASED_CONTROLS, r->gs.proc2 | k->proc2);
	if (k->exit_ctl)
		vmwrite_safe(VMCS_VM_EXIT_CONTROLS, r->gs.exit | k->exit_ctl);
	struct guest_regs g = { 0 };
	g.rdi = r->page[P_DATA];
	g.rsi = r->page[P_TEST];
	g.r9 = VMCS_PRIMARY_PROC_BASED_CONTROLS;
	g.r10 = KERNEL_TSS;
	u32 timer = 0;
	if (!setup(r, k, &g, &timer, why, sizeof(why))) {
		e->rec(e->rec_ctx, k->name, KTAP_FAIL, why);
		return;
	}
	const struct xg_addr *ga = &conf_exit_guests[k->guest];
	vmwrite_safe(VMCS_GUEST_RIP, ga->entry);
	struct entry_finding f[2];
	struct vmcs_view view = vmcs_view_current(e->vmcs);
	size_t nf = entry_check_all(&view, r->c, f, ARRAY_SIZE(f));
	struct conf_exit_obs o;
	observe(&o, vmx_enter(&g, false));
	teardown(r, k);
	if (nf) {
		ksnprintf(why, sizeof(why), "the model finds %s (SDM %s: %s) in a VMCS the row means to be valid",
			  f[0].field_name, f[0].sdm, f[0].rule);
		e->rec(e->rec_ctx, k->name, KTAP_FAIL, why);
		return;
	}
	u64 base = k->addr_base == XA_DATA_PAGE ? r->page[P_DATA]
		 : k->addr_base == XA_FETCH_PAGE ? fetch_page() : r->page[P_TEST];
	struct conf_exit_env env = { ga->insn, (u32)(ga->end - ga->insn), base, timer };
	int v = conf_exit_verdict(k, &env, &o, platform.kind, why, sizeof(why));
	e->rec(e->rec_ctx, k->name, (enum ktap_result)v, why[0] ? why : 0);
}

u64 conf_exit_run(const struct conf_exit_run_env *e)
{
	u64 t0 = rdtsc();
	struct xrun r = { .e = e, .c = &e->cpu->caps };
	bool ok = true;
	for (int i = 0; i < P_NR; i++) {
		r.page[i] = page_alloc(1);
		ok &= r.page[i] != 0;
		if (r.page[i])
			memset((void *)(uintptr_t)r.page[i], 0, PAGE_SIZE);
	}
	r.vals = (struct conf_env_vals){ .page_other = e->zero, .page_current = e->vmcs, .page_zero = e->zero,
					 .page_msr = r.page[P_MSR_AREA], .pat = rdmsr(MSR_IA32_PAT), .cr3 = read_cr3() };
	r.gs = (struct guest_setup){ .guest_stack_top = e->stack + PAGE_SIZE, .msr_bitmap_pa = e->zero };
	conf_guest_cr3 = r.vals.cr3;
	if (!ok)
		e->rec(e->rec_ctx, "exit_cases_setup", KTAP_FAIL, "out of memory");
	else if (conf_exit_guests_n != XG_NR)
		e->rec(e->rec_ctx, "exit_cases_setup", KTAP_FAIL, "vmx/conf_exit_guest.S lists a different number of "
		       "guests than enum xg");
	else
		for (size_t i = 0; i < conf_exit_rows_n; i++)
			one_row(&r, &conf_exit_rows[i]);
	if (r.ept_root)
		ept_free(r.ept_root, &ept_m);
	for (int i = 0; i < P_NR; i++)
		if (r.page[i])
			page_free(r.page[i], 1);
	vmclear_safe(e->vmcs);
	vmptrld_safe(e->vmcs);
	return rdtsc() - t0;
}
