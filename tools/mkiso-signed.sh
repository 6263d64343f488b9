#!/usr/bin/env bash
# mkiso-signed.sh ELF ISO KEY CERT [CMDLINE]
# The ISO of tools/mkiso.sh, made bootable under UEFI Secure Boot with a db key of your own:
#  - EFI/BOOT/BOOTX64.EFI is a GRUB image built with `grub-mkimage --disable-shim-lock`,
#    every module built in, signed with `sbsign --key KEY --cert CERT` (a db key you enrol);
#  - its built-in config sets check_signatures=enforce, so GRUB's pgp verifier only opens
#    files with a valid detached signature (FILE.sig) from the one public key built into it:
#    grub.cfg and the kernel ELF are signed here with a throwaway gpg key made for this build
#    (its secret half is deleted at the end, so nothing else can ever be signed with it);
#  - under Secure Boot GRUB is in lockdown: it loads a kernel or module only when a verifier
#    vouches for it, so even `set check_signatures=no` at the GRUB prompt cannot load an
#    unsigned kernel ("verification requested but nobody cares"); the menu editor stays usable
#    for changing the kernel command line.
# The BIOS half of the hybrid image is left as mkiso.sh made it.
# KEY may be passphrase-protected: sbsign then asks on the terminal. With KEY and CERT both
# empty, a db key pair is made once in build/secboot/ (db.key, db.crt, and db.cer in DER for
# the firmware's "enrol signature" menu) and reused on later builds.
set -euo pipefail
elf=$1 iso=$2 key=${3:-} cert=${4:-} cmdline=${5:-}
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "mkiso-signed: $*" >&2; exit 1; }

if [ -z "$key" ] && [ -z "$cert" ]; then
	keydir=${SECBOOT_KEYDIR:-build/secboot}
	key=$keydir/db.key cert=$keydir/db.crt
	if [ ! -e "$key" ] || [ ! -e "$cert" ]; then
		mkdir -p "$keydir"
		openssl req -new -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 -subj "/CN=vmxboot db key $(hostname) $(date -u +%F)" \
			-keyout "$key" -out "$cert" 2>/dev/null || die "openssl could not make a key pair in $keydir"
		openssl x509 -in "$cert" -outform DER -out "$keydir/db.cer"
		chmod 600 "$key"
		echo "mkiso-signed: no KEY/CERT given: made a new db key pair $key, $cert ($keydir/db.cer in DER form)"
		echo "mkiso-signed: once you enrol it, move the pair out of build/ ('make clean' deletes it) and pass KEY= CERT="
	fi
	echo "mkiso-signed: signing with $key; the firmware boots the ISO only once $keydir/db.cer is enrolled in its db"
elif [ -z "$key" ] || [ -z "$cert" ]; then
	die "give both KEY=file.key and CERT=file.pem (your db key pair), or neither"
fi

for t in grub-mkimage sbsign sbverify gpg gpgconf xorriso mformat mmd mcopy openssl; do
	command -v "$t" >/dev/null || die "$t not found (tools/deps.sh installs sbsigntool, gnupg, xorriso, mtools, openssl)"
done
grub-mkimage --help | grep -q -- --disable-shim-lock ||
	die "this grub-mkimage has no --disable-shim-lock (GRUB 2.06 or later needed): $(grub-mkimage --version)"
[ -r "$key" ] || die "KEY $key is not readable"
[ -r "$cert" ] || die "CERT $cert is not readable"
openssl x509 -in "$cert" -noout 2>/dev/null || die "CERT $cert is not a PEM X.509 certificate"

