#include "vmx/vmx_cmd.h"
#include "vmx/vmx.h"
#include "kernel/format.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "arch/x86_64/smp.h"

struct vmcs_slot {
	u64 pa;                  /* 0: free slot */
};

struct user_vmx {
	bool on;
	u64 vmxon_pa, cr0, cr4;
	struct vmcs_slot vmcs[VMX_CMD_MAX_VMCS];
	int current;             /* slot made current by us, -1 none */
	int last_new;            /* the slot "vmcs new" made last, -1 none */
};
static void *state_;   /* per CPU: struct user_vmx */

static struct user_vmx *state_of(u32 cpu)
{
	return &((struct user_vmx *)cpu_array(&state_, sizeof(struct user_vmx)))[cpu];
}

bool vmx_cmd_cpu_in_vmx(u32 cpu)
{
	return cpu < cpu_count && state_of(cpu)->on;
}

static struct vmx_cpu *caps_of(u32 cpu)
{
	return vmx_cpus && vmx_cpus[cpu].caps_read && vmx_cpus[cpu].det.usable ? &vmx_cpus[cpu] : 0;
}

static void said(struct vmx_cmd *c, const char *what, struct vmx_result r)
{
	char b[80];
	c->insn_ran = true;
	c->res = r;
	vmx_result_str(r, b, sizeof(b));
	ksnprintf(c->msg, sizeof(c->msg), "%s: %s", what, b);
}

static void vmx_on(struct user_vmx *u, struct vmx_cpu *v, struct vmx_cmd *c)
{
	if (u->on) {
		ksnprintf(c->msg, sizeof(c->msg), "already in VMX operation (region 0x%lx); nothing done", u->vmxon_pa);
		c->ok = true;
		return;
	}
	u64 pa = page_alloc(1);
	if (!pa) {
		ksnprintf(c->msg, sizeof(c->msg), "out of memory for the VMXON region");
		return;
	}
	u->cr0 = read_cr0();
	u->cr4 = read_cr4();
	vmx_region_init(pa, vmx_decode_basic(v->caps.basic).revision_id);
	write_cr0_safe(vmx_fixed_apply(u->cr0, v->caps.cr0_fixed0, v->caps.cr0_fixed1).value);
	write_cr4_safe(vmx_fixed_apply(u->cr4 | CR4_VMXE, v->caps.cr4_fixed0, v->caps.cr4_fixed1).value);
	struct vmx_result r = vmxon_safe(pa);
	said(c, "VMXON", r);
	if (vmx_ok(r)) {
		u->on = true;
		u->vmxon_pa = pa;
		u->current = -1;
		u->last_new = -1;
		ksnprintf(c->msg, sizeof(c->msg), "VMXON ok (region 0x%lx)", pa);
		c->ok = true;
	} else {
		write_cr4_safe(u->cr4);
		write_cr0_safe(u->cr0);
		page_free(pa, 1);
	}
}

static void vmx_off(struct user_vmx *u, struct vmx_cmd *c)
{
	if (!u->on) {
		ksnprintf(c->msg, sizeof(c->msg), "not in VMX operation; VMXOFF not executed");
		c->ok = true;
		return;
	}
	for (int i = 0; i < VMX_CMD_MAX_VMCS; i++)   /* flush every VMCS to memory first */
		if (u->vmcs[i].pa) {
			vmclear_safe(u->vmcs[i].pa);
			page_free(u->vmcs[i].pa, 1);
			u->vmcs[i].pa = 0;
		}
	struct vmx_result r = vmxoff_safe();
	said(c, "VMXOFF", r);
	if (vmx_ok(r)) {
		write_cr4_safe(u->cr4);
		write_cr0_safe(u->cr0);
		page_free(u->vmxon_pa, 1);
		u->on = false;
		u->current = -1;
		ksnprintf(c->msg, sizeof(c->msg), "VMXOFF ok; VMXON region and VMCSs freed");
		c->ok = true;
	}
}

static int slot(struct user_vmx *u, struct vmx_cmd *c)
{
	/* no id given: the current VMCS, else the one "vmcs new" made last */
	int id = c->id >= 0 ? c->id : u->current >= 0 ? u->current : u->last_new;
	if (id < 0 || id >= VMX_CMD_MAX_VMCS || !u->vmcs[id].pa) {
		ksnprintf(c->msg, sizeof(c->msg), id < 0 ? "no VMCS: make one with 'vmcs new' (it prints its id)"
							  : "no VMCS with id %d on this CPU", id);
		return -1;
	}
	return id;
}

