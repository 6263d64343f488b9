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
case $how in
kvm)
	echo "run: QEMU with KVM, -cpu host,+vmx; leave with Ctrl-A X"
	exec "${qemu[@]}" -enable-kvm -cpu host,+vmx ;;
qemu)
	echo "run: QEMU TCG (no VT-x in TCG); leave with Ctrl-A X"
	exec "${qemu[@]}" -cpu max ;;
uefi)
	echo "run: QEMU TCG with OVMF (UEFI); leave with Ctrl-A X"
	exec "${qemu[@]}" -cpu max -bios /usr/share/ovmf/OVMF.fd ;;
bochs)
	exec "$(dirname "$0")/run-bochs.sh" "$iso" ;;
*)
	echo "run: unknown '$how' (auto, qemu, kvm, uefi, bochs)" >&2; exit 2 ;;
esac
