/*
 * The TSC calibrated against the best real counter present: the HPET (ACPI
 * HPET table, MMIO main counter), then the ACPI PM timer (FADT), then the
 * 8254 PIT channel 2 (gated through port 0x61, read through latch
 * commands). Every counter is measured, so the log shows them side by side;
 * CPUID 0x15/0x16 only cross-check. The algorithm and the choice are
 * arch/x86_64/tsc_calib.c, pure and host-tested; this file reads hardware.
 */
#include "arch/x86_64/timer.h"
#include "arch/x86_64/tsc_calib.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/wait.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"

#define PIT_HZ 1193182ULL
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_61 0x61
#define MMIO_TOP (4ULL << 30)   /* identity-mapped at boot; above it, mapped on demand */

u64 tsc_khz = TSC_KHZ_GUESS;   /* a safe guess (1 GHz) until calibrated */
static u64 tsc_base;
static struct tsc_measurement meas[TSC_SRC_COUNTERS];
static struct tsc_choice choice;
static char hpet_note[96];
static u64 calib_us;           /* the whole calibration, all counters */

static u64 tsc_read(void *ctx)
{
	(void)ctx;
	return rdtsc_ordered();
}

static u64 mmio64(void *ctx)
{
	return *(volatile u64 *)ctx;
}

static u64 mmio32(void *ctx)
{
	return *(volatile u32 *)ctx;
}

static u64 port32(void *ctx)
{
	return inl((u16)(uintptr_t)ctx);
}

/* channel 2 latched; it counts down, so the up-counter is its negation */
static u64 pit_read(void *ctx)
{
	(void)ctx;
	outb(PIT_CMD, 0x80);                 /* latch channel 2 */
	u8 lo = inb(PIT_CH2);
	u8 hi = inb(PIT_CH2);
	return (u16)(0 - (u16)(lo | hi << 8));
}

static void absent(enum tsc_src s, const char *why)
{
	meas[s] = (struct tsc_measurement){ .status = TSC_MEAS_ABSENT, .why = why };
}

static void measure_hpet(const struct tsc_clock *tsc)
{
	if (!acpi.hpet_ok)
		return absent(TSC_SRC_HPET, acpi.rsdp_ok ? "no usable HPET table" : "no ACPI tables");
	u64 base = acpi.hpet.base.address;
	bool low = base < MMIO_TOP && base + 0x400 <= MMIO_TOP;
	if (low ? !paging_map_uncached(base, 0x400) : !paging_map_phys(base, 0x400, MEM_UC)) {
		ksnprintf(hpet_note, sizeof(hpet_note), "at 0x%lx: could not map it", base);
		return absent(TSC_SRC_HPET, hpet_note);
	}
	volatile u8 *r = (volatile u8 *)(uintptr_t)base;
	u64 gcap = *(volatile u64 *)(r + HPET_REG_GCAP_ID);
	struct hpet_caps caps;
	enum acpi_status st = hpet_decode_caps(gcap, &caps);
	if (st != ACPI_OK) {
		ksnprintf(hpet_note, sizeof(hpet_note), "capabilities at 0x%lx read 0x%lx: %s", base, gcap,
			  st == ACPI_ERR_NOT_FOUND ? "nothing answers" : "period or revision out of range");
		return absent(TSC_SRC_HPET, hpet_note);
	}
	volatile u64 *cfg = (volatile u64 *)(r + HPET_REG_CONFIG);
	if (!(*cfg & HPET_CFG_ENABLE)) {
		*cfg |= HPET_CFG_ENABLE;        /* the main counter was halted: run it */
		kprintf("timer: HPET main counter at 0x%lx was halted (ENABLE_CNF 0): started it\n", base);
	}
	struct tsc_counter c = { .hz = caps.hz, .bits = caps.counter_64bit ? 64 : 32,
				 .read = caps.counter_64bit ? mmio64 : mmio32,
				 .ctx = (void *)(r + HPET_REG_COUNTER) };
	tsc_measure(&c, tsc, 0, &meas[TSC_SRC_HPET]);
}

