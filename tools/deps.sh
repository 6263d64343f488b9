#!/usr/bin/env bash
# Installs what vmxboot needs to build, test and run, through apt-get (sudo when not root).
# Quiet and quick when everything is already there.
set -euo pipefail
pkgs=(make gcc binutils python3 grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools
	qemu-system-x86 ovmf bochs bochs-term bochsbios vgabios libcmocka-dev clang lld gdb socat iproute2
	console-setup-linux sbsigntool gnupg openssl)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: done"
