/*
 * Bringing up the application processors (SDM vol. 3A 9.4.4, MP spec B.4):
 * INIT to every AP, one wait, SIPI to every AP, a short wait, a second SIPI
 * to those not yet arrived, then wait with a timeout — all APs in parallel
 * (as Linux 6.5 does). Each AP finds its own slot by APIC ID
 * (boot/trampoline.S, ap_entry64). Then the run-on-CPU service.
 */
#include "arch/x86_64/smp.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/lapic.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/traps.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/smp_timing.h"
#include "arch/x86_64/smp_await.h"
#include "arch/x86_64/smp_arrival.h"
#include "arch/x86_64/wait.h"
#include "kernel/multiboot2.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "kernel/lib.h"

#define AP_STACK_PAGES 4            /* 16 KiB, plus a guard page below */
#define AP_IST_PAGES 3
#define ARRIVAL_TIMEOUT_US ARRIVAL_RETRY_TIMEOUT_US   /* the waits themselves: smp_arrival.h */
#define SLOW_AP_US         1500000ULL  /* smp.slowap: past the restart point, well within the hard cap */

struct ap_slot {
	u32 apic_id;
	u32 pad;
	u64 stack_top;
	u64 cpu;
};
struct ap_slot *ap_slots;
u32 ap_slot_count;
volatile u32 ap_strays;
struct smp_figures smp_fig;

extern const u8 trampoline_start[], trampoline_end[];
extern const u32 tr_off_gdt, tr_off_gdt_ptr, tr_off_far32, tr_off_far64, tr_off_pm32, tr_off_lm64;
extern const u32 tr_off_base, tr_off_cr3, tr_off_efer, tr_off_entry;
extern void ap_entry64(void);
void ap_main(struct cpu *c);

static u32 found;
/* the arrival wait (start_aps): the AP that completes the count wakes the boot CPU */
static volatile u32 arrived, arrivals_expected;
static struct cpu *volatile arrival_waiter;
static u64 init_end_tsc, first_sipi_tsc;   /* the INIT loop's end, the first SIPI: the per-AP costs */
static u32 boot_sleeps;                     /* the boot CPU's hlt sleeps while the APs came up */

u32 smp_cpus_found(void)
{
	return found;
}

u32 smp_cpus_online(void)
{
	u32 n = 0;
	for (u32 i = 0; i < cpu_count; i++)
		n += cpus[i].state == CPU_ONLINE;
	return n;
}

/* the highest free page below 640 KiB from the memory map (not page 0, not
 * the multiboot2 information, which only the page allocator knows is taken) */
static u64 trampoline_page(const struct mb2_info *mb, u64 mbi_start, u64 mbi_end)
{
	u64 best = 0;
	struct mb2_mmap_entry e;
	for (size_t i = 0; mb2_mmap_entry(mb, i, &e); i++) {
		if (e.type != MB2_MEMORY_AVAILABLE)
			continue;
		u64 s = ALIGN_UP(e.base_addr, PAGE_SIZE), end = e.base_addr + e.length;
		if (end > 0xa0000)
			end = 0xa0000;
		if (s < PAGE_SIZE)
			s = PAGE_SIZE;
		for (u64 p = ALIGN_DOWN(end, PAGE_SIZE); p >= s + PAGE_SIZE && p - PAGE_SIZE > best; p -= PAGE_SIZE) {
			u64 cand = p - PAGE_SIZE;
			if (cand + PAGE_SIZE <= mbi_start || cand >= mbi_end) {
				best = cand;
				break;
			}
		}
	}
	return best;
}

static bool prepare_trampoline(u64 page)
{
	u8 *p = (u8 *)(uintptr_t)page;
	u64 size = trampoline_end - trampoline_start;
	memset(p, 0xcc, PAGE_SIZE);   /* int3: a stray jump traps at once */
	memcpy(p, trampoline_start, size);
	u32 base = (u32)page;
	*(u32 *)(p + tr_off_gdt_ptr + 2) = base + tr_off_gdt;
	*(u32 *)(p + tr_off_far32) = base + tr_off_pm32;
	*(u32 *)(p + tr_off_far64) = base + tr_off_lm64;
	*(u32 *)(p + tr_off_base) = base;
	*(u32 *)(p + tr_off_cr3) = (u32)read_cr3();
	*(u32 *)(p + tr_off_efer) = (u32)(EFER_LME | (rdmsr(MSR_EFER) & EFER_NXE));
	*(u64 *)(p + tr_off_entry) = (u64)(uintptr_t)ap_entry64;
	smp_await_prepare(p);         /* the list of APs that entered, after the copy */
	return read_cr3() < (4ULL << 30);
}

