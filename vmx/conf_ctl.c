/* The generated entry_ctl_ cases (SDM 27.2.1, appendix A.3-A.5) and the pure
 * helpers of the case table (conf_cases.h). */
#include "vmx/conf_cases.h"
#include "vmx/vmx_defs.h"
#include "kernel/format.h"
#include "kernel/ktap.h"
#include "kernel/lib.h"
#include "vmx/deviations.h"
#include "vmx/entry_check.h"
#include "vmx/vmcs_fields.h"

#define CTL_SLOTS (VMX_CTL_NR * 32 * 2)

static const struct {
	const char *name;
	u32 field;
	const char *sdm;
} ctl_fields[VMX_CTL_NR] = {
	[VMX_CTL_PINBASED] = { "pin", VMCS_PIN_BASED_CONTROLS, "27.2.1.1" },
	[VMX_CTL_PROCBASED] = { "proc", VMCS_PRIMARY_PROC_BASED_CONTROLS, "27.2.1.1" },
	[VMX_CTL_PROCBASED2] = { "proc2", VMCS_SECONDARY_PROC_BASED_CONTROLS, "27.2.1.1" },
	[VMX_CTL_EXIT] = { "exit", VMCS_VM_EXIT_CONTROLS, "27.2.1.2" },
	[VMX_CTL_ENTRY] = { "entry", VMCS_VM_ENTRY_CONTROLS, "27.2.1.3" },
};

size_t conf_case_slots(void)
{
	return conf_rows_n + CTL_SLOTS;
}

/* slot = (kind * 32 + bit) * 2 + clear */
static bool ctl_case(size_t slot, const struct vmx_caps *caps, struct conf_case *out, char *name_buf)
{
	enum vmx_ctl_kind k = (enum vmx_ctl_kind)(slot / 64);
	u32 bit = (slot / 2) % 32;
	bool clear = slot & 1;
	struct vmx_ctls a = vmx_decode_ctls(vmx_caps_ctl_msr(caps, k));
	u32 m = 1U << bit;
	/* set: allowed-1 forbids the bit; clear: allowed-0 requires it */
	if (clear ? !(a.allowed0 & m) : (a.allowed1 & m))
		return false;
	ksnprintf(name_buf, 64, "entry_ctl_%s_bit_%u_%s_error_7", ctl_fields[k].name, bit, clear ? "clear" : "set");
	*out = (struct conf_case){
		.name = name_buf,
		.sdm = ctl_fields[k].sdm,
		/* the secondary controls count only with "activate secondary controls" */
		.need = k == VMX_CTL_PROCBASED2 ? NEED_PROC2_1 : NEED_NONE,
		.field = ctl_fields[k].field,
		.op = clear ? OP_ANDNOT : OP_OR,
		.val = V_CONST,
		.value = m,
		.expect = EXP_FAIL_VALID,
		.num = 7,
		.model_field = ctl_fields[k].field,
		.model_sdm = ctl_fields[k].sdm,
	};
	return true;
}

bool conf_case_get(size_t i, const struct vmx_caps *caps, struct conf_case *out, char *name_buf)
{
	if (i < conf_rows_n) {
		*out = conf_rows[i];
		return true;
	}
	i -= conf_rows_n;
	return i < CTL_SLOTS && ctl_case(i, caps, out, name_buf);
}

static const char *need_name(enum conf_need n)
{
	switch (n) {
	case NEED_PIN1: return "pin-based";
	case NEED_PROC1: return "primary processor-based";
	case NEED_PROC2_1: return "secondary processor-based";
	case NEED_EXIT1: return "VM-exit";
	case NEED_ENTRY1: return "VM-entry";
	default: return "?";
	}
}

static enum vmx_ctl_kind need_kind(enum conf_need n)
{
	switch (n) {
	case NEED_PIN1: return VMX_CTL_PINBASED;
	case NEED_PROC1: return VMX_CTL_PROCBASED;
	case NEED_PROC2_1: return VMX_CTL_PROCBASED2;
	case NEED_EXIT1: return VMX_CTL_EXIT;
	default: return VMX_CTL_ENTRY;
	}
}

