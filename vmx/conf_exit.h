/* The core VM-exit cases (issue 12, the exit_ category, part 2): one table of
 * rows, each a valid guest VMCS (the known-good one of vmx/conf_entry.c plus
 * the controls the row turns on) and a guest whose one instruction exits.
 * Every row checks the exact outcome: the basic exit reason and, where the
 * SDM defines them for that exit (vol. 3C 28.2.1-28.2.5), the exit
 * qualification, the VM-exit instruction-information field (only its
 * defined bits), the guest-physical and guest-linear addresses, the
 * interruption information and error code, the instruction length and the
 * guest RIP of the exiting instruction. Lengths and RIPs come from the
 * assembler (vmx/conf_exit_guest.S), never from the table.
 *
 * The table and the verdict are pure (host-tested: tests/host/test_conf_exit.c);
 * vmx/conf_exit.c runs them on the CPU. */
#ifndef VMX_CONF_EXIT_H
#define VMX_CONF_EXIT_H

#include "kernel/types.h"
#include "vmx/vmx_caps.h"
#include "vmx/conf_entry.h"

/* The guest of a row (vmx/conf_exit_guest.S, in this order). Registers at
 * entry: RDI = a scratch data page, RSI = the row's test page (EPT rows),
 * R8 = TSC cycles to spin (timer rows), R9 = 0x4000 (VMCS encoding for the
 * VMREAD/VMWRITE rows: primary processor-based controls), R10 = KERNEL_TSS. */
enum xg {
	XG_VMCLEAR_MEM,		/* vmclear 0x40(%rdi,%rcx,8) */
	XG_VMPTRLD_MEM,		/* vmptrld -8(%rsp) */
	XG_VMPTRST_MEM,		/* vmptrst 0x12345678(,%rdx,2) */
	XG_VMREAD_REG,		/* vmread %r9, %r14 */
	XG_VMREAD_MEM,		/* vmread %rcx, 0x20(%rdi) */
	XG_VMWRITE_REG,		/* vmwrite %r10, %rdx */
	XG_VMWRITE_MEM,		/* vmwrite 0x8(%rdi,%rsi,4), %rax */
	XG_VMLAUNCH,
	XG_VMRESUME,
	XG_VMXOFF,
	XG_VMXON_MEM,		/* vmxon (%rdi) */
	XG_INVEPT,		/* invept (%rdi), %rcx */
	XG_INVVPID,		/* invvpid 0x10(%rdi), %r11 */
	XG_VMFUNC,		/* EAX 0 (EPTP switching), ECX 0 */
	XG_TIMER_SPIN,		/* spin R8 TSC cycles (bounded), then vmcall */
	XG_RDMSR_174,		/* rdmsr of IA32_SYSENTER_CS */
	XG_WRMSR_174,		/* rdmsr, then wrmsr of the same value */
	XG_RDMSR_FS_BASE,	/* rdmsr of 0xc0000100 */
	XG_WRMSR_FS_BASE,
	XG_RDMSR_2000,		/* just above the low range */
	XG_WRMSR_C0002000,	/* just above the high range (rdmsr of FS base for the value) */
	XG_OUT_80_IMM,		/* out %al, $0x80 */
	XG_IN_8080_DX_WORD,	/* in (%dx), %ax with DX 0x8080 */
	XG_IN_8080_DX_BYTE,	/* in (%dx), %al with DX 0x8080 */
	XG_OUT_80_DX_DWORD,	/* out %eax, (%dx) with DX 0x80 */
	XG_OUTSB,		/* outsb from RSI = RDI + 0x100, DX 0x80 */
	XG_REP_INSB,		/* rep insb to RDI + 0x200, RCX 1, DX 0x80 */
	XG_MOV_CR3_R13,		/* mov conf_guest_cr3 -> R13 -> CR3 */
	XG_MOV_FROM_CR3_R13,	/* mov %cr3, %r13 */
	XG_MOV_FROM_CR8_R13,	/* mov %cr8, %r13 */
	XG_CR0_FLIP_TS,		/* mov %cr0 -> R13, flip TS, mov %r13, %cr0 */
	XG_CR0_SAME,		/* mov %cr0 -> R13 -> CR0 */
	XG_CLTS,
	XG_MOV_DS_TSS,		/* mov %r10w (the TSS selector) -> DS: #GP(selector) */
	XG_UD2,
	XG_INT3,
	XG_READ_4G,		/* read of linear 4 GiB: not mapped, #PF */
	XG_READ_TEST,		/* read of [RSI + 0x18] */
	XG_WRITE_TEST,		/* write of [RSI + 0x28] */
	XG_FETCH_PAGE,		/* jump to conf_xg_fetch_page (its own 4 KiB page: vmcall) */
	XG_NR
};

