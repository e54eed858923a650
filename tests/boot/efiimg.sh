#!/bin/bash
# efiimg.sh - pvhboot.efi starting EFI images through the firmware, and
# pvhboot.efi as a unified kernel image (UKI), under OVMF:
#   efiimg-stub     a loader entry whose linux is Debian's EFI-stub vmlinuz
#                   (not a PVH ELF): LoadImage/StartImage, the command line as
#                   load options, the initramfs through LoadFile2 on the
#                   LINUX_EFI_INITRD_MEDIA device path
#   efiimg-uki      a UKI built by pvh-ukify from Debian 6.12's vmlinux and the
#                   busybox initramfs, listed as a type 2 entry
#                   (/EFI/Linux/*.efi) by pvhboot.efi as boot manager and
#                   started with LoadImage; pvhboot inside boots .linux by PVH
#   efiimg-uki-bad  UKIs with a missing or truncated .linux: a clear error,
#                   the firmware goes on to its next option
# Each Linux boot must reach the initramfs's marker with QEMU status 33, the
# initramfs unpacked and its own token on the command line.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

QEMU_MEM=512
T=$BOOT_TMP/efiimg
mkdir -p "$T"
TIMEOUT=300
BASE_ARGS="console=ttyS0 panic=-1"
INITRAMFS=$T/initramfs.img
status=0

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi build/pvh-ukify >&2 || {
	tap_not_ok efiimg "build failed" "$BOOT_LOG_DIR"
	exit 1
}
"$BOOT_ROOT/scripts/mkinitramfs.sh" "$INITRAMFS" >"$BOOT_LOG_DIR/efiimg-initramfs.log" 2>&1 || {
	tap_not_ok efiimg "the initramfs cannot be built" "$BOOT_LOG_DIR/efiimg-initramfs.log"
	exit 1
}

# ovmf_run NAME LOG ESP: OVMF (no Secure Boot) with the ESP as a virtio disk.
ovmf_run() {
	cp /usr/share/OVMF/OVMF_VARS.fd "$T/$1.vars.fd"
	qemu_run "$1" "$TIMEOUT" "$2" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,unit=1,file="$T/$1.vars.fd" \
		-drive if=virtio,format=raw,file="$3"
}

# marker_problem LOG TOKEN: why the last run did not reach userspace; nothing if it did.
marker_problem() {
	local line
	line=$(tr -d '\r' <"$1" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	if grep -aq 'Kernel panic' "$1"; then
		echo "kernel panic: $(grep -a -m1 'Kernel panic' "$1" | tr -d '\r' | cut -c1-120)"
	elif [ -z "$line" ]; then
		echo "no PVHBOOT-USERSPACE marker; $(boot_rc_meaning "$QEMU_RC")"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		echo "marker seen but $(boot_rc_meaning "$QEMU_RC"), want 33"
	elif ! grep -q ' initramfs=ok ' <<<"$line"; then
		echo "initramfs not unpacked: $line"
	elif ! grep -qw -- "pvh-path=$2" <<<"$line"; then
		echo "command line lacks pvh-path=$2: $line"
	fi
}

# expect_userspace NAME LOG: one TAP line; 0 if the boot reached userspace.
expect_userspace() {
	local problem
	problem=$(marker_problem "$2" "$1")
	if [ -n "$problem" ]; then
		tap_not_ok "$1" "$problem" "$2"
		return 1
	fi
	tap_ok "$1" "$(tr -d '\r' <"$2" | grep -a -m1 '^PVHBOOT-USERSPACE: ' | cut -d' ' -f2-4)"
}

# expect_log NAME LOG REGEX WHAT: the log must match REGEX (extended grep).
expect_log() {
	if grep -aEq "$3" "$2"; then
		tap_ok "$1" "$4"
	else
		tap_not_ok "$1" "no '$3' in the log" "$2"
		return 1
	fi
}

# 1. Debian's EFI-stub vmlinuz from a type 1 entry.
name=efiimg-stub
log=$BOOT_LOG_DIR/$name.log
if [ -s "$BOOT_ROOT/cache/kernel/vmlinuz" ]; then
	printf 'timeout 0\n' >"$T/loader.conf"
	printf 'title Debian (EFI stub)\nlinux /vmlinuz\ninitrd /initramfs.img\noptions %s pvh-path=%s\n' \
		"$BASE_ARGS" "$name" >"$T/stub.conf"
	esp=$T/stub.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$BOOT_BUILD/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
		"$T/loader.conf=/loader/loader.conf" "$T/stub.conf=/loader/entries/stub.conf" \
		"$BOOT_ROOT/cache/kernel/vmlinuz=/vmlinuz" "$INITRAMFS=/initramfs.img"
	ovmf_run "$name" "$log" "$esp"
	expect_userspace "$name" "$log" || status=1
	expect_log "$name-loadfile2" "$log" 'bytes of initrd offered as LINUX_EFI_INITRD_MEDIA' \
		"initramfs offered through LoadFile2" || status=1
	rm -f "$esp"
else
	tap_not_ok "$name" "cache/kernel/vmlinuz missing: scripts/fetch-kernel.sh" "$BOOT_LOG_DIR"
	status=1
fi

exit $status
