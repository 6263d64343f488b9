/* Host tests of arch/x86_64/irq_logic.c: how LINT0/LINT1 are programmed from
 * the MADT NMI entries and the LVT firmware left, how an unexpected vector
 * is acknowledged (local APIC, 8259, spurious IRQ 7/15), the 8259 remap
 * sequence, and the machine-check lines. The MADTs are parsed by the real
 * acpi_parse_madt from bytes built here. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "arch/x86_64/irq_logic.h"

/* What the boot CPU's LVTs hold after SeaBIOS (read under QEMU 7.2):
 * LINT0 ExtINT level (0x8700), LINT1 NMI (0x400); an AP after INIT: masked. */
#define SEABIOS_LINT0 0x8700u
#define SEABIOS_LINT1 0x400u
#define AFTER_INIT    0x10000u

static u8 madt[256];

/* header, two CPUs (UIDs 0 and 1), then the NMI entries given */
static size_t build(const u8 *entries, size_t n)
{
	memset(madt, 0, sizeof(madt));
	memcpy(madt, "APIC", 4);
	madt[8] = 3;
	u8 *p = madt + 44;
	static const u8 cpu0[] = { 0, 8, 0, 0, 1, 0, 0, 0 }, cpu1[] = { 0, 8, 1, 1, 1, 0, 0, 0 };
	memcpy(p, cpu0, 8);
	memcpy(p + 8, cpu1, 8);
	memcpy(p + 16, entries, n);
	u32 len = (u32)(44 + 16 + n);
	memcpy(madt + 4, &len, 4);
	return len;
}

static struct madt_info parse(const u8 *entries, size_t n)
{
	struct madt_info mi;
	size_t len = build(entries, n);
	assert_int_equal(acpi_parse_madt(madt, len, &mi, 0, 0), ACPI_OK);
	return mi;
}

static void qemu_madt_gives_lint1_nmi_and_masks_extint(void **state)
{
	(void)state;
	static const u8 e[] = { 4, 6, 0xff, 0, 0, 1 };   /* QEMU 7.2 */
	struct madt_info mi = parse(e, sizeof(e));
	/* the boot CPU: ExtINT masked (we never use the 8259), LINT1 NMI edge high */
	struct lint_plan p0 = irq_lint_plan(&mi, 0, 0, SEABIOS_LINT0);
	assert_int_equal(p0.why, LINT_EXTINT_MASKED);
	assert_int_equal(p0.lvt, SEABIOS_LINT0 | LVT_MASKED);
	struct lint_plan p1 = irq_lint_plan(&mi, 0, 1, SEABIOS_LINT1);
	assert_int_equal(p1.why, LINT_NMI_FROM_MADT);
	assert_int_equal(p1.lvt, LVT_DM_NMI);
	assert_ptr_equal(p1.entry, &mi.lapic_nmis[0]);
	/* an AP after INIT: LINT1 masked until programmed; LINT0 stays masked */
	p1 = irq_lint_plan(&mi, 1, 1, AFTER_INIT);
	assert_int_equal(p1.why, LINT_NMI_FROM_MADT);
	assert_int_equal(p1.lvt, LVT_DM_NMI);
	p0 = irq_lint_plan(&mi, 1, 0, AFTER_INIT);
	assert_int_equal(p0.why, LINT_LEFT_AS_IS);
	assert_int_equal(p0.lvt, AFTER_INIT);
}

static void polarity_from_flags_trigger_always_edge(void **state)
{
	(void)state;
	/* UID 1: active low (bits 1:0 = 3), level (bits 3:2 = 3): NMI is edge anyway */
	static const u8 e[] = { 4, 6, 1, 0xf, 0, 1, 4, 6, 0, 0x5, 0, 0 };
	struct madt_info mi = parse(e, sizeof(e));
	struct lint_plan p = irq_lint_plan(&mi, 1, 1, AFTER_INIT);
	assert_int_equal(p.lvt, LVT_DM_NMI | LVT_ACTIVE_LOW);
	assert_false(p.lvt & LVT_LEVEL);
	assert_false(p.lvt & LVT_MASKED);
	/* UID 0: its entry is on LINT0, active high (01), edge (01) */
	p = irq_lint_plan(&mi, 0, 0, SEABIOS_LINT0);
	assert_int_equal(p.why, LINT_NMI_FROM_MADT);
	assert_int_equal(p.lvt, LVT_DM_NMI);
	/* UID 0 has no LINT1 entry: firmware's NMI setting is kept */
	p = irq_lint_plan(&mi, 0, 1, SEABIOS_LINT1);
	assert_int_equal(p.why, LINT_LEFT_AS_IS);
	assert_int_equal(p.lvt, SEABIOS_LINT1);
}

