#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "kernel/types.h"

/* Choose xAPIC or x2APIC for the whole machine (boot CPU), map the xAPIC page. */
bool lapic_setup(bool force_xapic, bool high_ids);
void lapic_init_cpu(void);          /* enable this CPU's APIC in the chosen mode */
bool lapic_x2apic(void);
u64 lapic_base(void);
const char *lapic_mode_reason(void);
u32 lapic_id(void);                 /* this CPU's APIC ID */
void lapic_eoi(void);
/* IPIs; return the ESR value (0 = no error) after the send. */
u32 lapic_send_init(u32 apic_id, bool assert);
u32 lapic_send_sipi(u32 apic_id, u8 vector);
u32 lapic_send_fixed(u32 apic_id, u8 vector);
/* xAPIC: false when the delivery-status bit did not clear in time */
bool lapic_last_delivered(void);
/* LVT LINT0 (lint 0) / LINT1 (lint 1); the in-service bit of a vector
 * (false before lapic_setup); an NMI IPI (ESR returned). */
u32 lapic_lint_read(unsigned lint);
void lapic_lint_write(unsigned lint, u32 lvt);
bool lapic_in_service(u8 vector);
u32 lapic_send_nmi(u32 apic_id);
/* The APIC version register; the LVT timer entry (the count stopped, divide
 * by 1); a one-shot count (0 stops it) and the current count; the
 * TSC-deadline MSR (0 disarms it). arch/x86_64/wait.c uses them. */
u32 lapic_version(void);
void lapic_timer_setup(u32 lvt);
void lapic_timer_oneshot(u32 count);
u32 lapic_timer_current(void);
void lapic_timer_deadline(u64 tsc);

#endif
