#!/bin/sh
# mkesp.sh OUT.img SIZE_MB SRC=PATH... - a FAT32 EFI system partition image
# (mtools, no root or loop devices needed) holding each SRC at PATH
# (forward slashes; directories are created).
set -eu
out=$1
size=$2
shift 2
rm -f "$out"
truncate -s "${size}M" "$out"
mformat -i "$out" -F -v ESP :: >/dev/null
for spec in "$@"; do
	src=${spec%%=*}
	dst=${spec#*=}
	dir=$(dirname "$dst")
	path=""
	# mmd has no -p: create each missing level.
	for part in $(echo "$dir" | tr '/' ' '); do
		path="$path/$part"
		mdir -i "$out" "::$path" >/dev/null 2>&1 || mmd -i "$out" "::$path"
	done
	mcopy -i "$out" -o "$src" "::$dst"
done
