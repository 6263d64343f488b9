/* kernel/multiboot2.c on boot information blocks built the way GRUB 2.06
 * builds them for a 256 MiB QEMU machine, and on every malformed variant.
 * Each block is parsed from a heap copy of exactly `avail` bytes, so ASan
 * reports any read outside what the parser was allowed to touch. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/multiboot2.h"

/* ---- building blocks ---- */

struct builder {
	_Alignas(8) u8 buf[4096];
	u32 len;
};

static void put32(u8 *p, u32 v) { memcpy(p, &v, 4); }
static void put64(u8 *p, u64 v) { memcpy(p, &v, 8); }

static void b_init(struct builder *b)
{
	memset(b, 0, sizeof *b);
	b->len = 8;
}

/* A tag whose size field says `size` (normally 8 + plen); returns its offset. */
static u32 b_tag_sized(struct builder *b, u32 type, u32 size, const void *payload, u32 plen)
{
	u32 off = b->len;
	put32(b->buf + off, type);
	put32(b->buf + off + 4, size);
	if (plen)
		memcpy(b->buf + off + 8, payload, plen);
	b->len = (off + 8 + plen + 7) & ~7u;
	return off;
}

static u32 b_tag(struct builder *b, u32 type, const void *payload, u32 plen)
{
	return b_tag_sized(b, type, 8 + plen, payload, plen);
}

static u32 b_string(struct builder *b, u32 type, const char *s)
{
	return b_tag(b, type, s, (u32)strlen(s) + 1);
}

static void b_finish(struct builder *b)
{
	put32(b->buf, b->len);
}

static u32 b_end(struct builder *b)
{
	u32 off = b_tag(b, MB2_TAG_END, NULL, 0);
	b_finish(b);
	return off;
}

struct e820 { u64 base, len; u32 type; };

/* SeaBIOS's e820 map for `qemu-system-x86_64 -m 256M`. */
static const struct e820 qemu_256m[] = {
	{ 0x0000000000000000, 0x000000000009fc00, MB2_MEMORY_AVAILABLE },
	{ 0x000000000009fc00, 0x0000000000000400, MB2_MEMORY_RESERVED },
	{ 0x00000000000f0000, 0x0000000000010000, MB2_MEMORY_RESERVED },
	{ 0x0000000000100000, 0x000000000fee0000, MB2_MEMORY_AVAILABLE },
	{ 0x000000000ffe0000, 0x0000000000020000, MB2_MEMORY_RESERVED },
	{ 0x00000000fffc0000, 0x0000000000040000, MB2_MEMORY_RESERVED },
};

static u32 b_mmap(struct builder *b, const struct e820 *e, u32 n, u32 entry_size)
{
	u8 payload[8 + 16 * 64] = { 0 };
	put32(payload, entry_size);
	put32(payload + 4, 0);
	for (u32 i = 0; i < n; i++) {
		u8 *p = payload + 8 + i * entry_size;
		put64(p, e[i].base);
		put64(p + 8, e[i].len);
		put32(p + 16, e[i].type);
	}
	return b_tag(b, MB2_TAG_MMAP, payload, 8 + n * entry_size);
}

static const u8 rsdp_v1[20] = {
	'R', 'S', 'D', ' ', 'P', 'T', 'R', ' ', 0x4b, 'B', 'O', 'C', 'H', 'S', ' ', 0,
	0x79, 0x19, 0xfe, 0x0f,
};

/* Offsets of the GRUB-like block's tags, for the error tests. */
struct grub_offsets { u32 cmdline, loader, meminfo, bootdev, mmap, elf, acpi, end; };

