/* The shared helpers of the VM-entry checker and the checks on the VMX
 * controls, SDM vol. 3C 27.2.1 (failure: VMfailValid, error 7). Host state
 * lives in entry_check_host.c, guest state in entry_check_guest.c. */
#include "kernel/types.h"
#include "kernel/lib.h"
#include "vmx/entry_check.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_caps.h"
#include "vmx/vmx_defs.h"

/* ---- helpers ---- */

static const char S_EXEC[] = "27.2.1.1";
static const char S_EXIT[] = "27.2.1.2";
static const char S_ENTRY[] = "27.2.1.3";

void entry_check_report(struct entry_check_ctx *c, u32 field, u64 value, u64 bad_bits,
			const char *rule, const char *sdm)
{
	if (c->count < c->max && c->out) {
		const struct vmcs_field *f = vmcs_field_by_encoding(field);

		c->out[c->count] = (struct entry_finding){
			.field = field,
			.field_name = f ? f->name : "unknown_field",
			.rule = rule,
			.value = value,
			.bad_bits = bad_bits,
			.sdm = sdm,
			.area = c->area,
		};
	}
	c->count++;
}

bool entry_check_get(struct entry_check_ctx *c, u32 enc, u64 *value)
{
	u64 v = 0;

	if (c->vmcs && c->vmcs->read && c->vmcs->read(enc, &v, c->vmcs->ctx)) {
		*value = v;
		return true;
	}
	*value = 0;
	entry_check_report(c, enc, 0, 0,
			   "could not be read (VMREAD failed), so the rules that need it were not checked",
			   "25.11.2");
	return false;
}

u64 entry_check_beyond(u64 v, unsigned width)
{
	return width >= 64 ? 0 : v & ~((1ULL << width) - 1);
}

u64 entry_check_noncanonical(u64 v, unsigned width)
{
	if (width == 0 || width >= 64)
		return 0;
	u64 upper = ~((1ULL << (width - 1)) - 1);	/* bits 63:width-1 */

	if ((v & upper) == 0 || (v & upper) == upper)
		return 0;
	return (v & BIT(width - 1)) ? ~v & upper : v & upper;
}

u64 entry_check_bad_pat(u64 pat)
{
	u64 bad = 0;

	for (unsigned i = 0; i < 8; i++) {
		u8 t = (u8)(pat >> (8 * i));

		/* SDM vol. 3A 12.12.2: 2, 3 and 8-255 are reserved */
		if (t == 2 || t == 3 || t > 7)
			bad |= 0xffULL << (8 * i);
	}
	return bad;
}

static bool read_ctl(struct entry_check_ctx *c, u32 enc, u32 *v)
{
	u64 x;

	if (!entry_check_get(c, enc, &x))
		return false;
	*v = (u32)x;
	return true;
}

void entry_check_begin(struct entry_check_ctx *c, const struct vmcs_view *vmcs,
		       const struct vmx_caps *caps, struct entry_finding *out,
		       size_t max, enum entry_check_area area)
{
	unsigned lin = (caps->cpuid_80000008_eax >> 8) & 0xff;

	*c = (struct entry_check_ctx){
		.vmcs = vmcs, .caps = caps, .out = out, .max = out ? max : 0,
		.area = area,
		.phys_bits = vmx_phys_addr_bits(caps->cpuid_80000008_eax),
		.lin_bits = lin ? lin : 48,
	};
	c->ptr_bits = (caps->basic & VMX_BASIC_PHYS_ADDR_32) && c->phys_bits > 32
		      ? 32 : c->phys_bits;

	bool ok = read_ctl(c, VMCS_PIN_BASED_CONTROLS, &c->pin);
	ok &= read_ctl(c, VMCS_PRIMARY_PROC_BASED_CONTROLS, &c->proc);
	/* 27.2.1.1: with "activate secondary controls" 0 VM entry treats
	 * the secondary controls as 0 and never reads them.
	 * A CPU whose allowed-1 settings forbid that bit has no secondary
	 * controls field: the primary control's own finding names the cause. */
	if (ok && (c->proc & CPU_ACTIVATE_SECONDARY_CONTROLS) &&
	    (vmx_decode_ctls(vmx_caps_ctl_msr(caps, VMX_CTL_PROCBASED)).allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS))
		ok &= read_ctl(c, VMCS_SECONDARY_PROC_BASED_CONTROLS, &c->proc2);
	ok &= read_ctl(c, VMCS_VM_EXIT_CONTROLS, &c->exit);
	ok &= read_ctl(c, VMCS_VM_ENTRY_CONTROLS, &c->entry);
	c->ctls_ok = ok;
}

