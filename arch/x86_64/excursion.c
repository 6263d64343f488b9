/* Excursions out of 64-bit ring 0 (arch/x86_64/excursion.h). */
#include "arch/x86_64/excursion.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"

_Static_assert(__builtin_offsetof(struct excursion, rip) == EXC_RIP, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, cs) == EXC_CS, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, ss) == EXC_SS, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, rsp) == EXC_RSP, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, rax) == EXC_RAX, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, rcx) == EXC_RCX, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, rdx) == EXC_RDX, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, ret_rip) == EXC_RET_RIP, "excursion_asm.S");
_Static_assert(__builtin_offsetof(struct excursion, ret_rsp) == EXC_RET_RSP, "excursion_asm.S");

void excursion_enter(struct excursion *x, u64 rsp0);

bool excursion_run(struct excursion *x)
{
	struct cpu *c = this_cpu();
	u64 here = (u64)(uintptr_t)&here;
	/* well below excursion_enter's frame: the exception frame goes there */
	u64 rsp0 = (here - 1024) & ~15ULL;
	x->ended = false;
	x->rsp0_saved = c->tables.tss.rsp[0];
	c->tables.tss.rsp[0] = rsp0;
	c->excursion = x;
	excursion_enter(x, rsp0);
	c->excursion = 0;
	c->tables.tss.rsp[0] = x->rsp0_saved;
	return x->ended;
}

bool excursion_trap(struct trap_frame *f)
{
	struct cpu *c = this_cpu();
	struct excursion *x = c->excursion;
	if (!x || f->cs == KERNEL_CS)
		return false;
	x->vector = f->vector;
	x->error = f->error_code;
	x->cr2 = read_cr2();
	x->fault_rip = f->rip;
	x->fault_cs = f->cs;
	x->ended = true;
	c->excursion = 0;
	f->rip = x->ret_rip;
	f->cs = KERNEL_CS;
	f->rflags = 2;
	f->rsp = x->ret_rsp;
	f->ss = KERNEL_DS;
	return true;
}

bool excursion_user_page(u64 va)
{
	return paging_set_user(va);
}
