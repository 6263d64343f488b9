/* arch/x86_64/acpi_power.c: the ACPI-mode, S5 and reset sequences, planned
 * from real QEMU FADTs (tests/host/qemu_fadt.h) and PM1 values, checked op
 * by op. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/acpi_power.h"
#include "tests/host/qemu_fadt.h"

static struct acpi_fadt_info fadt_of(const unsigned char *t, size_t len)
{
	struct acpi_fadt_info fi;
	assert_int_equal(acpi_parse_fadt(t, len, &fi), ACPI_OK);
	return fi;
}
#define FADT(name) fadt_of(name, sizeof name)

static void is_write(const struct acpi_op *op, u8 space, u8 width, u64 addr, u32 value)
{
	assert_int_equal(op->kind, ACPI_OP_WRITE);
	assert_int_equal(op->space, space);
	assert_int_equal(op->width, width);
	assert_int_equal(op->addr, addr);
	assert_int_equal(op->value, value);
	assert_non_null(op->what);
}

static void is_delay(const struct acpi_op *op, u32 us)
{
	assert_int_equal(op->kind, ACPI_OP_DELAY);
	assert_int_equal(op->us, us);
}

/* ---- entering ACPI mode ---- */

static void pc_with_sci_en_clear_enables_acpi_mode(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	acpi_enable_plan(&f, 0x0000, &p);
	assert_int_equal(p.n, 2);
	assert_null(p.note);
	is_write(&p.op[0], ACPI_GAS_IO, 1, 0xb2, 0xf1);
	assert_int_equal(p.op[1].kind, ACPI_OP_WAIT_SET);
	assert_int_equal(p.op[1].addr, 0x604);
	assert_int_equal(p.op[1].width, 2);
	assert_int_equal(p.op[1].mask, ACPI_PM1_SCI_EN);
	assert_int_equal(p.op[1].us, 3000000);
}

static void q35_uses_its_own_acpi_enable_value(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_q35_fadt);
	struct acpi_plan p;
	acpi_enable_plan(&f, 0x0000, &p);
	assert_int_equal(p.n, 2);
	is_write(&p.op[0], ACPI_GAS_IO, 1, 0xb2, 0x02);
}

static void sci_en_set_needs_nothing(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	acpi_enable_plan(&f, 0x0001, &p);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.note, "SCI_EN already set: the machine is in ACPI mode");
}

static void no_smi_cmd_or_acpi_enable_plans_nothing(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	f.smi_cmd = 0;
	acpi_enable_plan(&f, 0, &p);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(p.note, "no SMI_CMD/ACPI_ENABLE"));
	f = FADT(qemu_pc_fadt);
	f.acpi_enable = 0;
	acpi_enable_plan(&f, 0, &p);
	assert_int_equal(p.n, 0);
	f = FADT(qemu_pc_fadt);
	f.smi_cmd = 0x10000;
	acpi_enable_plan(&f, 0, &p);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.note, "SCI_EN clear, but SMI_CMD is not an I/O port");
}

static void hw_reduced_has_no_acpi_mode(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_microvm_fadt);
	struct acpi_plan p;
	assert_true(acpi_fadt_hw_reduced(&f));
	acpi_enable_plan(&f, 0, &p);
	assert_int_equal(p.n, 0);
	assert_non_null(strstr(p.note, "hardware-reduced"));
}

/* ---- S5 ---- */

static void pc_s5_writes_slp_typ_then_slp_en(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	/* QEMU's \_S5 is Package(){0, 0}; SCI_EN set after acpi_enable_plan */
	acpi_s5_plan(&f, 0, 0, 0x0001, 0, &p);
	assert_null(p.note);
	assert_int_equal(p.n, 2);
	is_write(&p.op[0], ACPI_GAS_IO, 2, 0x604, 0x0001);
	is_write(&p.op[1], ACPI_GAS_IO, 2, 0x604, 0x2001);
}

static void s5_keeps_other_bits_and_drops_write_only_ones(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	/* SCI_EN, BM_RLD, bit 9 kept; GBL_RLS (write-only), a stale SLP_TYP
	 * of 7 and SLP_EN are not written back */
	acpi_s5_plan(&f, 5, 0, 0x0203 | 0x0004 | 0x1c00 | 0x2000, 0, &p);
	assert_int_equal(p.n, 2);
	is_write(&p.op[0], ACPI_GAS_IO, 2, 0x604, 0x0203 | (5u << 10));
	is_write(&p.op[1], ACPI_GAS_IO, 2, 0x604, 0x0203 | (5u << 10) | 0x2000);
	/* the value acpi_tables.h's helper gives for the same state, but for GBL_RLS */
	assert_int_equal(p.op[1].value, acpi_pm1_cnt_sleep(0x0203 | 0x1c00, 5));
}

