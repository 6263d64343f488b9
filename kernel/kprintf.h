#ifndef KERNEL_KPRINTF_H
#define KERNEL_KPRINTF_H

#include "kernel/types.h"

/* A human line: printed whole (never interleaved with another CPU's) and
 * each line prefixed with "cpuN: ". */
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Machine lines (KTAP, summary): no prefix, still line-atomic. */
void kprintf_raw(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Bytes as they are (no prefix, no formatting; CR LF stays CR LF), to every
 * output kprintf writes to: the console's echo. */
void kwrite(const char *s, size_t n);
/* Used by panic: output without waiting long for the lock. */
void kprintf_panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Interrupt/NMI context: a human line if the print lock is free within
 * spins tries and not held by this CPU; false (nothing printed) otherwise. */
bool kprintf_try(u64 spins, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* From now on no output waits unboundedly for the print lock (panic). */
void kprintf_panic_mode(void);
/* The boot log kept in memory (the console's `log` command replays it). */
const char *klog_buffer(size_t *len);
/* Runs fn(arg) holding the print lock, so that no line is printed
 * meanwhile (serial.c replays the log to a port that joins late). */
void kprintf_locked(void (*fn)(void *arg), void *arg);
u64 klog_lost_bytes(void);   /* printed but not kept: the in-memory log was full */
/* Set when the prefix CPU index is known (0 before per-CPU state exists). */
void kprintf_set_prefix(bool on);

#endif
