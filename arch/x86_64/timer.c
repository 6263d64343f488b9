/*
 * TSC calibrated against the 8254 PIT channel 2, gate through port 0x61
 * (the method Linux uses in pit_calibrate_tsc): program mode 0 with a
 * count for 10 ms, start the gate, spin until OUT2 goes high.
 */
#include "arch/x86_64/timer.h"
#include "arch/x86_64/cpu.h"
#include "kernel/kprintf.h"

#define PIT_HZ 1193182ULL
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PORT_61 0x61
#define CAL_MS 10

u64 tsc_khz = 1000000;   /* a safe guess (1 GHz) until calibrated */
static u64 tsc_base;

static u64 pit_measure(void)
{
	u16 count = (u16)(PIT_HZ * CAL_MS / 1000);
	u8 p = inb(PORT_61);
	outb(PORT_61, (p & ~0x02) | 0x01);   /* gate on, speaker off */
	outb(PIT_CMD, 0xb0);                 /* channel 2, lobyte/hibyte, mode 0, binary */
	outb(PIT_CH2, count & 0xff);
	outb(PIT_CH2, count >> 8);
	u64 t0 = rdtsc_ordered();
	u64 spins = 0;
	if (inb(PORT_61) & 0x20)
		return 0;                        /* OUT2 high before counting: port 0x61 is not a PIT gate */
	while (!(inb(PORT_61) & 0x20)) {     /* OUT2 rises at terminal count */
		if (++spins > 2000000ULL)
			return 0;                    /* ~10k reads are 10 ms on hardware: no PIT answering */
	}
	return rdtsc_ordered() - t0;
}

/* 10 MHz (Bochs ticks at its ips, e.g. 50 MHz) to 20 GHz: anything else is a broken measurement */
#define TSC_KHZ_MIN 10000ULL
#define TSC_KHZ_MAX 20000000ULL

/* CPUID 0x15 (crystal ratio) or 0x16 (base MHz): only a fallback, often wrong under emulators */
static u64 cpuid_khz(void)
{
	u32 max = cpuid(0).eax;
	if (max >= 0x15) {
		struct cpuid_regs r = cpuid(0x15);
		if (r.eax && r.ebx && r.ecx)
			return (u64)r.ecx / 1000 * r.ebx / r.eax;
	}
	if (max >= 0x16 && (cpuid(0x16).eax & 0xffff))
		return (u64)(cpuid(0x16).eax & 0xffff) * 1000;
	return 0;
}

u64 timer_calibrate(void)
{
	u64 best = ~0ULL;
	for (int i = 0; i < 3; i++) {
		u64 d = pit_measure();
		if (d && d < best)
			best = d;
	}
	u64 khz = best != ~0ULL ? best / CAL_MS : 0;
	tsc_base = rdtsc();
	if (khz >= TSC_KHZ_MIN && khz <= TSC_KHZ_MAX) {
		tsc_khz = khz;
		return khz;
	}
	khz = cpuid_khz();
	if (khz >= TSC_KHZ_MIN && khz <= TSC_KHZ_MAX)
		tsc_khz = khz;   /* else keep the 1 GHz guess */
	return 0;
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
