/* CPU sets sized for the machine: a bitmap of ncpus bits (bit n of word n/64)
 * for any CPU count, and the resolution of a command-line CPU list
 * (struct cpu_list, parsed before the MADT is read) once the count is known.
 *
 * Pure: no allocation, no output; the caller owns the bitmap and prints err. */
#ifndef KERNEL_CPUSET_H
#define KERNEL_CPUSET_H

#include "kernel/types.h"
#include "kernel/cmdline.h"

/* u64 words of a set of ncpus CPUs. */
static inline u64 cpuset_words(u64 ncpus)
{
	return (ncpus + 63) / 64;
}

static inline bool cpuset_has(const u64 *bits, u64 ncpus, u64 cpu)
{
	return cpu < ncpus && (bits[cpu / 64] & (1ULL << (cpu % 64)));
}

void cpuset_fill(u64 *bits, u64 ncpus);          /* CPUs 0..ncpus-1, the rest of the words clear */
u64 cpuset_count(const u64 *bits, u64 ncpus);

/* l into bits (cpuset_words(ncpus) words) for a machine of ncpus CPUs; a list
 * not given (len 0) selects every CPU. A list naming a CPU >= ncpus is
 * refused: CMDLINE_ERANGE, bits all clear, and err names the lowest such
 * CPU: "no CPU 240 (240 CPUs: 0-239)". Other statuses only for a list that did
 * not come from the parser. */
int cpu_list_resolve(const struct cpu_list *l, u64 ncpus, u64 *bits, char *err, size_t errlen);

/* "0-3,5,7-239" for bits: ranges of consecutive CPUs, cut short with "..."
 * when buf is too small. Returns the length written. */
size_t cpuset_format(const u64 *bits, u64 ncpus, char *buf, size_t size);

#endif
