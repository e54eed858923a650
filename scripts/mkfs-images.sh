#!/bin/sh
# mkfs-images.sh - disk images for the GPT/MBR and FAT reader tests
# (tests/unit/test_gpt.c, test_fat.c), made by the real tools: mkfs.vfat
# (FAT12/16/32, 512- and 4096-byte sectors), mtools (files with long and
# non-ASCII names, deep and large directories, a fragmented file), sgdisk
# (a GPT disk with an ESP and an XBOOTLDR partition). The tests compare what
# the readers return with the files under OUT/files and with sgdisk's own
# report (OUT/gpt.layout). Run by `make unit` through its stamp.
#
#   scripts/mkfs-images.sh [OUT]      (default build/fs-images)
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/build/fs-images}
for t in mkfs.vfat mcopy mmd mdel sgdisk; do
	command -v "$t" >/dev/null || PATH=$PATH:/sbin:/usr/sbin
	command -v "$t" >/dev/null || {
		echo "mkfs-images.sh: $t missing (make deps installs dosfstools, mtools, gdisk)" >&2
		exit 1
	}
done
rm -rf "$out.tmp"
mkdir -p "$out.tmp/files"
cd "$out.tmp"
# mtools converts names through the locale: UTF-8 for the non-ASCII ones.
export LC_ALL=C.UTF-8 MTOOLS_SKIP_CHECK=1 MTOOLS_NO_VFAT=

f=files
printf 'hello from a FAT volume\n' > $f/small.txt
mkdir -p $f/loader/entries $f/a/b/c/d/e/f/g/h $f/many
printf 'title Debian 6.1\nlinux /vmlinuz-6.1\n' > $f/loader/entries/debian-6.1.conf
printf 'title Debian 6.12\nlinux /vmlinuz-6.12\n' > "$f/loader/entries/Debian GNU Linux 6.12 – a long name.conf"
printf 'grüße\n' > "$f/loader/entries/Grüße.conf"
printf 'default debian-*\ntimeout 3\n' > $f/loader/loader.conf
printf 'deep\n' > $f/a/b/c/d/e/f/g/h/deep.txt
i=0
while [ $i -lt 100 ]; do
	printf 'file %d\n' $i > "$f/many/file number $i.txt"
	i=$((i + 1))
done
# Data with no repeating pattern, so a misplaced cluster shows.
head -c 3145728 /dev/urandom > $f/big.bin
head -c 1000000 /dev/urandom > $f/big12.bin
head -c 102400 /dev/urandom > $f/pad1.bin
head -c 102400 /dev/urandom > $f/pad2.bin
head -c 307200 /dev/urandom > $f/frag.bin
head -c 10000 /dev/urandom > $f/odd.bin

# fill IMG BIG: the common tree, then a file that has to fill a hole.
fill() {
	mcopy -i "$1" $f/small.txt $f/odd.bin ::/
	mmd -i "$1" ::/loader ::/loader/entries ::/a ::/a/b ::/a/b/c ::/a/b/c/d ::/a/b/c/d/e \
		::/a/b/c/d/e/f ::/a/b/c/d/e/f/g ::/a/b/c/d/e/f/g/h ::/many
	mcopy -i "$1" $f/loader/loader.conf ::/loader/
	mcopy -i "$1" $f/loader/entries/* ::/loader/entries/
	mcopy -i "$1" $f/a/b/c/d/e/f/g/h/deep.txt ::/a/b/c/d/e/f/g/h/
	mcopy -i "$1" $f/many/* ::/many/
	mcopy -i "$1" "$f/$2" ::/
	# pad1, pad2, then pad1 deleted: frag.bin starts in pad1's hole and
	# goes on after pad2.
	mcopy -i "$1" $f/pad1.bin $f/pad2.bin ::/
	mdel -i "$1" ::/pad1.bin
	mcopy -i "$1" $f/frag.bin ::/
}

mkfs.vfat -C -F 12 -s 2 -n FAT12 fat12.img 2048 >/dev/null
fill fat12.img big12.bin
truncate -s 8M fat16.img
mkfs.vfat -F 16 -s 2 -n FAT16 fat16.img >/dev/null
fill fat16.img big.bin
truncate -s 40M fat32.img
mkfs.vfat -F 32 -s 1 -n FAT32 fat32.img >/dev/null
fill fat32.img big.bin
truncate -s 20M fat16-4k.img
mkfs.vfat -F 16 -S 4096 -s 1 -n FAT4K fat16-4k.img >/dev/null
fill fat16-4k.img big.bin

# GPT disk: ESP (holding fat16.img), XBOOTLDR (holding fat12.img), root.
truncate -s 12M gpt.img
sgdisk -n 1:2048:+8M -t 1:ef00 -c 1:"EFI System" -n 2:0:+2M -t 2:ea00 \
	-c 2:"Linux extended boot" -n 3:0:0 -t 3:8300 -c 3:root gpt.img >/dev/null
for n in 1 2 3; do
	sgdisk -i $n gpt.img | sed -n -e "s/^First sector: \([0-9]*\).*/$n first \1/p" \
		-e "s/^Last sector: \([0-9]*\).*/$n last \1/p" \
		-e "s/^Partition name: '\(.*\)'/$n name \1/p"
done > gpt.layout
first1=$(sed -n 's/^1 first //p' gpt.layout)
first2=$(sed -n 's/^2 first //p' gpt.layout)
dd if=fat16.img of=gpt.img bs=512 seek="$first1" conv=notrunc status=none
dd if=fat12.img of=gpt.img bs=512 seek="$first2" conv=notrunc status=none

cd "$top"
rm -rf "$out"
mv "$out.tmp" "$out"
