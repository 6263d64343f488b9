/* bench.boot: the marks kmain sets and the table printed after the summary
 * line (a human part, so the KTAP document and summary stay as they are). */
#include "kernel/bench_boot.h"
#include "kernel/kprintf.h"
#include "kernel/options.h"
#include "kernel/platform.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/timer.h"

static struct bench_boot_marks marks;

void bench_boot_start(void)
{
	marks.marks[0] = rdtsc();
}

void bench_boot_mark(enum boot_phase done)
{
	if (done < PHASE_COUNT)
		marks.marks[done + 1] = rdtsc();
}

static void pr(const char *line, void *ctx)
{
	(void)ctx;
	kprintf("%s\n", line);
}

void bench_boot_print(void)
{
	if (opt.bench_boot)
		bench_boot_lines(&marks, tsc_khz, platform.kind == PLATFORM_BOCHS, pr, 0);
}
