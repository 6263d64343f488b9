/* The boot CPU's wait for the APs after the start-up IPIs (smp_await.c):
 * it reads each AP's signs of life (the trampoline's list, ap_main's
 * arrive_tsc), asks the pure policy (smp_arrival.h) what to do, sends the
 * second start-up to the silent APs only, and reports who was slow. */
#ifndef ARCH_X86_64_SMP_AWAIT_H
#define ARCH_X86_64_SMP_AWAIT_H

#include "kernel/types.h"

struct cpu;

/* prepare_trampoline: the APIC ID list after the copied trampoline, empty */
void smp_await_prepare(u8 *page);
/* start_aps, after the first round of start-up IPIs: until every AP is
 * online or given up; restarts (smp.c) those marked restart_wanted */
void smp_await_arrivals(u8 vector, bool deassert);
/* start_aps: the line for an AP given up (it did not come online) */
void smp_await_report_missing(const struct cpu *c);
/* start_aps, after the state of every AP is final: the slow APs' line */
void smp_await_report_slow(void);

/* smp_print_ipi_costs: the "smp: AP start:" line (smp_stamps.h) */
void smp_await_print_stamps(void (*pr)(const char *fmt, ...));

/* INIT-SIPI-SIPI again to every CPU_STARTING AP with restart_wanted */
u32 smp_restart_stragglers(u8 vector, bool deassert);
/* smp.c: count and print an IPI's APIC error status (smp/no_ipi_errors) */
void smp_check_esr(u32 esr, const char *what, const struct cpu *c);

#endif
