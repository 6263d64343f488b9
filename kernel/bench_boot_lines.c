/* The bench.boot phase table (bench_boot.h): pure, host-tested. */
#include "kernel/bench_boot.h"
#include "kernel/format.h"

static const char *const names[PHASE_COUNT] = {
	[PHASE_BOOT] = "boot", [PHASE_ACPI] = "acpi", [PHASE_TIMER] = "timer", [PHASE_CONSOLE] = "console",
	[PHASE_SMP] = "smp", [PHASE_IRQ] = "irq", [PHASE_VMX] = "vmx_lifecycle", [PHASE_GUEST] = "guest",
	[PHASE_CONFORMANCE] = "conformance", [PHASE_BENCH_VMX] = "bench_vmx", [PHASE_VIRT] = "virt", [PHASE_REPORT] = "report",
};

static u64 to_us(u64 cycles, u64 khz)
{
	/* split so that cycles * 1000 cannot overflow */
	return cycles / khz * 1000 + cycles % khz * 1000 / khz;
}

size_t bench_boot_lines(const struct bench_boot_marks *m, u64 tsc_khz, bool emulated, bench_line_fn line, void *ctx)
{
	char buf[160];
	size_t n = 0;
	if (!tsc_khz || !m->marks[0]) {
		line("bench: boot: no phase table: the TSC was not calibrated or kmain's start was not marked", ctx);
		return 1;
	}
	ksnprintf(buf, sizeof(buf), "bench: boot: phase          us on the boot CPU's TSC (%lu kHz)%s", tsc_khz,
		  emulated ? ", emulated: Bochs counts instructions at its ips, not hardware time" : "");
	line(buf, ctx), n++;
	u64 prev = m->marks[0], last = prev;
	for (unsigned p = 0; p < PHASE_COUNT; p++)
		if (m->marks[p + 1] >= last)
			last = m->marks[p + 1];
	u64 total = to_us(last - m->marks[0], tsc_khz);
	for (unsigned p = 0; p < PHASE_COUNT; p++) {
		u64 end = m->marks[p + 1];
		if (!end || end < prev) {
			ksnprintf(buf, sizeof(buf), "bench: boot: %-13s  -  (not reached)", names[p]);
			line(buf, ctx), n++;
			continue;
		}
		u64 us = to_us(end - prev, tsc_khz);
		u64 tenths = total ? us * 1000 / total : 0;
		ksnprintf(buf, sizeof(buf), "bench: boot: %-13s %10lu us %3lu.%lu%%", names[p], us, tenths / 10, tenths % 10);
		line(buf, ctx), n++;
		prev = end;
	}
	ksnprintf(buf, sizeof(buf), "bench: boot: %-13s %10lu us (kmain to the end of the report; firmware and loader "
		  "before kmain: %lu us of TSC since reset)", "total", total, to_us(m->marks[0], tsc_khz));
	line(buf, ctx), n++;
	return n;
}
