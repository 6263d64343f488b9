/* Per-CPU GDT and TSS: 64-bit code/data and a TSS whose IST stacks catch
 * #DF, NMI and #MC on a known-good stack (SDM vol. 3A, 6.14.5). */
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "kernel/lib.h"

/* 0x00af9a000000ffff: present, DPL 0, code, readable, L=1 (64-bit), G=1 */
#define GDT_CODE64 0x00af9a000000ffffULL
/* 0x00cf92000000ffff: present, DPL 0, data, writable, G=1 */
#define GDT_DATA   0x00cf92000000ffffULL
/* the same with DPL 3 (0xf2, 0xfa), and DPL 0 code with D=1, L=0 (32-bit: 0x00cf9a...) */
#define GDT_USER_DATA   0x00cff2000000ffffULL
#define GDT_USER_CODE64 0x00affa000000ffffULL
#define GDT_CODE32      0x00cf9a000000ffffULL

void gdt_load_for(struct cpu *c)
{
	struct cpu_tables *t = &c->tables;
	u64 base = (u64)&t->tss, limit = sizeof(t->tss) - 1;

	memset(&t->tss, 0, sizeof(t->tss));
	for (int i = 1; i <= 3; i++)
		t->tss.ist[i - 1] = c->ist_top[i];
	t->tss.rsp[0] = c->stack_top;
	t->tss.iomap_base = sizeof(t->tss);   /* no I/O bitmap */

	t->gdt[0] = 0;
	t->gdt[1] = GDT_CODE64;
	t->gdt[2] = GDT_DATA;
	/* 64-bit TSS descriptor: type 9 (available), present (SDM vol. 3A, 8.2.3) */
	t->gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
		    (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	t->gdt[4] = base >> 32;
	t->gdt[5] = GDT_USER_DATA;
	t->gdt[6] = GDT_USER_CODE64;
	t->gdt[7] = GDT_CODE32;

	struct desc_ptr p = { sizeof(t->gdt) - 1, (u64)t->gdt };
	lgdt(&p);
	/* reload CS with a far return, then the data segments */
	asm volatile("pushq %0\n\t"
		     "leaq 1f(%%rip), %%rax\n\t"
		     "pushq %%rax\n\t"
		     "lretq\n"
		     "1:\n\t"
		     "movw %w1, %%ds\n\t"
		     "movw %w1, %%es\n\t"
		     "movw %w1, %%ss\n\t"
		     :: "i"((u64)KERNEL_CS), "r"((u32)KERNEL_DS) : "rax", "memory");
	ltr(KERNEL_TSS);
}
