#ifndef KERNEL_REPORT_H
#define KERNEL_REPORT_H

#include "kernel/types.h"

#define REPORT_UNKNOWN (-1)

/* Figures for the summary line; REPORT_UNKNOWN prints as "-". */
struct report_figures {
	long cpus_found, cpus_online, vmx_ready;
	bool unexpected;        /* a panic, or a listed CPU that did not come up */
};
extern struct report_figures report;

/* The KTAP tree grows from the page allocator from now on. */
void report_init(void);
/* Free pages in the page allocator, counting those the KTAP tree took as free:
 * a suite's leak check compares these, so recording results is no leak. */
u64 report_free_pages(void);
/* The brief KTAP form and human tables (report=, kernel/ktap_brief.h)? */
bool report_brief(void);
/* Print the KTAP document and the summary line; returns true for PASS. */
bool report_print(void);
/* After a panic: print what is known with result=FAIL and end the run (test mode). */
void report_panic_end(void) __attribute__((noreturn));

#endif
