#!/bin/bash
# debian.sh - a real Debian 12 system (scripts/mkdebian-image.sh: systemd,
# Debian's kernels installed by apt, the pvhboot package's hooks) boots its
# own ext4 root on virtio-blk to the serial login prompt through each path
# a user has (make check-os):
#   os-uefi-removable  OVMF -> \EFI\BOOT\BOOTX64.EFI = pvhboot.efi -> the
#                      newest loader entry's PVH ELF
#   os-firstboot       a boot that runs tests/os/guest/firstboot.sh: GRUB for
#                      EFI and BIOS installed on the running system and
#                      update-grub (then power off; cached)
#   os-grub-efi        OVMF -> GRUB (grubx64.efi as BOOTX64.EFI) ->
#                      update-grub's pvhboot entry -> multiboot2 pvhboot.elf
#   os-uefi-entry      skipped: no firmware boot entry can be written from
#                      a Linux started through PVH (no efivars)
#   os-grub-bios       SeaBIOS -> grub-pc -> the pvhboot entry -> pvhboot.elf
#   os-kernel-remove   apt-get remove of the newest kernel: its entries go
#   os-kernel-removed-boot  the next boot starts the older kernel
# Each boot must show systemd's root mounted read-write (the image's marker
# unit) and the kernel the path should have started. The disk is used with
# snapshot=on: the cached image never changes. The same image with pvhboot
# as the VMM's firmware (no OVMF): tests/os/firmware.sh, also in check-os.
set -u
# shellcheck source=tests/os/lib.sh
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/os
mkdir -p "$T"
status=0
make -C "$BOOT_ROOT" --no-print-directory -s all >&2 || {
	tap_not_ok os "build failed" "$BOOT_LOG_DIR"
	exit 1
}
if ! os_image; then
	tap_not_ok os-image "scripts/mkdebian-image.sh failed" "$BOOT_ROOT/cache"
	exit 1
fi
newest=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n1)
LOGIN='login:'

disk_args() { echo "-drive if=virtio,format=raw,snapshot=on,file=$1"; }

# (a) The removable path, fresh variables: OVMF finds BOOTX64.EFI.
if os_skipped os-uefi-removable; then
	:
else
	log=$BOOT_LOG_DIR/os-uefi-removable.log
	cp "$OS_OVMF_VARS" "$T/removable.vars.fd"
	# shellcheck disable=SC2046
	os_boot os-uefi-removable 900 "$log" "$LOGIN" -- -M pc $(os_ovmf_args "$T/removable.vars.fd") \
		$(disk_args "$OS_IMG/disk.img")
	os_judge os-uefi-removable "$log" "$newest" 'pvhboot: kernel ' || status=1
fi

# GRUB installed from the running system (cached with the image).
log=$BOOT_LOG_DIR/os-firstboot.log
if os_grub_image "$log"; then
	tap_ok os-firstboot "GRUB EFI + BIOS installed and update-grub run on the booted system"
	g=$OS_IMG/grub

	# (b) GRUB EFI (its grubx64.efi on the removable path).
	if ! os_skipped os-grub-efi; then
		log=$BOOT_LOG_DIR/os-grub-efi.log
		cp "$OS_OVMF_VARS" "$T/grub-efi.vars.fd"
		# shellcheck disable=SC2046
		os_boot os-grub-efi 900 "$log" "$LOGIN" -- -M pc $(os_ovmf_args "$T/grub-efi.vars.fd") \
			$(disk_args "$g/disk-grub-efi.img")
		os_judge os-grub-efi "$log" "$newest" 'Loading pvhboot and Linux' 'pvhboot: kernel ' || status=1
	fi

	# (a) from a firmware boot entry: not made, see tests/os/guest/firstboot.sh.
	echo "# not tested: os-uefi-entry (Linux booted through PVH has no efivars: no boot entry can be written from it)"

	# (c) GRUB BIOS: SeaBIOS, grub-pc's boot.img and core.img, same grub.cfg.
	if ! os_skipped os-grub-bios; then
		log=$BOOT_LOG_DIR/os-grub-bios.log
		# shellcheck disable=SC2046
		os_boot os-grub-bios 900 "$log" "$LOGIN" -- -M pc $(disk_args "$g/disk.img")
		os_judge os-grub-bios "$log" "$newest" 'Loading pvhboot and Linux' 'pvhboot: kernel ' || status=1
	fi

	# The newest kernel removed with apt on the running system: its loader
	# entry, its ELF and its GRUB entries go; the next boot, through
	# pvhboot.efi (removable path), starts the older kernel.
	older=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n2 | head -n1)
	log=$BOOT_LOG_DIR/os-kernel-remove.log
	cp --sparse=always "$g/disk.img" "$T/removed.img"
	cp "$OS_OVMF_VARS" "$T/removed.vars.fd"
	if ! os_run_script os-kernel-remove "$log" "$T/removed.img" "$T/removed.vars.fd" \
		"$BOOT_ROOT/tests/os/guest/kernel-remove.sh"; then
		tap_not_ok os-kernel-remove "the removal script did not run to its end" "$log"
		status=1
	else
		esp=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-KERNELS: esp=//p' | tail -n1)
		grub=$(tr -d '\r' <"$log" | sed -n "s/.*PVHBOOT-KERNELS: \\(grub-removed=.*\\)/\\1/p" | tail -n1)
		elf=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-KERNELS: elf=//p' | tail -n1)
		case "$esp|$elf" in
		*"$newest"*) problem="$newest still listed" ;;
		*"$older"*"|"*"$older"*) problem= ;;
		*) problem="$older missing" ;;
		esac
		case $grub in
		grub-removed=0\ grub-pvhboot=0) problem=${problem:-"no pvhboot entry left in grub.cfg"} ;;
		grub-removed=0\ *) ;;
		*) problem=${problem:-"grub.cfg still lists $newest"} ;;
		esac
		if [ -z "$problem" ]; then
			tap_ok os-kernel-remove "ESP: $esp; $grub"
		else
			tap_not_ok os-kernel-remove "$problem: ESP: $esp; ELF: $elf; $grub" "$log"
			status=1
		fi
		log=$BOOT_LOG_DIR/os-kernel-removed-boot.log
		# shellcheck disable=SC2046
		os_boot os-kernel-removed-boot 900 "$log" "$LOGIN" -- -M pc $(os_ovmf_args "$T/removed.vars.fd") \
			$(disk_args "$T/removed.img")
		os_judge os-kernel-removed-boot "$log" "$older" 'pvhboot: kernel ' || status=1
	fi
	rm -f "$T/removed.img"
else
	tap_not_ok os-firstboot "the first boot did not install GRUB and power off" "$log"
	status=1
fi
exit $status
