/* ACPI S5 and reset as plans of register writes (see acpi_power.h). Pure. */
#include "arch/x86_64/acpi_power.h"
#include "kernel/lib.h"

#define ACPI_GAS_PCI_CONFIG 2
#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA	0xcfc

static void add(struct acpi_plan *p, struct acpi_op op)
{
	if (p->n < ACPI_PLAN_MAX)
		p->op[p->n++] = op;
}

static void add_out(struct acpi_plan *p, u8 width, u64 port, u32 value, const char *what)
{
	add(p, (struct acpi_op){ .kind = ACPI_OP_WRITE, .space = ACPI_GAS_IO, .width = width,
				 .addr = port, .value = value, .what = what });
}

static void add_delay(struct acpi_plan *p, u32 us, const char *what)
{
	add(p, (struct acpi_op){ .kind = ACPI_OP_DELAY, .us = us, .what = what });
}

static void plan_init(struct acpi_plan *p)
{
	memset(p, 0, sizeof(*p));
}

/* A generic address we can write a byte to: I/O (a 16-bit port) or memory. */
static bool gas_byte_target(const struct acpi_gas *g)
{
	if (!g->address)
		return false;
	if (g->space_id == ACPI_GAS_IO)
		return g->address <= 0xffff;
	return g->space_id == ACPI_GAS_MEMORY;
}

static void add_gas_write(struct acpi_plan *p, const struct acpi_gas *g, u8 v, const char *what)
{
	add(p, (struct acpi_op){ .kind = ACPI_OP_WRITE, .space = g->space_id, .width = 1,
				 .addr = g->address, .value = v, .what = what });
}

bool acpi_fadt_hw_reduced(const struct acpi_fadt_info *f)
{
	return (f->flags & FADT_F_HW_REDUCED_ACPI) != 0;
}

void acpi_enable_plan(const struct acpi_fadt_info *f, u16 pm1a_cnt_now, struct acpi_plan *p)
{
	plan_init(p);
	if (acpi_fadt_hw_reduced(f)) {
		p->note = "hardware-reduced ACPI: no ACPI mode to enter";
		return;
	}
	if (!f->pm1a_cnt) {
		p->note = "no PM1a_CNT block";
		return;
	}
	if (pm1a_cnt_now & ACPI_PM1_SCI_EN) {
		p->note = "SCI_EN already set: the machine is in ACPI mode";
		return;
	}
	/* 5.2.9: SMI_CMD 0 means the machine has no legacy mode to leave */
	if (!f->smi_cmd || !f->acpi_enable) {
		p->note = "SCI_EN clear, but the FADT has no SMI_CMD/ACPI_ENABLE to set it with";
		return;
	}
	if (f->smi_cmd > 0xffff) {
		p->note = "SCI_EN clear, but SMI_CMD is not an I/O port";
		return;
	}
	add_out(p, 1, f->smi_cmd, f->acpi_enable, "SMI_CMD <- ACPI_ENABLE");
	add(p, (struct acpi_op){ .kind = ACPI_OP_WAIT_SET, .space = ACPI_GAS_IO, .width = 2,
				 .addr = f->pm1a_cnt, .mask = ACPI_PM1_SCI_EN,
				 .us = ACPI_ENABLE_TIMEOUT_US, .what = "PM1a_CNT.SCI_EN" });
}

static void s5_hw_reduced(const struct acpi_fadt_info *f, u8 slp_typa, struct acpi_plan *p)
{
	if (!gas_byte_target(&f->sleep_control)) {
		p->note = "hardware-reduced ACPI without a usable SLEEP_CONTROL_REG";
		return;
	}
	/* ACPICA acpi_hw_extended_sleep: clear WAK_STS, then one write of
	 * SLP_TYPa and SLP_EN (SLP_TYPb does not exist here) */
	if (gas_byte_target(&f->sleep_status))
		add_gas_write(p, &f->sleep_status, ACPI_SLEEP_STS_WAK, "SLEEP_STATUS_REG <- WAK_STS");
	u8 v = (u8)(((slp_typa << ACPI_SLEEP_CTL_TYP_SHIFT) & ACPI_SLEEP_CTL_TYP_MASK) | ACPI_SLEEP_CTL_EN);
	add_gas_write(p, &f->sleep_control, v, "SLEEP_CONTROL_REG <- SLP_TYP | SLP_EN");
}