/* What GRUB 2.06 hands a kernel on a 256 MiB BIOS QEMU machine, in GRUB's order. */
static void build_grub_info(struct builder *b, struct grub_offsets *o)
{
	struct grub_offsets dummy;
	if (!o)
		o = &dummy;
	b_init(b);
	o->cmdline = b_string(b, MB2_TAG_CMDLINE, "mode=test cpus=4");
	o->loader = b_string(b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06");
	u32 meminfo[2] = { 639, 260992 };
	o->meminfo = b_tag(b, MB2_TAG_BASIC_MEMINFO, meminfo, sizeof meminfo);
	u32 bootdev[3] = { 0xe0, 0xffffffff, 0xffffffff };
	o->bootdev = b_tag(b, MB2_TAG_BOOTDEV, bootdev, sizeof bootdev);
	o->mmap = b_mmap(b, qemu_256m, 6, 24);
	u8 elf[12 + 64 * 3] = { 0 };
	o->elf = b_tag(b, MB2_TAG_ELF_SECTIONS, elf, sizeof elf);
	o->acpi = b_tag(b, MB2_TAG_ACPI_OLD, rsdp_v1, sizeof rsdp_v1);
	o->end = b_end(b);
}

/* The block copied to a heap buffer of exactly `avail` bytes (8-aligned by malloc). */
static u8 *heap_copy(const struct builder *b, size_t avail)
{
	u8 *p = malloc(avail ? avail : 1);
	assert_non_null(p);
	memcpy(p, b->buf, avail < sizeof b->buf ? avail : sizeof b->buf);
	return p;
}

/* Parse from an exact-size heap copy; the copy is freed, so only status and bad_* are usable. */
static int parse_exact(const struct builder *b, size_t avail, struct mb2_info *info)
{
	u8 *p = heap_copy(b, avail);
	int rc = mb2_parse(p, avail, info);
	free(p);
	return rc;
}

static void expect_error(const struct builder *b, size_t avail, int status, u32 offset, u32 type)
{
	struct mb2_info info;
	memset(&info, 0xee, sizeof info);
	assert_int_equal(parse_exact(b, avail, &info), status);
	assert_int_equal(info.bad_offset, offset);
	assert_int_equal(info.bad_type, type);
	assert_null(info.cmdline);
	assert_int_equal(info.mmap_count, 0);
}

/* ---- well-formed blocks ---- */

static void grub_info_fills_every_field(void **state)
{
	(void)state;
	struct builder b;
	build_grub_info(&b, NULL);
	u8 *mbi = heap_copy(&b, b.len);
	struct mb2_info info;
	assert_int_equal(mb2_parse(mbi, b.len, &info), MB2_OK);

	assert_int_equal(info.total_size, b.len);
	assert_string_equal(info.cmdline, "mode=test cpus=4");
	assert_int_equal(info.cmdline_len, 16);
	assert_string_equal(info.bootloader_name, "GRUB 2.06");
	assert_int_equal(info.bootloader_name_len, 9);
	assert_true(info.has_basic_meminfo);
	assert_int_equal(info.mem_lower_kib, 639);
	assert_int_equal(info.mem_upper_kib, 260992);
	assert_int_equal(info.mmap_count, 6);
	assert_int_equal(info.mmap_entry_size, 24);
	assert_int_equal(info.mmap_entry_version, 0);
	assert_non_null(info.rsdp_old);
	assert_int_equal(info.rsdp_old_len, 20);
	assert_memory_equal(info.rsdp_old, rsdp_v1, 20);
	assert_null(info.rsdp_new);
	assert_false(info.has_framebuffer);
	assert_int_equal(info.tags, 8);
	assert_int_equal(info.ignored_tags, 2);          /* boot device, ELF sections */
	assert_int_equal(info.unknown_tags, 0);
	assert_int_equal(info.duplicate_tags, 0);
	assert_int_equal(info.seen, BIT(1) | BIT(2) | BIT(4) | BIT(5) | BIT(6) | BIT(9) | BIT(14));
	/* Pointers are into the caller's block. */
	assert_ptr_equal(info.cmdline, (const char *)mbi + 16);
	free(mbi);
}

static void mmap_entries_match_the_e820_layout(void **state)
{
	(void)state;
	struct builder b;
	build_grub_info(&b, NULL);
	u8 *mbi = heap_copy(&b, b.len);
	struct mb2_info info;
	assert_int_equal(mb2_parse(mbi, b.len, &info), MB2_OK);
	u64 usable = 0;
	for (size_t i = 0; i < info.mmap_count; i++) {
		struct mb2_mmap_entry e;
		assert_true(mb2_mmap_entry(&info, i, &e));
		assert_int_equal(e.base_addr, qemu_256m[i].base);
		assert_int_equal(e.length, qemu_256m[i].len);
		assert_int_equal(e.type, qemu_256m[i].type);
		if (e.type == MB2_MEMORY_AVAILABLE)
			usable += e.length;
	}
	assert_int_equal(usable, 0x9fc00 + 0xfee0000);
	struct mb2_mmap_entry e = { 1, 2, 3 };
	assert_false(mb2_mmap_entry(&info, 6, &e));
	assert_false(mb2_mmap_entry(&info, SIZE_MAX, &e));
	assert_int_equal(e.base_addr, 1);
	free(mbi);
}

static void mmap_with_larger_entry_size_is_strided(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_mmap(&b, qemu_256m, 6, 32);
	b_end(&b);
	u8 *mbi = heap_copy(&b, b.len);
	struct mb2_info info;
	assert_int_equal(mb2_parse(mbi, b.len, &info), MB2_OK);
	assert_int_equal(info.mmap_count, 6);
	struct mb2_mmap_entry e;
	assert_true(mb2_mmap_entry(&info, 5, &e));
	assert_int_equal(e.base_addr, 0xfffc0000);
	assert_int_equal(e.type, MB2_MEMORY_RESERVED);
	free(mbi);
}

static void framebuffer_and_new_rsdp_are_read(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	u8 fb[30] = { 0 };
	put64(fb, 0xfd000000);
	put32(fb + 8, 4096);
	put32(fb + 12, 1024);
	put32(fb + 16, 768);
	fb[20] = 32;
	fb[21] = MB2_FRAMEBUFFER_RGB;
	u8 rgb[6] = { 16, 8, 8, 8, 0, 8 };
	memcpy(fb + 24, rgb, 6);
	b_tag(&b, MB2_TAG_FRAMEBUFFER, fb, sizeof fb);
	u8 rsdp2[36] = "RSD PTR ";
	b_tag(&b, MB2_TAG_ACPI_NEW, rsdp2, sizeof rsdp2);
	b_end(&b);
	u8 *mbi = heap_copy(&b, b.len);
	struct mb2_info info;
	assert_int_equal(mb2_parse(mbi, b.len, &info), MB2_OK);
	assert_true(info.has_framebuffer);
	assert_int_equal(info.fb_addr, 0xfd000000);
	assert_int_equal(info.fb_pitch, 4096);
	assert_int_equal(info.fb_width, 1024);
	assert_int_equal(info.fb_height, 768);
	assert_int_equal(info.fb_bpp, 32);
	assert_int_equal(info.fb_type, MB2_FRAMEBUFFER_RGB);
	assert_true(info.fb_has_rgb);
	assert_int_equal(info.fb_red_pos, 16);
	assert_int_equal(info.fb_blue_size, 8);
	assert_int_equal(info.rsdp_new_len, 36);
	assert_memory_equal(info.rsdp_new, "RSD PTR ", 8);
	assert_null(info.cmdline);
	assert_null(info.mmap);
	free(mbi);
}

static void unknown_tags_are_skipped_and_counted(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	u8 junk[13] = { 0 };
	b_tag(&b, 22, junk, sizeof junk);
	b_tag(&b, 0xffffffff, NULL, 0);
	b_string(&b, MB2_TAG_CMDLINE, "x");
	b_end(&b);
	struct mb2_info info;
	u8 *mbi = heap_copy(&b, b.len);
	assert_int_equal(mb2_parse(mbi, b.len, &info), MB2_OK);
	assert_int_equal(info.unknown_tags, 2);
	assert_string_equal(info.cmdline, "x");
	free(mbi);
}

static void duplicate_tags_keep_the_first_and_are_counted(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_string(&b, MB2_TAG_CMDLINE, "first");
	b_string(&b, MB2_TAG_CMDLINE, "second");
	b_mmap(&b, qemu_256m, 2, 24);
	b_mmap(&b, qemu_256m, 6, 24);
	b_tag(&b, MB2_TAG_MODULE, "\0\0\0\0\0\0\0\0", 9);   /* modules may repeat: not duplicates */
	b_tag(&b, MB2_TAG_MODULE, "\0\0\0\0\0\0\0\0", 9);
	b_end(&b);
	struct mb2_info info;
	u8 *mbi = heap_copy(&b, b.len);
	assert_int_equal(mb2_parse(mbi, b.len, &info), MB2_OK);
	assert_string_equal(info.cmdline, "first");
	assert_int_equal(info.mmap_count, 2);
	assert_int_equal(info.duplicate_tags, 2);
	assert_int_equal(info.ignored_tags, 2);
	free(mbi);
}

static void trailing_bytes_after_end_tag_are_ignored(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_end(&b);
	put32(b.buf, 64);       /* total_size covers 40 bytes of garbage after the end tag */
	memset(b.buf + 16, 0xff, 48);
	struct mb2_info info;
	assert_int_equal(parse_exact(&b, 64, &info), MB2_OK);
	assert_int_equal(info.tags, 1);
}

/* ---- malformed blocks: one distinct status each, with the offending offset ---- */

static void null_and_misaligned_pointers_are_rejected(void **state)
{
	(void)state;
	struct mb2_info info;
	assert_int_equal(mb2_parse(NULL, 4096, &info), MB2_ENULL);
	struct builder b;
	build_grub_info(&b, NULL);
	assert_int_equal(mb2_parse(b.buf, b.len, NULL), MB2_ENULL);
	for (int shift = 1; shift < 8; shift++) {
		memmove(b.buf + shift, b.buf, b.len);
		assert_int_equal(mb2_parse(b.buf + shift, b.len, &info), MB2_EALIGN);
		memmove(b.buf, b.buf + shift, b.len);
	}
}

static void header_sizes_are_checked_against_avail(void **state)
{
	(void)state;
	struct builder b;
	build_grub_info(&b, NULL);
	expect_error(&b, 0, MB2_EAVAIL, 0, 0);
	expect_error(&b, 7, MB2_EAVAIL, 0, 0);
	expect_error(&b, b.len - 1, MB2_ETOTAL_LARGE, 0, 0);
	put32(b.buf, 8);
	expect_error(&b, 4096, MB2_ETOTAL_SMALL, 0, 0);
	put32(b.buf, 15);
	expect_error(&b, 4096, MB2_ETOTAL_SMALL, 0, 0);
	put32(b.buf, 0xffffffff);
	expect_error(&b, 4096, MB2_ETOTAL_LARGE, 0, 0);
}

static void tag_smaller_than_its_header_is_rejected(void **state)
{
	(void)state;
	struct builder b;
	struct grub_offsets o;
	build_grub_info(&b, &o);
	put32(b.buf + o.mmap + 4, 7);
	expect_error(&b, b.len, MB2_ETAG_SIZE, o.mmap, MB2_TAG_MMAP);
	put32(b.buf + o.mmap + 4, 0);   /* a zero size would otherwise loop forever */
	expect_error(&b, b.len, MB2_ETAG_SIZE, o.mmap, MB2_TAG_MMAP);
}

static void tag_running_past_total_size_is_rejected(void **state)
{
	(void)state;
	struct builder b;
	struct grub_offsets o;
	build_grub_info(&b, &o);
	put32(b.buf + o.acpi + 4, b.len - o.acpi + 1);
	expect_error(&b, b.len, MB2_ETAG_OVERRUN, o.acpi, MB2_TAG_ACPI_OLD);
	put32(b.buf + o.acpi + 4, 0xfffffff8);
	expect_error(&b, b.len, MB2_ETAG_OVERRUN, o.acpi, MB2_TAG_ACPI_OLD);
	/* The end tag itself may not overrun either. */
	build_grub_info(&b, &o);
	put32(b.buf + o.end + 4, 16);
	expect_error(&b, b.len, MB2_ETAG_OVERRUN, o.end, MB2_TAG_END);
}

static void missing_end_tag_is_rejected(void **state)
{
	(void)state;
	struct builder b;
	struct grub_offsets o;
	build_grub_info(&b, &o);
	put32(b.buf, o.end);            /* total_size stops just before the end tag */
	expect_error(&b, o.end, MB2_ENO_END, o.end, 0);
	put32(b.buf, o.end + 4);        /* half an end tag */
	expect_error(&b, o.end + 4, MB2_ENO_END, o.end, 0);

	/* The last tag ends exactly at an unaligned total_size. */
	b_init(&b);
	b_tag(&b, MB2_TAG_CMDLINE, "abc", 4);
	put32(b.buf, 20);
	expect_error(&b, 20, MB2_ENO_END, 20, 0);
}

static void end_tag_with_wrong_size_is_rejected(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	u32 end = b_tag_sized(&b, MB2_TAG_END, 16, "\0\0\0\0\0\0\0", 8);
	b_finish(&b);
	expect_error(&b, b.len, MB2_EEND_SIZE, end, MB2_TAG_END);
}

static void unterminated_strings_are_rejected(void **state)
{
	(void)state;
	struct builder b;
	u32 off;
	b_init(&b);
	off = b_tag(&b, MB2_TAG_CMDLINE, "mode=test", 9);     /* no NUL inside the tag */
	b_end(&b);
	expect_error(&b, b.len, MB2_ESTRING, off, MB2_TAG_CMDLINE);

	b_init(&b);
	b_string(&b, MB2_TAG_CMDLINE, "ok");
	off = b_tag(&b, MB2_TAG_BOOTLOADER_NAME, "GRUB 2.06", 9);
	b_end(&b);
	expect_error(&b, b.len, MB2_ESTRING, off, MB2_TAG_BOOTLOADER_NAME);

	/* The NUL in the padding after the tag does not count. */
	b_init(&b);
	off = b_tag(&b, MB2_TAG_CMDLINE, "abc", 3);
	b_end(&b);
	assert_int_equal(b.buf[off + 11], 0);
	expect_error(&b, b.len, MB2_ESTRING, off, MB2_TAG_CMDLINE);

	b_init(&b);
	off = b_tag(&b, MB2_TAG_CMDLINE, NULL, 0);
	b_end(&b);
	expect_error(&b, b.len, MB2_ESTRING, off, MB2_TAG_CMDLINE);
}

static void bad_mmap_entry_size_is_rejected(void **state)
{
	(void)state;
	static const u32 bad[] = { 0, 8, 16, 20, 23, 25, 28, 30 };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct builder b;
		struct grub_offsets o;
		build_grub_info(&b, &o);
		put32(b.buf + o.mmap + 8, bad[i]);
		expect_error(&b, b.len, MB2_EMMAP_ENTRY_SIZE, o.mmap, MB2_TAG_MMAP);
	}
}

