/* The human tables' CPU ranges: per-CPU rows grouped into kinds of identical
 * rows, so that CPUs 1-14 with the same row as CPU 0 print as one row
 * "0-14" (or "0, 2-14"), and a CPU that differs gets a row of its own.
 * Pure: the tables (smp_report.c, vmx_report.c, guest_report.c,
 * conformance.c) build one key per CPU, the text of its row without the
 * CPU's own numbers (index, APIC ID, its pages), and print one row per kind. */
#ifndef KERNEL_RANGES_H
#define KERNEL_RANGES_H

#include "kernel/types.h"

#define RANGES_NONE 0xffffffffu   /* a CPU with no row in the table (an empty key) */

/* keys: n keys of stride bytes each, NUL-terminated (a key filling its whole
 * stride is compared over the stride). kind[i] becomes the kind of CPU i:
 * CPUs with equal keys share a kind, kinds are numbered 0, 1, ... in the order
 * of their first CPU, and an empty key gives RANGES_NONE. Returns the number
 * of kinds. */
u32 ranges_kinds(const char *keys, size_t stride, u32 n, u32 *kind);

/* The first CPU of kind k, or n when there is none. */
u32 ranges_first(const u32 *kind, u32 n, u32 k);

/* The members of kind k as a list: "7", "0-14", "0, 2-14", "1, 3, 5".
 * values NULL: the CPU indexes; else values[i] stands for CPU i (APIC IDs),
 * and a run continues while each member's value is the previous one's + 1.
 * A list that does not fit in size bytes ends in "...". Returns the number of
 * members (0: buf is ""); with size 0 (buf may be NULL) only counts them. */
u32 ranges_list(const u32 *kind, u32 n, u32 k, const u32 *values, char *buf, size_t size);

#endif
