/* Pure decisions of the interrupt code; see irq_logic.h. */
#include "arch/x86_64/irq_logic.h"
#include "kernel/format.h"
#include "kernel/lib.h"

/* ---- LINT0 / LINT1 ---- */

struct lint_plan irq_lint_plan(const struct madt_info *m, u32 uid, u8 lint, u32 current)
{
	struct lint_plan p = { .lvt = current, .why = LINT_LEFT_AS_IS };
	const struct madt_lapic_nmi *e = m ? acpi_madt_nmi_for(m, uid, lint) : 0;
	if (e) {
		/* NMI delivery is always edge triggered (SDM 11.5.1: the trigger
		 * mode bit is for fixed delivery only); polarity from the entry,
		 * "conforms to the bus" meaning active high on ISA */
		p.lvt = LVT_DM_NMI | ((e->flags & MPS_POLARITY_MASK) == MPS_ACTIVE_LOW ? LVT_ACTIVE_LOW : 0);
		p.why = LINT_NMI_FROM_MADT;
		p.entry = e;
	} else if (!(current & LVT_MASKED) && (current & LVT_DM_MASK) == LVT_DM_EXTINT) {
		p.lvt = current | LVT_MASKED;
		p.why = LINT_EXTINT_MASKED;
	}
	return p;
}

int irq_lvt_describe(char *buf, size_t n, u32 lvt)
{
	static const char *const dm[8] = { "fixed", "reserved 1", "SMI", "reserved 3", "NMI", "INIT",
					   "reserved 6", "ExtINT" };
	return ksnprintf(buf, n, "%s%s, %s, active %s (LVT 0x%x)", lvt & LVT_MASKED ? "masked " : "",
			 dm[(lvt & LVT_DM_MASK) >> 8], lvt & LVT_LEVEL ? "level" : "edge",
			 lvt & LVT_ACTIVE_LOW ? "low" : "high", lvt);
}

/* ---- acknowledging ---- */

enum irq_ack irq_ack_for(u8 vector, bool lapic_in_service, u16 pic_isr)
{
	/* a vector the local APIC delivered as fixed sets its ISR bit; ExtINT
	 * (the 8259 through LINT0) never does (SDM 11.8.4) */
	if (lapic_in_service)
		return IRQ_ACK_LAPIC;
	if (vector < PIC_VECTOR_BASE_MASTER || vector >= PIC_VECTOR_BASE_SLAVE + 8)
		return IRQ_ACK_NONE;
	unsigned irq = vector - PIC_VECTOR_BASE_MASTER;
	bool in_service = pic_isr & (1u << irq);
	/* a line that dropped before the INTA cycle gives IRQ 7 (15 on the slave)
	 * with no ISR bit: the 8259A data sheet's "default IR7" */
	if (!in_service && irq == 7)
		return IRQ_ACK_PIC_SPURIOUS7;
	if (!in_service && irq == 15)
		return IRQ_ACK_PIC_SPURIOUS15;
	if (!in_service)
		return IRQ_ACK_NONE;
	return irq < 8 ? IRQ_ACK_PIC_MASTER : IRQ_ACK_PIC_BOTH;
}

const char *irq_ack_str(enum irq_ack a)
{
	switch (a) {
	case IRQ_ACK_LAPIC: return "local APIC EOI";
	case IRQ_ACK_PIC_MASTER: return "8259 master EOI";
	case IRQ_ACK_PIC_BOTH: return "8259 slave and master EOI";
	case IRQ_ACK_PIC_SPURIOUS7: return "no EOI (spurious 8259 IRQ 7)";
	case IRQ_ACK_PIC_SPURIOUS15: return "8259 master EOI only (spurious IRQ 15)";
	case IRQ_ACK_NONE: break;
	}
	return "nothing in service, no EOI";
}

int irq_vector_describe(char *buf, size_t n, u8 vector, enum irq_ack a)
{
	if (vector >= PIC_VECTOR_BASE_MASTER && vector < PIC_VECTOR_BASE_SLAVE + 8 && a != IRQ_ACK_LAPIC)
		return ksnprintf(buf, n, "8259 IRQ %u%s", vector - PIC_VECTOR_BASE_MASTER,
				 a == IRQ_ACK_PIC_SPURIOUS7 || a == IRQ_ACK_PIC_SPURIOUS15 ? " (spurious)" : "");
	if (vector == 0xff)
		return ksnprintf(buf, n, "spurious APIC interrupt");
	return ksnprintf(buf, n, "no handler for this vector");
}

/* ---- the 8259 pair ---- */

/* ICW1 0x11: edge, cascade, ICW4 follows; ICW2: vector base; ICW3: the slave
 * hangs on master IRQ 2 (master 0x04 = bit 2, slave 0x02 = ID 2); ICW4 0x01:
 * 8086 mode, normal EOI; OCW1 0xff: every line masked. */
const struct port_write pic_remap_sequence[] = {
	{ 0x20, 0x11 }, { 0xa0, 0x11 },
	{ 0x21, PIC_VECTOR_BASE_MASTER }, { 0xa1, PIC_VECTOR_BASE_SLAVE },
	{ 0x21, 0x04 }, { 0xa1, 0x02 },
	{ 0x21, 0x01 }, { 0xa1, 0x01 },
	{ 0x21, 0xff }, { 0xa1, 0xff },
};
const size_t pic_remap_sequence_len = ARRAY_SIZE(pic_remap_sequence);

/* ---- machine checks ---- */

int mce_bank_line(char *buf, size_t n, u32 bank, u64 status, u64 addr, u64 misc)
{
	char a[40] = "", m[40] = "";
	if (status & MCI_STATUS_ADDRV)
		ksnprintf(a, sizeof(a), " MC%u_ADDR 0x%lx", bank, (unsigned long)addr);
	if (status & MCI_STATUS_MISCV)
		ksnprintf(m, sizeof(m), " MC%u_MISC 0x%lx", bank, (unsigned long)misc);
	if (!(status & MCI_STATUS_VAL))
		return ksnprintf(buf, n, "bank %u: MC%u_STATUS 0x%lx (not valid: no error logged)", bank, bank,
				 (unsigned long)status);
	return ksnprintf(buf, n, "bank %u: MC%u_STATUS 0x%lx (VAL%s%s%s%s%s%s, MCA error code 0x%x, model code 0x%x)%s%s",
			 bank, bank, (unsigned long)status,
			 status & MCI_STATUS_OVER ? " OVER" : "", status & MCI_STATUS_UC ? " UC" : "",
			 status & MCI_STATUS_EN ? " EN" : "", status & MCI_STATUS_MISCV ? " MISCV" : "",
			 status & MCI_STATUS_ADDRV ? " ADDRV" : "", status & MCI_STATUS_PCC ? " PCC" : "",
			 (unsigned)(status & 0xffff), (unsigned)((status >> 16) & 0xffff), a, m);
}

int mce_mcg_status_line(char *buf, size_t n, u64 mcg_cap, u64 mcg_status)
{
	return ksnprintf(buf, n, "MCG_CAP 0x%lx (%u banks), MCG_STATUS 0x%lx (%s%s%s)",
			 (unsigned long)mcg_cap, (unsigned)(mcg_cap & MCG_CAP_COUNT_MASK),
			 (unsigned long)mcg_status,
			 mcg_status & MCG_STATUS_RIPV ? "RIPV" : "no RIPV: the interrupted code cannot resume",
			 mcg_status & MCG_STATUS_EIPV ? " EIPV" : "",
			 mcg_status & MCG_STATUS_MCIP ? " MCIP" : ", no MCIP: not raised by the hardware");
}
