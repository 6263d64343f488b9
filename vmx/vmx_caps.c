/* VMX capability decoding (SDM vol. 3C appendix A). Pure. */
#include "vmx/vmx_caps.h"
#include "kernel/lib.h"

#define ITEM(n, m, field) \
	{ n, m, offsetof(struct vmx_caps, field), sizeof(((struct vmx_caps *)0)->field) }

const struct vmx_caps_item vmx_caps_items[] = {
	ITEM("IA32_VMX_BASIC", MSR_IA32_VMX_BASIC, basic),
	ITEM("IA32_VMX_PINBASED_CTLS", MSR_IA32_VMX_PINBASED_CTLS, pinbased),
	ITEM("IA32_VMX_PROCBASED_CTLS", MSR_IA32_VMX_PROCBASED_CTLS, procbased),
	ITEM("IA32_VMX_EXIT_CTLS", MSR_IA32_VMX_EXIT_CTLS, exit),
	ITEM("IA32_VMX_ENTRY_CTLS", MSR_IA32_VMX_ENTRY_CTLS, entry),
	ITEM("IA32_VMX_MISC", MSR_IA32_VMX_MISC, misc),
	ITEM("IA32_VMX_CR0_FIXED0", MSR_IA32_VMX_CR0_FIXED0, cr0_fixed0),
	ITEM("IA32_VMX_CR0_FIXED1", MSR_IA32_VMX_CR0_FIXED1, cr0_fixed1),
	ITEM("IA32_VMX_CR4_FIXED0", MSR_IA32_VMX_CR4_FIXED0, cr4_fixed0),
	ITEM("IA32_VMX_CR4_FIXED1", MSR_IA32_VMX_CR4_FIXED1, cr4_fixed1),
	ITEM("IA32_VMX_VMCS_ENUM", MSR_IA32_VMX_VMCS_ENUM, vmcs_enum),
	ITEM("IA32_VMX_PROCBASED_CTLS2", MSR_IA32_VMX_PROCBASED_CTLS2, procbased2),
	ITEM("IA32_VMX_EPT_VPID_CAP", MSR_IA32_VMX_EPT_VPID_CAP, ept_vpid_cap),
	ITEM("IA32_VMX_TRUE_PINBASED_CTLS", MSR_IA32_VMX_TRUE_PINBASED_CTLS, true_pinbased),
	ITEM("IA32_VMX_TRUE_PROCBASED_CTLS", MSR_IA32_VMX_TRUE_PROCBASED_CTLS, true_procbased),
	ITEM("IA32_VMX_TRUE_EXIT_CTLS", MSR_IA32_VMX_TRUE_EXIT_CTLS, true_exit),
	ITEM("IA32_VMX_TRUE_ENTRY_CTLS", MSR_IA32_VMX_TRUE_ENTRY_CTLS, true_entry),
	ITEM("IA32_VMX_VMFUNC", MSR_IA32_VMX_VMFUNC, vmfunc),
	ITEM("IA32_VMX_PROCBASED_CTLS3", MSR_IA32_VMX_PROCBASED_CTLS3, procbased3),
	ITEM("IA32_VMX_EXIT_CTLS2", MSR_IA32_VMX_EXIT_CTLS2, exit2),
	ITEM("IA32_FEATURE_CONTROL", MSR_IA32_FEATURE_CONTROL, feature_control),
	ITEM("CPUID.80000008:EAX", 0, cpuid_80000008_eax),
};
const size_t vmx_caps_items_count = ARRAY_SIZE(vmx_caps_items);

u64 vmx_caps_item_get(const struct vmx_caps *c, const struct vmx_caps_item *it)
{
	const u8 *p = (const u8 *)c + it->offset;
	u64 v64;
	u32 v32;

	if (it->size == sizeof(u32)) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v64, p, sizeof(v64));
	return v64;
}

void vmx_caps_item_set(struct vmx_caps *c, const struct vmx_caps_item *it, u64 v)
{
	u8 *p = (u8 *)c + it->offset;
	u32 v32 = (u32)v;

	if (it->size == sizeof(u32))
		memcpy(p, &v32, sizeof(v32));
	else
		memcpy(p, &v, sizeof(v));
}

