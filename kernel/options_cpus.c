/* The options that name CPUs, checked once the MADT says how many there are:
 * the command line is parsed before ACPI, so until then only the syntax of a
 * CPU list is known. */
#include "kernel/options.h"
#include "kernel/cpuset.h"
#include "kernel/kprintf.h"
#include "kernel/pmm.h"

int options_check_cpus(u32 found)
{
	int problems = 0;
	if (opt.cpus > found) {
		kprintf("cmdline: cpus=%lu: this machine lists %u CPU%s; starting all of them\n", opt.cpus, found,
			found == 1 ? "" : "s");
		opt.cpus = 0;
		problems++;
	}
	opt.vmx_cpus = 0;
	if (!opt.vmx_cpus_list.len)
		return problems;
	u64 pages = ALIGN_UP(cpuset_words(found) * sizeof(u64), PAGE_SIZE) / PAGE_SIZE;
	u64 *bits = (u64 *)(uintptr_t)page_alloc(pages);   /* kept: opt lives for good */
	char err[80];
	if (!bits) {
		kprintf("cmdline: vmx.cpus: out of memory for a set of %u CPUs; every CPU runs VT-x\n", found);
		return problems + 1;
	}
	if (cpu_list_resolve(&opt.vmx_cpus_list, found, bits, err, sizeof(err)) != CMDLINE_OK) {
		kprintf("cmdline: vmx.cpus=%.*s: %s; every CPU runs VT-x\n", (int)opt.vmx_cpus_list.len,
			opt.vmx_cpus_list.text, err);
		page_free((u64)(uintptr_t)bits, pages);
		return problems + 1;
	}
	opt.vmx_cpus = bits;
	return problems;
}
