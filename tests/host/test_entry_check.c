/* vmx/entry_check*.c on a VMCS such as this kernel builds (64-bit host, 64-bit
 * guest, identity-mapped low 4 GiB) with the capabilities Bochs reports on
 * corei7_skylake_x (FACTS.md): the valid VMCS passes every check, and each
 * test breaks one field and expects the first finding to name it. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/entry_check.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmx_defs.h"

#include "tests/host/bochs_caps.h"

/* ---- a VMCS as a table of encoding -> value ---- */

#define MAX_FIELDS 128
struct vmcs_table {
	u32 enc[MAX_FIELDS];
	u64 val[MAX_FIELDS];
	bool gone[MAX_FIELDS];	/* read fails, as VMREAD of an unsupported field */
	size_t n;
};

static bool table_read(u32 enc, u64 *value, void *ctx)
{
	const struct vmcs_table *t = ctx;

	for (size_t i = 0; i < t->n; i++)
		if (t->enc[i] == enc) {
			if (t->gone[i])
				return false;
			*value = t->val[i];
			return true;
		}
	return false;
}

static void set(struct vmcs_table *t, u32 enc, u64 v)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->enc[i] == enc) {
			t->val[i] = v;
			return;
		}
	assert_true(t->n < MAX_FIELDS);
	t->enc[t->n] = enc;
	t->val[t->n++] = v;
}

static u64 get(const struct vmcs_table *t, u32 enc)
{
	u64 v = 0;

	assert_true(table_read(enc, &v, (void *)t));
	return v;
}

static u32 adjusted(u32 wanted, u64 msr)
{
	struct vmx_adjust a;

	assert_int_equal(vmx_adjust_controls(wanted, msr, &a), VMX_ADJUST_OK);
	return a.value;
}

/* What a 64-bit kernel with a flat GDT (0x08 code, 0x10 data, 0x18 TSS) that
 * identity-maps its first 4 GiB would write for a guest running its own code. */
