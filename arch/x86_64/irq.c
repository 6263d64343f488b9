/*
 * Interrupts nobody asked for, NMIs and machine checks.
 *
 * The kernel uses two interrupts (the wake-up IPI and the local APIC timer of
 * arch/x86_64/wait.c) and polls everything else,
 * but firmware and hardware send more: a live 8259, a spurious APIC
 * interrupt, an NMI from a watchdog, a BMC button or QEMU's `nmi` (delivered
 * through each CPU's LINT1), a machine check. Each is survived and reported:
 *  - an unexpected vector is acknowledged where it is in service
 *    (irq_ack_for, host-tested), counted, and reported once per vector;
 *  - an NMI is counted per CPU and reported from the handler only if the
 *    print lock is free at once (the interrupted code may hold it); else the
 *    console loop or the report prints it (irq_flush);
 *  - a machine check prints MCG_CAP/MCG_STATUS and every bank, then panics.
 */
#include "arch/x86_64/irq.h"
#include "arch/x86_64/irq_logic.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/ktap.h"
#include "kernel/panic.h"

#define TRY_SPINS 20000             /* a handler's wait for the print lock (pause loops) */
#define CPUID1_EDX_MCE (1U << 7)
#define CR4_MCE (1ULL << 6)

enum { VEC_UNSEEN, VEC_PENDING, VEC_REPORTED };
static struct {
	volatile u32 count;
	volatile u8 state;
	enum irq_ack ack;
	u32 cpu;
	u64 rip;
} vec[256];
static volatile u32 unexpected_total, nmi_total;
static volatile u32 vec_busy;
static volatile u32 events, flushed;   /* bumped per record; irq_flush compares them */
static volatile bool console_idle;     /* the console loop waits for a key: it prints for us */
volatile u32 irq_selftest_armed, irq_selftest_hits;   /* irq_checks.c */
u16 irq_pic_masks;

/* ---- printing, never waiting from a handler ---- */

static bool nmi_line(struct cpu *c, bool from_handler)
{
	u32 n = c->nmi_count, more = n - c->nmi_printed;
	const char *where = c->nmi_in_guest ? "in the VMX guest (a VM exit), guest RIP" : "at RIP";
	char also[48] = "";
	if (more > 1)
		ksnprintf(also, sizeof(also), " (%u since the last report)", more);
	const char *fmt = "NMI received on CPU %u (APIC ID %u) %s 0x%lx%s: %u on this CPU so far; carrying on\n";
	if (from_handler)
		return kprintf_try(TRY_SPINS, fmt, c->index, c->apic_id, where, c->nmi_rip, also, n);
	kprintf(fmt, c->index, c->apic_id, where, c->nmi_rip, also, n);
	return true;
}

static void flush_cpu(struct cpu *c, bool from_handler)
{
	if (from_handler && console_idle)
		return;                     /* irq_flush from the console loop, at column 0 */
	if (__atomic_exchange_n(&c->report_busy, 1, __ATOMIC_ACQUIRE))
		return;                     /* being printed (perhaps by the code this NMI interrupted) */
	while (c->nmi_printed != c->nmi_count) {
		u32 n = c->nmi_count;
		if (!nmi_line(c, from_handler))
			break;
		c->nmi_printed = n;
	}
	__atomic_store_n(&c->report_busy, 0, __ATOMIC_RELEASE);
}

static bool vec_line(unsigned v, bool from_handler)
{
	char what[48];
	irq_vector_describe(what, sizeof(what), (u8)v, vec[v].ack);
	const char *fmt = "irq: unexpected interrupt vector 0x%x (%s) on CPU %u at RIP 0x%lx: %s; carrying on "
			  "(further ones on this vector are only counted)\n";
	if (from_handler)
		return kprintf_try(TRY_SPINS, fmt, v, what, vec[v].cpu, vec[v].rip, irq_ack_str(vec[v].ack));
	kprintf(fmt, v, what, vec[v].cpu, vec[v].rip, irq_ack_str(vec[v].ack));
	return true;
}

