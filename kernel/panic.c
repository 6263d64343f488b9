/*
 * The end of the line for a CPU: an unexpected exception or a broken
 * invariant. It says which CPU, what happened and the registers, then hands
 * over to report_panic_end() (print the summary with result=FAIL and end a
 * mode=test run) and halts. Never a silent triple fault.
 */
#include <stdarg.h>
#include "kernel/panic.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/report.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/traps.h"
#include "vmx/virt.h"

/* With a host gcc and -mstack-protector-guard=global the canary lives here. */
u64 __stack_chk_guard = 0x595e9fbd94fda766ULL;

void __stack_chk_fail(void)
{
	panic("stack protector: a function's stack canary was overwritten (stack buffer overflow)");
}

void halt_forever(void)
{
	for (;;) {
		cli();
		hlt();
	}
}

static volatile u32 panicking;

static void print_regs(const struct trap_frame *f)
{
	kprintf_panic("  RIP %016lx  RSP %016lx  RFLAGS %016lx\n", f->rip, f->rsp, f->rflags);
	kprintf_panic("  CR0 %016lx  CR2 %016lx  CR3 %016lx  CR4 %016lx\n",
		      read_cr0(), read_cr2(), read_cr3(), read_cr4());
	kprintf_panic("  RAX %016lx  RBX %016lx  RCX %016lx  RDX %016lx\n", f->rax, f->rbx, f->rcx, f->rdx);
	kprintf_panic("  RSI %016lx  RDI %016lx  RBP %016lx  R8  %016lx\n", f->rsi, f->rdi, f->rbp, f->r8);
	kprintf_panic("  R9  %016lx  R10 %016lx  R11 %016lx  R12 %016lx\n", f->r9, f->r10, f->r11, f->r12);
	kprintf_panic("  R13 %016lx  R14 %016lx  R15 %016lx  CS %lx SS %lx\n", f->r13, f->r14, f->r15, f->cs, f->ss);
}

static void __attribute__((noreturn)) finish(void)
{
	virt_panic_out();                   /* a virtualized CPU reports from outside VMX */
	this_cpu()->state = CPU_DEAD;
	/* one CPU ends the run; a second panicking CPU only halts */
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL) == 0)
		report_panic_end();
	halt_forever();
}

void panic_frame(struct trap_frame *f)
{
	cli();
	kprintf_panic_mode();
	const char *what = exception_name((unsigned)f->vector);
	kprintf_panic("PANIC: unexpected exception %s (vector %lu) error code 0x%lx on CPU %u (APIC ID %u)\n",
		      what, f->vector, f->error_code, this_cpu()->index, this_cpu()->apic_id);
	if (f->vector == VEC_PF)
		kprintf_panic("  page fault at 0x%lx: %s, %s, %s\n", read_cr2(),
			      f->error_code & 1 ? "protection violation" : "page not present",
			      f->error_code & 2 ? "write" : "read",
			      f->error_code & 16 ? "instruction fetch" : "data access");
	print_regs(f);
	finish();
}

void panic(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	cli();
	kprintf_panic_mode();
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf_panic("PANIC: %s\n", buf);
	struct trap_frame f = { 0 };
	f.rip = read_rip();
	f.rsp = read_rsp();
	f.rbp = read_rbp();
	f.rflags = read_rflags();
	f.cs = read_cs();
	f.ss = read_ss();
	print_regs(&f);
	finish();
}
