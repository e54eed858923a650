#!/bin/bash
# mkdebian-variant.sh - a Debian 12 disk image laid out unlike the one of
# scripts/mkdebian-image.sh, to catch layout assumptions in pvhboot-install,
# the kernel hooks, the GRUB script and the loader's firmware mode. Called
# by tests/os/variant.sh (make check-os-variant); usable alone. Prints the
# image directory on the last line of stdout. No loop devices or mounts
# (root needed for mmdebstrap's chroot only).
#
#   scripts/mkdebian-variant.sh [--force]
#
# How it differs from the main image, each a layout real systems have:
#  - an MBR (msdos) disk, no GPT: ESP first (type 0xef), root second (type
#    0x83, /dev/vda2, bootable flag); GRUB BIOS embeds in the gap after the MBR;
#  - the ESP is FAT16 (256 MiB) mounted at /efi (bootctl's first choice),
#    not /boot/efi;
#  - fstab names / by PARTUUID (MBR form DISKID-02) and the ESP by LABEL;
#  - no /etc/kernel/cmdline: the command line comes from the system (the
#    serial console only from GRUB_CMDLINE_LINUX in /etc/default/grub, as
#    Debian's installer writes it for a serial install);
#  - no kernel at all when the pvhboot .deb is installed (with apt, its
#    dependencies and recommends pulled in) and pvhboot-install runs (no
#    --esp-path: it must find /efi itself); then Debian's cloud kernel
#    (linux-image-cloud-amd64, 6.1) and its 6.12 cloud kernel
#    (linux-image-6.12-cloud-amd64) are installed with apt, so the hooks see
#    kernels of a flavour the main image never has.
#
# Output, cache/variant-image-KEY/ (KEY: a hash of this script, the setup
# script, the packages and the .deb's content):
#   disk.img     raw MBR disk, 3 GiB sparse
#   layout.env   the variables of mkdebian-image.sh's layout.env that apply
#                (ESP_OFFSET, ROOT_OFFSET, KERNELS, ...), plus DISK_ID,
#                ROOT_PARTUUID, ESP_LABEL, ESP_MOUNT.
# Environment: VARIANT_KERNELS (default "linux-image-cloud-amd64
# linux-image-6.12-cloud-amd64", installed one apt-get at a time, in order).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
force=0
[ "${1:-}" = --force ] && force=1

kernel_pkgs=${VARIANT_KERNELS:-linux-image-cloud-amd64 linux-image-6.12-cloud-amd64}
size_mb=3072
esp_mb=256
suite=bookworm
esp_label=VARESP
# No kernel here: it comes after pvhboot.
pkgs="systemd systemd-sysv udev kmod initramfs-tools zstd e2fsprogs dosfstools
grub-efi-amd64-bin grub-pc-bin grub2-common gzip xz-utils"
pkgs=$(echo $pkgs | tr ' ' ,)

die() {
	echo "mkdebian-variant: $*" >&2
	exit 1
}
for t in mmdebstrap mkfs.ext4 sfdisk mformat mcopy; do
	command -v "$t" >/dev/null || die "$t missing: scripts/install-deps.sh (or make deps)"
done
[ "$(id -u)" = 0 ] || die "needs root for mmdebstrap's chroot (no mounts of the image are made)"

deb=$(ls "$top"/build/deb/pvhboot_*_amd64.deb 2>/dev/null | sort -V | tail -n1 || true)
[ -n "$deb" ] || die "no build/deb/pvhboot_*_amd64.deb: make deb"
# The package's content, not the .deb file (its archive dates change).
deb_hash=$({ dpkg-deb --fsys-tarfile "$deb" | tar -xO; dpkg-deb --ctrl-tarfile "$deb" | tar -xO; } |
	sha256sum | cut -c1-16)
key=$( (cat "$0" "$top/scripts/debian-image-setup.sh"; echo "$pkgs $kernel_pkgs $deb_hash") |
	sha256sum | cut -c1-16)
out=$top/cache/variant-image-$key
if [ "$force" = 0 ] && [ -s "$out/disk.img" ] && [ -s "$out/layout.env" ]; then
	echo "mkdebian-variant: cached $out" >&2
	echo "$out"
	exit 0
fi

debs=$top/cache/variant-debs # downloaded packages, kept between builds
work=$top/cache/variant-work-$$
rm -rf "$work"
mkdir -p "$work" "$debs"
trap 'rm -rf "$work"' EXIT
root=$work/root

disk_id=$(od -An -tx4 -N4 /dev/urandom | tr -d ' ')
root_partuuid=$disk_id-02
esp_serial=$(od -An -tx4 -N4 /dev/urandom | tr -d ' ')

