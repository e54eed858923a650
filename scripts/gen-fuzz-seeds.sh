#!/bin/sh
# gen-fuzz-seeds.sh - write seed inputs for the ELF fuzz target
# (tests/fuzz/fuzz_elf.c) into build/fuzz-corpus/elf/ (or the directory given
# as $1), and for the bzImage target (tests/fuzz/fuzz_bzimage.c) into the
# sibling directory bzimage/. Run by hand or before `make fuzz` /
# `make fuzz-replay`.
#
# Seeds:
#   hand-*      tiny ELF32/ELF64 PVH images built here byte by byte, and
#               variants (p_align 8 notes, notes only in SHT_NOTE, 2-byte
#               entry, reloc note, overlapping segments, entry outside text,
#               QEMU 7.2's reading of notes). The ones in tests/fuzz/corpus/elf/
#               are copies of these.
#   vmlinux-*   from cache/kernel/vmlinux when present (make kernel): its
#               first 4 KiB, a "mini" kernel (headers + the real notes, load
#               segments emptied), and truncated copies.
#   guest-*     build/pvh-testguest.elf when present, whole and truncated.
# bzImage seeds:
#   hand-*      1 KiB of setup (setup_sects 1) and a small payload for each
#               compression's magic, with the size trailer; variants (setup_sects
#               0, protocol 2.07, payload past the end, a wrapping length, an
#               lz4 stream with a bad block) and truncations. The ones in
#               tests/fuzz/corpus/bzimage/ are copies of these.
#   real-*      each cached Debian vmlinuz (cache/kernel*/vmlinuz): its setup
#               and the first 4 KiB of its payload, as cut (the header points
#               past the end) and with payload_length patched to fit.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/fuzz-corpus/elf}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# le FILE OFFSET WIDTH VALUE: store VALUE little-endian in WIDTH bytes.
le() {
	_b= _i=0
	while [ "$_i" -lt "$3" ]; do
		_b="$_b$(printf '\\%03o' $(( ($4 >> (8 * _i)) & 255 )))"
		_i=$((_i + 1))
	done
	printf "$_b" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# rd FILE OFFSET WIDTH: the little-endian number there (host is x86).
rd() {
	od -An -t "u$3" -j "$2" -N "$3" "$1" | tr -d ' \n'
}

# cut FILE SIZE NAME: the first SIZE bytes of FILE as seed NAME.
cut_to() {
	head -c "$2" "$1" > "$out/$3"
}

# note FILE OFFSET TYPE DESCSZ VALUE...: an owner "Xen" note; values are
# DESCSZ/count bytes wide (a string value is written as its bytes). Sets
# $note_end to the offset after the padded descriptor.
note() {
	_f=$1 _o=$2 _t=$3 _d=$4
	shift 4
	le "$_f" "$_o" 4 4
	le "$_f" $((_o + 4)) 4 "$_d"
	le "$_f" $((_o + 8)) 4 "$_t"
	printf 'Xen\000' | dd of="$_f" bs=1 seek=$((_o + 12)) conv=notrunc status=none
	_p=$((_o + 16))
	case "$1" in
	s:*) printf '%s' "${1#s:}" | dd of="$_f" bs=1 seek="$_p" conv=notrunc status=none ;;
	*) _w=$((_d / $#)); for _v in "$@"; do le "$_f" "$_p" "$_w" "$_v"; _p=$((_p + _w)); done ;;
	esac
	note_end=$((_o + 16 + (_d + 3) / 4 * 4))
}

# mk_elf FILE CLASS: a 512-byte image with phdr 0 text R-X at 0x100000
# (file 0x180, filesz 0x80, memsz 0x1000), phdr 1 data RW- at 0x200000
# (file 0x1c0, filesz 0x40, memsz 0x2000), phdr 2 PT_NOTE at 0xe8 whose size
# set_notes fills in. Field offsets are the System V ABI's.
mk_elf() {
	head -c 512 /dev/zero > "$1"
	printf '\177ELF' | dd of="$1" conv=notrunc status=none
	if [ "$2" = 64 ]; then
		le "$1" 4 3 $((0x010102))
		le "$1" 16 2 2; le "$1" 18 2 62; le "$1" 20 4 1; le "$1" 24 8 $((0x100000))
		le "$1" 32 8 64; le "$1" 52 2 64; le "$1" 54 2 56; le "$1" 56 2 3; le "$1" 58 2 64
		phdr64 "$1" 0 1 5 $((0x180)) $((0x100000)) $((0x80)) $((0x1000)) $((0x1000))
		phdr64 "$1" 1 1 6 $((0x1c0)) $((0x200000)) $((0x40)) $((0x2000)) $((0x1000))
		phdr64 "$1" 2 4 4 $((0xe8)) 0 0 0 4
	else
		le "$1" 4 3 $((0x010101))
		le "$1" 16 2 2; le "$1" 18 2 3; le "$1" 20 4 1; le "$1" 24 4 $((0x100000))
		le "$1" 28 4 52; le "$1" 40 2 52; le "$1" 42 2 32; le "$1" 44 2 3; le "$1" 46 2 40
		phdr32 "$1" 0 1 5 $((0x180)) $((0x100000)) $((0x80)) $((0x1000)) $((0x1000))
		phdr32 "$1" 1 1 6 $((0x1c0)) $((0x200000)) $((0x40)) $((0x2000)) $((0x1000))
		phdr32 "$1" 2 4 4 $((0xe8)) 0 0 0 4
	fi
}

# phdrNN FILE INDEX TYPE FLAGS OFFSET PADDR FILESZ MEMSZ ALIGN
phdr64() {
	_o=$((64 + $2 * 56))
	le "$1" "$_o" 4 "$3"; le "$1" $((_o + 4)) 4 "$4"; le "$1" $((_o + 8)) 8 "$5"
	le "$1" $((_o + 16)) 8 "$6"; le "$1" $((_o + 24)) 8 "$6"; le "$1" $((_o + 32)) 8 "$7"
	le "$1" $((_o + 40)) 8 "$8"; le "$1" $((_o + 48)) 8 "$9"
}
phdr32() {
	_o=$((52 + $2 * 32))
	le "$1" "$_o" 4 "$3"; le "$1" $((_o + 4)) 4 "$5"; le "$1" $((_o + 8)) 4 "$6"
	le "$1" $((_o + 12)) 4 "$6"; le "$1" $((_o + 16)) 4 "$7"; le "$1" $((_o + 20)) 4 "$8"
	le "$1" $((_o + 24)) 4 "$4"; le "$1" $((_o + 28)) 4 "$9"
}

# phdr_field FILE CLASS INDEX NAME: offset and width of a program header field.
phdr_field() {
	if [ "$2" = 64 ]; then
		_base=$((64 + $3 * 56))
		case $4 in type) echo "$_base 4" ;; flags) echo "$((_base + 4)) 4" ;;
		offset) echo "$((_base + 8)) 8" ;; paddr) echo "$((_base + 24)) 8" ;;
		filesz) echo "$((_base + 32)) 8" ;; memsz) echo "$((_base + 40)) 8" ;;
		align) echo "$((_base + 48)) 8" ;; esac
	else
		_base=$((52 + $3 * 32))
		case $4 in type) echo "$_base 4" ;; flags) echo "$((_base + 24)) 4" ;;
		offset) echo "$((_base + 4)) 4" ;; paddr) echo "$((_base + 12)) 4" ;;
		filesz) echo "$((_base + 16)) 4" ;; memsz) echo "$((_base + 20)) 4" ;;
		align) echo "$((_base + 28)) 4" ;; esac
	fi
}

