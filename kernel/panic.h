#ifndef KERNEL_PANIC_H
#define KERNEL_PANIC_H

struct trap_frame;

/* Print the reason with this CPU's registers and halt it; in mode=test the
 * run then ends as a failure (kernel/report.c). Never returns. */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void panic_frame(struct trap_frame *f) __attribute__((noreturn));
void halt_forever(void) __attribute__((noreturn));

#endif