void acpi_s5_plan(const struct acpi_fadt_info *f, u8 slp_typa, u8 slp_typb,
		  u16 pm1a_cnt_now, u16 pm1b_cnt_now, struct acpi_plan *p)
{
	plan_init(p);
	if (acpi_fadt_hw_reduced(f)) {
		s5_hw_reduced(f, slp_typa, p);
		return;
	}
	if (!f->pm1a_cnt) {
		p->note = "the FADT has no PM1a_CNT block";
		return;
	}
	/* Keep every bit but SLP_TYP and the write-only SLP_EN and GBL_RLS
	 * (they read as 0 by the book; a stray 1 would act). ACPICA writes
	 * SLP_TYP first and SLP_EN second, "to work around poorly
	 * implemented hardware". */
	u16 keep = (u16)~(ACPI_PM1_SLP_TYP_MASK | ACPI_PM1_SLP_EN | ACPI_PM1_GBL_RLS);
	u16 a = (u16)((pm1a_cnt_now & keep) | ((slp_typa & 7u) << ACPI_PM1_SLP_TYP_SHIFT));
	u16 b = (u16)((pm1b_cnt_now & keep) | ((slp_typb & 7u) << ACPI_PM1_SLP_TYP_SHIFT));
	add_out(p, 2, f->pm1a_cnt, a, "PM1a_CNT <- SLP_TYPa");
	if (f->pm1b_cnt)
		add_out(p, 2, f->pm1b_cnt, b, "PM1b_CNT <- SLP_TYPb");
	add_out(p, 2, f->pm1a_cnt, a | ACPI_PM1_SLP_EN, "PM1a_CNT <- SLP_TYPa | SLP_EN");
	if (f->pm1b_cnt)
		add_out(p, 2, f->pm1b_cnt, b | ACPI_PM1_SLP_EN, "PM1b_CNT <- SLP_TYPb | SLP_EN");
}

/* 5.2.3.2: PCI configuration space addresses are on segment 0, bus 0:
 * device in bits 47:32, function in 31:16, register offset in 15:0. Written
 * through configuration mechanism 1 (ports 0xCF8/0xCFC), as Linux's
 * acpi_reboot does through raw_pci_write. */
static bool reset_reg_pci(const struct acpi_gas *g, u8 value, struct acpi_plan *p)
{
	u64 dev = (g->address >> 32) & 0xffff, fn = (g->address >> 16) & 0xffff;
	u64 off = g->address & 0xffff;
	if ((g->address >> 48) || dev > 31 || fn > 7 || off > 0xff)
		return false;
	add_out(p, 4, PCI_CONFIG_ADDRESS, (u32)(0x80000000u | dev << 11 | fn << 8 | (off & 0xfc)),
		"PCI CONFIG_ADDRESS <- RESET_REG device/function/offset");
	add_out(p, 1, PCI_CONFIG_DATA + (off & 3), value, "PCI CONFIG_DATA <- RESET_VALUE");
	return true;
}

static void reset_reg(const struct acpi_fadt_info *f, struct acpi_plan *p)
{
	const struct acpi_gas *g = &f->reset_reg;
	if (f->revision < 2) {
		p->note = "FADT revision < 2: no RESET_REG";
		return;
	}
	if (!(f->flags & FADT_F_RESET_REG_SUP)) {
		p->note = "FADT flags bit 10 (RESET_REG_SUP) clear";
		return;
	}
	if (g->space_id == ACPI_GAS_PCI_CONFIG) {
		if (!reset_reg_pci(g, f->reset_value, p))
			p->note = "RESET_REG in PCI configuration space outside bus 0 device/function range";
	} else if (gas_byte_target(g)) {
		add_gas_write(p, g, f->reset_value, "RESET_REG <- RESET_VALUE");
	} else {
		p->note = "RESET_REG is zero or in an address space we cannot write";
		return;
	}
	if (!p->note)
		add_delay(p, ACPI_RESET_WAIT_US, "for the RESET_REG reset");
}

void acpi_reset_plan(const struct acpi_fadt_info *f, struct acpi_plan *p)
{
	plan_init(p);
	if (f)
		reset_reg(f, p);
	/* Linux BOOT_CF9_FORCE: SYS_RST first, then RST_CPU 0 -> 1 resets */
	add_out(p, 1, PCI_RESET_CONTROL, CF9_SYS_RST, "0xCF9 <- SYS_RST");
	add_delay(p, 50, "between the two 0xCF9 writes");
	add_out(p, 1, PCI_RESET_CONTROL, CF9_SYS_RST | CF9_RST_CPU, "0xCF9 <- SYS_RST | RST_CPU");
	add_delay(p, ACPI_RESET_WAIT_US, "for the 0xCF9 reset");
	add(p, (struct acpi_op){ .kind = ACPI_OP_WAIT_CLEAR, .space = ACPI_GAS_IO, .width = 1,
				 .addr = KBC_STATUS, .mask = 0x02, .us = 10000,
				 .what = "8042 input buffer empty" });
	add_out(p, 1, KBC_STATUS, KBC_PULSE_RESET, "8042 <- pulse reset line");
	add_delay(p, ACPI_RESET_WAIT_US, "for the 8042 reset");
	add(p, (struct acpi_op){ .kind = ACPI_OP_TRIPLE_FAULT, .what = "triple fault" });
}
