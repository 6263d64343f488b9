#!/usr/bin/env bash
# run.sh auto|qemu|kvm|uefi|bochs ISO
# Boots the ISO with COM1 on this terminal. auto = KVM with nested VT-x when
# /dev/kvm is usable on an Intel host with VMX, otherwise Bochs (software VT-x).
set -euo pipefail
how=$1 iso=$2
smp=${SMP:-4}
kvm_ok() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] && grep -qw vmx /proc/cpuinfo
}
if [ "$how" = auto ]; then
	if kvm_ok; then how=kvm; else
		echo "run: no usable KVM with VT-x here (/dev/kvm missing, or the host CPU shows no 'vmx'): using Bochs"
		how=bochs
	fi
fi
qemu=(qemu-system-x86_64 -machine pc -m 256M -smp "$smp" -cdrom "$iso" -boot d -display none
	-serial mon:stdio -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
# QEMU's exit status: 0 after ACPI power-off, a reset (-no-reboot) or Ctrl-A X; 33/35 when a
# mode=test run wrote PASS/FAIL to isa-debug-exit; anything else is QEMU itself failing.
run_qemu() {
	local rc=0
	"$@" || rc=$?
	case $rc in
	0) exit 0 ;;
	33) echo "run: the kernel reported PASS and exited QEMU through isa-debug-exit (status 33)"; exit 0 ;;
	35) echo "run: the kernel reported FAIL and exited QEMU through isa-debug-exit (status 35)" >&2; exit 1 ;;
	*)
		if [ "$rc" -gt 128 ]; then why="killed by signal $((rc - 128))"; else why="exit status $rc"; fi
		echo "run: QEMU failed ($why)" >&2
		exit 1 ;;
	esac
}
case $how in
kvm)
	echo "run: QEMU with KVM, -cpu host,+vmx; leave with Ctrl-A X"
	run_qemu "${qemu[@]}" -enable-kvm -cpu host,+vmx ;;
qemu)
	echo "run: QEMU TCG (no VT-x in TCG); leave with Ctrl-A X"
	run_qemu "${qemu[@]}" -cpu max ;;
uefi)
	echo "run: QEMU TCG with OVMF (UEFI); leave with Ctrl-A X"
	run_qemu "${qemu[@]}" -cpu max -bios /usr/share/ovmf/OVMF.fd ;;
bochs)
	exec "$(dirname "$0")/run-bochs.sh" "$iso" ;;
*)
	echo "run: unknown '$how' (auto, qemu, kvm, uefi, bochs)" >&2; exit 2 ;;
esac