/* what a row sets up beyond its control bits */
enum xs {
	XS_NONE,
	XS_MSR_BITMAP,		/* a bitmap page with the row's bits (msr_bits) set */
	XS_IO_BITMAPS,		/* bitmap pages A and B with the row's ports set */
	XS_CR3_TARGETS,		/* CR3-target count and values (cr3t) */
	XS_TIMER,		/* preemption timer value and spin length */
	XS_TRIPLE_FAULT,	/* exception bitmap 0, guest IDTR limit 0 */
	XS_EPT,			/* the EPT identity map, the test page's entry = ept_entry */
	XS_EXCEPTIONS,		/* exception bitmap exc_bitmap, #PF mask/match, IDT limit 0 when idt_empty */
	XS_CR0_SHADOW,		/* CR0 guest/host mask cr0_mask, read shadow = guest CR0 | shadow_or */
};

/* the MSR-bitmap bits a row sets (SDM 25.6.9: read low, read high, write low, write high) */
struct xmsr {
	u32 msr;
	bool write;
};

/* the CR3-target set-up (SDM 26.1.3): count, and which target holds this CR3 */
enum xcr3 {
	CR3T_ALL_OTHER,		/* count = the CPU's maximum, no target matches */
	CR3T_LAST_MATCHES,	/* count = the maximum, the last target is this CR3 */
	CR3T_BEYOND_COUNT,	/* count 1; target 0 another value, target 1 this CR3 */
};

/* which VM-exit information fields a row checks */
#define XC_QUAL   (1u << 0)	/* exit qualification == qual (under qual_mask) */
#define XC_INFO   (1u << 1)	/* instruction information (defined bits only: conf_exit_info_mask) */
#define XC_LEN    (1u << 2)	/* instruction length == the exiting instruction's */
#define XC_RIP    (1u << 3)	/* guest RIP == the exiting instruction's address */
#define XC_INTR   (1u << 4)	/* interruption information == intr */
#define XC_ERR    (1u << 5)	/* interruption error code == err */
#define XC_GPA    (1u << 6)	/* guest-physical address == the test page + addr_off */
#define XC_GLA    (1u << 7)	/* guest-linear address == (the test page or RSI/RDI) + addr_off */
#define XC_TIMER_LESS (1u << 8)	/* saved preemption-timer value < the value at entry, and > 0 */
#define XC_IDTV   (1u << 9)	/* IDT-vectoring information == idtv (28.2.4) */

/* the instruction-information formats (SDM 28.2.5) */
enum xinfo {
	XI_NONE,
	XI_VMCLEAR,		/* VMCLEAR, VMPTRLD, VMPTRST, VMXON: table "... VMXON, XRSTORS, XSAVES" */
	XI_VMREAD,		/* VMREAD, VMWRITE */
	XI_INVEPT,		/* INVEPT, INVPCID, INVVPID */
	XI_OUTS,		/* OUTS: address size and segment */
	XI_INS,			/* INS: address size only */
};

/* A memory or register operand as the instruction-information field names it. */
struct xop {
	bool reg;		/* register operand (VMREAD/VMWRITE bit 10) */
	u8 reg1;		/* register operand: its register */
	u8 scale;		/* 0-3: 1, 2, 4, 8 */
	u8 asize;		/* 0 16-bit, 1 32-bit, 2 64-bit */
	u8 seg;			/* ES CS SS DS FS GS = 0..5 */
	s8 index, base;		/* register number, or -1 for none */
	u8 reg2;		/* the other register operand (VMREAD/VMWRITE, INVEPT/INVVPID type) */
};

/* which address a row's XC_GPA / XC_GLA is relative to */
enum xaddr { XA_TEST_PAGE, XA_DATA_PAGE, XA_FETCH_PAGE };

/* what a row needs of the CPU beyond its controls */
#define XN_INVEPT      (1u << 0)	/* IA32_VMX_EPT_VPID_CAP bit 20 */
#define XN_INVVPID     (1u << 1)	/* bit 32 */
#define XN_INS_OUTS    (1u << 2)	/* VMX_BASIC bit 54: INS/OUTS instruction information */
#define XN_EXEC_ONLY   (1u << 3)	/* EPT execute-only translations */
#define XN_CR3_TARGETS (1u << 4)	/* VMX_MISC: at least 2 CR3 targets */

