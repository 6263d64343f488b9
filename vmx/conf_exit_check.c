/* The pure half of the core VM-exit cases (conf_exit.h): the instruction-
 * information format of SDM vol. 3C 28.2.5 (tables "Format of the VM-Exit
 * Instruction-Information Field as Used for VMCLEAR, VMPTRLD, VMPTRST, VMXON,
 * XRSTORS, and XSAVES", "... INVEPT, INVPCID, and INVVPID", "... VMREAD and
 * VMWRITE", "... INS and OUTS"), which rows can run, and the verdict. */
#include "vmx/conf_exit.h"
#include "vmx/conf_cases.h"
#include "vmx/deviations.h"
#include "vmx/vmx_defs.h"
#include "kernel/format.h"
#include "kernel/ktap.h"
#include "kernel/lib.h"

#define II_REG       (1u << 10)	/* VMREAD/VMWRITE: register operand */
#define II_NO_INDEX  (1u << 22)
#define II_NO_BASE   (1u << 27)

static bool has_reg2(enum xinfo kind)
{
	return kind == XI_VMREAD || kind == XI_INVEPT;
}

u32 conf_exit_info_encode(enum xinfo kind, const struct xop *op)
{
	switch (kind) {
	case XI_OUTS:
		return (u32)op->asize << 7 | (u32)op->seg << 15;
	case XI_INS:
		return (u32)op->asize << 7;
	case XI_VMCLEAR: case XI_VMREAD: case XI_INVEPT:
		break;
	default:
		return 0;
	}
	u32 v = has_reg2(kind) ? (u32)(op->reg2 & 15) << 28 : 0;
	if (kind == XI_VMREAD && op->reg)
		return v | II_REG | (u32)(op->reg1 & 15) << 3;
	v |= (u32)(op->scale & 3) | (u32)(op->asize & 7) << 7 | (u32)(op->seg & 7) << 15;
	v |= op->index < 0 ? II_NO_INDEX : (u32)(op->index & 15) << 18;
	v |= op->base < 0 ? II_NO_BASE : (u32)(op->base & 15) << 23;
	return v;
}

u32 conf_exit_info_mask(enum xinfo kind, const struct xop *op)
{
	switch (kind) {
	case XI_OUTS:
		return 7u << 7 | 7u << 15;	/* address size, segment; the rest undefined */
	case XI_INS:
		return 7u << 7;			/* the segment is undefined for INS (always ES) */
	case XI_VMCLEAR: case XI_VMREAD: case XI_INVEPT:
		break;
	default:
		return 0;
	}
	u32 m = has_reg2(kind) ? 15u << 28 : 0;
	if (kind == XI_VMREAD && op->reg)	/* reg1, bit 10, reg2; every memory field undefined */
		return m | II_REG | 15u << 3;
	/* bit 10: "cleared to 0" for VMCLEAR..., the mem/reg flag for VMREAD, undefined for INVEPT */
	m |= 7u << 7 | 7u << 15 | II_NO_INDEX | II_NO_BASE | (kind != XI_INVEPT ? II_REG : 0);
	if (op->index >= 0)	/* scaling and the index field are undefined without an index */
		m |= 3u | 15u << 18;
	if (op->base >= 0)
		m |= 15u << 23;
	return m;
}

