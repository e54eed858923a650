#!/bin/sh
# fetch-kernel-variant.sh NAME - fetch one more Debian 12 kernel besides the
# default one of fetch-kernel.sh, for tests that need another kind of kernel:
#   6.12   the newest linux-image-6.12.*+deb12-amd64-unsigned: zstd payload,
#          carries XEN_ELFNOTE_PHYS32_RELOC (relocatable)
#   cloud  the newest linux-image-6.1.0-*-cloud-amd64-unsigned: lz4 payload
# Caches under cache/kernel-NAME/ (ignored by git):
#   vmlinuz  the bzImage as Debian ships it
#   vmlinux  the ELF inside it (scripts/extract-vmlinux.sh)
#   version  the kernel version (the part after vmlinuz-)
#   package  the Debian package it came from
# Prints the directory on the last line. apt's own progress is shown.
set -eu

name=${1:-}
case $name in
6.12) pattern='^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' ;;
cloud) pattern='^linux-image-6\.1\.0-[0-9]+-cloud-amd64-unsigned$' ;;
*)
	echo "usage: fetch-kernel-variant.sh 6.12|cloud" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/cache/kernel-$name"
if [ -s "$out/vmlinux" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/version" ]; then
	echo "$out"
	exit 0
fi

newest() {
	apt-cache search --names-only "$pattern" 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n1
}
pkg=$(newest)
if [ -z "$pkg" ]; then
	apt-get update
	pkg=$(newest)
fi
[ -n "$pkg" ] || { echo "fetch-kernel-variant: no package matches $pattern" >&2; exit 1; }

mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "fetch-kernel-variant: downloading $pkg"
"$top/scripts/apt-download.sh" "$work" "$pkg"
dpkg -x "$work"/*.deb "$work/root"
vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
cp "$vmlinuz" "$work/vmlinuz"
"$top/scripts/extract-vmlinux.sh" "$work/vmlinuz" "$work/vmlinux" >&2
basename "$vmlinuz" | sed 's/^vmlinuz-//' > "$work/version"
echo "$pkg" > "$work/package"
mv "$work/vmlinuz" "$work/vmlinux" "$work/version" "$work/package" "$out/"
echo "fetch-kernel-variant: cached $out/vmlinux ($(stat -c %s "$out/vmlinux") bytes, $(cat "$out/version"))" >&2
echo "$out"