const char *entry_check_area_name(enum entry_check_area a)
{
	switch (a) {
	case CHECK_CONTROLS: return "controls";
	case CHECK_HOST: return "host state";
	case CHECK_GUEST: return "guest state";
	}
	return "?";
}

/* ---- 27.2.1: reserved bits of the five control fields (appendix A.3-A.5) ---- */

struct ctl_rules {
	u32 field;
	enum vmx_ctl_kind kind;
	const char *must_be_1;
	const char *may_be_1;
};

static const struct ctl_rules ctl_rules[] = {
	{ VMCS_PIN_BASED_CONTROLS, VMX_CTL_PINBASED,
	  "pin-based controls must set every bit IA32_VMX_(TRUE_)PINBASED_CTLS bits 31:0 require (allowed-0 settings)",
	  "pin-based controls may set only bits IA32_VMX_(TRUE_)PINBASED_CTLS bits 63:32 allow (allowed-1 settings)" },
	{ VMCS_PRIMARY_PROC_BASED_CONTROLS, VMX_CTL_PROCBASED,
	  "primary processor-based controls must set every bit IA32_VMX_(TRUE_)PROCBASED_CTLS bits 31:0 require (allowed-0 settings)",
	  "primary processor-based controls may set only bits IA32_VMX_(TRUE_)PROCBASED_CTLS bits 63:32 allow (allowed-1 settings)" },
	{ VMCS_SECONDARY_PROC_BASED_CONTROLS, VMX_CTL_PROCBASED2,
	  "secondary processor-based controls must set every bit IA32_VMX_PROCBASED_CTLS2 bits 31:0 require (checked only with \"activate secondary controls\")",
	  "secondary processor-based controls may set only bits IA32_VMX_PROCBASED_CTLS2 bits 63:32 allow (checked only with \"activate secondary controls\")" },
	{ VMCS_VM_EXIT_CONTROLS, VMX_CTL_EXIT,
	  "VM-exit controls must set every bit IA32_VMX_(TRUE_)EXIT_CTLS bits 31:0 require (allowed-0 settings)",
	  "VM-exit controls may set only bits IA32_VMX_(TRUE_)EXIT_CTLS bits 63:32 allow (allowed-1 settings)" },
	{ VMCS_VM_ENTRY_CONTROLS, VMX_CTL_ENTRY,
	  "VM-entry controls must set every bit IA32_VMX_(TRUE_)ENTRY_CTLS bits 31:0 require (allowed-0 settings)",
	  "VM-entry controls may set only bits IA32_VMX_(TRUE_)ENTRY_CTLS bits 63:32 allow (allowed-1 settings)" },
};

static u32 ctl_value(const struct entry_check_ctx *c, enum vmx_ctl_kind k)
{
	switch (k) {
	case VMX_CTL_PINBASED: return c->pin;
	case VMX_CTL_PROCBASED: return c->proc;
	case VMX_CTL_PROCBASED2: return c->proc2;
	case VMX_CTL_EXIT: return c->exit;
	default: return c->entry;
	}
}