static void no_madt_keeps_firmware_values_but_masks_extint(void **state)
{
	(void)state;
	struct lint_plan p = irq_lint_plan(0, 0, 1, SEABIOS_LINT1);
	assert_int_equal(p.why, LINT_LEFT_AS_IS);
	assert_int_equal(p.lvt, SEABIOS_LINT1);
	p = irq_lint_plan(0, 0, 0, SEABIOS_LINT0);
	assert_int_equal(p.why, LINT_EXTINT_MASKED);
	/* already masked ExtINT: nothing to do */
	p = irq_lint_plan(0, 0, 0, SEABIOS_LINT0 | LVT_MASKED);
	assert_int_equal(p.why, LINT_LEFT_AS_IS);
}

static void lvt_described(void **state)
{
	(void)state;
	char b[80];
	irq_lvt_describe(b, sizeof(b), SEABIOS_LINT0 | LVT_MASKED);
	assert_string_equal(b, "masked ExtINT, level, active high (LVT 0x18700)");
	irq_lvt_describe(b, sizeof(b), LVT_DM_NMI | LVT_ACTIVE_LOW);
	assert_string_equal(b, "NMI, edge, active low (LVT 0x2400)");
}

static void ack_decisions(void **state)
{
	(void)state;
	/* in service at the local APIC: EOI there, whatever the vector */
	assert_int_equal(irq_ack_for(0x41, true, 0), IRQ_ACK_LAPIC);
	assert_int_equal(irq_ack_for(0x27, true, 0), IRQ_ACK_LAPIC);
	/* a spurious APIC interrupt never sets its ISR bit: no EOI (SDM 11.9) */
	assert_int_equal(irq_ack_for(0xff, false, 0), IRQ_ACK_NONE);
	assert_int_equal(irq_ack_for(0x41, false, 0xffff), IRQ_ACK_NONE);
	/* the 8259 after the remap: IRQ0 = 0x20 in service at the master */
	assert_int_equal(irq_ack_for(0x20, false, 0x0001), IRQ_ACK_PIC_MASTER);
	assert_int_equal(irq_ack_for(0x2c, false, 0x1004), IRQ_ACK_PIC_BOTH);   /* IRQ 12 via cascade IRQ 2 */
	/* spurious IRQ 7 / 15: no ISR bit. 7: no EOI; 15: the master's cascade only */
	assert_int_equal(irq_ack_for(0x27, false, 0x0000), IRQ_ACK_PIC_SPURIOUS7);
	assert_int_equal(irq_ack_for(0x2f, false, 0x0004), IRQ_ACK_PIC_SPURIOUS15);
	/* a real IRQ 7 */
	assert_int_equal(irq_ack_for(0x27, false, 0x0080), IRQ_ACK_PIC_MASTER);
	/* a PIC vector with nothing in service (not 7/15): nothing to acknowledge */
	assert_int_equal(irq_ack_for(0x23, false, 0), IRQ_ACK_NONE);
	/* the unremapped base 0x08 is not a PIC vector any more */
	assert_int_equal(irq_ack_for(0x08, false, 0x0001), IRQ_ACK_NONE);
	assert_int_equal(irq_ack_for(0x30, false, 0xffff), IRQ_ACK_NONE);
}

static void vectors_described(void **state)
{
	(void)state;
	char b[64];
	irq_vector_describe(b, sizeof(b), 0x27, IRQ_ACK_PIC_SPURIOUS7);
	assert_string_equal(b, "8259 IRQ 7 (spurious)");
	irq_vector_describe(b, sizeof(b), 0x20, IRQ_ACK_PIC_MASTER);
	assert_string_equal(b, "8259 IRQ 0");
	irq_vector_describe(b, sizeof(b), 0xff, IRQ_ACK_NONE);
	assert_string_equal(b, "spurious APIC interrupt");
	irq_vector_describe(b, sizeof(b), 0x22, IRQ_ACK_LAPIC);
	assert_string_equal(b, "no handler for this vector");
	assert_string_equal(irq_ack_str(IRQ_ACK_PIC_SPURIOUS7), "no EOI (spurious 8259 IRQ 7)");
}

/* The sequence as the 8259A data sheet wants it, per chip: ICW1 on the
 * command port, then ICW2-ICW4 on the data port, then the mask 0xff. */
