/* `caps diff [cpus]`: the differences among a selection of CPUs by name, each
 * against the first selected CPU whose capabilities were read. Pure: the
 * console (vmx/vmx_console.c) gives it what the boot read. */
#ifndef VMX_VMX_CAPDIFF_CPUS_H
#define VMX_VMX_CAPDIFF_CPUS_H

#include "kernel/types.h"
#include "vmx/vmx_capdiff.h"
#include "arch/x86_64/cpuinfo.h"

struct vmx_caps_cpu {
	const struct vmx_caps *caps;       /* NULL: not read */
	const struct cpuinfo_raw *mach;    /* NULL: not read (then only VMX is compared) */
	const char *why;                   /* why caps is NULL ("vmx=off", a detection reason) */
};

struct vmx_caps_diff_sum {
	u32 selected;      /* selected CPUs below n */
	u32 compared;      /* of them, with capabilities read (the reference included) */
	u32 differing;     /* compared CPUs with at least one difference from the reference */
	u32 ref;           /* the reference CPU; n when none was compared */
	size_t lines;      /* difference lines (not the "not compared" and verdict lines) */
};

/* For each selected CPU i (bit i of mask[i / 64]) in order: when not read,
 * "cpuI: not compared: WHY"; else, unless it is the reference, one line per
 * difference, "cpuI: " + a vmx_caps_diff() line, then a cpuinfo_diff() line
 * (both "... (cpuREF: ...)"). Last one verdict line, when a CPU was compared:
 *   "no differences among CPUs 0-3"          (2 or more compared, none differ)
 *   "cpu2 alone: nothing to compare it with" (1 compared)
 *   "2 of 4 CPUs differ from cpu0 (5 differences); CPUs compared: 0-3"
 * Lines go to line() one at a time. */
struct vmx_caps_diff_sum vmx_caps_diff_cpus(const struct vmx_caps_cpu *cpus, u32 n, const u64 *mask,
					    vmx_cap_line_fn line, void *ctx);

#endif