# set_phdr FILE CLASS INDEX NAME VALUE
set_phdr() {
	# shellcheck disable=SC2046
	set -- "$1" "$5" $(phdr_field "$1" "$2" "$3" "$4")
	le "$1" "$3" "$4" "$2"
}

# notes_std FILE CLASS ENTRYSZ: GUEST_OS "pvh" then PHYS32_ENTRY 0x100010.
notes_std() {
	note "$1" $((0xe8)) 6 4 's:pvh'
	note "$1" "$note_end" 18 "$3" $((0x100010))
	set_phdr "$1" "$2" 2 filesz $((note_end - 0xe8))
}

# --- hand-built --------------------------------------------------------------
for c in 64 32; do
	f=$tmp/hand-min$c
	mk_elf "$f" $c
	notes_std "$f" $c $((c / 8))
	cp "$f" "$out/hand-min$c"

	cp "$f" "$tmp/x"; set_phdr "$tmp/x" $c 2 align 8
	cp "$tmp/x" "$out/hand-align8-$c"

	mk_elf "$tmp/x" $c; notes_std "$tmp/x" $c 2
	cp "$tmp/x" "$out/hand-descsz2-$c"

	cp "$f" "$tmp/x"; set_phdr "$tmp/x" $c 1 paddr $((0x100800))
	cp "$tmp/x" "$out/hand-overlap-$c"

	cp "$f" "$tmp/x"; set_phdr "$tmp/x" $c 0 flags 4
	cp "$tmp/x" "$out/hand-noexec-$c"

	cp "$f" "$tmp/x"; set_phdr "$tmp/x" $c 1 paddr $((0xfffff000))
	cp "$tmp/x" "$out/hand-above4g-$c"

	# PHYS32_RELOC (Linux: .long align, min, max) before the entry.
	mk_elf "$tmp/x" $c
	note "$tmp/x" $((0xe8)) 19 12 $((0x200000)) $((0x1000000)) $((0x3fffffff))
	note "$tmp/x" "$note_end" 18 4 $((0x100010))
	set_phdr "$tmp/x" $c 2 filesz $((note_end - 0xe8))
	cp "$tmp/x" "$out/hand-reloc-$c"

	# Notes only in sections: PT_NOTE becomes PT_NULL, section headers at 0x200.
	cp "$f" "$tmp/x"; set_phdr "$tmp/x" $c 2 type 0
	head -c $((c == 64 ? 128 : 80)) /dev/zero >> "$tmp/x"
	if [ $c = 64 ]; then
		le "$tmp/x" 40 8 512; le "$tmp/x" 60 2 2
		le "$tmp/x" $((512 + 64 + 4)) 4 7; le "$tmp/x" $((512 + 64 + 24)) 8 $((0xe8))
		le "$tmp/x" $((512 + 64 + 32)) 8 $((note_end - 0xe8))
	else
		le "$tmp/x" 32 4 512; le "$tmp/x" 48 2 2
		le "$tmp/x" $((512 + 40 + 4)) 4 7; le "$tmp/x" $((512 + 40 + 16)) 4 $((0xe8))
		le "$tmp/x" $((512 + 40 + 20)) 4 $((note_end - 0xe8))
	fi
	cp "$tmp/x" "$out/hand-sections-$c"

	for n in 0 15 16 40 63 64 100 231 300 511; do
		cut_to "$f" $n "hand-min$c-cut$n"
	done
