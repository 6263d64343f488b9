/* vmx/vmcs_fields.c (the appendix B field table and encoding helpers) and
 * vmx/vmx_errors.c (VM-instruction error and exit-reason names). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <ctype.h>
#include <cmocka.h>

#include "vmx/vmcs_fields.h"
#include "vmx/vmx_errors.h"

static void widths_of_the_four_examples(void **state)
{
	(void)state;
	assert_int_equal(vmcs_field_width(0x0800), VMCS_WIDTH_16);	/* guest ES selector */
	assert_int_equal(vmcs_field_width(0x2800), VMCS_WIDTH_64);	/* VMCS link pointer */
	assert_int_equal(vmcs_field_width(0x4400), VMCS_WIDTH_32);	/* VM-instruction error */
	assert_int_equal(vmcs_field_width(0x6802), VMCS_WIDTH_NATURAL);	/* guest CR3 */
	assert_int_equal(vmcs_field_type(0x0800), VMCS_TYPE_GUEST);
	assert_int_equal(vmcs_field_type(0x2800), VMCS_TYPE_GUEST);
	assert_int_equal(vmcs_field_type(0x4400), VMCS_TYPE_READONLY);
	assert_int_equal(vmcs_field_type(0x6c16), VMCS_TYPE_HOST);
	assert_int_equal(vmcs_field_type(0x4002), VMCS_TYPE_CONTROL);
	assert_true(vmcs_field_is_readonly(0x4400));
	assert_true(vmcs_field_is_readonly(0x4402));
	assert_false(vmcs_field_is_readonly(0x6802));
	assert_int_equal(vmcs_field_width_bits(VMCS_WIDTH_16), 16);
	assert_int_equal(vmcs_field_width_bits(VMCS_WIDTH_32), 32);
	assert_int_equal(vmcs_field_width_bits(VMCS_WIDTH_64), 64);
	assert_int_equal(vmcs_field_width_bits(VMCS_WIDTH_NATURAL), 64);
	assert_string_equal(vmcs_field_width_name(VMCS_WIDTH_NATURAL), "natural-width");
	assert_string_equal(vmcs_field_type_name(VMCS_TYPE_READONLY), "read-only data");
}

static void index_and_access_type_bits(void **state)
{
	(void)state;
	assert_int_equal(vmcs_field_index(0x4400), 0);
	assert_int_equal(vmcs_field_index(0x4402), 1);
	assert_int_equal(vmcs_field_index(0x6c1c), 0xe);
	assert_int_equal(vmcs_field_index(0x2801), 0);
	assert_int_equal(vmcs_field_index(0x03fe), 0x1ff);
	assert_true(vmcs_field_is_high(0x2801));
	assert_false(vmcs_field_is_high(0x2800));
}

