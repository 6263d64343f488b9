/* The brief form's human tables: rows of a per-CPU table folded into runs of
 * consecutive CPUs (with consecutive APIC IDs) whose row text, less the
 * CPU's own numbers, is the same; one figure that may differ per CPU (a
 * time) is kept as its range over the run. Pure: emit prints a run. */
#ifndef KERNEL_FOLD_H
#define KERNEL_FOLD_H

#include "kernel/types.h"

#define FOLD_KEY_MAX 256

struct fold_run {
	bool open;
	u32 first, last;           /* CPU indexes */
	u32 id_first, id_last;     /* APIC IDs */
	u64 lo, hi;                /* the figure's range over the run */
	char key[FOLD_KEY_MAX];    /* the row's text without the CPU's own numbers */
};
typedef void (*fold_emit)(const struct fold_run *r, void *ctx);

/* Add CPU cpu's row; emits the open run first when this row does not extend
 * it (another key, or not the next CPU and APIC ID). A key longer than
 * FOLD_KEY_MAX - 1 is cut. */
void fold_row(struct fold_run *r, u32 cpu, u32 apic_id, u64 figure, const char *key, fold_emit emit, void *ctx);
/* Emit the open run, if any (call after the last row, or before an unfolded row). */
void fold_end(struct fold_run *r, fold_emit emit, void *ctx);
/* "7" or "1-239" */
void fold_range(char *buf, size_t size, u32 a, u32 b);

#endif