static void flush_vectors(bool from_handler)
{
	if (from_handler && console_idle)
		return;
	if (__atomic_exchange_n(&vec_busy, 1, __ATOMIC_ACQUIRE))
		return;
	for (unsigned v = 0; v < 256; v++)
		if (vec[v].state == VEC_PENDING && vec_line(v, from_handler))
			vec[v].state = VEC_REPORTED;
	__atomic_store_n(&vec_busy, 0, __ATOMIC_RELEASE);
}

/* True only when a line really waits (a handler may have printed its own). */
bool irq_pending(void)
{
	u32 e = __atomic_load_n(&events, __ATOMIC_ACQUIRE);
	if (e == flushed)
		return false;
	for (u32 i = 0; i < cpu_count; i++)
		if (cpus[i].nmi_printed != cpus[i].nmi_count)
			return true;
	for (unsigned v = 0; v < 256; v++)
		if (vec[v].state == VEC_PENDING)
			return true;
	flushed = e;
	return false;
}

void irq_console_idle(bool idle)
{
	console_idle = idle;
}

void irq_report_run(void)
{
	/* a handler on another CPU may hold a line for a moment (its bounded try):
	 * retry for up to 100 ms so every NMI line is in the log before the verdict */
	u64 end = now_us() + 100000;
	do
		irq_flush();
	while (irq_pending() && now_us() < end);
	if (nmi_total) {
		char per[160] = "";
		size_t n = 0;
		for (u32 i = 0; i < cpu_count && n < sizeof(per) - 16; i++)
			if (cpus[i].nmi_count)
				n += (size_t)ksnprintf(per + n, sizeof(per) - n, "%scpu%u %u", n ? ", " : "", i,
						       cpus[i].nmi_count);
		kprintf("irq: %u NMI(s) during this run (%s): reported and survived, not a failure\n", nmi_total, per);
	}
	if (unexpected_total) {
		u32 kinds = 0;
		for (unsigned v = 0; v < 256; v++)
			kinds += vec[v].count != 0;
		kprintf("irq: %u unexpected interrupt(s) on %u vector(s) during this run: acknowledged, not a failure\n",
			unexpected_total, kinds);
	}
}

/* Prints what waits. A CPU whose line a handler elsewhere is printing right
 * now (report_busy) is skipped, so "flushed" is moved only when nothing is
 * left: a later irq_flush (or irq_report_run's retries) prints what that
 * handler could not. */
void irq_flush(void)
{
	u32 e = __atomic_load_n(&events, __ATOMIC_ACQUIRE);
	if (e == flushed)
		return;
	for (u32 i = 0; i < cpu_count; i++)
		flush_cpu(&cpus[i], false);
	flush_vectors(false);
	bool left = false;
	for (u32 i = 0; i < cpu_count && !left; i++)
		left = cpus[i].nmi_printed != cpus[i].nmi_count;
	for (unsigned v = 0; v < 256 && !left; v++)
		left = vec[v].state == VEC_PENDING;
	if (!left)
		flushed = e;
}

u32 irq_nmi_total(void) { return nmi_total; }
u32 irq_unexpected_total(void) { return unexpected_total; }

/* ---- handlers ---- */

static void nmi_record(u64 rip, bool in_guest)
{
	struct cpu *c = this_cpu();
	if (c->nmi_selftest) {          /* irq_boot_checks sent it */
		__atomic_sub_fetch(&c->nmi_selftest, 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&c->nmi_selftest_seen, 1, __ATOMIC_SEQ_CST);
		return;
	}
	c->nmi_rip = rip;
	c->nmi_in_guest = in_guest;
	__atomic_add_fetch(&c->nmi_count, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&nmi_total, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&events, 1, __ATOMIC_SEQ_CST);
	flush_cpu(c, true);
}

/* NMIs stay blocked until the IRET that ends this handler (SDM 6.7.1), and
 * it runs on its own IST stack: nothing here may fault or wait. */
void irq_nmi(const struct trap_frame *f)
{
	nmi_record(f->rip, false);
}

void irq_nmi_guest_exit(u64 guest_rip)
{
	nmi_record(guest_rip, true);
}