static void mmap_with_partial_entry_is_rejected(void **state)
{
	(void)state;
	struct builder b;
	struct grub_offsets o;
	build_grub_info(&b, &o);
	put32(b.buf + o.mmap + 4, 16 + 6 * 24 - 8);
	expect_error(&b, b.len, MB2_EMMAP_SIZE, o.mmap, MB2_TAG_MMAP);
}

static void tags_too_short_for_their_fields_are_rejected(void **state)
{
	(void)state;
	static const struct { u32 type, size; } cases[] = {
		{ MB2_TAG_BASIC_MEMINFO, 15 }, { MB2_TAG_MMAP, 12 }, { MB2_TAG_FRAMEBUFFER, 31 },
		{ MB2_TAG_ACPI_OLD, 27 }, { MB2_TAG_ACPI_NEW, 43 },
	};
	u8 zeros[64] = { 0 };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct builder b;
		b_init(&b);
		u32 off = b_tag(&b, cases[i].type, zeros, cases[i].size - 8);
		b_end(&b);
		expect_error(&b, b.len, MB2_ETAG_SHORT, off, cases[i].type);
	}
}

static void malformed_duplicate_is_still_rejected(void **state)
{
	(void)state;
	struct builder b;
	b_init(&b);
	b_string(&b, MB2_TAG_CMDLINE, "good");
	u32 off = b_tag(&b, MB2_TAG_CMDLINE, "bad", 3);
	b_end(&b);
	expect_error(&b, b.len, MB2_ESTRING, off, MB2_TAG_CMDLINE);
}

