/* Real VMX capability values of Bochs 2.7 corei7_skylake_x (shared/FACTS.md;
 * IA32_VMX_BASIC 0x00d810000000002b as vmxboot read it under Bochs: revision
 * 0x2b, 4096 bytes, WB, INS/OUTS info, true controls). For host tests only. */
#ifndef TESTS_HOST_BOCHS_CAPS_H
#define TESTS_HOST_BOCHS_CAPS_H

#include "vmx/vmx_caps.h"

#define BOCHS_VMX_BASIC 0x00d810000000002bULL

static inline struct vmx_caps skylake_x(void)
{
	return (struct vmx_caps){
		.basic = BOCHS_VMX_BASIC,
		.pinbased = 0x0000007f00000016ULL,
		.procbased = 0xf7f9fffe0401e172ULL,
		.exit = 0x007fffff00036dffULL,
		.entry = 0x0000ffff000011ffULL,
		.misc = 0x00000000600401e0ULL,
		.cr0_fixed0 = 0x80000021ULL,
		.cr0_fixed1 = 0xffffffffULL,
		.cr4_fixed0 = 0x2000ULL,
		.cr4_fixed1 = 0x3727ffULL,
		.vmcs_enum = 0x34ULL,
		.procbased2 = 0x02177fff00000000ULL,
		.ept_vpid_cap = 0x00000f0106334141ULL,
		.true_pinbased = 0x0000007f00000016ULL,
		.true_procbased = 0xf7f9fffe04006172ULL,
		.true_exit = 0x007fffff00036dfbULL,
		.true_entry = 0x0000ffff000011fbULL,
		.vmfunc = 0x1ULL,
		.feature_control = 0x5ULL,
		.cpuid_80000008_eax = 0x3028,	/* 40-bit physical, 48-bit linear */
	};
}

#endif
