#!/bin/sh
# gen-loader-seeds.sh - write seed inputs for the loader's fuzz targets
# (tests/fuzz/fuzz_mb1.c, fuzz_mb2.c, fuzz_pvh_info.c, fuzz_options.c) into
# build/fuzz-corpus/NAME/ (or DIR/NAME/ with DIR given as $1). Run by hand or
# before `make fuzz` / `make fuzz-replay`; the few seeds committed in
# tests/fuzz/corpus/{mb1,mb2,pvh_info,options}/ are copies of these.
#
# A boot-information seed is physical memory starting at 0x1000 (LF_BASE in
# tests/fuzz/loader_fuzz.h), the information itself at its start. Layout, as
# offsets into the file (physical address = 0x1000 + offset):
#   0x000 info / start info     0x100, 0x140, 0x300, 0x340  strings
#   0x160 module list           0x200  memory map
#   0x380 an RSDP (some seeds)  0x400  the kernel: a 512-byte PVH ELF32
#   0x600 a 64-byte "initrd"
# The fuzzers also show the input's first 128 KiB at 0xe0000 (the BIOS
# area), so an RSDP at offset 0x380 is found by the scan at 0xe0380.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
root=${1:-$top/build/fuzz-corpus}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The kernel module: the ELF fuzzer's smallest PVH seed (text at 1 MiB).
kernel=$top/tests/fuzz/corpus/elf/hand-min32
if [ ! -s "$kernel" ]; then
	"$top/scripts/gen-fuzz-seeds.sh" "$tmp/elf" > /dev/null
	kernel=$tmp/elf/hand-min32
fi

