#ifndef KERNEL_SERIAL_H
#define KERNEL_SERIAL_H

#include "kernel/types.h"

#define COM1 0x3f8

bool serial_init(u16 port);     /* false: no 16550 answers there */
bool serial_present(void);
void serial_putc(char c);
int serial_getc(void);          /* -1 when no byte is waiting */
void serial_drain(void);        /* wait (bounded) until the transmitter is empty */

#endif