bool conf_case_skip_reason(const struct conf_case *k, const struct vmx_caps *caps, char *buf, size_t n)
{
	if (k->need == NEED_NONE)
		return false;
	if (k->need == NEED_EPT_CAP0) {
		struct conf_case ept = *k;
		ept.need = NEED_PROC2_1;
		ept.need_bit = CPU2_ENABLE_EPT;
		if (conf_case_skip_reason(&ept, caps, buf, n))
			return true;
		if (!(caps->ept_vpid_cap & (1ULL << k->need_bit)))
			return false;
		ksnprintf(buf, n, "IA32_VMX_EPT_VPID_CAP 0x%lx has bit %u set: the EPTP bit the case sets is allowed here",
			  caps->ept_vpid_cap, k->need_bit);
		return true;
	}
	if (k->need == NEED_PROC2_1 &&
	    !(vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED)).allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS)) {
		ksnprintf(buf, n, "the CPU has no secondary processor-based controls (MSR 0x%x bit 63 clear)",
			  vmx_caps_ctl_msr_number(caps, VMX_CTL_PROCBASED));
		return true;
	}
	enum vmx_ctl_kind kind = need_kind(k->need);
	if (k->need_bit && !(vmx_decode_ctls(vmx_caps_ctl_msr(caps, kind)).allowed1 & k->need_bit)) {
		ksnprintf(buf, n, "%s control 0x%x may not be 1 (MSR 0x%x allowed-1 0x%x)", need_name(k->need),
			  k->need_bit, vmx_caps_ctl_msr_number(caps, kind),
			  vmx_decode_ctls(vmx_caps_ctl_msr(caps, kind)).allowed1);
		return true;
	}
	return false;
}

u64 conf_case_value(const struct conf_case *k, const struct vmx_caps *caps, const struct conf_env_vals *e, u64 old)
{
	u64 v = k->value;
	switch (k->val) {
	case V_CONST:
		break;
	case V_NONCANON:
		v = VMX_NONCANONICAL;
		break;
	case V_WIDTH_BIT:
		v = 1ULL << vmx_phys_addr_bits(caps->cpuid_80000008_eax);
		break;
	case V_CR4_RESERVED: {
		u64 forbidden = ~caps->cr4_fixed1;
		v = forbidden & -forbidden;
		break;
	}
	case V_PAGE_OTHER:
		v += e->page_other;
		break;
	case V_PAGE_CURRENT:
		v += e->page_current;
		break;
	case V_PAGE_ZERO:
		v += e->page_zero;
		break;
	case V_PAGE_MSR:
		v = k->msr_count;
		break;
	case V_CR3:
		v = e->cr3;
		break;
	}
	switch (k->op) {
	case OP_OR: return old | v;
	case OP_ANDNOT: return old & ~v;
	default: return v;
	}
}

int conf_outcome_str(u64 code, char *buf, size_t n)
{
	u32 kind = (u32)(code >> 56), num = (u32)(code >> 32) & 0xffff, qual = (u32)code;
	switch (kind) {
	case EXP_FAIL_INVALID:
		return ksnprintf(buf, n, "VMfailInvalid");
	case EXP_FAIL_VALID:
		return ksnprintf(buf, n, "VMfailValid %u", num);
	case EXP_ENTRY_FAIL:
		return ksnprintf(buf, n, "VM-entry failure exit %u qualification 0x%x", num, qual);
	case EXP_ENTERED:
		return ksnprintf(buf, n, "entered the guest, exit %u qualification 0x%x", num, qual);
	default:
		return ksnprintf(buf, n, "outcome 0x%lx", code);
	}
}

