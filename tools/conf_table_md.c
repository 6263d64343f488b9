/* The README's case table, printed from the kernel's own table
 * (vmx/conf_cases.c, vmx/conf_ctl.c) with Bochs corei7_skylake_x
 * capabilities (tests/host/bochs_caps.h) for the generated entry_ctl_ cases.
 * Used by tools/conf_table.c and by tests/host/test_conf_table.c, which
 * compares the README against it, so the two cannot drift. Host only. */
#include <stdio.h>
#include <string.h>
#include "tools/conf_table_md.h"
#include "vmx/conf_cases.h"
#include "vmx/vmcs_fields.h"
#include "tests/host/bochs_caps.h"

static const char *fname(u32 enc)
{
	const struct vmcs_field *f = vmcs_field_by_encoding(enc);
	return f ? f->name : "?";
}

static void breaks(const struct conf_case *k, char *b, size_t n)
{
	static const char *const vals[] = { "", "0xaaaaaaaaaaaaaaaa", "1 << MAXPHYADDR", "lowest CR4 bit FIXED1 forbids",
					    "another VMCS region", "the current VMCS", "a page of zeros", "MSR entries" };
	char v[64];
	if (k->val == V_CONST)
		snprintf(v, sizeof(v), "0x%llx", (unsigned long long)k->value);
	else if (k->value && k->val >= V_PAGE_OTHER && k->val <= V_PAGE_ZERO)
		snprintf(v, sizeof(v), "%s + 0x%llx", vals[k->val], (unsigned long long)k->value);
	else if (k->val == V_PAGE_MSR)
		snprintf(v, sizeof(v), "%u (area: %s0x%x%s%s)", k->msr_count, k->msr[0].reserved ? "reserved dword set, " : "",
			 k->msr[k->msr_count - 1].index, k->msr_count > 1 ? " second" : "", "");
	else
		snprintf(v, sizeof(v), "%s", vals[k->val]);
	static const char *const ops[] = { "=", "\\|=", "&= ~" };
	char pre[96] = "";
	if (k->pre_field)
		snprintf(pre, sizeof(pre), "%s \\|= 0x%llx; ", fname(k->pre_field), (unsigned long long)k->pre_or);
	snprintf(b, n, "%s%s %s %s", pre, fname(k->field), ops[k->op], v);
}

size_t conf_table_markdown(char *out, size_t n)
{
	struct vmx_caps c = skylake_x();
	size_t len = 0;
#define PUT(...) (len += (size_t)snprintf(out + len, len < n ? n - len : 0, __VA_ARGS__))
	PUT("| case | SDM | breaks (from the known-good VMCS) | CPU outcome | model's first finding |\n");
	PUT("|---|---|---|---|---|\n");
	for (size_t i = 0; i < conf_rows_n; i++) {
		const struct conf_case *k = &conf_rows[i];
		char b[200], o[96], m[96];
		breaks(k, b, sizeof(b));
		conf_outcome_str(conf_outcome_code(k->expect, k->num, k->qual), o, sizeof(o));
		if (k->model_none)
			snprintf(m, sizeof(m), "none");
		else
			snprintf(m, sizeof(m), "%s (%s)", fname(k->model_field), k->model_sdm);
		PUT("| `%s` | %s | %s | %s | %s |\n", k->name, k->sdm, b, o, m);
	}
	/* the generated cases, one line per control field and direction */
	static const char *const kinds[] = { "pin", "proc", "proc2", "exit", "entry" };
	for (int kind = 0; kind < 5; kind++)
		for (int clear = 0; clear < 2; clear++) {
			char bits[200] = "";
			size_t bl = 0, cnt = 0;
			const char *sdm = "";
			u32 field = 0;
			for (u32 bit = 0; bit < 32; bit++) {
				struct conf_case k;
				char name[64];
				if (!conf_case_get(conf_rows_n + ((size_t)kind * 32 + bit) * 2 + (size_t)clear, &c, &k, name))
					continue;
				bl += (size_t)snprintf(bits + bl, sizeof(bits) - bl, "%s%u", cnt ? "," : "", bit);
				cnt++;
				sdm = k.sdm;
				field = k.field;
			}
			if (!cnt)
				continue;
			PUT("| `entry_ctl_%s_bit_N_%s_error_7`, N = %s (%zu cases on Skylake-X) | %s | %s %s bit N | "
			    "VMfailValid 7 | %s (%s) |\n", kinds[kind], clear ? "clear" : "set", bits, cnt, sdm, fname(field),
			    clear ? "&= ~" : "\\|=", fname(field), sdm);
		}
	PUT("\nOn Bochs corei7_skylake_x: %u cases per CPU.\n", conf_case_count(&c));
	return len;
}
