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
#                          xen-gntalloc: scripts/mkdom0-initramfs.sh), and
#                          for a dom0 that serves a disk to its guest
#                          (mkdom0-initramfs.sh -d): the block backend
#                          xen-blkback and the virtio-blk-pci driver of the
#                          disk QEMU gives dom0 (virtio_pci, virtio_blk),
#                          all modules in Debian's 6.1 with their
#                          dependencies (virtio, virtio_ring,
#                          virtio_pci_modern_dev, virtio_pci_legacy_dev);
#                          and for a Linux domU reading its xen vbd
#                          (tests/boot/xen.sh): xen-blkfront
#   cache/kernel/modules/disk-order
#                          those modules' file names (no .ko), one a line,
#                          in an order insmod can load them: each after the
#                          modules its .modinfo "depends=" names
# All of them come from one package, so the modules match the vmlinux.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/cache/kernel"
xen_modules="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc"
# What dom0 needs to serve a disk; their dependencies are found below.
disk_modules="xen-blkback virtio_pci virtio_blk"
domu_modules="xen-blkfront" # depends on nothing: Xen's bus is built in
# A cache filled before the disk modules were kept lacks disk-order: refilled.
cache_complete() {
	[ -s "$out/vmlinux" ] && [ -s "$out/vmlinuz" ] && [ -s "$out/config" ] || return 1
	[ -s "$out/modules/disk-order" ] || return 1
	for m in $xen_modules $domu_modules $(cat "$out/modules/disk-order"); do
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

# find_ko NAME: the module's file under the package's tree; a module's name
# has "_" where its file name may have "-" (xen_blkback, xen-blkback.ko).
find_ko() {
	find "$work"/root/lib/modules/*/kernel -name "$(echo "$1" | sed 's/[-_]/[-_]/g').ko" | head -n1
}
for m in $domu_modules; do
	ko=$(find_ko "$m")
	[ -n "$ko" ] || { echo "fetch-kernel: no $m.ko in $(basename "$deb")" >&2; exit 1; }
	cp "$ko" "$work/modules/"
done
# The package has no modules.dep (depmod makes it on installation): each
# module's own "depends=" in its .modinfo section. Loaded before a module:
# every module it depends on; a module whose dependencies are not all in
# the order yet goes back on the list after them.
order=
todo=$disk_modules
while [ -n "$todo" ]; do
	# shellcheck disable=SC2086 # one word per module
	set -- $todo
	m=$1
	shift
	todo=$*
	key=$(echo "$m" | tr - _)
	case " $order " in *" $key "*) continue ;; esac
	ko=$(find_ko "$m")
	[ -n "$ko" ] || { echo "fetch-kernel: no $m.ko in $(basename "$deb") (built in?)" >&2; exit 1; }
	deps=$(objcopy -O binary --only-section=.modinfo "$ko" /dev/stdout | tr '\0' '\n' |
		sed -n 's/^depends=//p' | tr , ' ' | tr - _)
	missing=
	for d in $deps; do
		case " $order " in *" $d "*) ;; *) missing="$missing $d" ;; esac
	done
	if [ -n "$missing" ]; then
		todo="$missing $m $todo"
		continue
	fi
	order="$order $key"
	cp "$ko" "$work/modules/"
	basename "$ko" .ko >>"$work/modules/disk-order"
done
echo "fetch-kernel: disk modules in load order: $(tr '\n' ' ' <"$work/modules/disk-order")"
rm -rf "$out/modules"
mv "$work/vmlinuz" "$work/vmlinux" "$work/version" "$work/config" "$work/modules" "$out/"
echo "fetch-kernel: cached $out/vmlinux ($(stat -c %s "$out/vmlinux") bytes, $(cat "$out/version"))"
