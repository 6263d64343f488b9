#include "kernel/options.h"
#include "kernel/kprintf.h"
#include "kernel/lib.h"

struct options opt = {
	.mode = MODE_INTERACTIVE,
	.smp = true,
	.nosipi_apic_id = ~0ULL,
	.lostsipi_apic_id = ~0ULL,
	.slowap_apic_id = ~0ULL,
	.stuckap_apic_id = ~0ULL,
	.stalesipi_apic_id = ~0ULL,
	.smp_init_delay_us = ~0ULL,   /* SMP_DELAY_UNSET: the CPU's own rule */
	.smp_sipi_delay_us = ~0ULL,
	.vmx = true,
	.vmx_rounds = 3,
	.vmx_guest = true,
	.vmx_exits = 100,
	.fb = true,
	.hold_s = ~0ULL,                 /* HOLD_DEFAULT: until a key */
};

static const char *const modes[] = { "interactive", "test", 0 };
static const char *const injects[] = { "none", "ud2", "guard", "overflow", "canary", "nmi", "irq", 0 };
static const char *const apics[] = { "auto", "xapic", "x2apic", 0 };

static const char *const caps_forms[] = { "brief", "full", 0 };
static const char *const test_ends[] = { "poweroff", "reboot", 0 };
static const char *const reports[] = { "auto", "full", "brief", 0 };
static const char *const virt_breaks[] = { "none", "ept_misconfig", "panic", "triple", "vmm_fault", "vmm_nmi", "vmm_stack", 0 };
static const char *const waits[] = { "auto", "tsc_deadline", "lapic", "pause", 0 };
static const char *const breaks[] = { "none", "guest_cr0", "guest_rip", "host_rip", "control", "link_pointer", 0 };

