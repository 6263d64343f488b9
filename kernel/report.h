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

/* Print the KTAP document and the summary line; returns true for PASS. */
bool report_print(void);
/* After a panic: print what is known with result=FAIL and end the run (test mode). */
void report_panic_end(void) __attribute__((noreturn));

#endif