static void valid_vmcs(struct vmcs_table *t, const struct vmx_caps *c)
{
	memset(t, 0, sizeof(*t));
	/* controls, from the TRUE_* MSRs (VMX_BASIC bit 55) */
	set(t, VMCS_PIN_BASED_CONTROLS, adjusted(0, c->true_pinbased));
	set(t, VMCS_PRIMARY_PROC_BASED_CONTROLS, adjusted(CPU_HLT_EXITING, c->true_procbased));
	set(t, VMCS_SECONDARY_PROC_BASED_CONTROLS, 0);
	set(t, VMCS_VM_EXIT_CONTROLS,
	    adjusted(EXIT_HOST_ADDRESS_SPACE_SIZE | EXIT_LOAD_IA32_EFER | EXIT_SAVE_IA32_EFER,
		     c->true_exit));
	set(t, VMCS_VM_ENTRY_CONTROLS,
	    adjusted(ENTRY_IA32E_MODE_GUEST | ENTRY_LOAD_IA32_EFER, c->true_entry));
	set(t, VMCS_EXCEPTION_BITMAP, 0);
	set(t, VMCS_CR3_TARGET_COUNT, 0);
	set(t, VMCS_VM_EXIT_MSR_STORE_COUNT, 0);
	set(t, VMCS_VM_EXIT_MSR_LOAD_COUNT, 0);
	set(t, VMCS_VM_ENTRY_MSR_LOAD_COUNT, 0);
	set(t, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0);
	set(t, VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE, 0);
	set(t, VMCS_VM_ENTRY_INSTRUCTION_LENGTH, 0);

	/* host */
	set(t, VMCS_HOST_CR0, 0x80010031);	/* PG | WP | NE | ET | PE */
	set(t, VMCS_HOST_CR3, 0x1000);
	set(t, VMCS_HOST_CR4, 0x2020);		/* VMXE | PAE */
	set(t, VMCS_HOST_ES_SELECTOR, 0x10);
	set(t, VMCS_HOST_CS_SELECTOR, 0x08);
	set(t, VMCS_HOST_SS_SELECTOR, 0x10);
	set(t, VMCS_HOST_DS_SELECTOR, 0x10);
	set(t, VMCS_HOST_FS_SELECTOR, 0x10);
	set(t, VMCS_HOST_GS_SELECTOR, 0x10);
	set(t, VMCS_HOST_TR_SELECTOR, 0x18);
	set(t, VMCS_HOST_FS_BASE, 0);
	set(t, VMCS_HOST_GS_BASE, 0x120000);
	set(t, VMCS_HOST_TR_BASE, 0x121000);
	set(t, VMCS_HOST_GDTR_BASE, 0x122000);
	set(t, VMCS_HOST_IDTR_BASE, 0x123000);
	set(t, VMCS_HOST_IA32_SYSENTER_CS, 0);
	set(t, VMCS_HOST_IA32_SYSENTER_ESP, 0);
	set(t, VMCS_HOST_IA32_SYSENTER_EIP, 0);
	set(t, VMCS_HOST_IA32_EFER, 0xd01);	/* NXE | LMA | LME | SCE */
	set(t, VMCS_HOST_RSP, 0x130000);
	set(t, VMCS_HOST_RIP, 0x104000);

	/* guest */
	set(t, VMCS_GUEST_CR0, 0x80010031);
	set(t, VMCS_GUEST_CR3, 0x1000);
	set(t, VMCS_GUEST_CR4, 0x2020);
	set(t, VMCS_GUEST_DR7, 0x400);
	set(t, VMCS_GUEST_IA32_DEBUGCTL, 0);
	set(t, VMCS_GUEST_IA32_EFER, 0xd01);
	set(t, VMCS_GUEST_IA32_SYSENTER_CS, 0);
	set(t, VMCS_GUEST_IA32_SYSENTER_ESP, 0);
	set(t, VMCS_GUEST_IA32_SYSENTER_EIP, 0);
	static const u32 data_segs[] = { 0, 2, 3, 4, 5 };	/* ES SS DS FS GS */
	for (size_t i = 0; i < sizeof(data_segs) / sizeof(data_segs[0]); i++) {
		u32 k = 2 * data_segs[i];

		set(t, VMCS_GUEST_ES_SELECTOR + k, 0x10);
		set(t, VMCS_GUEST_ES_BASE + k, 0);
		set(t, VMCS_GUEST_ES_LIMIT + k, 0xffffffff);
		set(t, VMCS_GUEST_ES_ACCESS_RIGHTS + k, 0xc093);	/* G D P S type 3 */
	}
	set(t, VMCS_GUEST_CS_SELECTOR, 0x08);
	set(t, VMCS_GUEST_CS_BASE, 0);
	set(t, VMCS_GUEST_CS_LIMIT, 0xffffffff);
	set(t, VMCS_GUEST_CS_ACCESS_RIGHTS, 0xa09b);	/* G L P S type 11 */
	set(t, VMCS_GUEST_TR_SELECTOR, 0x18);
	set(t, VMCS_GUEST_TR_BASE, 0x121000);
	set(t, VMCS_GUEST_TR_LIMIT, 0x67);
	set(t, VMCS_GUEST_TR_ACCESS_RIGHTS, 0x008b);	/* P busy 64-bit TSS */
	set(t, VMCS_GUEST_LDTR_SELECTOR, 0);
	set(t, VMCS_GUEST_LDTR_BASE, 0);
	set(t, VMCS_GUEST_LDTR_LIMIT, 0);
	set(t, VMCS_GUEST_LDTR_ACCESS_RIGHTS, 0x10000);	/* unusable */
	set(t, VMCS_GUEST_GDTR_BASE, 0x122000);
	set(t, VMCS_GUEST_GDTR_LIMIT, 0x27);
	set(t, VMCS_GUEST_IDTR_BASE, 0x123000);
	set(t, VMCS_GUEST_IDTR_LIMIT, 0xfff);
	set(t, VMCS_GUEST_RSP, 0x140000);
	set(t, VMCS_GUEST_RIP, 0x105000);
	set(t, VMCS_GUEST_RFLAGS, 0x2);
	set(t, VMCS_GUEST_ACTIVITY_STATE, 0);
	set(t, VMCS_GUEST_INTERRUPTIBILITY_STATE, 0);
	set(t, VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS, 0);
	set(t, VMCS_LINK_POINTER, ~0ULL);
}

/* ---- harness ---- */

struct fixture {
	struct vmx_caps caps;
	struct vmcs_table t;
	struct vmcs_view view;
	struct entry_finding f[32];
};

