/* Multiboot2 boot information parser; see multiboot2.h.
 * Every read goes through rd32/rd64 after a bounds check against the
 * smaller of total_size and avail, so a hostile block cannot make us read
 * outside it; memcpy keeps the loads free of alignment and aliasing rules. */
#include "kernel/multiboot2.h"
#include "kernel/lib.h"

#define MB2_HEADER_SIZE 8       /* u32 total_size, u32 reserved */
#define MB2_TAG_HEADER  8       /* u32 type, u32 size */
#define MB2_TAG_ALIGN   8       /* spec 3.6.1: tags start 8-byte aligned */

/* Fixed part of each tag this parser reads, header included.
 * Framebuffer: GRUB's struct multiboot_tag_framebuffer_common, 32 bytes
 * (the spec text shows a u8 reserved, GRUB writes a u16, and the colour
 * info follows at offset 32).  ACPI: RSDP v1 is 20 bytes, v2 is 36 (ACPI
 * 6.5 table 5.3). */
#define MB2_MIN_BASIC_MEMINFO (MB2_TAG_HEADER + 8)
#define MB2_MIN_MMAP          (MB2_TAG_HEADER + 8)
#define MB2_MIN_FRAMEBUFFER   (MB2_TAG_HEADER + 24)
#define MB2_FB_RGB_END        (MB2_MIN_FRAMEBUFFER + 6)
#define MB2_MIN_ACPI_OLD      (MB2_TAG_HEADER + 20)
#define MB2_MIN_ACPI_NEW      (MB2_TAG_HEADER + 36)
#define MB2_MMAP_ENTRY_MIN    24

static u32 rd32(const u8 *p)
{
	u32 v;
	memcpy(&v, p, sizeof v);
	return v;
}

