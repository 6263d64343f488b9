/* bench.boot: where the time of a boot goes, phase by phase, in microseconds
 * from the boot CPU's TSC (README "Benchmarks"). Figures, never tests. */
#ifndef KERNEL_BENCH_BOOT_H
#define KERNEL_BENCH_BOOT_H

#include "kernel/types.h"

/* the phases of kmain, in order (kernel/main.c) */
enum boot_phase {
	PHASE_BOOT = 0,     /* serial, descriptor tables, 8259, multiboot2, options, memory */
	PHASE_ACPI,         /* ACPI tables, the platform */
	PHASE_TIMER,        /* TSC calibration */
	PHASE_CONSOLE,      /* described UARTs, console outputs, the "boot" suite */
	PHASE_SMP,          /* AP bring-up and the "smp" suite */
	PHASE_IRQ,          /* LINT pins, NMI and unexpected-vector self-tests */
	PHASE_VMX,          /* the VT-x lifecycle on every CPU */
	PHASE_GUEST,        /* the guest on every CPU */
	PHASE_CONFORMANCE,  /* the conformance suite */
	PHASE_BENCH_VMX,    /* bench.vmx, when asked for */
	PHASE_VIRT,         /* vmx.virtualize: the virt suite, when asked for */
	PHASE_REPORT,       /* the KTAP document and the summary line */
	PHASE_COUNT
};

/* marks[0]: kmain's first TSC; marks[p + 1]: the end of phase p (0: not reached) */
struct bench_boot_marks {
	u64 marks[PHASE_COUNT + 1];
};

typedef void (*bench_line_fn)(const char *line, void *ctx);
/* The phase table as lines (pure): one per phase with its microseconds and
 * share of the total, then the total; "emulated" labels the figures as
 * Bochs's instruction counts at its ips. Returns the lines written. */
size_t bench_boot_lines(const struct bench_boot_marks *m, u64 tsc_khz, bool emulated, bench_line_fn line, void *ctx);

void bench_boot_start(void);               /* kmain's first line */
void bench_boot_mark(enum boot_phase done);
void bench_boot_print(void);               /* after the summary line, with bench.boot */

#endif
