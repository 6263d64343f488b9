#ifndef ARCH_X86_64_LAPIC_H
#define ARCH_X86_64_LAPIC_H

#include "kernel/types.h"

void lapic_eoi(void);

#endif
