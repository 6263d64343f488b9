/* The README's case table, printed from the kernel's own table
 * (vmx/conf_cases.c, vmx/conf_ctl.c) with Bochs corei7_skylake_x
 * capabilities (tests/host/bochs_caps.h) for the generated entry_ctl_ cases.
 * Used by tools/conf_table.c and by tests/host/test_conf_table.c, which
 * compares the README against it, so the two cannot drift. Host only. */
#include <stdio.h>
#include <string.h>
#include "tools/conf_table_md.h"
#include "vmx/conf_cases.h"
#include "vmx/conf_exit.h"
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
	len += conf_exit_table_markdown(out + len, len < n ? n - len : 0);
	return len;
}

/* The core VM-exit cases (vmx/conf_exit_cases.c): what each sets up and every field it checks. */
size_t conf_exit_table_markdown(char *out, size_t n)
{
	struct vmx_caps c = skylake_x();
	size_t len = 0;
	u32 runs = 0;
	PUT("\n| exit case | SDM | guest | controls and set-up | expected exit (fields checked) |\n");
	PUT("|---|---|---|---|---|\n");
	static const char *const setups[] = { "", "MSR bitmap", "I/O bitmaps", "CR3 targets", "preemption timer",
					      "exception bitmap 0, IDTR limit 0", "EPT identity map", "exception bitmap",
					      "CR0 mask and read shadow" };
	static const char *const cr3t[] = { "count max, none matches", "count max, the last matches",
					    "count 1, target 1 matches" };
	for (size_t i = 0; i < conf_exit_rows_n; i++) {
		const struct conf_exit_case *k = &conf_exit_rows[i];
		char b[200] = "", o[300], t[64];
		size_t bl = 0, ol = 0;
		char why[160];
		runs += !conf_exit_skip_reason(k, &c, why, sizeof(why));
#define B(...) (bl += (size_t)snprintf(b + bl, sizeof(b) - bl, __VA_ARGS__))
#define O(...) (ol += (size_t)snprintf(o + ol, sizeof(o) - ol, __VA_ARGS__))
		if (k->pin)
			B("pin \\|= 0x%x; ", k->pin);
		if (k->proc)
			B("proc \\|= 0x%x; ", k->proc);
		if (k->proc2)
			B("proc2 \\|= 0x%x; ", k->proc2);
		if (k->exit_ctl)
			B("exit \\|= 0x%x; ", k->exit_ctl);
		if (k->setup)
			B("%s", setups[k->setup]);
		for (int j = 0; j < 2 && k->setup == XS_MSR_BITMAP; j++)
			if (k->msr_bits[j].msr)
				B(" %s 0x%x", k->msr_bits[j].write ? "write" : "read", k->msr_bits[j].msr);
		for (int j = 0; j < 2 && k->setup == XS_IO_BITMAPS; j++)
			if (k->ports[j])
				B(" port 0x%x", k->ports[j]);
		if (k->setup == XS_CR3_TARGETS)
			B(": %s", cr3t[k->cr3t]);
		if (k->setup == XS_EXCEPTIONS)
			B(" 0x%x, #PF mask 0x%x match 0x%x%s", k->exc_bitmap, k->pfec_mask, k->pfec_match,
			  k->idt_empty ? ", IDTR limit 0" : "");
		if (k->setup == XS_CR0_SHADOW)
			B(": mask 0x%x, shadow = guest CR0 \\| 0x%x", k->cr0_mask, k->shadow_or);
		if (k->setup == XS_TIMER)
			B(" 0x%x", k->timer);
		if (k->setup == XS_EPT)
			B(": %s entry 0x%llx", k->addr_base == XA_FETCH_PAGE ? "fetch page" : "test page",
			  (unsigned long long)k->ept_entry);
		if (!bl)
			B("none");
		O("exit %u", k->reason);
		if (k->checks & XC_QUAL)
			O(", qualification 0x%llx", (unsigned long long)k->qual);
		if ((k->checks & XC_QUAL) && k->qual_mask != ~0ULL)
			O(" (bits 0x%llx)", (unsigned long long)k->qual_mask);
		if (k->checks & XC_INFO)
			O(", instruction information 0x%x (bits 0x%x)", conf_exit_info_encode(k->info_kind, &k->op),
			  conf_exit_info_mask(k->info_kind, &k->op));
		if (k->checks & XC_INTR)
			O(", interruption information 0x%x", k->intr);
		if (k->checks & XC_ERR)
			O(", error code 0x%x", k->err);
		snprintf(t, sizeof(t), "%s + 0x%llx", k->addr_base == XA_DATA_PAGE ? "data page" :
			 k->addr_base == XA_FETCH_PAGE ? "fetch page" : "test page", (unsigned long long)k->addr_off);
		if (k->checks & XC_IDTV)
			O(", IDT-vectoring information 0x%x", k->idtv);
		if (k->checks & XC_GPA)
			O(", guest-physical %s", t);
		if (k->checks & XC_GLA)
			O(", guest-linear %s", t);
		if (k->checks & XC_RIP)
			O(", guest RIP");
		if (k->checks & XC_LEN)
			O(", instruction length");
		if (k->checks & XC_TIMER_LESS)
			O(", saved timer below 0x%x", k->timer);
#undef B
#undef O
		PUT("| `%s` | %s | `%s` | %s | %s |\n", k->name, k->sdm, conf_exit_guest_text(k->guest), b, o);
	}
	PUT("\nOn Bochs corei7_skylake_x: %u of these %zu core VM-exit cases run per CPU.\n", runs, conf_exit_rows_n);
	return len;
}
