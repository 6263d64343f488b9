/*
 * The command console: a line editor fed by COM1 and the PS/2 keyboard
 * (kernel/console_line.c, kernel/kbd.c), echoing to every output; a
 * dispatch table checked before any action (kernel/console_cmd.c), and the
 * generic commands. VT-x commands live in vmx/vmx_console.c.
 */
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
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/irq.h"
#include "vmx/vmx_console.h"
#include "vmx/vmx_cmd.h"
#include "vmx/virt.h"
#include "vmx/virt_console.h"

static char err[CONSOLE_ERR_MAX];
static size_t boot_log_len;

void console_mark_boot_log(void)
{
	klog_buffer(&boot_log_len);
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

int con_cpus(const char *tok, u64 *mask)
{
	if (cpusel_parse(tok ? tok : "all", cpu_count, mask, err, sizeof(err)))
		return -1;
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

/* ---- generic commands ---- */

static const struct console_cmd table[];
static const size_t table_len;

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
	for (u32 i = 0; i < cpu_count; i++)
		con_printf("cpu%u: APIC ID %u, %s, %s\n", i, cpus[i].apic_id,
			   cpus[i].state == CPU_ONLINE ? "online" : "not online",
			   virt_cpu_on(i) ? "virtualized (VMX non-root, a guest of vmxboot's VMM)"
			   : vmx_cmd_cpu_in_vmx(i) ? "in VMX operation" : "not in VMX operation");
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
	u64 a, mask[4];
	if (parse_num(argv[1], 0xffffffffULL, &a, "MSR address") || con_cpus(argc > 2 ? argv[2] : 0, mask))
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
	u64 leaf, sub = 0, mask[4];
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
	if (con_cpus(sel, mask))
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
	return 0;
}

static int all_out_of_vmx(void)
{
	virt_off_all();                     /* every virtualized CPU brought out first */
	vmx_cmd_all_off();
	for (u32 i = 0; i < cpu_count; i++)
		if (vmx_cmd_cpu_in_vmx(i))
			return con_error("cpu%u is still in VMX operation; not going on", i);
	return 0;
}

static int cmd_reboot(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	if (all_out_of_vmx())
		return -1;
	con_printf("every CPU is out of VMX operation; rebooting\nok\n");
	platform_reboot();
}

static int cmd_poweroff(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	if (all_out_of_vmx())
		return -1;
	con_printf("every CPU is out of VMX operation; powering off\nok\n");
	platform_poweroff();
}

static int cmd_bench_smp(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	smp_print_table(con_printf);
	return 0;
}

static const struct console_cmd table[] = {
	{ "help", 0, 0, 0, "help", "list the commands", cmd_help },
	{ "cpus", 0, 0, 0, "cpus", "the per-CPU table", cmd_cpus },
	{ "caps", 0, 0, 2, "caps [cpu] [group]", "every VMX capability by SDM name (yes/no/forced/default)", cmd_caps },
	{ "caps", "raw", 0, 1, "caps raw [cpu]", "the raw must-be-1/may-be-1 masks", cmd_caps_raw },
	{ "fc", 0, 0, 1, "fc [cpus]", "IA32_FEATURE_CONTROL decoded", cmd_fc },
	{ "vmx", "on", 1, 1, "vmx on <cpus>", "VMXON (regions allocated)", cmd_vmx_on },
	{ "vmx", "off", 1, 1, "vmx off <cpus>", "VMXOFF (regions freed)", cmd_vmx_off },
	{ "vmx", "status", 0, 1, "vmx status [cpus]", "who is in VMX operation", cmd_vmx_status },
	{ "vmcs", "new", 1, 1, "vmcs new <cpus>", "make a VMCS; prints its id", cmd_vmcs },
	{ "vmcs", "load", 1, 2, "vmcs load <cpus> [id]", "VMPTRLD", cmd_vmcs },
	{ "vmcs", "clear", 1, 2, "vmcs clear <cpus> [id]", "VMCLEAR", cmd_vmcs },
	{ "vmcs", "store", 1, 1, "vmcs store <cpus>", "VMPTRST", cmd_vmcs },
	{ "vmcs", "read", 2, 2, "vmcs read <cpus> FIELD", "VMREAD (name or encoding)", cmd_vmcs },
	{ "vmcs", "write", 3, 3, "vmcs write <cpus> FIELD VALUE", "VMWRITE", cmd_vmcs },
	{ "vmcs", "free", 1, 2, "vmcs free <cpus> [id]", "VMCLEAR and free it", cmd_vmcs },
	{ "virt", "on", 1, 1, "virt on <cpus>", "virtualize: each CPU a guest of vmxboot's VMM", cmd_virt_on },
	{ "virt", "off", 1, 1, "virt off <cpus>", "devirtualize: back out of VMX operation", cmd_virt_off },
	{ "virt", "status", 0, 1, "virt status [cpus]", "virtualized or not, VM exits by reason", cmd_virt_status },
	{ "guest", "run", 1, 2, "guest run <cpus> [exits]", "launch the minimal guest", cmd_guest_run },
	{ "test", 0, 0, 2, "test [conformance|lifecycle|smp|all] [cpus]", "run the suites, print KTAP", cmd_test },
	{ "rdmsr", 0, 1, 2, "rdmsr ADDR [cpus]", "read an MSR (#GP caught)", cmd_rdmsr },
	{ "cpuid", 0, 1, 3, "cpuid LEAF [SUBLEAF] [cpus]", "execute CPUID", cmd_cpuid },
	{ "bench", "vmx", 0, 0, "bench vmx", "VMX instruction cycles, now", cmd_bench_vmx },
	{ "bench", "smp", 0, 0, "bench smp", "bring-up figures recorded at boot", cmd_bench_smp },
	{ "log", 0, 0, 0, "log", "replay the boot report", cmd_log },
	{ "reboot", 0, 0, 0, "reboot", "VMXOFF everywhere, then reset", cmd_reboot },
	{ "poweroff", 0, 0, 0, "poweroff", "VMXOFF everywhere, then power off", cmd_poweroff },
};
static const size_t table_len = ARRAY_SIZE(table);

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
	bool kbd = kbd_init();
	if (!serial_present() && !kbd) {
		kprintf("console: no serial port and no keyboard controller: nothing to type on; halted\n");
		halt_forever();
	}
	kprintf("console: input from %s%s%s\n", serial_present() ? "COM1" : "",
		serial_present() && kbd ? " and " : "", kbd ? "the PS/2 keyboard" : "");
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
			cpu_relax();
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
