/*
 * The VT-x console commands: each parses and checks all of its arguments
 * before touching any CPU (never a partial action on bad input), then runs
 * on the selected CPUs one at a time and prints one "cpuN: ..." line each,
 * with the result exactly as the CPU gave it. They register themselves
 * (CONSOLE_COMMAND, kernel/console.h) at the end of this file, with the hook
 * that takes every CPU out of VMX operation before reboot/poweroff.
 */
#include "vmx/vmx_cmd.h"
#include "vmx/vmx.h"
#include "vmx/vmx_capdecode.h"
#include "kernel/format.h"
#include "vmx/guest.h"
#include "vmx/conformance.h"
#include "vmx/vmcs_fields.h"
#include "vmx/vmcs_parse.h"
#include "vmx/vmx_capdiff_cpus.h"
#include "kernel/console.h"
#include "kernel/kprintf.h"
#include "kernel/ktap.h"
#include "kernel/ktap_brief.h"
#include "kernel/options.h"
#include "kernel/report.h"
#include "kernel/lib.h"
#include "kernel/pmm.h"
#include "arch/x86_64/smp.h"
#include "vmx/virt.h"
#include "vmx/virt_console.h"

/* ok only when every selected CPU answered and did it (the CPU's own word is in the cpuN line) */
static int each(const char *sel, struct vmx_cmd *tmpl)
{
	const u64 *mask;
	u32 failed = 0, want = 0;
	if (con_cpus(sel, &mask))
		return -1;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!con_selected(mask, i))
			continue;
		want++;
		static void *slots_;   /* kept: a CPU that times out may still write its slot */
		struct vmx_cmd *c = &((struct vmx_cmd *)cpu_array(&slots_, sizeof(struct vmx_cmd)))[i];
		*c = *tmpl;                         /* a fresh request per CPU */
		if (cpus[i].state != CPU_ONLINE) {
			con_printf("cpu%u: not online (APIC ID %u)\n", i, cpus[i].apic_id);
			failed++;
		} else if (tmpl->op != VCMD_STATUS && virt_cpu_on(i)) {
			con_printf("cpu%u: refused: virtualized, VT-x belongs to vmxboot's VMM (virt off %u first)\n", i, i);
			failed++;
		} else if (!on_cpu(i, vmx_cmd_run, c, ON_CPU_TIMEOUT_US, 0)) {
			con_printf("cpu%u: did not answer within %llu ms\n", i, ON_CPU_TIMEOUT_US / 1000);
			failed++;
		} else {
			con_printf("cpu%u: %s\n", i, c->msg);
			failed += !c->ok || (c->insn_ran && !vmx_ok(c->res));
		}
	}
	if (failed)
		return con_error("%u of %u CPUs did not do it (see the cpuN lines)", failed, want);
	return 0;
}

static int cmd_vmx_on(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc;
	struct vmx_cmd c = { .op = VCMD_ON, .id = -1 };
	return each(argv[2], &c);
}

static int cmd_vmx_off(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc;
	struct vmx_cmd c = { .op = VCMD_OFF, .id = -1 };
	return each(argv[2], &c);
}

static int cmd_vmx_status(void *ctx, int argc, char **argv)
{
	(void)ctx;
	struct vmx_cmd c = { .op = VCMD_STATUS, .id = -1 };
	return each(argc > 2 ? argv[2] : 0, &c);
}

