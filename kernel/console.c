/*
 * The command console: a line editor fed by COM1 and the PS/2 keyboard
 * (kernel/console_line.c, kernel/kbd.c), echoing to every output; a
 * dispatch table checked before any action (kernel/console_cmd.c), and the
 * generic commands. Every command registers itself (CONSOLE_COMMAND in
 * console.h): the VT-x ones live in vmx/vmx_console.c, and this file names
 * none of them.
 */
#include "arch/x86_64/wait.h"
#include <stdarg.h>
#include "kernel/console.h"
#include "kernel/console_cmd.h"
#include "kernel/console_line.h"
#include "kernel/format.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/options.h"
#include "kernel/platform.h"
#include "kernel/serial.h"
#include "kernel/kbd.h"
#include "kernel/kbd_decode.h"
#include "kernel/panic.h"
#include "kernel/lib.h"
#include "kernel/cpuset.h"
#include "kernel/pmm.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/irq.h"

static char err[CONSOLE_ERR_MAX];
static size_t boot_log_len;
static u64 boot_log_lost;

void console_mark_boot_log(void)
{
	klog_buffer(&boot_log_len);
	boot_log_lost = klog_lost_bytes();
}

void con_printf(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf_raw("%s", buf);
}

int con_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	kvsnprintf(err, sizeof(err), fmt, ap);
	va_end(ap);
	return -1;
}

int con_cpus(const char *tok, const u64 **mask)
{
	static u64 *sel;   /* sized for cpu_count, which is fixed once the console runs */
	if (!sel)
		sel = (u64 *)(uintptr_t)page_alloc(ALIGN_UP(cpuset_words(cpu_count) * sizeof(u64), PAGE_SIZE) / PAGE_SIZE);
	if (!sel)
		return con_error("out of memory for a CPU selection of %u CPUs", cpu_count);
	if (cpusel_parse(tok ? tok : "all", cpu_count, sel, err, sizeof(err)))
		return -1;
	*mask = sel;
	return 0;
}

bool con_selected(const u64 *mask, u32 cpu)
{
	return cpu_in_mask(mask, cpu);
}

u32 con_each(const u64 *mask, long (*fn)(void *), void *(*arg_for)(u32, void *), void *ctx,
	     void (*after)(u32, void *, void *))
{
	u32 n = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!con_selected(mask, i))
			continue;
		if (cpus[i].state != CPU_ONLINE) {
			con_printf("cpu%u: not online (APIC ID %u)\n", i, cpus[i].apic_id);
			continue;
		}
		void *arg = arg_for ? arg_for(i, ctx) : ctx;
		if (!on_cpu(i, fn, arg, ON_CPU_TIMEOUT_US, 0)) {
			con_printf("cpu%u: did not answer within %llu ms\n", i, ON_CPU_TIMEOUT_US / 1000);
			continue;
		}
		n++;
		if (after)
			after(i, arg, ctx);
	}
	return n;
}

/* ---- the registered commands and hooks (linker.ld) ---- */

extern const struct console_cmd __console_cmds_start[], __console_cmds_end[];
extern const struct console_power_off_hook __console_power_off_start[], __console_power_off_end[];
extern const struct console_cpu_note __console_cpu_notes_start[], __console_cpu_notes_end[];

/* the console's longest sleep between looks at the UART and keyboard: well inside the
 * 1.39 ms a 16-byte receive FIFO takes to fill at 115200 baud (Bochs drops what overflows) */
#define CONSOLE_POLL_US 500
#define CONSOLE_CMDS_MAX 64
static struct console_cmd table[CONSOLE_CMDS_MAX];   /* sorted copy: console_sort */
static size_t table_len;

/* Collect, sort and check the registered commands once, before the first prompt. */
static void console_collect(void)
{
	uintptr_t bytes = (uintptr_t)__console_cmds_end - (uintptr_t)__console_cmds_start;
	if (bytes % sizeof(struct console_cmd))   /* an entry padded or misplaced: the array is not one */
		kprintf("console: .console_cmds holds %lu bytes, not a multiple of %zu: the commands may be garbled\n",
			(unsigned long)bytes, sizeof(struct console_cmd));
	size_t n = bytes / sizeof(struct console_cmd);
	if (n > CONSOLE_CMDS_MAX) {
		kprintf("console: %zu commands registered, room for %u: the last %zu are left out\n", n,
			CONSOLE_CMDS_MAX, n - CONSOLE_CMDS_MAX);
		n = CONSOLE_CMDS_MAX;
	}
	memcpy(table, __console_cmds_start, n * sizeof(table[0]));
	console_sort(table, n);
	size_t dup;
	while ((dup = console_shadowed(table, n)) < n) {   /* unreachable by console_match: say so, drop it */
		kprintf("console: command '%s%s%s' registered twice: the second (\"%s\") is left out\n",
			table[dup].name, table[dup].sub ? " " : "", table[dup].sub ? table[dup].sub : "",
			table[dup].usage ? table[dup].usage : table[dup].name);
		memmove(&table[dup], &table[dup + 1], (n - dup - 1) * sizeof(table[0]));
		n--;
	}
	table_len = n;
}

