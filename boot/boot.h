/* Constants shared between the boot assembly and C. */
#ifndef BOOT_BOOT_H
#define BOOT_BOOT_H

#define BOOT_CS64	0x08
#define BOOT_DS		0x10
#define BOOT_STACK_SIZE	(16 * 1024)

#endif
