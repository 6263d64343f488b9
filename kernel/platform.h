#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include "kernel/types.h"
#include "kernel/platform_choice.h"   /* enum platform_kind and the decision */

struct platform {
	enum platform_kind kind;
	char hv_vendor[13];      /* CPUID 0x40000000 when the hypervisor bit is set */
	char acpi_oem[7];
	bool no_acpi;            /* there was no RSDP at all */
	/* \_S5 was found (and the FADT, in acpi.fadt): the values for S5 */
	bool s5_ok;
	u16 pm1a_cnt, pm1b_cnt;
	u8 slp_typa, slp_typb;
};
extern struct platform platform;

/* Needs the ACPI OEM ID first (emulator ports are poked only when it is "BOCHS "). */
void platform_detect(const char *acpi_oem_id);
const char *platform_name(void);
/* End the run: QEMU isa-debug-exit with PASS/FAIL codes, Bochs shutdown port,
 * ACPI S5 on hardware (arch/x86_64/acpi_power.h: ACPI mode entered first
 * when SCI_EN is clear), else halt with a final message. Never returns. */
void platform_exit(bool pass) __attribute__((noreturn));
/* FADT RESET_REG (revision >= 2, flags bit 10), 0xCF9, 8042, triple fault. */
void platform_reboot(void) __attribute__((noreturn));
/* ACPI S5 (QEMU exits 0, Bochs 1), else the emulator's own port, else halt. */
void platform_poweroff(void) __attribute__((noreturn));

/* isa-debug-exit values: QEMU exits with (v << 1) | 1 = 33 for PASS, 35 for FAIL */
#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11

#endif