static int setup(void **state)
{
	static struct fixture fx;

	fx.caps = skylake_x();
	valid_vmcs(&fx.t, &fx.caps);
	fx.view = (struct vmcs_view){ .read = table_read, .ctx = &fx.t };
	memset(fx.f, 0, sizeof(fx.f));
	*state = &fx;
	return 0;
}

static size_t run_all(struct fixture *fx)
{
	return entry_check_all(&fx->view, &fx->caps, fx->f, ARRAY_SIZE(fx->f));
}

/* Every finding names field (and the first one does in any case), all in one
 * area; returns the number of findings. */
static size_t expect_field(struct fixture *fx, u32 field, enum entry_check_area area,
			   const char *name)
{
	size_t n = run_all(fx);

	assert_true(n >= 1);
	assert_true(n <= ARRAY_SIZE(fx->f));
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(fx->f[i].field, field);
		assert_string_equal(fx->f[i].field_name, name);
		assert_int_equal(fx->f[i].area, area);
		assert_non_null(fx->f[i].rule);
		assert_non_null(fx->f[i].sdm);
		assert_true(strncmp(fx->f[i].sdm, "27.", 3) == 0);
	}
	return n;
}

/* ---- the valid VMCS ---- */

static void valid_vmcs_has_no_findings(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(entry_check_controls(&fx->view, &fx->caps, fx->f, 32), 0);
	assert_int_equal(entry_check_host_state(&fx->view, &fx->caps, fx->f, 32), 0);
	assert_int_equal(entry_check_guest_state(&fx->view, &fx->caps, fx->f, 32), 0);
	assert_int_equal(run_all(fx), 0);
}

static void valid_controls_are_what_bochs_true_msrs_give(void **state)
{
	struct fixture *fx = *state;

	assert_int_equal(get(&fx->t, VMCS_PIN_BASED_CONTROLS), 0x16);
	assert_int_equal(get(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS), 0x04006172 | CPU_HLT_EXITING);
	assert_int_equal(get(&fx->t, VMCS_VM_EXIT_CONTROLS), 0x36dfb | 0x200 | 0x300000);
	assert_int_equal(get(&fx->t, VMCS_VM_ENTRY_CONTROLS), 0x11fb | 0x200 | 0x8000);
}

/* ---- guest state ---- */

static void guest_cr0_without_pe_ne(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_CR0, 0x80010031 & ~0x21ULL);
	expect_field(fx, VMCS_GUEST_CR0, CHECK_GUEST, "guest_cr0");
	assert_int_equal(fx->f[0].bad_bits, 0x21);
	assert_string_equal(fx->f[0].sdm, "27.3.1.1");
}

static void guest_cr0_pg_clear_in_ia32e_mode(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_CR0, 0x00010031);
	/* FIXED0 wants PG, and so does "IA-32e mode guest": two rules */
	assert_int_equal(expect_field(fx, VMCS_GUEST_CR0, CHECK_GUEST, "guest_cr0"), 2);
	assert_int_equal(fx->f[0].bad_bits, 1ULL << 31);
	assert_int_equal(fx->f[1].bad_bits, 1ULL << 31);
	assert_non_null(strstr(fx->f[1].rule, "IA-32e mode guest"));
}

static void guest_rip_non_canonical(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_RIP, VMX_NONCANONICAL);
	assert_int_equal(expect_field(fx, VMCS_GUEST_RIP, CHECK_GUEST, "guest_rip"), 1);
	assert_string_equal(fx->f[0].sdm, "27.3.1.4");
	assert_int_equal(fx->f[0].value, VMX_NONCANONICAL);
}

/* guest RIP is checked against the CPU's linear width: 0x0000800000000000 is
 * canonical with 57 bits (Ice Lake-SP), not with 48; 0xaaaa... at neither */
static void guest_rip_canonical_per_linear_width(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_RIP, 0x0000800000000000ULL);
	assert_int_equal(expect_field(fx, VMCS_GUEST_RIP, CHECK_GUEST, "guest_rip"), 1);
	fx->caps.cpuid_80000008_eax = (fx->caps.cpuid_80000008_eax & ~0xff00u) | (57u << 8);
	assert_int_equal(run_all(fx), 0);
	set(&fx->t, VMCS_GUEST_RIP, VMX_NONCANONICAL);
	assert_int_equal(expect_field(fx, VMCS_GUEST_RIP, CHECK_GUEST, "guest_rip"), 1);
}

