/* mb2_parse on arbitrary bytes: no read outside the block, and on success
 * every pointer and every mmap entry lies inside total_size. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/multiboot2.h"

static void check(int cond)
{
	if (!cond)
		abort();
}

static int inside(const u8 *base, u32 total, const void *p, size_t len)
{
	const u8 *q = p;
	return q >= base && q <= base + total && len <= (size_t)(base + total - q);
}

/* Parse mbi[0..avail-1] and check everything it claims. */
static void parse_and_walk(const u8 *mbi, size_t avail)
{
	struct mb2_info info;
	int rc = mb2_parse(mbi, avail, &info);
	check(*mb2_strerror(rc) != '\0');
	if (rc != MB2_OK) {
		check(info.bad_offset <= avail && info.mmap == NULL);
		return;
	}
	check(info.total_size <= avail);
	if (info.cmdline)
		check(inside(mbi, info.total_size, info.cmdline, info.cmdline_len + 1) &&
		      strlen(info.cmdline) == info.cmdline_len);
	if (info.bootloader_name)
		check(inside(mbi, info.total_size, info.bootloader_name, info.bootloader_name_len + 1));
	if (info.rsdp_old)
		check(inside(mbi, info.total_size, info.rsdp_old, info.rsdp_old_len));
	if (info.rsdp_new)
		check(inside(mbi, info.total_size, info.rsdp_new, info.rsdp_new_len));
	if (info.mmap)
		check(inside(mbi, info.total_size, info.mmap, info.mmap_count * info.mmap_entry_size));
	struct mb2_mmap_entry e;
	size_t i = 0;
	volatile u64 sum = 0;
	while (mb2_mmap_entry(&info, i, &e)) {
		sum += e.base_addr + e.length + e.type;
		i++;
	}
	check(i == info.mmap_count);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* An exact-size, 8-aligned heap copy: ASan flags any read past it. */
	u8 *mbi = aligned_alloc(8, size ? (size + 7) & ~(size_t)7 : 8);
	if (!mbi)
		return 0;
	memcpy(mbi, data, size);
	parse_and_walk(mbi, size);
	/* Again with total_size = size, so the fuzzer need not guess it. */
	if (size >= 8 && size <= UINT32_MAX) {
		u32 total = (u32)size;
		memcpy(mbi, &total, sizeof total);
		parse_and_walk(mbi, size);
	}
	free(mbi);
	return 0;
}
