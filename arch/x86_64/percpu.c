#include "arch/x86_64/percpu.h"
#include "arch/x86_64/traps.h"
#include "kernel/lib.h"

static struct cpu boot_cpu;
/* IST stacks of the boot CPU (the APs get theirs from the page allocator) */
static u8 boot_ist[3][4096] __attribute__((aligned(4096)));
extern char boot_stack_top[];

struct cpu *cpus = &boot_cpu;
u32 cpu_count = 1;

void percpu_set_gs(struct cpu *c)
{
	c->self = c;
	wrmsr(MSR_GS_BASE, (u64)(uintptr_t)c);
}

void percpu_init_boot(void)
{
	boot_cpu.index = 0;
	boot_cpu.state = CPU_ONLINE;
	boot_cpu.stack_top = (u64)(uintptr_t)boot_stack_top;
	for (int i = 1; i <= 3; i++)
		boot_cpu.ist_top[i] = (u64)(uintptr_t)&boot_ist[i - 1][4096];
	percpu_set_gs(&boot_cpu);
	idt_init();
	gdt_load_for(&boot_cpu);
	idt_load();
}