/* ---- generic commands ---- */

static void help_line(void *ctx, const char *line)
{
	(void)ctx;
	con_printf("%s\n", line);
}

static int cmd_help(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	console_help(table, table_len, help_line, 0);
	return 0;
}

static int cmd_cpus(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	smp_print_table(con_printf);
	for (u32 i = 0; i < cpu_count; i++) {
		char line[160];
		size_t pos = (size_t)ksnprintf(line, sizeof(line), "cpu%u: APIC ID %u, %s", i, cpus[i].apic_id,
					       cpus[i].state == CPU_ONLINE ? "online" : "not online");
		for (const struct console_cpu_note *n = __console_cpu_notes_start; n < __console_cpu_notes_end; n++)
			if (pos < sizeof(line))
				pos += (size_t)ksnprintf(line + pos, sizeof(line) - pos, ", %s", n->note(i));
		con_printf("%s\n", line);
	}
	return 0;
}

struct msr_arg {
	u32 msr;
	u64 val;
	int vec;
};

static long do_rdmsr(void *arg)
{
	struct msr_arg *m = arg;
	m->vec = rdmsr_safe(m->msr, &m->val);
	return 0;
}

static void show_msr(u32 cpu, void *arg, void *ctx)
{
	(void)ctx;
	struct msr_arg *m = arg;
	if (m->vec)
		con_printf("cpu%u: RDMSR 0x%x: #%s (vector %d)\n", cpu, m->msr, m->vec == VEC_GP ? "GP" : "?", m->vec);
	else
		con_printf("cpu%u: MSR 0x%x = 0x%lx\n", cpu, m->msr, m->val);
}

static int parse_num(const char *tok, u64 max, u64 *v, const char *what)
{
	if (parse_u64(tok, strlen(tok), v) || *v > max)
		return con_error("bad %s '%s' (a number up to 0x%lx, decimal or 0x hex)", what, tok, max);
	return 0;
}

static int cmd_rdmsr(void *ctx, int argc, char **argv)
{
	(void)ctx;
	u64 a;
	const u64 *mask;
	if (parse_num(argv[1], 0xffffffffULL, &a, "MSR address") || con_cpus(argc > 2 ? argv[2] : 0, &mask))
		return -1;
	static struct msr_arg m;   /* static: a CPU that times out may still write it */
	m = (struct msr_arg){ .msr = (u32)a };
	con_each(mask, do_rdmsr, 0, &m, show_msr);
	return 0;
}

struct cpuid_arg {
	u32 leaf, sub;
	struct cpuid_regs r;
};

static long do_cpuid(void *arg)
{
	struct cpuid_arg *c = arg;
	c->r = cpuid_count(c->leaf, c->sub);
	return 0;
}

static void show_cpuid(u32 cpu, void *arg, void *ctx)
{
	(void)ctx;
	struct cpuid_arg *c = arg;
	con_printf("cpu%u: CPUID 0x%x.%u: eax=0x%08x ebx=0x%08x ecx=0x%08x edx=0x%08x\n", cpu, c->leaf, c->sub,
		   c->r.eax, c->r.ebx, c->r.ecx, c->r.edx);
}

static int cmd_cpuid(void *ctx, int argc, char **argv)
{
	(void)ctx;
	u64 leaf, sub = 0;
	const u64 *mask;
	if (parse_num(argv[1], 0xffffffffULL, &leaf, "leaf"))
		return -1;
	/* "cpuid LEAF SEL" and "cpuid LEAF SUBLEAF SEL": a selector is never a plain number > ... so the
	 * 3-word form is always LEAF SUBLEAF SEL, the 2-word form LEAF SEL */
	const char *sel = 0;
	if (argc == 4) {
		if (parse_num(argv[2], 0xffffffffULL, &sub, "subleaf"))
			return -1;
		sel = argv[3];
	} else if (argc == 3) {
		sel = argv[2];
	}
	if (con_cpus(sel, &mask))
		return -1;
	static struct cpuid_arg c;   /* static: a CPU that times out may still write it */
	c = (struct cpuid_arg){ (u32)leaf, (u32)sub, { 0, 0, 0, 0 } };
	con_each(mask, do_cpuid, 0, &c, show_cpuid);
	return 0;
}

static int cmd_log(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	size_t len;
	const char *b = klog_buffer(&len);
	/* replay the boot report only (what was printed before the first prompt) */
	kwrite(b, boot_log_len < len ? boot_log_len : len);   /* to every output */
	if (boot_log_lost)   /* a full report of a big machine: say so rather than stop mid-line */
		return con_error("the log in memory kept only the first %lu bytes; %lu more were not kept "
				 "(try report=brief)", (u64)boot_log_len, boot_log_lost);
	return 0;
}

/* Every registered "before power off" hook, in link order; the first that
 * refuses stops it. Then "<done>; <done>; rebooting" and ok. */
static int before_power_off(const char *what)
{
	char line[200];
	size_t pos = 0;
	line[0] = 0;
	for (const struct console_power_off_hook *h = __console_power_off_start; h < __console_power_off_end; h++) {
		if (h->before())
			return -1;
		if (h->done && pos < sizeof(line))
			pos += (size_t)ksnprintf(line + pos, sizeof(line) - pos, "%s; ", h->done);
	}
	con_printf("%s%s\nok\n", line, what);
	return 0;
}

