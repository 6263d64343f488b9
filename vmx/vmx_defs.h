/* VT-x architectural names: MSRs, capability bits, control bits, VMCS field
 * encodings (SDM vol. 3C chapters 24-25, 31, appendices A and B; vol. 3D in
 * newer editions). Names follow the SDM so a reader can look each one up.
 *
 * A few names also live in arch/x86_64/cpu_defs.h; they are defined here with
 * the very same tokens so either header may be included first (an identical
 * redefinition is legal C) while this one stays usable by pure host code. */
#ifndef VMX_VMX_DEFS_H
#define VMX_VMX_DEFS_H

#include "kernel/types.h"

/* ---- CPUID (SDM vol. 2A, CPUID; AMD APM vol. 3 for the SVM bit) ---- */
#define CPUID1_ECX_VMX        (1U << 5)
#define CPUID1_ECX_SMX        (1U << 6)
#define CPUID1_ECX_HYPERVISOR (1U << 31)
#define CPUID80000001_ECX_SVM (1U << 2)
#define CPUID80000008_EAX_PHYS_BITS(eax) ((eax) & 0xffU)

#define CR4_VMXE (1ULL << 13)

/* ---- IA32_FEATURE_CONTROL (SDM vol. 3C 24.7, vol. 4 table 2-2) ---- */
#define MSR_IA32_FEATURE_CONTROL 0x3a
#define IA32_SMM_MONITOR_CTL 0x9b   /* bit 0: valid (dual-monitor treatment may be activated) */
#define FEATURE_CONTROL_LOCK              (1ULL << 0)
#define FEATURE_CONTROL_VMXON_INSIDE_SMX  (1ULL << 1)
#define FEATURE_CONTROL_VMXON_OUTSIDE_SMX (1ULL << 2)
#define FEATURE_CONTROL_SGX_LC            (1ULL << 17)	/* SGX launch control enable */
#define FEATURE_CONTROL_SGX               (1ULL << 18)	/* SGX global enable */
#define FEATURE_CONTROL_LMCE              (1ULL << 20)	/* local machine check enable */
/* What may turn those on (SDM vol. 2A CPUID leaf 7, vol. 3B 16.3.1.1) */
#define CPUID7_EBX_SGX        (1U << 2)
#define CPUID7_ECX_SGX_LC     (1U << 30)
#define CPUID1_EDX_MCA        (1U << 14)
#define MSR_IA32_MCG_CAP      0x179
#define MCG_CAP_SER_P         (1ULL << 24)
#define MCG_CAP_LMCE_P        (1ULL << 27)

/* ---- VMX capability MSRs (SDM vol. 3C appendix A) ---- */
#define MSR_IA32_VMX_BASIC               0x480
#define MSR_IA32_VMX_PINBASED_CTLS       0x481
#define MSR_IA32_VMX_PROCBASED_CTLS      0x482
#define MSR_IA32_VMX_EXIT_CTLS           0x483
#define MSR_IA32_VMX_ENTRY_CTLS          0x484
#define MSR_IA32_VMX_MISC                0x485
#define MSR_IA32_VMX_CR0_FIXED0          0x486
#define MSR_IA32_VMX_CR0_FIXED1          0x487
#define MSR_IA32_VMX_CR4_FIXED0          0x488
#define MSR_IA32_VMX_CR4_FIXED1          0x489
#define MSR_IA32_VMX_VMCS_ENUM           0x48a
#define MSR_IA32_VMX_PROCBASED_CTLS2     0x48b
#define MSR_IA32_VMX_EPT_VPID_CAP        0x48c
#define MSR_IA32_VMX_TRUE_PINBASED_CTLS  0x48d
#define MSR_IA32_VMX_TRUE_PROCBASED_CTLS 0x48e
#define MSR_IA32_VMX_TRUE_EXIT_CTLS      0x48f
#define MSR_IA32_VMX_TRUE_ENTRY_CTLS     0x490
#define MSR_IA32_VMX_VMFUNC              0x491
#define MSR_IA32_VMX_PROCBASED_CTLS3     0x492   /* 64 allowed-1 bits */
#define MSR_IA32_VMX_EXIT_CTLS2          0x493   /* 64 allowed-1 bits */

