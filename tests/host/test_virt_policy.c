/* vmx/virt_policy.c: the VMM's decision for each exit, the CPUID the guest
 * sees (on Bochs corei7_skylake_x's real leaf-1 values), the MSR bitmap and
 * policy, the devirtualize key, CR writes under the masks, and segment
 * access rights from the kernel's own GDT descriptors. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "vmx/virt_policy.h"

static void exits_map_to_actions(void **state)
{
	(void)state;
	assert_int_equal(virt_exit_action(10), VIRT_ACT_CPUID);
	for (u32 r = 19; r <= 27; r++)   /* VMCLEAR ... VMXON */
		assert_int_equal(virt_exit_action(r), VIRT_ACT_INJECT_UD);
	assert_int_equal(virt_exit_action(50), VIRT_ACT_INJECT_UD);   /* INVEPT */
	assert_int_equal(virt_exit_action(53), VIRT_ACT_INJECT_UD);   /* INVVPID */
	assert_int_equal(virt_exit_action(31), VIRT_ACT_RDMSR);
	assert_int_equal(virt_exit_action(32), VIRT_ACT_WRMSR);
	assert_int_equal(virt_exit_action(55), VIRT_ACT_XSETBV);
	assert_int_equal(virt_exit_action(13), VIRT_ACT_INVD);
	assert_int_equal(virt_exit_action(48), VIRT_ACT_EPT_VIOLATION);
	assert_int_equal(virt_exit_action(49), VIRT_ACT_FATAL);
	assert_int_equal(virt_exit_action(2), VIRT_ACT_FATAL);
	assert_int_equal(virt_exit_action(3), VIRT_ACT_BRING_OUT);    /* INIT */
	assert_int_equal(virt_exit_action(4), VIRT_ACT_IGNORE);       /* SIPI */
	assert_int_equal(virt_exit_action(18), VIRT_ACT_VMCALL);
	assert_int_equal(virt_exit_action(28), VIRT_ACT_CR_ACCESS);
	/* no interrupt or I/O exiting is enabled: such an exit is unexpected */
	assert_int_equal(virt_exit_action(1), VIRT_ACT_BRING_OUT);
	assert_int_equal(virt_exit_action(30), VIRT_ACT_BRING_OUT);
	assert_int_equal(virt_exit_action(12), VIRT_ACT_BRING_OUT);
	assert_int_equal(virt_exit_action(0xffff), VIRT_ACT_BRING_OUT);
	assert_string_equal(virt_action_name(VIRT_ACT_FATAL), "fatal: CPU parked");
}

static void cpuid_hides_vmx_and_shows_the_signature(void **state)
{
	(void)state;
	/* Bochs corei7_skylake_x CPUID.1:ECX 0x77faf3bf (FACTS.md): VMX set, hypervisor clear */
	struct virt_cpuid real = { 0x50654, 0x00010800, 0x77faf3bf, 0xbfebfbff };
	struct virt_cpuid g = virt_cpuid(1, 0, real);
	assert_int_equal(g.ecx, (0x77faf3bfu & ~(1u << 5)) | (1u << 31));
	assert_int_equal(g.eax, real.eax);
	assert_int_equal(g.ebx, real.ebx);
	assert_int_equal(g.edx, real.edx);
	g = virt_cpuid(0x40000000, 0, real);
	char sig[13];
	memcpy(sig, &g.ebx, 4);
	memcpy(sig + 4, &g.ecx, 4);
	memcpy(sig + 8, &g.edx, 4);
	sig[12] = 0;
	assert_string_equal(sig, "VmxBootVisor");
	assert_int_equal(g.eax, 0x40000000);
	g = virt_cpuid(0x40000001, 0, real);
	assert_int_equal(g.eax | g.ebx | g.ecx | g.edx, 0);
	g = virt_cpuid(7, 0, real);   /* everything else passes through */
	assert_memory_equal(&g, &real, sizeof(g));
}

