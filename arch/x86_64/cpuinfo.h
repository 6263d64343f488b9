/* The machine beyond VMX, per CPU: identity, microcode, hybrid core type,
 * address widths, SMX/SGX, IA32_FEATURE_CONTROL bit by bit, the hypervisor
 * leaf, and the memory types (MTRRs, PAT) of the pages VT-x uses. The kernel
 * reads the raw values (cpuinfo_read, arch/x86_64/cpuinfo_read.c); decoding
 * and formatting are pure and host-tested. */
#ifndef ARCH_X86_64_CPUINFO_H
#define ARCH_X86_64_CPUINFO_H

#include "kernel/types.h"

#define MTRR_VAR_MAX 32

struct cpuinfo_raw {
	u32 leaf0[4];		/* EAX max leaf, EBX EDX ECX vendor */
	u32 leaf1[4];		/* EAX..EDX */
	u32 leaf7[4];		/* (7,0) EAX..EDX, 0 when absent */
	u32 leaf1a_eax;		/* hybrid core type, 0 when absent */
	u32 ext_max;		/* CPUID 0x80000000 EAX */
	u32 brand[12];		/* 0x80000002-4, 0 when absent */
	u32 l80000008_eax;
	u32 hv[4];		/* 0x40000000 EAX..EDX when the hypervisor bit is set */
	bool microcode_ok;
	u64 bios_sign_id;	/* IA32_BIOS_SIGN_ID (0x8b) after the SDM's write-0/CPUID(1) */
	bool fc_ok;
	u64 feature_control;
	bool pat_ok;
	u64 pat;		/* IA32_PAT (0x277) */
	bool mtrr_ok;
	u64 mtrr_cap;		/* IA32_MTRRCAP (0xfe) */
	u64 mtrr_def;		/* IA32_MTRR_DEF_TYPE (0x2ff) */
	u64 fixed[11];		/* 0x250, 0x258, 0x259, 0x268-0x26f */
	u64 var_base[MTRR_VAR_MAX], var_mask[MTRR_VAR_MAX];
};

enum { MEMTYPE_UC = 0, MEMTYPE_WC = 1, MEMTYPE_WT = 4, MEMTYPE_WP = 5, MEMTYPE_WB = 6, MEMTYPE_UCMINUS = 7,
       MEMTYPE_MIXED = 0x100 /* overlapping variable ranges the SDM leaves undefined */ };
const char *cpuinfo_memtype_name(unsigned type);   /* "WB", "UC-", ... "reserved" */

/* The MTRR memory type of physical address pa (SDM vol. 3A 12.11.4.1:
 * MTRRs off -> UC; fixed ranges below 1 MiB when enabled; variable ranges,
 * where UC wins any overlap and WT wins over WB; else the default type). */
unsigned cpuinfo_mtrr_type(const struct cpuinfo_raw *r, unsigned phys_bits, u64 pa);
/* The type IA32_PAT gives PAT entry idx (0-7). */
unsigned cpuinfo_pat_type(u64 pat, unsigned idx);

/* The decode as lines ("identity: GenuineIntel family 6 model 0x55 ..."). */
typedef void (*cpuinfo_line_fn)(const char *line, void *ctx);
size_t cpuinfo_describe(const struct cpuinfo_raw *r, cpuinfo_line_fn line, void *ctx);
/* One line on the memory type of a page VT-x uses: "VMXON region 0x145000:
 * MTRR WB, PAT entry 0 WB: write-back". pat_idx from the page's PTE. */
void cpuinfo_describe_page(const struct cpuinfo_raw *r, const char *what, u64 pa, unsigned pat_idx,
			   cpuinfo_line_fn line, void *ctx);

/* What a comparison of two CPUs reports (not fails): vendor/family/model/
 * stepping, brand, microcode, core type. Returns lines written. */
size_t cpuinfo_diff(const struct cpuinfo_raw *ref, u32 ref_cpu, const struct cpuinfo_raw *c, cpuinfo_line_fn line,
		    void *ctx);

/* Family/model/stepping the SDM way (extended fields for family 6 and 15). */
void cpuinfo_fms(u32 leaf1_eax, unsigned *family, unsigned *model, unsigned *stepping);

#ifndef VMXBOOT_HOST
void cpuinfo_read(struct cpuinfo_raw *r);
#endif

#endif