/* IA32_VMX_BASIC (A.1) */
#define VMX_BASIC_REVISION_MASK  0x7fffffffULL    /* bits 30:0 */
#define VMX_BASIC_BIT31          (1ULL << 31)     /* always 0 */
#define VMX_BASIC_SIZE_SHIFT     32               /* bits 44:32 */
#define VMX_BASIC_SIZE_MASK      0x1fffULL
#define VMX_BASIC_RESERVED_47_45 (7ULL << 45)
#define VMX_BASIC_PHYS_ADDR_32   (1ULL << 48)     /* regions must be below 4 GiB */
#define VMX_BASIC_DUAL_MONITOR   (1ULL << 49)
/* non-canonical at both 48 and 57 linear-address bits (0x0000800000000000 is
 * canonical on CPUs with 5-level paging) */
#define VMX_NONCANONICAL 0xaaaaaaaaaaaaaaaaULL
#define VMX_BASIC_MEMTYPE_SHIFT  50               /* bits 53:50 */
#define VMX_BASIC_MEMTYPE_MASK   0xfULL
#define VMX_BASIC_INS_OUTS       (1ULL << 54)
#define VMX_BASIC_TRUE_CTLS      (1ULL << 55)
#define VMX_BASIC_NO_HW_ERRCODE_CHECK (1ULL << 56)
#define VMX_MEMTYPE_UC 0
#define VMX_MEMTYPE_WB 6

/* IA32_VMX_MISC (A.6) */
#define VMX_MISC_PREEMPT_RATE_MASK   0x1fULL      /* bits 4:0 */
#define VMX_MISC_STORES_LMA          (1ULL << 5)
#define VMX_MISC_ACTIVITY_HLT        (1ULL << 6)
#define VMX_MISC_ACTIVITY_SHUTDOWN   (1ULL << 7)
#define VMX_MISC_ACTIVITY_WAIT_SIPI  (1ULL << 8)
#define VMX_MISC_RESERVED            0x80003e00ULL /* bits 13:9 and 31 */
#define VMX_MISC_PT_IN_VMX           (1ULL << 14)
#define VMX_MISC_RDMSR_SMBASE        (1ULL << 15)
#define VMX_MISC_CR3_TARGETS_SHIFT   16           /* bits 24:16 */
#define VMX_MISC_CR3_TARGETS_MASK    0x1ffULL
#define VMX_MISC_MAX_MSR_SHIFT       25           /* bits 27:25: 512 * (N + 1) */
#define VMX_MISC_MAX_MSR_MASK        0x7ULL
#define VMX_MISC_SMM_MONITOR_CTL_B2  (1ULL << 28)
#define VMX_MISC_VMWRITE_ANY_FIELD   (1ULL << 29)
#define VMX_MISC_INJECT_ZERO_LEN     (1ULL << 30)
#define VMX_MISC_MSEG_REV_SHIFT      32           /* bits 63:32 */

/* IA32_VMX_VMCS_ENUM (A.9): bits 9:1 highest index; bit 0 and 63:10 reserved */
#define VMX_VMCS_ENUM_INDEX_SHIFT 1
#define VMX_VMCS_ENUM_INDEX_MASK  0x1ffULL
#define VMX_VMCS_ENUM_RESERVED    (~0x3feULL)

/* IA32_VMX_EPT_VPID_CAP (A.10) */
#define VMX_EPT_EXEC_ONLY            (1ULL << 0)
#define VMX_EPT_PAGE_WALK_4          (1ULL << 6)
#define VMX_EPT_PAGE_WALK_5          (1ULL << 7)
#define VMX_EPT_MEMTYPE_UC           (1ULL << 8)
#define VMX_EPT_MEMTYPE_WB           (1ULL << 14)
#define VMX_EPT_PDE_2MB              (1ULL << 16)
#define VMX_EPT_PDPTE_1GB            (1ULL << 17)
#define VMX_EPT_INVEPT               (1ULL << 20)
#define VMX_EPT_AD_FLAGS             (1ULL << 21)
#define VMX_EPT_ADVANCED_EXIT_INFO   (1ULL << 22)
#define VMX_EPT_SUPERVISOR_SHADOW_STACK (1ULL << 23)
#define VMX_EPT_INVEPT_SINGLE        (1ULL << 25)
#define VMX_EPT_INVEPT_ALL           (1ULL << 26)
#define VMX_VPID_INVVPID             (1ULL << 32)
#define VMX_VPID_INVVPID_ADDR        (1ULL << 40)
#define VMX_VPID_INVVPID_SINGLE      (1ULL << 41)
#define VMX_VPID_INVVPID_ALL         (1ULL << 42)
#define VMX_VPID_INVVPID_SINGLE_NONGLOBAL (1ULL << 43)