const struct vmx_caps_item *vmx_caps_item_by_msr(u32 msr)
{
	if (msr == 0)
		return NULL;
	for (size_t i = 0; i < vmx_caps_items_count; i++)
		if (vmx_caps_items[i].msr == msr)
			return &vmx_caps_items[i];
	return NULL;
}

static bool has_procbased2(const struct vmx_caps *c)
{
	return vmx_decode_ctls(c->procbased).allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS;
}

bool vmx_caps_msr_exists(const struct vmx_caps *c, u32 msr)
{
	u32 cpu2 = vmx_decode_ctls(c->procbased2).allowed1;

	switch (msr) {
	case MSR_IA32_FEATURE_CONTROL:
	case MSR_IA32_VMX_BASIC ... MSR_IA32_VMX_VMCS_ENUM:
		return true;
	case MSR_IA32_VMX_PROCBASED_CTLS2:
		return has_procbased2(c);
	case MSR_IA32_VMX_EPT_VPID_CAP:
		return has_procbased2(c) && (cpu2 & (CPU2_ENABLE_EPT | CPU2_ENABLE_VPID));
	case MSR_IA32_VMX_TRUE_PINBASED_CTLS ... MSR_IA32_VMX_TRUE_ENTRY_CTLS:
		return (c->basic & VMX_BASIC_TRUE_CTLS) != 0;
	case MSR_IA32_VMX_VMFUNC:
		return has_procbased2(c) && (cpu2 & CPU2_ENABLE_VM_FUNCTIONS);
	case MSR_IA32_VMX_PROCBASED_CTLS3:
		return (vmx_decode_ctls(c->procbased).allowed1 & CPU_ACTIVATE_TERTIARY_CONTROLS) != 0;
	case MSR_IA32_VMX_EXIT_CTLS2:
		return (vmx_decode_ctls(c->exit).allowed1 & EXIT_ACTIVATE_SECONDARY_CONTROLS) != 0;
	}
	return false;
}

struct vmx_basic vmx_decode_basic(u64 b)
{
	return (struct vmx_basic){
		.revision_id = (u32)(b & VMX_BASIC_REVISION_MASK),
		.bit31 = (b & VMX_BASIC_BIT31) != 0,
		.region_size = (u32)((b >> VMX_BASIC_SIZE_SHIFT) & VMX_BASIC_SIZE_MASK),
		.phys_addr_32 = (b & VMX_BASIC_PHYS_ADDR_32) != 0,
		.dual_monitor = (b & VMX_BASIC_DUAL_MONITOR) != 0,
		.memory_type = (u8)((b >> VMX_BASIC_MEMTYPE_SHIFT) & VMX_BASIC_MEMTYPE_MASK),
		.ins_outs_info = (b & VMX_BASIC_INS_OUTS) != 0,
		.true_controls = (b & VMX_BASIC_TRUE_CTLS) != 0,
		.no_hw_errcode_check = (b & VMX_BASIC_NO_HW_ERRCODE_CHECK) != 0,
	};
}

/* Per kind: plain MSR, TRUE twin (0: none), default1 bits (A.2). */
static const struct {
	u32 msr, true_msr, default1;
	u16 off, true_off;
} ctl_msrs[VMX_CTL_NR] = {
	[VMX_CTL_PINBASED] = { MSR_IA32_VMX_PINBASED_CTLS, MSR_IA32_VMX_TRUE_PINBASED_CTLS,
		VMX_PINBASED_DEFAULT1, offsetof(struct vmx_caps, pinbased),
		offsetof(struct vmx_caps, true_pinbased) },
	[VMX_CTL_PROCBASED] = { MSR_IA32_VMX_PROCBASED_CTLS, MSR_IA32_VMX_TRUE_PROCBASED_CTLS,
		VMX_PROCBASED_DEFAULT1, offsetof(struct vmx_caps, procbased),
		offsetof(struct vmx_caps, true_procbased) },
	[VMX_CTL_PROCBASED2] = { MSR_IA32_VMX_PROCBASED_CTLS2, 0, 0,
		offsetof(struct vmx_caps, procbased2), 0 },
	[VMX_CTL_EXIT] = { MSR_IA32_VMX_EXIT_CTLS, MSR_IA32_VMX_TRUE_EXIT_CTLS,
		VMX_EXIT_DEFAULT1, offsetof(struct vmx_caps, exit),
		offsetof(struct vmx_caps, true_exit) },
	[VMX_CTL_ENTRY] = { MSR_IA32_VMX_ENTRY_CTLS, MSR_IA32_VMX_TRUE_ENTRY_CTLS,
		VMX_ENTRY_DEFAULT1, offsetof(struct vmx_caps, entry),
		offsetof(struct vmx_caps, true_entry) },
};

