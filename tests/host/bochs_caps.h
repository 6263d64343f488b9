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

/* Bochs 2.7 corei7_icelake_u: differs from Skylake-X where FACTS.md says
 * (VMX_BASIC revision 0x4, PROCBASED's monitor trap flag, PROCBASED2, CR4_FIXED1).
 * FACTS.md says nothing of TRUE_PROCBASED; Bochs defines its allowed-1 half as
 * that of PROCBASED (VMX_MSR_VMX_TRUE_PROCBASED_CTRLS_HI), so 0xfff9fffe too. */
static inline struct vmx_caps icelake_u(void)
{
	struct vmx_caps c = skylake_x();
	c.basic = 0x00d8100000000004ULL;
	c.procbased = 0xfff9fffe0401e172ULL;
	c.true_procbased = 0xfff9fffe04006172ULL;
	c.procbased2 = 0x02977fff00000000ULL;
	c.cr4_fixed1 = 0x772fffULL;
	return c;
}

#endif
