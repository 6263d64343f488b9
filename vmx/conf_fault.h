/* insn_ conformance cases of instruction faults (vmx/conf_fault.c). */
#ifndef VMX_CONF_FAULT_H
#define VMX_CONF_FAULT_H
#include "vmx/conf_ctx.h"

/* Once, on the boot CPU before the jobs: the user page the CPL-3 cases run
 * their code from (kept for later runs). false: out of memory; the CPL-3
 * cases then SKIP saying so. */
bool conf_fault_prepare(void);
/* On each CPU, in its conformance job: CPL 3 -> #GP(0), compatibility mode ->
 * #UD, bad memory operands -> #GP(0)/#SS(0)/#PF, MOV-SS blocking -> error 26. */
void conf_fault_cases(struct ctx *x);
/* After the jobs, from the boot CPU: a VMCS launched and VMCLEARed on CPU a,
 * then VMPTRLDed on CPU b (SDM 25.11.1). Results go into res[*n..cap) (CPU
 * b's list; CPU a's when b < 0, where the case SKIPs: one CPU). */
void conf_migration_run(int a, int b, struct case_result *res, u32 *n, u32 cap);

#endif
