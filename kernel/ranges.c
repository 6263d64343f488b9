/* Per-CPU rows grouped into kinds of identical rows; see ranges.h. */
#include "kernel/ranges.h"
#include "kernel/format.h"
#include "kernel/lib.h"

u32 ranges_kinds(const char *keys, size_t stride, u32 n, u32 *kind)
{
	u32 kinds = 0;
	for (u32 i = 0; i < n; i++) {
		const char *key = keys + (size_t)i * stride;
		kind[i] = RANGES_NONE;
		if (!stride || !key[0])
			continue;
		/* compare with the first CPU of each kind so far: kinds are numbered
		 * in order, so CPU j is the first of its kind when its kind is the
		 * next one not seen yet */
		u32 seen = 0;
		for (u32 j = 0; j < i && seen < kinds && kind[i] == RANGES_NONE; j++) {
			if (kind[j] != seen)
				continue;
			seen++;
			if (!strncmp(keys + (size_t)j * stride, key, stride))
				kind[i] = kind[j];
		}
		if (kind[i] == RANGES_NONE)
			kind[i] = kinds++;
	}
	return kinds;
}

u32 ranges_first(const u32 *kind, u32 n, u32 k)
{
	for (u32 i = 0; i < n; i++)
		if (kind[i] == k)
			return i;
	return n;
}

/* append "a" or "a-b" after a ", " when pos > 0; false when it did not fit */
static bool put_run(char *buf, size_t size, size_t *pos, u32 a, u32 b)
{
	char part[32];
	int len = a == b ? ksnprintf(part, sizeof(part), "%s%u", *pos ? ", " : "", a)
			 : ksnprintf(part, sizeof(part), "%s%u-%u", *pos ? ", " : "", a, b);
	if (*pos + (size_t)len + 4 > size)   /* room for "..." and the NUL */
		return false;
	memcpy(buf + *pos, part, (size_t)len + 1);
	*pos += (size_t)len;
	return true;
}

u32 ranges_list(const u32 *kind, u32 n, u32 k, const u32 *values, char *buf, size_t size)
{
	size_t pos = 0;
	u32 count = 0, a = 0, b = 0;
	bool open = false, cut = false;
	if (!size) {   /* the count alone */
		for (u32 i = 0; i < n; i++)
			count += kind[i] == k;
		return count;
	}
	buf[0] = 0;
	for (u32 i = 0; i < n; i++) {
		if (kind[i] != k)
			continue;
		u32 v = values ? values[i] : i;
		count++;
		if (open && v == b + 1 && b != 0xffffffffu) {
			b = v;
			continue;
		}
		if (open && !cut && !put_run(buf, size, &pos, a, b))
			cut = true;
		open = true;
		a = b = v;
	}
	if (open && !cut && !put_run(buf, size, &pos, a, b))
		cut = true;
	if (cut && pos + 4 <= size)
		memcpy(buf + pos, "...", 4);
	return count;
}
