#!/bin/sh
# extract-vmlinux.sh BZIMAGE OUT - find the compressed payload inside a
# bzImage by its magic, decompress it with the matching Debian tool and check
# that the result is an ELF. Tries each candidate offset in turn: a magic can
# also occur by chance inside the setup code.
set -eu

in=$1
out=$2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

try() { # try NAME MAGIC_HEX DECOMPRESSOR...
	name=$1
	magic=$2
	shift 2
	for off in $(LC_ALL=C grep -obUaP "$magic" "$in" 2>/dev/null | cut -d: -f1); do
		tail -c +$((off + 1)) "$in" | "$@" > "$tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ]; then
			mv "$tmp" "$out"
			echo "extract-vmlinux: $name payload at offset $off -> $out"
			exit 0
		fi
	done
}

try xz '\xfd\x37\x7a\x58\x5a\x00' xz -dc --single-stream
try zstd '\x28\xb5\x2f\xfd' zstd -dcq
try gzip '\x1f\x8b\x08' gzip -dc
try lzma '\x5d\x00\x00' lzma -dc
try bzip2 'BZh' bzip2 -dc
try lz4 '\x02\x21\x4c\x18' lz4 -dc
echo "extract-vmlinux: no decompressible ELF payload found in $in" >&2
exit 1