/* stack with a guard page below, IST stacks above it */
static bool alloc_stacks(struct cpu *c)
{
	u64 n = 1 + AP_STACK_PAGES + AP_IST_PAGES;
	u64 a = page_alloc(n);
	if (!a)
		return false;
	paging_unmap(a);
	c->stack_top = a + (1 + AP_STACK_PAGES) * PAGE_SIZE;
	for (int i = 1; i <= AP_IST_PAGES; i++)
		c->ist_top[i] = c->stack_top + (u64)i * PAGE_SIZE;
	return true;
}

/* Fill cpus[] from the MADT: boot CPU first, then the others in MADT order. */
static void build_cpu_list(void)
{
	u32 me = lapic_id();
	found = acpi.madt_ok ? acpi.madt.cpus_stored : 1;
	u32 want = found;
	if (!opt.smp)
		want = 1;
	if (opt.cpus && opt.cpus < want)
		want = (u32)opt.cpus;
	u64 pages = ALIGN_UP((u64)want * sizeof(struct cpu), PAGE_SIZE) / PAGE_SIZE;
	struct cpu *arr = (struct cpu *)(uintptr_t)page_alloc(pages);
	struct ap_slot *slots = (struct ap_slot *)(uintptr_t)page_alloc(
		ALIGN_UP((u64)want * sizeof(struct ap_slot), PAGE_SIZE) / PAGE_SIZE);
	if (!arr || !slots)
		panic("out of memory for %u CPU structures", want);
	arr[0] = cpus[0];             /* the boot CPU moves into the array */
	arr[0].apic_id = me;
	u32 n = 1;
	for (u32 i = 0; acpi.madt_ok && i < acpi.madt.cpus_stored && n < want; i++) {
		const struct madt_cpu *m = &acpi.cpus[i];
		if (m->apic_id == me) {
			arr[0].acpi_uid = m->acpi_uid;
			continue;
		}
		struct cpu *c = &arr[n];
		memset(c, 0, sizeof(*c));
		c->index = n;
		c->apic_id = m->apic_id;
		c->acpi_uid = m->acpi_uid;
		c->online_capable_only = m->online_capable;
		c->state = CPU_LISTED;
		c->inject_no_sipi = opt.nosipi_apic_id == m->apic_id;
		c->inject_lost_sipi = opt.lostsipi_apic_id == m->apic_id;
		c->inject_slow = opt.slowap_apic_id == m->apic_id;
		c->inject_stuck = opt.stuckap_apic_id == m->apic_id;
		c->inject_stale_sipi = opt.stalesipi_apic_id == m->apic_id;
		n++;
	}
	cpus = arr;
	cpu_count = n;
	percpu_set_gs(&cpus[0]);
	gdt_load_for(&cpus[0]);       /* the TSS moved with the struct */
	ap_slots = slots;
	for (u32 i = 1; i < n; i++) {
		if (!alloc_stacks(&cpus[i]))
			panic("out of memory for CPU %u's stacks", i);
		slots[i - 1] = (struct ap_slot){ cpus[i].apic_id, 0, cpus[i].stack_top, (u64)(uintptr_t)&cpus[i] };
	}
	__atomic_store_n(&ap_slot_count, n - 1, __ATOMIC_RELEASE);
	if (found > want)
		kprintf("smp: %u CPUs listed, starting %u (%s)\n", found, want, !opt.smp ? "smp=off" : "cpus=N");
}

bool smp_all_arrived(void *unused)
{
	(void)unused;
	for (u32 i = 1; i < cpu_count; i++)
		if (cpus[i].state == CPU_STARTING)
			return false;
	return true;
}

void smp_check_esr(u32 esr, const char *what, const struct cpu *c)
{
	if (esr || !lapic_last_delivered()) {
		smp_fig.esr_errors++;
		kprintf("smp: %s to APIC ID %u: ESR 0x%x%s\n", what, c->apic_id, esr,
			lapic_last_delivered() ? "" : ", delivery status still pending");
	}
}

/* the waits between the start-up IPIs, by Linux's vendor/family rule (smp_timing.c) */
static void decide_timing(struct smp_timing *t)
{
	struct cpuid_regs v = cpuid(0), f = cpuid(1);
	smp_timing_decide(v.ebx, v.edx, v.ecx, f.eax, opt.smp_init_delay_us, opt.smp_sipi_delay_us, t);
	smp_fig.init_delay_us = t->init_delay_us;
	smp_fig.sipi_delay_us = t->sipi_delay_us;
	memcpy(smp_fig.delay_why, t->why, sizeof(smp_fig.delay_why));
}