static void measure_pm_timer(const struct tsc_clock *tsc)
{
	const struct acpi_pm_timer *pt = &acpi.fadt.pm_timer;
	if (!acpi.fadt_ok || !pt->address)
		return absent(TSC_SRC_PMTMR, acpi.fadt_ok ? "the FADT lists none" : "no FADT");
	struct tsc_counter c = { .hz = ACPI_PM_TIMER_HZ, .bits = pt->is_32bit ? 32 : 24 };
	if (pt->space_id == ACPI_GAS_IO) {
		c.read = port32;
		c.ctx = (void *)(uintptr_t)pt->address;
	} else if (pt->address < MMIO_TOP - 4 ? paging_map_uncached(pt->address, 4)
					       : paging_map_phys(pt->address, 4, MEM_UC) != 0) {
		c.read = mmio32;
		c.ctx = (void *)(uintptr_t)pt->address;
	} else {
		return absent(TSC_SRC_PMTMR, "in memory that could not be mapped");
	}
	tsc_measure(&c, tsc, 0, &meas[TSC_SRC_PMTMR]);
}

static void measure_pit(const struct tsc_clock *tsc)
{
	u8 p = inb(PORT_61);
	outb(PORT_61, (p & ~0x02) | 0x01);   /* gate on, speaker off */
	outb(PIT_CMD, 0xb4);                 /* channel 2, lobyte/hibyte, mode 2 (rate generator), binary */
	outb(PIT_CH2, 0);                    /* reload 0 = 65536: a free-running 16-bit down-counter */
	outb(PIT_CH2, 0);
	struct tsc_counter c = { .hz = PIT_HZ, .bits = 16, .read = pit_read };
	tsc_measure(&c, tsc, 0, &meas[TSC_SRC_PIT]);
	outb(PORT_61, p);                    /* the gate and speaker as they were */
}

static u64 cpuid15_khz(void)
{
	if (cpuid(0).eax < 0x15)
		return 0;
	struct cpuid_regs r = cpuid(0x15);
	return tsc_cpuid15_khz(r.eax, r.ebx, r.ecx);
}

static u64 cpuid16_khz(void)
{
	return cpuid(0).eax >= 0x16 ? tsc_cpuid16_khz(cpuid(0x16).eax) : 0;
}

u64 timer_calibrate(void)
{
	struct tsc_clock tsc = { .read = tsc_read };
	u64 t0 = rdtsc();
	measure_hpet(&tsc);
	measure_pm_timer(&tsc);
	measure_pit(&tsc);
	choice = tsc_choose(meas, cpuid15_khz(), cpuid16_khz());
	tsc_khz = choice.khz;
	tsc_base = rdtsc();
	calib_us = tsc_to_us(tsc_base - t0);
	return choice.source < TSC_SRC_COUNTERS ? choice.khz : 0;
}

void timer_report(void)
{
	char line[320];
	tsc_describe_choice(&choice, line, sizeof(line));
	kprintf("timer: %s\n", line);
	tsc_describe_sources(meas, tsc_khz, line, sizeof(line));
	kprintf("timer: sources: %s; %lu us for all of them\n", line, calib_us);
}

u64 us_to_tsc(u64 us)
{
	return us * tsc_khz / 1000;
}

u64 tsc_to_us(u64 cycles)
{
	return cycles * 1000 / tsc_khz;
}

void udelay(u64 us)
{
	u64 end = rdtsc() + us_to_tsc(us);
	if (wait_delay_sleeps(us, wait_mode())) {
		wait_sleep_until(end);    /* hlt with the APIC timer behind it (arch/x86_64/wait.c) */
		return;
	}
	while (rdtsc() < end)
		cpu_relax();
}

void ndelay(u64 ns)
{
	u64 end = rdtsc() + ns * tsc_khz / 1000000 + 1;
	while (rdtsc() < end)
		cpu_relax();
}

u64 now_us(void)
{
	return tsc_to_us(rdtsc() - tsc_base);
}
