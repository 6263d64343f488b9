/*
 * Every x86 instruction the kernel uses, as a small static inline wrapper.
 * An instruction a test may want to fault has a _safe twin that returns the
 * exception vector it raised (0 when none; no _safe instruction here can
 * raise #DE, vector 0) instead of crashing: the faulting address is listed in
 * the .ex_table section and arch/x86_64/traps.c resumes after the instruction,
 * recording the vector in this CPU's struct cpu (reached through GS).
 */
#ifndef ARCH_X86_64_CPU_H
#define ARCH_X86_64_CPU_H

#include "kernel/types.h"
#include "arch/x86_64/cpu_defs.h"

/* Offset of struct cpu.fault_vector: checked by a static assert in percpu.h */
#define CPU_FAULT_VECTOR_OFFSET 8

/* Mark the instruction at label 1 as allowed to fault; execution resumes at label 2. */
#define EX_TABLE_ENTRY "\n.pushsection .ex_table, \"a\"\n.balign 8\n.quad 1b, 2b\n.popsection\n"
#define SAFE_BEGIN "movq $0, %%gs:" STR(CPU_FAULT_VECTOR_OFFSET) "\n1: "
#define SAFE_END "\n2:" EX_TABLE_ENTRY
#define STR_(x) #x
#define STR(x) STR_(x)

static inline int safe_fault_vector(void)
{
	u64 v;
	asm volatile("movq %%gs:" STR(CPU_FAULT_VECTOR_OFFSET) ", %0" : "=r"(v) :: "memory");
	return (int)v;
}

struct cpuid_regs {
	u32 eax, ebx, ecx, edx;
};

static inline struct cpuid_regs cpuid_count(u32 leaf, u32 subleaf)
{
	struct cpuid_regs r;
	asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx)
		     : "a"(leaf), "c"(subleaf));
	return r;
}

static inline struct cpuid_regs cpuid(u32 leaf)
{
	return cpuid_count(leaf, 0);
}

