#!/bin/sh
# check-image.sh IMAGE multiboot|pvh|efi - post-link checks of a loader image:
# the PVH note is present; the multiboot headers sit where loaders look for
# them (multiboot1: 4-aligned in the first 8 KiB of the file; multiboot2:
# 8-aligned in the first 32 KiB), or are absent from the PVH-only image
# (QEMU would otherwise boot it as multiboot). For pvhboot.efi: the .sbat
# section shim requires is there, page-aligned in memory, starts with the
# format's own line and ends its last line.
set -eu
img=$1
kind=$2

fail() { echo "check-image: $img: $*" >&2; rm -f "$img"; exit 1; }

if [ "$kind" = efi ]; then
	# objdump -h: "IDX NAME SIZE VMA LMA FILE-OFFSET ALIGN"
	vma=$(objdump -h "$img" | awk '$2 == ".sbat" { print $4 }')
	[ -n "$vma" ] || fail "no .sbat section: shim refuses to start it"
	[ $((0x$vma % 4096)) -eq 0 ] || fail ".sbat at 0x$vma: not page-aligned"
	objcopy -O binary -j .sbat "$img" "$img.sbat"
	head -c 20 "$img.sbat" | grep -q '^sbat,1,SBAT Version,' ||
		{ rm -f "$img.sbat"; fail ".sbat does not start with shim's 'sbat,1,SBAT Version,' line"; }
	[ "$(tail -c 1 "$img.sbat" | od -An -tx1 | tr -d ' ')" = 0a ] ||
		{ rm -f "$img.sbat"; fail ".sbat's last line has no newline"; }
	rm -f "$img.sbat"
	exit 0
fi

readelf -n "$img" | grep -q 'Xen.*0x00000004.*Unknown note type: (0x00000012)' ||
	fail "no XEN_ELFNOTE_PHYS32_ENTRY note (check the .note.Xen section and PT_NOTE)"

# Offsets of a little-endian 32-bit magic in the first N bytes, one per line.
magic_offsets() { # FILE HEX N
	head -c "$3" "$1" | od -An -v -tx4 -w4 | awk -v m="$2" '$1 == m { print (NR - 1) * 4 }'
}

mb1=$(magic_offsets "$img" 1badb002 8192 | head -n1)
mb2=$(magic_offsets "$img" e85250d6 32768 | head -n1)
case $kind in
multiboot)
	[ -n "$mb1" ] || fail "multiboot1 header not in the first 8 KiB"
	[ -n "$mb2" ] || fail "multiboot2 header not in the first 32 KiB"
	[ $((mb2 % 8)) -eq 0 ] || fail "multiboot2 header at offset $mb2 is not 8-aligned"
	;;
pvh)
	[ -z "$mb1$mb2" ] || fail "carries a multiboot header: QEMU would not use its PVH entry"
	;;
*) fail "unknown kind $kind" ;;
esac
size=$(stat -c %s "$img")
[ "$size" -lt 1048576 ] || fail "file is $size bytes: more than 1 MiB, check for bloat"
