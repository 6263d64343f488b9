/*
 * Boot tests of paging_map_phys: a 2 MiB write-back page and a 4 KiB
 * write-combining page in RAM above 4 GiB (outside the boot identity map),
 * written and read back through the new mappings, and a range past the
 * physical-address width refused.
 */
#include "kernel/boot_tests.h"
#include "kernel/ktap.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/cpu.h"

#define SZ_2M (2ULL << 20)
#define PATTERN 0x5a5aa5a5c3c33c3cULL

static bool write_read(volatile u64 *p, u64 n)
{
	p[0] = PATTERN;
	p[n - 1] = ~PATTERN;
	return p[0] == PATTERN && p[n - 1] == ~PATTERN;
}

void boot_test_map_phys(struct ktap_node *s)
{
	u64 pat;
	if (rdmsr_safe(MSR_IA32_PAT, &pat))
		ktap_add(s, "pat_entry4_write_combining", KTAP_SKIP, "this CPU has no IA32_PAT (RDMSR 0x277 faulted)");
	else
		ktap_check(s, "pat_entry4_write_combining", pat == PAT_VALUE && paging_pat_wc(),
			   "IA32_PAT 0x%lx, want 0x%lx", pat, (u64)PAT_VALUE);
	void *far = paging_map_phys(1ULL << 52, PAGE_SIZE, MEM_UC);
	ktap_check(s, "map_phys_past_address_width_refused", far == 0,
		   "paging_map_phys(2^52) gave %p, want NULL", far);
	u64 pa = paging_high_ram();
	if (!pa) {
		ktap_add(s, "map_phys_above_4g_2m_wb", KTAP_SKIP, "no RAM above 4 GiB in the memory map");
		ktap_add(s, "map_phys_above_4g_4k_wc", KTAP_SKIP, "no RAM above 4 GiB in the memory map");
		return;
	}
	volatile u64 *big = paging_map_phys(pa, SZ_2M, MEM_WB);
	u64 e = paging_lookup(pa);
	bool ok = big == (void *)(uintptr_t)pa && (e & PTE_PS) && !(e & (PTE_PCD | PTE_PWT | PDE_PAT)) &&
		  (e & PTE_ADDR_MASK) == pa && write_read(big, SZ_2M / 8);
	ktap_check(s, "map_phys_above_4g_2m_wb", ok, "2 MiB at 0x%lx: pointer %p, entry 0x%lx", pa, big, e);

	u64 pa4 = pa + SZ_2M;
	volatile u64 *small = paging_map_phys(pa4, PAGE_SIZE, MEM_WC);
	e = paging_lookup(pa4);
	u64 want = paging_pat_wc() ? PTE_PAT : PTE_PCD | PTE_PWT;   /* PAT entry 4 (WC), else UC */
	ok = small == (void *)(uintptr_t)pa4 && (e & (PTE_PAT | PTE_PCD | PTE_PWT)) == want &&   /* bit 7 is PAT here */
	     (e & PTE_ADDR_MASK) == pa4 && write_read(small, PAGE_SIZE / 8);
	u64 e_wb = paging_map_phys(pa4, PAGE_SIZE, MEM_WB) ? paging_lookup(pa4) : 0;
	ok = ok && e_wb && !(e_wb & (PTE_PAT | PTE_PCD | PTE_PWT)) && small[0] == PATTERN;
	ktap_check(s, "map_phys_above_4g_4k_wc", ok, "4 KiB at 0x%lx: pointer %p, WC entry 0x%lx, then WB 0x%lx",
		   pa4, small, e, e_wb);
}
