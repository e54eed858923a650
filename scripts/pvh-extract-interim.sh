#!/bin/sh
# pvh-extract-interim.sh [-q] [--gzip] -o OUT IMAGE - what the package's
# hooks call pvh-extract for, done by extract-vmlinux.sh (beside this file)
# with Debian's decompressors. scripts/mkdebian-image.sh installs it in the
# test image as /usr/bin/pvh-extract only while the package carries
# no pvh-extract of its own. Exit status 2 when no ELF came out.
set -eu
gz=
out=
while [ $# -gt 1 ]; do
	case $1 in
	-q) ;;
	--gzip) gz=1 ;;
	-o)
		shift
		out=$1
		;;
	esac
	shift
done
[ -n "$out" ] || { echo "pvh-extract: usage: pvh-extract [-q] [--gzip] -o OUT IMAGE" >&2; exit 2; }
sh "$(dirname "$(readlink -f "$0")")/extract-vmlinux.sh" "$1" "$out.raw" >/dev/null || exit 2
if [ -n "$gz" ]; then
	gzip -1 -c "$out.raw" >"$out"
	rm -f "$out.raw"
else
	mv "$out.raw" "$out"
fi