struct conf_exit_case {
	const char *name;	/* KTAP name, <= 63 characters, exit_ prefix */
	const char *sdm;	/* the section the outcome comes from */
	enum xg guest;
	u32 pin, proc, proc2, exit_ctl;	/* controls turned on (each must be allowed) */
	u32 proc_off;		/* primary controls turned off (each must be allowed 0) */
	u32 needs;		/* XN_* */
	enum xs setup;
	struct xmsr msr_bits[2];	/* XS_MSR_BITMAP (msr 0: unused slot) */
	u16 ports[2];			/* XS_IO_BITMAPS: ports whose bit is set (0: unused) */
	enum xcr3 cr3t;			/* XS_CR3_TARGETS */
	u32 timer;			/* XS_TIMER: the preemption-timer value */
	u32 spin_shift;			/* XS_TIMER: spin (1 << (rate + spin_shift)) TSC cycles */
	u64 ept_entry;			/* XS_EPT: the test page's 4 KiB entry bits (address added) */
	u32 exc_bitmap, pfec_mask, pfec_match;	/* XS_EXCEPTIONS */
	bool idt_empty;			/* XS_EXCEPTIONS: guest IDTR limit 0 */
	u32 cr0_mask, shadow_or;	/* XS_CR0_SHADOW */
	/* the expected exit */
	u32 reason;		/* basic exit reason (SDM appendix C) */
	u32 checks;		/* XC_* */
	u64 qual, qual_mask;
	enum xinfo info_kind;
	struct xop op;
	u32 intr, err, idtv;
	enum xaddr addr_base;
	u64 addr_off;
};

extern const struct conf_exit_case conf_exit_rows[];
extern const size_t conf_exit_rows_n;

/* The guest's exiting instruction in words, for the README's table. */
const char *conf_exit_guest_text(enum xg g);

/* The instruction-information value op encodes in format kind (SDM 28.2.5). */
u32 conf_exit_info_encode(enum xinfo kind, const struct xop *op);
/* The bits of that field the SDM defines for this operand: undefined bits
 * (register fields of memory operands, scaling without an index, index and
 * base fields that are marked invalid, ...) are left out of the comparison. */
u32 conf_exit_info_mask(enum xinfo kind, const struct xop *op);
/* "mem asize 64 seg DS base rdi index rcx*8 reg2 rax" or "reg reg1 r14 reg2 r9" */
int conf_exit_info_str(enum xinfo kind, u32 info, char *buf, size_t n);
/* "size 2, IN, DX, port 0x8080" for an I/O qualification (SDM table 28-5) */
int conf_exit_io_qual_str(u64 qual, char *buf, size_t n);

/* Why row k cannot run on caps (into buf), or false. */
bool conf_exit_skip_reason(const struct conf_exit_case *k, const struct vmx_caps *caps, char *buf, size_t n);

/* What the CPU left in the VM-exit information fields. */
struct conf_exit_obs {
	bool entered;		/* false: VM entry failed (fail_code says how) */
	u64 fail_code;		/* conf_outcome_code() of the failed entry */
	u32 reason;		/* the full exit-reason field */
	u64 qual, gpa, gla, rip;
	u32 info, len, intr, err, idtv;
	u64 timer;		/* the saved preemption-timer value */
};
/* The numbers the verdict needs from this run: the exiting instruction's
 * address and length, the address XC_GPA/XC_GLA are relative to, the timer
 * value at entry. */
struct conf_exit_env {
	u64 insn_rip;
	u32 insn_len;
	u64 addr_base;
	u32 timer_start;
};

/* The outcome code of the first field that differs from the row's, for the
 * known-deviation table: CONF_EXIT_OUTCOME(field, value). 0: none differs. */
#define CONF_EXIT_OUTCOME(f, v) ((u64)0xe << 60 | (u64)(f) << 40 | ((u64)(v) & 0xffffffffffULL))
enum xfield { XF_ENTRY = 1, XF_REASON, XF_QUAL, XF_INFO, XF_LEN, XF_RIP, XF_INTR, XF_ERR, XF_GPA, XF_GLA, XF_TIMER, XF_IDTV };
u64 conf_exit_first_diff(const struct conf_exit_case *k, const struct conf_exit_env *e, const struct conf_exit_obs *o,
			 char *buf, size_t n);
/* PASS / FAIL / XFAIL (enum ktap_result) with the reason in buf. Pure. */
int conf_exit_verdict(const struct conf_exit_case *k, const struct conf_exit_env *e, const struct conf_exit_obs *o,
		      int platform, char *buf, size_t n);

/* The number of KTAP results conf_exit_run records at most. */
size_t conf_exit_max_results(void);

/* The kernel's runner (vmx/conf_exit.c): with env->vmcs current in VMX root
 * operation, every row on this CPU; leaves env->vmcs current and clear. */
struct vmx_cpu;
struct conf_exit_run_env {
	const struct vmx_cpu *cpu;
	u64 vmcs, zero, stack;	/* the current VMCS, a zero page, a guest stack page */
	conf_record_fn rec;	/* vmx/conf_entry.h */
	void *rec_ctx;
};
u64 conf_exit_run(const struct conf_exit_run_env *env);

#endif
