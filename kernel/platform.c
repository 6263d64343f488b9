/*
 * Which machine are we on, and how does a mode=test run end on it.
 * Emulator-only ports are written only after the ACPI OEM ID says "BOCHS "
 * (both QEMU's and Bochs's firmware use it); fw_cfg then tells QEMU apart.
 */
#include "kernel/platform.h"
#include "kernel/kprintf.h"
#include "kernel/serial.h"
#include "kernel/panic.h"
#include "kernel/lib.h"
#include "kernel/hold.h"
#include "arch/x86_64/cpu.h"

struct platform platform;

#define FW_CFG_SEL  0x510
#define FW_CFG_DATA 0x511
#define QEMU_DEBUG_EXIT 0xf4
#define BOCHS_SHUTDOWN 0x8900
#define SLP_EN (1U << 13)

static bool fw_cfg_is_qemu(void)
{
	char sig[4];
	outw(FW_CFG_SEL, 0);   /* FW_CFG_SIGNATURE */
	for (int i = 0; i < 4; i++)
		sig[i] = (char)inb(FW_CFG_DATA);
	return !memcmp(sig, "QEMU", 4);
}

void platform_detect(const char *acpi_oem_id)
{
	memset(platform.hv_vendor, 0, sizeof(platform.hv_vendor));
	if (cpuid(1).ecx & CPUID1_ECX_HYPERVISOR) {
		struct cpuid_regs r = cpuid(0x40000000);
		memcpy(platform.hv_vendor + 0, &r.ebx, 4);
		memcpy(platform.hv_vendor + 4, &r.ecx, 4);
		memcpy(platform.hv_vendor + 8, &r.edx, 4);
	}
	memset(platform.acpi_oem, 0, sizeof(platform.acpi_oem));
	if (acpi_oem_id)
		memcpy(platform.acpi_oem, acpi_oem_id, 6);
	platform.kind = PLATFORM_HARDWARE;
	if (acpi_oem_id && !memcmp(acpi_oem_id, "BOCHS ", 6))
		platform.kind = fw_cfg_is_qemu() ? PLATFORM_QEMU : PLATFORM_BOCHS;
}

const char *platform_name(void)
{
	switch (platform.kind) {
	case PLATFORM_QEMU: return "QEMU";
	case PLATFORM_BOCHS: return "Bochs";
	default: return "hardware (or an unrecognised hypervisor)";
	}
}

static void acpi_s5(void)
{
	if (!platform.s5_ok)
		return;
	outw(platform.pm1a_cnt, (u16)((platform.slp_typa << 10) | SLP_EN));
	if (platform.pm1b_cnt)
		outw(platform.pm1b_cnt, (u16)((platform.slp_typb << 10) | SLP_EN));
	for (volatile int i = 0; i < 10000000; i++)
		cpu_relax();
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
		for (const char *s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN, (u8)*s);
		break;
	default:
		hold_verdict(pass);   /* no serial port: the screen is the evidence */
		break;
	}
	acpi_s5();
	kprintf("the run is over (%s); this machine could not be powered off: reset it\n",
		pass ? "PASS" : "FAIL");
	halt_forever();
}

void platform_poweroff(void)
{
	cli();
	serial_drain();
	acpi_s5();
	if (platform.kind == PLATFORM_BOCHS)
		for (const char *s = "Shutdown"; *s; s++)
			outb(BOCHS_SHUTDOWN, (u8)*s);
	else if (platform.kind == PLATFORM_QEMU)
		outl(QEMU_DEBUG_EXIT, QEMU_EXIT_PASS);
	kprintf("this machine could not be powered off: switch it off\n");
	halt_forever();
}

void platform_reboot(void)
{
	cli();
	serial_drain();
	outb(0xcf9, 0x02);       /* PCI reset control: system reset... */
	outb(0xcf9, 0x06);       /* ...hard (SDM-era chipsets, QEMU PIIX/Q35) */
	outb(0x64, 0xfe);        /* keyboard controller pulse */
	struct desc_ptr none = { 0, 0 };
	lidt(&none);             /* last resort: triple fault */
	int3();
	halt_forever();
}
