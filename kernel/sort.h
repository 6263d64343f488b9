/* Sorting the few values of a measurement (medians of timing runs). Pure. */
#ifndef KERNEL_SORT_H
#define KERNEL_SORT_H

#include "kernel/types.h"

/* ascending, in place; insertion sort: n is a few dozen or hundred */
void sort_u64(u64 *v, size_t n);

#endif
