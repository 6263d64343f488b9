/* The VM-entry conformance cases as data (issue 12). Each case breaks exactly
 * one field of a known-good guest VMCS (after an optional precondition that is
 * itself valid, such as turning on "load IA32_PAT"), names the outcome the SDM
 * gives, and the rule of the software model (vmx/entry_check*.c) that must be
 * its first finding. The kernel (vmx/conf_entry.c) gives the same VMCS to the
 * CPU (VMLAUNCH) and to the model; the host test (tests/host/test_conf_cases.c)
 * gives it to the model with Bochs's capabilities.
 *
 * Two kinds of case:
 *   - the rows of conf_cases[] (entry_host_, entry_guest_, entry_msr_), written
 *     by hand;
 *   - entry_ctl_ cases generated from the capability MSRs (SDM 27.2.1,
 *     appendix A.3-A.5): for each of the five control fields, every bit that
 *     allowed-1 forbids, set, and every bit that (TRUE) allowed-0 requires,
 *     cleared; each gives VMfailValid 7.
 * Pure: no VMREAD, no printing. */
#ifndef VMX_CONF_CASES_H
#define VMX_CONF_CASES_H

#include "kernel/types.h"
#include "vmx/vmx_caps.h"

enum conf_op { OP_SET, OP_OR, OP_ANDNOT };

/* the value a row writes; some depend on the CPU or on pages of the run */
enum conf_val {
	V_CONST,	/* the row's value */
	V_NONCANON,	/* 0xaaaaaaaaaaaaaaaa: non-canonical at 48 and 57 bits */
	V_WIDTH_BIT,	/* 1 << MAXPHYADDR: the first bit beyond the width */
	V_CR4_RESERVED,	/* the lowest CR4 bit IA32_VMX_CR4_FIXED1 forbids */
	V_PAGE_OTHER,	/* a VMCS region (revision id, bit 31 clear), not current */
	V_PAGE_CURRENT,	/* the current VMCS */
	V_PAGE_ZERO,	/* a page of zeros: no revision id */
	V_PAGE_MSR,	/* the MSR-load area (row value: its entries, see below) */
	V_CR3,		/* this CPU's CR3 (the guest's too) */
};

/* where the guest starts (vmx/conf_guest.S); an exit_ row picks one */
enum conf_guest {
	GUEST_VMCALL = 0,	/* vmcall: every entry_ case */
	GUEST_UD2,		/* ud2: #UD through the exception bitmap */
	GUEST_HLT,		/* hlt ("HLT exiting" is on) */
	GUEST_CPUID,		/* cpuid: exits unconditionally */
	GUEST_MOV_TO_CR3,	/* mov conf_guest_cr3, %rax; mov %rax, %cr3; vmcall */
	GUEST_RDTSC,		/* rdtsc */
	GUEST_RDMSR,		/* rdmsr with ECX 0 */
	GUEST_OUT_80,		/* out %al, $0x80 */
};

/* capability a row needs; else SKIP naming it */
enum conf_need {
	NEED_NONE,
	NEED_PIN1,	/* pin-based control need_bit may be 1 */
	NEED_PROC1,	/* primary processor-based control need_bit may be 1 */
	NEED_PROC2_1,	/* secondary control need_bit may be 1 (and "activate secondary controls") */
	NEED_EXIT1,	/* VM-exit control need_bit may be 1 */
	NEED_ENTRY1,	/* VM-entry control need_bit may be 1 */
	NEED_EPT_CAP0,	/* "enable EPT" may be 1 and IA32_VMX_EPT_VPID_CAP bit need_bit (an index) is 0 */
};

enum conf_expect {
	EXP_FAIL_INVALID = 1,	/* VMfailInvalid */
	EXP_FAIL_VALID,		/* VMfailValid num */
	EXP_ENTRY_FAIL,		/* VM-entry failure: exit reason num | bit 31, qualification qual */
	EXP_ENTERED,		/* the guest ran: exit reason num (VMCALL), qualification qual */
};

/* The MSR-load area of an entry_msr_ row: up to 2 entries (SDM 25.7.2: index,
 * reserved dword, data). Entry 0 is first in the area. */
struct conf_msr_entry {
	u32 index, reserved;
	u64 data;
};