static int cmd_vmcs(void *ctx, int argc, char **argv)
{
	(void)ctx;
	static const struct { const char *sub; enum vmx_cmd_op op; } ops[] = {
		{ "new", VCMD_VMCS_NEW }, { "load", VCMD_VMCS_LOAD }, { "clear", VCMD_VMCS_CLEAR },
		{ "store", VCMD_VMCS_STORE }, { "read", VCMD_VMCS_READ }, { "write", VCMD_VMCS_WRITE },
		{ "free", VCMD_VMCS_FREE },
	};
	struct vmx_cmd c = { .id = -1 };
	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(argv[1], ops[i].sub))
			c.op = ops[i].op;
	char e[CONSOLE_ERR_MAX];
	if (c.op == VCMD_VMCS_READ || c.op == VCMD_VMCS_WRITE) {
		if (vmcs_field_parse(argv[3], &c.field, e, sizeof(e)))
			return con_error("%s", e);
		if (c.op == VCMD_VMCS_WRITE && vmcs_value_parse(argv[4], c.field, &c.value, e, sizeof(e)))
			return con_error("%s", e);
	} else if (argc > 3) {
		u64 id;
		if (parse_u64(argv[3], strlen(argv[3]), &id) || id >= VMX_CMD_MAX_VMCS)
			return con_error("bad VMCS id '%s' (0-%d, as 'vmcs new' printed)", argv[3], VMX_CMD_MAX_VMCS - 1);
		c.id = (int)id;
	}
	return each(argv[2], &c);
}

/* the CPU whose capabilities a caps command shows, or an error */
static int caps_cpu(const char *arg, u64 *cpu)
{
	*cpu = 0;
	if (arg && (parse_u64(arg, strlen(arg), cpu) || *cpu >= cpu_count))
		return con_error("no CPU '%s' (%u CPUs: 0-%u)", arg, cpu_count, cpu_count - 1);
	if (!vmx_cpus || !vmx_cpus[*cpu].caps_read)
		return con_error("cpu%lu: no VMX capabilities (%s)", *cpu,
				 vmx_cpus ? vmx_detect_reason_text(vmx_cpus[*cpu].det.verdict) : "vmx=off");
	return 0;
}

static bool is_number(const char *s)
{
	u64 v;
	return parse_u64(s, strlen(s), &v) == 0;
}

static void con_line(const char *line, void *ctx)
{
	(void)ctx;
	con_printf("%s\n", line);
}

/* caps [cpu] [group]: every capability by SDM name, in vmxcap's states */
static int cmd_caps(void *ctx, int argc, char **argv)
{
	(void)ctx;
	const char *cpu_arg = 0, *group = 0;
	for (int i = 1; i < argc; i++) {
		if (!cpu_arg && !group && is_number(argv[i]))
			cpu_arg = argv[i];
		else if (!group)
			group = argv[i];
		else
			return con_error("usage: caps [cpu] [group]");
	}
	if (group && !strcmp(group, "machine")) {
		u64 cpu = 0;
		if (cpu_arg && (parse_u64(cpu_arg, strlen(cpu_arg), &cpu) || cpu >= cpu_count))
			return con_error("no CPU '%s' (%u CPUs: 0-%u)", cpu_arg, cpu_count, cpu_count - 1);
		if (!vmx_cpus || !vmx_cpus[cpu].mach.leaf0[0])
			return con_error("cpu%lu: not read (vmx=off, or the CPU did not run the VT-x job)", cpu);
		cpuinfo_describe(&vmx_cpus[cpu].mach, con_line, 0);
		return 0;
	}
	const struct vmx_cap_group *only = group ? vmx_cap_group_by_key(group) : 0;
	if (group && !only) {
		char keys[160];
		size_t pos = 0;
		for (size_t i = 0; i < vmx_cap_groups_count && pos < sizeof(keys); i++)
			pos += (size_t)ksnprintf(keys + pos, sizeof(keys) - pos, "%s ", vmx_cap_groups[i].key);
		return con_error("unknown group '%.16s' (%smachine)", group, keys);
	}
	u64 cpu;
	if (caps_cpu(cpu_arg, &cpu))
		return 1;
	vmx_print_caps_named(&vmx_cpus[cpu].caps, only, con_printf, "");
	return 0;
}

/* caps raw [cpu]: the must-be-1/may-be-1 masks as at boot */
static int cmd_caps_raw(void *ctx, int argc, char **argv)
{
	(void)ctx;
	u64 cpu;
	if (caps_cpu(argc > 2 ? argv[2] : 0, &cpu))
		return 1;
	vmx_print_caps(&vmx_cpus[cpu].caps, con_printf);
	return 0;
}