static const struct cmdline_option table[] = {
	{ "mode", CMDLINE_ENUM, &opt.mode, 0, 0, modes,
	  "interactive: report then stay up (default); test: run everything, report, power off" },
	{ "inject", CMDLINE_ENUM, &opt.inject, 0, 0, injects,
	  "test the failure path: ud2 (#UD), guard (write the stack guard page), "
	  "overflow (recurse into it), canary (smash a stack canary); nmi (an NMI to every CPU), irq (two interrupts on a "
	  "vector with no handler): both survived and reported, not a failure" },
	{ "smp", CMDLINE_BOOL, &opt.smp, 0, 0, 0, "off: boot CPU only" },
	{ "cpus", CMDLINE_U64, &opt.cpus, 1, 65536, 0, "start at most N CPUs (the boot CPU counts)" },
	{ "apic", CMDLINE_ENUM, &opt.apic, 0, 0, apics, "force the local APIC mode" },
	{ "smp.nosipi", CMDLINE_U64, &opt.nosipi_apic_id, 0, 0xffffffffULL, 0,
	  "test: never send a SIPI to this APIC ID (it must be reported as not started)" },
	{ "smp.lostsipi", CMDLINE_U64, &opt.lostsipi_apic_id, 0, 0xffffffffULL, 0,
	  "test: no SIPI to this APIC ID in the first start-up (the second must bring it online)" },
	{ "smp.slowap", CMDLINE_U64, &opt.slowap_apic_id, 0, 0xffffffffULL, 0,
	  "test: this APIC ID waits 1500 ms after reaching C (alive but slow: it must not be restarted)" },
	{ "smp.stuckap", CMDLINE_U64, &opt.stuckap_apic_id, 0, 0xffffffffULL, 0,
	  "test: this APIC ID halts once it reached C (alive, never online: given up after 10 s, not restarted)" },
	{ "smp.stalesipi", CMDLINE_U64, &opt.stalesipi_apic_id, 0, 0xffffffffULL, 0,
	  "test: a SIPI right after this APIC ID's second-start-up INIT, as QEMU's INIT keeps a pending one "
	  "(with smp.lostsipi: it reaches C during the INIT wait and must still come online)" },
	{ "smp.init_delay_us", CMDLINE_U64, &opt.smp_init_delay_us, 0, 1000000, 0,
	  "wait after INIT, overriding the CPU's rule (Linux's: 0 on Intel family >= 6, AMD >= 0xf, Hygon >= 0x18; else 10000)" },
	{ "smp.sipi_delay_us", CMDLINE_U64, &opt.smp_sipi_delay_us, 0, 1000000, 0,
	  "wait around each SIPI, overriding the rule (10 with no INIT wait, else 200)" },
	{ "vmx", CMDLINE_BOOL, &opt.vmx, 0, 0, 0, "off: skip VT-x" },
	{ "vmx.rounds", CMDLINE_U64, &opt.vmx_rounds, 1, 1000, 0, "VMX lifecycle rounds per CPU" },
	{ "vmx.cpus", CMDLINE_CPURANGES, &opt.vmx_cpus_list, 0, 0, 0, "CPUs (indexes) that run VT-x, e.g. 0,2-3" },
	{ "vmx.guest", CMDLINE_BOOL, &opt.vmx_guest, 0, 0, 0, "off: no guest launch" },
	{ "vmx.exits", CMDLINE_U64, &opt.vmx_exits, 0, 100000, 0, "CPUID and VMCALL exits timed per CPU" },
	{ "vmx.caps", CMDLINE_ENUM, &opt.vmx_caps, 0, 0, caps_forms,
	  "brief: raw capability MSRs at boot (default); full: every VMX capability by SDM name too" },
	{ "bench.vmx", CMDLINE_BOOL, &opt.bench_vmx, 0, 0, 0,
	  "print VMX instruction cycles and the exit round trip (figures, not tests)" },
	{ "wait", CMDLINE_ENUM, &opt.wait, 0, 0, waits,
	  "how waits sleep: auto (hlt with the TSC-deadline timer, else the one-shot timer, else pause), "
	  "or that one forced (benchmarks, tests)" },
	{ "bench.boot", CMDLINE_BOOL, &opt.bench_boot, 0, 0, 0,
	  "print the time of each boot phase (TSC microseconds) after the summary line (figures, not tests)" },
	{ "vmx.break", CMDLINE_ENUM, &opt.vmx_break, 0, 0, breaks,
	  "test: break one VMCS field so VM entry fails and must be diagnosed" },
	{ "test.end", CMDLINE_ENUM, &opt.test_end, 0, 0, test_ends,
	  "how a mode=test run ends where no emulator exit device ends it: poweroff (ACPI S5, the default) or reboot" },
	{ "report", CMDLINE_ENUM, &opt.report, 0, 0, reports,
	  "KTAP form: full (every CPU), brief (CPUs folded by identical results), auto (brief above 64 CPUs)" },
	{ "fb", CMDLINE_BOOL, &opt.fb, 0, 0, 0, "off: do not draw the log on the framebuffer" },
	{ "hold", CMDLINE_U64, &opt.hold_s, 0, 86400, 0,
	  "seconds a test run with no serial port keeps its verdict on screen (0: none; default: until a key)" },
	{ "virt.break", CMDLINE_ENUM, &opt.virt_break, 0, 0, virt_breaks,
	  "test: ept_misconfig: a page the virt checks read first gets a reserved EPT memory type, a fatal exit; "
	  "panic: the boot CPU executes ud2 while virtualized (it must come out before the panic report); "
	  "triple: the last CPU triple-faults as a guest (reported, parked); "
	  "vmm_fault: the last CPU's VMM executes ud2 handling the ping VMCALL (its own IDT reports it); "
	  "vmm_nmi: each CPU's VMM sends itself an NMI, which must reach the guest's NMI handler (nmis=); "
	  "vmm_stack: the last CPU's VMM uses 5 KiB of its stack handling the ping VMCALL (the stack check must fail)" },
	{ "vmx.virtualize", CMDLINE_BOOL, &opt.vmx_virtualize, 0, 0, 0,
	  "every CPU virtualizes itself (EPT, VPID, its own VMM), runs the virt checks as a guest and comes back out" },
};

int options_parse(const char *line)
{
	static struct cmdline_result res;   /* ~2 KiB: keep it off the stack */
	int problems = cmdline_parse(line, table, ARRAY_SIZE(table), &res);
	for (unsigned i = 0; i < res.nmsgs; i++)
		kprintf("cmdline: %s\n", res.msgs[i]);
	if (res.dropped)
		kprintf("cmdline: %u more messages not shown\n", res.dropped);
	return problems;
}
