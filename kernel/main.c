/*
 * The boot story, top to bottom. boot/entry.S gets us here in 64-bit mode
 * with the first 4 GiB identity-mapped; each step below is one call.
 */
#include "kernel/types.h"
#include "kernel/lib.h"
#include "kernel/serial.h"
#include "kernel/vga.h"
#include "kernel/kbd.h"
#include "kernel/kprintf.h"
#include "kernel/multiboot2.h"
#include "kernel/options.h"
#include "kernel/pmm.h"
#include "kernel/ktap.h"
#include "kernel/report.h"
#include "kernel/platform.h"
#include "kernel/panic.h"
#include "kernel/boot_tests.h"
#include "kernel/console.h"
#include "kernel/fbcon.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/paging.h"
#include "arch/x86_64/acpi.h"
#include "kernel/bench_boot.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/timer.h"
#include "arch/x86_64/uart_find.h"
#include "kernel/format.h"
#include "arch/x86_64/irq.h"
#include "vmx/vmx.h"
#include "vmx/guest.h"
#include "vmx/conformance.h"
#include "vmx/virt.h"

#define VMXBOOT_VERSION "0.1"
#define MEM_TOP (4ULL << 30)   /* the allocator hands out identity-mapped RAM below 4 GiB */

extern char __kernel_start[], __kernel_end[];
static u64 pmm_bitmap[MEM_TOP / PAGE_SIZE / 64];
static struct mb2_info mb;

static int boot_info_parse(u32 magic, u64 mbi)
{
	if (magic != MB2_BOOTLOADER_MAGIC)
		panic("bad multiboot2 magic 0x%x", magic);   /* entry.S checked it already */
	int st = mb2_parse((const void *)(uintptr_t)mbi, MEM_TOP - mbi, &mb);
	if (st != MB2_OK) {
		kprintf("multiboot2: boot information at 0x%lx is malformed: %s (tag type %u at offset %u); "
			"continuing without it\n", mbi, mb2_strerror(st), mb.bad_type, mb.bad_offset);
		return st;
	}
	if (!(mb.seen & (1U << MB2_TAG_EFI64)) && !(mb.seen & (1U << MB2_TAG_EFI32)) &&
	    (!mb.has_framebuffer || mb.fb_type == MB2_FRAMEBUFFER_EGA_TEXT))
		vga_enable();   /* legacy BIOS text mode: mirror the log on screen */
	kprintf("multiboot2: %u tags, loader \"%s\", cmdline \"%s\"\n", mb.tags,
		mb.bootloader_name ? mb.bootloader_name : "?", mb.cmdline ? mb.cmdline : "");
	return st;
}

static void memory_init(u64 mbi)
{
	pmm_init(&kernel_pmm, 0, MEM_TOP / PAGE_SIZE, pmm_bitmap);
	struct mb2_mmap_entry e;
	for (size_t i = 0; mb2_mmap_entry(&mb, i, &e); i++)
		if (e.type == MB2_MEMORY_AVAILABLE)
			pmm_add_range(&kernel_pmm, e.base_addr, e.base_addr + e.length);
	pmm_reserve_range(&kernel_pmm, 0, 0x100000);   /* first MiB: BIOS data, EBDA, trampoline */
	pmm_reserve_range(&kernel_pmm, (u64)__kernel_start, (u64)__kernel_end);
	pmm_reserve_range(&kernel_pmm, mbi, mbi + (mb.total_size ? mb.total_size : 8));
	kprintf("memory: %lu KiB free below 4 GiB in the page allocator (kernel 0x%lx-0x%lx)\n",
		kernel_pmm.free_pages * 4, (u64)__kernel_start, (u64)__kernel_end);
	if (!paging_init(&mb))
		panic("out of memory building the kernel page tables");
	kprintf("paging: kernel text RX, rodata R, data NX=%s, boot stack guard page unmapped\n",
		paging_nx_enabled() ? "yes" : "no (CPU has no NX)");
}

static const char *rsdp_oem(void)
{
	const u8 *r = mb.rsdp_new ? mb.rsdp_new : mb.rsdp_old;
	size_t len = mb.rsdp_new ? mb.rsdp_new_len : mb.rsdp_old_len;
	return r && len >= 15 ? (const char *)r + 9 : 0;   /* RSDP OEMID: bytes 9..14 */
}

static void timer_init(void)
{
	timer_calibrate();                  /* every counter measured, the best one used */
	timer_report();                     /* the source, the CPUID cross-check, each counter's figure */
}

