/*
 * The VMM pages of self-virtualization, for all CPUs at once: one small
 * block per CPU (vmx/virt.h, VB_*: VMXON region, VMCS, GDT and TSS, VMM
 * stack, IST stacks) and one shared part (vmx/virt_layout.h: MSR bitmap,
 * VMM IDT, the VMM's copy of the kernel page tables, one EPT map per set of
 * CPUs with the same memory types), reserved before the first CPU
 * virtualizes, and the one exclusion list (vmx/virt_excl.c) every EPT
 * leaves out, so that no guest reaches any of them. A CPU virtualized later
 * (the console's "virt on") finds everything already built and left out.
 */
#include "vmx/virt.h"
#include "vmx/virt_excl.h"
#include "vmx/virt_layout.h"
#include "vmx/vmx.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/smp.h"

struct virt_ept_map {
	u64 pool, used, root;
	struct ept_stats st;
	enum ept_status status;
	u32 leader;                    /* the CPU whose memory types it was built from */
};

static u64 *blocks;                /* per CPU: the block, 0 for a CPU that cannot virtualize */
static struct ept_range *excl;     /* sorted, merged */
static size_t nexcl;
static struct virt_ept_map *maps;
static u32 *map_of;                /* per CPU: index into maps[] */
static u32 nmaps, ncpus;
static u64 shared, shared_cr3;
static struct virt_shared_layout lay;
static u64 meta_pages, taken_pages;

const struct ept_range *virt_vmm_ranges(size_t *n)
{
	*n = nexcl;
	return excl;
}

u64 virt_vmm_page(u32 cpu, unsigned which)
{
	return blocks && cpu < cpu_count && blocks[cpu] ? blocks[cpu] + (u64)which * PAGE_SIZE : 0;
}

static bool can_virtualize(u32 i)
{
	return cpus[i].state == CPU_ONLINE && vmx_cpus && vmx_cpus[i].completed;
}

static struct ept_params params_of(u32 cpu)
{
	const struct vmx_cpu *x = &vmx_cpus[cpu];
	struct vmx_ept_vpid ev = vmx_decode_ept_vpid(x->caps.ept_vpid_cap);
	unsigned phys = x->mach.l80000008_eax & 0xff;
	return (struct ept_params){ &x->mach, phys ? phys : 36, ev.pages_2m, ev.pages_1g, 0, 0, 0, 0, 0 };
}

/* the first CPU (lowest index) that can virtualize with the same EPT map as cpu */
static u32 leader_of(u32 cpu)
{
	struct ept_params p = params_of(cpu);
	for (u32 j = 0; j < cpu; j++)
		if (can_virtualize(j)) {
			struct ept_params q = params_of(j);
			if (virt_ept_same_map(&p, &q))
				return j;
		}
	return cpu;
}

static u64 pool_alloc(void *ctx)
{
	struct virt_ept_map *e = ctx;
	if (e->used >= lay.pool_pages)
		return 0;
	u64 pa = e->pool + PAGE_SIZE * e->used++;
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return pa;
}
static u64 *pool_table(u64 pa, void *ctx)
{
	(void)ctx;
	return (u64 *)(uintptr_t)pa;
}
static void pool_free(u64 pa, void *ctx)
{
	(void)pa;
	(void)ctx;   /* the pool goes back whole */
}

/* the dry run: real pages for a moment, to count the tables of a map */
static u64 dry_alloc(void *ctx)
{
	(void)ctx;
	return page_alloc(1);
}
static void dry_free(u64 pa, void *ctx)
{
	(void)ctx;
	page_free(pa, 1);
}

/* The most tables any map needs around the per-CPU blocks alone (excl as it
 * is now); virt_ept_pool_pages adds what the shared part can add. */
static u64 dry_run_tables(void)
{
	u64 most = 1;
	for (u32 k = 0; k < nmaps; k++) {
		struct ept_params p = params_of(maps[k].leader);
		p.ranges = excl;
		p.nranges = nexcl;
		struct ept_mem m = { dry_alloc, pool_table, dry_free, 0 };
		struct ept_stats st;
		u64 root;
		if (ept_build(&p, &m, &root, &st) == EPT_OK) {   /* a failure shows again in the real build */
			ept_free(root, &m);
			most = st.tables > most ? st.tables : most;
		}
	}
	return most;
}