static void check_ctl_one(struct entry_check_ctx *c, const struct ctl_rules *r)
{
	struct vmx_ctls allowed = vmx_decode_ctls(vmx_caps_ctl_msr(c->caps, r->kind));
	u32 v = ctl_value(c, r->kind);
	const char *sdm = r->kind == VMX_CTL_EXIT ? S_EXIT
			  : r->kind == VMX_CTL_ENTRY ? S_ENTRY : S_EXEC;

	if (allowed.allowed0 & ~v)
		entry_check_report(c, r->field, v, allowed.allowed0 & ~v, r->must_be_1, sdm);
	if (v & ~allowed.allowed1)
		entry_check_report(c, r->field, v, v & ~allowed.allowed1, r->may_be_1, sdm);
}

/* A 4-KiB-aligned pointer within the physical-address width (27.2.1.1). */
static void check_page_ptr(struct entry_check_ctx *c, u32 field, const char *rule)
{
	u64 a;

	if (!entry_check_get(c, field, &a))
		return;
	u64 bad = (a & 0xfff) | entry_check_beyond(a, c->ptr_bits);

	if (bad)
		entry_check_report(c, field, a, bad, rule, S_EXEC);
}

static const char R_PAGE_PTR[] =
	"must be 4-KiB aligned (bits 11:0 zero) and within the physical-address width when its control is 1";

/* ---- 27.2.1.1 VM-execution control fields ---- */

static void check_apic_virtualization(struct entry_check_ctx *c)
{
	u64 v;

	if (c->proc & CPU_USE_TPR_SHADOW) {
		check_page_ptr(c, VMCS_VIRTUAL_APIC_ADDR, R_PAGE_PTR);
		if (!(c->proc2 & CPU2_VIRTUAL_INTERRUPT_DELIVERY) &&
		    entry_check_get(c, VMCS_TPR_THRESHOLD, &v) && (v & 0xfffffff0))
			entry_check_report(c, VMCS_TPR_THRESHOLD, v, v & 0xfffffff0,
					   "TPR threshold bits 31:4 must be 0 with \"use TPR shadow\" and without \"virtual-interrupt delivery\"",
					   S_EXEC);
	} else {
		u32 need = CPU2_VIRTUALIZE_X2APIC_MODE | CPU2_APIC_REGISTER_VIRTUALIZATION |
			   CPU2_VIRTUAL_INTERRUPT_DELIVERY;

		if (c->proc2 & need)
			entry_check_report(c, VMCS_SECONDARY_PROC_BASED_CONTROLS, c->proc2,
					   c->proc2 & need,
					   "\"virtualize x2APIC mode\", \"APIC-register virtualization\" and \"virtual-interrupt delivery\" need \"use TPR shadow\"",
					   S_EXEC);
	}
	if (c->proc2 & CPU2_VIRTUALIZE_APIC_ACCESSES) {
		check_page_ptr(c, VMCS_APIC_ACCESS_ADDR, R_PAGE_PTR);
		if (c->proc2 & CPU2_VIRTUALIZE_X2APIC_MODE)
			entry_check_report(c, VMCS_SECONDARY_PROC_BASED_CONTROLS, c->proc2,
					   CPU2_VIRTUALIZE_X2APIC_MODE | CPU2_VIRTUALIZE_APIC_ACCESSES,
					   "\"virtualize x2APIC mode\" and \"virtualize APIC accesses\" must not both be 1",
					   S_EXEC);
	}
	if ((c->proc2 & CPU2_VIRTUAL_INTERRUPT_DELIVERY) &&
	    !(c->pin & PIN_EXTERNAL_INTERRUPT_EXITING))
		entry_check_report(c, VMCS_PIN_BASED_CONTROLS, c->pin, PIN_EXTERNAL_INTERRUPT_EXITING,
				   "\"virtual-interrupt delivery\" needs \"external-interrupt exiting\"",
				   S_EXEC);
	if (c->pin & PIN_PROCESS_POSTED_INTERRUPTS) {
		if (!(c->proc2 & CPU2_VIRTUAL_INTERRUPT_DELIVERY))
			entry_check_report(c, VMCS_PIN_BASED_CONTROLS, c->pin, PIN_PROCESS_POSTED_INTERRUPTS,
					   "\"process posted interrupts\" needs \"virtual-interrupt delivery\"",
					   S_EXEC);
		if (!(c->exit & EXIT_ACK_INTERRUPT_ON_EXIT))
			entry_check_report(c, VMCS_VM_EXIT_CONTROLS, c->exit, EXIT_ACK_INTERRUPT_ON_EXIT,
					   "\"process posted interrupts\" needs the \"acknowledge interrupt on exit\" VM-exit control",
					   S_EXEC);
		if (entry_check_get(c, VMCS_POSTED_INTR_NOTIFICATION_VECTOR, &v) && (v & 0xff00))
			entry_check_report(c, VMCS_POSTED_INTR_NOTIFICATION_VECTOR, v, v & 0xff00,
					   "posted-interrupt notification vector bits 15:8 must be 0",
					   S_EXEC);
		if (entry_check_get(c, VMCS_POSTED_INTR_DESC_ADDR, &v) &&
		    ((v & 0x3f) | entry_check_beyond(v, c->ptr_bits)))
			entry_check_report(c, VMCS_POSTED_INTR_DESC_ADDR, v,
					   (v & 0x3f) | entry_check_beyond(v, c->ptr_bits),
					   "posted-interrupt descriptor address must be 64-byte aligned and within the physical-address width",
					   S_EXEC);
	}
}

