/* The brief form of the KTAP document, for machines with many CPUs: in each
 * top-level suite, a per-CPU group (`cpuN` with children) is printed in full
 * only when it holds a failure; the other CPUs are folded by identical results
 * (same tests, same results, same SKIP/XFAIL reasons) into one group per kind,
 * `cpus_like_cpuN` (N: its first CPU), holding that CPU's results once and
 * preceded by diagnostic lines listing the CPUs as ranges:
 *
 *     # cpus_like_cpu0: 239 CPUs: 0-5,7-239
 *       KTAP version 1
 *       1..4
 *       ok 1 online
 *       ...
 *     ok 3 cpus_like_cpu0
 *
 * It is valid KTAP; the counts of the summary line are those of the printed
 * tree (ktap_brief_count). Pure, like kernel/ktap.c. Marks the tree (the
 * `like` field): call from one CPU once the results are in. */
#ifndef KERNEL_KTAP_BRIEF_H
#define KERNEL_KTAP_BRIEF_H

#include "kernel/ktap.h"

/* At most this many different kinds of CPU per suite are folded; CPUs of
 * further kinds are printed in full. */
#define KTAP_BRIEF_KINDS 16

/* report=auto|full|brief (the enum order of kernel/options.c): auto is brief
 * when more than KTAP_BRIEF_ABOVE CPUs are online (unknown, < 0: full). */
enum { KTAP_FORM_AUTO = 0, KTAP_FORM_FULL, KTAP_FORM_BRIEF };
#define KTAP_BRIEF_ABOVE 64   /* report.c's "more than 64" line says the same */
bool ktap_brief_chosen(unsigned form, long cpus_online);

void ktap_brief_print(void (*line)(const char *text, void *ctx), void *ctx);
struct ktap_counts ktap_brief_count(void);
/* Is this the name of a per-CPU group ("cpu" and a decimal index)? */
bool ktap_cpu_group_name(const char *name, u32 *index);

#endif
