#!/bin/bash
# mkhostile.sh - build malformed PVH kernels from valid ones, for
# tests/boot/hostile.sh (and by hand): `scripts/mkhostile.sh OUTDIR`.
#
# Sources: build/pvh-testguest.elf (ELF32, built if missing) and an ELF64
# copy of it made by objcopy (same segments, offsets and note: the guest's
# code is 32-bit, which a PVH kernel's entry is anyway). Every case is a
# copy with header fields patched by printf/dd: truncations at each header
# boundary, 64-bit offset/size overflows, tables past the end, p_filesz >
# p_memsz, segments above 4 GiB or wrapping, bad note sizes and owners, 2-
# and 8-byte PHYS32_ENTRY descriptors (8 is valid), entries outside every
# executable segment, overlapping segments, garbage section headers with
# no PT_NOTE, a kernel larger than RAM and a kernel in low memory.
#
# Writes OUTDIR/expect.tsv, one line per case, tab-separated:
#   file  inspect-status  inspect-substring  loader
# inspect-status/-substring: what `pvh-inspect FILE` must exit with and
# print (stdout or stderr; fixed string, naming the field); loader: "boots"
# (the guest must reach "PVH-CONFORMANCE: ok") or a fixed substring of the
# loader's "pvhboot: error:" line; " | " separates alternatives where the
# entry paths differ (QEMU gives a PVH guest no module for an empty file).
# shellcheck disable=SC2046 # $(eh ...)/$(ph ...) give "OFFSET WIDTH": two words
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: mkhostile.sh OUTDIR}
guest=$top/build/pvh-testguest.elf
[ -f "$guest" ] || make -C "$top" --no-print-directory -s build/pvh-testguest.elf
mkdir -p "$out"
rm -f "$out"/*.elf "$out/expect.tsv"
tsv=$out/expect.tsv

# put FILE OFFSET WIDTH VALUE: VALUE little-endian in WIDTH bytes (bash
# arithmetic is 64-bit two's complement, so 0xffff... values work).
put() {
	local b='' i=0
	while [ $i -lt "$3" ]; do
		b="$b$(printf '\\%03o' $((($4 >> (8 * i)) & 255)))"
		i=$((i + 1))
	done
	# shellcheck disable=SC2059 # the escapes are the point
	printf "$b" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# get FILE OFFSET WIDTH: the little-endian number there (WIDTH 2, 4 or 8).
get() {
	local v=""
	case $3 in
	1) v=$(od -An -tu1 -j"$2" -N1 "$1") ;;
	2) v=$(od -An -tu2 -j"$2" -N2 "$1") ;;
	4) v=$(od -An -tu4 -j"$2" -N4 "$1") ;;
	8) v=$(od -An -tu8 -j"$2" -N8 "$1") ;;
	esac
	echo $((v))
}

# Field offsets/widths by class: the ELF header, then program headers.
# Their "OFFSET WIDTH" output is split into two arguments on purpose.
# eh CLASS FIELD -> "OFFSET WIDTH"
eh() {
	case $1:$2 in
	32:entry) echo 24 4 ;; 64:entry) echo 24 8 ;;
	32:phoff) echo 28 4 ;; 64:phoff) echo 32 8 ;;
	32:shoff) echo 32 4 ;; 64:shoff) echo 40 8 ;;
	32:phentsize) echo 42 2 ;; 64:phentsize) echo 54 2 ;;
	32:phnum) echo 44 2 ;; 64:phnum) echo 56 2 ;;
	32:shentsize) echo 46 2 ;; 64:shentsize) echo 58 2 ;;
	32:shnum) echo 48 2 ;; 64:shnum) echo 60 2 ;;
	esac
}
# ph CLASS FIELD -> "OFFSET-IN-ENTRY WIDTH"
ph() {
	case $1:$2 in
	32:type) echo 0 4 ;; 64:type) echo 0 4 ;;
	32:offset) echo 4 4 ;; 64:offset) echo 8 8 ;;
	32:paddr) echo 12 4 ;; 64:paddr) echo 24 8 ;;
	32:filesz) echo 16 4 ;; 64:filesz) echo 32 8 ;;
	32:memsz) echo 20 4 ;; 64:memsz) echo 40 8 ;;
	32:flags) echo 24 4 ;; 64:flags) echo 4 4 ;;
	esac
}
class_of() { [ "$(get "$1" 4 1)" = 2 ] && echo 64 || echo 32; }
set_eh() { # FILE FIELD VALUE
	local c
	c=$(class_of "$1")
	set -- "$1" "$2" "$3" $(eh "$c" "$2")
	put "$1" "$4" "$5" "$3"
}
get_eh() { # FILE FIELD
	local c
	c=$(class_of "$1")
	set -- "$1" $(eh "$c" "$2")
	get "$1" "$2" "$3"
}
phdr_at() { # FILE INDEX -> offset of program header INDEX
	local c
	c=$(class_of "$1")
	echo $(($(get_eh "$1" phoff) + $2 * $([ "$c" = 64 ] && echo 56 || echo 32)))
}
set_ph() { # FILE INDEX FIELD VALUE
	local c base
	c=$(class_of "$1")
	base=$(phdr_at "$1" "$2")
	set -- "$1" "$2" "$3" "$4" $(ph "$c" "$3")
	put "$1" $((base + $5)) "$6" "$4"
}
get_ph() { # FILE INDEX FIELD
	local c base
	c=$(class_of "$1")
	base=$(phdr_at "$1" "$2")
	set -- "$1" $(ph "$c" "$3")
	get "$1" $((base + $2)) "$3"
}

# append_notes FILE NOTE_INDEX DATA_FILE: DATA_FILE's bytes go at the end of
# FILE (4-aligned) and program header NOTE_INDEX (the PT_NOTE) points at them.
append_notes() {
	local size pad
	size=$(stat -c %s "$1")
	pad=$(((4 - size % 4) % 4))
	head -c "$pad" /dev/zero >>"$1"
	set_ph "$1" "$2" offset $((size + pad))
	set_ph "$1" "$2" filesz "$(stat -c %s "$3")"
	cat "$3" >>"$1"
}
# mknote OUT NAMESZ DESCSZ TYPE NAME_ESC DESC_ESC: write one note to OUT
# (appending), the name and descriptor given as printf escapes, each then
# padded to 4 bytes.
mknote() {
	local f=$1 n
	n=$(stat -c %s "$f" 2>/dev/null || echo 0)
	put "$f" "$n" 4 "$2"
	put "$f" $((n + 4)) 4 "$3"
	put "$f" $((n + 8)) 4 "$4"
	# shellcheck disable=SC2059
	printf "$5" >>"$f"
	head -c $(((4 - ($(stat -c %s "$f") % 4)) % 4)) /dev/zero >>"$f"
	# shellcheck disable=SC2059
	printf "$6" >>"$f"
	head -c $(((4 - ($(stat -c %s "$f") % 4)) % 4)) /dev/zero >>"$f"
}

# expect FILE STATUS INSPECT LOADER: one line of expect.tsv.
expect() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$tsv"
}
# new NAME SOURCE: copy SOURCE to OUTDIR/NAME.elf, print the path.
new() {
	cp "$2" "$out/$1.elf"
	echo "$out/$1.elf"
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
g32=$tmp/g32.elf
g64=$tmp/g64.elf
cp "$guest" "$g32"
objcopy -O elf64-x86-64 "$guest" "$g64"

# The guest's layout, read rather than assumed: the text segment (the entry
# is in it), the data segment (BSS after its file bytes) and the PT_NOTE.
nph=$(get_eh "$g32" phnum)
text=-1 data=-1 note=-1
for i in $(seq 0 $((nph - 1))); do
	case $(get_ph "$g32" "$i" type):$(($(get_ph "$g32" "$i" flags) & 3)) in
	1:1) [ $text -ge 0 ] || text=$i ;;
	1:2 | 1:3) data=$i ;;
	4:*) note=$i ;;
	esac
done
if [ $text -lt 0 ] || [ $data -lt 0 ] || [ $note -lt 0 ]; then
	echo "mkhostile: $guest: want a text, a data and a PT_NOTE program header" >&2
	exit 1
fi
text_paddr=$(get_ph "$g32" "$text" paddr)
# The PHYS32_ENTRY value: the first note of the PT_NOTE, owner "Xen" (4 bytes).
entry=$(get "$g32" $(($(get_ph "$g32" "$note" offset) + 16)) 4)
text_end=$((text_paddr + $(get_ph "$g32" "$text" memsz)))
data_paddr=$(get_ph "$g32" "$data" paddr)
data_filesz=$(get_ph "$g32" "$data" filesz)
data_memsz=$(get_ph "$g32" "$data" memsz)
hex() { printf '0x%x' "$1"; }
esc32() { # VALUE -> 4 bytes as printf escapes
	printf '\\%03o\\%03o\\%03o\\%03o' $(($1 & 255)) $((($1 >> 8) & 255)) \
		$((($1 >> 16) & 255)) $((($1 >> 24) & 255))
}

for c in 32 64; do
	src=$tmp/g$c.elf
	ehsize=$([ $c = 64 ] && echo 64 || echo 52)
	phentsize=$([ $c = 64 ] && echo 56 || echo 32)
	phoff=$(get_eh "$src" phoff)
	phend=$((phoff + nph * phentsize))
	fsize=$(stat -c %s "$src")

	# --- valid ones --------------------------------------------------------
	expect "$(basename "$(new ok-guest$c "$src")")" 0 "status: PVH-bootable" boots
	# Section headers are only a fall-back for files without PT_NOTE.
	f=$(new ok-no-shdrs$c "$src")
	truncate -s "$(get_eh "$src" shoff)" "$f"
	expect "${f##*/}" 0 "status: PVH-bootable" boots
	# An 8-byte PHYS32_ENTRY descriptor (Linux's 64-bit form) is valid.
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 8 18 'Xen\0' "$(esc32 "$entry")\\0\\0\\0\\0"
	f=$(new ok-desc8-$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 0 "8-byte descriptor" boots

	# --- truncations at every header boundary -------------------------------
	for n in 0 15; do
		f=$(new trunc$c-$n "$src")
		truncate -s $n "$f"
		expect "${f##*/}" 2 "smaller than e_ident" "smaller than e_ident | pvh: no modules"
	done
	for n in 16 $((ehsize - 1)); do
		f=$(new trunc$c-$n "$src")
		truncate -s $n "$f"
		expect "${f##*/}" 2 "smaller than the ELF$c header" "smaller than the ELF$c header"
	done
	for n in $ehsize $((phend - 1)); do
		f=$(new trunc$c-$n "$src")
		truncate -s $n "$f"
		expect "${f##*/}" 2 "e_phoff+e_phnum*e_phentsize" "e_phoff+e_phnum*e_phentsize"
	done
	# Each load segment's last byte missing: the first one so cut is named.
	for i in $(seq 0 $((nph - 1))); do
		[ "$(get_ph "$src" "$i" type)" = 1 ] || continue
		end=$(($(get_ph "$src" "$i" offset) + $(get_ph "$src" "$i" filesz)))
		[ "$end" -gt 0 ] || continue
		f=$(new trunc$c-seg$i "$src")
		truncate -s $((end - 1)) "$f"
		# The lowest-numbered load segment that no longer fits is reported.
		bad=$i
		for k in $(seq 0 $((i - 1))); do
			[ "$(get_ph "$src" "$k" type)" = 1 ] || continue
			e=$(($(get_ph "$src" "$k" offset) + $(get_ph "$src" "$k" filesz)))
			[ $e -gt $((end - 1)) ] && { bad=$k; break; }
		done
		expect "${f##*/}" 2 "phdr $bad: p_offset+p_filesz" "phdr $bad: p_offset+p_filesz"
	done

	# --- offsets and sizes overflowing 64-bit arithmetic --------------------
	if [ $c = 64 ]; then
		f=$(new phoff-wrap64 "$src")
		set_eh "$f" phoff 0xffffffffffffffc0
		expect "${f##*/}" 2 "e_phoff 0xffffffffffffffc0 + e_phnum" "e_phoff 0xffffffffffffffc0 + e_phnum"
		f=$(new offset-wrap64 "$src")
		set_ph "$f" "$text" offset 0xfffffffffffff000
		expect "${f##*/}" 2 "phdr $text: p_offset 0xfffffffffffff000 + p_filesz" "p_offset 0xfffffffffffff000 + p_filesz"
		f=$(new filesz-wrap64 "$src")
		set_ph "$f" "$data" filesz 0xffffffffffffffff
		set_ph "$f" "$data" memsz 0xffffffffffffffff
		expect "${f##*/}" 2 "phdr $data: p_offset" "phdr $data: p_offset"
		f=$(new paddr-wrap64 "$src")
		set_ph "$f" "$data" paddr 0xfffffffffffff000
		expect "${f##*/}" 2 "phdr $data: p_paddr 0xfffffffffffff000 + p_memsz" "p_paddr 0xfffffffffffff000 + p_memsz"
		f=$(new paddr-4g64 "$src")
		set_ph "$f" "$data" paddr 0x100000000
		expect "${f##*/}" 2 "phdr $data: p_paddr+p_memsz $(hex $((0x100000000 + data_memsz))) above 4 GiB" "above 4 GiB"
		f=$(new entry-4g64 "$src")
		rm -f "$tmp/n"
		mknote "$tmp/n" 4 8 18 'Xen\0' "$(esc32 "$entry")\\001\\0\\0\\0"
		append_notes "$f" "$note" "$tmp/n"
		expect "${f##*/}" 2 "PHYS32_ENTRY: value $(hex $((entry + 0x100000000))) above 4 GiB" "above 4 GiB"
		f=$(new shoff-wrap64 "$src")
		set_ph "$f" "$note" type 0
		set_eh "$f" shoff 0xffffffffffffffc0
		expect "${f##*/}" 2 "e_shoff 0xffffffffffffffc0 + e_shnum" "e_shoff 0xffffffffffffffc0 + e_shnum"
	else
		f=$(new paddr-4g32 "$src")
		set_ph "$f" "$data" paddr 0xfffff000
		expect "${f##*/}" 2 "phdr $data: p_paddr+p_memsz $(hex $((0xfffff000 + data_memsz))) above 4 GiB" "above 4 GiB"
		f=$(new memsz-4g32 "$src")
		set_ph "$f" "$data" memsz 0xffffffff
		expect "${f##*/}" 2 "phdr $data: p_paddr+p_memsz $(hex $((data_paddr + 0xffffffff))) above 4 GiB" "above 4 GiB"
		f=$(new phoff-past32 "$src")
		set_eh "$f" phoff "$fsize"
		expect "${f##*/}" 2 "e_phoff+e_phnum*e_phentsize" "e_phoff+e_phnum*e_phentsize"
		f=$(new phentsize32 "$src")
		set_eh "$f" phentsize 40
		expect "${f##*/}" 2 "e_phentsize 40, expected 32" "e_phentsize 40"
		f=$(new phnum-xnum32 "$src")
		set_eh "$f" phnum 0xffff
		expect "${f##*/}" 2 "e_phnum 0xffff (PN_XNUM" "PN_XNUM"
		f=$(new phnum-zero32 "$src")
		set_eh "$f" phnum 0
		expect "${f##*/}" 2 "no PT_LOAD segment" "no PT_LOAD segment"
	fi

	# --- p_filesz > p_memsz ---------------------------------------------------
	f=$(new filesz-gt-memsz$c "$src")
	set_ph "$f" "$data" memsz $((data_filesz - 16))
	expect "${f##*/}" 2 "phdr $data: p_filesz $(hex "$data_filesz") > p_memsz" "p_filesz $(hex "$data_filesz") > p_memsz"

	# --- notes ------------------------------------------------------------------
	f=$(new note-past-eof$c "$src")
	set_ph "$f" "$note" filesz 0x7fffffff
	expect "${f##*/}" 2 "phdr $note: p_offset+p_filesz" "phdr $note: p_offset+p_filesz"
	rm -f "$tmp/n"
	mknote "$tmp/n" 0xffffffff 4 18 'Xen\0' "$(esc32 "$entry")"
	f=$(new note-namesz-huge$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "note 0 (namesz 0xffffffff" "namesz 0xffffffff"
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 0xfffffffc 18 'Xen\0' "$(esc32 "$entry")"
	f=$(new note-descsz-huge$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "descsz 0xfffffffc) at 0x0 runs past the end" "descsz 0xfffffffc"
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 0 18 'Xen\0' ''
	f=$(new note-descsz0-$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "PHYS32_ENTRY: descsz 0, expected 4 or 8" "descsz 0, expected 4 or 8"
	rm -f "$tmp/n"
	mknote "$tmp/n" 0 0 18 '' ''
	f=$(new note-empty$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 1 "no XEN_ELFNOTE_PHYS32_ENTRY" "no XEN_ELFNOTE_PHYS32_ENTRY note"
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 4 18 'Xem\0' "$(esc32 "$entry")"
	f=$(new note-owner$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 1 "no XEN_ELFNOTE_PHYS32_ENTRY" "no XEN_ELFNOTE_PHYS32_ENTRY note"
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 2 18 'Xen\0' '\0\0'
	f=$(new desc2-$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "PHYS32_ENTRY: descsz 2, expected 4 or 8" "descsz 2, expected 4 or 8"
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 4 18 'Xen\0' "$(esc32 "$entry")"
	mknote "$tmp/n" 4 4 18 'Xen\0' "$(esc32 $((entry + 16)))"
	f=$(new entry-twice$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "second value $(hex $((entry + 16))) differs" "second value"

	# --- the entry outside every executable segment ----------------------------
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 4 18 'Xen\0' "$(esc32 "$data_paddr")"
	f=$(new entry-in-data$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "PHYS32_ENTRY $(hex "$data_paddr") outside every executable" "outside every executable"
	rm -f "$tmp/n"
	mknote "$tmp/n" 4 4 18 'Xen\0' "$(esc32 "$text_end")"
	f=$(new entry-past-text$c "$src")
	append_notes "$f" "$note" "$tmp/n"
	expect "${f##*/}" 2 "PHYS32_ENTRY $(hex "$text_end") outside every executable" "outside every executable"

	# --- overlapping load segments ------------------------------------------------
	f=$(new overlap$c "$src")
	set_ph "$f" "$data" paddr $((entry + 0x1000))
	expect "${f##*/}" 2 "p_paddr range $(hex $((entry + 0x1000)))-" "overlaps phdr"

	# --- no PT_NOTE, garbage section headers --------------------------------------
	shentsize=$([ $c = 64 ] && echo 64 || echo 40)
	f=$(new nonote-shentsize$c "$src")
	set_ph "$f" "$note" type 0
	set_eh "$f" shentsize 0x1234
	expect "${f##*/}" 2 "e_shentsize 4660, expected $shentsize" "e_shentsize 4660"
	f=$(new nonote-shoff$c "$src")
	set_ph "$f" "$note" type 0
	set_eh "$f" shoff $((fsize - 8))
	expect "${f##*/}" 2 "e_shoff+e_shnum*e_shentsize" "e_shoff+e_shnum*e_shentsize"
	# Three section headers of random bytes, but for one SHT_NOTE whose
	# offset is far past the end of the file.
	f=$(new nonote-garbage$c "$src")
	set_ph "$f" "$note" type 0
	sh=$(stat -c %s "$f")
	head -c $((3 * shentsize)) /dev/urandom >>"$f"
	for k in 0 1 2; do put "$f" $((sh + k * shentsize + 4)) 4 $((0x60000000 + k)); done
	put "$f" $((sh + shentsize + 4)) 4 7
	if [ $c = 64 ]; then
		put "$f" $((sh + shentsize + 24)) 8 0x4000000000000000
		put "$f" $((sh + shentsize + 32)) 8 0x40
	else
		put "$f" $((sh + shentsize + 16)) 4 0xfffffff0
		put "$f" $((sh + shentsize + 20)) 4 0x40
	fi
	set_eh "$f" shoff "$sh"
	set_eh "$f" shnum 3
	expect "${f##*/}" 2 "section 1: sh_offset+sh_size" "section 1: sh_offset+sh_size"
	# The same with no SHT_NOTE at all: a valid ELF that is not PVH.
	f=$(new nonote-nosect$c "$src")
	set_ph "$f" "$note" type 0
	head -c $((3 * shentsize)) /dev/urandom >>"$f"
	for k in 0 1 2; do put "$f" $((sh + k * shentsize + 4)) 4 $((0x60000000 + k)); done
	set_eh "$f" shoff "$sh"
	set_eh "$f" shnum 3
	expect "${f##*/}" 1 "no XEN_ELFNOTE_PHYS32_ENTRY" "no XEN_ELFNOTE_PHYS32_ENTRY note"

	# --- valid ELF, impossible placement (the loader's plan says no) ---------------
	# BSS of 1 GiB: more than the 256 MiB of RAM the tests give.
	f=$(new huge-bss$c "$src")
	set_ph "$f" "$data" memsz 0x40000000
	expect "${f##*/}" 0 "status: PVH-bootable" "segment $data [$(hex "$data_paddr"), $(hex $((data_paddr + 0x40000000))))"
	# The data segment in low memory (a kernel linked at or over the loader at
	# 1 MiB is fine now: tests/boot/placement.sh boots one).
	f=$(new low-mem$c "$src")
	set_ph "$f" "$data" paddr 0x80000
	expect "${f##*/}" 0 "status: PVH-bootable" "segment $data [0x80000, $(hex $((0x80000 + data_memsz)))) lies below 1 MiB, which stays off limits (real-mode IVT, BIOS data, EBDA)"
done
echo "mkhostile: $(wc -l <"$tsv") cases in $out (expect.tsv)"