static void start_aps(u8 vector, const struct smp_timing *t, bool deassert)
{
	smp_fig.timeout_us = ARRIVAL_TIMEOUT_US;
	arrival_waiter = this_cpu();
	for (u32 i = 1; i < cpu_count; i++)
		arrivals_expected += !cpus[i].inject_no_sipi;
	u32 sleeps0 = this_cpu()->wait_sleeps;
	smp_fig.first_init_tsc = rdtsc();
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		c->state = CPU_STARTING;
		smp_check_esr(lapic_send_init(c->apic_id, true), "INIT", c);
		if (deassert)
			lapic_send_init(c->apic_id, false);    /* old APICs only (lapic_init_deassert_needed) */
	}
	init_end_tsc = rdtsc();
	udelay(smp_timing_first_sipi_wait(t));
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (c->inject_no_sipi) {
			kprintf("smp: test: not sending a SIPI to APIC ID %u (smp.nosipi)\n", c->apic_id);
			continue;
		}
		if (c->inject_lost_sipi) {
			kprintf("smp: test: no SIPI to APIC ID %u in the first start-up (smp.lostsipi)\n", c->apic_id);
			continue;
		}
		c->sipi_tsc = rdtsc();
		if (!first_sipi_tsc)
			first_sipi_tsc = c->sipi_tsc;
		smp_check_esr(lapic_send_sipi(c->apic_id, vector), "SIPI", c);
	}
	smp_fig.last_sipi_tsc = rdtsc();
	udelay(t->sipi_delay_us);
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (c->state == CPU_STARTING && !c->inject_no_sipi && !c->inject_lost_sipi) {
			smp_fig.second_sipis++;
			smp_check_esr(lapic_send_sipi(c->apic_id, vector), "second SIPI", c);
		}
	}
	smp_await_arrivals(vector, deassert);   /* up to 10 s for APs that showed life; restarts the silent */
	boot_sleeps = this_cpu()->wait_sleeps - sleeps0;
	for (u32 i = 1; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		enum cpu_state starting = CPU_STARTING;   /* an exchange: the AP may be going online right now */
		if (__atomic_compare_exchange_n(&c->state, &starting, CPU_NO_START, false, __ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			smp_fig.failed++;
			smp_await_report_missing(c);
		} else if (c->state == CPU_ONLINE) {
			smp_fig.started++;
			if (!smp_fig.first_arrival_tsc || c->arrive_tsc < smp_fig.first_arrival_tsc)
				smp_fig.first_arrival_tsc = c->arrive_tsc;
			if (c->arrive_tsc > smp_fig.last_arrival_tsc)
				smp_fig.last_arrival_tsc = c->arrive_tsc;
			if (c->parked_tsc > smp_fig.last_parked_tsc)
				smp_fig.last_parked_tsc = c->parked_tsc;
		}
	}
	smp_fig.strays = ap_strays;
	smp_await_report_slow();
}

/* Where the bring-up time went: the boot CPU's INIT and SIPI loops per AP,
 * then the wait for the last AP (tools/bench-smp.py reads this line); the
 * boot prints it after the start-up, the console's "bench smp" again. */
static u32 ipi_apic_version;
static bool ipi_deassert, ipi_sent;

void smp_print_ipi_costs(void (*pr)(const char *fmt, ...))
{
	if (!ipi_sent)
		return;
	u32 ver = ipi_apic_version;
	bool deassert = ipi_deassert;
	u32 aps = cpu_count - 1, sipis = arrivals_expected;
	u64 t0 = smp_fig.first_init_tsc, init_us = tsc_to_us(init_end_tsc - t0);
	u64 sipi_us = first_sipi_tsc ? tsc_to_us(smp_fig.last_sipi_tsc - first_sipi_tsc) : 0;
	u64 park = smp_fig.last_parked_tsc > smp_fig.last_sipi_tsc ? smp_fig.last_parked_tsc - smp_fig.last_sipi_tsc : 0;
	pr("smp: IPI loops: INIT to %u APs %lu us (%lu us each, %s: APIC version 0x%x), SIPI to %u APs %lu us "
		"(%lu us each); last AP parked %lu us after the last SIPI; boot CPU waited in %s, %u sleeps\n",
		aps, init_us, aps ? init_us / aps : 0, deassert ? "with the level de-assert" : "no level de-assert",
		ver & 0xff, sipis, sipi_us, sipis ? sipi_us / sipis : 0, tsc_to_us(park),
		wait_mode() == WAIT_PAUSE ? "pause" : "hlt", boot_sleeps);
	smp_await_print_stamps(pr);   /* where each AP's own start went */
}

