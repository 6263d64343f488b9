/* Console commands for self-virtualization (the table is in kernel/console.c). */
#ifndef VMX_VIRT_CONSOLE_H
#define VMX_VIRT_CONSOLE_H

#include "kernel/types.h"

int cmd_virt_on(void *ctx, int argc, char **argv);
int cmd_virt_off(void *ctx, int argc, char **argv);
int cmd_virt_status(void *ctx, int argc, char **argv);
/* -1 with an error line when a selected CPU (NULL: any) is virtualized */
int virt_refuse(const u64 *mask);

#endif
