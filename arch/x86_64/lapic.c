/*
 * Local APIC in xAPIC (MMIO page, uncached) or x2APIC (MSRs 0x800+) mode
 * (SDM vol. 3A, chapter 11). The mode decision is acpi_apic_mode_choice(),
 * shared with the host tests.
 */
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/acpi_tables.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/timer.h"
#include "kernel/kprintf.h"

/* xAPIC register offsets; the x2APIC MSR is 0x800 + offset / 16 */
#define APIC_ID     0x020
#define APIC_EOI    0x0b0
#define APIC_SVR    0x0f0
#define APIC_ESR    0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define SVR_ENABLE  (1U << 8)
#define ICR_PENDING (1U << 12)
#define ICR_LEVEL_ASSERT (1U << 14)
#define ICR_TRIGGER_LEVEL (1U << 15)
#define ICR_INIT    0x500
#define ICR_SIPI    0x600
#define ICR_FIXED   0x000

static bool x2;
static u64 base;
static const char *reason = "not set up";
static bool delivered = true;
static bool ready;   /* lapic_setup ran: rd()/wr() reach the registers */

bool lapic_x2apic(void) { return x2; }
u64 lapic_base(void) { return base; }
const char *lapic_mode_reason(void) { return reason; }
bool lapic_last_delivered(void) { return delivered; }

static u32 rd(u32 reg)
{
	if (x2)
		return (u32)rdmsr(0x800 + reg / 16);
	return *(volatile u32 *)(uintptr_t)(base + reg);
}

static void wr(u32 reg, u32 v)
{
	if (x2)
		wrmsr(0x800 + reg / 16, v);
	else
		*(volatile u32 *)(uintptr_t)(base + reg) = v;
}

bool lapic_setup(bool force_xapic, bool high_ids)
{
	ready = true;
	bool has_x2 = cpuid(1).ecx & CPUID1_ECX_X2APIC;
	u64 msr = rdmsr(MSR_IA32_APIC_BASE);
	struct apic_mode_choice ch = acpi_apic_mode_choice(has_x2, msr & APIC_BASE_X2APIC, high_ids, force_xapic);
	x2 = ch.mode == APIC_MODE_X2APIC;
	reason = ch.reason;
	if (ch.warning)
		kprintf("apic: %s\n", ch.warning);
	base = msr & 0xffffff000ULL;
	if (!x2 && !paging_map_uncached(base, PAGE_SIZE))
		return false;
	return true;
}

void lapic_init_cpu(void)
{
	u64 msr = rdmsr(MSR_IA32_APIC_BASE);
	if (x2)
		msr |= APIC_BASE_ENABLE | APIC_BASE_X2APIC;   /* EN first or both at once (SDM 11.12.5) */
	else
		msr |= APIC_BASE_ENABLE;
	wrmsr(MSR_IA32_APIC_BASE, msr);
	wr(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
	wr(APIC_ESR, 0);
}

u32 lapic_id(void)
{
	return x2 ? rd(APIC_ID) : rd(APIC_ID) >> 24;
}

void lapic_eoi(void)
{
	wr(APIC_EOI, 0);
}

static u32 send(u32 apic_id, u32 lo)
{
	wr(APIC_ESR, 0);
	if (x2) {
		/* one MSR write; x2APIC has no delivery-status bit */
		mfence();   /* x2APIC ICR writes are not serializing (SDM 11.12.3) */
		lfence();
		wrmsr(0x830, ((u64)apic_id << 32) | lo);
		delivered = true;
	} else {
		wr(APIC_ICR_HI, apic_id << 24);
		wr(APIC_ICR_LO, lo);
		/* the delivery status as last read: one MMIO read fewer per IPI (each
		 * is a trip through QEMU's APIC, 239 SIPIs at 240 CPUs) */
		u64 end = rdtsc() + us_to_tsc(1000);
		u32 icr;
		while (((icr = rd(APIC_ICR_LO)) & ICR_PENDING) && rdtsc() < end)
			cpu_relax();
		delivered = !(icr & ICR_PENDING);
	}
	wr(APIC_ESR, 0);    /* a write latches the errors into ESR (SDM 11.5.3) */
	return rd(APIC_ESR) & 0xef;
}

u32 lapic_send_init(u32 apic_id, bool assert)
{
	return send(apic_id, ICR_INIT | ICR_TRIGGER_LEVEL | (assert ? ICR_LEVEL_ASSERT : 0));
}

u32 lapic_send_sipi(u32 apic_id, u8 vector)
{
	return send(apic_id, ICR_SIPI | vector);
}

u32 lapic_send_fixed(u32 apic_id, u8 vector)
{
	return send(apic_id, ICR_FIXED | ICR_LEVEL_ASSERT | vector);
}

/* ---- LVT LINT0/LINT1, in-service bits, NMI IPIs (arch/x86_64/irq.c) ---- */
#define APIC_ISR0      0x100
#define APIC_LVT_LINT0 0x350
#define ICR_NMI        0x400

u32 lapic_lint_read(unsigned lint)
{
	return rd(APIC_LVT_LINT0 + 0x10 * lint);
}

void lapic_lint_write(unsigned lint, u32 lvt)
{
	wr(APIC_LVT_LINT0 + 0x10 * lint, lvt);
}

/* SDM 11.8.4: ISR bit v of the 256 is bit v % 32 of register 0x100 + 0x10 * (v / 32) */
bool lapic_in_service(u8 vector)
{
	return ready && (rd(APIC_ISR0 + 0x10 * (vector / 32)) >> (vector % 32)) & 1;
}

u32 lapic_send_nmi(u32 apic_id)
{
	return send(apic_id, ICR_NMI | ICR_LEVEL_ASSERT);
}

/* ---- the local APIC timer (SDM vol. 3A 11.5.4), for arch/x86_64/wait.c ---- */
#define APIC_VERSION   0x030
#define APIC_LVT_TIMER 0x320
#define APIC_TMICT     0x380   /* initial count */
#define APIC_TMCCT     0x390   /* current count */
#define APIC_TDCR      0x3e0   /* divide configuration */
#define TDCR_DIVIDE_1  0xb
#define MSR_IA32_TSC_DEADLINE 0x6e0

u32 lapic_version(void)
{
	return rd(APIC_VERSION);
}

void lapic_timer_setup(u32 lvt)
{
	wr(APIC_TMICT, 0);         /* a one-shot in flight stops */
	wr(APIC_TDCR, TDCR_DIVIDE_1);
	wr(APIC_LVT_TIMER, lvt);
	if (!x2)
		mfence();          /* xAPIC: the LVT write ordered before a later IA32_TSC_DEADLINE write (11.5.4.1) */
}

void lapic_timer_oneshot(u32 count)
{
	wr(APIC_TMICT, count);     /* 0 stops it */
}

u32 lapic_timer_current(void)
{
	return rd(APIC_TMCCT);
}

void lapic_timer_deadline(u64 tsc)
{
	wrmsr(MSR_IA32_TSC_DEADLINE, tsc);   /* 0 disarms it */
}