# w32 FILE OFFSET VALUE / w64 ...: little-endian stores into FILE. Shell
# variables are global: helpers use their own prefixes (_w, _m).
wbytes() {
	_wn=$3 _wv=$4 _ws=
	while [ "$_wn" -gt 0 ]; do
		_ws="$_ws$(printf '\\%03o' $((_wv & 255)))"
		_wv=$((_wv >> 8))
		_wn=$((_wn - 1))
	done
	printf "$_ws" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
w32() { wbytes "$1" "$2" 4 "$3"; }
w64() { wbytes "$1" "$2" 8 "$3"; }

# str FILE OFFSET TEXT: TEXT and its NUL.
str() {
	printf '%s\000' "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# blob FILE OFFSET SRC: the bytes of SRC.
blob() {
	dd if="$3" of="$1" bs=1 seek="$2" conv=notrunc status=none
}

# sum8 FILE OFFSET LEN: the byte sum modulo 256.
sum8() {
	od -An -tu1 -v -j "$2" -N "$3" "$1" | awk '{ for (i = 1; i <= NF; i++) s += $i }
		END { print s % 256 }'
}

# rsdp FILE OFFSET REVISION OEMBYTE: a valid ACPI RSDP (20 or 36 bytes).
rsdp() {
	printf 'RSD PTR \000PVHBT' | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
	wbytes "$1" $(($2 + 14)) 1 "$4"
	wbytes "$1" $(($2 + 15)) 1 "$3"
	w32 "$1" $(($2 + 16)) $((0x7fe0000))
	wbytes "$1" $(($2 + 8)) 1 $(((256 - $(sum8 "$1" "$2" 20)) % 256))
	if [ "$3" -ge 2 ]; then
		w32 "$1" $(($2 + 20)) 36
		w64 "$1" $(($2 + 24)) $((0x7fe0100))
		wbytes "$1" $(($2 + 32)) 1 $(((256 - $(sum8 "$1" "$2" 36)) % 256))
	fi
}

# image FILE: zeroed memory with the kernel at 0x400 and the initrd at 0x600.
image() {
	head -c $((0x640)) /dev/zero > "$1"
	blob "$1" $((0x400)) "$kernel"
	printf 'initrd-bytes-initrd-bytes-initrd-bytes-initrd-bytes-initrd-byte' |
		dd of="$1" bs=1 seek=$((0x600)) conv=notrunc status=none
}

P=$((0x1000)) # physical address of offset 0

# mmap3 FILE OFFSET STRIDE FIRST: the three-entry map (low RAM, BIOS, RAM
# from 1 MiB), entries STRIDE apart; FIRST is the offset of the first field.
mmap3() {
	_m=$(($2 + $4))
	w64 "$1" "$_m" 0; w64 "$1" $((_m + 8)) $((0x9fc00)); w32 "$1" $((_m + 16)) 1
	_m=$((_m + $3))
	w64 "$1" "$_m" $((0xf0000)); w64 "$1" $((_m + 8)) $((0x10000)); w32 "$1" $((_m + 16)) 2
	_m=$((_m + $3))
	w64 "$1" "$_m" $((0x100000)); w64 "$1" $((_m + 8)) $((0x7f00000)); w32 "$1" $((_m + 16)) 1
}

# --- multiboot1 ------------------------------------------------------------------
out=$root/mb1
mkdir -p "$out"

# mb1 FILE LOADER KERNELSTRING INITRDSTRING FLAGS
mb1() {
	image "$1"
	w32 "$1" 0 "$5"
	w32 "$1" 4 639; w32 "$1" 8 130048
	str "$1" $((0x100)) "/pvhboot.elf debug"; w32 "$1" 16 $((P + 0x100))
	w32 "$1" 20 2; w32 "$1" 24 $((P + 0x160))
	w32 "$1" 44 72; w32 "$1" 48 $((P + 0x200))
	str "$1" $((0x140)) "$2"; w32 "$1" 64 $((P + 0x140))
	str "$1" $((0x300)) "$3"; str "$1" $((0x340)) "$4"
	w32 "$1" $((0x160)) $((P + 0x400)); w32 "$1" $((0x164)) $((P + 0x600))
	w32 "$1" $((0x168)) $((P + 0x300))
	w32 "$1" $((0x170)) $((P + 0x600)); w32 "$1" $((0x174)) $((P + 0x640))
	w32 "$1" $((0x178)) $((P + 0x340))
	for i in 0 1 2; do w32 "$1" $((0x200 + 24 * i)) 20; done
	mmap3 "$1" $((0x200)) 24 4
}
ALL1=$((0x24d)) # mem, cmdline, mods, mmap, boot loader name
mb1 "$out/qemu" qemu "vmlinux console=ttyS0" "initrd.img x=1" $ALL1
mb1 "$out/grub" "GRUB 2.06" "console=ttyS0" "" $ALL1
mb1 "$out/memsizes" qemu "vmlinux" "initrd" $((ALL1 & ~0x40))
mb1 "$out/rsdp" qemu "vmlinux" "initrd" $ALL1
rsdp "$out/rsdp" $((0x380)) 0 1
mb1 "$out/nomods" qemu "vmlinux" "initrd" $((ALL1 & ~0x8))

# --- multiboot2 ------------------------------------------------------------------
out=$root/mb2
mkdir -p "$out"

# tag FILE TYPE SIZE: a tag header at $off; $pay is its payload, $off moves on.
tag() {
	w32 "$1" "$off" "$2"; w32 "$1" $((off + 4)) "$3"
	pay=$((off + 8))
	off=$(((off + $3 + 7) / 8 * 8))
}

# mb2 FILE ACPI: GRUB-like info; ACPI is none, old, new or both (old, then new).
mb2() {
	image "$1"
	off=8
	tag "$1" 1 27; str "$1" "$pay" "/pvhboot.elf debug"
	tag "$1" 2 18; str "$1" "$pay" "GRUB 2.06"
	tag "$1" 4 16; w32 "$1" "$pay" 639; w32 "$1" $((pay + 4)) 130048
	tag "$1" 6 88; w32 "$1" "$pay" 24; mmap3 "$1" $((pay + 8)) 24 0
	tag "$1" 3 30; w32 "$1" "$pay" $((P + 0x400)); w32 "$1" $((pay + 4)) $((P + 0x600))
	str "$1" $((pay + 8)) "console=ttyS0"
	tag "$1" 3 17; w32 "$1" "$pay" $((P + 0x600)); w32 "$1" $((pay + 4)) $((P + 0x640))
	case $2 in old | both) tag "$1" 14 28; rsdp "$1" "$pay" 0 1 ;; esac
	case $2 in new | both) tag "$1" 15 44; rsdp "$1" "$pay" 2 2 ;; esac
	tag "$1" 0 8
	w32 "$1" 0 "$off"
}
mb2 "$out/grub" none
mb2 "$out/acpi-old" old
mb2 "$out/acpi-new" new
mb2 "$out/acpi-both" both
# The firmware's own RSDP, identical to the tag's copy: its address is used.
mb2 "$out/acpi-bios" old
rsdp "$out/acpi-bios" $((0x380)) 0 1