done

# QEMU 7.2 pads the note name by the segment's p_align (8): a file laid out
# the way it reads it, which Xen's rule (pad 4) reads differently.
mk_elf "$tmp/x" 64
le "$tmp/x" $((0xe8)) 4 4; le "$tmp/x" $((0xec)) 4 8; le "$tmp/x" $((0xf0)) 4 18
printf 'Xen\000' | dd of="$tmp/x" bs=1 seek=$((0xf4)) conv=notrunc status=none
le "$tmp/x" $((0xfc)) 8 $((0x100010))
set_phdr "$tmp/x" 64 2 filesz 28
set_phdr "$tmp/x" 64 2 align 8
cp "$tmp/x" "$out/hand-qemu72-name-pad8"

# --- Debian's vmlinux ----------------------------------------------------------
vmlinux=$top/cache/kernel/vmlinux
if [ -s "$vmlinux" ]; then
	cut_to "$vmlinux" 4096 vmlinux-head4k
	phoff=$(rd "$vmlinux" 32 8)
	phnum=$(rd "$vmlinux" 56 2)
	head -c 4096 "$vmlinux" > "$tmp/mini"
	i=0
	while [ "$i" -lt "$phnum" ]; do
		o=$((phoff + i * 56))
		case $(rd "$vmlinux" "$o" 4) in
		1)	# PT_LOAD: keep the addresses, drop the file bytes.
			le "$tmp/mini" $((o + 8)) 8 0
			le "$tmp/mini" $((o + 32)) 8 0 ;;
		4)	# PT_NOTE: copy the real notes after the headers.
			noff=$(rd "$vmlinux" $((o + 8)) 8)
			nsz=$(rd "$vmlinux" $((o + 32)) 8)
			mini_size=$(stat -c %s "$tmp/mini")
			tail -c +$((noff + 1)) "$vmlinux" | head -c "$nsz" >> "$tmp/mini"
			le "$tmp/mini" $((o + 8)) 8 "$mini_size"
			note_phdr=$o ;;
		esac
		i=$((i + 1))
	done
	cp "$tmp/mini" "$out/vmlinux-mini"
	size=$(stat -c %s "$tmp/mini")
	for n in 16 63 64 $((phoff + phnum * 56 - 1)) $((phoff + phnum * 56)) 4107 4200 \
		 $((size - 1)); do
		cut_to "$tmp/mini" "$n" "vmlinux-mini-cut$n"
	done
	if [ -n "${note_phdr:-}" ]; then
		# Toolchains with .note.gnu.property give PT_NOTE p_align 8; QEMU 7.2
		# then reads the name padded to 8 (a seed for that reading).
		cp "$tmp/mini" "$tmp/x"
		le "$tmp/x" $((note_phdr + 48)) 8 8
		cp "$tmp/x" "$out/vmlinux-mini-notealign8"
	fi