static void guest_tr_type_3_not_busy_64bit(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_TR_ACCESS_RIGHTS, 0x0083);
	assert_int_equal(expect_field(fx, VMCS_GUEST_TR_ACCESS_RIGHTS, CHECK_GUEST,
				      "guest_tr_access_rights"), 1);
	assert_string_equal(fx->f[0].sdm, "27.3.1.2");
}

static void guest_cs_with_l_and_d(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_CS_ACCESS_RIGHTS, 0xe09b);
	assert_int_equal(expect_field(fx, VMCS_GUEST_CS_ACCESS_RIGHTS, CHECK_GUEST,
				      "guest_cs_access_rights"), 1);
	assert_int_equal(fx->f[0].bad_bits, (1 << 13) | (1 << 14));
}

static void guest_rflags_bit1_clear(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_RFLAGS, 0);
	assert_int_equal(expect_field(fx, VMCS_GUEST_RFLAGS, CHECK_GUEST, "guest_rflags"), 1);
	assert_int_equal(fx->f[0].bad_bits, 2);
}

/* fake physical memory for the linked VMCS: one word at a fixed address */
#define LINKED_PA 0x200000ULL
#define CURRENT_PA 0x201000ULL
static u32 linked_word;
static bool fake_phys(u64 pa, u32 *v, void *ctx)
{
	(void)ctx;
	if (pa != LINKED_PA && pa != 0)
		return false;
	*v = pa ? linked_word : 0;
	return true;
}

static void with_memory(struct fixture *fx, u32 word)
{
	linked_word = word;
	fx->view.read_phys = fake_phys;
	fx->view.current_vmcs = CURRENT_PA;
}

/* page 0 holds no revision id: the link pointer does not reference a VMCS */
static void vmcs_link_pointer_zero(void **state)
{
	struct fixture *fx = *state;

	with_memory(fx, 0);
	set(&fx->t, VMCS_LINK_POINTER, 0);
	assert_int_equal(expect_field(fx, VMCS_LINK_POINTER, CHECK_GUEST, "vmcs_link_pointer"), 1);
	assert_string_equal(fx->f[0].sdm, "27.3.1.5");
}

/* SDM 27.3.1.5 with VMCS shadowing off: a valid VMCS region (revision id,
 * bit 31 clear) that is not the current VMCS is accepted */
static void vmcs_link_pointer_to_other_vmcs_accepted(void **state)
{
	struct fixture *fx = *state;
	u32 rev = (u32)(fx->caps.basic & 0x7fffffff);

	with_memory(fx, rev);
	set(&fx->t, VMCS_LINK_POINTER, LINKED_PA);
	assert_int_equal(run_all(fx), 0);
	with_memory(fx, rev ^ 1);   /* wrong revision id */
	assert_int_equal(expect_field(fx, VMCS_LINK_POINTER, CHECK_GUEST, "vmcs_link_pointer"), 1);
	with_memory(fx, rev | 0x80000000u);   /* bit 31 set but shadowing off */
	assert_int_equal(expect_field(fx, VMCS_LINK_POINTER, CHECK_GUEST, "vmcs_link_pointer"), 1);
	with_memory(fx, rev);
	set(&fx->t, VMCS_LINK_POINTER, CURRENT_PA);   /* the current VMCS itself */
	assert_int_equal(expect_field(fx, VMCS_LINK_POINTER, CHECK_GUEST, "vmcs_link_pointer"), 1);
	assert_non_null(strstr(fx->f[0].rule, "current-VMCS"));
	set(&fx->t, VMCS_LINK_POINTER, LINKED_PA + 8);   /* unaligned */
	assert_int_equal(expect_field(fx, VMCS_LINK_POINTER, CHECK_GUEST, "vmcs_link_pointer"), 1);
}

/* memory the model cannot read: the region rule is not checked (no guess) */
static void vmcs_link_pointer_unreadable_region_unchecked(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_LINK_POINTER, 0x300000);
	assert_int_equal(run_all(fx), 0);
	with_memory(fx, 0);   /* 0x300000 is outside the fake memory */
	assert_int_equal(run_all(fx), 0);
}

static void guest_activity_state_5(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_ACTIVITY_STATE, 5);
	assert_int_equal(expect_field(fx, VMCS_GUEST_ACTIVITY_STATE, CHECK_GUEST,
				      "guest_activity_state"), 1);
	assert_int_equal(fx->f[0].bad_bits, 5);
}

