#!/bin/sh
# mkgrub-pvh.sh OUT - a GRUB 2 image for Xen's PVH guests (GRUB's
# i386-xen_pvh platform): a PVH kernel pvhboot did not build, linked at
# 1 MiB (XEN_ELFNOTE_PHYS32_ENTRY 0x100000, no PHYS32_RELOC), whose first
# segment covers the address pvhboot itself runs at. Used by
# tests/boot/xen.sh (case xen-domu-grub-pvh) and by hand.
#
# The image carries a memdisk (a tar of /boot/grub/grub.cfg, the prefix
# points there) whose config prints, on GRUB's console (the domain's PV
# console ring: xenconsoled, `xl console`),
#   PVHBOOT-GRUB-PVH: config ran on xen_pvh i386
# and then powers the domain off with `halt` (halt.mod). The two words come
# from GRUB's variables ${grub_platform} and ${grub_cpu}: only GRUB's script
# interpreter running the config prints them, its text alone has neither.
#
# GRUB's modules come from Debian's grub-xen-bin of the same version as the
# host's grub-common (whose grub-mkimage builds the image: install-deps.sh),
# fetched once with `apt-get download` into cache/grub-xen-bin/ (ignored
# by git). Needs Xen: its console and its memory map are hypercalls, so
# only a Xen PVH domain can run it (no multiboot, no bare PVH boot).
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUT" >&2; exit 2; }
out=$1
top=$(cd "$(dirname "$0")/.." && pwd)
cache=$top/cache/grub-xen-bin
command -v grub-mkimage >/dev/null || { echo "mkgrub-pvh: grub-mkimage missing: apt-get install grub-common" >&2; exit 1; }
ver=$(dpkg-query -W -f='${Version}' grub-common 2>/dev/null) ||
	{ echo "mkgrub-pvh: grub-common not installed (its grub-mkimage builds the image)" >&2; exit 1; }

# fetch_modules: grub-xen-bin=$ver unpacked into $cache/root.
fetch_modules() {
	work=$(mktemp -d)
	echo "mkgrub-pvh: downloading grub-xen-bin $ver (about 1 MB)"
	if ! "$top/scripts/apt-download.sh" "$work" "grub-xen-bin=$ver"; then
		echo "mkgrub-pvh: apt-get download grub-xen-bin=$ver failed (above); grub-mkimage needs modules of its own version" >&2
		rm -rf "$work"
		return 1
	fi
	dpkg -x "$work"/grub-xen-bin_*.deb "$work/root"
	echo "$ver" >"$work/root/version"
	rm -rf "$cache"
	mkdir -p "$cache"
	mv "$work/root" "$cache/root"
	rm -rf "$work"
}
[ "$(cat "$cache/root/version" 2>/dev/null)" = "$ver" ] || fetch_modules
moddir=$cache/root/usr/lib/grub/i386-xen_pvh
for m in kernel.img memdisk.mod tar.mod normal.mod echo.mod halt.mod; do
	[ -s "$moddir/$m" ] || { echo "mkgrub-pvh: $moddir/$m missing" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/memdisk/boot/grub"
# Single quotes: the variables are GRUB's, expanded by GRUB.
# shellcheck disable=SC2016
printf '%s\n' 'echo "PVHBOOT-GRUB-PVH: config ran on ${grub_platform} ${grub_cpu}"' 'halt' \
	>"$dir/memdisk/boot/grub/grub.cfg"
tar -C "$dir/memdisk" -cf "$dir/memdisk.tar" boot
grub-mkimage -d "$moddir" -O i386-xen_pvh -o "$dir/grub-pvh.elf" -m "$dir/memdisk.tar" \
	-p '(memdisk)/boot/grub' memdisk tar normal echo halt
mv "$dir/grub-pvh.elf" "$out"
echo "mkgrub-pvh: $out ($(stat -c %s "$out") bytes, GRUB $ver, i386-xen_pvh)"