fi

# --- the conformance guest -------------------------------------------------------
guest=$top/build/pvh-testguest.elf
if [ -s "$guest" ]; then
	cp "$guest" "$out/guest-full"
	size=$(stat -c %s "$guest")
	for n in 52 64 200 1000 $((size / 2)) $((size - 1)); do
		[ "$n" -lt "$size" ] && cut_to "$guest" "$n" "guest-cut$n"
	done
fi

echo "gen-fuzz-seeds: $(ls "$out" | wc -l) seeds in $out"

# --- bzImages --------------------------------------------------------------------
bzout=$(dirname "$out")/bzimage
mkdir -p "$bzout"

# mk_bz FILE MAGIC_OCTAL: setup_sects 1 (the 32-bit code at 0x400), boot
# protocol 2.15, kernel_version "6.1.0-seed (seed@pvhboot) #1" at 0x300, a
# 64-byte payload at 0x410 (payload_offset 0x10) starting with the magic and
# ending in the size trailer (0x1000), then 16 bytes of padding.
mk_bz() {
	head -c $((0x410 + 64 + 16)) /dev/zero > "$1"
	le "$1" $((0x1f1)) 1 1
	le "$1" $((0x1fe)) 2 $((0xaa55))
	printf 'HdrS' | dd of="$1" bs=1 seek=$((0x202)) conv=notrunc status=none
	le "$1" $((0x206)) 2 $((0x20f))
	le "$1" $((0x20e)) 2 $((0x100))
	le "$1" $((0x211)) 1 1
	le "$1" $((0x248)) 4 $((0x10))
	le "$1" $((0x24c)) 4 64
	le "$1" $((0x260)) 4 $((0x100000))
	printf '6.1.0-seed (seed@pvhboot) #1\000' | dd of="$1" bs=1 seek=$((0x300)) conv=notrunc status=none
	printf "$2" | dd of="$1" bs=1 seek=$((0x410)) conv=notrunc status=none
	le "$1" $((0x410 + 60)) 4 $((0x1000))
}