static u64 caps_at(const struct vmx_caps *c, u16 off)
{
	u64 v;

	memcpy(&v, (const u8 *)c + off, sizeof(v));
	return v;
}

static bool use_true(const struct vmx_caps *c, enum vmx_ctl_kind k)
{
	return ctl_msrs[k].true_msr && (c->basic & VMX_BASIC_TRUE_CTLS);
}

u64 vmx_caps_ctl_msr(const struct vmx_caps *c, enum vmx_ctl_kind k)
{
	if (k >= VMX_CTL_NR)
		return 0;
	return caps_at(c, use_true(c, k) ? ctl_msrs[k].true_off : ctl_msrs[k].off);
}

u32 vmx_caps_ctl_msr_number(const struct vmx_caps *c, enum vmx_ctl_kind k)
{
	if (k >= VMX_CTL_NR)
		return 0;
	return use_true(c, k) ? ctl_msrs[k].true_msr : ctl_msrs[k].msr;
}

enum vmx_adjust_status vmx_adjust_controls(u32 wanted, u64 msr_value,
					   struct vmx_adjust *out)
{
	struct vmx_ctls ctl = vmx_decode_ctls(msr_value);

	out->value = (wanted | ctl.allowed0) & ctl.allowed1;
	out->forced_on = ctl.allowed0 & ~wanted & ctl.allowed1;
	if (ctl.allowed0 & ~ctl.allowed1) {
		out->refused = ctl.allowed0 & ~ctl.allowed1;
		return VMX_ADJUST_BAD_MSR;
	}
	out->refused = wanted & ~ctl.allowed1;
	return out->refused ? VMX_ADJUST_UNSUPPORTED : VMX_ADJUST_OK;
}

struct vmx_misc vmx_decode_misc(u64 m)
{
	u32 n = (u32)((m >> VMX_MISC_MAX_MSR_SHIFT) & VMX_MISC_MAX_MSR_MASK);

	return (struct vmx_misc){
		.preemption_timer_rate = (u8)(m & VMX_MISC_PREEMPT_RATE_MASK),
		.stores_lma = (m & VMX_MISC_STORES_LMA) != 0,
		.activity_hlt = (m & VMX_MISC_ACTIVITY_HLT) != 0,
		.activity_shutdown = (m & VMX_MISC_ACTIVITY_SHUTDOWN) != 0,
		.activity_wait_for_sipi = (m & VMX_MISC_ACTIVITY_WAIT_SIPI) != 0,
		.pt_in_vmx = (m & VMX_MISC_PT_IN_VMX) != 0,
		.rdmsr_smbase_in_smm = (m & VMX_MISC_RDMSR_SMBASE) != 0,
		.cr3_target_count = (u16)((m >> VMX_MISC_CR3_TARGETS_SHIFT) & VMX_MISC_CR3_TARGETS_MASK),
		.max_msr_list = 512 * (n + 1),
		.smm_monitor_ctl_bit2 = (m & VMX_MISC_SMM_MONITOR_CTL_B2) != 0,
		.vmwrite_any_field = (m & VMX_MISC_VMWRITE_ANY_FIELD) != 0,
		.inject_zero_length = (m & VMX_MISC_INJECT_ZERO_LEN) != 0,
		.mseg_revision = (u32)(m >> VMX_MISC_MSEG_REV_SHIFT),
	};
}

struct vmx_fixed vmx_fixed_apply(u64 value, u64 fixed0, u64 fixed1)
{
	u64 v = (value | fixed0) & fixed1;