/* One line naming every output and input in use (serial part: serial.c). */
static void console_outputs(void)
{
	char s[400];
	size_t n = (size_t)serial_describe(s, sizeof(s));
	if (n == 0)
		n = (size_t)ksnprintf(s, sizeof(s), "no serial port");
	char fb[80];
	if (fbcon_describe(fb, sizeof(fb)) > 0)
		n += (size_t)ksnprintf(s + n, sizeof(s) - n, ", %s", fb);
	if (vga_enabled())
		n += (size_t)ksnprintf(s + n, sizeof(s) - n, ", VGA text");
	if (kbd_init())                  /* programmed now, so the line can say it; the console polls it */
		ksnprintf(s + n, sizeof(s) - n, ", PS/2 keyboard");
	kprintf("console: %s\n", s);
}

static void __attribute__((noreturn)) finish(void)
{
	bool pass = report_print();
	bench_boot_mark(PHASE_REPORT);
	bench_boot_print();                 /* bench.boot: the phase table, after the summary line */
	if (opt.mode == MODE_TEST)
		platform_exit(pass);
	console_mark_boot_log();
	console_run();                      /* the serial console: drive VT-x by command */
}

void kmain(u32 magic, u64 mbi)
{
	bench_boot_start();
	serial_init_legacy();               /* COM1-COM4 that answer the loopback test, else VGA only */
	percpu_init_boot();                 /* struct cpu, GDT/TSS/IDT of the boot CPU */
	kprintf_set_prefix(true);
	const char *com = serial_first_name();   /* "COM1 0x3f8": the name is its first 4 characters */
	kprintf("vmxboot " VMXBOOT_VERSION ": bare-metal VT-x bring-up, serial log on %.*s%s\n", com ? 4 : 100,
		com ? com : "no legacy COM port (SPCR and PCI UARTs join after ACPI)", com ? " 115200 8N1" : "");
	irq_init_boot();                    /* 8259 remapped and masked before any CPU enables interrupts */
	int mb_st = boot_info_parse(magic, mbi);
	int problems = options_parse(mb.cmdline);
	kprintf("mode=%s\n", opt.mode == MODE_TEST ? "test" : "interactive");
	memory_init(mbi);                   /* page allocator, hardened page tables */
	report_init();                      /* the KTAP tree grows from the page allocator */
	fbcon_start(&mb);                   /* the log on the framebuffer too (UEFI, no VGA text) */
	bench_boot_mark(PHASE_BOOT);
	acpi_init(&mb);                     /* RSDP, MADT, FADT, \_S5 */
	problems += options_check_cpus(acpi.madt_ok ? acpi.madt.cpus_stored : 1);   /* cpus=, vmx.cpus= vs the MADT */
	platform_detect(acpi.rsdp_ok ? acpi.rsdp.oem_id : rsdp_oem());   /* how a run ends */
	kprintf("platform: %s%s%s\n", platform_name(), platform.hv_vendor[0] ? ", hypervisor " : "",
		platform.hv_vendor);
	bench_boot_mark(PHASE_ACPI);
	timer_init();                       /* TSC calibrated against the HPET, PM timer or PIT */
	bench_boot_mark(PHASE_TIMER);
	uart_find_described();              /* SPCR and PCI UARTs join, after a replay of the log so far */
	console_outputs();                  /* console: every output and input in use */
	report.cpus_found = 1;
	report.cpus_online = 1;
	boot_tests(mb_st, problems);        /* KTAP suite "boot" */
	bench_boot_mark(PHASE_CONSOLE);
	smp_init(&mb, mbi, mbi + (mb.total_size ? mb.total_size : 8));                      /* INIT-SIPI-SIPI every listed CPU, in parallel */
	smp_report();                       /* per-CPU table, KTAP suite "smp" */
	bench_boot_mark(PHASE_SMP);
	irq_boot_checks();                  /* LINT0/1 from the MADT, CR4.MCE, NMI and unexpected-vector self-tests */
	bench_boot_mark(PHASE_IRQ);
	vmx_run_all();                      /* VT-x on every CPU: detect, VMXON, VMCS lifecycle, VMXOFF */
	bench_boot_mark(PHASE_VMX);
	vmx_guest_report();                 /* VMLAUNCH a tiny guest on every core, exits, VMRESUME */
	bench_boot_mark(PHASE_GUEST);
	vmx_conformance_run();              /* every VMX failure path, checked against the SDM */
	bench_boot_mark(PHASE_CONFORMANCE);
	if (opt.bench_vmx)
		vmx_bench();                    /* bench.vmx: figures only */
	bench_boot_mark(PHASE_BENCH_VMX);
	virt_run_all();                     /* vmx.virtualize: every CPU a guest of its own VMM, and back */
	bench_boot_mark(PHASE_VIRT);
	inject_fault(opt.inject);           /* inject=...: must end in a panic report */
	finish();                           /* KTAP, summary line, end of a test run */
}
