/* Comparing CPUs' VMX capabilities by name, and grouping CPUs into kinds
 * (hybrid parts, firmware that programmed cores differently). Pure. */
#ifndef VMX_VMX_CAPDIFF_H
#define VMX_VMX_CAPDIFF_H

#include "kernel/types.h"
#include "vmx/vmx_capdecode.h"

/* One line per capability whose state (or number) differs between ref and c,
 * "GROUP TITLE: NAME: STATE (cpuREF: STATE)", unnamed bits as "bit N", and one
 * per non-VMX value of struct vmx_caps that differs (FEATURE_CONTROL, CPUID).
 * Returns the number of lines. */
size_t vmx_caps_diff(const struct vmx_caps *ref, u32 ref_cpu, const struct vmx_caps *c, vmx_cap_line_fn line,
		     void *ctx);

/* kind_of[i] = the kind of CPU i: CPUs whose capabilities are equal
 * (vmx_caps_equal) share one, numbered 0, 1, ... in order of first CPU;
 * caps[i] NULL (not read) gives VMX_CAPS_NO_KIND. Returns the number of kinds. */
#define VMX_CAPS_NO_KIND 0xffffffffu
u32 vmx_caps_kinds(const struct vmx_caps *const *caps, u32 n, u32 *kind_of);

/* The CPUs of one kind as ranges, "0-7, 12, 14-15", NUL-terminated, cut with
 * "..." when buf is too small. Returns the number of CPUs. */
u32 vmx_caps_kind_cpus(const u32 *kind_of, u32 n, u32 kind, char *buf, size_t len);

#endif