static void check_eptp(struct entry_check_ctx *c)
{
	u64 eptp, cap = c->caps->ept_vpid_cap, bad = 0;

	if (!entry_check_get(c, VMCS_EPT_POINTER, &eptp))
		return;
	u64 type = eptp & 7, walk = (eptp >> 3) & 7;

	if (!((type == VMX_MEMTYPE_UC && (cap & VMX_EPT_MEMTYPE_UC)) ||
	      (type == VMX_MEMTYPE_WB && (cap & VMX_EPT_MEMTYPE_WB))))
		bad |= 7;
	if (!((walk == 3 && (cap & VMX_EPT_PAGE_WALK_4)) || (walk == 4 && (cap & VMX_EPT_PAGE_WALK_5))))
		bad |= 7 << 3;
	if ((eptp & BIT(6)) && !(cap & VMX_EPT_AD_FLAGS))
		bad |= BIT(6);
	if ((eptp & BIT(7)) && !(cap & VMX_EPT_SUPERVISOR_SHADOW_STACK))
		bad |= BIT(7);
	bad |= (eptp & 0xf00) | entry_check_beyond(eptp, c->phys_bits);
	if (bad)
		entry_check_report(c, VMCS_EPT_POINTER, eptp, bad,
				   "EPTP: memory type (2:0) and page-walk length - 1 (5:3) supported by IA32_VMX_EPT_VPID_CAP, A/D bit 6 only if supported, bits 11:8 zero, within the physical-address width",
				   S_EXEC);
}

