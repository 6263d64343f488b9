#ifndef KERNEL_HOLD_H
#define KERNEL_HOLD_H

#include "kernel/types.h"

/* After the summary of a mode=test run: return at once, or keep the verdict
 * on screen first (kernel/run_end.h says which). May never return (no keyboard). */
void hold_verdict(bool pass);

#endif