/* "Default1" control bits (A.2): reported as must-be-1 by the non-TRUE MSRs. */
#define VMX_PINBASED_DEFAULT1  0x00000016U
#define VMX_PROCBASED_DEFAULT1 0x0401e172U
#define VMX_EXIT_DEFAULT1      0x00036dffU
#define VMX_ENTRY_DEFAULT1     0x000011ffU

/* ---- Pin-based VM-execution controls (SDM 25.6.1, table 25-5) ---- */
#define PIN_EXTERNAL_INTERRUPT_EXITING (1U << 0)
#define PIN_NMI_EXITING                (1U << 3)
#define PIN_VIRTUAL_NMIS               (1U << 5)
#define PIN_ACTIVATE_PREEMPTION_TIMER  (1U << 6)
#define PIN_PROCESS_POSTED_INTERRUPTS  (1U << 7)

/* ---- Primary processor-based controls (25.6.2, table 25-6) ---- */
#define CPU_INTERRUPT_WINDOW_EXITING   (1U << 2)
#define CPU_USE_TSC_OFFSETTING         (1U << 3)
#define CPU_HLT_EXITING                (1U << 7)
#define CPU_INVLPG_EXITING             (1U << 9)
#define CPU_MWAIT_EXITING              (1U << 10)
#define CPU_RDPMC_EXITING              (1U << 11)
#define CPU_RDTSC_EXITING              (1U << 12)
#define CPU_CR3_LOAD_EXITING           (1U << 15)
#define CPU_CR3_STORE_EXITING          (1U << 16)
#define CPU_ACTIVATE_TERTIARY_CONTROLS (1U << 17)
#define CPU_CR8_LOAD_EXITING           (1U << 19)
#define CPU_CR8_STORE_EXITING          (1U << 20)
#define CPU_USE_TPR_SHADOW             (1U << 21)
#define CPU_NMI_WINDOW_EXITING         (1U << 22)
#define CPU_MOV_DR_EXITING             (1U << 23)
#define CPU_UNCONDITIONAL_IO_EXITING   (1U << 24)
#define CPU_USE_IO_BITMAPS             (1U << 25)
#define CPU_MONITOR_TRAP_FLAG          (1U << 27)
#define CPU_USE_MSR_BITMAPS            (1U << 28)
#define CPU_MONITOR_EXITING            (1U << 29)
#define CPU_PAUSE_EXITING              (1U << 30)
#define CPU_ACTIVATE_SECONDARY_CONTROLS (1U << 31)
#define CPU_ACTIVATE_TERTIARY_CONTROLS  (1U << 17)

/* ---- Secondary processor-based controls (25.6.2, table 25-7) ---- */
#define CPU2_VIRTUALIZE_APIC_ACCESSES  (1U << 0)
#define CPU2_ENABLE_EPT                (1U << 1)
#define CPU2_DESCRIPTOR_TABLE_EXITING  (1U << 2)
#define CPU2_ENABLE_RDTSCP             (1U << 3)
#define CPU2_VIRTUALIZE_X2APIC_MODE    (1U << 4)
#define CPU2_ENABLE_VPID               (1U << 5)
#define CPU2_WBINVD_EXITING            (1U << 6)
#define CPU2_UNRESTRICTED_GUEST        (1U << 7)
#define CPU2_APIC_REGISTER_VIRTUALIZATION (1U << 8)
#define CPU2_VIRTUAL_INTERRUPT_DELIVERY (1U << 9)
#define CPU2_PAUSE_LOOP_EXITING        (1U << 10)
#define CPU2_RDRAND_EXITING            (1U << 11)
#define CPU2_ENABLE_INVPCID            (1U << 12)
#define CPU2_ENABLE_VM_FUNCTIONS       (1U << 13)
#define CPU2_VMCS_SHADOWING            (1U << 14)
#define CPU2_RDSEED_EXITING            (1U << 16)
#define CPU2_ENABLE_PML                (1U << 17)
#define CPU2_EPT_VIOLATION_VE          (1U << 18)
#define CPU2_ENABLE_XSAVES_XRSTORS     (1U << 20)
#define CPU2_USE_TSC_SCALING           (1U << 25)