void smp_init(const struct mb2_info *mb, u64 mbi_start, u64 mbi_end)
{
	bool high = acpi.madt_ok && acpi.madt.needs_x2apic;
	if (opt.apic == APIC_X2APIC && !(cpuid(1).ecx & CPUID1_ECX_X2APIC))
		kprintf("apic: apic=x2apic asked, but this CPU has no x2APIC (CPUID.1:ECX bit 21): using xAPIC\n");
	/* auto and x2apic both take x2APIC whenever the CPU has it */
	if (!lapic_setup(opt.apic == APIC_XAPIC, high))
		panic("cannot map the local APIC");
	lapic_init_cpu();
	kprintf("apic: %s mode (%s), boot CPU APIC ID %u\n", lapic_x2apic() ? "x2APIC" : "xAPIC",
		lapic_mode_reason(), lapic_id());
	wait_init();              /* how waits sleep: hlt with the TSC-deadline or one-shot timer, or pause */
	build_cpu_list();
	irq_init_cpu(&cpus[0]);   /* LINT0/LINT1 by the boot CPU's ACPI UID, CR4.MCE */
	if (cpu_count == 1)
		return;
	u64 page = trampoline_page(mb, mbi_start, mbi_end);
	if (!page || !prepare_trampoline(page)) {
		kprintf("smp: no free page below 1 MiB for the AP trampoline: boot CPU only\n");
		for (u32 i = 1; i < cpu_count; i++)
			cpus[i].state = CPU_NO_START;
		smp_fig.failed = cpu_count - 1;
		return;
	}
	struct smp_timing t;
	decide_timing(&t);
	kprintf("smp: trampoline at 0x%lx (SIPI vector 0x%lx); INIT, %lu us, SIPI, %lu us, SIPI to %u APs in parallel\n",
		page, page >> 12, smp_timing_first_sipi_wait(&t), t.sipi_delay_us, cpu_count - 1);
	kprintf("smp: start-up waits: INIT %lu us, SIPI %lu us (%s)\n", t.init_delay_us, t.sipi_delay_us, t.why);
	u32 ver = lapic_version();
	bool deassert = lapic_init_deassert_needed(ver);
	start_aps((u8)(page >> 12), &t, deassert);
	ipi_apic_version = ver, ipi_deassert = deassert, ipi_sent = true;
	smp_print_ipi_costs(kprintf);
}

/* ---- the AP side ---- */

static void run_work(struct cpu *c)
{
	u32 seq = c->work_seq;
	if (seq == c->work_done_seq)
		return;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	c->work_result = c->work_fn(c->work_arg);
	__atomic_store_n(&c->work_done_seq, seq, __ATOMIC_RELEASE);
	wait_wake(c->work_waiter);   /* the waiter halted: a completion IPI */
}

/* CPU_STARTING -> CPU_ONLINE. While the boot CPU is in the second start-up
 * (CPU_RESTARTING, its 10 ms INIT wait) this AP waits for it to end rather
 * than halting: QEMU's INIT keeps a SIPI still pending from the first round
 * (target/i386 do_cpu_init saves CPU_INTERRUPT_SIPI), so that INIT itself
 * starts a silent AP, which, halted, would then ignore the SIPIs that follow
 * (a q35 240-CPU run lost APIC ID 89 so, "reached C" and never online). An
 * INIT still on its way resets this CPU meanwhile, and the SIPI starts it. */
