/*
 * What the interrupt set-up shows at boot, and its self-tests (KTAP leaves
 * in the "boot" suite): the 8259 masked, LINT0/LINT1 as the MADT says on
 * every CPU, CR4.MCE everywhere, the boot CPU taking interrupts for a while
 * without an exception, an unhandled vector acknowledged and counted, and an
 * NMI IPI survived by every other CPU.
 */
#include "arch/x86_64/irq.h"
#include "arch/x86_64/irq_logic.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/format.h"
#include "kernel/ranges.h"

#define SELFTEST_VECTOR 0x41        /* no handler: takes the unexpected path */
#define STI_WINDOW_US 10000
#define NMI_WAIT_US 200000
/* LVT bits the CPU owns: delivery status (12), remote IRR (14) */
#define LVT_READ_ONLY ((1u << 12) | (1u << 14))

extern u16 irq_pic_masks;
extern volatile u32 irq_selftest_armed, irq_selftest_hits;

static const char *why_str(u8 why)
{
	switch (why) {
	case LINT_NMI_FROM_MADT: return "from the MADT NMI entry";
	case LINT_EXTINT_MASKED: return "masked: firmware left ExtINT, and the 8259 is not used";
	default: return "no MADT NMI entry: as firmware left it";
	}
}

#define LINT_KEY 200

/* One line per kind of CPU with the same LINT0/LINT1 (kernel/ranges.h):
 * "irq: cpus 1-14 (ACPI UIDs 1-14): LINT0 ..., LINT1 ...", a CPU alone as
 * "irq: cpu0 (ACPI UID 0): ..." */
static void check_lints(struct ktap_node *s)
{
	static void *keys_, *kind_, *uids_;
	char *keys = cpu_array(&keys_, LINT_KEY), list[64], uids[64];
	u32 *kind = cpu_array(&kind_, sizeof(u32)), *uid = cpu_array(&uids_, sizeof(u32));
	u32 bad = 0, first_bad = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		const struct cpu *c = &cpus[i];
		char a[64], b[64];
		keys[(size_t)i * LINT_KEY] = 0;
		uid[i] = c->acpi_uid;
		if (c->state != CPU_ONLINE)
			continue;
		for (unsigned l = 0; l < 2; l++)
			if ((c->lint_lvt[l] ^ c->lint_want[l]) & ~LVT_READ_ONLY && !bad++)
				first_bad = i;
		irq_lvt_describe(a, sizeof(a), c->lint_lvt[0]);
		irq_lvt_describe(b, sizeof(b), c->lint_lvt[1]);
		ksnprintf(keys + (size_t)i * LINT_KEY, LINT_KEY, "LINT0 %s (%s), LINT1 %s (%s)", a,
			  why_str(c->lint_why[0]), b, why_str(c->lint_why[1]));
	}
	ranges_kinds(keys, LINT_KEY, cpu_count, kind);
	for (u32 i = 0; i < cpu_count; i++) {
		if (kind[i] == RANGES_NONE || ranges_first(kind, i + 1, kind[i]) != i)
			continue;
		u32 n = ranges_list(kind, cpu_count, kind[i], 0, list, sizeof(list));
		ranges_list(kind, cpu_count, kind[i], uid, uids, sizeof(uids));
		kprintf("irq: %s%s (ACPI UID%s %s): %s\n", n == 1 ? "cpu" : "cpus ", list, n == 1 ? "" : "s", uids,
			keys + (size_t)i * LINT_KEY);
	}
	const struct cpu *f = &cpus[first_bad];
	ktap_check(s, "lint_pins_as_planned_on_every_cpu", !bad,
		   "%u LINT registers read back wrong; cpu%u wanted 0x%x/0x%x, read 0x%x/0x%x", bad, first_bad,
		   f->lint_want[0], f->lint_want[1], f->lint_lvt[0], f->lint_lvt[1]);
}

static void check_mce(struct ktap_node *s)
{
	u32 online = 0, on = 0, first_off = ~0u;
	for (u32 i = 0; i < cpu_count; i++) {
		if (cpus[i].state != CPU_ONLINE)
			continue;
		online++;
		if (cpus[i].mce_enabled)
			on++;
		else if (first_off == ~0u)
			first_off = i;
	}
	if (!(cpuid(1).edx & (1U << 7))) {
		kprintf("irq: this CPU has no machine-check exception (CPUID.1:EDX bit 7 clear): CR4.MCE left clear\n");
		ktap_add(s, "cr4_mce_set_on_every_cpu", KTAP_SKIP, "no MCE (CPUID.1:EDX bit 7 clear)");
		return;
	}
	kprintf("irq: CR4.MCE set on %u of %u online CPUs: a machine check prints its banks, then panics\n", on, online);
	ktap_check(s, "cr4_mce_set_on_every_cpu", on == online, "CR4.MCE clear on cpu%u (%u of %u set)",
		   first_off, on, online);
}

