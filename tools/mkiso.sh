#!/usr/bin/env bash
# mkiso.sh ELF ISO [CMDLINE]
# Wraps the kernel ELF in a hybrid BIOS+UEFI GRUB ISO. GRUB's own console is on COM1 and COM2 too
# (where COM2 is missing, the first terminal_output fails, on the screen only, and COM1 alone is used;
# where COM1 is missing, the BIOS numbers COM2 as com0).
# Without CMDLINE: a menu (interactive, test, ...) with interactive as default after 3 s.
# With CMDLINE: the default entry passes exactly that command line, timeout 0 (used by tests).
# For the tests' ISO cache (tests/emu/emu.py), two more ways to call it:
#   MKISO_ENTRY=1 mkiso.sh - - CMDLINE  prints the grub.cfg menu entry for CMDLINE and nothing else;
#   MKISO_SLOT=N mkiso.sh ELF ISO       writes, where that entry goes, an N-byte comment line
#     ("#vmxboot-entry-slot ####...") that emu.py overwrites in a copy of the ISO with the entry
#     and '#' padding: one grub-mkrescue per kernel instead of one per command line.
set -euo pipefail
elf=$1 iso=$2 cmdline=${3:-}
# multiboot2 sets gfxpayload from the kernel's framebuffer tag; on BIOS, put it
# back to text after the command so the VGA text mirror keeps the screen
text_on_bios='\tif [ "$grub_platform" = pc ]; then set gfxpayload=text; fi\n'
entry() {     # entry CMDLINE: the default entry that passes exactly CMDLINE, timeout 0
	printf 'set timeout=0\nset default=0\n'
	printf 'menuentry "vmxboot (%s)" {\n\tmultiboot2 /boot/vmxboot.elf %s\n'"$text_on_bios"'\tboot\n}\n' "$1" "$1"
}
if [ -n "${MKISO_ENTRY:-}" ]; then
	entry "$cmdline"
	exit 0
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/boot/grub"
# the kernel without its debug sections (gdb reads them from the ELF in build/): GRUB reads
# 0.5 MB instead of 1.9 MB from the disc, 3.2 s less emulated time under Bochs (CD-ROM timing)
objcopy --strip-debug "$elf" "$stage/boot/vmxboot.elf" 2>/dev/null || cp "$elf" "$stage/boot/vmxboot.elf"
{
	cat <<'EOT'
serial --unit=1 --speed=115200 --word=8 --parity=no --stop=1
serial --unit=0 --speed=115200 --word=8 --parity=no --stop=1
if terminal_output serial_com0 serial_com1 console; then
	terminal_input serial_com0 serial_com1 console
else
	terminal_input serial console
	terminal_output serial console
fi
EOT
	# UEFI: the GOP driver lets multiboot2 hand over a linear framebuffer (the
	# framebuffer header tag sets gfxpayload itself); BIOS boots stay in EGA text
	cat <<'EOT'
if [ "$grub_platform" = efi ]; then
	insmod efi_gop
	insmod efi_uga
fi
EOT
	if [ -n "${MKISO_SLOT:-}" ]; then
		head -c "$((MKISO_SLOT - 1))" < <(printf '#vmxboot-entry-slot '; yes '#' | tr -d '\n')
		printf '\n'
	elif [ -n "$cmdline" ]; then
		entry "$cmdline"
	else
		printf 'set timeout=3\nset default=0\n'
		for e in "interactive|mode=interactive" "test: run every test and power off|mode=test" \
			"interactive, boot CPU only|mode=interactive smp=off" "interactive, no VT-x|mode=interactive vmx=off"; do
			printf 'menuentry "vmxboot %s" {\n\tmultiboot2 /boot/vmxboot.elf %s\n'"$text_on_bios"'\tboot\n}\n' "${e%%|*}" "${e#*|}"
		done
	fi
} > "$stage/boot/grub/grub.cfg"
mkdir -p "$(dirname "$iso")"
# Only the GRUB modules this grub.cfg uses (and their dependencies), plus a few for a user at
# GRUB's prompt (ls, cat, search, help, reboot, halt; all_video brings efi_gop/efi_uga on UEFI and
# vbe/vga on BIOS), no fonts, locales or themes (the menu is text on the console and serial):
# 4.8 MB instead of 20.8 MB, and GRUB's lookups in a 20-entry module directory instead of a
# 300-entry one. Bochs times its CD-ROM's seeks in emulated time (the BIOS polls meanwhile):
# firmware + GRUB + the floor kernel took 41.3 M instead of 70.7 M emulated instructions.
modules="normal serial terminal terminfo multiboot2 test echo configfile iso9660 part_msdos part_gpt boot
	all_video search ls cat help reboot halt"
if ! out=$(grub-mkrescue --fonts= --locales= --themes= --install-modules="$(echo $modules)" -o "$iso" "$stage" 2>&1); then
	printf '%s\n' "$out" >&2
	exit 1
fi
echo "made $iso${cmdline:+ (cmdline: $cmdline)}"