static void pic_sequence_remaps_and_masks(void **state)
{
	(void)state;
	u8 icw[2][5];
	int k[2] = { 0, 0 };
	for (size_t i = 0; i < pic_remap_sequence_len; i++) {
		const struct port_write *w = &pic_remap_sequence[i];
		int chip = w->port >= 0xa0;
		assert_true(w->port == 0x20 || w->port == 0x21 || w->port == 0xa0 || w->port == 0xa1);
		assert_true(k[chip] < 5);
		assert_int_equal(w->port & 1, k[chip] == 0 ? 0 : 1);   /* ICW1 command, the rest data */
		icw[chip][k[chip]++] = w->value;
	}
	assert_int_equal(k[0], 5);
	assert_int_equal(k[1], 5);
	for (int c = 0; c < 2; c++) {
		assert_int_equal(icw[c][0] & 0x11, 0x11);   /* ICW1: init, ICW4 needed */
		assert_int_equal(icw[c][0] & 0x02, 0);      /* cascade mode */
		assert_int_equal(icw[c][3] & 0x01, 0x01);   /* 8086 mode */
		assert_int_equal(icw[c][3] & 0x02, 0);      /* no auto EOI */
		assert_int_equal(icw[c][4], 0xff);          /* every line masked */
	}
	assert_int_equal(icw[0][1], 0x20);              /* clear of the exception vectors 0-31 */
	assert_int_equal(icw[1][1], 0x28);
	assert_int_equal(icw[0][2], 0x04);              /* slave on IRQ 2 */
	assert_int_equal(icw[1][2], 0x02);
	assert_int_equal(icw[0][1] & 7, 0);             /* the base's low 3 bits must be 0 */
	assert_int_equal(icw[1][1] & 7, 0);
}

static void mce_lines(void **state)
{
	(void)state;
	char b[200];
	/* what the QEMU monitor's `mce 1 1 0xbc00000000000136 0x5 0x12345000 0x86` leaves */
	mce_bank_line(b, sizeof(b), 1, 0xbc00000000000136ULL, 0x12345000, 0x86);
	assert_string_equal(b, "bank 1: MC1_STATUS 0xbc00000000000136 (VAL UC EN MISCV ADDRV, MCA error code 0x136, "
			       "model code 0x0) MC1_ADDR 0x12345000 MC1_MISC 0x86");
	/* no ADDRV / MISCV: ADDR and MISC hold nothing and are not shown */
	mce_bank_line(b, sizeof(b), 3, 0x9000000000010005ULL, 0xdead, 0xbeef);
	assert_string_equal(b, "bank 3: MC3_STATUS 0x9000000000010005 (VAL EN, MCA error code 0x5, model code 0x1)");
	mce_bank_line(b, sizeof(b), 0, 0, 0, 0);
	assert_string_equal(b, "bank 0: MC0_STATUS 0x0 (not valid: no error logged)");
	mce_bank_line(b, sizeof(b), 2, 0xc200000000000000ULL | MCI_STATUS_PCC, 0, 0);
	assert_string_equal(b, "bank 2: MC2_STATUS 0xc200000000000000 (VAL OVER PCC, MCA error code 0x0, model code 0x0)");
	mce_mcg_status_line(b, sizeof(b), 0x100010a, 0x5);
	assert_string_equal(b, "MCG_CAP 0x100010a (10 banks), MCG_STATUS 0x5 (RIPV MCIP)");
	mce_mcg_status_line(b, sizeof(b), 0x106, 0x0);
	assert_string_equal(b, "MCG_CAP 0x106 (6 banks), MCG_STATUS 0x0 (no RIPV: the interrupted code cannot resume, "
			       "no MCIP: not raised by the hardware)");
	mce_mcg_status_line(b, sizeof(b), 0x10a, 0x6);
	assert_string_equal(b, "MCG_CAP 0x10a (10 banks), MCG_STATUS 0x6 (no RIPV: the interrupted code cannot resume "
			       "EIPV MCIP)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(qemu_madt_gives_lint1_nmi_and_masks_extint),
		cmocka_unit_test(polarity_from_flags_trigger_always_edge),
		cmocka_unit_test(no_madt_keeps_firmware_values_but_masks_extint),
		cmocka_unit_test(lvt_described),
		cmocka_unit_test(ack_decisions),
		cmocka_unit_test(vectors_described),
		cmocka_unit_test(pic_sequence_remaps_and_masks),
		cmocka_unit_test(mce_lines),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