static void msr_policy_and_bitmap(void **state)
{
	(void)state;
	u8 bm[4096];
	virt_msr_bitmap_fill(bm);
	assert_int_equal(virt_msr_policy(0x3a, false), VIRT_MSR_FC_READ);
	assert_int_equal(virt_msr_policy(0x3a, true), VIRT_MSR_GP);
	for (u32 m = 0x480; m <= 0x493; m++) {
		assert_int_equal(virt_msr_policy(m, false), VIRT_MSR_GP);
		assert_int_equal(virt_msr_policy(m, true), VIRT_MSR_GP);
		assert_true(virt_msr_exits(bm, m, false));
		assert_true(virt_msr_exits(bm, m, true));
	}
	assert_true(virt_msr_exits(bm, 0x3a, false));
	assert_true(virt_msr_exits(bm, 0x3a, true));
	/* nothing else in the two ranges exits */
	u32 set = 0;
	for (size_t i = 0; i < sizeof(bm); i++)
		set += (u32)__builtin_popcount(bm[i]);
	assert_int_equal(set, 2 * (1 + 20));
	assert_false(virt_msr_exits(bm, 0x10, false));          /* TSC */
	assert_false(virt_msr_exits(bm, 0x479, false));
	assert_false(virt_msr_exits(bm, 0x494, true));
	assert_false(virt_msr_exits(bm, 0xc0000080, true));     /* EFER */
	assert_false(virt_msr_exits(bm, 0xc0000101, false));    /* GS base */
	/* outside both ranges: always an exit (SDM 26.1.3), executed for the guest */
	assert_true(virt_msr_exits(bm, 0x2000, false));
	assert_true(virt_msr_exits(bm, 0x40000000, false));
	assert_true(virt_msr_exits(bm, 0xc0002000, true));
	assert_int_equal(virt_msr_policy(0x40000000, false), VIRT_MSR_PASS);
	/* Bochs: FEATURE_CONTROL 0x5 (locked, VMX outside SMX) reads as locked, VMX off */
	assert_int_equal(virt_fc_value(0x5), 0x1);
	assert_int_equal(virt_fc_value(0x0), 0x1);
	assert_int_equal(virt_fc_value(0x100007), 0x100001);   /* other bits (LMCE) stay */
}

static void vmcall_needs_the_key(void **state)
{
	(void)state;
	u64 key = 0x1234abcd5678ef01ULL;
	assert_int_equal(virt_vmcall(VIRT_CALL_PING, key, key), VIRT_VMCALL_PING);
	assert_int_equal(virt_vmcall(VIRT_CALL_DEVIRT, key, key), VIRT_VMCALL_DEVIRT);
	assert_int_equal(virt_vmcall(VIRT_CALL_DEVIRT, key ^ 1, key), VIRT_VMCALL_UD);
	assert_int_equal(virt_vmcall(VIRT_CALL_PING, 0, key), VIRT_VMCALL_UD);
	assert_int_equal(virt_vmcall(99, key, key), VIRT_VMCALL_UD);
	assert_int_equal(virt_vmcall(VIRT_CALL_NMI, key, key), VIRT_VMCALL_NMI);
	assert_int_equal(virt_vmcall(VIRT_CALL_NMI, key + 1, key), VIRT_VMCALL_UD);
}