static void lookup_by_name_and_encoding(void **state)
{
	(void)state;
	static const struct { const char *name; u32 enc; } pairs[] = {
		{ "guest_cr3", 0x6802 },
		{ "exit_reason", 0x4402 },
		{ "vm_instruction_error", 0x4400 },
		{ "vmcs_link_pointer", 0x2800 },
		{ "guest_es_selector", 0x0800 },
		{ "host_rip", 0x6c16 },
		{ "primary_proc_based_controls", 0x4002 },
		{ "secondary_proc_based_controls", 0x401e },
		{ "exit_qualification", 0x6400 },
		{ "ept_pointer", 0x201a },
		{ "guest_vmx_preemption_timer_value", 0x482e },
		{ "host_ia32_sysenter_cs", 0x4c00 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(pairs); i++) {
		const struct vmcs_field *f = vmcs_field_by_name(pairs[i].name);
		if (!f)
			fail_msg("no field named %s", pairs[i].name);
		assert_int_equal(f->encoding, pairs[i].enc);
		assert_ptr_equal(vmcs_field_by_encoding(pairs[i].enc), f);
	}
	assert_string_equal(vmcs_field_by_encoding(VMCS_GUEST_CR3)->symbol, "VMCS_GUEST_CR3");
	assert_int_equal(VMCS_LINK_POINTER, 0x2800);
	assert_int_equal(VMCS_VM_INSTRUCTION_ERROR, 0x4400);
	assert_int_equal(VMCS_EXIT_REASON, 0x4402);
}

static void high_access_finds_the_64bit_field(void **state)
{
	(void)state;
	assert_ptr_equal(vmcs_field_by_encoding(0x2801), vmcs_field_by_name("vmcs_link_pointer"));
	assert_ptr_equal(vmcs_field_by_encoding(0x2011), vmcs_field_by_name("tsc_offset"));
	assert_null(vmcs_field_by_encoding(0x0801));	/* high access of a 16-bit field */
	assert_null(vmcs_field_by_encoding(0x4401));
	assert_null(vmcs_field_by_encoding(0x6803));
}

static void unknown_and_malformed_encodings(void **state)
{
	(void)state;
	assert_null(vmcs_field_by_encoding(0x482c));	/* the gap before the timer */
	assert_null(vmcs_field_by_encoding(0x6c1e));
	assert_null(vmcs_field_by_encoding(0x1000 | 0x6802));	/* bit 12 reserved */
	assert_null(vmcs_field_by_encoding(0x8000 | 0x6802));	/* bits 31:15 reserved */
	assert_null(vmcs_field_by_name("guest_cr2"));
	assert_null(vmcs_field_by_name("GUEST_CR3"));
	assert_null(vmcs_field_by_name(""));
	assert_null(vmcs_field_by_name(NULL));
	assert_true(vmcs_field_encoding_valid(0x2801));
	assert_true(vmcs_field_encoding_valid(0x6c1e));	/* well-formed, just not defined */
	assert_false(vmcs_field_encoding_valid(0x0801));
	assert_false(vmcs_field_encoding_valid(0x1000));
	assert_false(vmcs_field_encoding_valid(0xffffffff));
}

/* Each field sits in the appendix B section its encoding says; the name is
 * the macro's name in lowercase without "VMCS_". */
static void every_entry_matches_its_encoding(void **state)
{
	(void)state;
	assert_true(vmcs_fields_count >= 170);
	for (size_t i = 0; i < vmcs_fields_count; i++) {
		const struct vmcs_field *f = &vmcs_fields[i];
		char want[64];
		const char *sym = f->symbol + 5;
		size_t n = strlen(sym);

		if (vmcs_field_width(f->encoding) != f->width ||
		    vmcs_field_type(f->encoding) != f->type)
			fail_msg("%s 0x%04x is listed as %s %s but encodes %s %s", f->name,
				 f->encoding, vmcs_field_width_name(f->width),
				 vmcs_field_type_name(f->type),
				 vmcs_field_width_name(vmcs_field_width(f->encoding)),
				 vmcs_field_type_name(vmcs_field_type(f->encoding)));
		assert_true(vmcs_field_encoding_valid(f->encoding));
		assert_false(vmcs_field_is_high(f->encoding));
		assert_int_equal(vmcs_field_is_readonly(f->encoding), f->type == VMCS_TYPE_READONLY);
		assert_memory_equal(f->symbol, "VMCS_", 5);
		assert_true(n < sizeof want);
		for (size_t k = 0; k <= n; k++)
			want[k] = (char)tolower((unsigned char)sym[k]);
		if (strcmp(f->symbol, "VMCS_LINK_POINTER") == 0)
			assert_string_equal(f->name, "vmcs_link_pointer");
		else
			assert_string_equal(f->name, want);
	}
}

static void names_and_encodings_are_unique(void **state)
{
	(void)state;
	for (size_t i = 0; i < vmcs_fields_count; i++)
		for (size_t j = 0; j < i; j++) {
			if (strcmp(vmcs_fields[i].name, vmcs_fields[j].name) == 0)
				fail_msg("name %s twice", vmcs_fields[i].name);
			if (vmcs_fields[i].encoding == vmcs_fields[j].encoding)
				fail_msg("0x%04x twice (%s, %s)", vmcs_fields[i].encoding,
					 vmcs_fields[j].name, vmcs_fields[i].name);
		}
}

/* 1 64-bit + 8 32-bit + 6 natural-width fields (B.2.2, B.3.2, B.4.2). */
static void fifteen_read_only_fields(void **state)
{
	(void)state;
	size_t n = 0;
	for (size_t i = 0; i < vmcs_fields_count; i++)
		n += vmcs_field_is_readonly(vmcs_fields[i].encoding);
	assert_int_equal(n, 15);
}

static void highest_index_in_the_table(void **state)
{
	(void)state;
	/* secondary VM-exit controls 0x2044; Bochs reports 0x1a in VMCS_ENUM */
	assert_int_equal(vmcs_fields_highest_index(), 0x22);
}

static void insn_error_names_match_the_sdm(void **state)
{
	(void)state;
	assert_string_equal(vmx_insn_error_name(1), "VMCALL executed in VMX root operation");
	assert_string_equal(vmx_insn_error_name(3), "VMCLEAR with VMXON pointer");
	assert_string_equal(vmx_insn_error_name(4), "VMLAUNCH with non-clear VMCS");
	assert_string_equal(vmx_insn_error_name(5), "VMRESUME with non-launched VMCS");
	assert_string_equal(vmx_insn_error_name(7), "VM entry with invalid control field(s)");
	assert_string_equal(vmx_insn_error_name(8), "VM entry with invalid host-state field(s)");
	assert_string_equal(vmx_insn_error_name(11),
			    "VMPTRLD with incorrect VMCS revision identifier");
	assert_string_equal(vmx_insn_error_name(12),
			    "VMREAD/VMWRITE from/to unsupported VMCS component");
	assert_string_equal(vmx_insn_error_name(13), "VMWRITE to read-only VMCS component");
	assert_string_equal(vmx_insn_error_name(15), "VMXON executed in VMX root operation");
	assert_string_equal(vmx_insn_error_name(26), "VM entry with events blocked by MOV SS");
	assert_string_equal(vmx_insn_error_name(28), "invalid operand to INVEPT/INVVPID");
	assert_string_equal(vmx_insn_error_name(VMXERR_VMPTRLD_INCORRECT_REVISION_ID),
			    vmx_insn_error_name(11));
}

static void reserved_and_unknown_insn_errors(void **state)
{
	(void)state;
	assert_string_equal(vmx_insn_error_name(14), "reserved (14)");
	assert_string_equal(vmx_insn_error_name(21), "reserved (21)");
	assert_string_equal(vmx_insn_error_name(27), "reserved (27)");
	assert_non_null(strstr(vmx_insn_error_name(0), "reserved"));
	assert_string_equal(vmx_insn_error_name(29), "unknown VM-instruction error");
	assert_string_equal(vmx_insn_error_name(0xffffffff), "unknown VM-instruction error");
	for (u32 e = 0; e <= VMX_INSN_ERROR_MAX; e++)
		assert_non_null(vmx_insn_error_name(e));
}

static void exit_reason_names(void **state)
{
	(void)state;
	assert_string_equal(vmx_exit_reason_name(0), "exception or non-maskable interrupt (NMI)");
	assert_string_equal(vmx_exit_reason_name(EXIT_REASON_CPUID), "CPUID");
	assert_string_equal(vmx_exit_reason_name(12), "HLT");
	assert_string_equal(vmx_exit_reason_name(18), "VMCALL");
	assert_string_equal(vmx_exit_reason_name(30), "I/O instruction");
	assert_string_equal(vmx_exit_reason_name(48), "EPT violation");
	assert_string_equal(vmx_exit_reason_name(52), "VMX-preemption timer expired");
	assert_string_equal(vmx_exit_reason_name(70), "ENCLV");
	/* bit 31: the entry failed; the basic reason is still in 15:0 */
	assert_string_equal(vmx_exit_reason_name(0x80000021),
			    "VM-entry failure due to invalid guest state");
	assert_string_equal(vmx_exit_reason_name(35), "reserved");
	assert_string_equal(vmx_exit_reason_name(38), "reserved");
	assert_string_equal(vmx_exit_reason_name(42), "reserved");
	assert_string_equal(vmx_exit_reason_name(71), "reserved");
	assert_string_equal(vmx_exit_reason_name(VMX_EXIT_REASON_MAX + 1), "unknown exit reason");
	assert_string_equal(vmx_exit_reason_name(0xffff), "unknown exit reason");
}

/* Interruption info as the CPU writes it: an NMI exit is 0x80000202 (valid,
 * type 2, vector 2); a guest #UD with "exception bitmap" is 0x80000306. */
static void nmi_exit_recognised(void **state)
{
	(void)state;
	assert_true(vmx_exit_is_nmi(0, 0x80000202));
	assert_true(vmx_exit_is_nmi(0, 0x80001202));        /* NMI unblocking due to IRET (bit 12) */
	assert_false(vmx_exit_is_nmi(0, 0x80000306));       /* a hardware exception, #UD */
	assert_false(vmx_exit_is_nmi(0, 0x00000202));       /* not valid */
	assert_false(vmx_exit_is_nmi(0x80000000, 0x80000202));  /* an entry failure */
	assert_false(vmx_exit_is_nmi(1, 0x80000202));       /* external interrupt exit */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths_of_the_four_examples),
		cmocka_unit_test(index_and_access_type_bits),
		cmocka_unit_test(lookup_by_name_and_encoding),
		cmocka_unit_test(high_access_finds_the_64bit_field),
		cmocka_unit_test(unknown_and_malformed_encodings),
		cmocka_unit_test(every_entry_matches_its_encoding),
		cmocka_unit_test(names_and_encodings_are_unique),
		cmocka_unit_test(fifteen_read_only_fields),
		cmocka_unit_test(highest_index_in_the_table),
		cmocka_unit_test(insn_error_names_match_the_sdm),
		cmocka_unit_test(reserved_and_unknown_insn_errors),
		cmocka_unit_test(exit_reason_names),
		cmocka_unit_test(nmi_exit_recognised),
	};
	return cmocka_run_group_tests_name("vmcs_fields", tests, NULL, NULL);
}
