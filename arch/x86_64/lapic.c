#include "arch/x86_64/lapic.h"

void lapic_eoi(void)
{
}