static void check_ept_family(struct entry_check_ctx *c)
{
	u64 v;
	bool ept = c->proc2 & CPU2_ENABLE_EPT;

	if (ept)
		check_eptp(c);
	if ((c->proc2 & CPU2_UNRESTRICTED_GUEST) && !ept)
		entry_check_report(c, VMCS_SECONDARY_PROC_BASED_CONTROLS, c->proc2,
				   CPU2_UNRESTRICTED_GUEST,
				   "\"unrestricted guest\" needs \"enable EPT\"", S_EXEC);
	if (c->proc2 & CPU2_ENABLE_PML) {
		if (!ept)
			entry_check_report(c, VMCS_SECONDARY_PROC_BASED_CONTROLS, c->proc2,
					   CPU2_ENABLE_PML, "\"enable PML\" needs \"enable EPT\"", S_EXEC);
		check_page_ptr(c, VMCS_PML_ADDR, R_PAGE_PTR);
	}
	if ((c->proc2 & CPU2_ENABLE_VPID) && entry_check_get(c, VMCS_VIRTUAL_PROCESSOR_ID, &v) &&
	    (v & 0xffff) == 0)
		entry_check_report(c, VMCS_VIRTUAL_PROCESSOR_ID, v, 0,
				   "VPID must not be 0 with \"enable VPID\"", S_EXEC);
	if ((c->proc2 & CPU2_ENABLE_VM_FUNCTIONS) && entry_check_get(c, VMCS_VM_FUNCTION_CONTROLS, &v)) {
		if (v & ~c->caps->vmfunc)
			entry_check_report(c, VMCS_VM_FUNCTION_CONTROLS, v, v & ~c->caps->vmfunc,
					   "VM-function controls may set only bits IA32_VMX_VMFUNC allows",
					   S_EXEC);
		if (v & 1) {	/* EPTP switching */
			if (!ept)
				entry_check_report(c, VMCS_VM_FUNCTION_CONTROLS, v, 1,
						   "EPTP switching needs \"enable EPT\"", S_EXEC);
			check_page_ptr(c, VMCS_EPTP_LIST_ADDR, R_PAGE_PTR);
		}
	}
	if (c->proc2 & CPU2_VMCS_SHADOWING) {
		check_page_ptr(c, VMCS_VMREAD_BITMAP_ADDR, R_PAGE_PTR);
		check_page_ptr(c, VMCS_VMWRITE_BITMAP_ADDR, R_PAGE_PTR);
	}
	if (c->proc2 & CPU2_EPT_VIOLATION_VE)
		check_page_ptr(c, VMCS_VE_INFORMATION_ADDR, R_PAGE_PTR);
}

static void check_execution_controls(struct entry_check_ctx *c)
{
	u64 v;
	struct vmx_misc misc = vmx_decode_misc(c->caps->misc);

	if (entry_check_get(c, VMCS_CR3_TARGET_COUNT, &v) && v > misc.cr3_target_count)
		entry_check_report(c, VMCS_CR3_TARGET_COUNT, v, v,
				   "CR3-target count must not exceed IA32_VMX_MISC bits 24:16", S_EXEC);
	if (c->proc & CPU_USE_IO_BITMAPS) {
		check_page_ptr(c, VMCS_IO_BITMAP_A_ADDR, R_PAGE_PTR);
		check_page_ptr(c, VMCS_IO_BITMAP_B_ADDR, R_PAGE_PTR);
	}
	if (c->proc & CPU_USE_MSR_BITMAPS)
		check_page_ptr(c, VMCS_MSR_BITMAPS_ADDR, R_PAGE_PTR);
	if (!(c->pin & PIN_NMI_EXITING) && (c->pin & PIN_VIRTUAL_NMIS))
		entry_check_report(c, VMCS_PIN_BASED_CONTROLS, c->pin, PIN_VIRTUAL_NMIS,
				   "\"virtual NMIs\" needs \"NMI exiting\"", S_EXEC);
	if (!(c->pin & PIN_VIRTUAL_NMIS) && (c->proc & CPU_NMI_WINDOW_EXITING))
		entry_check_report(c, VMCS_PRIMARY_PROC_BASED_CONTROLS, c->proc, CPU_NMI_WINDOW_EXITING,
				   "\"NMI-window exiting\" needs \"virtual NMIs\"", S_EXEC);
	check_apic_virtualization(c);
	check_ept_family(c);
}

/* ---- 27.2.1.2 VM-exit control fields, and the MSR areas of 27.2.1.2/3 ---- */

static void check_msr_area(struct entry_check_ctx *c, u32 count_field, u32 addr_field,
			   const char *sdm)
{
	u64 n, a;

	if (!entry_check_get(c, count_field, &n) || n == 0 ||
	    !entry_check_get(c, addr_field, &a))
		return;
	/* 16 bytes per entry; the last byte must be addressable too */
	u64 last = a + (n & 0xffffffff) * 16 - 1;
	u64 bad = (a & 0xf) | entry_check_beyond(a, c->ptr_bits) |
		  entry_check_beyond(last, c->ptr_bits);

	if (bad)
		entry_check_report(c, addr_field, a, bad,
				   "MSR-area address must be 16-byte aligned and it and its last byte (address + 16 * count - 1) within the physical-address width when the count is not 0",
				   sdm);
}