void conf_good_vmcs_extras(const struct vmx_caps *caps, const struct conf_env_vals *e, conf_write_fn w, void *ctx,
			   u32 *proc, u32 *proc2)
{
	*proc2 = 0;
	if (vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED)).allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS) {
		*proc |= CPU_ACTIVATE_SECONDARY_CONTROLS;
		*proc2 = vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED2)).allowed0;
		w(VMCS_SECONDARY_PROC_BASED_CONTROLS, *proc2, ctx);
	}
	w(VMCS_PRIMARY_PROC_BASED_CONTROLS, *proc, ctx);
	static const u32 zero_page_fields[] = {
		VMCS_IO_BITMAP_A_ADDR, VMCS_IO_BITMAP_B_ADDR, VMCS_VIRTUAL_APIC_ADDR, VMCS_APIC_ACCESS_ADDR,
		VMCS_EPTP_LIST_ADDR, VMCS_VMREAD_BITMAP_ADDR, VMCS_VMWRITE_BITMAP_ADDR, VMCS_VE_INFORMATION_ADDR,
		VMCS_PML_ADDR,
	};
	for (size_t i = 0; i < sizeof(zero_page_fields) / sizeof(zero_page_fields[0]); i++)
		w(zero_page_fields[i], e->page_zero, ctx);
	w(VMCS_EPT_POINTER, e->page_zero | 0x1e, ctx);   /* WB (6), 4-level walk (3 << 3) */
	w(VMCS_VIRTUAL_PROCESSOR_ID, 1, ctx);
	w(VMCS_VM_FUNCTION_CONTROLS, 0, ctx);
	w(VMCS_TPR_THRESHOLD, 0, ctx);
	w(VMCS_VM_EXIT_MSR_STORE_ADDR, e->page_msr, ctx);
	w(VMCS_VM_EXIT_MSR_LOAD_ADDR, e->page_msr, ctx);
	w(VMCS_VM_ENTRY_MSR_LOAD_ADDR, e->page_msr, ctx);
	w(VMCS_VM_EXIT_MSR_STORE_COUNT, 0, ctx);
	w(VMCS_VM_EXIT_MSR_LOAD_COUNT, 0, ctx);
	w(VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0, ctx);
	w(VMCS_VM_ENTRY_INTERRUPTION_INFO, 0, ctx);
	w(VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0, ctx);
	w(VMCS_VM_ENTRY_INSTRUCTION_LENGTH, 0, ctx);
	w(VMCS_EXCEPTION_BITMAP, 0xffffffff, ctx);   /* any guest exception exits */
	w(VMCS_CR3_TARGET_VALUE0, e->cr3, ctx);   /* counts only with a CR3-target count */
	w(VMCS_HOST_IA32_PAT, e->pat, ctx);
	w(VMCS_GUEST_IA32_PAT, e->pat, ctx);
}

u32 conf_case_count(const struct vmx_caps *caps)
{
	u32 n = 0;
	struct conf_case k;
	char name[64];
	for (size_t i = 0; i < conf_case_slots(); i++)
		n += conf_case_get(i, caps, &k, name);
	return n;
}

u32 conf_table_cpu_budget(u32 free, u32 cpus, u32 base, u32 table, u32 reserve)
{
	u64 need = (u64)cpus * base + reserve;
	if (need >= free || !table)
		return 0;
	u64 k = (free - need) / table;
	return k < cpus ? (u32)k : cpus;
}

static const char *field_name(u32 enc)
{
	const struct vmcs_field *f = vmcs_field_by_encoding(enc);
	return f ? f->name : "unknown_field";
}

int conf_case_verdict(const struct conf_case *k, u64 got, const struct entry_finding *f, size_t n, int platform,
		      char *buf, size_t len)
{
	char g[80], want[80];
	u64 w = conf_outcome_code(k->expect, k->num, k->qual);
	conf_outcome_str(got, g, sizeof(g));
	conf_outcome_str(w, want, sizeof(want));
	bool model_ok = k->model_none ? n == 0
				      : n && f && f->field == k->model_field && !strcmp(f->sdm, k->model_sdm);
	const struct vmx_deviation *dev;
	buf[0] = 0;
	if (!model_ok) {
		char m[100];
		if (k->model_none)
			ksnprintf(m, sizeof(m), "no finding");
		else
			ksnprintf(m, sizeof(m), "%s (SDM %s)", field_name(k->model_field), k->model_sdm);
		ksnprintf(buf, len, "the model finds %s%s%s, the row wants %s; the CPU gave %s",
			  n && f ? f->field_name : "nothing", n && f ? " SDM " : "", n && f ? f->sdm : "", m, g);
		return KTAP_FAIL;
	}
	if (got == w)
		return KTAP_PASS;
	if ((dev = vmx_deviation_find((enum platform_kind)platform, k->name, got))) {
		ksnprintf(buf, len, "SDM %s: %s: expected %s, got %s", dev->sdm, dev->what, want, g);
		return KTAP_XFAIL;
	}
	ksnprintf(buf, len, "SDM %s: expected %s, got %s (the model agrees with the row)", k->sdm, want, g);
	return KTAP_FAIL;
}