struct conf_case {
	const char *name;	/* KTAP name, <= 63 characters */
	const char *sdm;	/* the section the outcome comes from */
	enum conf_need need;
	u32 need_bit;
	u32 pre_field;		/* 0: none; else field |= pre_or first (a valid setting) */
	u64 pre_or;
	u32 field;		/* the one broken field */
	enum conf_op op;
	enum conf_val val;
	u64 value;
	enum conf_expect expect;
	u32 num, qual;
	bool model_none;	/* the model must find nothing: the VMCS is valid, or the
				 * rule lies in memory the model does not read (MSR areas) */
	u32 model_field;	/* else the field the model's first finding names */
	const char *model_sdm;	/* that finding's section */
	enum conf_guest guest;	/* the guest's first instruction (exit_ rows) */
	struct conf_msr_entry msr[2];	/* V_PAGE_MSR rows: the area's entries */
	u32 msr_count;
};

/* the per-run values V_* resolve to */
struct conf_env_vals {
	u64 page_other, page_current, page_zero, page_msr;
	u64 pat;		/* the host's IA32_PAT, for the host and guest PAT fields */
	u64 cr3;		/* the host's CR3 (V_CR3) */
};

typedef void (*conf_write_fn)(u32 field, u64 value, void *ctx);
/* What the cases add to the guest VMCS of vmcs_setup_guest (controls as
 * given in *proc and *proc2, which are updated): "activate secondary controls"
 * when the CPU has them (secondary controls at their allowed-0 value), and a
 * valid value in every pointer and field a case's precondition may turn on
 * (I/O bitmaps, virtual-APIC and APIC-access pages, EPTP, VPID 1, PML, VMREAD/
 * VMWRITE bitmaps, #VE information, the MSR areas, PAT). Shared by the kernel
 * and the host test, so both see the same known-good VMCS. */
void conf_good_vmcs_extras(const struct vmx_caps *caps, const struct conf_env_vals *e, conf_write_fn w, void *ctx,
			   u32 *proc, u32 *proc2);

/* The hand-written rows, then the generated entry_ctl_ cases of caps: the
 * total number of case slots (some generated slots are not cases on every
 * CPU: conf_case_get says). */
size_t conf_case_slots(void);
/* Case i on caps, written into *out (names of generated cases go into
 * name_buf, at least 64 bytes). false: slot i is no case on these caps (a bit
 * that is allowed both ways). */
bool conf_case_get(size_t i, const struct vmx_caps *caps, struct conf_case *out, char *name_buf);
/* Why case *k cannot run on caps (written into buf), or false when it can. */
bool conf_case_skip_reason(const struct conf_case *k, const struct vmx_caps *caps, char *buf, size_t n);
/* The value V_* / op make of the field's old value. */
u64 conf_case_value(const struct conf_case *k, const struct vmx_caps *caps, const struct conf_env_vals *e,
		    u64 old);

/* An outcome as one number, for the known-deviation table:
 * expect << 56 | num << 32 | qual (num 16 bits: error or basic exit reason). */
#define CONF_OUTCOME(kind, num, qual) ((u64)(kind) << 56 | (u64)((num) & 0xffff) << 32 | (u32)(qual))
static inline u64 conf_outcome_code(enum conf_expect kind, u32 num, u32 qual)
{
	return CONF_OUTCOME(kind, num, qual);
}
/* "VMfailValid 7", "VM-entry failure exit 33 qualification 0x4", "entered the guest: exit 18 ..." */
int conf_outcome_str(u64 code, char *buf, size_t n);

/* The verdict on one case: PASS when the CPU's outcome (got) is the row's and
 * the model's first finding (n findings, first0) is the row's; a model that
 * disagrees is a FAIL; a CPU that deviates is an XFAIL only when the
 * known-deviation table lists (platform, name, got), else a FAIL. The reason
 * goes into buf (empty for a PASS). Pure: host-tested. */
struct entry_finding;
int conf_case_verdict(const struct conf_case *k, u64 got, const struct entry_finding *first0, size_t n,
		      int platform, char *buf, size_t len);

/* How many cases the table holds on caps (generated slots that are cases). */
u32 conf_case_count(const struct vmx_caps *caps);
/* On how many of cpus CPUs the table may run when the KTAP pool has free
 * nodes left, each CPU needs base nodes without the table and table more
 * with it, and reserve nodes must stay free for the rest of the run. */
u32 conf_table_cpu_budget(u32 free, u32 cpus, u32 base, u32 table, u32 reserve);

/* The hand-written rows (conf_cases.c). */
extern const struct conf_case conf_rows[];
extern const size_t conf_rows_n;

#endif
