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
#   os-uefi-entry-register  on a copy of that disk whose GRUB boots Debian's
#                      own entry (vmlinuz as EFI stub: EFI runtime services,
#                      efivars), tests/os/guest/boot-entry.sh runs
#                      pvhboot-install install twice: one Boot#### entry for
#                      \EFI\pvhboot\pvhboot.efi, first in BootOrder
#   os-uefi-entry      the same disk and variables again: OVMF starts that
#                      Boot#### entry (not BOOTX64.EFI, which is GRUB there)
#                      -> pvhboot.efi -> the newest loader entry
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

# OS_SKIP (tests/os/lib.sh os_skipped): os-uefi-removable os-grub-efi
# os-uefi-entry-register os-uefi-entry os-grub-bios leave those boots out
# (os-uefi-entry needs os-uefi-entry-register).

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

	# (a) from a firmware boot entry, written as a user writes it: from the
	# system booted Debian's default way (GRUB's own entry, vmlinuz as EFI
	# stub; a Linux started at its PVH entry has no EFI runtime services).
	if ! os_skipped os-uefi-entry-register; then
		log=$BOOT_LOG_DIR/os-uefi-entry-register.log
		cp "$OS_OVMF_VARS" "$T/entry.vars.fd"
		num=
		if ! os_grub_debian_default "$g/disk-grub-efi.img" "$T/entry.img" "$T"; then
			tap_not_ok os-uefi-entry-register "GRUB's default could not be made Debian's own entry on a copy of $g/disk-grub-efi.img" "$log"
			status=1
		elif ! os_run_script os-uefi-entry-register "$log" "$T/entry.img" "$T/entry.vars.fd" \
			"$BOOT_ROOT/tests/os/guest/boot-entry.sh"; then
			why=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-ENTRY: failed: //p' | tail -n1)
			tap_not_ok os-uefi-entry-register "${why:-the script did not run to its end: $(boot_rc_meaning "$OS_RC")}" "$log"
			status=1
		elif tr -d '\r' <"$log" | grep -aq 'pvhboot: kernel '; then
			tap_not_ok os-uefi-entry-register "the system was started by pvhboot, not Debian's own GRUB entry" "$log"
			status=1
		else
			num=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-ENTRY: registered Boot\([0-9A-F]\{4\}\),.*/\1/p' | tail -n1)
			tap_ok os-uefi-entry-register "$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-ENTRY: //p' | tail -n1), after two installs (EFI-stub boot, $(printf '%.0f' "$OS_SECONDS") s to power-off)"
		fi
		# The same disk and variables: OVMF's boot manager starts the entry.
		if [ -n "$num" ] && ! os_skipped os-uefi-entry; then
			log=$BOOT_LOG_DIR/os-uefi-entry.log
			# shellcheck disable=SC2046
			os_boot os-uefi-entry 900 "$log" "$LOGIN" -- -M pc $(os_ovmf_args "$T/entry.vars.fd") \
				$(disk_args "$T/entry.img")
			os_judge os-uefi-entry "$log" "$newest" "BdsDxe: starting Boot$num \"pvhboot\"" 'pvhboot: kernel ' || status=1
		fi
		rm -f "$T/entry.img"
	fi

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