/* ---- VM-exit controls (25.7.1, table 25-13) ---- */
#define EXIT_SAVE_DEBUG_CONTROLS       (1U << 2)
#define EXIT_ACTIVATE_SECONDARY_CONTROLS (1U << 31)
#define EXIT_HOST_ADDRESS_SPACE_SIZE   (1U << 9)
#define EXIT_LOAD_IA32_PERF_GLOBAL_CTRL (1U << 12)
#define EXIT_ACK_INTERRUPT_ON_EXIT     (1U << 15)
#define EXIT_SAVE_IA32_PAT             (1U << 18)
#define EXIT_LOAD_IA32_PAT             (1U << 19)
#define EXIT_SAVE_IA32_EFER            (1U << 20)
#define EXIT_LOAD_IA32_EFER            (1U << 21)
#define EXIT_SAVE_PREEMPTION_TIMER     (1U << 22)

/* ---- VM-entry controls (25.8.1, table 25-15) ---- */
#define ENTRY_LOAD_DEBUG_CONTROLS      (1U << 2)
#define ENTRY_IA32E_MODE_GUEST         (1U << 9)
#define ENTRY_TO_SMM                   (1U << 10)
#define ENTRY_DEACTIVATE_DUAL_MONITOR  (1U << 11)
#define ENTRY_LOAD_IA32_PERF_GLOBAL_CTRL (1U << 13)
#define ENTRY_LOAD_IA32_PAT            (1U << 14)
#define ENTRY_LOAD_IA32_EFER           (1U << 15)

/* ---- Exit reason field (25.9.1, table 25-17) ---- */
#define EXIT_REASON_BASIC_MASK         0xffffU
#define EXIT_REASON_ENCLAVE_MODE       (1U << 27)
#define EXIT_REASON_PENDING_MTF        (1U << 28)
#define EXIT_REASON_FROM_VMX_ROOT      (1U << 29)
#define EXIT_REASON_ENTRY_FAILURE      (1U << 31)

/* ---- VMCS component encoding (SDM 25.11.2, table 25-21) ---- */
#define VMCS_ENC_ACCESS_HIGH   (1U << 0)
#define VMCS_ENC_INDEX_SHIFT   1            /* bits 9:1 */
#define VMCS_ENC_INDEX_MASK    0x1ffU
#define VMCS_ENC_TYPE_SHIFT    10           /* bits 11:10 */
#define VMCS_ENC_TYPE_MASK     0x3U
#define VMCS_ENC_WIDTH_SHIFT   13           /* bits 14:13 */
#define VMCS_ENC_WIDTH_MASK    0x3U
#define VMCS_ENC_RESERVED      0xffff9000U  /* bit 12 and bits 31:15 */

