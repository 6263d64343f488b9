/* The differences among selected CPUs (see vmx_capdiff_cpus.h). Pure. */
#include "vmx/vmx_capdiff_cpus.h"
#include "kernel/format.h"
#include "kernel/lib.h"

#define RANGES_MAX 120   /* "0-3, 5, 7-9": cut with "..." beyond this */

struct prefixed {
	vmx_cap_line_fn line;
	void *ctx;
	u32 cpu;
	size_t n;
};

static void with_cpu(const char *text, void *ctx)
{
	struct prefixed *p = ctx;
	char buf[240];
	ksnprintf(buf, sizeof(buf), "cpu%u: %s", p->cpu, text);
	p->line(buf, p->ctx);
	p->n++;
}

static bool selected(const u64 *mask, u32 i)
{
	return (mask[i / 64] >> (i % 64)) & 1;
}

static bool compared(const struct vmx_caps_cpu *cpus, const u64 *mask, u32 i)
{
	return selected(mask, i) && cpus[i].caps;
}

/* The compared CPUs as ranges, "0-3, 5" */
static void compared_ranges(const struct vmx_caps_cpu *cpus, u32 n, const u64 *mask, char *buf, size_t len)
{
	size_t pos = 0;
	buf[0] = 0;
	for (u32 i = 0; i < n; i++) {
		if (!compared(cpus, mask, i))
			continue;
		u32 j = i;
		while (j + 1 < n && compared(cpus, mask, j + 1))
			j++;
		char r[32];
		int w = j > i ? ksnprintf(r, sizeof(r), "%s%u-%u", pos ? ", " : "", i, j)
			      : ksnprintf(r, sizeof(r), "%s%u", pos ? ", " : "", i);
		if (pos + (size_t)w + 4 >= len) {
			memcpy(buf + pos, "...", 4);
			return;
		}
		memcpy(buf + pos, r, (size_t)w + 1);
		pos += (size_t)w;
		i = j;
	}
}

struct vmx_caps_diff_sum vmx_caps_diff_cpus(const struct vmx_caps_cpu *cpus, u32 n, const u64 *mask,
					    vmx_cap_line_fn line, void *ctx)
{
	struct vmx_caps_diff_sum s = { 0, 0, 0, n, 0 };
	for (u32 i = 0; i < n; i++)
		if (compared(cpus, mask, i) && s.ref == n)
			s.ref = i;
	for (u32 i = 0; i < n; i++) {
		if (!selected(mask, i))
			continue;
		s.selected++;
		struct prefixed p = { line, ctx, i, 0 };
		if (!cpus[i].caps) {
			char buf[240];
			ksnprintf(buf, sizeof(buf), "cpu%u: not compared: %s", i,
				  cpus[i].why ? cpus[i].why : "capabilities not read");
			line(buf, ctx);
			continue;
		}
		s.compared++;
		if (i == s.ref)
			continue;
		const struct vmx_caps_cpu *r = &cpus[s.ref];
		vmx_caps_diff(r->caps, s.ref, cpus[i].caps, with_cpu, &p);
		if (r->mach && cpus[i].mach)
			cpuinfo_diff(r->mach, s.ref, cpus[i].mach, with_cpu, &p);
		s.lines += p.n;
		s.differing += p.n != 0;
	}
	char buf[240], ranges[RANGES_MAX];
	compared_ranges(cpus, n, mask, ranges, sizeof(ranges));
	if (s.compared == 0)
		return s;
	if (s.compared == 1)
		ksnprintf(buf, sizeof(buf), "cpu%u alone: nothing to compare it with", s.ref);
	else if (s.differing == 0)
		ksnprintf(buf, sizeof(buf), "no differences among CPUs %s", ranges);
	else
		ksnprintf(buf, sizeof(buf), "%u of %u CPUs differ from cpu%u (%zu difference%s); CPUs compared: %s",
			  s.differing, s.compared, s.ref, s.lines, s.lines == 1 ? "" : "s", ranges);
	line(buf, ctx);
	return s;
}