static void check_exit_controls(struct entry_check_ctx *c)
{
	if (!(c->pin & PIN_ACTIVATE_PREEMPTION_TIMER) && (c->exit & EXIT_SAVE_PREEMPTION_TIMER))
		entry_check_report(c, VMCS_VM_EXIT_CONTROLS, c->exit, EXIT_SAVE_PREEMPTION_TIMER,
				   "\"save VMX-preemption timer value\" needs \"activate VMX-preemption timer\"",
				   S_EXIT);
	check_msr_area(c, VMCS_VM_EXIT_MSR_STORE_COUNT, VMCS_VM_EXIT_MSR_STORE_ADDR, S_EXIT);
	check_msr_area(c, VMCS_VM_EXIT_MSR_LOAD_COUNT, VMCS_VM_EXIT_MSR_LOAD_ADDR, S_EXIT);
}

/* ---- 27.2.1.3 VM-entry control fields: event injection ---- */

#define INTR_INFO_VECTOR(i)	((i) & 0xff)
#define INTR_INFO_TYPE(i)	(((i) >> 8) & 7)
#define INTR_INFO_DELIVER_CODE	BIT(11)
#define INTR_INFO_RESERVED	0x7ffff000ULL	/* bits 30:12 */
#define INTR_INFO_VALID		BIT(31)
enum { INTR_EXT = 0, INTR_RESERVED = 1, INTR_NMI = 2, INTR_HW_EXC = 3,
       INTR_SW_INT = 4, INTR_PRIV_SW_EXC = 5, INTR_SW_EXC = 6, INTR_OTHER = 7 };

/* #DF, #TS, #NP, #SS, #GP, #PF, #AC push an error code; #CP (21) only with
 * CET, which the capabilities do not reveal, so 21 is accepted either way. */
#define ERRCODE_VECTORS (BIT(8) | BIT(10) | BIT(11) | BIT(12) | BIT(13) | BIT(14) | BIT(17))

