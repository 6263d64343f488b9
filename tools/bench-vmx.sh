#!/usr/bin/env bash
# make bench-vmx: boots with bench.vmx and prints the VMX figures the kernel measured.
# Bochs (corei7_skylake_x, 4 CPUs): cycles are EMULATED (Bochs counts instructions).
# Under KVM with nested VT-x (an Intel host with /dev/kvm), the same figures are real.
set -u
cd "$(dirname "$0")/.."
run() {
	local name=$1; shift
	if python3 tests/emu/emu.py --name "$name" --cmdline 'mode=test bench.vmx vmx.exits=1000 vmx.virtualize' "$@" >/dev/null 2>&1 ||
	   [ -s "build/emu/$name.serial.log" ]; then
		echo "== $name"
		grep -a -E 'bench: vmx|round trip|lifecycle round' "build/emu/$name.serial.log" | sed 's/^\r*cpu0: //'
	else
		echo "== $name: the run failed (see build/emu/$name.serial.log)"
	fi
}
run bench-vmx-bochs-skx4 --emu bochs --smp 4 --cpu-model corei7_skylake_x --timeout 180
if [ -r /dev/kvm ] && grep -qw vmx /proc/cpuinfo; then
	echo "== KVM: not wired into emu.py yet; run 'make run-kvm' with CMDLINE='mode=interactive bench.vmx'"
else
	echo "== KVM: not available here (no /dev/kvm on an Intel host with VMX): Bochs figures only"
fi