static u64 rd64(const u8 *p)
{
	u64 v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* On failure the caller sees only the status and where it happened. */
static int fail(struct mb2_info *out, int status, u32 offset, u32 type)
{
	memset(out, 0, sizeof *out);
	out->bad_offset = offset;
	out->bad_type = type;
	return status;
}

/* Spec 3.6.3/3.6.4: a zero-terminated UTF-8 string after the header. */
static int tag_string(const u8 *tag, u32 size, const char **s, size_t *len)
{
	const char *str = (const char *)tag + MB2_TAG_HEADER;
	for (size_t i = 0; i < size - MB2_TAG_HEADER; i++) {
		if (str[i] == '\0') {
			*s = str;
			*len = i;
			return MB2_OK;
		}
	}
	return MB2_ESTRING;
}

/* Spec 3.6.8: u32 entry_size, u32 entry_version, then the entries. */
static int tag_mmap(const u8 *tag, u32 size, struct mb2_info *dst)
{
	if (size < MB2_MIN_MMAP)
		return MB2_ETAG_SHORT;
	u32 esz = rd32(tag + 8);
	if (esz < MB2_MMAP_ENTRY_MIN || esz % 8 != 0)
		return MB2_EMMAP_ENTRY_SIZE;
	if ((size - MB2_MIN_MMAP) % esz != 0)
		return MB2_EMMAP_SIZE;
	dst->mmap = tag + MB2_MIN_MMAP;
	dst->mmap_count = (size - MB2_MIN_MMAP) / esz;
	dst->mmap_entry_size = esz;
	dst->mmap_entry_version = rd32(tag + 12);
	return MB2_OK;
}

/* Spec 3.6.12, with GRUB's layout (see MB2_MIN_FRAMEBUFFER). */
static int tag_framebuffer(const u8 *tag, u32 size, struct mb2_info *dst)
{
	if (size < MB2_MIN_FRAMEBUFFER)
		return MB2_ETAG_SHORT;
	dst->has_framebuffer = true;
	dst->fb_addr = rd64(tag + 8);
	dst->fb_pitch = rd32(tag + 16);
	dst->fb_width = rd32(tag + 20);
	dst->fb_height = rd32(tag + 24);
	dst->fb_bpp = tag[28];
	dst->fb_type = tag[29];
	if (dst->fb_type == MB2_FRAMEBUFFER_RGB && size >= MB2_FB_RGB_END) {
		const u8 *c = tag + MB2_MIN_FRAMEBUFFER;
		dst->fb_has_rgb = true;
		dst->fb_red_pos = c[0];
		dst->fb_red_size = c[1];
		dst->fb_green_pos = c[2];
		dst->fb_green_size = c[3];
		dst->fb_blue_pos = c[4];
		dst->fb_blue_size = c[5];
	}
	return MB2_OK;
}

static int tag_acpi(const u8 *tag, u32 size, u32 min, const void **rsdp, size_t *len)
{
	if (size < min)
		return MB2_ETAG_SHORT;
	*rsdp = tag + MB2_TAG_HEADER;
	*len = size - MB2_TAG_HEADER;
	return MB2_OK;
}

static bool is_parsed_type(u32 type)
{
	switch (type) {
	case MB2_TAG_CMDLINE:
	case MB2_TAG_BOOTLOADER_NAME:
	case MB2_TAG_BASIC_MEMINFO:
	case MB2_TAG_MMAP:
	case MB2_TAG_FRAMEBUFFER:
	case MB2_TAG_ACPI_OLD:
	case MB2_TAG_ACPI_NEW:
		return true;
	default:
		return false;
	}
}

/* One tag other than the end tag; size is >= 8 and within total_size.
 * A repeated tag is still checked, into a scratch copy, then dropped. */
static int parse_tag(const u8 *tag, u32 type, u32 size, struct mb2_info *out)
{
	if (type > MB2_TAG_LAST_KNOWN) {
		out->unknown_tags++;
		return MB2_OK;
	}
	if (!is_parsed_type(type)) {
		out->seen |= (u32)BIT(type);
		out->ignored_tags++;
		return MB2_OK;
	}
	struct mb2_info scratch;
	struct mb2_info *dst = out;
	if (out->seen & BIT(type)) {
		out->duplicate_tags++;
		memset(&scratch, 0, sizeof scratch);
		dst = &scratch;
	}
	out->seen |= (u32)BIT(type);

	switch (type) {
	case MB2_TAG_CMDLINE:
		return tag_string(tag, size, &dst->cmdline, &dst->cmdline_len);
	case MB2_TAG_BOOTLOADER_NAME:
		return tag_string(tag, size, &dst->bootloader_name, &dst->bootloader_name_len);
	case MB2_TAG_BASIC_MEMINFO:
		/* Spec 3.6.6: u32 mem_lower, u32 mem_upper, in KiB. */
		if (size < MB2_MIN_BASIC_MEMINFO)
			return MB2_ETAG_SHORT;
		dst->has_basic_meminfo = true;
		dst->mem_lower_kib = rd32(tag + 8);
		dst->mem_upper_kib = rd32(tag + 12);
		return MB2_OK;
	case MB2_TAG_MMAP:
		return tag_mmap(tag, size, dst);
	case MB2_TAG_FRAMEBUFFER:
		return tag_framebuffer(tag, size, dst);
	case MB2_TAG_ACPI_OLD:
		return tag_acpi(tag, size, MB2_MIN_ACPI_OLD, &dst->rsdp_old, &dst->rsdp_old_len);
	default: /* MB2_TAG_ACPI_NEW */
		return tag_acpi(tag, size, MB2_MIN_ACPI_NEW, &dst->rsdp_new, &dst->rsdp_new_len);
	}
}

int mb2_parse(const void *mbi, size_t avail, struct mb2_info *out)
{
	if (!out)
		return MB2_ENULL;
	if (!mbi)
		return fail(out, MB2_ENULL, 0, 0);
	if ((uintptr_t)mbi % MB2_TAG_ALIGN != 0)
		return fail(out, MB2_EALIGN, 0, 0);
	if (avail < MB2_HEADER_SIZE)
		return fail(out, MB2_EAVAIL, 0, 0);

	const u8 *base = mbi;
	u32 total = rd32(base);
	if (total < MB2_HEADER_SIZE + MB2_TAG_HEADER)
		return fail(out, MB2_ETOTAL_SMALL, 0, 0);
	if (total > avail)
		return fail(out, MB2_ETOTAL_LARGE, 0, 0);

	memset(out, 0, sizeof *out);
	out->total_size = total;
	u32 off = MB2_HEADER_SIZE;      /* invariant: off <= total, 8-aligned */
	for (;;) {
		if (total - off < MB2_TAG_HEADER)
			return fail(out, MB2_ENO_END, off, 0);
		u32 type = rd32(base + off);
		u32 size = rd32(base + off + 4);
		out->tags++;
		if (size < MB2_TAG_HEADER)
			return fail(out, MB2_ETAG_SIZE, off, type);
		if (size > total - off)
			return fail(out, MB2_ETAG_OVERRUN, off, type);
		if (type == MB2_TAG_END)
			return size == MB2_TAG_HEADER ? MB2_OK : fail(out, MB2_EEND_SIZE, off, type);
		int rc = parse_tag(base + off, type, size, out);
		if (rc != MB2_OK)
			return fail(out, rc, off, type);
		u64 next = ALIGN_UP((u64)off + size, MB2_TAG_ALIGN);
		if (next >= total)
			return fail(out, MB2_ENO_END, total, 0);
		off = (u32)next;
	}
}

const char *mb2_strerror(int status)
{
	switch (status) {
	case MB2_OK:               return "The boot information is well formed.";
	case MB2_ENULL:            return "The boot information pointer is NULL.";
	case MB2_EALIGN:           return "The boot information is not 8-byte aligned.";
	case MB2_EAVAIL:           return "Fewer than 8 bytes of boot information can be read.";
	case MB2_ETOTAL_SMALL:     return "The total size is smaller than a header and an end tag (16 bytes).";
	case MB2_ETOTAL_LARGE:     return "The total size is larger than the memory that may be read.";
	case MB2_ETAG_SIZE:        return "A tag's size is smaller than its 8-byte header.";
	case MB2_ETAG_OVERRUN:     return "A tag runs past the end of the boot information.";
	case MB2_ENO_END:          return "The tags reach the end of the boot information without an end tag.";
	case MB2_EEND_SIZE:        return "The end tag's size is not 8.";
	case MB2_ETAG_SHORT:       return "A tag is too short for the fields its type must have.";
	case MB2_ESTRING:          return "A string tag (command line or boot loader name) is not NUL-terminated.";
	case MB2_EMMAP_ENTRY_SIZE: return "The memory map's entry size is below 24 or not a multiple of 8.";
	case MB2_EMMAP_SIZE:       return "The memory map tag does not hold a whole number of entries.";
	default:                   return "Unknown multiboot2 parse status.";
	}
}

bool mb2_mmap_entry(const struct mb2_info *info, size_t i, struct mb2_mmap_entry *e)
{
	if (!info || !info->mmap || i >= info->mmap_count)
		return false;
	const u8 *p = info->mmap + i * info->mmap_entry_size;
	e->base_addr = rd64(p);
	e->length = rd64(p + 8);
	e->type = rd32(p + 16);
	return true;
}