static inline u64 rdmsr(u32 msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void wrmsr(u32 msr, u64 val)
{
	asm volatile("wrmsr" :: "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
}

static inline int rdmsr_safe(u32 msr, u64 *val)
{
	u32 lo = 0, hi = 0;
	asm volatile(SAFE_BEGIN "rdmsr" SAFE_END : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	*val = ((u64)hi << 32) | lo;
	return safe_fault_vector();
}

static inline int wrmsr_safe(u32 msr, u64 val)
{
	asm volatile(SAFE_BEGIN "wrmsr" SAFE_END
		     :: "c"(msr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	return safe_fault_vector();
}

#define DEFINE_CR(n)                                                          \
	static inline u64 read_cr##n(void)                                    \
	{                                                                     \
		u64 v;                                                        \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));                 \
		return v;                                                     \
	}                                                                     \
	static inline void write_cr##n(u64 v)                                 \
	{                                                                     \
		asm volatile("mov %0, %%cr" #n :: "r"(v) : "memory");         \
	}                                                                     \
	static inline int write_cr##n##_safe(u64 v)                           \
	{                                                                     \
		asm volatile(SAFE_BEGIN "mov %0, %%cr" #n SAFE_END            \
			     :: "r"(v) : "memory");                           \
		return safe_fault_vector();                                   \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline u64 read_rflags(void)
{
	u64 f;
	asm volatile("pushfq; popq %0" : "=r"(f));
	return f;
}

static inline void outb(u16 port, u8 v) { asm volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outw(u16 port, u16 v) { asm volatile("outw %0, %1" :: "a"(v), "Nd"(port)); }
static inline void outl(u16 port, u32 v) { asm volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline u8 inb(u16 port) { u8 v; asm volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u16 inw(u16 port) { u16 v; asm volatile("inw %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline u32 inl(u16 port) { u32 v; asm volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline u64 rdtsc(void)
{
	u32 lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((u64)hi << 32) | lo;
}

/* RDTSC ordered after earlier instructions (LFENCE first: SDM vol. 2B, RDTSC) */
static inline u64 rdtsc_ordered(void)
{
	u32 lo, hi;
	asm volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
	return ((u64)hi << 32) | lo;
}

static inline void mfence(void) { asm volatile("mfence" ::: "memory"); }
static inline void lfence(void) { asm volatile("lfence" ::: "memory"); }
static inline void cpu_relax(void) { asm volatile("pause" ::: "memory"); }
static inline void hlt(void) { asm volatile("hlt" ::: "memory"); }
static inline void cli(void) { asm volatile("cli" ::: "memory"); }
static inline void sti(void) { asm volatile("sti" ::: "memory"); }
/* STI's one-instruction interrupt shadow makes "sti; hlt" race-free */
static inline void sti_hlt(void) { asm volatile("sti; hlt" ::: "memory"); }

struct __attribute__((packed)) desc_ptr {
	u16 limit;
	u64 base;
};

static inline void lgdt(const struct desc_ptr *p) { asm volatile("lgdt %0" :: "m"(*p)); }
static inline void lidt(const struct desc_ptr *p) { asm volatile("lidt %0" :: "m"(*p)); }
static inline void sgdt(struct desc_ptr *p) { asm volatile("sgdt %0" : "=m"(*p)); }
static inline void sidt(struct desc_ptr *p) { asm volatile("sidt %0" : "=m"(*p)); }
static inline void ltr(u16 sel) { asm volatile("ltr %0" :: "rm"(sel)); }
static inline u16 store_tr(void) { u16 s; asm volatile("str %0" : "=rm"(s)); return s; }

#define DEFINE_SEG_READ(r)                                                    \
	static inline u16 read_##r(void)                                      \
	{                                                                     \
		u16 s;                                                        \
		asm volatile("mov %%" #r ", %0" : "=rm"(s));                  \
		return s;                                                     \
	}
DEFINE_SEG_READ(cs)
DEFINE_SEG_READ(ds)
DEFINE_SEG_READ(es)
DEFINE_SEG_READ(ss)
DEFINE_SEG_READ(fs)
DEFINE_SEG_READ(gs)
#undef DEFINE_SEG_READ

static inline void invlpg(const void *va)
{
	asm volatile("invlpg (%0)" :: "r"(va) : "memory");
}

static inline void ud2(void) { asm volatile("ud2"); }
static inline void int3(void) { asm volatile("int3"); }

static inline int ud2_safe(void)
{
	asm volatile(SAFE_BEGIN "ud2" SAFE_END ::: "memory");
	return safe_fault_vector();
}

/* Memory accesses that may fault (guard pages, read-only text). */
static inline int read_u8_safe(const volatile u8 *p, u8 *v)
{
	u8 x = 0;
	asm volatile(SAFE_BEGIN "movb %1, %0" SAFE_END : "+q"(x) : "m"(*p) : "memory");
	*v = x;
	return safe_fault_vector();
}

static inline int write_u8_safe(volatile u8 *p, u8 v)
{
	asm volatile(SAFE_BEGIN "movb %1, %0" SAFE_END : "=m"(*p) : "q"(v) : "memory");
	return safe_fault_vector();
}

static inline u64 read_rsp(void) { u64 v; asm volatile("movq %%rsp, %0" : "=r"(v)); return v; }
static inline u64 read_rbp(void) { u64 v; asm volatile("movq %%rbp, %0" : "=r"(v)); return v; }
static inline u64 read_rip(void) { u64 v; asm volatile("leaq (%%rip), %0" : "=r"(v)); return v; }

static inline void wbinvd(void) { asm volatile("wbinvd" ::: "memory"); }

/* DR7, the debug control register (SDM vol. 3B 18.2.4): VM entry loads and
 * VM exit saves it with the debug controls (vmx/virt.c) */
static inline u64 read_dr7(void) { u64 v; asm volatile("mov %%dr7, %0" : "=r"(v)); return v; }
static inline void write_dr7(u64 v) { asm volatile("mov %0, %%dr7" :: "r"(v) : "memory"); }

/* INVD: caches invalidated without write-back (in a guest it exits: vmx/virt_exit.c) */
static inline void invd(void) { asm volatile("invd" ::: "memory"); }

/* XCR0 and friends (needs CR4.OSXSAVE) */
static inline u64 xgetbv(u32 xcr)
{
	u32 lo, hi;
	asm volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(xcr));
	return ((u64)hi << 32) | lo;
}

/* XSETBV for a guest (vmx/virt.c): #GP for a bad XCR or value, #UD without CR4.OSXSAVE */
static inline int xsetbv_safe(u32 xcr, u64 val)
{
	asm volatile(SAFE_BEGIN "xsetbv" SAFE_END
		     :: "c"(xcr), "a"((u32)val), "d"((u32)(val >> 32)) : "memory");
	return safe_fault_vector();
}

#endif
