/*
 * The IDT and what happens on an exception: a fault at an address listed in
 * .ex_table (a _safe instruction, arch/x86_64/cpu.h) resumes after it with the
 * vector recorded; anything else is unexpected and ends in panic_frame(),
 * which prints the full register report (kernel/panic.c).
 */
#include "arch/x86_64/wait.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/irq.h"
#include "kernel/panic.h"
#include "arch/x86_64/excursion.h"

struct __attribute__((packed)) idt_gate {
	u16 off_lo;
	u16 sel;
	u8 ist;
	u8 type;        /* 0x8e: present, DPL 0, 64-bit interrupt gate */
	u16 off_mid;
	u32 off_hi;
	u32 zero;
};

static struct idt_gate idt[256] __attribute__((aligned(16)));
extern const u64 isr_stub_table[32];
extern const u8 isr_irq_stubs[];   /* vector v >= 32 at isr_irq_stubs + 16 * (v - 32) */

struct ex_entry {
	u64 insn, fixup;
};
extern const struct ex_entry __ex_table_start[], __ex_table_end[];

static const char *const names[32] = {
	"#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
	"#BR bound range", "#UD invalid opcode", "#NM device not available",
	"#DF double fault", "coprocessor segment overrun", "#TS invalid TSS",
	"#NP segment not present", "#SS stack fault", "#GP general protection",
	"#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
	"#MC machine check", "#XM SIMD exception", "#VE virtualization exception",
	"#CP control protection", "reserved 22", "reserved 23", "reserved 24",
	"reserved 25", "reserved 26", "reserved 27", "#HV hypervisor injection",
	"#VC VMM communication", "#SX security exception", "reserved 31",
};

const char *exception_name(unsigned vector)
{
	return vector < 32 ? names[vector] : "interrupt";
}

static void set_gate(unsigned vec, u64 handler, u8 ist)
{
	idt[vec] = (struct idt_gate){
		.off_lo = handler & 0xffff, .sel = KERNEL_CS, .ist = ist, .type = 0x8e,
		.off_mid = (handler >> 16) & 0xffff, .off_hi = handler >> 32,
	};
}

void idt_init(void)
{
	for (unsigned v = 0; v < 32; v++) {
		u8 ist = v == VEC_DF ? IST_DF : v == VEC_NMI ? IST_NMI : v == VEC_MC ? IST_MC : 0;
		set_gate(v, isr_stub_table[v], ist);
	}
	/* every other vector has an entry too: an interrupt nobody asked for is
	 * acknowledged and reported (arch/x86_64/irq.c), never a #NP/#GP */
	for (unsigned v = 32; v < 256; v++)
		set_gate(v, (u64)(uintptr_t)(isr_irq_stubs + 16 * (v - 32)), 0);
}

void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };
	lidt(&p);
}

static const struct ex_entry *find_fixup(u64 rip)
{
	for (const struct ex_entry *e = __ex_table_start; e < __ex_table_end; e++)
		if (e->insn == rip)
			return e;
	return 0;
}

u64 ex_table_fixup(u64 rip)
{
	const struct ex_entry *e = find_fixup(rip);
	return e ? e->fixup : 0;
}

void trap_dispatch(struct trap_frame *f)
{
	if (f->vector == VEC_WAKEUP) {
		this_cpu()->wakeups++;
		lapic_eoi();
		return;
	}
	if (f->vector == VEC_TIMER) {
		wait_timer_interrupt();
		return;
	}
	if (f->vector >= 32) {
		irq_unexpected(f);   /* spurious 0xff included: no EOI unless in service (SDM 11.9) */
		return;
	}
	if (f->vector == VEC_NMI) {
		irq_nmi(f);          /* reported and survived */
		return;
	}
	if (f->vector == VEC_MC)
		irq_machine_check(f);   /* banks printed, then panic */

	/* NMI, #MC and #DB can arrive at any instruction: never a _safe result */
	bool async = f->vector == VEC_NMI || f->vector == VEC_MC || f->vector == VEC_DB;
	if (!async && excursion_trap(f))
		return;   /* a fault outside 64-bit ring 0 ends the excursion */
	const struct ex_entry *e = async ? 0 : find_fixup(f->rip);
	if (e && f->vector < 32) {
		this_cpu()->fault_vector = f->vector;
		this_cpu()->fault_error = f->error_code;
		f->rip = e->fixup;
		return;
	}
	panic_frame(f);
}
