#!/bin/sh
# mkgrub-iso.sh OUT.iso GRUB_CFG FILE... - a BIOS-bootable GRUB 2 ISO
# (grub-mkrescue from Debian's grub-pc-bin) whose root holds the FILEs and
# whose /boot/grub/grub.cfg is GRUB_CFG. FILE may be SRC=NAME to rename.
set -eu
out=$1
cfg=$2
shift 2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/boot/grub"
cp "$cfg" "$dir/boot/grub/grub.cfg"
for f in "$@"; do
	case $f in
	*=*) cp "${f%%=*}" "$dir/${f#*=}" ;;
	*) cp "$f" "$dir/" ;;
	esac
done
# BIOS only (-d i386-pc: with grub-efi-amd64-bin installed grub-mkrescue would
# also build an EFI image, where biosdisk does not exist). Only the modules
# the configurations use: a smaller image builds and boots faster.
grub-mkrescue -d /usr/lib/grub/i386-pc -o "$out" --install-modules="multiboot multiboot2 linux normal serial terminal echo iso9660 biosdisk part_msdos all_video test gzio mmap" \
	"$dir" >/dev/null 2>"$out.log" || { cat "$out.log" >&2; exit 1; }
rm -f "$out.log"