static void pm1b_gets_its_own_type_and_the_order_is_a_b_a_b(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	f.pm1b_cnt = 0x644;
	acpi_s5_plan(&f, 7, 3, 0x0001, 0x0200, &p);
	assert_int_equal(p.n, 4);
	is_write(&p.op[0], ACPI_GAS_IO, 2, 0x604, 0x0001 | (7u << 10));
	is_write(&p.op[1], ACPI_GAS_IO, 2, 0x644, 0x0200 | (3u << 10));
	is_write(&p.op[2], ACPI_GAS_IO, 2, 0x604, 0x0001 | (7u << 10) | 0x2000);
	is_write(&p.op[3], ACPI_GAS_IO, 2, 0x644, 0x0200 | (3u << 10) | 0x2000);
}

static void slp_typ_is_cut_to_3_bits(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	acpi_s5_plan(&f, 0xfd, 0, 0x0001, 0, &p);	/* 0xfd & 7 = 5 */
	is_write(&p.op[1], ACPI_GAS_IO, 2, 0x604, 0x0001 | (5u << 10) | 0x2000);
}

static void microvm_s5_uses_sleep_registers(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_microvm_fadt);
	struct acpi_plan p;
	acpi_s5_plan(&f, 5, 0, 0xffff, 0xffff, &p);	/* PM1 values are not used */
	assert_null(p.note);
	assert_int_equal(p.n, 2);
	is_write(&p.op[0], ACPI_GAS_MEMORY, 1, 0xfea00201, 0x80);
	is_write(&p.op[1], ACPI_GAS_MEMORY, 1, 0xfea00200, (5u << 2) | 0x20);
}

static void hw_reduced_without_sleep_control_plans_nothing(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_microvm_fadt);
	struct acpi_plan p;
	f.sleep_control.address = 0;
	acpi_s5_plan(&f, 5, 0, 0, 0, &p);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.note, "hardware-reduced ACPI without a usable SLEEP_CONTROL_REG");
	f = FADT(qemu_microvm_fadt);
	f.sleep_control.space_id = 2;	/* PCI configuration space: not for sleep */
	acpi_s5_plan(&f, 5, 0, 0, 0, &p);
	assert_int_equal(p.n, 0);
	/* without a status register, control alone is written */
	f = FADT(qemu_microvm_fadt);
	f.sleep_status.address = 0;
	acpi_s5_plan(&f, 5, 0, 0, 0, &p);
	assert_int_equal(p.n, 1);
	is_write(&p.op[0], ACPI_GAS_MEMORY, 1, 0xfea00200, 0x34);
}

static void no_pm1a_plans_nothing(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	f.pm1a_cnt = 0;
	acpi_s5_plan(&f, 0, 0, 0, 0, &p);
	assert_int_equal(p.n, 0);
	assert_string_equal(p.note, "the FADT has no PM1a_CNT block");
}

/* ---- reset ---- */

/* The legacy tail every plan ends with, from op i on. */
static void legacy_tail(const struct acpi_plan *p, u32 i)
{
	assert_int_equal(p->n, i + 8);
	is_write(&p->op[i], ACPI_GAS_IO, 1, 0xcf9, 0x02);
	is_delay(&p->op[i + 1], 50);
	is_write(&p->op[i + 2], ACPI_GAS_IO, 1, 0xcf9, 0x06);
	is_delay(&p->op[i + 3], ACPI_RESET_WAIT_US);
	assert_int_equal(p->op[i + 4].kind, ACPI_OP_WAIT_CLEAR);
	assert_int_equal(p->op[i + 4].addr, 0x64);
	assert_int_equal(p->op[i + 4].mask, 0x02);
	is_write(&p->op[i + 5], ACPI_GAS_IO, 1, 0x64, 0xfe);
	is_delay(&p->op[i + 6], ACPI_RESET_WAIT_US);
	assert_int_equal(p->op[i + 7].kind, ACPI_OP_TRIPLE_FAULT);
}

static void q35_reset_reg_first(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_q35_fadt);
	struct acpi_plan p;
	acpi_reset_plan(&f, &p);
	assert_null(p.note);
	is_write(&p.op[0], ACPI_GAS_IO, 1, 0xcf9, 0x0f);
	is_delay(&p.op[1], ACPI_RESET_WAIT_US);
	legacy_tail(&p, 2);
}

