/* The kernel command line options (README.md lists them). */
#ifndef KERNEL_OPTIONS_H
#define KERNEL_OPTIONS_H

#include "kernel/types.h"
#include "kernel/cmdline.h"

enum run_mode { MODE_INTERACTIVE = 0, MODE_TEST };
enum inject_kind { INJECT_NONE = 0, INJECT_UD2, INJECT_GUARD, INJECT_OVERFLOW, INJECT_CANARY, INJECT_NMI, INJECT_IRQ };
enum apic_choice { APIC_AUTO = 0, APIC_XAPIC, APIC_X2APIC };
enum test_end { TEST_END_POWEROFF = 0, TEST_END_REBOOT };

struct options {
	unsigned mode;
	unsigned inject;
	bool smp;
	u64 cpus;                        /* 0: all listed CPUs */
	unsigned apic;
	u64 nosipi_apic_id;              /* test: never SIPI this APIC ID (~0: none) */
	u64 lostsipi_apic_id;            /* test: no SIPI in the first start-up of this APIC ID (~0: none) */
	u64 slowap_apic_id;              /* test: this APIC ID is slow between reaching C and online (~0: none) */
	u64 stuckap_apic_id;             /* test: this APIC ID halts once it reached C (~0: none) */
	u64 stalesipi_apic_id;           /* test: a SIPI right after this APIC ID's second-start-up INIT (~0: none) */
	u64 smp_init_delay_us;           /* smp.init_delay_us= (~0: the CPU's rule, smp_timing.h) */
	u64 smp_sipi_delay_us;           /* smp.sipi_delay_us= (~0: the rule) */
	bool vmx;
	u64 vmx_rounds;
	struct cpu_list vmx_cpus_list;   /* vmx.cpus as given, resolved by options_check_cpus() */
	const u64 *vmx_cpus;             /* which CPUs run VT-x: a set of found CPUs; NULL: all */
	bool vmx_guest;                  /* launch the minimal guest */
	u64 vmx_exits;                   /* CPUID/VMCALL exits timed per CPU */
	unsigned vmx_break;              /* test: break one VMCS field (vmx/guest.h) */
	bool bench_vmx;                  /* bench.vmx: print the VMX benchmark */
	bool bench_boot;                 /* bench.boot: print the boot phase table */
	unsigned wait;                   /* wait=: enum wait_force (arch/x86_64/wait_policy.h) */
	unsigned vmx_caps;               /* vmx.caps: 0 brief (raw), 1 full (every capability by name) */
	unsigned test_end;               /* test.end: how a mode=test run ends on hardware */
	unsigned report;                 /* report=auto|full|brief (kernel/ktap_brief.h) */
	bool fb;                         /* draw the log on the framebuffer (fb=off: not) */
	u64 hold_s;                      /* hold=SECONDS after a test run with no serial port */
	unsigned virt_break;             /* virt.break: test a fatal exit (vmx/virt.c) */
	bool vmx_virtualize;             /* vmx.virtualize: every CPU a guest of its own VMM (vmx/virt.c) */
};
extern struct options opt;

/* Parse the command line into opt; print each problem. Returns problems found. */
int options_parse(const char *line);
/* Once the MADT is read (found CPUs): check cpus= and vmx.cpus= against the
 * CPUs that exist and build opt.vmx_cpus; print each problem (the option then
 * keeps its default). Returns problems found (kernel/options_cpus.c). */
int options_check_cpus(u32 found);

#endif