static void vmcs_op(struct user_vmx *u, struct vmx_cpu *v, struct vmx_cmd *c)
{
	int id;
	if (c->op == VCMD_VMCS_NEW) {
		for (id = 0; id < VMX_CMD_MAX_VMCS && u->vmcs[id].pa; id++)
			;
		u64 pa = id < VMX_CMD_MAX_VMCS ? page_alloc(1) : 0;
		if (!pa) {
			ksnprintf(c->msg, sizeof(c->msg), "no room for another VMCS (at most %d per CPU)", VMX_CMD_MAX_VMCS);
			return;
		}
		vmx_region_init(pa, vmx_decode_basic(v->caps.basic).revision_id);
		u->vmcs[id].pa = pa;
		u->last_new = id;
		c->out = (u64)id;
		ksnprintf(c->msg, sizeof(c->msg), "vmcs %d at 0x%lx (revision id written, not yet cleared)", id, pa);
		c->ok = true;
		return;
	}
	if (c->op == VCMD_VMCS_STORE) {
		u64 pa = 0;
		struct vmx_result r = vmptrst_safe(&pa);
		said(c, "VMPTRST", r);
		if (vmx_ok(r))
			ksnprintf(c->msg, sizeof(c->msg), "VMPTRST: ok, current VMCS 0x%lx%s", pa, pa == ~0ULL ? " (none)" : "");
		c->out = pa;
		c->ok = true;
		return;
	}
	if (c->op == VCMD_VMCS_READ || c->op == VCMD_VMCS_WRITE) {
		u64 val = 0;
		struct vmx_result r = c->op == VCMD_VMCS_READ ? vmread_safe(c->field, &val)
							       : vmwrite_safe(c->field, c->value);
		said(c, c->op == VCMD_VMCS_READ ? "VMREAD" : "VMWRITE", r);
		if (vmx_ok(r) && c->op == VCMD_VMCS_READ)
			ksnprintf(c->msg, sizeof(c->msg), "VMREAD 0x%x: ok, 0x%lx", c->field, val);
		c->out = val;
		c->ok = true;
		return;
	}
	if ((id = slot(u, c)) < 0)
		return;
	u64 pa = u->vmcs[id].pa;
	struct vmx_result r;
	switch (c->op) {
	case VCMD_VMCS_LOAD:
		said(c, "VMPTRLD", r = vmptrld_safe(pa));
		if (vmx_ok(r))
			u->current = id;
		break;
	case VCMD_VMCS_CLEAR:
		said(c, "VMCLEAR", r = vmclear_safe(pa));
		if (vmx_ok(r) && u->current == id)
			u->current = -1;
		break;
	case VCMD_VMCS_FREE:
		vmclear_safe(pa);
		page_free(pa, 1);
		u->vmcs[id].pa = 0;
		if (u->current == id)
			u->current = -1;
		if (u->last_new == id)
			u->last_new = -1;
		ksnprintf(c->msg, sizeof(c->msg), "vmcs %d cleared and freed", id);
		break;
	default:
		break;
	}
	c->ok = true;
}

long vmx_cmd_run(void *arg)
{
	struct vmx_cmd *c = arg;
	u32 me = this_cpu()->index;
	struct vmx_cpu *v = caps_of(me);
	c->ok = false;
	c->insn_ran = false;
	c->msg[0] = 0;
	if (!v) {
		ksnprintf(c->msg, sizeof(c->msg), "no usable VT-x on this CPU%s%s", vmx_cpus ? ": " : "",
			  vmx_cpus ? vmx_detect_reason_text(vmx_cpus[me].det.verdict) : "");
		return 0;
	}
	struct user_vmx *u = state_of(me);
	switch (c->op) {
	case VCMD_ON:
		vmx_on(u, v, c);
		break;
	case VCMD_OFF:
		vmx_off(u, c);
		break;
	case VCMD_STATUS:
		if (u->on)
			ksnprintf(c->msg, sizeof(c->msg), "in VMX operation (region 0x%lx), current vmcs %d", u->vmxon_pa,
				  u->current);
		else
			ksnprintf(c->msg, sizeof(c->msg), "not in VMX operation");
		c->ok = true;
		break;
	default:
		if (!u->on) {
			ksnprintf(c->msg, sizeof(c->msg), "not in VMX operation: run 'vmx on %u' first", me);
			return 0;
		}
		vmcs_op(u, v, c);
		break;
	}
	return c->ok;
}

void vmx_cmd_all_off(void)
{
	for (u32 i = 0; i < cpu_count; i++)
		if (state_of(i)->on) {
			static struct vmx_cmd c;   /* static: a CPU that times out may still write it */
			c = (struct vmx_cmd){ .op = VCMD_OFF };
			on_cpu(i, vmx_cmd_run, &c, ON_CPU_TIMEOUT_US, 0);
		}
}
