#!/bin/bash
# mkdebian-image.sh - build a Debian 12 disk image that boots its own root
# through pvhboot, without loop devices or mounts (root needed for the
# chroot only). Called by tests/boot/debian-os.sh and bench/debian-bench.sh;
# usable alone. Prints the image directory on the last line of stdout.
#
#   scripts/mkdebian-image.sh [--force]
#
# Steps: mmdebstrap (minbase + systemd, udev, Debian's linux-image-amd64,
# initramfs-tools, GRUB's EFI and BIOS binaries) into a directory, with the
# apt sources of the host; in customize hooks the pvhboot .deb is installed
# with dpkg -i and then a second kernel (Debian's 6.12) with apt, so the
# package's kernel hooks run as they do for a user; then mkfs.ext4 -d for the
# root, mtools for the ESP (the content of /boot/efi), sgdisk for the GPT,
# dd to put the partitions at their offsets.
#
# Output, cache/image-KEY/ (KEY: a hash of this script, the .deb or the
# loader images, the packages; rebuilt only when one of them changes):
#   disk.img     raw GPT disk, 4 GiB sparse:
#                  1  BIOS boot   1 MiB  (EF02, for grub-pc's core.img)
#                  2  ESP       512 MiB  (EF00, FAT32, mounted at /boot/efi)
#                  3  root       rest    (8300, ext4, on virtio-blk: /dev/vda3)
#   layout.env   shell variables: ROOT_UUID, ESP_UUID, KERNELS (versions, oldest
#                first), CMDLINE, partition offsets in bytes (ESP_OFFSET, ...)
# The ESP holds \EFI\BOOT\BOOTX64.EFI (pvhboot.efi), /loader/loader.conf,
# /loader/entries/*.conf (Boot Loader Specification type 1) and each
# kernel's PVH ELF and initrd next to its entry. Root: no password (the
# serial console logs in as root with no prompt for one). A test unit
# (pvhboot-test-run.service, run only when the ESP holds /pvhboot-run.sh)
# runs the script a test put there, then powers off: the first boot of
# tests/os/debian.sh installs GRUB for EFI and BIOS and runs update-grub
# (tests/os/guest/firstboot.sh), as an administrator would. No firmware boot
# entry is made in the build (a chroot has no EFI variables of its own):
# tests/os/guest/boot-entry.sh makes one with pvhboot-install, from a boot
# through Debian's EFI stub.
#
# Environment: IMAGE_KERNEL (default linux-image-amd64: what users have),
# IMAGE_SECOND_KERNEL (default: the newest linux-image-6.12.*+deb12-amd64),
# IMAGE_SIZE_MB (default 4096).
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
force=0
[ "${1:-}" = --force ] && force=1

kernel_pkg=${IMAGE_KERNEL:-linux-image-amd64}
size_mb=${IMAGE_SIZE_MB:-4096}
esp_mb=512
suite=bookworm
# What the system needs (minbase has no init, no kernel); GRUB as binaries
# only: grub-pc and grub-efi-amd64 conflict, their -bin packages do not.
pkgs="systemd systemd-sysv udev kmod $kernel_pkg initramfs-tools zstd e2fsprogs
dosfstools efibootmgr grub-efi-amd64-bin grub-pc-bin grub2-common gzip xz-utils"
pkgs="$pkgs binutils sbsigntool" # the package's Recommends/Suggests for PVHBOOT_LAYOUT=uki (tests/os/secureboot.sh)
pkgs=$(echo $pkgs | tr ' ' ,)

die() {
	echo "mkdebian-image: $*" >&2
	exit 1
}
for t in mmdebstrap mkfs.ext4 sgdisk mformat mcopy; do
	command -v "$t" >/dev/null || die "$t missing: scripts/install-deps.sh (or make deps)"
done
[ "$(id -u)" = 0 ] || die "needs root for mmdebstrap's chroot (no mounts of the image are made)"

second_kernel=${IMAGE_SECOND_KERNEL:-}
if [ -z "$second_kernel" ]; then
	second_kernel=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' |
		cut -d' ' -f1 | sort -V | tail -n1)
	[ -n "$second_kernel" ] || die "no linux-image-6.12.*+deb12-amd64 in the host's apt lists (apt-get update)"
fi

deb=$(ls "$top"/build/deb/pvhboot_*_amd64.deb 2>/dev/null | sort -V | tail -n1 || true)
if [ -n "$deb" ]; then
	# The package's content, not the .deb file: its build is not bit for bit
	# reproducible (archive dates), its files are.
	inputs_hash=$({ dpkg-deb --fsys-tarfile "$deb" | tar -xO; dpkg-deb --ctrl-tarfile "$deb" | tar -xO; } |
		sha256sum | cut -c1-16)
	dpkg-deb -c "$deb" | grep -q '/usr/bin/pvh-extract$' || inputs_hash=$inputs_hash-$(cat "$top/scripts/extract-vmlinux.sh" "$top/scripts/pvh-extract-interim.sh" | sha256sum | cut -c1-8)
