/* Which machine are we on: the decision, pure (host-tested in
 * tests/host/test_platform_choice.c). Emulator-only I/O ports may be poked
 * only once this says so; kernel/platform.c does the port I/O. */
#ifndef KERNEL_PLATFORM_CHOICE_H
#define KERNEL_PLATFORM_CHOICE_H

#include "kernel/types.h"

enum platform_kind {
	PLATFORM_HARDWARE = 0,   /* or a hypervisor we do not recognise */
	PLATFORM_QEMU,           /* QEMU TCG or KVM: fw_cfg answers "QEMU" */
	PLATFORM_BOCHS,
};

/* Reads the fw_cfg signature (ports 0x510/0x511); true when it is "QEMU". */
typedef bool (*platform_fw_cfg_probe)(void *ctx);

struct platform_choice {
	enum platform_kind kind;
	bool probed;             /* fw_cfg ports were touched */
	bool no_acpi;            /* recognised without any ACPI table */
};

/* oem_id: the RSDP's 6-byte OEM ID, or NULL when there is no RSDP at all;
 * hypervisor: CPUID.1:ECX bit 31. fw_cfg is probed only when the OEM ID is
 * "BOCHS " (QEMU's and Bochs's firmware both use it), or when there is no
 * RSDP and a hypervisor is present (QEMU with -M ...,acpi=off). Any other
 * OEM ID is real hardware, and then no emulator port is ever touched. */
struct platform_choice platform_choose(const char *oem_id, bool hypervisor,
				       platform_fw_cfg_probe probe, void *ctx);

#endif