/* ---- host state ---- */

static void host_rip_non_canonical(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_HOST_RIP, VMX_NONCANONICAL);
	assert_int_equal(expect_field(fx, VMCS_HOST_RIP, CHECK_HOST, "host_rip"), 1);
	assert_string_equal(fx->f[0].sdm, "27.2.4");
}

/* host RIP is checked against the host CR4.LA57 field, not the CPU's width */
static void host_rip_canonical_per_host_la57(void **state)
{
	struct fixture *fx = *state;

	fx->caps.cpuid_80000008_eax = (fx->caps.cpuid_80000008_eax & ~0xff00u) | (57u << 8);
	fx->caps.cr4_fixed1 |= 1ULL << 12;   /* a CPU with 5-level paging allows CR4.LA57 */
	set(&fx->t, VMCS_HOST_RIP, 0x0000800000000000ULL);
	assert_int_equal(expect_field(fx, VMCS_HOST_RIP, CHECK_HOST, "host_rip"), 1);   /* LA57 clear */
	set(&fx->t, VMCS_HOST_CR4, get(&fx->t, VMCS_HOST_CR4) | (1ULL << 12));
	assert_int_equal(run_all(fx), 0);
	set(&fx->t, VMCS_HOST_RIP, VMX_NONCANONICAL);
	assert_int_equal(expect_field(fx, VMCS_HOST_RIP, CHECK_HOST, "host_rip"), 1);
}

static void host_cr0_without_ne(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_HOST_CR0, 0x80010011);
	assert_int_equal(expect_field(fx, VMCS_HOST_CR0, CHECK_HOST, "host_cr0"), 1);
	assert_int_equal(fx->f[0].bad_bits, 0x20);
	assert_string_equal(fx->f[0].sdm, "27.2.2");
}

static void host_cs_selector_zero(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_HOST_CS_SELECTOR, 0);
	assert_int_equal(expect_field(fx, VMCS_HOST_CS_SELECTOR, CHECK_HOST, "host_cs_selector"), 1);
	assert_string_equal(fx->f[0].sdm, "27.2.3");
}

static void host_tr_selector_rpl3(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_HOST_TR_SELECTOR, 0x1b);
	assert_int_equal(expect_field(fx, VMCS_HOST_TR_SELECTOR, CHECK_HOST, "host_tr_selector"), 1);
	assert_int_equal(fx->f[0].bad_bits, 3);
}

static void exit_controls_without_host_address_space_size(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_VM_EXIT_CONTROLS, get(&fx->t, VMCS_VM_EXIT_CONTROLS) & ~0x200ULL);
	/* a host-state failure (error 8, 27.2.4), though the field is a control */
	assert_int_equal(expect_field(fx, VMCS_VM_EXIT_CONTROLS, CHECK_HOST, "vm_exit_controls"), 1);
	assert_int_equal(fx->f[0].bad_bits, 0x200);
	assert_string_equal(fx->f[0].sdm, "27.2.4");
}

/* ---- controls ---- */

static void proc_control_outside_may_be_1(void **state)
{
	struct fixture *fx = *state;

	/* monitor trap flag: allowed-1 bit 27 of 0xf7f9fffe is 0 on Skylake-X */
	set(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS,
	    get(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS) | CPU_MONITOR_TRAP_FLAG);
	assert_int_equal(expect_field(fx, VMCS_PRIMARY_PROC_BASED_CONTROLS, CHECK_CONTROLS,
				      "primary_proc_based_controls"), 1);
	assert_int_equal(fx->f[0].bad_bits, CPU_MONITOR_TRAP_FLAG);
	assert_string_equal(fx->f[0].sdm, "27.2.1.1");
}

static void pin_control_must_be_1_cleared(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_PIN_BASED_CONTROLS, 0x16 & ~0x2ULL);
	assert_int_equal(expect_field(fx, VMCS_PIN_BASED_CONTROLS, CHECK_CONTROLS,
				      "pin_based_controls"), 1);
	assert_int_equal(fx->f[0].bad_bits, 0x2);
}

