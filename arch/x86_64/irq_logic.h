/*
 * Pure decisions of the interrupt code (arch/x86_64/irq.c, pic.c): how each
 * LINT pin is programmed from the MADT, how an unexpected interrupt is
 * acknowledged, the 8259 remap sequence, and the machine-check bank line.
 * No printing, no state, no asm: tests/host/test_irq.c runs the same code.
 */
#ifndef ARCH_X86_64_IRQ_LOGIC_H
#define ARCH_X86_64_IRQ_LOGIC_H

#include "kernel/types.h"
#include "arch/x86_64/acpi_tables.h"

/* ---- local APIC LVT LINT0/LINT1 (SDM vol. 3A 11.5.1, figure 11-8) ---- */
#define LVT_MASKED        (1u << 16)
#define LVT_LEVEL         (1u << 15)   /* trigger mode: level */
#define LVT_ACTIVE_LOW    (1u << 13)   /* input pin polarity */
#define LVT_DM_MASK       (7u << 8)
#define LVT_DM_FIXED      (0u << 8)
#define LVT_DM_NMI        (4u << 8)
#define LVT_DM_EXTINT     (7u << 8)

/* MPS INTI flags of a MADT NMI entry (ACPI 6.5 table 5.26) */
#define MPS_POLARITY_MASK 3u
#define MPS_ACTIVE_LOW    3u
#define MPS_TRIGGER_MASK  (3u << 2)
#define MPS_LEVEL         (3u << 2)

enum lint_why {
	LINT_NMI_FROM_MADT,   /* a type 4 / 0xA entry names this CPU (or all CPUs) */
	LINT_EXTINT_MASKED,   /* firmware left ExtINT (the 8259): the kernel does not use it */
	LINT_LEFT_AS_IS,      /* no MADT entry: firmware's value kept */
};

struct lint_plan {
	u32 lvt;              /* value to write */
	enum lint_why why;
	const struct madt_lapic_nmi *entry;   /* LINT_NMI_FROM_MADT only */
};

/* LINT pin lint (0/1) of the CPU with ACPI UID uid, whose LVT holds current. */
struct lint_plan irq_lint_plan(const struct madt_info *m, u32 uid, u8 lint, u32 current);
/* "NMI, edge, active high", "masked (was ExtINT)", "0x10000 as firmware left it" */
int irq_lvt_describe(char *buf, size_t n, u32 lvt);

/* ---- acknowledging an interrupt nobody asked for ---- */
#define PIC_VECTOR_BASE_MASTER 0x20
#define PIC_VECTOR_BASE_SLAVE  0x28

enum irq_ack {
	IRQ_ACK_NONE,          /* nothing in service: nothing to acknowledge */
	IRQ_ACK_LAPIC,         /* in service at the local APIC: EOI there */
	IRQ_ACK_PIC_MASTER,    /* 8259 IRQ 0-7 in service: EOI to the master */
	IRQ_ACK_PIC_BOTH,      /* 8259 IRQ 8-15 in service: slave, then master */
	IRQ_ACK_PIC_SPURIOUS7, /* IRQ 7 not in service: spurious, no EOI */
	IRQ_ACK_PIC_SPURIOUS15,/* IRQ 15 not in service: spurious, EOI to the master only (cascade) */
};

/* vector: what the CPU took; lapic_in_service: that vector's bit in the local
 * APIC ISR; pic_isr: the two 8259 ISRs (slave << 8 | master), read only for
 * the 8259's 16 vectors after the remap. */
enum irq_ack irq_ack_for(u8 vector, bool lapic_in_service, u16 pic_isr);
const char *irq_ack_str(enum irq_ack a);
/* "8259 IRQ 7 (spurious)", "spurious APIC interrupt", "no handler" */
int irq_vector_describe(char *buf, size_t n, u8 vector, enum irq_ack a);

/* ---- the 8259 pair: remap to 0x20/0x28, every line masked ---- */
struct port_write {
	u16 port;
	u8 value;
};
/* ICW1-ICW4 to both chips, then OCW1 = 0xff to both (8259A data sheet). */
extern const struct port_write pic_remap_sequence[];
extern const size_t pic_remap_sequence_len;

/* ---- machine check banks (SDM vol. 3B 16.3) ---- */
#define MSR_IA32_MCG_CAP    0x179
#define MSR_IA32_MCG_STATUS 0x17a
#define MSR_IA32_MC0_STATUS 0x401    /* bank i: STATUS 0x401 + 4i, ADDR +1, MISC +2 */
#define MCG_CAP_COUNT_MASK  0xffu
#define MCI_STATUS_VAL   (1ULL << 63)
#define MCI_STATUS_OVER  (1ULL << 62)
#define MCI_STATUS_UC    (1ULL << 61)
#define MCI_STATUS_EN    (1ULL << 60)
#define MCI_STATUS_MISCV (1ULL << 59)
#define MCI_STATUS_ADDRV (1ULL << 58)
#define MCI_STATUS_PCC   (1ULL << 57)
#define MCG_STATUS_RIPV  (1ULL << 0)
#define MCG_STATUS_EIPV  (1ULL << 1)
#define MCG_STATUS_MCIP  (1ULL << 2)

/* One line for bank i: STATUS always, ADDR / MISC only when ADDRV / MISCV
 * say they hold something; the status bits named. */
int mce_bank_line(char *buf, size_t n, u32 bank, u64 status, u64 addr, u64 misc);
/* MCG_STATUS decoded: "0x5 (RIPV MCIP)" */
int mce_mcg_status_line(char *buf, size_t n, u64 mcg_cap, u64 mcg_status);

#endif
