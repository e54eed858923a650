#!/bin/sh
# fetch-ovmf.sh SUITE - fetch the `ovmf` package of another Debian suite
# (trixie, bookworm-backports, forky, sid) for the firmware tests, without
# touching the host's apt configuration and without installing it: apt runs
# on a private sources list, list and cache directories (under a temporary
# directory), so `apt-get update` checks the suite's Release signature
# against Debian's archive keyring like any apt run, and `apt-get download`
# checks the .deb against the signed index. The package is unpacked with
# dpkg-deb -x. Caches under cache/ovmf-SUITE/ (ignored by git):
#   cache/ovmf-SUITE/usr/share/OVMF/...  the firmware files as packaged
#   cache/ovmf-SUITE/version             the package's version
#   cache/ovmf-SUITE/package             the .deb's file name (ovmf, or
#                                        ovmf-generic where ovmf is a
#                                        metapackage)
# Prints the directory on the last line; apt's own progress goes to stderr.
# Caller: tests/boot/uefi-firmware-newer.sh. Network timeouts are short
# (30 s, no retries), so an unreachable archive fails quickly. OVMF_MIRROR
# names another Debian mirror (default http://deb.debian.org/debian); the
# signature is checked all the same.
set -eu

suite=${1:-}
case $suite in
trixie | bookworm-backports | forky | sid | testing | unstable) ;;
*)
	echo "usage: fetch-ovmf.sh trixie|bookworm-backports|forky|sid" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
out="$top/cache/ovmf-$suite"
if [ -s "$out/version" ] && [ -f "$out/usr/share/OVMF/OVMF_CODE_4M.fd" ]; then
	echo "$out"
	exit 0
fi
mirror=${OVMF_MIRROR:-http://deb.debian.org/debian}
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || { echo "fetch-ovmf: no $keyring (package debian-archive-keyring)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
# apt downloads as its sandbox user _apt: it must reach and write these.
chmod 755 "$work"
if id _apt >/dev/null 2>&1; then
	chown _apt "$work/lists/partial" "$work/cache/archives/partial" "$work/deb"
fi
cat >"$work/sources.list" <<EOF
deb [signed-by=$keyring] $mirror $suite main
EOF
apt_private() {
	apt_private_tool apt-get "$@"
}
apt_private_tool() {
	tool=$1
	shift
	"$tool" -o Dir::Etc::SourceList="$work/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o Dir::State::Lists="$work/lists" \
		-o Dir::Cache="$work/cache" \
		-o APT::Architectures::=amd64 \
		-o Acquire::Languages=none \
		-o Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false \
		-o Acquire::http::Timeout=30 -o Acquire::Retries=0 \
		"$@"
}
echo "fetch-ovmf: reading the $suite index from $mirror" >&2
# update exits 0 on a failed download or a bad signature (with a warning):
# --error-on=any makes either fatal.
apt_private --error-on=any update >&2
# From 2026 on (forky, sid) `ovmf` is a metapackage and the firmware is in
# ovmf-generic. PKG/SUITE: that suite's version, even where the suite is
# NotAutomatic (backports).
pkg=ovmf
if apt_private_tool apt-cache show "ovmf-generic/$suite" >/dev/null 2>&1; then
	pkg=ovmf-generic
fi
(cd "$work/deb" && apt_private download "$pkg/$suite") >&2
deb=$(ls "$work"/deb/*.deb)
echo "fetch-ovmf: unpacking $(basename "$deb")" >&2
dpkg-deb -x "$deb" "$work/root"
[ -f "$work/root/usr/share/OVMF/OVMF_CODE_4M.fd" ] || {
	echo "fetch-ovmf: $(basename "$deb") has no usr/share/OVMF/OVMF_CODE_4M.fd" >&2
	exit 1
}
dpkg-deb -f "$deb" Version >"$work/root/version"
basename "$deb" >"$work/root/package"
rm -rf "$out"
mkdir -p "$(dirname "$out")"
mv "$work/root" "$out"
echo "fetch-ovmf: cached $out ($(cat "$out/version"))" >&2
echo "$out"