sources=$work/sources
cat /etc/apt/sources.list.d/debian.sources >"$sources" 2>/dev/null ||
	printf 'deb http://deb.debian.org/debian bookworm main\n' >"$sources"

echo "mkdebian-variant: building $out (mmdebstrap $suite; pvhboot, then $kernel_pkgs)" >&2
hooks=(
	--skip=download/empty --skip=essential/unlink
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives/'
	--setup-hook="sync-in $debs /var/cache/apt/archives/"
	--essential-hook="mkdir -p \"\$1\"/efi"
	--essential-hook="printf 'PARTUUID=$root_partuuid / ext4 errors=remount-ro 0 1\nLABEL=$esp_label /efi vfat umask=0077,x-systemd.device-timeout=600 0 1\n' > \"\$1\"/etc/fstab"
	--customize-hook="\"$top/scripts/debian-image-setup.sh\" \"\$1\""
	# The test units of the setup script read the ESP at /boot/efi: here /efi.
	--customize-hook='sed -i "s|/boot/efi|/efi|g" "$1"/etc/systemd/system/pvhboot-test-*.service'
	--customize-hook="copy-in $deb /tmp"
	--customize-hook="chroot \"\$1\" apt-get install -y /tmp/$(basename "$deb")"
	--customize-hook="sed -i 's/^PVHBOOT_GRUB_DEFAULT=.*/PVHBOOT_GRUB_DEFAULT=true/' \"\$1\"/etc/default/pvhboot"
	# No --esp-path: found as bootctl finds it (/efi, from the fstab in a chroot).
	--customize-hook="chroot \"\$1\" pvhboot-install --no-variables --removable install"
)
for k in $kernel_pkgs; do
	hooks+=(--customize-hook="chroot \"\$1\" apt-get install -y $k")
done
hooks+=(
	--customize-hook='rm -f "$1"/tmp/pvhboot_*.deb'
	--customize-hook="sync-out /var/cache/apt/archives $debs"
	--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb'
)
mmdebstrap --variant=minbase --include="$pkgs" "${hooks[@]}" \
	"$suite" "$root" - <"$sources" >&2

kernels=$(cd "$root/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tr '\n' ' ')
[ -n "$kernels" ] || die "no kernel in $root/boot"

# Sectors of 512 bytes: ESP at 1 MiB (the gap before it holds GRUB's
# core.img on BIOS), root after it to the end.
esp_start=2048
esp_sectors=$((esp_mb * 2048))
root_start=$((esp_start + esp_sectors))
total_sectors=$((size_mb * 2048))
root_sectors=$((total_sectors - root_start))
disk=$work/disk.img

echo "mkdebian-variant: ESP image (FAT16, $esp_mb MiB) from /efi" >&2
truncate -s $((esp_sectors * 512)) "$work/esp.img"
mformat -i "$work/esp.img" -N "$esp_serial" -v "$esp_label" ::
if [ -n "$(ls -A "$root/efi")" ]; then
	mcopy -i "$work/esp.img" -s -p "$root"/efi/* ::/
fi
find "$root/efi" -mindepth 1 -delete

echo "mkdebian-variant: root image (ext4) with mkfs.ext4 -d" >&2
truncate -s $((root_sectors * 512)) "$work/root.img"
mkfs.ext4 -q -F -L varroot -d "$root" "$work/root.img"

echo "mkdebian-variant: MBR with sfdisk, partitions put in place with dd" >&2
truncate -s $((total_sectors * 512)) "$disk"
sfdisk -q "$disk" >&2 <<EOF
label: dos
label-id: 0x$disk_id
start=$esp_start, size=$esp_sectors, type=ef
start=$root_start, size=$root_sectors, type=83, bootable
EOF
dd if="$work/esp.img" of="$disk" bs=1M seek=$((esp_start / 2048)) conv=notrunc,sparse status=none
dd if="$work/root.img" of="$disk" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none

cat >"$work/layout.env" <<EOF
# Written by scripts/mkdebian-variant.sh: the disk.img next to this file.
DISK_ID=$disk_id
ROOT_PARTUUID=$root_partuuid
ESP_LABEL=$esp_label
ESP_MOUNT=/efi
KERNELS='$kernels'
SECTOR=512
ESP_OFFSET=$((esp_start * 512))
ESP_SIZE=$((esp_sectors * 512))
ROOT_OFFSET=$((root_start * 512))
ROOT_SIZE=$((root_sectors * 512))
PVHBOOT_DEB='$(basename "$deb")'
EOF
rm -rf "$out"
mkdir -p "$out"
mv "$disk" "$work/layout.env" "$out/"
echo "mkdebian-variant: done: $out/disk.img ($(du -h "$out/disk.img" | cut -f1) used), kernels: $kernels" >&2
echo "$out"
