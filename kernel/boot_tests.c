/*
 * The "boot" suite: each case causes the behaviour it names and checks the
 * exact outcome (a #PF on a write to text, #UD from ud2, ...).
 */
#include "kernel/boot_tests.h"
#include "kernel/ktap.h"
#include "kernel/kprintf.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/serial.h"
#include "kernel/panic.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/irq.h"

extern char __kernel_start[], __text_end[], __rodata_end[];
extern char boot_stack_guard[];

static void check_alloc(struct ktap_node *s)
{
	u64 before = kernel_pmm.free_pages;
	u64 a = pmm_alloc(&kernel_pmm, 3, 4);
	bool ok = a && a % (4 * PAGE_SIZE) == 0;
	const volatile u8 *p = (const volatile u8 *)(uintptr_t)a;
	for (u64 i = 0; ok && i < 3 * PAGE_SIZE; i++)
		ok = p[i] == 0;
	bool taken = kernel_pmm.free_pages == before - 3;
	if (a)
		pmm_free(&kernel_pmm, a, 3);
	ktap_check(s, "page_alloc_zeroed_aligned_run", ok && taken,
		   "3 pages aligned to 16 KiB: got 0x%lx, free %lu -> %lu", a, before, kernel_pmm.free_pages);
	ktap_check(s, "page_free_restores_count", kernel_pmm.free_pages == before,
		   "free pages %lu before, %lu after", before, kernel_pmm.free_pages);
}

static void check_protection(struct ktap_node *s)
{
	int v = write_u8_safe((volatile u8 *)__kernel_start + 0x100, 0x90);
	ktap_check(s, "kernel_text_write_faults_pf", v == VEC_PF, "write to text gave vector %d, want 14 (#PF)", v);
	if (paging_nx_enabled()) {
		u64 ro = paging_lookup((u64)(uintptr_t)__text_end);
		ktap_check(s, "rodata_readonly_nx", ro && !(ro & PTE_W) && (ro & PTE_NX),
			   "rodata page entry 0x%lx", ro);
		u64 st = paging_lookup(read_rsp());
		ktap_check(s, "stack_writable_nx", st && (st & PTE_W) && (st & PTE_NX), "stack page entry 0x%lx", st);
	} else {
		ktap_add(s, "rodata_readonly_nx", KTAP_SKIP, "this CPU has no NX (CPUID.80000001h:EDX bit 20)");
		ktap_add(s, "stack_writable_nx", KTAP_SKIP, "this CPU has no NX");
	}
	u8 b;
	u64 g = paging_lookup((u64)(uintptr_t)boot_stack_guard);
	v = read_u8_safe((const volatile u8 *)boot_stack_guard, &b);
	ktap_check(s, "stack_guard_page_unmapped", g == 0 && v == VEC_PF,
		   "guard page entry 0x%lx, read gave vector %d", g, v);
}

void boot_tests(int mb2_status, int cmdline_problems)
{
	struct ktap_node *s = ktap_group(0, "boot");
	ktap_check(s, "multiboot2_info_valid", mb2_status == MB2_OK, "%s", mb2_strerror(mb2_status));
	ktap_check(s, "cmdline_valid", cmdline_problems == 0, "%d problems (see the cmdline: lines)",
		   cmdline_problems);
	if (serial_has_io_port(COM1))
		ktap_add(s, "serial_com1_present", KTAP_PASS, 0);
	else
		ktap_add(s, "serial_com1_present", KTAP_SKIP, serial_present() ?
			 "no 16550 at 0x3f8 (output on the other ports of the console: line)" :
			 "no 16550 at 0x3f8 (VGA only)");
	ktap_check(s, "cr0_ne_set", read_cr0() & CR0_NE, "CR0 0x%lx", read_cr0());
	ktap_check(s, "memory_map_has_free_ram", kernel_pmm.free_pages > 256,
		   "%lu free pages", kernel_pmm.free_pages);
	check_alloc(s);
	check_protection(s);
	boot_test_map_phys(s);
	int v = ud2_safe();
	ktap_check(s, "safe_ud2_returns_ud", v == VEC_UD, "ud2_safe gave %d, want 6 (#UD)", v);
	v = write_u8_safe((volatile u8 *)0x8000000000000000ULL, 1);   /* non-canonical */
	ktap_check(s, "safe_noncanonical_write_returns_gp", v == VEC_GP, "gave %d, want 13 (#GP)", v);
}

static volatile u64 sink;

static u64 __attribute__((noinline)) recurse(u64 n)
{
	volatile u8 pad[512];
	pad[0] = (u8)n;
	if (n == ~0ULL)   /* never true: the guard page stops us first */
		return 0;
	return recurse(n + 1) + pad[0];
}

static void __attribute__((noinline)) smash(void)
{
	char buf[16];
	volatile char *p = buf;
	for (int i = 0; i < 64; i++)   /* runs over the canary on purpose */
		p[i] = 'X';
}

void inject_fault(unsigned kind)
{
	switch (kind) {
	case INJECT_UD2:
		kprintf("inject: executing ud2; a #UD report and result=FAIL must follow\n");
		ud2();
		break;
	case INJECT_GUARD:
		kprintf("inject: writing the boot stack guard page at %p; a #PF report must follow\n",
			(void *)boot_stack_guard);
		*(volatile u8 *)boot_stack_guard = 1;
		break;
	case INJECT_OVERFLOW:
		kprintf("inject: recursing until the stack hits its guard page; a #DF or #PF report must follow\n");
		sink = recurse(0);
		break;
	case INJECT_NMI:
		irq_inject_nmi();   /* reported and survived: the run goes on */
		return;
	case INJECT_IRQ:
		irq_inject_unexpected();
		return;
	case INJECT_CANARY:
		kprintf("inject: overwriting a stack canary; the stack protector must panic\n");
		smash();
		break;
	default:
		return;
	}
	panic("inject: the injected fault did not fault");
}
