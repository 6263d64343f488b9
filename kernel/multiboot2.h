/* Multiboot2 boot information: a bounds-checked parser.
 * Layout from the Multiboot2 specification (version 2.0), section 3.6
 * "Boot information format": a u32 total_size, a u32 reserved, then tags,
 * each {u32 type, u32 size, payload} starting on an 8-byte boundary, the
 * last one the end tag {0, 8}.
 *
 * Pure: reads only [mbi, mbi + min(total_size, avail)), writes only *out.
 * Pointers in struct mb2_info point into the caller's block. */
#ifndef KERNEL_MULTIBOOT2_H
#define KERNEL_MULTIBOOT2_H

#include "kernel/types.h"

/* EAX at the kernel entry when a Multiboot2 loader started us (spec 3.3). */
#define MB2_BOOTLOADER_MAGIC 0x36d76289u

/* Tag types, spec 3.6.x. */
#define MB2_TAG_END             0
#define MB2_TAG_CMDLINE         1
#define MB2_TAG_BOOTLOADER_NAME 2
#define MB2_TAG_MODULE          3
#define MB2_TAG_BASIC_MEMINFO   4
#define MB2_TAG_BOOTDEV         5
#define MB2_TAG_MMAP            6
#define MB2_TAG_VBE             7
#define MB2_TAG_FRAMEBUFFER     8
#define MB2_TAG_ELF_SECTIONS    9
#define MB2_TAG_APM             10
#define MB2_TAG_EFI32           11
#define MB2_TAG_EFI64           12
#define MB2_TAG_SMBIOS          13
#define MB2_TAG_ACPI_OLD        14
#define MB2_TAG_ACPI_NEW        15
#define MB2_TAG_NETWORK         16
#define MB2_TAG_EFI_MMAP        17
#define MB2_TAG_EFI_BS          18
#define MB2_TAG_EFI32_IH        19
#define MB2_TAG_EFI64_IH        20
#define MB2_TAG_LOAD_BASE_ADDR  21
#define MB2_TAG_LAST_KNOWN      21

/* Memory map entry types (spec 3.6.8). */
#define MB2_MEMORY_AVAILABLE        1
#define MB2_MEMORY_RESERVED         2
#define MB2_MEMORY_ACPI_RECLAIMABLE 3
#define MB2_MEMORY_NVS              4
#define MB2_MEMORY_BADRAM           5

/* Framebuffer types (spec 3.6.12). */
#define MB2_FRAMEBUFFER_INDEXED  0
#define MB2_FRAMEBUFFER_RGB      1
#define MB2_FRAMEBUFFER_EGA_TEXT 2

/* Results of mb2_parse; mb2_strerror() gives a sentence for each. */
enum mb2_status {
	MB2_OK = 0,
	MB2_ENULL = -1,             /* mbi or out is NULL */
	MB2_EALIGN = -2,            /* mbi not 8-byte aligned */
	MB2_EAVAIL = -3,            /* avail < 8: cannot even read total_size */
	MB2_ETOTAL_SMALL = -4,      /* total_size < 16 (header + end tag) */
	MB2_ETOTAL_LARGE = -5,      /* total_size > avail */
	MB2_ETAG_SIZE = -6,         /* a tag's size < 8 */
	MB2_ETAG_OVERRUN = -7,      /* a tag runs past total_size */
	MB2_ENO_END = -8,           /* tags reach total_size with no end tag */
	MB2_EEND_SIZE = -9,         /* end tag with size != 8 */
	MB2_ETAG_SHORT = -10,       /* a known tag too short for its fixed fields */
	MB2_ESTRING = -11,          /* cmdline / bootloader name not NUL-terminated */
	MB2_EMMAP_ENTRY_SIZE = -12, /* mmap entry_size < 24 or not a multiple of 8 */
	MB2_EMMAP_SIZE = -13,       /* mmap tag not a whole number of entries */
};

/* One memory map entry (spec 3.6.8), copied out of the tag. */
struct mb2_mmap_entry {
	u64 base_addr;
	u64 length;
	u32 type;                   /* MB2_MEMORY_* */
};

struct mb2_info {
	u32 total_size;
	u32 seen;                   /* bit n set: a tag of known type n was present */

	const char *cmdline;        /* NULL if absent; NUL-terminated */
	size_t cmdline_len;         /* strlen(cmdline) */
	const char *bootloader_name;
	size_t bootloader_name_len;

	bool has_basic_meminfo;
	u32 mem_lower_kib;          /* from 0, at most 640 */
	u32 mem_upper_kib;          /* from 1 MiB to the first hole */

	const u8 *mmap;             /* first entry; NULL if no mmap tag */
	size_t mmap_count;
	u32 mmap_entry_size;        /* >= 24, multiple of 8: use mb2_mmap_entry() */
	u32 mmap_entry_version;

	const void *rsdp_old;       /* tag 14: copy of the ACPI 1.0 RSDP */
	size_t rsdp_old_len;
	const void *rsdp_new;       /* tag 15: copy of the ACPI 2.0+ RSDP */
	size_t rsdp_new_len;

	bool has_framebuffer;
	u64 fb_addr;
	u32 fb_pitch, fb_width, fb_height;
	u8 fb_bpp, fb_type;         /* MB2_FRAMEBUFFER_* */
	bool fb_has_rgb;            /* fb_type RGB and the colour fields present */
	u8 fb_red_pos, fb_red_size, fb_green_pos, fb_green_size, fb_blue_pos, fb_blue_size;

	unsigned tags;              /* tags walked, end tag included */
	unsigned duplicate_tags;    /* repeats of a parsed type; the first wins */
	unsigned ignored_tags;      /* known types this parser does not use */
	unsigned unknown_tags;      /* types above MB2_TAG_LAST_KNOWN */

	/* On failure: where. Only these two fields are set, the rest is zero. */
	u32 bad_offset;             /* offset of the bad tag from mbi (0: header) */
	u32 bad_type;               /* its type, 0 for header errors */
};

/* Parse the boot information at mbi.  avail is how many bytes may be read
 * there; the parser reads at most min(total_size, avail).
 * Returns MB2_OK or a negative enum mb2_status. */
int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out);

/* A plain sentence for an mb2_parse result. */
const char *mb2_strerror(int status);

/* Entry i of the memory map; false (and *e untouched) if i is out of range. */
bool mb2_mmap_entry(const struct mb2_info *info, size_t i, struct mb2_mmap_entry *e);

#endif