static void secondary_controls_ignored_without_activate_bit(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_SECONDARY_PROC_BASED_CONTROLS, 0xffffffff);
	assert_int_equal(run_all(fx), 0);
	set(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS,
	    get(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS) | CPU_ACTIVATE_SECONDARY_CONTROLS);
	size_t n = run_all(fx);

	assert_true(n >= 1);
	assert_int_equal(fx->f[0].field, VMCS_SECONDARY_PROC_BASED_CONTROLS);
	/* 0x02177fff allows neither bit 15 nor 31:26 except 25 */
	assert_int_equal(fx->f[0].bad_bits, 0xffffffffU & ~0x02177fffU);
}

static void virtual_nmis_need_nmi_exiting(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_PIN_BASED_CONTROLS, 0x16 | PIN_VIRTUAL_NMIS);
	assert_int_equal(expect_field(fx, VMCS_PIN_BASED_CONTROLS, CHECK_CONTROLS,
				      "pin_based_controls"), 1);
	assert_int_equal(fx->f[0].bad_bits, PIN_VIRTUAL_NMIS);
}

static void msr_bitmap_must_be_page_aligned(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS,
	    get(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS) | CPU_USE_MSR_BITMAPS);
	set(&fx->t, VMCS_MSR_BITMAPS_ADDR, 0x200000);
	assert_int_equal(run_all(fx), 0);
	set(&fx->t, VMCS_MSR_BITMAPS_ADDR, 0x200800);
	assert_int_equal(expect_field(fx, VMCS_MSR_BITMAPS_ADDR, CHECK_CONTROLS, "msr_bitmaps_addr"), 1);
	set(&fx->t, VMCS_MSR_BITMAPS_ADDR, 1ULL << 40);	/* beyond 40 bits */
	assert_int_equal(expect_field(fx, VMCS_MSR_BITMAPS_ADDR, CHECK_CONTROLS, "msr_bitmaps_addr"), 1);
	assert_int_equal(fx->f[0].bad_bits, 1ULL << 40);
}

static void injected_page_fault_needs_error_code(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0x80000000 | (3 << 8) | 14);
	assert_int_equal(expect_field(fx, VMCS_VM_ENTRY_INTERRUPTION_INFO, CHECK_CONTROLS,
				      "vm_entry_interruption_info"), 1);
	set(&fx->t, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0x80000000 | (1 << 11) | (3 << 8) | 14);
	assert_int_equal(run_all(fx), 0);
	set(&fx->t, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0x80000000 | (2 << 8) | 3);	/* NMI, vector 3 */
	assert_int_equal(expect_field(fx, VMCS_VM_ENTRY_INTERRUPTION_INFO, CHECK_CONTROLS,
				      "vm_entry_interruption_info"), 1);
}

static void external_interrupt_needs_rflags_if(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_VM_ENTRY_INTERRUPTION_INFO, 0x80000000 | 0x20);
	assert_int_equal(expect_field(fx, VMCS_GUEST_RFLAGS, CHECK_GUEST, "guest_rflags"), 1);
	set(&fx->t, VMCS_GUEST_RFLAGS, 0x202);
	assert_int_equal(run_all(fx), 0);
}

/* ---- more guest rules ---- */

static void guest_ds_not_accessed(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_DS_ACCESS_RIGHTS, 0xc092);
	assert_int_equal(expect_field(fx, VMCS_GUEST_DS_ACCESS_RIGHTS, CHECK_GUEST,
				      "guest_ds_access_rights"), 1);
	/* an unusable DS is not checked at all */
	set(&fx->t, VMCS_GUEST_DS_ACCESS_RIGHTS, 0x10000);
	assert_int_equal(run_all(fx), 0);
}

static void guest_segment_limit_and_granularity(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_ES_ACCESS_RIGHTS, 0x4093);	/* G clear, limit 4 GiB - 1 */
	assert_int_equal(expect_field(fx, VMCS_GUEST_ES_ACCESS_RIGHTS, CHECK_GUEST,
				      "guest_es_access_rights"), 1);
	assert_int_equal(fx->f[0].bad_bits, 1 << 15);
}

static void guest_ss_rpl_must_match_cs(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_SS_SELECTOR, 0x13);
	size_t n = run_all(fx);

	/* the SS selector against CS, then SS DPL (0) against SS RPL (3) */
	assert_int_equal(n, 2);
	assert_int_equal(fx->f[0].field, VMCS_GUEST_SS_SELECTOR);
	assert_int_equal(fx->f[1].field, VMCS_GUEST_SS_ACCESS_RIGHTS);
}