# --- PVH start info --------------------------------------------------------------
out=$root/pvh_info
mkdir -p "$out"

# pvh FILE MOD0SIZE MOD1ADDR: QEMU-like start info v1, two modules.
pvh() {
	w32 "$1" 0 $((0x336ec578)); w32 "$1" 4 1; w32 "$1" 8 0; w32 "$1" 12 2
	w64 "$1" 16 $((P + 0x40)); w64 "$1" 24 $((P + 0x100)); w64 "$1" 32 0
	w64 "$1" 40 $((P + 0x80)); w32 "$1" 48 3
	w64 "$1" $((0x40)) $((P + 0x400)); w64 "$1" $((0x48)) "$2"; w64 "$1" $((0x50)) 0
	w64 "$1" $((0x60)) $((P + $3)); w64 "$1" $((0x68)) 64; w64 "$1" $((0x70)) $((P + 0x140))
	mmap3 "$1" $((0x80)) 24 0
	str "$1" $((0x100)) "console=ttyS0 pvhboot.debug quiet"
	str "$1" $((0x140)) "initrd-arg"
}
image "$out/qemu"
pvh "$out/qemu" 512 $((0x600))

# Module 0 as a bundle (newc cpio: kernel + cmdline), when cpio is installed.
if command -v cpio > /dev/null; then
	mkdir -p "$tmp/b"
	cp "$kernel" "$tmp/b/kernel"
	printf 'console=hvc0 root=/dev/vda\n' > "$tmp/b/cmdline"
	(cd "$tmp/b" && printf 'kernel\ncmdline\n' | cpio -o -H newc --quiet > "$tmp/bundle")
	bsize=$(stat -c %s "$tmp/bundle")
	initrd=$(((0x400 + bsize + 15) / 16 * 16))
	head -c $((initrd + 64)) /dev/zero > "$out/bundle"
	blob "$out/bundle" $((0x400)) "$tmp/bundle"
	pvh "$out/bundle" "$bsize" "$initrd"
fi

# --- options ---------------------------------------------------------------------
# Byte 0: 1 = multiboot (every word is an option), byte 1: rest buffer size.
out=$root/options
mkdir -p "$out"
printf '\001\200/boot/pvhboot.elf debug exit-on-error verbose' > "$out/multiboot"
printf '\000\200console=ttyS0 pvhboot.debug root=/dev/vda pvhboot.fast quiet' > "$out/pvh"
printf '\000\014abcde fghij klmno pvhboot.exit-on-error' > "$out/pvh-short-rest"
printf '\001\000a b c d e f pvhboot.a-very-long-option-name-beyond-31-bytes' > "$out/unknowns"

for d in mb1 mb2 pvh_info options; do
	echo "gen-loader-seeds: $(ls "$root/$d" | wc -l) seeds in $root/$d"
done