static void pc_revision_1_skips_reset_reg(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_pc_fadt);
	struct acpi_plan p;
	acpi_reset_plan(&f, &p);
	assert_string_equal(p.note, "FADT revision < 2: no RESET_REG");
	legacy_tail(&p, 0);
	/* a revision 1 table with the flag and a register still does not use it */
	f.flags |= FADT_F_RESET_REG_SUP;
	f.reset_reg = (struct acpi_gas){ .space_id = ACPI_GAS_IO, .bit_width = 8, .address = 0xcf9 };
	acpi_reset_plan(&f, &p);
	legacy_tail(&p, 0);
}

static void reset_reg_sup_clear_skips_reset_reg(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_q35_fadt);
	struct acpi_plan p;
	f.flags &= ~FADT_F_RESET_REG_SUP;
	acpi_reset_plan(&f, &p);
	assert_string_equal(p.note, "FADT flags bit 10 (RESET_REG_SUP) clear");
	legacy_tail(&p, 0);
}

static void microvm_reset_reg_in_memory(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_microvm_fadt);
	struct acpi_plan p;
	acpi_reset_plan(&f, &p);
	is_write(&p.op[0], ACPI_GAS_MEMORY, 1, 0xfea00202, 0x42);
	legacy_tail(&p, 2);
}

static void reset_reg_in_pci_config_space_goes_through_cf8(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_q35_fadt);
	struct acpi_plan p;
	/* bus 0 device 31 function 0, register 0x4d */
	f.reset_reg = (struct acpi_gas){ .space_id = 2, .bit_width = 8,
					 .address = (31ULL << 32) | (0ULL << 16) | 0x4d };
	f.reset_value = 0x06;
	acpi_reset_plan(&f, &p);
	assert_null(p.note);
	is_write(&p.op[0], ACPI_GAS_IO, 4, 0xcf8, 0x8000f84c);
	is_write(&p.op[1], ACPI_GAS_IO, 1, 0xcfd, 0x06);
	is_delay(&p.op[2], ACPI_RESET_WAIT_US);
	legacy_tail(&p, 3);
	/* device 32 does not exist */
	f.reset_reg.address = 32ULL << 32;
	acpi_reset_plan(&f, &p);
	assert_non_null(strstr(p.note, "PCI configuration space"));
	legacy_tail(&p, 0);
}

static void unusable_reset_reg_is_skipped_with_a_note(void **state)
{
	(void)state;
	struct acpi_fadt_info f = FADT(qemu_q35_fadt);
	struct acpi_plan p;
	f.reset_reg.address = 0;
	acpi_reset_plan(&f, &p);
	assert_string_equal(p.note, "RESET_REG is zero or in an address space we cannot write");
	legacy_tail(&p, 0);
	f.reset_reg = (struct acpi_gas){ .space_id = 0x7f, .address = 0x1000 };	/* functional fixed hw */
	acpi_reset_plan(&f, &p);
	legacy_tail(&p, 0);
	f.reset_reg = (struct acpi_gas){ .space_id = ACPI_GAS_IO, .address = 0x10000 };
	acpi_reset_plan(&f, &p);
	legacy_tail(&p, 0);
}

static void no_fadt_resets_the_legacy_way(void **state)
{
	(void)state;
	struct acpi_plan p;
	acpi_reset_plan(NULL, &p);
	assert_null(p.note);
	legacy_tail(&p, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pc_with_sci_en_clear_enables_acpi_mode),
		cmocka_unit_test(q35_uses_its_own_acpi_enable_value),
		cmocka_unit_test(sci_en_set_needs_nothing),
		cmocka_unit_test(no_smi_cmd_or_acpi_enable_plans_nothing),
		cmocka_unit_test(hw_reduced_has_no_acpi_mode),
		cmocka_unit_test(pc_s5_writes_slp_typ_then_slp_en),
		cmocka_unit_test(s5_keeps_other_bits_and_drops_write_only_ones),
		cmocka_unit_test(pm1b_gets_its_own_type_and_the_order_is_a_b_a_b),
		cmocka_unit_test(slp_typ_is_cut_to_3_bits),
		cmocka_unit_test(microvm_s5_uses_sleep_registers),
		cmocka_unit_test(hw_reduced_without_sleep_control_plans_nothing),
		cmocka_unit_test(no_pm1a_plans_nothing),
		cmocka_unit_test(q35_reset_reg_first),
		cmocka_unit_test(pc_revision_1_skips_reset_reg),
		cmocka_unit_test(reset_reg_sup_clear_skips_reset_reg),
		cmocka_unit_test(microvm_reset_reg_in_memory),
		cmocka_unit_test(reset_reg_in_pci_config_space_goes_through_cf8),
		cmocka_unit_test(unusable_reset_reg_is_skipped_with_a_note),
		cmocka_unit_test(no_fadt_resets_the_legacy_way),
	};
	return cmocka_run_group_tests_name("acpi_power", tests, NULL, NULL);
}