static void cr_writes_keep_vmx_hidden_and_fixed_bits(void **state)
{
	(void)state;
	/* Bochs: CR0_FIXED0/1 0x80000021 / 0xffffffff, CR4_FIXED0/1 0x2000 / 0x3727ff */
	struct virt_cr_write w = virt_cr_write(4, 0x6b0, 0x2000, 0x3727ff);
	assert_false(w.gp);
	assert_int_equal(w.guest, 0x26b0);
	assert_int_equal(w.shadow, 0x6b0);
	w = virt_cr_write(4, 0x26b0, 0x2000, 0x3727ff);   /* the guest sets VMXE */
	assert_true(w.gp);
	w = virt_cr_write(0, 0x80000011, 0x80000021, 0xffffffff);   /* NE clear: forced on, hidden */
	assert_false(w.gp);
	assert_int_equal(w.guest, 0x80000031);
	assert_int_equal(w.shadow, 0x80000011);
	w = virt_cr_write(0, 0x00000031, 0x80000021, 0xffffffff);   /* PG off in long mode */
	assert_true(w.gp);
	assert_true(virt_cr_write(3, 0x1000, 0, ~0ULL).gp);
	struct virt_cr_qual q = virt_cr_qual_decode(0x304);   /* MOV RBX -> CR4 */
	assert_int_equal(q.cr, 4);
	assert_int_equal(q.type, 0);
	assert_int_equal(q.gpr, 3);
}

static void segment_rights_from_the_kernel_gdt(void **state)
{
	(void)state;
	/* arch/x86_64/gdt.c descriptors, with the accessed bit the CPU sets on load */
	u64 code = 0x00af9b000000ffffULL, data = 0x00cf93000000ffffULL;
	assert_int_equal(virt_seg_access_rights(0x08, code), 0xa09b);
	assert_int_equal(virt_seg_access_rights(0x10, data), 0xc093);
	assert_int_equal(virt_seg_access_rights(0, data), 0x10000);
	assert_int_equal(virt_seg_limit(code), 0xffffffff);
	/* a busy 64-bit TSS at 0x12345678abcd, limit 0x67 */
	u64 base = 0x12345678abcdULL;
	u64 lo = 0x67 | ((base & 0xffffff) << 16) | (0x8bULL << 40) | (((base >> 24) & 0xff) << 56);
	u64 hi = base >> 32;
	assert_int_equal(virt_seg_access_rights(0x18, lo), 0x8b);
	assert_int_equal(virt_seg_limit(lo), 0x67);
	assert_int_equal(virt_seg_base(lo, hi, true), base);
	assert_int_equal(virt_seg_base(lo, hi, false), base & 0xffffffff);
}

/* an NMI taken in the VMM: injected when the entry is free, else held */
static void nmi_in_vmm_injected_or_held(void **state)
{
	(void)state;
	assert_int_equal(virt_nmi_decide(0, 0, 0), VIRT_NMI_NONE);
	assert_int_equal(virt_nmi_decide(1, 0, 0), VIRT_NMI_INJECT);
	assert_int_equal(virt_nmi_decide(3, 0, 0x4), VIRT_NMI_INJECT);   /* blocking by SMI does not matter */
	assert_int_equal(virt_nmi_decide(1, 0x80000b0d, 0), VIRT_NMI_HOLD);   /* a #GP injected this entry */
	assert_int_equal(virt_nmi_decide(1, 0x80000306, 0), VIRT_NMI_HOLD);   /* a #UD */
	assert_int_equal(virt_nmi_decide(1, 0x00000b0d, 0), VIRT_NMI_INJECT); /* not valid: free */
	assert_int_equal(virt_nmi_decide(1, 0, 0x1), VIRT_NMI_HOLD);          /* blocking by STI */
	assert_int_equal(virt_nmi_decide(1, 0, 0x2), VIRT_NMI_HOLD);          /* blocking by MOV SS */
	assert_int_equal(virt_nmi_decide(1, 0, 0x8), VIRT_NMI_HOLD);          /* blocking by NMI */
	assert_int_equal(VIRT_NMI_INJECT_INFO, (1u << 31) | (2u << 8) | 2u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exits_map_to_actions),
		cmocka_unit_test(cpuid_hides_vmx_and_shows_the_signature),
		cmocka_unit_test(msr_policy_and_bitmap),
		cmocka_unit_test(vmcall_needs_the_key),
		cmocka_unit_test(nmi_in_vmm_injected_or_held),
		cmocka_unit_test(cr_writes_keep_vmx_hidden_and_fixed_bits),
		cmocka_unit_test(segment_rights_from_the_kernel_gdt),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
