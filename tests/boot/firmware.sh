#!/bin/bash
# firmware.sh - firmware mode: pvhboot-pvh.elf started through PVH with no
# module reads the guest's own disk.
#   fw-read-{pc,q35,microvm}  the virtio-blk driver over PCI legacy (-M pc),
#                             PCI modern (-M q35, disable-legacy=on) and MMIO
#                             (-M microvm): pvhboot.disk-crc reads a random
#                             64 MiB disk whole; its CRC-32 must be the file's
#   fw-guest-{microvm,pc,q35} a GPT disk (sgdisk) with a FAT32 ESP (mtools)
#                             holding loader.conf, two entries (the default
#                             chosen by a glob) and the conformance guest with
#                             two initrds: the guest must pass every check
#   fw-bar-above-4g           q35 with a 2 GiB ivshmem BAR, so SeaBIOS puts the
#                             64-bit BARs above 4 GiB: the virtio BAR is moved
#                             below 4 GiB and the guest passes
#   fw-second-disk            a disk with no ESP (a Linux partition holding
#                             the same FAT) before the bootable one
#   fw-menu                   loader.conf's timeout: the menu is listed and
#                             the default boots when no key comes
#   fw-linux-{microvm,pc}     Debian's vmlinux + the busybox initramfs from an
#                             ESP, to the initramfs's userspace marker
#   fw-bad-*                  hostile disks (no ESP, no entries, an entry
#                             naming a missing file, a truncated kernel): each
#                             must print its message and stop (exit-on-error)
# A whole Debian 12 image to its login prompt through this mode (microvm, pc
# with a disk before it, q35 modern-only, a default glob): tests/os/firmware.sh
# (make check-os; minutes under TCG).
# Called by run.sh (make boot-tests / check).
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/firmware
mkdir -p "$T"
LOADER=$BOOT_BUILD/pvhboot-pvh.elf
TIMEOUT=120
status=0

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot-pvh.elf >&2 || {
	echo "not ok - firmware (build failed)"
	exit 1
}

# fw_run NAME MACHINE_AND_DEVICE_ARGS... : the loader with no module, its log in $log.
fw_run() {
	local name=$1
	shift
	log=$BOOT_LOG_DIR/$name.log
	qemu_run "$name" "$TIMEOUT" "$log" -- -kernel "$LOADER" "$@"
}

# --- the driver: every transport reads the same bytes as the file holds ---------
RAND=$T/rand.img
head -c $((64 << 20)) /dev/urandom >"$RAND"
want=$(boot_crc32 "$RAND")
for m in pc q35 microvm; do
	case $m in
	pc) dev="virtio-blk-pci,drive=d0" ;;
	q35) dev="virtio-blk-pci,drive=d0,disable-legacy=on" ;;
	microvm) dev="virtio-blk-device,drive=d0" ;;
	esac
	fw_run "fw-read-$m" -M "$m" -append "pvhboot.exit-on-error pvhboot.disk-crc" \
		-drive "if=none,id=d0,file=$RAND,format=raw,readonly=on" -device "$dev"
	got=$(tr -d '\r' <"$log" | sed -n 's/^pvhboot: disk vda: crc32 0x\([0-9a-f]*\),.*/\1/p')
	if [ "$got" = "$want" ]; then
		tap_ok "fw-read-$m" "$(tr -d '\r' <"$log" | grep -a -m1 'disk vda: crc32' | sed 's/.*requests: //')"
	else
		tap_not_ok "fw-read-$m" "crc32 '${got:-none}', want $want" "$log"
		status=1
	fi
done
rm -f "$RAND"

# --- disks with an ESP ---------------------------------------------------------------
boot_need_guest
boot_make_test_modules
guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.crc32.0=$BOOT_MOD1_CRC expect.crc32.1=$BOOT_MOD2_CRC"

