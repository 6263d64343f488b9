/*
 * Which machine are we on, and how does a run end on it. The decisions are
 * pure: platform_choose() (kernel/platform_choice.c) says whether emulator
 * ports may be touched, and arch/x86_64/acpi_power.c plans ACPI mode, S5
 * and reset as lists of writes; this file does the port and memory I/O.
 */
#include "kernel/platform.h"
#include "kernel/kprintf.h"
#include "kernel/serial.h"
#include "kernel/panic.h"
#include "kernel/format.h"
#include "kernel/lib.h"
#include "kernel/options.h"
#include "kernel/hold.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/acpi_power.h"
#include "arch/x86_64/timer.h"

struct platform platform;

#define FW_CFG_SEL  0x510
#define FW_CFG_DATA 0x511
#define QEMU_DEBUG_EXIT 0xf4
#define BOCHS_SHUTDOWN 0x8900
#define MEM_TOP (4ULL << 30)        /* identity-mapped, non-RAM uncached (paging.c) */
#define S5_WAIT_US 2000000u         /* the machine gets this long to go off */

static bool fw_cfg_is_qemu(void *ctx)
{
	(void)ctx;
	char sig[4];
	outw(FW_CFG_SEL, 0);   /* FW_CFG_SIGNATURE */
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_DATA);
	return !memcmp(sig, "QEMU", 4);
}

void platform_detect(const char *acpi_oem_id)
{
	bool hv = cpuid(1).ecx & CPUID1_ECX_HYPERVISOR;
	memset(platform.hv_vendor, 0, sizeof(platform.hv_vendor));
	if (hv) {
		struct cpuid_regs r = cpuid(0x40000000);
		memcpy(platform.hv_vendor + 0, &r.ebx, 4);
		memcpy(platform.hv_vendor + 4, &r.ecx, 4);
		memcpy(platform.hv_vendor + 8, &r.edx, 4);
	}
	memset(platform.acpi_oem, 0, sizeof(platform.acpi_oem));
	if (acpi_oem_id)
		memcpy(platform.acpi_oem, acpi_oem_id, 6);
	struct platform_choice c = platform_choose(acpi_oem_id, hv, fw_cfg_is_qemu, 0);
	platform.kind = c.kind;
	platform.no_acpi = c.no_acpi;
}

const char *platform_name(void)
{
	switch (platform.kind) {
	case PLATFORM_QEMU:
		return platform.no_acpi ? "QEMU (no ACPI tables: recognised by fw_cfg)" : "QEMU";
	case PLATFORM_BOCHS: return "Bochs";
	default: return "hardware (or an unrecognised hypervisor)";
	}
}

/* ---- carrying out a plan ---- */

static bool op_read(const struct acpi_op *op, u32 *v)
{
	if (op->space == ACPI_GAS_IO) {
		*v = op->width == 1 ? inb((u16)op->addr) : op->width == 2 ? inw((u16)op->addr) : inl((u16)op->addr);
		return true;
	}
	if (op->addr >= MEM_TOP)
		return false;
	volatile const void *p = (volatile const void *)(uintptr_t)op->addr;
	*v = op->width == 1 ? *(volatile const u8 *)p : op->width == 2 ? *(volatile const u16 *)p
								  : *(volatile const u32 *)p;
	return true;
}

static bool op_write(const struct acpi_op *op)
{
	if (op->space == ACPI_GAS_IO) {
		if (op->width == 1)
			outb((u16)op->addr, (u8)op->value);
		else if (op->width == 2)
			outw((u16)op->addr, (u16)op->value);
		else
			outl((u16)op->addr, op->value);
		return true;
	}
	if (op->addr >= MEM_TOP)
		return false;
	volatile void *p = (volatile void *)(uintptr_t)op->addr;
	if (op->width == 1)
		*(volatile u8 *)p = (u8)op->value;
	else if (op->width == 2)
		*(volatile u16 *)p = (u16)op->value;
	else
		*(volatile u32 *)p = op->value;
	return true;
}

