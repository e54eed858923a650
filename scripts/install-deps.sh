#!/bin/sh
# install-deps.sh - install, from Debian's archive, what building and testing
# pvhboot needs. Runs `apt-get update` only when something is missing.
set -eu

PKGS="gcc gcc-multilib binutils make libcriterion-dev libxen-dev
qemu-system-x86 grub-pc-bin grub-common xorriso mtools cpio xz-utils
busybox-static ovmf gnu-efi clang llvm libclang-rt-14-dev zstd lz4
cppcheck clang-tidy"
PKGS="$PKGS dosfstools gdisk mtools" # disk images for the GPT/FAT reader tests (mkfs.vfat, sgdisk, mcopy)
PKGS="$PKGS mmdebstrap e2fsprogs gdisk dosfstools grub-efi-amd64-bin systemd-boot-efi bc" # the Debian image test (make check-os) and its bench
PKGS="$PKGS liblzma-dev liblz4-dev libzstd-dev zlib1g-dev libbz2-dev bzip2" # pvh-extract's decompressors; bzip2 for its tests
PKGS="$PKGS debhelper dpkg-dev fakeroot lintian shellcheck efibootmgr" # make deb, its lintian and shellcheck tests; pvhboot-install registers boot entries
PKGS="$PKGS sbsigntool swtpm swtpm-tools openssl xxd" # Secure Boot and measured-boot tests (tests/boot/efiimg.sh)
PKGS="$PKGS debian-archive-keyring" # scripts/fetch-ovmf.sh checks newer suites' signatures (tests/boot/uefi-firmware-newer.sh)
PKGS="$PKGS shim-unsigned python3" # pvhboot.efi started by shim under Secure Boot, MokList written into OVMF's variables (tests/boot/shim.sh)
PKGS="$PKGS fdisk" # sfdisk: the MBR disk of scripts/mkdebian-variant.sh (make check-os-variant)

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing:$missing; run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi
echo "install-deps: installing:$missing"
# apt's own progress stays on the terminal: a first run downloads a few
# hundred MB. The lock timeout lets a concurrent apt run finish first.
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y -o DPkg::Lock::Timeout=600 \
	--no-install-recommends $missing