/* caps diff [cpus]: each selected CPU against the first, by name, as at boot */
static int cmd_caps_diff(void *ctx, int argc, char **argv)
{
	(void)ctx;
	const u64 *mask;
	if (con_cpus(argc > 2 ? argv[2] : 0, &mask))
		return -1;
	u32 n = cpu_count;
	u64 pages = ALIGN_UP((u64)n * sizeof(struct vmx_caps_cpu), PAGE_SIZE) / PAGE_SIZE;
	struct vmx_caps_cpu *view = (struct vmx_caps_cpu *)(uintptr_t)page_alloc(pages);
	if (!view)
		return con_error("out of memory for %u CPUs", n);
	for (u32 i = 0; i < n; i++) {
		const struct vmx_cpu *v = vmx_cpus ? &vmx_cpus[i] : 0;
		view[i].caps = v && v->caps_read ? &v->caps : 0;
		view[i].mach = v && v->mach.leaf0[0] ? &v->mach : 0;
		view[i].why = !v ? "vmx=off"
			    : cpus[i].state != CPU_ONLINE ? "not online"
			    : !cpu_in_mask(opt.vmx_cpus, i) ? "not in vmx.cpus"
			    : vmx_detect_reason_text(v->det.verdict);
	}
	struct vmx_caps_diff_sum sum = vmx_caps_diff_cpus(view, n, mask, con_line, 0);
	page_free((u64)(uintptr_t)view, pages);
	if (!sum.compared)
		return con_error("nothing to compare: none of the %u selected CPUs has its VMX capabilities read",
				 sum.selected);
	return 0;
}

struct fc_arg {
	u64 val;
	int vec;
	bool vmx;
	bool at_boot;   /* the CPU is virtualized: the host's value, read at boot */
};

static long read_fc(void *arg)
{
	struct fc_arg *f = arg;
	u32 me = this_cpu()->index;
	f->at_boot = virt_cpu_on(me);
	if (f->at_boot) {   /* the guest would see the VMM's answer: show the host's instead */
		f->vmx = vmx_cpus[me].in.cpuid1_ecx & CPUID1_ECX_VMX;
		f->vec = vmx_cpus[me].in.feature_control_read ? 0 : VEC_GP;
		f->val = vmx_cpus[me].in.feature_control;
		return 0;
	}
	f->vmx = cpuid(1).ecx & CPUID1_ECX_VMX;
	f->vec = f->vmx ? rdmsr_safe(MSR_IA32_FEATURE_CONTROL, &f->val) : 0;
	return 0;
}

static void show_fc(u32 cpu, void *arg, void *ctx)
{
	(void)ctx;
	struct fc_arg *f = arg;
	if (!f->vmx)
		con_printf("cpu%u: no VMX (CPUID.1:ECX bit 5 clear): IA32_FEATURE_CONTROL not read\n", cpu);
	else if (f->vec)
		con_printf("cpu%u: RDMSR IA32_FEATURE_CONTROL gave vector %d\n", cpu, f->vec);
	else
		con_printf("cpu%u: IA32_FEATURE_CONTROL 0x%lx: lock %s, VMXON inside SMX %s, VMXON outside SMX %s%s\n",
			   cpu, f->val, f->val & 1 ? "set" : "clear", f->val & 2 ? "enabled" : "disabled",
			   f->val & 4 ? "enabled" : "disabled", f->at_boot ? " (read at boot: virtualized now)" : "");
}

static int cmd_fc(void *ctx, int argc, char **argv)
{
	(void)ctx;
	const u64 *mask;
	if (con_cpus(argc > 1 ? argv[1] : 0, &mask))
		return -1;
	static struct fc_arg f;   /* static: a CPU that times out may still write it */
	con_each(mask, read_fc, 0, &f, show_fc);
	return 0;
}

static int refuse_if_in_vmx(void)
{
	if (virt_refuse(0))
		return -1;
	for (u32 i = 0; i < cpu_count; i++)
		if (vmx_cmd_cpu_in_vmx(i))
			return con_error("cpu%u is in VMX operation from 'vmx on': run 'vmx off %u' first", i, i);
	return 0;
}