# mk_gpt_disk OUT FAT_IMAGE TYPE: a GPT disk whose one partition (sgdisk type
# code TYPE: ef00 ESP, 8300 Linux) holds FAT_IMAGE, 1 MiB in.
mk_gpt_disk() {
	local out=$1 fat=$2 type=$3 sectors
	sectors=$(($(stat -c %s "$fat") / 512))
	rm -f "$out"
	truncate -s $(((sectors + 4096) * 512)) "$out"
	sgdisk -o -n "1:2048:$((2048 + sectors - 1))" -t "1:$type" -c 1:boot "$out" >/dev/null &&
		dd if="$fat" of="$out" bs=1M seek=1 conv=notrunc status=none
}

# mk_esp_disk OUT SIZE_MB SRC=PATH...: mkesp.sh's FAT32 image inside a GPT disk as its ESP.
mk_esp_disk() {
	local out=$1 size=$2
	shift 2
	"$BOOT_ROOT/scripts/mkesp.sh" "$T/fat.img" "$size" "$@" &&
		mk_gpt_disk "$out" "$T/fat.img" ef00 && rm -f "$T/fat.img"
}

printf 'timeout 0\ndefault guest-*\n' >"$T/loader.conf"
cat >"$T/guest.conf" <<EOF2
title   PVH conformance guest
version 1.0
linux   /kernels/guest.elf
initrd  /initrd/one.img
initrd  /initrd/two.img
options $guest_args
EOF2
# Sorts first (a newer version) but is not the default: booting it fails the guest.
printf 'title Wrong entry\nversion 9.0\nlinux /kernels/guest.elf\noptions expect.mods=9\n' >"$T/wrong.conf"
GOOD=$T/good.img
mk_esp_disk "$GOOD" 40 "$T/loader.conf=/loader/loader.conf" \
	"$T/guest.conf=/loader/entries/guest-pvh.conf" "$T/wrong.conf=/loader/entries/other.conf" \
	"$BOOT_GUEST=/kernels/guest.elf" "$BOOT_MOD1=/initrd/one.img" "$BOOT_MOD2=/initrd/two.img" || {
	echo "not ok - fw-guest (could not build the disk image)"
	exit 1
}

for m in microvm pc q35; do
	case $m in
	microvm) dev="virtio-blk-device,drive=d0" ;;
	pc) dev="virtio-blk-pci,drive=d0" ;;
	q35) dev="virtio-blk-pci,drive=d0,disable-legacy=on" ;;
	esac
	fw_run "fw-guest-$m" -M "$m" -append "pvhboot.exit-on-error" \
		-drive "if=none,id=d0,file=$GOOD,format=raw,readonly=on" -device "$dev"
	boot_expect_pass "fw-guest-$m" "$log" || status=1
done
if grep -aq "booting entry 'guest-pvh'" "$BOOT_LOG_DIR/fw-guest-pc.log"; then
	tap_ok fw-default-glob "guest-* picked over a newer entry"
else
	tap_not_ok fw-default-glob "entry guest-pvh not booted" "$BOOT_LOG_DIR/fw-guest-pc.log"
	status=1
fi

# SeaBIOS moves the 64-bit BARs above 4 GiB when they do not fit below:
# out of reach with paging off, the virtio BAR must be moved back.
fw_run fw-bar-above-4g -M q35 -append "pvhboot.exit-on-error" \
	-object memory-backend-ram,id=shm,size=2G -device ivshmem-plain,memdev=shm \
	-drive "if=none,id=d0,file=$GOOD,format=raw,readonly=on" -device virtio-blk-pci,drive=d0,disable-legacy=on
if boot_expect_pass fw-bar-above-4g "$log"; then
	if grep -aq 'BAR4 moved from 0x1[0-9a-f]\{8\} to 0x' "$log"; then
		tap_ok fw-bar-above-4g-moved "$(tr -d '\r' <"$log" | grep -a -m1 'BAR4 moved' | sed 's/: above.*//; s/^pvhboot: //')"
	else
		tap_not_ok fw-bar-above-4g-moved "no BAR moved from above 4 GiB: SeaBIOS placed it low?" "$log"
		status=1
	fi