	return (struct vmx_fixed){
		.value = v,
		.changed = v ^ value,
		.possible = (fixed0 & ~fixed1) == 0,
	};
}

struct vmx_ept_vpid vmx_decode_ept_vpid(u64 c)
{
	return (struct vmx_ept_vpid){
		.exec_only = (c & VMX_EPT_EXEC_ONLY) != 0,
		.walk_4 = (c & VMX_EPT_PAGE_WALK_4) != 0,
		.walk_5 = (c & VMX_EPT_PAGE_WALK_5) != 0,
		.memtype_uc = (c & VMX_EPT_MEMTYPE_UC) != 0,
		.memtype_wb = (c & VMX_EPT_MEMTYPE_WB) != 0,
		.pages_2m = (c & VMX_EPT_PDE_2MB) != 0,
		.pages_1g = (c & VMX_EPT_PDPTE_1GB) != 0,
		.ad_flags = (c & VMX_EPT_AD_FLAGS) != 0,
		.advanced_exit_info = (c & VMX_EPT_ADVANCED_EXIT_INFO) != 0,
		.invept = (c & VMX_EPT_INVEPT) != 0,
		.invept_single = (c & VMX_EPT_INVEPT_SINGLE) != 0,
		.invept_all = (c & VMX_EPT_INVEPT_ALL) != 0,
		.invvpid = (c & VMX_VPID_INVVPID) != 0,
		.invvpid_addr = (c & VMX_VPID_INVVPID_ADDR) != 0,
		.invvpid_single = (c & VMX_VPID_INVVPID_SINGLE) != 0,
		.invvpid_all = (c & VMX_VPID_INVVPID_ALL) != 0,
		.invvpid_single_nonglobal = (c & VMX_VPID_INVVPID_SINGLE_NONGLOBAL) != 0,
	};
}

unsigned vmx_phys_addr_bits(u32 eax)
{
	unsigned bits = CPUID80000008_EAX_PHYS_BITS(eax);

	/* SDM vol. 3A 4.1.4: without leaf 80000008H, MAXPHYADDR is 36. */
	return bits ? bits : 36;
}

bool vmx_caps_equal(const struct vmx_caps *a, const struct vmx_caps *b,
		    const struct vmx_caps_item **first_difference)
{
	for (size_t i = 0; i < vmx_caps_items_count; i++) {
		const struct vmx_caps_item *it = &vmx_caps_items[i];

		if (vmx_caps_item_get(a, it) != vmx_caps_item_get(b, it)) {
			if (first_difference)
				*first_difference = it;
			return false;
		}
	}
	if (first_difference)
		*first_difference = NULL;
	return true;
}

/* ---- sanity checks ---- */

struct check_list {
	struct vmx_caps_failure *out;
	size_t max, n;
};

static void check(struct check_list *l, bool ok, u32 msr, const char *rule, u64 bad)
{
	const struct vmx_caps_item *it;

	if (ok)
		return;
	if (l->n < l->max) {
		it = vmx_caps_item_by_msr(msr);
		l->out[l->n] = (struct vmx_caps_failure){
			.msr = msr, .msr_name = it ? it->name : "?",
			.rule = rule, .bad_bits = bad,
		};
	}
	l->n++;
}

static void check_basic(struct check_list *l, const struct vmx_caps *c)
{
	struct vmx_basic b = vmx_decode_basic(c->basic);
	u32 m = MSR_IA32_VMX_BASIC;

	check(l, !b.bit31, m, "bit 31 is 0", VMX_BASIC_BIT31);
	check(l, b.region_size > 0 && b.region_size <= 4096, m,
	      "region size (bits 44:32) is 1..4096", b.region_size);
	check(l, b.memory_type == VMX_MEMTYPE_UC || b.memory_type == VMX_MEMTYPE_WB, m,
	      "memory type (bits 53:50) is UC (0) or WB (6)", b.memory_type);
	check(l, !(c->basic & VMX_BASIC_RESERVED_47_45), m, "bits 47:45 are 0",
	      c->basic & VMX_BASIC_RESERVED_47_45);
}

