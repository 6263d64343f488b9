/* CPU sets for any CPU count; see cpuset.h. */
#include "kernel/cpuset.h"
#include "kernel/format.h"
#include "kernel/lib.h"
#include "kernel/cmdline.h"

void cpuset_fill(u64 *bits, u64 ncpus)
{
	u64 w = cpuset_words(ncpus);
	for (u64 i = 0; i < w; i++)
		bits[i] = ~0ULL;
	if (ncpus % 64)
		bits[w - 1] = (1ULL << (ncpus % 64)) - 1;
}

u64 cpuset_count(const u64 *bits, u64 ncpus)
{
	u64 n = 0;
	for (u64 i = 0; i < cpuset_words(ncpus); i++)
		for (u64 w = bits[i]; w; w &= w - 1)   /* no libgcc popcount in the kernel */
			n++;
	return n;
}

static void described(char *buf, size_t size, u64 ncpus)
{
	if (ncpus == 1)
		ksnprintf(buf, size, "1 CPU: 0");
	else
		ksnprintf(buf, size, "%lu CPUs: 0-%lu", ncpus, ncpus - 1);
}

/* The lowest CPU >= ncpus that the list names (the list has one: highest >= ncpus). */
static u64 first_missing(const struct cpu_list *l, u64 ncpus)
{
	u64 best = l->highest;
	for (u32 i = 0; i < l->len;) {
		u32 start = i, dash = 0;
		while (i < l->len && l->text[i] != ',') {
			if (l->text[i] == '-' && !dash)
				dash = i;
			i++;
		}
		u64 lo, hi;
		if (parse_u64(l->text + start, (dash ? dash : i) - start, &lo) == CMDLINE_OK &&
		    parse_cpu_list_highest(l->text + start, i - start, &hi) == CMDLINE_OK && hi >= ncpus) {
			u64 m = lo > ncpus ? lo : ncpus;
			if (m < best)
				best = m;
		}
		i++;   /* the comma */
	}
	return best;
}

int cpu_list_resolve(const struct cpu_list *l, u64 ncpus, u64 *bits, char *err, size_t errlen)
{
	u64 w = cpuset_words(ncpus);
	char what[48];
	if (!l->len) {
		cpuset_fill(bits, ncpus);
		return CMDLINE_OK;
	}
	memset(bits, 0, w * sizeof(u64));
	if (l->highest >= ncpus) {
		described(what, sizeof(what), ncpus);
		ksnprintf(err, errlen, "no CPU %lu (%s)", first_missing(l, ncpus), what);
		return CMDLINE_ERANGE;
	}
	int rc = parse_cpu_list(l->text, l->len, bits, (unsigned)ncpus);
	if (rc != CMDLINE_OK) {
		memset(bits, 0, w * sizeof(u64));
		ksnprintf(err, errlen, "bad CPU list '%.40s'", l->text);
	}
	return rc;
}

size_t cpuset_format(const u64 *bits, u64 ncpus, char *buf, size_t size)
{
	size_t len = 0;
	if (!size)
		return 0;
	buf[0] = '\0';
	for (u64 c = 0; c < ncpus; c++) {
		if (!cpuset_has(bits, ncpus, c))
			continue;
		u64 e = c;
		while (e + 1 < ncpus && cpuset_has(bits, ncpus, e + 1))
			e++;
		char item[48];
		int n = e == c ? ksnprintf(item, sizeof(item), "%s%lu", len ? "," : "", c)
			       : ksnprintf(item, sizeof(item), "%s%lu-%lu", len ? "," : "", c, e);
		if (len + (size_t)n + 4 > size) {   /* room for "..." and the NUL */
			ksnprintf(buf + len, size - len, "...");
			return strlen(buf);
		}
		memcpy(buf + len, item, (size_t)n + 1);
		len += (size_t)n;
		c = e;
	}
	return len;
}