else
	status=1
fi

# A first disk whose only partition is Linux's (holding a FAT with entries:
# the type decides, not the content), then the bootable one.
"$BOOT_ROOT/scripts/mkesp.sh" "$T/fat.img" 34 "$T/guest.conf=/loader/entries/x.conf" &&
	mk_gpt_disk "$T/noesp.img" "$T/fat.img" 8300 && rm -f "$T/fat.img"
for m in microvm pc; do
	case $m in
	microvm) dev=virtio-blk-device ;;
	pc) dev=virtio-blk-pci ;;
	esac
	fw_run "fw-second-disk-$m" -M "$m" -append "pvhboot.exit-on-error" \
		-drive "if=none,id=d0,file=$T/noesp.img,format=raw,readonly=on" -device "$dev,drive=d0" \
		-drive "if=none,id=d1,file=$GOOD,format=raw,readonly=on" -device "$dev,drive=d1"
	if boot_expect_pass "fw-second-disk-$m" "$log"; then
		if grep -aq 'disk vda: no EFI system partition' "$log" && grep -aq 'booting entry .* from vdb' "$log"; then
			tap_ok "fw-second-disk-$m-order" "vda without an ESP skipped, vdb booted"
		else
			tap_not_ok "fw-second-disk-$m-order" "vda not tried first" "$log"
			status=1
		fi
	else
		status=1
	fi
done

# The menu: timeout 1, no key: listed, then the default boots.
printf 'timeout 1\ndefault guest-*\n' >"$T/menu.conf"
mk_esp_disk "$T/menu.img" 40 "$T/menu.conf=/loader/loader.conf" \
	"$T/guest.conf=/loader/entries/guest-pvh.conf" "$T/wrong.conf=/loader/entries/other.conf" \
	"$BOOT_GUEST=/kernels/guest.elf" "$BOOT_MOD1=/initrd/one.img" "$BOOT_MOD2=/initrd/two.img"
fw_run fw-menu -M pc -append "pvhboot.exit-on-error" \
	-drive "if=none,id=d0,file=$T/menu.img,format=raw,readonly=on" -device virtio-blk-pci,drive=d0
if boot_expect_pass fw-menu "$log"; then
	if grep -aq '1\. Wrong entry' "$log" && grep -aq 'PVH conformance guest (default)' "$log"; then
		tap_ok fw-menu-listed "menu shown, default booted on timeout"
	else
		tap_not_ok fw-menu-listed "menu lines missing" "$log"
		status=1
	fi
else
	status=1
fi
rm -f "$T/menu.img" "$T/noesp.img"

# --- Debian's kernel and the busybox initramfs from an ESP ----------------------------
KERNEL=$BOOT_ROOT/cache/kernel/vmlinux
if [ -s "$KERNEL" ] && "$BOOT_ROOT/scripts/mkinitramfs.sh" "$T/initramfs.img" >"$BOOT_LOG_DIR/fw-initramfs.log" 2>&1; then
	printf 'timeout 0\n' >"$T/linux-loader.conf"
	cat >"$T/debian.conf" <<EOF2