static void guest_fs_base_non_canonical(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_FS_BASE, 0xffff7fff00000000ULL);
	assert_int_equal(expect_field(fx, VMCS_GUEST_FS_BASE, CHECK_GUEST, "guest_fs_base"), 1);
	set(&fx->t, VMCS_GUEST_FS_BASE, 0xffff800000000000ULL);	/* canonical */
	assert_int_equal(run_all(fx), 0);
}

static void guest_efer_lma_must_match_ia32e_mode(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_IA32_EFER, 0x901);	/* LMA clear */
	assert_int_equal(expect_field(fx, VMCS_GUEST_IA32_EFER, CHECK_GUEST, "guest_ia32_efer"), 1);
	assert_int_equal(fx->f[0].bad_bits, 1 << 10);
}

static void hlt_needs_ss_dpl0_and_is_supported(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_ACTIVITY_STATE, 1);
	assert_int_equal(run_all(fx), 0);
	fx->caps.misc &= ~(1ULL << 6);	/* a CPU without HLT activity state */
	assert_int_equal(expect_field(fx, VMCS_GUEST_ACTIVITY_STATE, CHECK_GUEST,
				      "guest_activity_state"), 1);
}

static void guest_cr4_without_vmxe(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_CR4, 0x20);
	assert_int_equal(expect_field(fx, VMCS_GUEST_CR4, CHECK_GUEST, "guest_cr4"), 1);
	assert_int_equal(fx->f[0].bad_bits, 0x2000);
}

/* ---- the interface itself ---- */

static void unreadable_field_is_reported_and_its_rules_skipped(void **state)
{
	struct fixture *fx = *state;

	for (size_t i = 0; i < fx->t.n; i++)
		if (fx->t.enc[i] == VMCS_GUEST_RIP)
			fx->t.gone[i] = true;
	size_t n = run_all(fx);

	assert_int_equal(n, 1);
	assert_int_equal(fx->f[0].field, VMCS_GUEST_RIP);
	assert_string_equal(fx->f[0].field_name, "guest_rip");
	assert_non_null(strstr(fx->f[0].rule, "could not be read"));
}

static void findings_past_max_are_counted(void **state)
{
	struct fixture *fx = *state;

	set(&fx->t, VMCS_GUEST_RFLAGS, 0xffffffffffffffffULL);	/* reserved + VM + bit 1 ok */
	set(&fx->t, VMCS_HOST_TR_SELECTOR, 0x1b);
	size_t all = entry_check_all(&fx->view, &fx->caps, NULL, 0);

	assert_true(all >= 3);
	fx->f[1].field = 0xdead;
	assert_int_equal(entry_check_all(&fx->view, &fx->caps, fx->f, 1), all);
	assert_int_equal(fx->f[0].field, VMCS_HOST_TR_SELECTOR);	/* host before guest */
	assert_int_equal(fx->f[1].field, 0xdead);			/* not written */
}

static void area_names(void **state)
{
	(void)state;
	assert_string_equal(entry_check_area_name(CHECK_CONTROLS), "controls");
	assert_string_equal(entry_check_area_name(CHECK_HOST), "host state");
	assert_string_equal(entry_check_area_name(CHECK_GUEST), "guest state");
}

static void canonical_helper(void **state)
{
	(void)state;
	assert_int_equal(entry_check_noncanonical(0x00007fffffffffffULL, 48), 0);
	assert_int_equal(entry_check_noncanonical(0xffff800000000000ULL, 48), 0);
	assert_int_not_equal(entry_check_noncanonical(0x0000800000000000ULL, 48), 0);
	assert_int_not_equal(entry_check_noncanonical(0xfff0000000000000ULL, 48), 0);
	assert_int_equal(entry_check_noncanonical(0x00ff000000000000ULL, 57), 0);
	assert_int_equal(entry_check_noncanonical(0x0000800000000000ULL, 57), 0);
	assert_int_not_equal(entry_check_noncanonical(VMX_NONCANONICAL, 48), 0);
	assert_int_not_equal(entry_check_noncanonical(VMX_NONCANONICAL, 57), 0);
	assert_int_equal(entry_check_bad_pat(0x0007040600070406ULL), 0);
	assert_int_equal(entry_check_bad_pat(0x0007040600070402ULL), 0xff);
}

