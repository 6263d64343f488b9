/* The verdict on one instruction-fault case (vmx/conf_fault.c): pure, host-tested. */
#ifndef VMX_CONF_FAULT_VERDICT_H
#define VMX_CONF_FAULT_VERDICT_H
#include "kernel/types.h"

struct conf_fault_got {
	int vec;                /* 0: no fault */
	u64 err, cr2, rip, cs, flags;
	bool has_rip;           /* an excursion: rip and cs are where it faulted */
	bool has_flags;         /* flags: RFLAGS after, CF and ZF set before */
};
struct conf_fault_want {
	int vec;
	u64 err;
	u64 cr2;                /* ~0: not a #PF case */
	u64 rip, cs;            /* has_rip cases: the VMX instruction and the CS it ran with */
};
enum conf_fault_v {
	FV_OK,                  /* exactly the fault wanted */
	FV_VECTOR,              /* another vector, or none: the caller asks the deviation table */
	FV_OTHER,               /* the vector is right, something else is not: the reason is in buf */
};
enum conf_fault_v conf_fault_verdict(const struct conf_fault_got *g, const struct conf_fault_want *w, char *buf,
				     size_t n);
#endif
