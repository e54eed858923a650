#!/bin/sh
# fetch-xen.sh - fetch Debian 12's Xen hypervisor package with `apt-get
# download`, unpack it and gunzip the hypervisor. Used by tests/boot/xen.sh
# (and by hand). Caches under cache/xen/ (ignored by git):
#   cache/xen/xen       the hypervisor: a 32-bit multiboot ELF QEMU's -kernel boots
#   cache/xen/version   the package's name and version
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/cache/xen"
[ -s "$out/xen" ] && exit 0
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The package carries the Xen version in its name (xen-hypervisor-4.17-amd64
# in Debian 12): take the newest one apt knows, updating its lists once.
find_pkg() {
	apt-cache search --names-only '^xen-hypervisor-[0-9.]*-amd64$' 2>/dev/null |
		cut -d' ' -f1 | sort -V | tail -n1
}
pkg=$(find_pkg)
if [ -z "$pkg" ]; then
	apt-get update -qq
	pkg=$(find_pkg)
fi
[ -n "$pkg" ] || { echo "fetch-xen: no xen-hypervisor-*-amd64 package known to apt" >&2; exit 1; }
echo "fetch-xen: downloading Debian's Xen hypervisor ($pkg, about 2 MB)..."
"$top/scripts/apt-download.sh" "$work" "$pkg"
deb=$(ls "$work"/*.deb)
echo "fetch-xen: unpacking $(basename "$deb")"
dpkg -x "$deb" "$work/root"
# boot/xen-4.17-amd64.gz; the package may also hold links or other flavours.
gz=$(ls "$work"/root/boot/xen-*-amd64.gz 2>/dev/null | head -n1)
[ -n "$gz" ] || { echo "fetch-xen: no boot/xen-*-amd64.gz in $(basename "$deb")" >&2; exit 1; }
gunzip -c "$gz" >"$work/xen"
basename "$deb" .deb >"$work/version"
mv "$work/xen" "$work/version" "$out/"
echo "fetch-xen: cached $out/xen ($(stat -c %s "$out/xen") bytes, $(cat "$out/version"))"
