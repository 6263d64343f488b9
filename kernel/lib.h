/* The few libc string/memory functions the kernel provides (kernel/lib.c).
 * Host builds (VMXBOOT_HOST) take them from the host libc instead. */
#ifndef KERNEL_LIB_H
#define KERNEL_LIB_H

#include "kernel/types.h"

#ifdef VMXBOOT_HOST
#include <string.h>
#else
void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
#endif

#endif