static bool go_online(struct cpu *c)
{
	u64 end = rdtsc() + us_to_tsc(ARRIVAL_HARD_CAP_US);
	for (;;) {
		enum cpu_state seen = CPU_STARTING;
		if (__atomic_compare_exchange_n(&c->state, &seen, CPU_ONLINE, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return true;
		if (seen != CPU_RESTARTING || rdtsc() > end)
			return false;
		cpu_relax();
	}
}

void __attribute__((noreturn)) ap_main(struct cpu *c)
{
	__atomic_store_n(&c->arrive_tsc, rdtsc(), __ATOMIC_RELEASE);   /* a sign of life (smp_await.c) */
	if (c->inject_slow)   /* test: alive but slow, past the restart point (smp.slowap) */
		for (u64 end = c->arrive_tsc + us_to_tsc(SLOW_AP_US); rdtsc() < end;)
			cpu_relax();
	if (c->inject_stuck)   /* test: alive, never online (smp.stuckap) */
		halt_forever();
	percpu_set_gs(c);
	gdt_load_for(c);
	idt_load();
	paging_pat_init();                 /* the boot CPU's IA32_PAT, before this CPU prints */
	lapic_init_cpu();
	irq_init_cpu(c);   /* INIT left its LVTs masked: LINT1 NMI from the MADT */
	c->parked_tsc = rdtsc();   /* before it shows online: the boot CPU reads it then */
	if (!go_online(c))
		halt_forever();   /* arrived after the boot CPU gave up on it: stay out of the way */
	if (__atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST) >= arrivals_expected)
		wait_wake(arrival_waiter);   /* the last one: the boot CPU may be in hlt */
	for (;;) {
		cli();
		run_work(c);
		c->idle_halted = true;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (c->work_seq == c->work_done_seq)
			sti_hlt();    /* a wake-up IPI (or one pending since cli) ends the hlt */
		c->idle_halted = false;
	}
}

/* ---- run on other CPUs ---- */

static void post(struct cpu *c, cpu_fn fn, void *arg)
{
	c->work_fn = fn;
	c->work_arg = arg;
	c->work_waiter = this_cpu();
	__atomic_store_n(&c->work_seq, c->work_seq + 1, __ATOMIC_SEQ_CST);
	if (c->idle_halted)
		lapic_send_fixed(c->apic_id, VEC_WAKEUP);
}

/* A CPU that misses the deadline may still be running the job and writing
 * through its argument: it is marked stuck and gets no further work, and the
 * caller must not reuse what it handed it (see on_cpu in smp.h). */
static bool job_done(void *arg)
{
	struct cpu *c = arg;
	return __atomic_load_n(&c->work_done_seq, __ATOMIC_ACQUIRE) == c->work_seq;
}

static bool wait_done(struct cpu *c, u64 end)
{
	if (wait_until(job_done, c, end))   /* hlt: the CPU's completion IPI or the timer ends it */
		return true;
	c->state = CPU_STUCK;
	kprintf("smp: CPU %u (APIC ID %u) did not finish its job in time: no more work for it\n", c->index, c->apic_id);
	return false;
}

bool on_cpu(u32 idx, cpu_fn fn, void *arg, u64 timeout_us, long *result)
{
	if (idx >= cpu_count || cpus[idx].state != CPU_ONLINE)
		return false;
	struct cpu *c = &cpus[idx];
	if (c == this_cpu()) {
		long r = fn(arg);
		if (result)
			*result = r;
		return true;
	}
	post(c, fn, arg);
	bool ok = wait_done(c, rdtsc() + us_to_tsc(timeout_us));
	if (ok && result)
		*result = c->work_result;
	return ok;
}

u32 on_each_cpu(cpu_fn fn, void *arg, const u64 *mask, bool parallel, u64 timeout_us,
		long *results, bool *done)
{
	u32 n = 0;
	struct cpu *me = this_cpu();
	for (u32 i = 0; i < cpu_count; i++)
		if (done)
			done[i] = false;
	if (!parallel) {
		for (u32 i = 0; i < cpu_count; i++) {
			if (!cpu_in_mask(mask, i) || cpus[i].state != CPU_ONLINE)
				continue;
			long r = 0;
			bool ok = on_cpu(i, fn, arg, timeout_us, &r);
			if (results)
				results[i] = r;
			if (done)
				done[i] = ok;
			n += ok;
		}
		return n;
	}
	for (u32 i = 0; i < cpu_count; i++)
		if (cpu_in_mask(mask, i) && cpus[i].state == CPU_ONLINE && &cpus[i] != me)
			post(&cpus[i], fn, arg);
	if (cpu_in_mask(mask, me->index)) {
		long r = fn(arg);
		if (results)
			results[me->index] = r;
		if (done)
			done[me->index] = true;
		n++;
	}
	u64 end = rdtsc() + us_to_tsc(timeout_us);
	for (u32 i = 0; i < cpu_count; i++) {
		struct cpu *c = &cpus[i];
		if (!cpu_in_mask(mask, i) || c->state != CPU_ONLINE || c == me)
			continue;
		bool ok = wait_done(c, end);
		if (ok && results)
			results[i] = c->work_result;
		if (done)
			done[i] = ok;
		n += ok;
	}
	return n;
}
