/* VT-x on every CPU: detection, capabilities, the VMXON/VMCS lifecycle. */
#ifndef VMX_VMX_H
#define VMX_VMX_H

#include "kernel/types.h"
#include "vmx/vmx_insn.h"
#include "vmx/vmx_detect.h"
#include "vmx/vmx_caps.h"
#include "arch/x86_64/cpuinfo.h"

/* The lifecycle steps, in order (README.md lists them). */
enum vmx_step {
	STEP_FIXED_BITS,     /* CR0/CR4 fixed bits applied, CR4.VMXE set */
	STEP_VMXON,
	STEP_VMCLEAR,
	STEP_VMPTRLD,
	STEP_VMPTRST,        /* returns the VMCS just loaded */
	STEP_VMCS_RW,        /* VMWRITE/VMREAD round trip, every width */
	STEP_SWITCH_VMCS,    /* a second VMCS made current, then the first again */
	STEP_VMCLEAR_CURRENT,/* VMCLEAR of the current VMCS: VMPTRST then gives all ones */
	STEP_VMXOFF,
	STEP_RESTORED,       /* CR0/CR4 exactly as before, out of VMX operation */
	STEP_NR
};

struct vmx_step_result {
	bool ran, ok;
	u32 round;           /* first failing round */
	char detail[96];
};

/* Per CPU, reached as this_cpu()->vmx; written by its own CPU only. */
struct vmx_cpu {
	struct vmx_detect_input in;
	struct vmx_detect_result det;
	char why[200];               /* vmx_detect_explain() */
	bool fc_written;             /* we set and locked IA32_FEATURE_CONTROL */
	int fc_write_vector;
	struct vmx_caps caps;
	bool caps_read;
	struct cpuinfo_raw mach;     /* the machine beyond VMX (arch/x86_64/cpuinfo.h) */
	u32 rounds_done;             /* complete lifecycles */
	bool completed;              /* every round passed */
	u64 vmxon_pa, vmcs_pa, vmcs2_pa;   /* last round's regions */
	u64 cr0_before, cr4_before, cr0_after, cr4_after;
	u64 cr0_forced, cr4_forced;  /* bits the fixed MSRs made us change */
	struct vmx_step_result steps[STEP_NR];
	u64 lifecycle_cycles;        /* TSC of the last full round */
};

extern struct vmx_cpu *vmx_cpus;   /* one per CPU index */

/* Run detection and the lifecycle on the selected CPUs, report, KTAP "vmx". */
void vmx_run_all(void);
void vmx_print_caps(const struct vmx_caps *c, void (*pr)(const char *fmt, ...));
/* Every capability by SDM name (vmx_capdecode.h), one group or all, each line
 * after prefix. */
struct vmx_cap_group;
void vmx_print_caps_named(const struct vmx_caps *c, const struct vmx_cap_group *only,
			  void (*pr)(const char *fmt, ...), const char *prefix);
/* bench=vmx: cycles per VMX instruction per CPU, parallel vs one-at-a-time lifecycle */
void vmx_bench(void);
const char *vmx_step_name(enum vmx_step s);
/* The job run on each CPU (by on_each_cpu) */
long vmx_cpu_job(void *arg);
void vmx_read_detect_input(struct vmx_detect_input *in);
void vmx_read_caps(struct vmx_caps *c);
/* Write the revision id into a fresh 4 KiB region (SDM 24.2, 24.11.5). */
void vmx_region_init(u64 pa, u32 revision);

#endif