rm -f "$iso"   # a failed build leaves no ISO from an earlier one behind
work=$(mktemp -d)
export GNUPGHOME=$work/gnupg
cleanup() {
	gpgconf --kill gpg-agent 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
mkdir -m 700 "$GNUPGHOME"

# 1. the plain hybrid ISO, unpacked: its grub.cfg, kernel and BIOS boot files are kept
"$here/mkiso.sh" "$elf" "$work/plain.iso" "$cmdline" >/dev/null
tree=$work/tree
xorriso -osirrox on -indev "$work/plain.iso" -extract / "$tree" >/dev/null 2>&1 ||
	die "xorriso could not unpack $work/plain.iso"
chmod -R u+w "$tree"
# GRUB finds its ISO by the volume modification time (grub-mkrescue's fs UUID); keep it
mdate=$(xorriso -indev "$work/plain.iso" -pvd_info 2>/dev/null | sed -n 's/^Modif\. Time *: *\([0-9]\{16\}\)$/\1/p')
[ -n "$mdate" ] || die "no modification time in the plain ISO's volume descriptor"
uuid=$(echo "$mdate" | sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)$/\1-\2-\3-\4-\5-\6-\7/')
# the signed GRUB has everything built in: no unsigned EFI modules on the disc, no old EFI image
# (nor grub-mkrescue's HFS+ stubs for Macs, which need its -hfsplus)
rm -rf "$tree/boot/grub/x86_64-efi" "$tree/efi.img" "$tree/boot.catalog" "$tree/System" "$tree/mach_kernel"

# 2. a throwaway gpg key: its public half goes into GRUB, it signs grub.cfg and the kernel
gpg --batch --quiet --passphrase '' --quick-gen-key 'vmxboot build key (throwaway)' rsa3072 sign never 2>/dev/null
fpr=$(gpg --batch --with-colons --list-keys 2>/dev/null | awk -F: '$1 == "fpr" { print $10; exit }')
[ -n "$fpr" ] || die "gpg made no key"
gpg --batch --export "$fpr" > "$work/pubkey.gpg"
for f in boot/grub/grub.cfg boot/vmxboot.elf; do
	gpg --batch --quiet --detach-sign --digest-algo SHA256 -o "$tree/$f.sig" "$tree/$f"
done

# 3. GRUB for x86_64-efi with the key and this config built in
cat > "$work/embedded.cfg" <<EOF
set check_signatures=enforce
export check_signatures
search --no-floppy --fs-uuid --set=root $uuid
set prefix=(\$root)/boot/grub
configfile \$prefix/grub.cfg
echo "vmxboot: GRUB could not use \$prefix/grub.cfg (see the error above): the signed image refuses files without a valid signature"
EOF
mods=(normal configfile search search_fs_uuid iso9660 part_msdos part_gpt part_apple fat serial terminal
	multiboot2 boot pgp gcry_sha256 gcry_sha512 gcry_rsa gcry_dsa echo test sleep
	all_video efi_gop efi_uga video halt reboot)
grub-mkimage -O x86_64-efi --disable-shim-lock -p /boot/grub -c "$work/embedded.cfg" \
	--pubkey "$work/pubkey.gpg" -o "$work/grubx64.efi" "${mods[@]}"
sbsign --key "$key" --cert "$cert" --output "$work/BOOTX64.EFI" "$work/grubx64.efi" 2>&1 |
	grep -v '^Signing Unsigned original image$' || true
[ -s "$work/BOOTX64.EFI" ] || die "sbsign made no signed image (wrong passphrase, or KEY does not match CERT?)"
sbverify --cert "$cert" "$work/BOOTX64.EFI" >/dev/null 2>&1 ||
	die "sbverify: $work/BOOTX64.EFI does not verify against $cert (KEY and CERT do not match?)"

# 4. the EFI system partition image (FAT) that holds it, El Torito and GPT both point to it
kib=$(( $(stat -c %s "$work/BOOTX64.EFI") / 1024 + 256 ))
dd if=/dev/zero of="$tree/efi.img" bs=1k count="$kib" status=none
mformat -i "$tree/efi.img" ::
mmd -i "$tree/efi.img" ::/EFI ::/EFI/BOOT
mcopy -i "$tree/efi.img" "$work/BOOTX64.EFI" ::/EFI/BOOT/BOOTX64.EFI

# 5. the ISO, laid out as grub-mkrescue does (BIOS El Torito + hybrid MBR, EFI El Torito + GPT)
mkdir -p "$(dirname "$iso")"
if ! out=$(xorriso -as mkisofs -graft-points --modification-date="$mdate" -r \
	-b boot/grub/i386-pc/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
	--grub2-mbr /usr/lib/grub/i386-pc/boot_hybrid.img -apm-block-size 2048 \
	--efi-boot efi.img -efi-boot-part --efi-boot-image --protective-msdos-label -o "$iso" "$tree" 2>&1); then
	printf '%s\n' "$out" >&2
	die "xorriso failed"
fi
subject=$(openssl x509 -in "$cert" -noout -subject | sed 's/^subject=//')
echo "made $iso${cmdline:+ (cmdline: $cmdline)}: BOOTX64.EFI signed for '$subject', kernel and grub.cfg signed by throwaway gpg key $fpr"