/* The boot CPU takes interrupts for a while after the remap: with the 8259
 * masked nothing must arrive, and above all no timer as a fake #DF. Then
 * an IPI to itself on a vector with no handler: acknowledged, counted, on. */
static void check_unexpected(struct ktap_node *s)
{
	u32 before = irq_unexpected_total();
	sti();
	udelay(STI_WINDOW_US);
	cli();
	u32 got = irq_unexpected_total() - before;
	kprintf("irq: interrupts enabled on the boot CPU for %u ms after the 8259 remap: %u unexpected interrupt(s)\n",
		STI_WINDOW_US / 1000, got);
	ktap_check(s, "pic_8259_masked", irq_pic_masks == 0xffff, "8259 masks read back 0x%04x, want 0xffff",
		   irq_pic_masks);

	irq_selftest_armed = SELFTEST_VECTOR;
	u32 esr = lapic_send_fixed(lapic_id(), SELFTEST_VECTOR);
	sti();
	udelay(1000);
	cli();
	irq_selftest_armed = 0;
	bool still = lapic_in_service(SELFTEST_VECTOR);
	ktap_check(s, "unhandled_vector_acknowledged_and_counted", irq_selftest_hits == 1 && !still && !esr,
		   "self-IPI on vector 0x%x: taken %u times (want 1), still in service %s, ESR 0x%x", SELFTEST_VECTOR,
		   irq_selftest_hits, still ? "yes" : "no", esr);
}

static long answer(void *arg)
{
	(void)arg;
	return (long)this_cpu()->index;
}

static void check_nmi_ipi(struct ktap_node *s)
{
	u32 sent = 0, seen = 0, alive = 0, first_miss = ~0u;
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (c->state != CPU_ONLINE)
			continue;
		sent++;
		u32 before = c->nmi_selftest_seen;
		__atomic_add_fetch(&c->nmi_selftest, 1, __ATOMIC_SEQ_CST);
		lapic_send_nmi(c->apic_id);
		u64 end = rdtsc() + us_to_tsc(NMI_WAIT_US);
		while (c->nmi_selftest_seen == before && rdtsc() < end)
			cpu_relax();
		long r = -1;
		if (c->nmi_selftest_seen != before)
			seen++;
		else if (first_miss == ~0u)
			first_miss = i;
		if (on_cpu(i, answer, 0, 1000000, &r) && r == (long)i)
			alive++;
	}
	if (!sent) {
		ktap_add(s, "nmi_ipi_survived_by_every_other_cpu", KTAP_SKIP, "no other CPU online");
		return;
	}
	kprintf("irq: NMI IPI to %u other CPU(s): %u took it, %u answered a job afterwards\n", sent, seen, alive);
	ktap_check(s, "nmi_ipi_survived_by_every_other_cpu", seen == sent && alive == sent,
		   "%u of %u took the NMI within %u ms (first miss cpu%u), %u answered afterwards", seen, sent,
		   NMI_WAIT_US / 1000, first_miss, alive);
}

void irq_boot_checks(void)
{
	struct ktap_node *s = ktap_find(0, "boot");
	if (!s)
		s = ktap_group(0, "boot");
	check_lints(s);
	check_mce(s);
	check_unexpected(s);
	check_nmi_ipi(s);
	irq_flush();
}

/* inject=nmi: real NMIs in the middle of a run (not the self-test kind): each
 * CPU must report it and go on, and the run must still pass. */
void irq_inject_nmi(void)
{
	u32 before = irq_nmi_total(), n = 0;
	kprintf("inject: an NMI IPI to every online CPU; each must report it and the run go on (result=PASS)\n");
	for (u32 i = cpu_count; i-- > 0;) {   /* this CPU (index 0) last */
		if (cpus[i].state != CPU_ONLINE)
			continue;
		lapic_send_nmi(cpus[i].apic_id);
		n++;
	}
	u64 end = rdtsc() + us_to_tsc(NMI_WAIT_US);
	while (irq_nmi_total() - before < n && rdtsc() < end)
		cpu_relax();
	irq_flush();
	kprintf("inject: %u of %u CPUs reported the NMI within %u ms\n", irq_nmi_total() - before, n, NMI_WAIT_US / 1000);
}

/* inject=irq: a vector nobody handles, twice: acknowledged both times,
 * reported once, counted twice, and the run still passes. */
void irq_inject_unexpected(void)
{
	const u8 v = SELFTEST_VECTOR + 1;
	u32 before = irq_unexpected_total();
	kprintf("inject: two self-IPIs on vector 0x%x, which has no handler; one report line, a count of 2, "
		"result=PASS must follow\n", v);
	for (int i = 0; i < 2; i++) {
		lapic_send_fixed(lapic_id(), v);
		sti();
		udelay(1000);
		cli();
	}
	irq_flush();
	kprintf("inject: %u unexpected interrupt(s) counted, vector 0x%x %s\n", irq_unexpected_total() - before, v,
		lapic_in_service(v) ? "STILL IN SERVICE (not acknowledged)" : "no longer in service");
}