static const u64 *pt_table(u64 pa, void *ctx)
{
	(void)ctx;
	return (const u64 *)(uintptr_t)pa;
}
static u64 *pt_wtable(u64 pa, void *ctx)
{
	(void)ctx;
	return (u64 *)(uintptr_t)pa;
}
static u64 pt_copy(u64 src, void *ctx)
{
	u32 *used = ctx;
	if (*used >= lay.npt)
		return 0;
	u64 pa = shared + (u64)(lay.pt + (*used)++) * PAGE_SIZE;
	memcpy((void *)(uintptr_t)pa, (const void *)(uintptr_t)src, PAGE_SIZE);
	return pa;
}

static void free_all(void)
{
	for (u32 i = 0; blocks && i < cpu_count; i++)
		if (blocks[i])
			page_free(blocks[i], VIRT_BLOCK_PAGES);
	if (shared)
		page_free(shared, lay.pages);
	if (blocks)
		page_free((u64)(uintptr_t)blocks, meta_pages);
	blocks = 0;
	excl = 0;
	nexcl = 0;
	maps = 0;
	map_of = 0;
	shared = shared_cr3 = 0;
	nmaps = ncpus = 0;
}

/* every EPT map, from its leader's memory types, around the one exclusion list */
static void build_maps(void)
{
	for (u32 k = 0; k < nmaps; k++) {
		struct virt_ept_map *e = &maps[k];
		e->pool = shared + (u64)(lay.ept + k * lay.pool_pages) * PAGE_SIZE;
		struct ept_params p = params_of(e->leader);
		p.ranges = excl;
		p.nranges = nexcl;
		p.max_tables = lay.pool_pages;
		struct ept_mem m = { pool_alloc, pool_table, pool_free, e };
		e->status = ept_build(&p, &m, &e->root, &e->st);
		if (e->status == EPT_OK && lay.probe) {
			/* virt.break=ept_misconfig: memory type 2 is reserved, an EPT
			 * misconfiguration (SDM 29.3.3.1) on every CPU that reads the page */
			u64 probe = shared + (u64)lay.probe * PAGE_SIZE;
			u64 *pte = ept_pte_slot(e->root, &m, probe);
			if (pte)
				*pte = probe | EPT_RWX | (2ULL << EPT_MEMTYPE_SHIFT);
		}
	}
}