/* ---- VMCS field encodings (SDM appendix B) ---- */
/* B.1.1 16-bit control fields */
#define VMCS_VIRTUAL_PROCESSOR_ID                   0x0000
#define VMCS_POSTED_INTR_NOTIFICATION_VECTOR        0x0002
#define VMCS_EPTP_INDEX                             0x0004
#define VMCS_HLAT_PREFIX_SIZE                       0x0006
#define VMCS_LAST_PID_POINTER_INDEX                 0x0008
/* B.1.2 16-bit guest-state fields */
#define VMCS_GUEST_ES_SELECTOR                      0x0800
#define VMCS_GUEST_CS_SELECTOR                      0x0802
#define VMCS_GUEST_SS_SELECTOR                      0x0804
#define VMCS_GUEST_DS_SELECTOR                      0x0806
#define VMCS_GUEST_FS_SELECTOR                      0x0808
#define VMCS_GUEST_GS_SELECTOR                      0x080a
#define VMCS_GUEST_LDTR_SELECTOR                    0x080c
#define VMCS_GUEST_TR_SELECTOR                      0x080e
#define VMCS_GUEST_INTERRUPT_STATUS                 0x0810
#define VMCS_GUEST_PML_INDEX                        0x0812
#define VMCS_GUEST_UINV                             0x0814
/* B.1.3 16-bit host-state fields */
#define VMCS_HOST_ES_SELECTOR                       0x0c00
#define VMCS_HOST_CS_SELECTOR                       0x0c02
#define VMCS_HOST_SS_SELECTOR                       0x0c04
#define VMCS_HOST_DS_SELECTOR                       0x0c06
#define VMCS_HOST_FS_SELECTOR                       0x0c08
#define VMCS_HOST_GS_SELECTOR                       0x0c0a
#define VMCS_HOST_TR_SELECTOR                       0x0c0c
/* B.2.1 64-bit control fields (the "high" half of each is encoding + 1) */
#define VMCS_IO_BITMAP_A_ADDR                       0x2000
#define VMCS_IO_BITMAP_B_ADDR                       0x2002
#define VMCS_MSR_BITMAPS_ADDR                       0x2004
#define VMCS_VM_EXIT_MSR_STORE_ADDR                 0x2006
#define VMCS_VM_EXIT_MSR_LOAD_ADDR                  0x2008
#define VMCS_VM_ENTRY_MSR_LOAD_ADDR                 0x200a
#define VMCS_EXECUTIVE_VMCS_POINTER                 0x200c
#define VMCS_PML_ADDR                               0x200e
#define VMCS_TSC_OFFSET                             0x2010
#define VMCS_VIRTUAL_APIC_ADDR                      0x2012
#define VMCS_APIC_ACCESS_ADDR                       0x2014
#define VMCS_POSTED_INTR_DESC_ADDR                  0x2016
#define VMCS_VM_FUNCTION_CONTROLS                   0x2018
#define VMCS_EPT_POINTER                            0x201a
#define VMCS_EOI_EXIT_BITMAP_0                      0x201c
#define VMCS_EOI_EXIT_BITMAP_1                      0x201e
#define VMCS_EOI_EXIT_BITMAP_2                      0x2020
#define VMCS_EOI_EXIT_BITMAP_3                      0x2022
#define VMCS_EPTP_LIST_ADDR                         0x2024
#define VMCS_VMREAD_BITMAP_ADDR                     0x2026
#define VMCS_VMWRITE_BITMAP_ADDR                    0x2028
#define VMCS_VE_INFORMATION_ADDR                    0x202a
#define VMCS_XSS_EXITING_BITMAP                     0x202c
#define VMCS_ENCLS_EXITING_BITMAP                   0x202e
#define VMCS_SPP_TABLE_POINTER                      0x2030
#define VMCS_TSC_MULTIPLIER                         0x2032
#define VMCS_TERTIARY_PROC_BASED_CONTROLS           0x2034
#define VMCS_ENCLV_EXITING_BITMAP                   0x2036
#define VMCS_LOW_PASID_DIRECTORY_ADDR               0x2038
#define VMCS_HIGH_PASID_DIRECTORY_ADDR              0x203a
#define VMCS_SHARED_EPT_POINTER                     0x203c
#define VMCS_PCONFIG_EXITING_BITMAP                 0x203e
#define VMCS_HLAT_POINTER                           0x2040
#define VMCS_PID_POINTER_TABLE_ADDR                 0x2042
#define VMCS_SECONDARY_VM_EXIT_CONTROLS             0x2044
/* B.2.2 64-bit read-only data fields */
#define VMCS_GUEST_PHYSICAL_ADDRESS                 0x2400
/* B.2.3 64-bit guest-state fields */
#define VMCS_LINK_POINTER                           0x2800
#define VMCS_GUEST_IA32_DEBUGCTL                    0x2802
#define VMCS_GUEST_IA32_PAT                         0x2804
#define VMCS_GUEST_IA32_EFER                        0x2806
#define VMCS_GUEST_IA32_PERF_GLOBAL_CTRL            0x2808
#define VMCS_GUEST_PDPTE0                           0x280a
#define VMCS_GUEST_PDPTE1                           0x280c
#define VMCS_GUEST_PDPTE2                           0x280e
#define VMCS_GUEST_PDPTE3                           0x2810
#define VMCS_GUEST_IA32_BNDCFGS                     0x2812
#define VMCS_GUEST_IA32_RTIT_CTL                    0x2814
#define VMCS_GUEST_IA32_LBR_CTL                     0x2816
#define VMCS_GUEST_IA32_PKRS                        0x2818
/* B.2.4 64-bit host-state fields */
#define VMCS_HOST_IA32_PAT                          0x2c00
#define VMCS_HOST_IA32_EFER                         0x2c02
#define VMCS_HOST_IA32_PERF_GLOBAL_CTRL             0x2c04
#define VMCS_HOST_IA32_PKRS                         0x2c06
/* B.3.1 32-bit control fields */
#define VMCS_PIN_BASED_CONTROLS                     0x4000
#define VMCS_PRIMARY_PROC_BASED_CONTROLS            0x4002
#define VMCS_EXCEPTION_BITMAP                       0x4004
#define VMCS_PAGE_FAULT_ERROR_CODE_MASK             0x4006
#define VMCS_PAGE_FAULT_ERROR_CODE_MATCH            0x4008
#define VMCS_CR3_TARGET_COUNT                       0x400a
#define VMCS_VM_EXIT_CONTROLS                       0x400c
#define VMCS_VM_EXIT_MSR_STORE_COUNT                0x400e
#define VMCS_VM_EXIT_MSR_LOAD_COUNT                 0x4010
#define VMCS_VM_ENTRY_CONTROLS                      0x4012
#define VMCS_VM_ENTRY_MSR_LOAD_COUNT                0x4014
#define VMCS_VM_ENTRY_INTERRUPTION_INFO             0x4016
#define VMCS_VM_ENTRY_EXCEPTION_ERROR_CODE          0x4018
#define VMCS_VM_ENTRY_INSTRUCTION_LENGTH            0x401a
#define VMCS_TPR_THRESHOLD                          0x401c
#define VMCS_SECONDARY_PROC_BASED_CONTROLS          0x401e
#define VMCS_PLE_GAP                                0x4020
#define VMCS_PLE_WINDOW                             0x4022
#define VMCS_INSTRUCTION_TIMEOUT_CONTROL            0x4024
/* B.3.2 32-bit read-only data fields */
#define VMCS_VM_INSTRUCTION_ERROR                   0x4400
#define VMCS_EXIT_REASON                            0x4402
#define VMCS_VM_EXIT_INTERRUPTION_INFO              0x4404
#define VMCS_VM_EXIT_INTERRUPTION_ERROR_CODE        0x4406
#define VMCS_IDT_VECTORING_INFO                     0x4408
#define VMCS_IDT_VECTORING_ERROR_CODE               0x440a
#define VMCS_VM_EXIT_INSTRUCTION_LENGTH             0x440c
#define VMCS_VM_EXIT_INSTRUCTION_INFO               0x440e
/* B.3.3 32-bit guest-state fields */
#define VMCS_GUEST_ES_LIMIT                         0x4800
#define VMCS_GUEST_CS_LIMIT                         0x4802
#define VMCS_GUEST_SS_LIMIT                         0x4804
#define VMCS_GUEST_DS_LIMIT                         0x4806
#define VMCS_GUEST_FS_LIMIT                         0x4808
#define VMCS_GUEST_GS_LIMIT                         0x480a
#define VMCS_GUEST_LDTR_LIMIT                       0x480c
#define VMCS_GUEST_TR_LIMIT                         0x480e
#define VMCS_GUEST_GDTR_LIMIT                       0x4810
#define VMCS_GUEST_IDTR_LIMIT                       0x4812
#define VMCS_GUEST_ES_ACCESS_RIGHTS                 0x4814
#define VMCS_GUEST_CS_ACCESS_RIGHTS                 0x4816
#define VMCS_GUEST_SS_ACCESS_RIGHTS                 0x4818
#define VMCS_GUEST_DS_ACCESS_RIGHTS                 0x481a
#define VMCS_GUEST_FS_ACCESS_RIGHTS                 0x481c
#define VMCS_GUEST_GS_ACCESS_RIGHTS                 0x481e
#define VMCS_GUEST_LDTR_ACCESS_RIGHTS               0x4820
#define VMCS_GUEST_TR_ACCESS_RIGHTS                 0x4822
#define VMCS_GUEST_INTERRUPTIBILITY_STATE           0x4824
#define VMCS_GUEST_ACTIVITY_STATE                   0x4826
#define VMCS_GUEST_SMBASE                           0x4828
#define VMCS_GUEST_IA32_SYSENTER_CS                 0x482a
#define VMCS_GUEST_VMX_PREEMPTION_TIMER_VALUE       0x482e
/* B.3.4 32-bit host-state field */
#define VMCS_HOST_IA32_SYSENTER_CS                  0x4c00
/* B.4.1 natural-width control fields */
#define VMCS_CR0_GUEST_HOST_MASK                    0x6000
#define VMCS_CR4_GUEST_HOST_MASK                    0x6002
#define VMCS_CR0_READ_SHADOW                        0x6004
#define VMCS_CR4_READ_SHADOW                        0x6006
#define VMCS_CR3_TARGET_VALUE0                      0x6008
#define VMCS_CR3_TARGET_VALUE1                      0x600a
#define VMCS_CR3_TARGET_VALUE2                      0x600c
#define VMCS_CR3_TARGET_VALUE3                      0x600e
/* B.4.2 natural-width read-only data fields */
#define VMCS_EXIT_QUALIFICATION                     0x6400
#define VMCS_IO_RCX                                 0x6402
#define VMCS_IO_RSI                                 0x6404
#define VMCS_IO_RDI                                 0x6406
#define VMCS_IO_RIP                                 0x6408
#define VMCS_GUEST_LINEAR_ADDRESS                   0x640a
/* B.4.3 natural-width guest-state fields */
#define VMCS_GUEST_CR0                              0x6800
#define VMCS_GUEST_CR3                              0x6802
#define VMCS_GUEST_CR4                              0x6804
#define VMCS_GUEST_ES_BASE                          0x6806
#define VMCS_GUEST_CS_BASE                          0x6808
#define VMCS_GUEST_SS_BASE                          0x680a
#define VMCS_GUEST_DS_BASE                          0x680c
#define VMCS_GUEST_FS_BASE                          0x680e
#define VMCS_GUEST_GS_BASE                          0x6810
#define VMCS_GUEST_LDTR_BASE                        0x6812
#define VMCS_GUEST_TR_BASE                          0x6814
#define VMCS_GUEST_GDTR_BASE                        0x6816
#define VMCS_GUEST_IDTR_BASE                        0x6818
#define VMCS_GUEST_DR7                              0x681a
#define VMCS_GUEST_RSP                              0x681c
#define VMCS_GUEST_RIP                              0x681e
#define VMCS_GUEST_RFLAGS                           0x6820
#define VMCS_GUEST_PENDING_DEBUG_EXCEPTIONS         0x6822
#define VMCS_GUEST_IA32_SYSENTER_ESP                0x6824
#define VMCS_GUEST_IA32_SYSENTER_EIP                0x6826
#define VMCS_GUEST_IA32_S_CET                       0x6828
#define VMCS_GUEST_SSP                              0x682a
#define VMCS_GUEST_IA32_INTERRUPT_SSP_TABLE_ADDR    0x682c
/* B.4.4 natural-width host-state fields */
#define VMCS_HOST_CR0                               0x6c00
#define VMCS_HOST_CR3                               0x6c02
#define VMCS_HOST_CR4                               0x6c04
#define VMCS_HOST_FS_BASE                           0x6c06
#define VMCS_HOST_GS_BASE                           0x6c08
#define VMCS_HOST_TR_BASE                           0x6c0a
#define VMCS_HOST_GDTR_BASE                         0x6c0c
#define VMCS_HOST_IDTR_BASE                         0x6c0e
#define VMCS_HOST_IA32_SYSENTER_ESP                 0x6c10
#define VMCS_HOST_IA32_SYSENTER_EIP                 0x6c12
#define VMCS_HOST_RSP                               0x6c14
#define VMCS_HOST_RIP                               0x6c16
#define VMCS_HOST_IA32_S_CET                        0x6c18
#define VMCS_HOST_SSP                               0x6c1a
#define VMCS_HOST_IA32_INTERRUPT_SSP_TABLE_ADDR     0x6c1c

#endif