title   Debian 12 (firmware mode)
linux   /vmlinux
initrd  /initramfs.img
options console=ttyS0 panic=-1
EOF2
	mk_esp_disk "$T/linux.img" 128 "$T/linux-loader.conf=/loader/loader.conf" \
		"$T/debian.conf=/loader/entries/debian.conf" "$KERNEL=/vmlinux" "$T/initramfs.img=/initramfs.img"
	for m in microvm pc; do
		case $m in
		microvm) dev=virtio-blk-device extra="tsc_early_khz=2096000" ;;
		pc) dev=virtio-blk-pci extra="" ;;
		esac
		QEMU_MEM=512 fw_run "fw-linux-$m" -M "$m" -append "pvhboot.exit-on-error pvh-path=fw-$m $extra" \
			-drive "if=none,id=d0,file=$T/linux.img,format=raw,readonly=on" -device "$dev,drive=d0"
		line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
		if [ "$QEMU_RC" = 33 ] && grep -q ' initramfs=ok ' <<<"$line" && grep -qw -- "pvh-path=fw-$m" <<<"$line"; then
			tap_ok "fw-linux-$m" "$(tr -d '\r' <"$log" | grep -a -m1 'vmlinux at' | sed 's/.*vmlinux at 0x[0-9a-f]*, //')"
		else
			tap_not_ok "fw-linux-$m" "no userspace marker with initramfs=ok and pvh-path=fw-$m: $(boot_rc_meaning "$QEMU_RC")" "$log"
			status=1
		fi
	done
	rm -f "$T/linux.img"
else
	tap_not_ok fw-linux "cache/kernel/vmlinux missing (make kernel) or mkinitramfs.sh failed" "$BOOT_LOG_DIR/fw-initramfs.log"
	status=1
fi

# --- hostile disks: a message each, then exit-on-error (status 67) ---------------------
# fw_bad NAME DISK PATTERN
fw_bad() {
	local name=$1 disk=$2 pattern=$3
	fw_run "$name" -M pc -append "pvhboot.exit-on-error" \
		-drive "if=none,id=d0,file=$disk,format=raw,readonly=on" -device virtio-blk-pci,drive=d0
	if [ "$QEMU_RC" != 67 ]; then
		tap_not_ok "$name" "want exit-on-error (67): $(boot_rc_meaning "$QEMU_RC")" "$log"
		status=1
	elif ! grep -aq -- "$pattern" "$log"; then
		tap_not_ok "$name" "no message matching '$pattern'" "$log"
		status=1
	else
		tap_ok "$name" "$(tr -d '\r' <"$log" | grep -a -m1 -- "$pattern" | clip 110)"
	fi
}

"$BOOT_ROOT/scripts/mkesp.sh" "$T/fat.img" 34 "$T/guest.conf=/loader/entries/x.conf" &&
	mk_gpt_disk "$T/bad.img" "$T/fat.img" 8300
fw_bad fw-bad-no-esp "$T/bad.img" "disk vda: no EFI system partition"
mk_esp_disk "$T/bad.img" 34 "$T/loader.conf=/loader/loader.conf"
fw_bad fw-bad-no-entries "$T/bad.img" "disk vda: no boot entries"
printf 'linux /kernels/missing.elf\n' >"$T/missing.conf"
mk_esp_disk "$T/bad.img" 34 "$T/missing.conf=/loader/entries/missing.conf" "$BOOT_GUEST=/kernels/guest.elf"
fw_bad fw-bad-missing-file "$T/bad.img" "entry 'missing': .*missing.elf: no such file"
# Cut inside the guest's second load segment (file bytes 0x6000-0xb628).
head -c 40000 "$BOOT_GUEST" >"$T/truncated.elf"
printf 'linux /kernels/guest.elf\n' >"$T/trunc.conf"
mk_esp_disk "$T/bad.img" 34 "$T/trunc.conf=/loader/entries/trunc.conf" "$T/truncated.elf=/kernels/guest.elf"
fw_bad fw-bad-truncated-kernel "$T/bad.img" "kernels.guest.elf: elf: "
fw_run fw-bad-no-disk -M pc -append "pvhboot.exit-on-error"
if [ "$QEMU_RC" = 67 ] && grep -aq "no block device found (virtio-blk, or a Xen vbd)" "$log"; then
	tap_ok fw-bad-no-disk "no block device found"
else
	tap_not_ok fw-bad-no-disk "want the no-disk message and status 67: $(boot_rc_meaning "$QEMU_RC")" "$log"
	status=1
fi
rm -f "$T/bad.img" "$T/truncated.elf"
exit $status