else
	make -C "$top" --no-print-directory -s build/pvhboot.efi build/pvhboot.elf >&2
	inputs_hash=$(cat "$top/build/pvhboot.efi" "$top/build/pvhboot.elf" "$top/scripts/extract-vmlinux.sh" |
		sha256sum | cut -c1-16)
fi
key=$( (cat "$0" "$top/scripts/debian-image-setup.sh"; echo "$pkgs $second_kernel $size_mb $inputs_hash") |
	sha256sum | cut -c1-16)
out=$top/cache/image-$key
if [ "$force" = 0 ] && [ -s "$out/disk.img" ] && [ -s "$out/layout.env" ]; then
	echo "mkdebian-image: cached $out" >&2
	echo "$out"
	exit 0
fi

debs=$top/cache/image-debs # downloaded packages, kept between builds
work=$top/cache/image-work-$$
rm -rf "$work"
mkdir -p "$work" "$debs"
trap 'rm -rf "$work"' EXIT
root=$work/root

root_uuid=$(cat /proc/sys/kernel/random/uuid)
esp_serial=$(od -An -tx4 -N4 /dev/urandom | tr -d ' ')
esp_uuid=$(echo "$esp_serial" | tr a-f A-F | sed 's/^\(....\)/\1-/')
cmdline="root=UUID=$root_uuid ro console=ttyS0"

# The host's Debian sources (deb822), without the disabled extra ones.
sources=$work/sources
cat /etc/apt/sources.list.d/debian.sources >"$sources" 2>/dev/null ||
	printf 'deb http://deb.debian.org/debian bookworm main\n' >"$sources"

echo "mkdebian-image: building $out (mmdebstrap $suite, $kernel_pkg, then $second_kernel)" >&2
hooks=(
	# Reuse downloaded packages (mmdebstrap's documented cache pattern).
	--skip=download/empty --skip=essential/unlink
	--setup-hook='mkdir -p "$1"/var/cache/apt/archives/'
	--setup-hook="sync-in $debs /var/cache/apt/archives/"
	# Before the kernel's postinst: the command line the hooks read, the fstab.
	--essential-hook="mkdir -p \"\$1\"/etc/kernel \"\$1\"/boot/efi && echo '$cmdline' > \"\$1\"/etc/kernel/cmdline"
	# (The ESP waits 10 min for its device, not systemd's 90 s: under TCG on
	# a loaded machine udev's coldplug alone can take longer.)
	--essential-hook="printf 'UUID=$root_uuid / ext4 errors=remount-ro 0 1\nUUID=$esp_uuid /boot/efi vfat umask=0077,x-systemd.device-timeout=600 0 1\n' > \"\$1\"/etc/fstab"
	--customize-hook="\"$top/scripts/debian-image-setup.sh\" \"\$1\""
)
if [ -n "$deb" ]; then
	if ! dpkg-deb -c "$deb" | grep -q '/usr/bin/pvh-extract$'; then
		# Until the package carries pvh-extract: the same job, see
		# scripts/pvh-extract-interim.sh.
		hooks+=(
			--customize-hook="mkdir -p \"\$1\"/usr/local/lib/pvhboot-test"
			--customize-hook="copy-in $top/scripts/extract-vmlinux.sh $top/scripts/pvh-extract-interim.sh /usr/local/lib/pvhboot-test"
			# /usr/bin: kernel hooks run with a PATH that has no /usr/local.
			--customize-hook="ln -sf /usr/local/lib/pvhboot-test/pvh-extract-interim.sh \"\$1\"/usr/bin/pvh-extract"
		)
	fi
	hooks+=(
		--customize-hook="copy-in $deb /tmp"
		--customize-hook="chroot \"\$1\" dpkg -i /tmp/$(basename "$deb")"
		# The administrator's choice: pvhboot's GRUB entry as the default.
		--customize-hook="sed -i 's/^PVHBOOT_GRUB_DEFAULT=.*/PVHBOOT_GRUB_DEFAULT=true/' \"\$1\"/etc/default/pvhboot"
		--customize-hook="chroot \"\$1\" pvhboot-install --esp-path=/boot/efi --no-variables --removable install"
	)
fi
hooks+=(
	--customize-hook="chroot \"\$1\" apt-get install -y $second_kernel"
	--customize-hook='rm -f "$1"/tmp/pvhboot_*.deb'
	--customize-hook="sync-out /var/cache/apt/archives $debs"
	--customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb'
)
# stdin: the sources. mmdebstrap's output, apt's progress bars included,
# goes straight to the terminal (they need a terminal to show).
mmdebstrap --variant=minbase --include="$pkgs" "${hooks[@]}" \
	"$suite" "$root" - <"$sources" >&2