/* EPTP bit 7 (SDM 27.2.1.1): "enable supervisor shadow-stack control", allowed
 * only when IA32_VMX_EPT_VPID_CAP bit 23 is 1, else reserved. Neither Bochs
 * model reports it (0x00000f0106334141): there bit 7 must be flagged. */
static size_t eptp_findings(struct fixture *fx, const struct vmx_caps *caps, u64 eptp)
{
	fx->caps = *caps;
	valid_vmcs(&fx->t, &fx->caps);
	set(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS,
	    get(&fx->t, VMCS_PRIMARY_PROC_BASED_CONTROLS) | CPU_ACTIVATE_SECONDARY_CONTROLS);
	set(&fx->t, VMCS_SECONDARY_PROC_BASED_CONTROLS, CPU2_ENABLE_EPT);
	set(&fx->t, VMCS_EPT_POINTER, eptp);
	return run_all(fx);
}

static void eptp_bit7_reserved_without_shadow_stack_cap(void **state)
{
	struct fixture *fx = *state;
	const struct vmx_caps caps[2] = { skylake_x(), icelake_u() };

	for (int i = 0; i < 2; i++) {
		assert_int_equal(caps[i].ept_vpid_cap & VMX_EPT_SUPERVISOR_SHADOW_STACK, 0);
		/* WB (6), 4-level walk (3 << 3) */
		assert_int_equal(eptp_findings(fx, &caps[i], 0x200000 | 0x1e), 0);
		assert_int_equal(eptp_findings(fx, &caps[i], 0x200000 | 0x9e), 1);
		assert_int_equal(expect_field(fx, VMCS_EPT_POINTER, CHECK_CONTROLS, "ept_pointer"), 1);
		assert_int_equal(fx->f[0].bad_bits, 0x80);
		assert_string_equal(fx->f[0].sdm, "27.2.1.1");
	}
	/* a CPU that reports bit 23 (Sapphire Rapids does) accepts it */
	struct vmx_caps sss = skylake_x();
	sss.ept_vpid_cap |= VMX_EPT_SUPERVISOR_SHADOW_STACK;
	assert_int_equal(eptp_findings(fx, &sss, 0x200000 | 0x9e), 0);
	/* bits 11:8 stay reserved whatever the CPU reports */
	assert_int_equal(eptp_findings(fx, &sss, 0x200000 | 0x19e), 1);
	assert_int_equal(fx->f[0].bad_bits, 0x100);
}

#define T(name) cmocka_unit_test_setup(name, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(valid_vmcs_has_no_findings),
		T(valid_controls_are_what_bochs_true_msrs_give),
		T(guest_cr0_without_pe_ne),
		T(guest_cr0_pg_clear_in_ia32e_mode),
		T(guest_rip_non_canonical),
		T(guest_rip_canonical_per_linear_width),
		T(guest_tr_type_3_not_busy_64bit),
		T(guest_cs_with_l_and_d),
		T(guest_rflags_bit1_clear),
		T(vmcs_link_pointer_zero),
		T(vmcs_link_pointer_to_other_vmcs_accepted),
		T(vmcs_link_pointer_unreadable_region_unchecked),
		T(guest_activity_state_5),
		T(host_rip_non_canonical),
		T(host_rip_canonical_per_host_la57),
		T(host_cr0_without_ne),
		T(host_cs_selector_zero),
		T(host_tr_selector_rpl3),
		T(exit_controls_without_host_address_space_size),
		T(proc_control_outside_may_be_1),
		T(pin_control_must_be_1_cleared),
		T(secondary_controls_ignored_without_activate_bit),
		T(virtual_nmis_need_nmi_exiting),
		T(msr_bitmap_must_be_page_aligned),
		T(injected_page_fault_needs_error_code),
		T(external_interrupt_needs_rflags_if),
		T(guest_ds_not_accessed),
		T(guest_segment_limit_and_granularity),
		T(guest_ss_rpl_must_match_cs),
		T(guest_fs_base_non_canonical),
		T(guest_efer_lma_must_match_ia32e_mode),
		T(hlt_needs_ss_dpl0_and_is_supported),
		T(guest_cr4_without_vmxe),
		T(unreadable_field_is_reported_and_its_rules_skipped),
		T(findings_past_max_are_counted),
		T(area_names),
		T(canonical_helper),
		T(eptp_bit7_reserved_without_shadow_stack_cap),
	};
	return cmocka_run_group_tests_name("entry_check", tests, NULL, NULL);
}
