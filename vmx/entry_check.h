/* Why did VM entry fail? A pure re-run of the checks of SDM vol. 3C chapter 27
 * ("VM Entries") on a VMCS the caller reads back field by field:
 *   27.2.1   VMX controls          -> VMfailValid, VM-instruction error 7
 *   27.2.2-4 host-state area       -> VMfailValid, VM-instruction error 8
 *   27.3.1   guest-state area      -> VM exit, reason 33 | bit 31
 * Each violated rule becomes one finding that names the field (as in
 * vmcs_fields.h) and the rule, in the order the SDM lists the checks, so the
 * first finding of an area is the likeliest cause.
 *
 * Assumptions, because a VMCS alone does not tell: the logical processor is in
 * IA-32e mode and outside SMM (this kernel always is); of the memory a VMCS
 * points at only the linked VMCS's first word is read (through read_phys), so
 * the rules on the virtual-APIC page, the MSR areas and the PDPTEs are not
 * checked; reserved bits of
 * IA32_DEBUGCTL and IA32_PERF_GLOBAL_CTRL, and the CET/PKRS/LBR state, are not
 * checked. Linear-address width comes from CPUID.80000008:EAX[15:8] (48 when
 * absent), physical width from EAX[7:0] (vmx_phys_addr_bits).
 *
 * Pure: no printing, no VMREAD; usable by host unit tests. */
#ifndef VMX_ENTRY_CHECK_H
#define VMX_ENTRY_CHECK_H

#include "kernel/types.h"
#include "vmx/vmx_caps.h"

/* Reads one VMCS field by encoding (full access). Returns false when the
 * field cannot be read (unsupported, or not captured): the rules that need it
 * are then skipped and one finding says so. */
typedef bool (*entry_check_read_fn)(u32 encoding, u64 *value, void *ctx);

/* Reads the 32-bit word at physical address pa (memory a VMCS points at).
 * Returns false when that memory cannot be read: the rules on it are skipped. */
typedef bool (*entry_check_phys_fn)(u64 pa, u32 *value, void *ctx);

struct vmcs_view {
	entry_check_read_fn read;
	void *ctx;
	entry_check_phys_fn read_phys;	/* may be NULL: memory rules unchecked */
	u64 current_vmcs;		/* the current-VMCS pointer; 0 or ~0: unknown or none */
};

enum entry_check_area {
	CHECK_CONTROLS,	/* 27.2.1: VM-instruction error 7 */
	CHECK_HOST,	/* 27.2.2-27.2.4: VM-instruction error 8 */
	CHECK_GUEST,	/* 27.3.1: entry-failure exit, reason 33 */
};

struct entry_finding {
	u32 field;		/* VMCS encoding of the field at fault */
	const char *field_name;	/* vmcs_fields name, e.g. "guest_cr0" */
	const char *rule;	/* what must hold, in SDM words */
	u64 value;		/* the field's value as read */
	u64 bad_bits;		/* the offending bits; the value itself for
				 * rules on a whole value (e.g. activity state) */
	const char *sdm;	/* section, e.g. "27.3.1.1" */
	enum entry_check_area area;
};

/* Each runs one area's checks, stores up to max findings in out (out may be
 * NULL when max is 0) and returns how many rules failed in total, which may
 * exceed max. Zero means the VMCS passes every check implemented here. */
size_t entry_check_controls(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			    struct entry_finding *out, size_t max);
size_t entry_check_host_state(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			      struct entry_finding *out, size_t max);
size_t entry_check_guest_state(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
			       struct entry_finding *out, size_t max);
/* Controls, then host state, then guest state: the order VM entry checks. */
size_t entry_check_all(const struct vmcs_view *vmcs, const struct vmx_caps *caps,
		       struct entry_finding *out, size_t max);

/* "controls", "host state", "guest state" */
const char *entry_check_area_name(enum entry_check_area a);

/* ---- shared by vmx/entry_check*.c; not for callers ---- */
struct entry_check_ctx {
	const struct vmcs_view *vmcs;
	const struct vmx_caps *caps;
	struct entry_finding *out;
	size_t max;
	size_t count;
	enum entry_check_area area;
	unsigned phys_bits;	/* MAXPHYADDR */
	unsigned ptr_bits;	/* width of VMCS pointers (32 with VMX_BASIC bit 48) */
	unsigned lin_bits;	/* linear-address width, for canonical checks */
	/* controls as VM entry sees them: proc2 is 0 unless proc bit 31 is set */
	u32 pin, proc, proc2, exit, entry;
	bool ctls_ok;		/* all five could be read */
};

void entry_check_begin(struct entry_check_ctx *c, const struct vmcs_view *vmcs,
		       const struct vmx_caps *caps, struct entry_finding *out,
		       size_t max, enum entry_check_area area);
/* Reads a field; on failure records a finding and returns false. */
bool entry_check_get(struct entry_check_ctx *c, u32 enc, u64 *value);
void entry_check_report(struct entry_check_ctx *c, u32 field, u64 value, u64 bad_bits,
			const char *rule, const char *sdm);
/* Bits 63:width of v (0 when v fits). */
u64 entry_check_beyond(u64 v, unsigned width);
/* Bits 63:width-1 must all equal bit width-1; returns the bits that differ. */
u64 entry_check_noncanonical(u64 v, unsigned width);
/* IA32_PAT: bytes holding a memory type other than 0, 1, 4, 5, 6, 7. */
u64 entry_check_bad_pat(u64 pat);
/* IA32_EFER bits reserved on Intel 64 (all but SCE, LME, LMA, NXE). */
#define ENTRY_CHECK_EFER_RESERVED (~0xd01ULL)

#endif
