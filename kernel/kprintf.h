#ifndef KERNEL_KPRINTF_H
#define KERNEL_KPRINTF_H

#include "kernel/types.h"

/* A human line: printed whole (never interleaved with another CPU's) and
 * each line prefixed with "cpuN: ". */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Machine lines (KTAP, summary): no prefix, still line-atomic. */
void kprintf_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Used by panic: output without waiting long for the lock. */
void kprintf_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* From now on no output waits unboundedly for the print lock (panic). */
void kprintf_panic_mode(void);
/* The boot log kept in memory (the console's `log` command replays it). */
const char *klog_buffer(size_t *len);
u64 klog_lost_bytes(void);   /* printed but not kept: the in-memory log was full */
/* Set when the prefix CPU index is known (0 before per-CPU state exists). */
void kprintf_set_prefix(bool on);

#endif
