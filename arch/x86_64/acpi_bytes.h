/* Byte-wise little-endian reads and checksums shared by the ACPI table
 * decoders (acpi_*.c). Firmware tables are not aligned, and the host build
 * runs under UBSan, so every multi-byte field is read a byte at a time. */
#ifndef ARCH_X86_64_ACPI_BYTES_H
#define ARCH_X86_64_ACPI_BYTES_H

#include "kernel/types.h"

static inline u16 rd16(const u8 *p) { return (u16)(p[0] | (u16)p[1] << 8); }
static inline u32 rd32(const u8 *p) { return rd16(p) | (u32)rd16(p + 2) << 16; }
static inline u64 rd64(const u8 *p) { return rd32(p) | (u64)rd32(p + 4) << 32; }

static inline u8 sum8(const u8 *p, size_t n)
{
	u8 s = 0;
	while (n--)
		s = (u8)(s + *p++);
	return s;
}

/* Copies n bytes of a signature or OEM ID for printing: NUL-terminated,
 * anything unprintable as '?'. */
static inline void copy_name(char *dst, const u8 *src, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (src[i] >= 0x20 && src[i] < 0x7f) ? (char)src[i] : '?';
	dst[n] = '\0';
}

#endif
