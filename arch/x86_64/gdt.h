#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#include "kernel/types.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define KERNEL_TSS 0x18
/* for excursions out of 64-bit ring 0 (arch/x86_64/excursion.h): ring-3 data
 * and 64-bit code, and a ring-0 32-bit code segment (compatibility mode) */
#define USER_DS    (0x28 | 3)
#define USER_CS    (0x30 | 3)
#define KERNEL_CS32 0x38

struct __attribute__((packed)) tss64 {
	u32 reserved0;
	u64 rsp[3];
	u64 reserved1;
	u64 ist[7];
	u64 reserved2;
	u16 reserved3;
	u16 iomap_base;
};

struct cpu_tables {
	u64 gdt[8] __attribute__((aligned(16)));   /* null, code, data, TSS (two slots), user data, user code, code32 */
	struct tss64 tss __attribute__((aligned(16)));
};

struct cpu;
void gdt_load_for(struct cpu *c); /* build c's GDT+TSS (IST from c->ist_top) and load them */

#endif
