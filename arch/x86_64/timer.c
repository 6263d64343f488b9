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
	while (!(inb(PORT_61) & 0x20)) {     /* OUT2 rises at terminal count */
		if (++spins > 100000000ULL)
			return 0;                    /* no PIT answering: give up */
	}
	return rdtsc_ordered() - t0;
}

u64 timer_calibrate(void)
{
	u64 best = ~0ULL;
	for (int i = 0; i < 3; i++) {
		u64 d = pit_measure();
		if (d && d < best)
			best = d;
	}
	if (best != ~0ULL && best)
		tsc_khz = best / CAL_MS;
	tsc_base = rdtsc();
	return best == ~0ULL ? 0 : tsc_khz;
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
