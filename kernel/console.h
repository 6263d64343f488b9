/*
 * The serial console (mode=interactive, after the boot report): prompt
 * "vmxboot> ", each command prints its output and then exactly one line,
 * "ok" or "error: <reason>"; per-CPU results are "cpuN: ..." lines.
 * README.md documents every command.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"

void console_run(void) __attribute__((noreturn));

/* for command handlers (here and in vmx/vmx_console.c) */
void con_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int con_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));   /* returns -1 */
/* Parse a CPU selector token (NULL: default "all"); -1 with the error set. */
/* Parse a CPU selector into *mask: the console's one selection (cpu_count
 * bits, valid until the next call). */
int con_cpus(const char *tok, const u64 **mask);
bool con_selected(const u64 *mask, u32 cpu);
/* Run fn on each selected CPU, one at a time; reports CPUs that are not
 * online or do not answer. Returns the number that answered. */
u32 con_each(const u64 *mask, long (*fn)(void *), void *(*arg_for)(u32 cpu, void *ctx), void *ctx,
	     void (*after)(u32 cpu, void *arg, void *ctx));
void console_mark_boot_log(void);

#endif