bool virt_vmm_reserve(char *why, size_t n)
{
	if (blocks)
		return true;
	u64 free0 = kernel_pmm.free_pages;
	ncpus = 0;
	nmaps = 0;
	for (u32 i = 0; i < cpu_count; i++)
		if (can_virtualize(i)) {
			ncpus++;
			nmaps += leader_of(i) == i;
		}
	u64 meta = (u64)cpu_count * sizeof(u64) + ((u64)cpu_count + 1) * sizeof(struct ept_range) +
		   (u64)nmaps * sizeof(struct virt_ept_map) + (u64)cpu_count * sizeof(u32);
	meta_pages = ALIGN_UP(meta, PAGE_SIZE) / PAGE_SIZE;
	blocks = (u64 *)(uintptr_t)page_alloc(meta_pages);
	if (!blocks) {
		ksnprintf(why, n, "out of memory for the VMM block list (%lu pages)", meta_pages);
		return false;
	}
	memset(blocks, 0, meta_pages * PAGE_SIZE);
	struct ept_range *r = (struct ept_range *)(blocks + cpu_count);
	maps = (struct virt_ept_map *)(r + cpu_count + 1);
	map_of = (u32 *)(maps + nmaps);
	struct virt_excl x = { r, 0, cpu_count + 1, false };
	u32 k = 0, m = 0;
	for (u32 i = 0; i < cpu_count; i++) {
		if (!can_virtualize(i))
			continue;   /* it cannot virtualize: no block */
		blocks[i] = page_alloc(VIRT_BLOCK_PAGES);
		if (!blocks[i]) {
			ksnprintf(why, n, "out of memory for cpu%u's VMM pages (%u pages each, %u CPUs done)", i,
				  VIRT_BLOCK_PAGES, k);
			free_all();
			return false;
		}
		virt_excl_add(&x, blocks[i], (u64)VIRT_BLOCK_PAGES * PAGE_SIZE);
		k++;
		u32 l = leader_of(i);
		if (l == i)
			maps[m++].leader = i;
		for (u32 j = 0; j < m; j++)
			if (maps[j].leader == l)
				map_of[i] = j;
	}
	virt_excl_finish(&x);
	excl = r;
	nexcl = x.n;
	u64 t0 = dry_run_tables();
	/* one kernel CR3 for every CPU (arch/x86_64/paging.c): one copy for all VMMs */
	u64 kroot = read_cr3() & PTE_ADDR_MASK;
	struct virt_pt_mem ptm = { pt_table, 0, pt_wtable, 0 };
	u32 npt = virt_pt_count(kroot, &ptm);
	bool probe = opt.virt_break == 1;
	lay = virt_shared_layout(npt, nmaps, virt_ept_pool_pages(t0, 2 + probe + npt, nmaps), probe);
	shared = page_alloc(lay.pages);
	if (!shared) {
		ksnprintf(why, n, "out of memory for the shared VMM pages (%u pages)", lay.pages);
		free_all();
		return false;
	}
	virt_excl_add(&x, shared, (u64)lay.pages * PAGE_SIZE);
	virt_excl_finish(&x);
	if (x.overflow) {   /* cannot happen: one range per CPU and one shared at most */
		ksnprintf(why, n, "more VMM ranges than CPUs (%u)", cpu_count);
		free_all();
		return false;
	}
	excl = r;
	nexcl = x.n;
	u32 used = 0;
	ptm.copy = pt_copy;
	ptm.ctx = &used;
	shared_cr3 = virt_pt_copy(kroot, &ptm);
	if (!shared_cr3 || used != lay.npt) {
		ksnprintf(why, n, "the VMM's copy of the kernel page tables took %u of %u pages", used, lay.npt);
		free_all();
		return false;
	}
	virt_msr_bitmap_fill((u8 *)(uintptr_t)(shared + (u64)lay.bitmap * PAGE_SIZE));
	virt_vmm_idt_fill(shared + (u64)lay.idt * PAGE_SIZE);
	build_maps();
	taken_pages = free0 - kernel_pmm.free_pages;
	return true;
}

bool virt_vmm_shared_for(u32 cpu, struct virt_cpu *v)
{
	if (!blocks || cpu >= cpu_count || !blocks[cpu]) {
		ksnprintf(v->failure, sizeof(v->failure), "no VMM pages reserved for this CPU (virt_vmm_reserve)");
		return false;
	}
	const struct virt_ept_map *e = &maps[map_of[cpu]];
	v->bitmap = shared + (u64)lay.bitmap * PAGE_SIZE;
	v->idt = shared + (u64)lay.idt * PAGE_SIZE;
	v->probe = lay.probe ? shared + (u64)lay.probe * PAGE_SIZE : 0;
	v->vmm_cr3 = shared_cr3;
	v->ept_root = e->root;
	v->ept_used = e->used;
	v->ept = e->st;
	if (e->status != EPT_OK) {
		ksnprintf(v->failure, sizeof(v->failure), "EPT identity map of %u bits (built for cpu%u): %s (%lu tables)",
			  params_of(e->leader).phys_bits, e->leader, ept_status_name(e->status), e->used);
		return false;
	}
	return true;
}

bool virt_vmm_figures(struct virt_vmm_figures *f)
{
	if (!blocks)
		return false;
	f->cpus = ncpus;
	f->ept_maps = nmaps;
	f->ept_pool_pages = lay.pool_pages;
	f->pt_pages = lay.npt;
	f->per_cpu_pages = VIRT_BLOCK_PAGES;
	f->shared_pages = lay.pages;
	f->meta_pages = meta_pages;
	f->claimed_pages = (u64)ncpus * VIRT_BLOCK_PAGES + lay.pages + meta_pages;
	f->taken_pages = taken_pages;
	return true;
}

u64 virt_vmm_release(void)
{
	if (!blocks)
		return 0;
	bool busy = false;
	u64 held = meta_pages + lay.pages;
	for (u32 i = 0; i < cpu_count; i++)
		if (blocks[i]) {
			held += VIRT_BLOCK_PAGES;
			busy |= virt_cpus && (virt_cpus[i].on || virt_cpus[i].dead);
		}
	if (busy)
		return held;   /* a CPU still runs on (or is parked on) its VMM pages */
	free_all();
	return 0;
}
