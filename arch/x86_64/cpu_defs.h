/* Architectural names for CPU registers, bits and MSRs (SDM vol. 3A, 4). */
#ifndef ARCH_X86_64_CPU_DEFS_H
#define ARCH_X86_64_CPU_DEFS_H

#define CR0_PE (1ULL << 0)
#define CR0_MP (1ULL << 1)
#define CR0_NE (1ULL << 5)
#define CR0_WP (1ULL << 16)
#define CR0_NW (1ULL << 29)
#define CR0_CD (1ULL << 30)
#define CR0_PG (1ULL << 31)

#define CR4_PAE  (1ULL << 5)
#define CR4_PGE  (1ULL << 7)
#define CR4_VMXE (1ULL << 13)
#define CR4_SMXE (1ULL << 14)
#define CR4_FSGSBASE (1ULL << 16)
#define CR4_OSXSAVE (1ULL << 18)

#define RFLAGS_CF (1ULL << 0)
#define RFLAGS_ZF (1ULL << 6)
#define RFLAGS_IF (1ULL << 9)

#define MSR_IA32_APIC_BASE      0x1b
#define APIC_BASE_BSP           (1ULL << 8)
#define APIC_BASE_X2APIC        (1ULL << 10)
#define APIC_BASE_ENABLE        (1ULL << 11)
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define MSR_IA32_SYSENTER_CS    0x174
#define MSR_IA32_SYSENTER_ESP   0x175
#define MSR_IA32_SYSENTER_EIP   0x176
#define MSR_IA32_PAT            0x277
#define MSR_EFER                0xc0000080
#define EFER_LME (1ULL << 8)
#define EFER_LMA (1ULL << 10)
#define EFER_NXE (1ULL << 11)
#define MSR_FS_BASE             0xc0000100
#define MSR_GS_BASE             0xc0000101
#define MSR_KERNEL_GS_BASE      0xc0000102

#define CPUID1_ECX_VMX        (1U << 5)
#define CPUID1_ECX_SMX        (1U << 6)
#define CPUID1_ECX_X2APIC     (1U << 21)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID1_EDX_APIC       (1U << 9)
#define CPUID1_EDX_TSC        (1U << 4)
#define CPUID1_EDX_PAT        (1U << 16)
#define CPUID80000001_EDX_NX  (1U << 20)

/* Exception vectors (SDM vol. 3A, table 6-1) */
#define VEC_DE 0
#define VEC_DB 1
#define VEC_NMI 2
#define VEC_BP 3
#define VEC_UD 6
#define VEC_DF 8
#define VEC_TS 10
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13
#define VEC_PF 14
#define VEC_MC 18

#endif
