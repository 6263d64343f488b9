/*
 * VT-x operations driven by the serial console, one CPU at a time, with a
 * per-CPU state machine (the tutorial's IRP_MJ_CREATE/CLOSE and IOCTLs):
 * "vmx on" on a CPU already in VMX operation does nothing and says so;
 * "vmx off" on a CPU not in VMX operation never executes VMXOFF.
 * Each op runs on the target CPU (on_cpu) and fills a struct vmx_cmd.
 */
#ifndef VMX_VMX_CMD_H
#define VMX_VMX_CMD_H

#include "kernel/types.h"
#include "vmx/vmx_insn.h"

#define VMX_CMD_MAX_VMCS 8

enum vmx_cmd_op {
	VCMD_ON, VCMD_OFF, VCMD_STATUS,
	VCMD_VMCS_NEW, VCMD_VMCS_LOAD, VCMD_VMCS_CLEAR, VCMD_VMCS_STORE,
	VCMD_VMCS_READ, VCMD_VMCS_WRITE, VCMD_VMCS_FREE,
};

struct vmx_cmd {
	enum vmx_cmd_op op;
	int id;                  /* VMCS id on that CPU, -1: the current one */
	u32 field;
	u64 value;
	/* out */
	bool ok;                 /* the request was carried out (the CPU may still have said VMfail...) */
	struct vmx_result res;   /* what the CPU said, when an instruction ran */
	bool insn_ran;
	u64 out;                 /* VMREAD value, VMPTRST address, new id ... */
	char msg[120];           /* the line to print after "cpuN: " */
};

long vmx_cmd_run(void *arg);            /* on the target CPU: arg is a struct vmx_cmd */
bool vmx_cmd_cpu_in_vmx(u32 cpu);
/* Take every CPU out of VMX operation (before reboot/poweroff). */
void vmx_cmd_all_off(void);

#endif
