#!/bin/sh
# fetch-kernel.sh - fetch Debian 12's current kernel package with
# `apt-get download`, unpack it, and extract the uncompressed vmlinux ELF from
# the bzImage. Caches under cache/kernel/ (ignored by git):
#   cache/kernel/vmlinuz   the bzImage as Debian ships it
#   cache/kernel/vmlinux   the ELF inside it (PVH note, entry 0x1000850 in 6.1)
#   cache/kernel/version   the package's kernel version
#   cache/kernel/config    the kernel's build configuration (boot/config-*)
#   cache/kernel/modules/  the Xen dom0 drivers Debian builds as modules
#                          (xen-evtchn, xen-privcmd, xenfs, xen-gntdev,
#                          xen-gntalloc: scripts/mkdom0-initramfs.sh)
# All of them come from one package, so the modules match the vmlinux.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/cache/kernel"
xen_modules="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc"
cache_complete() {
	[ -s "$out/vmlinux" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/config" ] || return 1
	for m in $xen_modules; do
		[ -s "$out/modules/$m.ko" ] || return 1
	done
}
cache_complete && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# linux-image-amd64 is a metapackage: the real image is its dependency.
pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
if [ -z "$pkg" ]; then
	apt-get update -qq
	pkg=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
fi
[ -n "$pkg" ] || { echo "fetch-kernel: cannot resolve linux-image-amd64" >&2; exit 1; }
echo "fetch-kernel: downloading $pkg (about 70 MB)..."
"$top/scripts/apt-download.sh" "$work" "$pkg"
deb=$(ls "$work"/*.deb)
echo "fetch-kernel: unpacking $(basename "$deb")"
dpkg -x "$deb" "$work/root"
vmlinuz=$(ls "$work"/root/boot/vmlinuz-* | head -n1)
cp "$vmlinuz" "$work/vmlinuz"
"$top/scripts/extract-vmlinux.sh" "$work/vmlinuz" "$work/vmlinux"
basename "$vmlinuz" | sed 's/^vmlinuz-//' > "$work/version"
cp "$(ls "$work"/root/boot/config-* | head -n1)" "$work/config"
mkdir "$work/modules"
for m in $xen_modules; do
	ko=$(find "$work"/root/lib/modules/*/kernel/drivers/xen -name "$m.ko" | head -n1)
	[ -n "$ko" ] || { echo "fetch-kernel: no $m.ko in $(basename "$deb")" >&2; exit 1; }
	cp "$ko" "$work/modules/"
done
rm -rf "$out/modules"
mv "$work/vmlinuz" "$work/vmlinux" "$work/version" "$work/config" "$work/modules" "$out/"
echo "fetch-kernel: cached $out/vmlinux ($(stat -c %s "$out/vmlinux") bytes, $(cat "$out/version"))"