static int cmd_reboot(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	if (before_power_off("rebooting"))
		return -1;
	platform_reboot();
}

static int cmd_poweroff(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	if (before_power_off("powering off"))
		return -1;
	platform_poweroff();
}

static int cmd_bench_smp(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	smp_print_table(con_printf);
	smp_print_waits(con_printf);
	smp_print_ipi_costs(con_printf);
	return 0;
}

/* the generic commands; `order` places them in help among the others (console.h) */
CONSOLE_COMMAND(help, 10, "help", 0, 0, 0, "help", "list the commands", cmd_help);
CONSOLE_COMMAND(cpus, 20, "cpus", 0, 0, 0, "cpus", "the per-CPU table", cmd_cpus);
CONSOLE_COMMAND(rdmsr, 90, "rdmsr", 0, 1, 2, "rdmsr ADDR [cpus]", "read an MSR (#GP caught)", cmd_rdmsr);
CONSOLE_COMMAND(cpuid, 100, "cpuid", 0, 1, 3, "cpuid LEAF [SUBLEAF] [cpus]", "execute CPUID", cmd_cpuid);
CONSOLE_COMMAND(bench_smp, 111, "bench", "smp", 0, 0, "bench smp", "bring-up figures recorded at boot",
		cmd_bench_smp);
CONSOLE_COMMAND(log, 120, "log", 0, 0, 0, "log", "replay the boot report", cmd_log);
CONSOLE_COMMAND(reboot, 130, "reboot", 0, 0, 0, "reboot", "VMXOFF everywhere, then reset", cmd_reboot);
CONSOLE_COMMAND(poweroff, 140, "poweroff", 0, 0, 0, "poweroff", "VMXOFF everywhere, then power off", cmd_poweroff);

static void execute(char *line)
{
	char *argv[CONSOLE_MAX_ARGS];
	int argc = console_tokenize(line, argv, CONSOLE_MAX_ARGS, err, sizeof(err));
	if (argc == 0)
		return;                        /* empty line: just a new prompt */
	const struct console_cmd *c = argc < 0 ? 0 : console_match(table, table_len, argc, argv, err, sizeof(err));
	if (!c) {
		con_printf("error: %s\n", err);
		return;
	}
	err[0] = 0;
	if (c->handler(0, argc, argv))
		con_printf("error: %s\n", err[0] ? err : "failed");
	else
		con_printf("ok\n");
}

static void echo(const struct le_output *o)
{
	kwrite((const char *)o->bytes, o->len);   /* serial and screen alike */
}

/* One input event: a serial byte through le_feed(), or a keyboard key
 * through le_key() (its arrows as the editor's history keys). */
static int next_input(struct line_editor *le, struct le_output *out, enum le_event *ev)
{
	int b = serial_getc();
	if (b >= 0) {
		*ev = le_feed(le, (u8)b, out);
		return 1;
	}
	int k = kbd_poll();
	if (k == KBD_NONE)
		return 0;
	*ev = le_key(le, k == KBD_KEY_UP ? LE_KEY_UP : k == KBD_KEY_DOWN ? LE_KEY_DOWN : k, out);
	return 1;
}

void console_run(void)
{
	static struct line_editor le;
	static struct le_output out;
	bool kbd = kbd_present();   /* programmed at boot (the console: line) */
	kprintf("%s", kbd_status()); /* said again here, where the user is looking */
	if (!serial_present() && !kbd) {
		kprintf("console: no serial port and no keyboard controller: nothing to type on; halted\n");
		halt_forever();
	}
	kprintf("console: input from %s%s%s\n", serial_present() ? "COM1" : "",
		serial_present() && kbd ? " and " : "", kbd ? "the PS/2 keyboard" : "");
	console_collect();
	le_init(&le);
	con_printf("console: type 'help' for the commands\nvmxboot> ");
	irq_console_idle(true);
	for (;;) {
		enum le_event ev;
		if (!next_input(&le, &out, &ev)) {
			if (irq_pending()) {         /* an NMI's line: on a line of its own, then the prompt again */
				con_printf("\n");
				irq_flush();
				con_printf("vmxboot> %s", le.buf);
			}
			wait_idle(CONSOLE_POLL_US);  /* hlt until an interrupt or the APIC timer (arch/x86_64/wait.c) */
			continue;
		}
		echo(&out);
		switch (ev) {
		case LE_LINE: {
			char *line = le_line(&le);   /* the editor already echoed the newline */
			irq_console_idle(false);
			execute(line);
			irq_flush();
			con_printf("vmxboot> ");
			irq_console_idle(true);
			break;
		}
		case LE_TOO_LONG:
			le_too_long_message(&le, err, sizeof(err));
			con_printf("error: %s\nvmxboot> ", err);
			break;
		case LE_DROPPED:                 /* "^C" and a newline were echoed */
			con_printf("vmxboot> ");
			break;
		default:
			break;
		}
	}
}
