#!/bin/sh
# gen-fs-seeds.sh - seed inputs for the partition and FAT fuzz targets
# (tests/fuzz/fuzz_gpt.c, fuzz_fat.c) into build/fuzz-corpus/gpt and
# build/fuzz-corpus/fat (or OUT/gpt, OUT/fat), made by sgdisk, mkfs.vfat and
# mtools. The targets read an input as the start of a disk whose rest is
# zeros, so a seed needs only the sectors that hold structures: images are
# cut after their metadata and first data clusters. The committed seeds in
# tests/fuzz/corpus/{gpt,fat} are small copies of some of these.
# Run by scripts/fuzz.sh before fuzzing, or by hand.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/fuzz-corpus}
PATH=$PATH:/sbin:/usr/sbin
for t in mkfs.vfat mcopy mmd sgdisk; do
	command -v "$t" >/dev/null || { echo "gen-fs-seeds.sh: $t missing (make deps)" >&2; exit 1; }
done
mkdir -p "$out/gpt" "$out/fat"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1

# GPT: 48 KiB disks with a 4-entry table (one sector), alignment 1.
g=$tmp/g.img
truncate -s 48K "$g"
sgdisk -a 1 -S 4 -n 1:40:70 -t 1:ef00 -c 1:"EFI System" -n 2:71:80 -t 2:ea00 -c 2:boot \
	-n 3:81:90 -t 3:8300 -c 3:"Grüße" "$g" >/dev/null
cp "$g" "$out/gpt/sgdisk-3parts"
head -c 1536 "$g" > "$out/gpt/sgdisk-3parts-primary"
rm -f "$g" && truncate -s 48K "$g"
sgdisk -a 1 -n 1:34:60 -t 1:ef00 "$g" >/dev/null
cp "$g" "$out/gpt/sgdisk-128entries"
# An MBR with an ESP and an XBOOTLDR entry (type 0xef, 0xea).
m=$out/gpt/mbr-esp-xbootldr
head -c 512 /dev/zero > "$m"
printf '\200\000\000\000\357\000\000\000\010\000\000\000\050\000\000\000' |
	dd of="$m" bs=1 seek=446 conv=notrunc status=none
printf '\000\000\000\000\352\000\000\000\060\000\000\000\024\000\000\000' |
	dd of="$m" bs=1 seek=462 conv=notrunc status=none
printf '\125\252' | dd of="$m" bs=1 seek=510 conv=notrunc status=none

# FAT: small volumes with long names, a subdirectory and a two-cluster file.
printf 'timeout 3\ndefault debian-*\n' > "$tmp/loader.conf"
printf 'title Debian\nlinux /vmlinuz\n' > "$tmp/debian-6.1.conf"
head -c 1500 /dev/urandom > "$tmp/two.bin"
fill() {
	mmd -i "$1" ::/loader ::/loader/entries
	mcopy -i "$1" "$tmp/loader.conf" ::/loader/
	mcopy -i "$1" "$tmp/debian-6.1.conf" "::/loader/entries/Debian – long name.conf"
	mcopy -i "$1" "$tmp/two.bin" ::/TWO.BIN
}
f=$tmp/f12.img
mkfs.vfat -C -f 1 -r 16 -s 1 "$f" 64 >/dev/null
fill "$f"
head -c 8192 "$f" > "$out/fat/fat12-64k"
f=$tmp/f16.img
truncate -s 2200K "$f"
mkfs.vfat -F 16 -f 1 -r 16 -s 1 "$f" >/dev/null
fill "$f"
head -c 65536 "$f" > "$out/fat/fat16-2m"
f=$tmp/f32.img
truncate -s 34M "$f"
mkfs.vfat -F 32 -f 1 -s 1 "$f" >/dev/null
fill "$f"
head -c 300000 "$f" > "$out/fat/fat32-34m"
f=$tmp/f4k.img
truncate -s 17M "$f"
mkfs.vfat -F 16 -f 1 -r 128 -S 4096 -s 1 "$f" >/dev/null
fill "$f"
head -c 98304 "$f" > "$out/fat/fat16-4k"