static bool op_wait(const struct acpi_op *op)
{
	u64 end = now_us() + op->us;
	u32 v = 0;
	do {
		if (!op_read(op, &v))
			return false;
		if (op->kind == ACPI_OP_WAIT_SET ? (v & op->mask) == op->mask : !(v & op->mask))
			return true;
		udelay(10);
	} while (now_us() < end);
	return false;
}

static void __attribute__((noreturn)) triple_fault(void)
{
	struct desc_ptr none = { 0, 0 };
	lidt(&none);
	int3();
	halt_forever();
}

/* Runs every op; returns the index of the first that could not be done
 * (a memory address past the map, a wait that timed out), or p->n. A
 * failed wait does not stop the plan: the writes after it are still worth
 * trying, as ACPICA does after its SCI_EN timeout. */
static u32 plan_run(const struct acpi_plan *p)
{
	u32 first_bad = p->n;
	for (u32 i = 0; i < p->n; i++) {
		const struct acpi_op *op = &p->op[i];
		bool ok = true;
		switch (op->kind) {
		case ACPI_OP_WRITE: ok = op_write(op); break;
		case ACPI_OP_WAIT_SET:
		case ACPI_OP_WAIT_CLEAR: ok = op_wait(op); break;
		case ACPI_OP_DELAY: udelay(op->us); break;
		case ACPI_OP_TRIPLE_FAULT: triple_fault();
		}
		if (!ok && first_bad == p->n)
			first_bad = i;
	}
	return first_bad;
}

/* "PM1a_CNT <- SLP_TYPa 0x604=0x1; ..." into buf, for the failure line. */
static void plan_describe(const struct acpi_plan *p, char *buf, size_t size)
{
	size_t len = 0;
	buf[0] = 0;
	for (u32 i = 0; i < p->n && len + 1 < size; i++)
		if (p->op[i].kind == ACPI_OP_WRITE)
			len += (size_t)ksnprintf(buf + len, size - len, "%s%s (0x%lx = 0x%x)", len ? ", " : "",
						 p->op[i].what, p->op[i].addr, p->op[i].value);
}

/* ---- ending a run ---- */

/* Enter ACPI mode when SCI_EN is clear (SMI_CMD <- ACPI_ENABLE). */
static void acpi_mode_enter(const struct acpi_fadt_info *f, bool verbose)
{
	struct acpi_plan p;
	u16 a = f->pm1a_cnt ? inw(f->pm1a_cnt) : 0;
	acpi_enable_plan(f, a, &p);
	if (!p.n)
		return;
	u64 t0 = now_us();
	bool ok = plan_run(&p) == p.n;
	if (!verbose)
		return;
	if (ok)
		kprintf("platform: ACPI mode: SCI_EN was clear (PM1a_CNT 0x%x): SMI_CMD 0x%x <- 0x%x, "
			"SCI_EN set after %lu us\n", a, f->smi_cmd, f->acpi_enable, now_us() - t0);
	else
		kprintf("platform: ACPI mode: SCI_EN was clear (PM1a_CNT 0x%x): SMI_CMD 0x%x <- 0x%x, "
			"SCI_EN still clear after %u ms (PM1a_CNT 0x%x); trying S5 anyway\n", a, f->smi_cmd,
			f->acpi_enable, ACPI_ENABLE_TIMEOUT_US / 1000, f->pm1a_cnt ? inw(f->pm1a_cnt) : 0);
}

/* ACPI S5 by the book; returns only when the machine is still on, having
 * said why when verbose (mode=test). The console's poweroff is quiet: its
 * reply is one "ok", and it prints its own line when the machine stays on. */