static void show_guest(u32 cpu, void *arg, void *ctx)
{
	(void)arg;
	u32 *failed = ctx;
	const struct guest_cpu *g = &guest_cpus[cpu];
	if (!g->ran)
		con_printf("cpu%u: no guest: %s\n", cpu, vmx_cpus[cpu].det.usable ? "the VMX lifecycle failed at boot"
						: vmx_detect_reason_text(vmx_cpus[cpu].det.verdict));
	else
		vmx_guest_print_cpu(con_printf, cpu);
	*failed += !g->done;
}

static int cmd_guest_run(void *ctx, int argc, char **argv)
{
	(void)ctx;
	const u64 *mask;
	u64 exits = opt.vmx_exits;
	if (con_cpus(argv[2], &mask))
		return -1;
	if (argc > 3 && (parse_u64(argv[3], strlen(argv[3]), &exits) || exits > 100000))
		return con_error("bad exit count '%s' (0-100000)", argv[3]);
	if (refuse_if_in_vmx())
		return -1;
	if (!vmx_cpus || !guest_cpus)
		return con_error("VT-x was not set up at boot (vmx=off or vmx.guest=off, or no VT-x)");
	u64 saved = opt.vmx_exits;
	u32 failed = 0, want = 0;
	for (u32 i = 0; i < cpu_count; i++)
		want += con_selected(mask, i);
	opt.vmx_exits = exits;
	u32 answered = con_each(mask, vmx_guest_job, 0, &failed, show_guest);
	opt.vmx_exits = saved;
	if (failed || answered != want)
		return con_error("the guest did not reach done on %u of %u CPUs", failed + want - answered, want);
	return 0;
}

static void ktap_line(const char *text, void *ctx)
{
	(void)ctx;
	con_printf("%s\n", text);
}

static int cmd_test(void *ctx, int argc, char **argv)
{
	(void)ctx;
	const char *which = argc > 1 ? argv[1] : "all";
	bool conf = !strcmp(which, "conformance"), life = !strcmp(which, "lifecycle"),
	     smp = !strcmp(which, "smp"), all = !strcmp(which, "all");
	if (!conf && !life && !smp && !all)
		return con_error("unknown suite '%s' (conformance, lifecycle, smp or all)", which);
	const u64 *mask;
	if (con_cpus(argc > 2 ? argv[2] : 0, &mask) || refuse_if_in_vmx())
		return -1;
	const u64 *saved = opt.vmx_cpus;
	opt.vmx_cpus = mask;
	ktap_reset();
	if (smp || all)
		smp_run_checks();
	if (life || all || conf)
		vmx_run_all();              /* conformance needs the capabilities it reads */
	if (life || all)
		vmx_guest_report();
	if (conf || all)
		vmx_conformance_run();
	opt.vmx_cpus = saved;
	bool brief = report_brief();   /* as the boot report: folded on a big machine */
	if (brief)
		ktap_brief_print(ktap_line, 0);
	else
		ktap_print(ktap_line, 0);
	struct ktap_counts c = brief ? ktap_brief_count() : ktap_count();
	con_printf("test: %u passed, %u failed, %u skipped, %u xfail\n", c.passed, c.failed, c.skipped, c.xfail);
	return c.failed ? con_error("%u tests failed", c.failed) : 0;
}

static int cmd_bench_vmx(void *ctx, int argc, char **argv)
{
	(void)ctx, (void)argc, (void)argv;
	if (refuse_if_in_vmx())
		return -1;
	if (!vmx_cpus)
		return con_error("VT-x was not set up at boot");
	vmx_bench();
	return 0;
}

/* Before reboot/poweroff: INIT is blocked in VMX root operation, so every CPU leaves it first */
static int vmx_before_power_off(void)
{
	virt_off_all();                     /* every virtualized CPU brought out first */
	vmx_cmd_all_off();
	for (u32 i = 0; i < cpu_count; i++)
		if (vmx_cmd_cpu_in_vmx(i))
			return con_error("cpu%u is still in VMX operation; not going on", i);
	return 0;
}
CONSOLE_BEFORE_POWER_OFF(vmx_off, vmx_before_power_off, "every CPU is out of VMX operation");

