#ifndef ARCH_X86_64_GDT_H
#define ARCH_X86_64_GDT_H

#include "kernel/types.h"

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define KERNEL_TSS 0x18

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
	u64 gdt[5] __attribute__((aligned(16)));   /* null, code, data, TSS (two slots) */
	struct tss64 tss __attribute__((aligned(16)));
};

struct cpu;
void gdt_load_for(struct cpu *c); /* build c's GDT+TSS (IST from c->ist_top) and load them */

#endif
