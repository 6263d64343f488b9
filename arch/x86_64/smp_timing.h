/* How long the boot CPU waits between the start-up IPIs, decided the way
 * Linux decides it (arch/x86/kernel/smpboot.c, smp_quirk_init_udelay() and
 * wakeup_secondary_cpu_via_init()): no INIT wait and 10 us around each SIPI
 * on Intel family >= 6, AMD family >= 0xF and Hygon family >= 0x18; the MP
 * specification's 10 ms after INIT and 200 us after each SIPI on anything
 * else. smp.init_delay_us= / smp.sipi_delay_us= override either. Pure. */
#ifndef ARCH_X86_64_SMP_TIMING_H
#define ARCH_X86_64_SMP_TIMING_H

#include "kernel/types.h"

#define SMP_DELAY_UNSET (~0ULL)          /* no smp.*_delay_us= on the command line */
#define SMP_LEGACY_INIT_DELAY_US 10000ULL /* MP spec B.4: 10 ms after INIT */
#define SMP_LEGACY_SIPI_DELAY_US 200ULL   /* MP spec B.4: 200 us after each SIPI */
#define SMP_MODERN_SIPI_DELAY_US 10ULL    /* Linux on CPUs that need no INIT wait */

enum smp_vendor { SMP_VENDOR_OTHER = 0, SMP_VENDOR_INTEL, SMP_VENDOR_AMD, SMP_VENDOR_HYGON };

struct smp_timing {
	u64 init_delay_us;        /* after the INITs, before the first SIPI round */
	u64 sipi_delay_us;        /* before and after each SIPI round */
	bool modern;              /* the CPU is one Linux gives no INIT wait */
	bool init_overridden, sipi_overridden;
	enum smp_vendor vendor;
	char vendor_id[13];       /* CPUID.0 EBX EDX ECX as text */
	unsigned family;          /* the SDM's family (base + extended when base is 0xF) */
	char why[160];            /* "AuthenticAMD family 0xf: Linux uses no INIT wait on AMD family >= 0xf" */
};

/* The vendor from CPUID.0's EBX, EDX, ECX. */
enum smp_vendor smp_timing_vendor(u32 ebx, u32 edx, u32 ecx);
/* The delays for the boot CPU described by CPUID.0 (ebx, edx, ecx) and
 * CPUID.1:EAX; init_us / sipi_us are the command line's values or
 * SMP_DELAY_UNSET. */
void smp_timing_decide(u32 ebx, u32 edx, u32 ecx, u32 leaf1_eax, u64 init_us, u64 sipi_us, struct smp_timing *t);
/* The wait before the first SIPI round: the INIT wait, and at least the
 * SIPI wait (Linux waits 10 us before each SIPI even with no INIT wait). */
u64 smp_timing_first_sipi_wait(const struct smp_timing *t);

#endif
