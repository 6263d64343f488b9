#ifndef ARCH_X86_64_UART_FIND_H
#define ARCH_X86_64_UART_FIND_H

/* The UARTs the firmware describes: the ACPI SPCR console port, then every
 * PCI 16550 (class 07h/00h prog-if 02h). Each one found joins the serial
 * outputs (kernel/serial.c) after getting the log so far; one line each. */
void uart_find_described(void);

#endif