static void check_ctls(struct check_list *l, const struct vmx_caps *c, enum vmx_ctl_kind k)
{
	struct vmx_ctls plain = vmx_decode_ctls(caps_at(c, ctl_msrs[k].off));
	struct vmx_ctls tru;
	u32 d1 = ctl_msrs[k].default1;

	check(l, !(plain.allowed0 & ~plain.allowed1), ctl_msrs[k].msr,
	      "every must-be-1 bit (low half) may be 1 (high half)",
	      plain.allowed0 & ~plain.allowed1);
	check(l, (plain.allowed0 & d1) == d1, ctl_msrs[k].msr,
	      "the default1 bits are reported as must-be-1", d1 & ~plain.allowed0);
	if (!use_true(c, k))
		return;
	tru = vmx_decode_ctls(caps_at(c, ctl_msrs[k].true_off));
	check(l, !(tru.allowed0 & ~tru.allowed1), ctl_msrs[k].true_msr,
	      "every must-be-1 bit (low half) may be 1 (high half)",
	      tru.allowed0 & ~tru.allowed1);
	check(l, tru.allowed1 == plain.allowed1, ctl_msrs[k].true_msr,
	      "allowed-1 bits equal those of the non-TRUE MSR",
	      tru.allowed1 ^ plain.allowed1);
	check(l, plain.allowed0 == (tru.allowed0 | d1), ctl_msrs[k].true_msr,
	      "non-TRUE must-be-1 bits = TRUE must-be-1 bits | default1",
	      plain.allowed0 ^ (tru.allowed0 | d1));
}

static void check_misc_enum_fixed(struct check_list *l, const struct vmx_caps *c)
{
	struct vmx_misc m = vmx_decode_misc(c->misc);
	u32 cpu2 = has_procbased2(c) ? vmx_decode_ctls(c->procbased2).allowed1 : 0;

	check(l, !(c->misc & VMX_MISC_RESERVED), MSR_IA32_VMX_MISC,
	      "reserved bits 13:9 and 31 are 0", c->misc & VMX_MISC_RESERVED);
	check(l, m.cr3_target_count <= 256, MSR_IA32_VMX_MISC,
	      "CR3-target count (bits 24:16) is at most 256", m.cr3_target_count);
	check(l, !(cpu2 & CPU2_UNRESTRICTED_GUEST) || m.stores_lma, MSR_IA32_VMX_MISC,
	      "bit 5 (stores EFER.LMA) is 1 when unrestricted guest is allowed",
	      VMX_MISC_STORES_LMA);
	check(l, !(c->vmcs_enum & VMX_VMCS_ENUM_RESERVED), MSR_IA32_VMX_VMCS_ENUM,
	      "bit 0 and bits 63:10 are 0", c->vmcs_enum & VMX_VMCS_ENUM_RESERVED);
	check(l, !(c->cr0_fixed0 & ~c->cr0_fixed1), MSR_IA32_VMX_CR0_FIXED0,
	      "every CR0 bit fixed to 1 is allowed to be 1 by CR0_FIXED1",
	      c->cr0_fixed0 & ~c->cr0_fixed1);
	check(l, !(c->cr4_fixed0 & ~c->cr4_fixed1), MSR_IA32_VMX_CR4_FIXED0,
	      "every CR4 bit fixed to 1 is allowed to be 1 by CR4_FIXED1",
	      c->cr4_fixed0 & ~c->cr4_fixed1);
}

size_t vmx_caps_check(const struct vmx_caps *c, struct vmx_caps_failure *out,
		      size_t max)
{
	struct check_list l = { .out = out, .max = out ? max : 0, .n = 0 };

	check_basic(&l, c);
	check_ctls(&l, c, VMX_CTL_PINBASED);
	check_ctls(&l, c, VMX_CTL_PROCBASED);
	if (has_procbased2(c))
		check_ctls(&l, c, VMX_CTL_PROCBASED2);
	check_ctls(&l, c, VMX_CTL_EXIT);
	check_ctls(&l, c, VMX_CTL_ENTRY);
	check_misc_enum_fixed(&l, c);
	return l.n;
}