static void acpi_power_off(bool verbose)
{
	const struct acpi_fadt_info *f = &acpi.fadt;
	struct acpi_plan p;
	char what[240];

	if (!acpi.fadt_ok || !platform.s5_ok) {
		if (verbose)
			kprintf("platform: no ACPI power-off: %s\n",
				!acpi.rsdp_ok ? "no ACPI tables" : !acpi.fadt_ok ? "no valid FADT" : "no \\_S5 in the DSDT");
		return;
	}
	acpi_mode_enter(f, verbose);
	u16 a = f->pm1a_cnt ? inw(f->pm1a_cnt) : 0, b = f->pm1b_cnt ? inw(f->pm1b_cnt) : 0;
	acpi_s5_plan(f, platform.slp_typa, platform.slp_typb, a, b, &p);
	if (!p.n) {
		if (verbose)
			kprintf("platform: no ACPI power-off: %s\n", p.note);
		return;
	}
	plan_describe(&p, what, sizeof(what));
	if (verbose) {
		kprintf("platform: ACPI S5 (SLP_TYPa %u, SLP_TYPb %u): %s\n", platform.slp_typa, platform.slp_typb, what);
		serial_drain();
	}
	u32 bad = plan_run(&p);
	udelay(S5_WAIT_US);
	if (verbose)
		kprintf("platform: ACPI S5 did not power off within %u ms%s\n", S5_WAIT_US / 1000,
			bad < p.n ? " (a sleep register is past 4 GiB: not written)" : "");
}

/* The reset sequence; with verbose, each method is named (and the line
 * drained) before it is tried, so the last such line says which one worked. */
static void __attribute__((noreturn)) reset_machine(bool verbose)
{
	struct acpi_plan p;
	acpi_reset_plan(acpi.fadt_ok ? &acpi.fadt : 0, &p);
	if (verbose && p.note)
		kprintf("platform: reset: RESET_REG not used: %s\n", p.note);
	for (u32 i = 0; i < p.n; i++) {
		const struct acpi_op *op = &p.op[i];
		bool first = i == 0 || p.op[i - 1].kind == ACPI_OP_DELAY;
		if (verbose && first && op->kind != ACPI_OP_DELAY) {
			if (op->kind == ACPI_OP_TRIPLE_FAULT)
				kprintf("platform: reset: triple fault\n");
			else
				kprintf("platform: reset: %s (0x%lx = 0x%x)\n", op->what, op->addr, op->value);
			serial_drain();
		}
		struct acpi_plan one = { .n = 1, .op = { *op } };
		plan_run(&one);          /* the last op is the triple fault */
	}
	halt_forever();
}

static void bochs_shutdown(void)
{
	for (const char *s = "Shutdown"; *s; s++)
		outb(BOCHS_SHUTDOWN, (u8)*s);
}

void platform_exit(bool pass)
{
	cli();
	serial_drain();
	switch (platform.kind) {
	case PLATFORM_QEMU:
		outl(QEMU_DEBUG_EXIT, pass ? QEMU_EXIT_PASS : QEMU_EXIT_FAIL);
		break;
	case PLATFORM_BOCHS:
		bochs_shutdown();
		break;
	default:
		hold_verdict(pass);   /* no serial port: the screen is the evidence */
		break;
	}
	if (opt.test_end == TEST_END_REBOOT)
		reset_machine(true);
	acpi_power_off(true);
	kprintf("the run is over (%s); this machine could not be powered off: reset it\n",
		pass ? "PASS" : "FAIL");
	halt_forever();
}

void platform_poweroff(void)
{
	cli();
	serial_drain();
	acpi_power_off(false);
	if (platform.kind == PLATFORM_BOCHS)
		bochs_shutdown();
	else if (platform.kind == PLATFORM_QEMU)
		outl(QEMU_DEBUG_EXIT, QEMU_EXIT_PASS);
	kprintf("this machine could not be powered off: switch it off\n");
	halt_forever();
}

void platform_reboot(void)
{
	cli();
	serial_drain();
	reset_machine(false);
}