static void every_status_has_its_own_sentence(void **state)
{
	(void)state;
	const char *seen[16];
	int n = 0;
	for (int st = MB2_OK; st >= MB2_EMMAP_SIZE; st--) {
		const char *s = mb2_strerror(st);
		assert_non_null(s);
		assert_int_equal(s[strlen(s) - 1], '.');
		for (int i = 0; i < n; i++)
			assert_string_not_equal(seen[i], s);
		seen[n++] = s;
	}
	assert_string_equal(mb2_strerror(-99), "Unknown multiboot2 parse status.");
	assert_string_equal(mb2_strerror(1), "Unknown multiboot2 parse status.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grub_info_fills_every_field),
		cmocka_unit_test(mmap_entries_match_the_e820_layout),
		cmocka_unit_test(mmap_with_larger_entry_size_is_strided),
		cmocka_unit_test(framebuffer_and_new_rsdp_are_read),
		cmocka_unit_test(unknown_tags_are_skipped_and_counted),
		cmocka_unit_test(duplicate_tags_keep_the_first_and_are_counted),
		cmocka_unit_test(trailing_bytes_after_end_tag_are_ignored),
		cmocka_unit_test(null_and_misaligned_pointers_are_rejected),
		cmocka_unit_test(header_sizes_are_checked_against_avail),
		cmocka_unit_test(tag_smaller_than_its_header_is_rejected),
		cmocka_unit_test(tag_running_past_total_size_is_rejected),
		cmocka_unit_test(missing_end_tag_is_rejected),
		cmocka_unit_test(end_tag_with_wrong_size_is_rejected),
		cmocka_unit_test(unterminated_strings_are_rejected),
		cmocka_unit_test(bad_mmap_entry_size_is_rejected),
		cmocka_unit_test(mmap_with_partial_entry_is_rejected),
		cmocka_unit_test(tags_too_short_for_their_fields_are_rejected),
		cmocka_unit_test(malformed_duplicate_is_still_rejected),
		cmocka_unit_test(every_status_has_its_own_sentence),
	};
	return cmocka_run_group_tests_name("multiboot2", tests, NULL, NULL);
}