static const char *vmx_cpu_note(u32 cpu)
{
	return virt_cpu_on(cpu) ? "virtualized (VMX non-root, a guest of vmxboot's VMM)"
	       : vmx_cmd_cpu_in_vmx(cpu) ? "in VMX operation" : "not in VMX operation";
}
CONSOLE_CPU_NOTE(vmx, vmx_cpu_note);

/* `order`: help lists these after "cpus" (20) and before "rdmsr" (90), bench vmx before bench smp (111) */
CONSOLE_COMMAND(caps, 30, "caps", 0, 0, 2, "caps [cpu] [group]",
		"every VMX capability by SDM name (yes/no/forced/default)", cmd_caps);
CONSOLE_COMMAND(caps_raw, 31, "caps", "raw", 0, 1, "caps raw [cpu]", "the raw must-be-1/may-be-1 masks",
		cmd_caps_raw);
CONSOLE_COMMAND(caps_diff, 32, "caps", "diff", 0, 1, "caps diff [cpus]",
		"the selected CPUs' differences from the first, by name", cmd_caps_diff);
CONSOLE_COMMAND(fc, 40, "fc", 0, 0, 1, "fc [cpus]", "IA32_FEATURE_CONTROL decoded", cmd_fc);
CONSOLE_COMMAND(vmx_on, 50, "vmx", "on", 1, 1, "vmx on <cpus>", "VMXON (regions allocated)", cmd_vmx_on);
CONSOLE_COMMAND(vmx_off, 51, "vmx", "off", 1, 1, "vmx off <cpus>", "VMXOFF (regions freed)", cmd_vmx_off);
CONSOLE_COMMAND(vmx_status, 52, "vmx", "status", 0, 1, "vmx status [cpus]", "who is in VMX operation",
		cmd_vmx_status);
CONSOLE_COMMAND(vmcs_new, 60, "vmcs", "new", 1, 1, "vmcs new <cpus>", "make a VMCS; prints its id", cmd_vmcs);
CONSOLE_COMMAND(vmcs_load, 61, "vmcs", "load", 1, 2, "vmcs load <cpus> [id]", "VMPTRLD", cmd_vmcs);
CONSOLE_COMMAND(vmcs_clear, 62, "vmcs", "clear", 1, 2, "vmcs clear <cpus> [id]", "VMCLEAR", cmd_vmcs);
CONSOLE_COMMAND(vmcs_store, 63, "vmcs", "store", 1, 1, "vmcs store <cpus>", "VMPTRST", cmd_vmcs);
CONSOLE_COMMAND(vmcs_read, 64, "vmcs", "read", 2, 2, "vmcs read <cpus> FIELD", "VMREAD (name or encoding)",
		cmd_vmcs);
CONSOLE_COMMAND(vmcs_write, 65, "vmcs", "write", 3, 3, "vmcs write <cpus> FIELD VALUE", "VMWRITE", cmd_vmcs);
CONSOLE_COMMAND(vmcs_free, 66, "vmcs", "free", 1, 2, "vmcs free <cpus> [id]", "VMCLEAR and free it", cmd_vmcs);
CONSOLE_COMMAND(virt_on, 67, "virt", "on", 1, 1, "virt on <cpus>", "virtualize: each CPU a guest of vmxboot's VMM",
		cmd_virt_on);
CONSOLE_COMMAND(virt_off, 68, "virt", "off", 1, 1, "virt off <cpus>", "devirtualize: back out of VMX operation",
		cmd_virt_off);
CONSOLE_COMMAND(virt_status, 69, "virt", "status", 0, 1, "virt status [cpus]",
		"virtualized or not, VM exits by reason", cmd_virt_status);
CONSOLE_COMMAND(guest_run, 70, "guest", "run", 1, 2, "guest run <cpus> [exits]", "launch the minimal guest",
		cmd_guest_run);
CONSOLE_COMMAND(test, 80, "test", 0, 0, 2, "test [conformance|lifecycle|smp|all] [cpus]",
		"run the suites, print KTAP", cmd_test);
CONSOLE_COMMAND(bench_vmx, 110, "bench", "vmx", 0, 0, "bench vmx", "VMX instruction cycles, now", cmd_bench_vmx);
