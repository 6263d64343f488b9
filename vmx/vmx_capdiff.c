/* Differences between CPUs by capability name (see vmx_capdiff.h). Pure. */
#include "vmx/vmx_capdiff.h"
#include "kernel/format.h"
#include "kernel/lib.h"

static const struct vmx_cap_name *row_of(const struct vmx_cap_group *g, unsigned bit)
{
	for (size_t i = 0; i < g->n; i++)
		if (bit >= g->names[i].lo && bit <= g->names[i].hi)
			return &g->names[i];
	return NULL;
}

static void diff_group(const struct vmx_caps *ref, u32 ref_cpu, const struct vmx_caps *c,
		       const struct vmx_cap_group *g, vmx_cap_line_fn line, void *ctx, size_t *n)
{
	bool pr = vmx_cap_group_present(ref, g), pc = vmx_cap_group_present(c, g);
	if (pr != pc) {
		format_line(line, ctx, n, "%s: %s (cpu%u: %s)", g->title, pc ? "present" : "not present", ref_cpu,
		     pr ? "present" : "not present");
		return;
	}
	if (!pr)
		return;
	unsigned top = g->kind == CAPG_CTLS ? 32 : 64;
	for (unsigned bit = 0; bit < top; bit++) {
		const struct vmx_cap_name *r = row_of(g, bit);
		if (g->kind == CAPG_FIELDS) {
			if (r && bit != r->lo)
				continue;   /* a multi-bit field is compared once, at its first bit */
			u64 a = r ? vmx_cap_field_value(ref, g, r) : 0, b = r ? vmx_cap_field_value(c, g, r) : 0;
			if (!r) {
				struct vmx_cap_name one = { (u8)bit, (u8)bit, 0, 0 };
				a = vmx_cap_field_value(ref, g, &one);
				b = vmx_cap_field_value(c, g, &one);
			}
			if (a == b)
				continue;
			if (r && r->lo == r->hi)
				format_line(line, ctx, n, "%s: %s: %s (cpu%u: %s)", g->title, r->sdm, b ? "yes" : "no", ref_cpu,
				     a ? "yes" : "no");
			else if (r)
				format_line(line, ctx, n, "%s: %s: %lu (cpu%u: %lu)", g->title, r->sdm, b, ref_cpu, a);
			else
				format_line(line, ctx, n, "%s: bit %u: %lu (cpu%u: %lu)", g->title, bit, b, ref_cpu, a);
			continue;
		}
		enum vmx_cap_state a = vmx_cap_bit_state(ref, g, bit), b = vmx_cap_bit_state(c, g, bit);
		if (a == b)
			continue;
		if (r)
			format_line(line, ctx, n, "%s: %s: %s (cpu%u: %s)", g->title, r->sdm, vmx_cap_state_name(b), ref_cpu,
			     vmx_cap_state_name(a));
		else
			format_line(line, ctx, n, "%s: bit %u: %s (cpu%u: %s)", g->title, bit, vmx_cap_state_name(b), ref_cpu,
			     vmx_cap_state_name(a));
	}
}

size_t vmx_caps_diff(const struct vmx_caps *ref, u32 ref_cpu, const struct vmx_caps *c, vmx_cap_line_fn line,
		     void *ctx)
{
	size_t n = 0;
	for (size_t i = 0; i < vmx_cap_groups_count; i++)
		diff_group(ref, ref_cpu, c, &vmx_cap_groups[i], line, ctx, &n);
	/* values no group decodes: FEATURE_CONTROL, CPUID.80000008 */
	static const u32 others[] = { MSR_IA32_FEATURE_CONTROL, 0 };
	for (size_t k = 0; k < ARRAY_SIZE(others); k++) {
		const struct vmx_caps_item *it = NULL;
		for (size_t i = 0; i < vmx_caps_items_count; i++)
			if (vmx_caps_items[i].msr == others[k])
				it = &vmx_caps_items[i];
		u64 a = vmx_caps_item_get(ref, it), b = vmx_caps_item_get(c, it);
		if (a != b)
			format_line(line, ctx, &n, "%s: 0x%lx (cpu%u: 0x%lx)", it->name, b, ref_cpu, a);
	}
	return n;
}

u32 vmx_caps_kinds(const struct vmx_caps *const *caps, u32 n, u32 *kind_of)
{
	u32 kinds = 0;
	for (u32 i = 0; i < n; i++) {
		kind_of[i] = VMX_CAPS_NO_KIND;
		if (!caps[i])
			continue;
		for (u32 j = 0; j < i && kind_of[i] == VMX_CAPS_NO_KIND; j++)
			if (kind_of[j] != VMX_CAPS_NO_KIND && vmx_caps_equal(caps[j], caps[i], NULL))
				kind_of[i] = kind_of[j];
		if (kind_of[i] == VMX_CAPS_NO_KIND)
			kind_of[i] = kinds++;
	}
	return kinds;
}

u32 vmx_caps_kind_cpus(const u32 *kind_of, u32 n, u32 kind, char *buf, size_t len)
{
	size_t pos = 0;
	u32 count = 0;
	bool cut = false;
	if (len)
		buf[0] = 0;
	for (u32 i = 0; i < n; i++) {
		if (kind_of[i] != kind)
			continue;
		u32 j = i;
		while (j + 1 < n && kind_of[j + 1] == kind)
			j++;
		count += j - i + 1;
		char r[32];
		int w = j > i ? ksnprintf(r, sizeof(r), "%s%u-%u", pos ? ", " : "", i, j)
			      : ksnprintf(r, sizeof(r), "%s%u", pos ? ", " : "", i);
		if (!cut && pos + (size_t)w + 4 < len) {
			memcpy(buf + pos, r, (size_t)w + 1);
			pos += (size_t)w;
		} else if (!cut && len >= 4) {
			cut = true;
			memcpy(buf + (pos + 4 <= len ? pos : len - 4), "...", 4);
		}
		i = j;
	}
	return count;
}