static const char *const regs[16] = { "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
				      "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const segs[8] = { "ES", "CS", "SS", "DS", "FS", "GS", "seg6", "seg7" };

int conf_exit_info_str(enum xinfo kind, u32 v, char *buf, size_t n)
{
	static const char *const as[8] = { "16", "32", "64", "as3", "as4", "as5", "as6", "as7" };
	if (kind == XI_INS || kind == XI_OUTS)
		return ksnprintf(buf, n, "0x%x (address size %s, segment %s)", v, as[(v >> 7) & 7], segs[(v >> 15) & 7]);
	if (kind == XI_VMREAD && (v & II_REG))
		return ksnprintf(buf, n, "0x%x (register reg1 %s, reg2 %s)", v, regs[(v >> 3) & 15], regs[v >> 28]);
	char ix[24] = "none", bs[8] = "none";
	if (!(v & II_NO_INDEX))
		ksnprintf(ix, sizeof(ix), "%s*%u", regs[(v >> 18) & 15], 1u << (v & 3));
	if (!(v & II_NO_BASE))
		ksnprintf(bs, sizeof(bs), "%s", regs[(v >> 23) & 15]);
	return ksnprintf(buf, n, "0x%x (memory, address size %s, segment %s, base %s, index %s%s%s)", v,
			 as[(v >> 7) & 7], segs[(v >> 15) & 7], bs, ix, has_reg2(kind) ? ", reg2 " : "",
			 has_reg2(kind) ? regs[v >> 28] : "");
}

int conf_exit_io_qual_str(u64 q, char *buf, size_t n)
{
	return ksnprintf(buf, n, "0x%lx (size %u, %s%s%s, %s, port 0x%x)", q, (unsigned)(q & 7) + 1,
			 q & 8 ? "IN" : "OUT", q & 16 ? " string" : "", q & 32 ? " REP" : "", q & 64 ? "immediate" : "DX",
			 (unsigned)(q >> 16) & 0xffff);
}

static bool ctl_missing(const struct vmx_caps *c, enum vmx_ctl_kind kind, u32 on, const char *what, char *buf,
			size_t n)
{
	u32 a1 = vmx_decode_ctls(vmx_caps_ctl_msr(c, kind)).allowed1;
	if ((on & a1) == on)
		return false;
	ksnprintf(buf, n, "the %s control bit(s) 0x%x may not be 1 on this CPU (allowed-1 0x%x)", what, on & ~a1, a1);
	return true;
}

bool conf_exit_skip_reason(const struct conf_exit_case *k, const struct vmx_caps *c, char *buf, size_t n)
{
	bool sec = vmx_decode_ctls(c->procbased).allowed1 & CPU_ACTIVATE_SECONDARY_CONTROLS;
	struct vmx_ctls p = vmx_decode_ctls(vmx_caps_ctl_msr(c, VMX_CTL_PROCBASED));
	if (k->proc2 && !sec)
		return ksnprintf(buf, n, "no secondary processor-based controls (PROCBASED allowed-1 bit 31 clear)"), true;
	if (ctl_missing(c, VMX_CTL_PINBASED, k->pin, "pin-based", buf, n) ||
	    ctl_missing(c, VMX_CTL_PROCBASED, k->proc, "primary processor-based", buf, n) ||
	    (k->proc2 && ctl_missing(c, VMX_CTL_PROCBASED2, k->proc2, "secondary processor-based", buf, n)) ||
	    ctl_missing(c, VMX_CTL_EXIT, k->exit_ctl, "VM-exit", buf, n))
		return true;
	if (k->proc_off & p.allowed0)
		return ksnprintf(buf, n, "primary processor-based bit(s) 0x%x must be 1 on this CPU", k->proc_off & p.allowed0),
		       true;
	if (k->guest == XG_VMFUNC && !k->proc2 && sec &&
	    (vmx_decode_ctls(vmx_caps_ctl_msr(c, VMX_CTL_PROCBASED2)).allowed0 & CPU2_ENABLE_VM_FUNCTIONS))
		return ksnprintf(buf, n, "\"enable VM functions\" must be 1 on this CPU"), true;
	u64 ev = c->ept_vpid_cap;
	if ((k->needs & XN_INVEPT) && !(ev & VMX_EPT_INVEPT))
		return ksnprintf(buf, n, "no INVEPT (IA32_VMX_EPT_VPID_CAP 0x%lx bit 20 clear)", ev), true;
	if ((k->needs & XN_INVVPID) && !(ev & VMX_VPID_INVVPID))
		return ksnprintf(buf, n, "no INVVPID (IA32_VMX_EPT_VPID_CAP 0x%lx bit 32 clear)", ev), true;
	if ((k->needs & XN_INS_OUTS) && !(c->basic & VMX_BASIC_INS_OUTS))
		return ksnprintf(buf, n, "no INS/OUTS instruction information (VMX_BASIC 0x%lx bit 54 clear)", c->basic),
		       true;
	if ((k->needs & XN_EXEC_ONLY) && !(ev & VMX_EPT_EXEC_ONLY))
		return ksnprintf(buf, n, "no execute-only EPT translations (IA32_VMX_EPT_VPID_CAP 0x%lx bit 0 clear)", ev),
		       true;
	if (k->setup == XS_EPT && (!(ev & VMX_EPT_PAGE_WALK_4) || !(ev & VMX_EPT_MEMTYPE_WB)))
		return ksnprintf(buf, n, "no 4-level EPT walk with write-back paging structures "
				 "(IA32_VMX_EPT_VPID_CAP 0x%lx bits 6, 14)", ev), true;
	u32 targets = (u32)((c->misc >> VMX_MISC_CR3_TARGETS_SHIFT) & VMX_MISC_CR3_TARGETS_MASK);
	if ((k->needs & XN_CR3_TARGETS) && targets < 2)
		return ksnprintf(buf, n, "VMX_MISC 0x%lx allows %u CR3-target value(s), the case needs 2", c->misc, targets),
		       true;
	return false;
}

size_t conf_exit_max_results(void)
{
	return conf_exit_rows_n + 2;
}


u64 conf_exit_first_diff(const struct conf_exit_case *k, const struct conf_exit_env *e, const struct conf_exit_obs *o,
			 char *buf, size_t n)
{
	char w[112], g[112];
	buf[0] = 0;
#define DIFF(F, GOT, ...) do { ksnprintf(buf, n, __VA_ARGS__); return CONF_EXIT_OUTCOME(F, GOT); } while (0)
	if (!o->entered) {
		conf_outcome_str(o->fail_code, g, sizeof(g));
		DIFF(XF_ENTRY, o->fail_code, "VM entry failed: %s (the VMCS should be valid)", g);
	}
	u32 basic = o->reason & EXIT_REASON_BASIC_MASK;
	if (basic != k->reason || (o->reason & EXIT_REASON_ENTRY_FAILURE))
		DIFF(XF_REASON, o->reason, "exit reason %u (field 0x%x), expected %u (qualification 0x%lx, guest RIP "
		     "0x%lx, interruption information 0x%x)", basic, o->reason, k->reason, o->qual, o->rip, o->intr);
	if ((k->checks & XC_QUAL) && (o->qual & k->qual_mask) != (k->qual & k->qual_mask)) {
		if (k->reason == 30) {
			conf_exit_io_qual_str(k->qual, w, sizeof(w));
			conf_exit_io_qual_str(o->qual, g, sizeof(g));
			DIFF(XF_QUAL, o->qual, "exit qualification %s, expected %s (compared bits 0x%lx)", g, w,
			     k->qual_mask);
		}
		DIFF(XF_QUAL, o->qual, "exit qualification 0x%lx, expected 0x%lx (compared bits 0x%lx)", o->qual, k->qual,
		     k->qual_mask);
	}
	if (k->checks & XC_INFO) {
		u32 want = conf_exit_info_encode(k->info_kind, &k->op), m = conf_exit_info_mask(k->info_kind, &k->op);
		if ((o->info & m) != (want & m)) {
			conf_exit_info_str(k->info_kind, want, w, sizeof(w));
			conf_exit_info_str(k->info_kind, o->info, g, sizeof(g));
			DIFF(XF_INFO, o->info, "instruction information %s, expected %s (compared bits 0x%x)", g, w, m);
		}
	}
	if ((k->checks & XC_RIP) && o->rip != e->insn_rip)
		DIFF(XF_RIP, o->rip, "guest RIP 0x%lx, expected the exiting instruction at 0x%lx", o->rip, e->insn_rip);
	if ((k->checks & XC_LEN) && o->len != e->insn_len)
		DIFF(XF_LEN, o->len, "instruction length %u, expected %u", o->len, e->insn_len);
	if ((k->checks & XC_INTR) && o->intr != k->intr)
		DIFF(XF_INTR, o->intr, "interruption information 0x%x (vector %u, type %u, error code %s, valid %u), "
		     "expected 0x%x", o->intr, o->intr & 0xff, (o->intr >> 8) & 7, o->intr & (1u << 11) ? "yes" : "no",
		     o->intr >> 31, k->intr);
	if ((k->checks & XC_ERR) && o->err != k->err)
		DIFF(XF_ERR, o->err, "interruption error code 0x%x, expected 0x%x", o->err, k->err);
	if ((k->checks & XC_IDTV) && o->idtv != k->idtv)
		DIFF(XF_IDTV, o->idtv, "IDT-vectoring information 0x%x, expected 0x%x (the event being delivered)", o->idtv,
		     k->idtv);
	if ((k->checks & XC_GPA) && o->gpa != e->addr_base + k->addr_off)
		DIFF(XF_GPA, o->gpa, "guest-physical address 0x%lx, expected 0x%lx", o->gpa, e->addr_base + k->addr_off);
	if ((k->checks & XC_GLA) && o->gla != e->addr_base + k->addr_off)
		DIFF(XF_GLA, o->gla, "guest-linear address 0x%lx, expected 0x%lx", o->gla, e->addr_base + k->addr_off);
	if ((k->checks & XC_TIMER_LESS) && (o->timer >= e->timer_start || !o->timer))
		DIFF(XF_TIMER, o->timer, "saved preemption-timer value 0x%lx, expected below the 0x%x it started at "
		     "(and above 0)", o->timer, e->timer_start);
#undef DIFF
	return 0;
}

int conf_exit_verdict(const struct conf_exit_case *k, const struct conf_exit_env *e, const struct conf_exit_obs *o,
		      int platform, char *buf, size_t n)
{
	char d[240];
	u64 got = conf_exit_first_diff(k, e, o, d, sizeof(d));
	buf[0] = 0;
	if (!got)
		return KTAP_PASS;
	const struct vmx_deviation *dev = vmx_deviation_find((enum platform_kind)platform, k->name, got);
	if (dev) {
		ksnprintf(buf, n, "SDM %s: %s: %s", dev->sdm, dev->what, d);
		return KTAP_XFAIL;
	}
	ksnprintf(buf, n, "SDM %s: %s", k->sdm, d);
	return KTAP_FAIL;
}