static void check_event_injection(struct entry_check_ctx *c)
{
	u64 info, v;

	if (!entry_check_get(c, VMCS_VM_ENTRY_INTERRUPTION_INFO, &info) || !(info & INTR_INFO_VALID))
		return;
	const u32 F = VMCS_VM_ENTRY_INTERRUPTION_INFO;
	unsigned type = INTR_INFO_TYPE(info), vec = INTR_INFO_VECTOR(info);
	bool code = info & INTR_INFO_DELIVER_CODE;

	if (info & INTR_INFO_RESERVED)
		entry_check_report(c, F, info, info & INTR_INFO_RESERVED,
				   "VM-entry interruption information bits 30:12 must be 0", S_ENTRY);
	if (type == INTR_RESERVED ||
	    (type == INTR_OTHER && !(vmx_decode_ctls(vmx_caps_ctl_msr(c->caps, VMX_CTL_PROCBASED)).allowed1 &
				     CPU_MONITOR_TRAP_FLAG)))
		entry_check_report(c, F, info, 7 << 8,
				   "interruption type must not be 1 (reserved), nor 7 (other event) unless \"monitor trap flag\" is supported",
				   S_ENTRY);
	if ((type == INTR_NMI && vec != 2) || (type == INTR_HW_EXC && vec > 31) ||
	    (type == INTR_OTHER && vec != 0))
		entry_check_report(c, F, info, 0xff,
				   "vector must be 2 for an NMI, at most 31 for a hardware exception, 0 for type 7 (other event)",
				   S_ENTRY);

	u64 cr0 = 0;
	bool ug = c->proc2 & CPU2_UNRESTRICTED_GUEST;
	bool pe = !ug || (entry_check_get(c, VMCS_GUEST_CR0, &cr0) && (cr0 & 1));

	if (code && (!pe || type != INTR_HW_EXC))
		entry_check_report(c, F, info, INTR_INFO_DELIVER_CODE,
				   "deliver-error-code (bit 11) must be 0 unless a hardware exception is injected in protected mode",
				   S_ENTRY);
	else if (pe && type == INTR_HW_EXC && vec != 21 && vec < 32 &&
		 !(c->caps->basic & VMX_BASIC_NO_HW_ERRCODE_CHECK) &&
		 code != ((ERRCODE_VECTORS >> vec) & 1))
		entry_check_report(c, F, info, INTR_INFO_DELIVER_CODE,
				   "deliver-error-code (bit 11) must be 1 exactly for #DF, #TS, #NP, #SS, #GP, #PF, #AC (unless IA32_VMX_BASIC bit 56)",
				   S_ENTRY);
	if (code && entry_check_get(c, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, &v) && (v & 0xffff0000))
		entry_check_report(c, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, v, v & 0xffff0000,
				   "VM-entry exception error code bits 31:16 must be 0 when an error code is delivered",
				   S_ENTRY);
	if ((type == INTR_SW_INT || type == INTR_PRIV_SW_EXC || type == INTR_SW_EXC) &&
	    entry_check_get(c, VMCS_VM_ENTRY_INSTRUCTION_LENGTH, &v) &&
	    (v > 15 || (v == 0 && !(c->caps->misc & VMX_MISC_INJECT_ZERO_LEN))))
		entry_check_report(c, VMCS_VM_ENTRY_INSTRUCTION_LENGTH, v, v,
				   "VM-entry instruction length must be 1-15 for software interrupts and exceptions (0 only if IA32_VMX_MISC bit 30)",
				   S_ENTRY);
}

static void check_entry_controls(struct entry_check_ctx *c)
{
	check_event_injection(c);
	check_msr_area(c, VMCS_VM_ENTRY_MSR_LOAD_COUNT, VMCS_VM_ENTRY_MSR_LOAD_ADDR, S_ENTRY);
	if (c->entry & (ENTRY_TO_SMM | ENTRY_DEACTIVATE_DUAL_MONITOR))
		entry_check_report(c, VMCS_VM_ENTRY_CONTROLS, c->entry,
				   c->entry & (ENTRY_TO_SMM | ENTRY_DEACTIVATE_DUAL_MONITOR),
				   "\"entry to SMM\" and \"deactivate dual-monitor treatment\" must be 0 outside SMM",
				   S_ENTRY);
}

/* ---- entry points ---- */

static size_t run_controls(struct entry_check_ctx *c)
{
	if (!c->ctls_ok)
		return c->count;
	/* the order of 27.2.1: execution, exit, entry */
	check_ctl_one(c, &ctl_rules[0]);
	check_ctl_one(c, &ctl_rules[1]);
	if (c->proc & CPU_ACTIVATE_SECONDARY_CONTROLS)
		check_ctl_one(c, &ctl_rules[2]);
	check_execution_controls(c);
	check_ctl_one(c, &ctl_rules[3]);
	check_exit_controls(c);
	check_ctl_one(c, &ctl_rules[4]);
	check_entry_controls(c);
	return c->count;
}

size_t entry_check_controls(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			    struct entry_finding *out, size_t max)
{
	struct entry_check_ctx c;

	entry_check_begin(&c, vmcs, caps, out, max, CHECK_CONTROLS);
	return run_controls(&c);
}

size_t entry_check_all(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
		       struct entry_finding *out, size_t max)
{
	size_t n = entry_check_controls(vmcs, caps, out, max);
	size_t used = n < max ? n : max;

	n += entry_check_host_state(vmcs, caps, out ? out + used : NULL, max - used);
	used = n < max ? n : max;
	n += entry_check_guest_state(vmcs, caps, out ? out + used : NULL, max - used);
	return n;
}