mk_bz "$bzout/hand-gzip" '\037\213\010'
mk_bz "$bzout/hand-bzip2" 'BZh9'
mk_bz "$bzout/hand-lzma" '\135\000\000\200\000'
mk_bz "$bzout/hand-xz" '\375\067\172\130\132\000'
mk_bz "$bzout/hand-lzo" '\211\114\132\117'
mk_bz "$bzout/hand-zstd" '\050\265\057\375'
mk_bz "$bzout/hand-none" '\177ELF'
mk_bz "$bzout/hand-unknown" 'JUNK'
# lz4 legacy: magic, a 10-byte block, the magic again, a 34-byte block, trailer.
mk_bz "$tmp/bz" '\002\041\114\030'
le "$tmp/bz" $((0x414)) 4 10
le "$tmp/bz" $((0x422)) 4 $((0x184c2102))
le "$tmp/bz" $((0x426)) 4 34
cp "$tmp/bz" "$bzout/hand-lz4"
cp "$tmp/bz" "$tmp/x"; le "$tmp/x" $((0x426)) 4 35
cp "$tmp/x" "$bzout/hand-lz4-block-past-end"
cp "$tmp/bz" "$tmp/x"; le "$tmp/x" $((0x426)) 4 $((0x7fffffff))
cp "$tmp/x" "$bzout/hand-lz4-block-huge"
cp "$tmp/bz" "$tmp/x"; le "$tmp/x" $((0x24c)) 4 63
cp "$tmp/x" "$bzout/hand-lz4-stray"
cp "$bzout/hand-xz" "$tmp/x"; le "$tmp/x" $((0x1f1)) 1 0
cp "$tmp/x" "$bzout/hand-setup-sects0"
cp "$bzout/hand-xz" "$tmp/x"; le "$tmp/x" $((0x206)) 2 $((0x207))
cp "$tmp/x" "$bzout/hand-protocol207"
cp "$bzout/hand-xz" "$tmp/x"; le "$tmp/x" $((0x248)) 4 $((0x1000))
cp "$tmp/x" "$bzout/hand-offset-past-end"
cp "$bzout/hand-xz" "$tmp/x"; le "$tmp/x" $((0x24c)) 4 $((0xfffffff8))
cp "$tmp/x" "$bzout/hand-length-wraps"
cp "$bzout/hand-xz" "$tmp/x"; le "$tmp/x" $((0x20e)) 2 $((0x300))
cp "$tmp/x" "$bzout/hand-version-outside-setup"
for n in 0 $((0x1f0)) $((0x204)) $((0x24f)) $((0x250)) $((0x420)) $((0x44f)); do
	head -c "$n" "$bzout/hand-xz" > "$bzout/hand-xz-cut$n"
done

for v in "$top"/cache/kernel*/vmlinuz; do
	[ -s "$v" ] || continue
	name=$(basename "$(dirname "$v")")
	sects=$(rd "$v" $((0x1f1)) 1)
	[ "$sects" = 0 ] && sects=4
	poff=$(rd "$v" $((0x248)) 4)
	start=$(((sects + 1) * 512 + poff))
	head -c $((start + 4096)) "$v" > "$bzout/real-$name-cut"
	cp "$bzout/real-$name-cut" "$tmp/x"
	le "$tmp/x" $((0x24c)) 4 4096
	cp "$tmp/x" "$bzout/real-$name-fit"
done
echo "gen-fuzz-seeds: $(ls "$bzout" | wc -l) seeds in $bzout"
