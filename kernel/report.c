/*
 * The end of every boot: the KTAP document (kernel/ktap.c) and exactly one
 * summary line, the output contract in README.md.
 */
#include "kernel/report.h"
#include "kernel/ktap.h"
#include "kernel/ktap_brief.h"
#include "kernel/kprintf.h"
#include "kernel/format.h"
#include "kernel/options.h"
#include "kernel/platform.h"
#include "kernel/panic.h"
#include "kernel/pmm.h"
#include "arch/x86_64/percpu.h"
#include "arch/x86_64/irq.h"
#include "arch/x86_64/smp.h"
#include "vmx/virt.h"

struct report_figures report = { REPORT_UNKNOWN, REPORT_UNKNOWN, REPORT_UNKNOWN, false };

static u64 ktap_pages(u64 n)
{
	return page_alloc(n);
}

void report_init(void)
{
	ktap_set_page_alloc(ktap_pages);
}

u64 report_free_pages(void)
{
	return kernel_pmm.free_pages + ktap_pages_taken();
}

static void ktap_line(const char *text, void *ctx)
{
	(void)ctx;
	kprintf_raw("%s\n", text);
}

static const char *fig(long v, char *buf, size_t n)
{
	if (v < 0)
		return "-";
	ksnprintf(buf, n, "%ld", v);
	return buf;
}

static bool print_summary(bool brief)
{
	struct ktap_counts c = brief ? ktap_brief_count() : ktap_count();
	bool pass = c.failed == 0 && !report.unexpected && !ktap_overflowed();
	char a[24], b[24], d[24];
	kprintf_raw("vmxboot: summary result=%s cpus_found=%s cpus_online=%s vmx_ready=%s "
		    "tests=%u passed=%u failed=%u skipped=%u xfail=%u nmis=%u unexpected_irqs=%u virt_ready=%u%s\n",
		    pass ? "PASS" : "FAIL", fig(report.cpus_found, a, sizeof(a)),
		    fig(report.cpus_online, b, sizeof(b)), fig(report.vmx_ready, d, sizeof(d)),
		    c.tests, c.passed, c.failed, c.skipped, c.xfail, irq_nmi_total(), irq_unexpected_total(),
		    virt_ready_cpus, brief ? " report=brief" : "");
	return pass;
}

bool report_brief(void)
{
	return ktap_brief_chosen(opt.report, (long)smp_cpus_online());   /* known before the smp suite sets cpus_online */
}

bool report_print(void)
{
	if (ktap_overflowed())
		kprintf("report: out of memory for KTAP results after %lu nodes in %lu chunks "
			"(%lu KiB free); the run fails\n", ktap_nodes_used(), ktap_chunks(),
			kernel_pmm.free_pages * 4);
	irq_report_run();   /* NMIs and unexpected interrupts: said, not failed */
	bool brief = report_brief();
	if (brief)
		kprintf("report: brief form (%ld CPUs online%s): CPUs with identical results are folded into "
			"cpus_like_cpuN groups; report=full prints every CPU\n", (long)smp_cpus_online(),
			opt.report == KTAP_FORM_AUTO ? ", more than 64: report=auto" : "");
	if (brief)
		ktap_brief_print(ktap_line, 0);
	else
		ktap_print(ktap_line, 0);
	return print_summary(brief);
}

void report_panic_end(void)
{
	report.unexpected = true;
	/* the KTAP tree may be half-built: print it all the same, with the panic
	 * itself as a failed top-level test, then the verdict */
	ktap_add(0, "panic", KTAP_FAIL, "CPU %u panicked: see the PANIC lines above", this_cpu()->index);
	report_print();
	if (opt.mode == MODE_TEST)
		platform_exit(false);
	kprintf_panic("halted after a panic; reset the machine (QEMU: Ctrl-A X)\n");
	halt_forever();
}