void irq_unexpected(const struct trap_frame *f)
{
	u8 v = (u8)f->vector;
	bool pic = v >= PIC_VECTOR_BASE_MASTER && v < PIC_VECTOR_BASE_SLAVE + 8;
	enum irq_ack a = irq_ack_for(v, lapic_in_service(v), pic ? pic_isr() : 0);
	if (a == IRQ_ACK_LAPIC)
		lapic_eoi();
	else if (a == IRQ_ACK_PIC_MASTER || a == IRQ_ACK_PIC_SPURIOUS15)
		pic_eoi(false);
	else if (a == IRQ_ACK_PIC_BOTH)
		pic_eoi(true);
	if (v == irq_selftest_armed) {
		__atomic_add_fetch(&irq_selftest_hits, 1, __ATOMIC_SEQ_CST);
		return;
	}
	__atomic_add_fetch(&unexpected_total, 1, __ATOMIC_SEQ_CST);
	if (__atomic_add_fetch(&vec[v].count, 1, __ATOMIC_SEQ_CST) == 1) {
		vec[v].ack = a;
		vec[v].cpu = this_cpu()->index;
		vec[v].rip = f->rip;
		__atomic_store_n(&vec[v].state, VEC_PENDING, __ATOMIC_RELEASE);
		__atomic_add_fetch(&events, 1, __ATOMIC_SEQ_CST);
		flush_vectors(true);
	}
}

/* A machine check is a hardware error: say what the banks hold, then panic
 * (SDM vol. 3B 16.3: MCi_ADDR / MCi_MISC only mean something with ADDRV / MISCV). */
void irq_machine_check(struct trap_frame *f)
{
	char line[200];
	u64 cap = 0, st = 0;
	kprintf_panic_mode();
	int e1 = rdmsr_safe(MSR_IA32_MCG_CAP, &cap), e2 = rdmsr_safe(MSR_IA32_MCG_STATUS, &st);
	if (e1 || e2) {
		kprintf_panic("machine check on CPU %u: MCG_CAP/MCG_STATUS unreadable (vectors %d/%d)\n",
			      this_cpu()->index, e1, e2);
	} else {
		mce_mcg_status_line(line, sizeof(line), cap, st);
		kprintf_panic("machine check on CPU %u (APIC ID %u): %s\n", this_cpu()->index, this_cpu()->apic_id, line);
		u32 banks = (u32)(cap & MCG_CAP_COUNT_MASK), empty = 0;
		for (u32 i = 0; i < banks; i++) {
			u64 s = 0, a = 0, m = 0;
			u32 base = MSR_IA32_MC0_STATUS + 4 * i;
			if (rdmsr_safe(base, &s)) {
				kprintf_panic("machine check:   bank %u: MC%u_STATUS unreadable\n", i, i);
				continue;
			}
			if (!(s & MCI_STATUS_VAL)) {
				empty++;
				continue;
			}
			if (s & MCI_STATUS_ADDRV)
				rdmsr_safe(base + 1, &a);
			if (s & MCI_STATUS_MISCV)
				rdmsr_safe(base + 2, &m);
			mce_bank_line(line, sizeof(line), i, s, a, m);
			kprintf_panic("machine check:   %s\n", line);
		}
		kprintf_panic("machine check:   %u of %u banks hold no error (MCi_STATUS.VAL clear)\n", empty, banks);
	}
	panic_frame(f);
}

/* ---- set-up ---- */

void irq_init_boot(void)
{
	irq_pic_masks = pic_init();
	kprintf("irq: 8259 remapped to vectors 0x%x/0x%x, every line masked (masks read back 0x%04x); "
		"IDT entries for all 256 vectors\n", PIC_VECTOR_BASE_MASTER, PIC_VECTOR_BASE_SLAVE, irq_pic_masks);
}

void irq_init_cpu(struct cpu *c)
{
	const struct madt_info *m = acpi.madt_ok ? &acpi.madt : 0;
	for (unsigned l = 0; l < 2; l++) {
		struct lint_plan p = irq_lint_plan(m, c->acpi_uid, (u8)l, lapic_lint_read(l));
		lapic_lint_write(l, p.lvt);
		c->lint_want[l] = p.lvt;
		c->lint_lvt[l] = lapic_lint_read(l);
		c->lint_why[l] = (u8)p.why;
	}
	if (cpuid(1).edx & CPUID1_EDX_MCE) {
		write_cr4(read_cr4() | CR4_MCE);
		c->mce_enabled = read_cr4() & CR4_MCE;
	}
}
