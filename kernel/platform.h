#ifndef KERNEL_PLATFORM_H
#define KERNEL_PLATFORM_H

#include "kernel/types.h"

enum platform_kind {
	PLATFORM_HARDWARE = 0,   /* or a hypervisor we do not recognise */
	PLATFORM_QEMU,           /* QEMU TCG or KVM: fw_cfg answers "QEMU" */
	PLATFORM_BOCHS,
};

struct platform {
	enum platform_kind kind;
	char hv_vendor[13];      /* CPUID 0x40000000 when the hypervisor bit is set */
	char acpi_oem[7];
	/* ACPI S5 power-off, when the FADT and \_S5 were found */
	bool s5_ok;
	u16 pm1a_cnt, pm1b_cnt;
	u8 slp_typa, slp_typb;
};
extern struct platform platform;

/* Needs the ACPI OEM ID first (emulator ports are poked only when it is "BOCHS "). */
void platform_detect(const char *acpi_oem_id);
const char *platform_name(void);
/* End the run: QEMU isa-debug-exit with PASS/FAIL codes, Bochs shutdown port,
 * ACPI S5 on hardware, else halt with a final message. Never returns. */
void platform_exit(bool pass) __attribute__((noreturn));
void platform_reboot(void) __attribute__((noreturn));
/* ACPI S5 (QEMU exits 0, Bochs 1), else the emulator's own port, else halt. */
void platform_poweroff(void) __attribute__((noreturn));

/* isa-debug-exit values: QEMU exits with (v << 1) | 1 = 33 for PASS, 35 for FAIL */
#define QEMU_EXIT_PASS 0x10
#define QEMU_EXIT_FAIL 0x11

#endif
