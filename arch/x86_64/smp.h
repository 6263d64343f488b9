#ifndef ARCH_X86_64_SMP_H
#define ARCH_X86_64_SMP_H

#include "kernel/types.h"
#include "arch/x86_64/percpu.h"

struct smp_figures {
	u64 init_delay_us, sipi_delay_us, timeout_us;   /* what was used */
	u64 first_init_tsc, last_sipi_tsc, first_arrival_tsc, last_arrival_tsc;
	u32 started, failed, strays, second_sipis;
	u32 restarted;          /* APs that needed a second INIT-SIPI-SIPI (restart_stragglers) */
	u32 esr_errors;
	u64 waited_us;          /* the arrival wait, from the end of the first start-up round (smp_await.c) */
	u32 spared;             /* APs not online at the restart point that showed life: not sent INIT again */
	u32 slow;               /* APs online after the restart point without a second start-up */
	u64 last_parked_tsc;                            /* the last AP online and waiting for work */
	char delay_why[160];                            /* smp_timing.h: the vendor/family rule used */
};
extern struct smp_figures smp_fig;

struct mb2_info;
/* Build the CPU list from the MADT (limits from the command line), start the APs. */
void smp_init(const struct mb2_info *mb, u64 mbi_start, u64 mbi_end);
u32 smp_cpus_found(void);
u32 smp_cpus_online(void);
bool smp_all_arrived(void *unused);   /* no AP still CPU_STARTING */
void smp_report(void);     /* table, evidence, KTAP suite "smp" */
void smp_run_checks(void); /* KTAP suite "smp" only */
void smp_print_table(void (*pr)(const char *fmt, ...));
/* "smp: start-up waits: INIT I us, SIPI S us (WHY)", as the boot printed it */
void smp_print_waits(void (*pr)(const char *fmt, ...));
/* The INIT and SIPI loops' cost per AP and the wait for the last one, as the boot printed it. */
void smp_print_ipi_costs(void (*pr)(const char *fmt, ...));

#define ON_CPU_TIMEOUT_US 5000000ULL
/* Is CPU index cpu in mask? NULL means every CPU. A mask is a kernel/cpuset.h
 * bitmap of at least cpu_count bits (vmx.cpus: the CPUs found; console
 * selectors: cpu_count). */
static inline bool cpu_in_mask(const u64 *mask, u32 cpu)
{
	return !mask || (cpu < cpu_count && (mask[cpu / 64] & (1ULL << (cpu % 64))));
}
/* cpu_count elements of elem bytes, zeroed, from the page allocator and kept
 * for good: *slot caches the array, so a call site allocates once, and a CPU
 * that missed a deadline may still write its element later. Panics when out
 * of memory (arch/x86_64/cpu_array.c). */
void *cpu_array(void **slot, size_t elem);
/* Run fn(arg) on CPU idx and wait for it; false if it did not finish in time.
 * A CPU that times out is marked CPU_STUCK and may still write through arg
 * later: keep arg alive (static or leaked) when this returns false. */
bool on_cpu(u32 idx, cpu_fn fn, void *arg, u64 timeout_us, long *result);
/* Run fn on every online CPU selected in mask (NULL: all), in parallel or one
 * at a time; results[i] for CPU i; done[i] false where it timed out.
 * Returns the number of CPUs that finished. */
u32 on_each_cpu(cpu_fn fn, void *arg, const u64 *mask, bool parallel, u64 timeout_us,
		long *results, bool *done);

#endif