kernels=$(cd "$root/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tr '\n' ' ')
[ -n "$kernels" ] || die "no kernel in $root/boot"

# Until the package is built: what its hooks write, done from here.
if [ -z "$deb" ]; then
	esp=$root/boot/efi
	mkdir -p "$esp/EFI/BOOT" "$esp/loader/entries" "$root/boot/pvhboot"
	cp "$top/build/pvhboot.efi" "$esp/EFI/BOOT/BOOTX64.EFI"
	mkdir -p "$esp/EFI/pvhboot" && cp "$top/build/pvhboot.efi" "$esp/EFI/pvhboot/pvhboot.efi"
	cp "$top/build/pvhboot.elf" "$root/boot/pvhboot/pvhboot.elf"
	printf 'timeout 0\n' >"$esp/loader/loader.conf"
	for v in $kernels; do
		mkdir -p "$esp/debian/$v"
		"$top/scripts/extract-vmlinux.sh" "$root/boot/vmlinuz-$v" "$esp/debian/$v/vmlinux" >&2
		cp "$root/boot/initrd.img-$v" "$esp/debian/$v/initrd.img"
		gzip -1 -c "$esp/debian/$v/vmlinux" >"$root/boot/pvhboot/vmlinux-$v.gz"
		cat >"$esp/loader/entries/debian-$v.conf" <<EOF
title   Debian GNU/Linux 12 (bookworm), $v (pvhboot)
version $v
sort-key debian
linux   /debian/$v/vmlinux
initrd  /debian/$v/initrd.img
options $cmdline
EOF
	done
	cat >"$root/etc/grub.d/09_pvhboot" <<'EOF'
#!/bin/sh
# One multiboot2 entry per kernel with an extracted PVH ELF in /boot/pvhboot.
set -e
. /usr/share/grub/grub-mkconfig_lib
uuid=$(grub-probe --target=fs_uuid /boot)
cmdline=$(cat /etc/kernel/cmdline)
for gz in $(ls /boot/pvhboot/vmlinux-*.gz | sort -rV); do
	v=${gz#/boot/pvhboot/vmlinux-}; v=${v%.gz}
	echo "Found pvhboot entry: $v" >&2
	cat <<EOT
menuentry 'Debian GNU/Linux, with Linux $v (pvhboot)' --id pvhboot-$v {
	insmod part_gpt
	insmod ext2
	insmod gzio
	search --no-floppy --fs-uuid --set=root $uuid
	multiboot2 /boot/pvhboot/pvhboot.elf
	module2 /boot/pvhboot/vmlinux-$v.gz $cmdline
	module2 /boot/initrd.img-$v
}
EOT
done
EOF
	chmod 755 "$root/etc/grub.d/09_pvhboot"
fi

# Partitions (sectors of 512 bytes): BIOS boot at 1 MiB, ESP at 2 MiB, root after.
bios_start=2048
esp_start=4096
esp_sectors=$((esp_mb * 2048))
root_start=$((esp_start + esp_sectors))
total_sectors=$((size_mb * 2048))
root_sectors=$((total_sectors - root_start - 2048)) # room for the backup GPT
disk=$work/disk.img

echo "mkdebian-image: ESP image (FAT32, $esp_mb MiB) from /boot/efi" >&2
truncate -s $((esp_sectors * 512)) "$work/esp.img"
mformat -i "$work/esp.img" -F -N "$esp_serial" -v ESP ::
if [ -n "$(ls -A "$root/boot/efi")" ]; then
	mcopy -i "$work/esp.img" -s -p "$root"/boot/efi/* ::/
fi
find "$root/boot/efi" -mindepth 1 -delete # the mount point stays, empty

echo "mkdebian-image: root image (ext4) with mkfs.ext4 -d" >&2
truncate -s $((root_sectors * 512)) "$work/root.img"
mkfs.ext4 -q -F -L root -U "$root_uuid" -d "$root" "$work/root.img"

echo "mkdebian-image: GPT with sgdisk, partitions put in place with dd" >&2
truncate -s $((total_sectors * 512)) "$disk"
sgdisk -n 1:$bios_start:$((esp_start - 1)) -t 1:EF02 -c 1:bios \
	-n 2:$esp_start:$((root_start - 1)) -t 2:EF00 -c 2:ESP \
	-n 3:$root_start:$((root_start + root_sectors - 1)) -t 3:8300 -c 3:root "$disk" >&2
dd if="$work/esp.img" of="$disk" bs=1M seek=$((esp_start / 2048)) conv=notrunc,sparse status=none
dd if="$work/root.img" of="$disk" bs=1M seek=$((root_start / 2048)) conv=notrunc,sparse status=none

cat >"$work/layout.env" <<EOF
# Written by scripts/mkdebian-image.sh: the disk.img next to this file.
ROOT_UUID=$root_uuid
ESP_UUID=$esp_uuid
KERNELS='$kernels'
CMDLINE='$cmdline'
SECTOR=512
BIOS_OFFSET=$((bios_start * 512))
ESP_OFFSET=$((esp_start * 512))
ESP_SIZE=$((esp_sectors * 512))
ROOT_OFFSET=$((root_start * 512))
ROOT_SIZE=$((root_sectors * 512))
PVHBOOT_DEB='$(basename "${deb:-none}")'
EOF
rm -rf "$out"
mkdir -p "$out"
mv "$disk" "$work/layout.env" "$out/"
echo "mkdebian-image: done: $out/disk.img ($(du -h "$out/disk.img" | cut -f1) used), kernels: $kernels" >&2
echo "$out"
