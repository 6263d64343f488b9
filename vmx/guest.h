/* The minimal guest: VMCS set-up, VMLAUNCH, exit handling, VMRESUME. */
#ifndef VMX_GUEST_H
#define VMX_GUEST_H

#include "kernel/types.h"
#include "vmx/vmx.h"

struct guest_regs {
	u64 rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15;
};

/* read by the guest through R12 (vmx/guest.S) */
struct guest_data {
	u64 n;                 /* benchmark iterations */
	u64 *cpuid_samples;    /* n TSC deltas around CPUID 0 */
	u64 *vmcall_samples;   /* n TSC deltas around VMCALL 4 */
};

enum vmx_break {           /* vmx.break=...: one field broken on purpose */
	BREAK_NONE = 0,
	BREAK_GUEST_CR0,       /* guest CR0.PE clear with PG set */
	BREAK_GUEST_RIP,       /* non-canonical guest RIP */
	BREAK_HOST_RIP,        /* non-canonical host RIP */
	BREAK_CONTROL,         /* a primary proc-based bit the CPU does not allow */
	BREAK_LINK_POINTER,    /* VMCS link pointer to a page that is no VMCS */
	BREAK_NR
};
extern const char *const vmx_break_names[];

struct guest_setup {
	u64 guest_stack_top;
	u64 msr_bitmap_pa;
	u32 pin, proc, proc2, exit, entry;
	char error[160];       /* why set-up failed */
};

/* Fill the current VMCS: controls (adjusted to the capability MSRs), host
 * state from this CPU, a 64-bit guest at guest_stub. false: see gs->error. */
bool vmcs_setup_guest(const struct vmx_caps *caps, struct guest_setup *gs, unsigned brk);
/* Point the guest at the start of the stub again (relaunch after VMCLEAR). */
void vmcs_reset_guest(const struct guest_setup *gs);

u64 vmx_enter(struct guest_regs *g, u64 launched);
void vmx_exit_entry(void);
void guest_stub(void);

/* Per-CPU guest results */
#define GUEST_MAX_EXITS_LOGGED 16
struct guest_cpu {
	bool ran, launched, done, order_ok;
	bool second_launch_ok, resume_after_clear_ok, relaunch_ok;
	bool entry_failed;
	char entry_failure[160];
	char diag[240];             /* software re-check of the entry rules */
	bool diag_named_break;      /* vmx.break: the diagnosis names the broken field */
	char unexpected[200];       /* an exit we did not expect */
	u32 exits, cpuid_exits, vmcall_exits, hlt_exits;
	u32 log[GUEST_MAX_EXITS_LOGGED];
	u64 cpuid_min, cpuid_med, vmcall_min, vmcall_med, native_min, native_med;
	u64 bench_n;
	char fail_step[64];
	bool left_clean;            /* out of VMX operation, CR0/CR4 restored */
};

long vmx_guest_job(void *arg);
/* With a VMCS current and set up by vmcs_setup_guest: VMLAUNCH and run the
 * stub (no benchmark) to "done". Used by the conformance suite. */
bool guest_launch_to_done(const struct vmx_caps *caps, u64 stack_top);
/* Allocate guest_launch_to_done's per-CPU records now, before jobs run it. */
void guest_launch_prepare(void);
void vmx_guest_report(void);
void vmx_guest_print_cpu(void (*pr)(const char *fmt, ...), u32 cpu);
extern struct guest_cpu *guest_cpus;

#endif
