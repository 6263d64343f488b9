/* Decoding the capability MSRs by name (see vmx_capdecode.h). Pure. */
#include "vmx/vmx_capdecode.h"
#include "kernel/format.h"
#include "kernel/lib.h"

const char *vmx_cap_state_name(enum vmx_cap_state s)
{
	switch (s) {
	case CAP_NO: return "no";
	case CAP_YES: return "yes";
	case CAP_FORCED: return "forced";
	case CAP_DEFAULT: return "default";
	}
	return "?";
}

const struct vmx_cap_group *vmx_cap_group_by_key(const char *key)
{
	for (size_t i = 0; i < vmx_cap_groups_count; i++)
		if (!strcmp(vmx_cap_groups[i].key, key))
			return &vmx_cap_groups[i];
	return NULL;
}

static u64 msr_value(const struct vmx_caps *c, u32 msr)
{
	const struct vmx_caps_item *it = vmx_caps_item_by_msr(msr);
	return it ? vmx_caps_item_get(c, it) : 0;
}

bool vmx_cap_group_present(const struct vmx_caps *c, const struct vmx_cap_group *g)
{
	return vmx_caps_msr_exists(c, g->msr);
}

enum vmx_cap_state vmx_cap_bit_state(const struct vmx_caps *c, const struct vmx_cap_group *g, unsigned bit)
{
	u64 v = msr_value(c, g->msr);
	if (g->kind == CAPG_ALLOWED1)
		return bit < 64 && (v >> bit) & 1 ? CAP_YES : CAP_NO;
	if (g->kind == CAPG_FIXED) {
		/* A.7/A.8: a bit set in FIXED0 is fixed to 1, one clear in FIXED1 to 0 */
		u64 f1 = msr_value(c, g->msr2);
		if (bit >= 64)
			return CAP_NO;
		if ((v >> bit) & 1)
			return CAP_FORCED;
		return (f1 >> bit) & 1 ? CAP_YES : CAP_NO;
	}
	if (bit >= 32)
		return CAP_NO;
	/* A.3-A.5: low half allowed-0 (1 = must be 1), high half allowed-1 */
	struct vmx_ctls ct = vmx_decode_ctls(v);
	bool may0 = !(ct.allowed0 >> bit & 1), may1 = ct.allowed1 >> bit & 1;
	if (g->true_msr && vmx_caps_msr_exists(c, g->true_msr) && may1 && !may0) {
		struct vmx_ctls t = vmx_decode_ctls(msr_value(c, g->true_msr));
		if (!(t.allowed0 >> bit & 1) && (t.allowed1 >> bit & 1))
			return CAP_DEFAULT;   /* default1 in the plain MSR, free in TRUE (A.2) */
	}
	if (may1)
		return may0 ? CAP_YES : CAP_FORCED;
	return CAP_NO;   /* must be 0; "must be 1 but may not be 1" is left to vmx_caps_check */
}

u64 vmx_cap_field_value(const struct vmx_caps *c, const struct vmx_cap_group *g, const struct vmx_cap_name *r)
{
	u64 v = msr_value(c, g->msr) >> r->lo;
	unsigned w = r->hi - r->lo + 1;
	return w >= 64 ? v : v & ((1ULL << w) - 1);
}

/* bit covered by a row of g */
static bool defined(const struct vmx_cap_group *g, unsigned bit)
{
	for (size_t i = 0; i < g->n; i++)
		if (bit >= g->names[i].lo && bit <= g->names[i].hi)
			return true;
	return false;
}

static const char *msr_name(u32 msr)
{
	const struct vmx_caps_item *it = vmx_caps_item_by_msr(msr);
	return it ? it->name : "?";
}

size_t vmx_cap_decode_group(const struct vmx_caps *c, const struct vmx_cap_group *g, vmx_cap_line_fn line,
			    void *ctx)
{
	size_t n = 0;
	bool has_true = g->true_msr && vmx_caps_msr_exists(c, g->true_msr);
	if (!vmx_cap_group_present(c, g)) {
		format_line(line, ctx, &n, "%s (%s 0x%x): not present", g->title, msr_name(g->msr), g->msr);
		return n;
	}
	if (g->kind == CAPG_FIXED)
		format_line(line, ctx, &n, "%s (%s 0x%x 0x%lx, %s 0x%x 0x%lx):", g->title, msr_name(g->msr), g->msr,
		     msr_value(c, g->msr), msr_name(g->msr2), g->msr2, msr_value(c, g->msr2));
	else if (has_true)
		format_line(line, ctx, &n, "%s (%s 0x%x 0x%lx, TRUE 0x%x 0x%lx):", g->title, msr_name(g->msr), g->msr,
		     msr_value(c, g->msr), g->true_msr, msr_value(c, g->true_msr));
	else
		format_line(line, ctx, &n, "%s (%s 0x%x 0x%lx):", g->title, msr_name(g->msr), g->msr, msr_value(c, g->msr));
	for (size_t i = 0; i < g->n; i++) {
		const struct vmx_cap_name *r = &g->names[i];
		if (g->kind != CAPG_FIELDS)
			format_line(line, ctx, &n, "  %s: %s", r->sdm, vmx_cap_state_name(vmx_cap_bit_state(c, g, r->lo)));
		else if (r->lo == r->hi)
			format_line(line, ctx, &n, "  %s: %s", r->sdm, vmx_cap_field_value(c, g, r) ? "yes" : "no");
		else
			format_line(line, ctx, &n, "  %s: %lu", r->sdm, vmx_cap_field_value(c, g, r));
	}
	/* bits the SDM does not name, shown when allowed (or set): never dropped */
	unsigned top = g->kind == CAPG_CTLS ? 32 : 64;
	u64 v = msr_value(c, g->msr);
	for (unsigned bit = 0; bit < top; bit++) {
		if (defined(g, bit))
			continue;
		if (g->kind == CAPG_FIELDS) {
			if ((v >> bit) & 1)
				format_line(line, ctx, &n, "  bit %u: 1", bit);
		} else {
			enum vmx_cap_state s = vmx_cap_bit_state(c, g, bit);
			/* a reserved CR bit that FIXED1 merely does not fix is no capability */
			if (s != CAP_NO && (g->kind != CAPG_FIXED || s == CAP_FORCED))
				format_line(line, ctx, &n, "  bit %u: %s", bit, vmx_cap_state_name(s));
		}
	}
	return n;
}
