/*
 * The serial console (mode=interactive, after the boot report): prompt
 * "vmxboot> ", each command prints its output and then exactly one line,
 * "ok" or "error: <reason>"; per-CPU results are "cpuN: ..." lines.
 * README.md documents every command.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include "kernel/types.h"
#include "kernel/console_cmd.h"

/*
 * Commands register themselves, as Linux collects initcalls: each subsystem
 * puts its struct console_cmd entries in the section .console_cmds with
 * CONSOLE_COMMAND (linker.ld keeps the section and brackets it with
 * __console_cmds_start/_end), and the console sorts them by `order` once at
 * start. `order` is the place in help: today help 10, cpus 20, VT-x (vmx/)
 * caps 30-32 ... test 80, rdmsr 90, cpuid 100, bench vmx 110, bench smp 111,
 * log 120, reboot 130, poweroff 140: a new subsystem picks free numbers.
 *
 *   CONSOLE_COMMAND(vmx_on, 50, "vmx", "on", 1, 1, "vmx on <cpus>", "VMXON", cmd_vmx_on);
 */
#define CONSOLE_ENTRY_(type, sec, id) \
	static const type id __attribute__((used, section(sec), aligned(8)))
#define CONSOLE_COMMAND(id, ord, name, sub, min, max, usage, help, fn) \
	CONSOLE_ENTRY_(struct console_cmd, ".console_cmds", console_cmd_##id) = \
		{ name, sub, min, max, usage, help, fn, ord }

/* Before reboot/poweroff the console calls every registered hook (section
 * .console_power_off). A hook returns 0 when its subsystem may be reset, or
 * -1 with con_error() set: the console then refuses to go on. `done` is
 * printed before "; rebooting" ("every CPU is out of VMX operation"). */
struct console_power_off_hook {
	int (*before)(void);
	const char *done;
};
#define CONSOLE_BEFORE_POWER_OFF(id, fn, done) \
	CONSOLE_ENTRY_(struct console_power_off_hook, ".console_power_off", console_poff_##id) = { fn, done }

/* What a subsystem adds to a CPU's line of the `cpus` command
 * ("cpu1: APIC ID 1, online, <note>"), section .console_cpu_notes. */
struct console_cpu_note {
	const char *(*note)(u32 cpu);
};
#define CONSOLE_CPU_NOTE(id, fn) \
	CONSOLE_ENTRY_(struct console_cpu_note, ".console_cpu_notes", console_note_##id) = { fn }

void console_run(void) __attribute__((noreturn));

/* for command handlers (kernel/console.c, vmx/vmx_console.c, ...) */
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
