#!/bin/bash
# variant.sh - the Debian 12 image of scripts/mkdebian-variant.sh, laid out
# unlike the main one (MBR disk, FAT16 ESP at /efi found by LABEL, root by
# PARTUUID on partition 2, no /etc/kernel/cmdline, pvhboot installed before
# any kernel, Debian's cloud kernels), boots to the serial login prompt
# through each path (make check-os-variant):
#   var-esp            the hooks wrote one entry per kernel on the ESP that
#                      pvhboot-install found at /efi by itself, with the
#                      system's command line (root=PARTUUID=..., console=)
#   var-uefi-removable OVMF -> \EFI\BOOT\BOOTX64.EFI = pvhboot.efi -> newest
#   var-fw-microvm     pvhboot-pvh.elf as firmware, -M microvm, virtio-blk-device
#   var-fw-pc          pvhboot-pvh.elf as firmware, -M pc, virtio-blk-pci
#   var-fw-q35         pvhboot-pvh.elf as firmware, -M q35, modern-only virtio-blk-pci
#   var-firstboot      a boot that runs tests/os/guest/variant-firstboot.sh:
#                      GRUB EFI and BIOS (MBR gap) installed, update-grub (cached)
#   var-grub-bios      SeaBIOS -> grub-pc on the MBR -> the pvhboot entry
#   var-grub-efi       OVMF -> GRUB (as BOOTX64.EFI) -> the pvhboot entry
#   var-kernel-remove  pvhboot-install install on the running system finds
#                      /efi itself; apt-get remove of the newest kernel: its
#                      entries go
#   var-kernel-removed-boot  the firmware (-M pc) then starts the older kernel
# Each boot must show systemd's root mounted read-write, the ESP mounted
# (vfat) at /efi, and the kernel the path should start. OS_SKIP="var-..."
# leaves boots out (a skipped test is no "ok" line). The cached image is
# used with snapshot=on or copied: it never changes.
set -u
# shellcheck source=tests/os/lib.sh
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/os-variant
mkdir -p "$T"
status=0
make -C "$BOOT_ROOT" --no-print-directory -s all >&2 || {
	tap_not_ok var "build failed" "$BOOT_LOG_DIR"
	exit 1
}
OS_IMG=$("$BOOT_ROOT/scripts/mkdebian-variant.sh" | tail -n1)
if [ -z "$OS_IMG" ] || ! [ -s "$OS_IMG/disk.img" ]; then
	tap_not_ok var-image "scripts/mkdebian-variant.sh failed" "$BOOT_ROOT/cache"
	exit 1
fi
# shellcheck source=/dev/null
. "$OS_IMG/layout.env"
FW=$BOOT_BUILD/pvhboot-pvh.elf
newest=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n1)
older=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n2 | head -n1)
LOGIN='login:'

# Each boot's marker must also show the ESP mounted (vfat) at /efi.
OS_MARKER_WANT="efi=vfat"

blk() { # MODEL FILE [DEVICE_OPTS]: the disk on virtio-blk, never written
	echo "-drive if=none,id=d0,format=raw,snapshot=on,file=$2 -device $1,drive=d0${3:+,$3}"
}

# The ESP as the hooks left it: an entry per kernel, the command line of
# the system (fstab's root, /etc/default/grub's console), no /etc/kernel/cmdline.
esp_dir=$T/esp
rm -rf "$esp_dir" && mkdir -p "$esp_dir"
mcopy -s -n -i "$OS_IMG/disk.img@@$ESP_OFFSET" ::/loader "$esp_dir/" 2>"$T/mcopy.err"
problem=
n=0
for v in $KERNELS; do
	f=$(grep -l "^version *$v\$" "$esp_dir"/loader/entries/*.conf 2>/dev/null | head -n1)
	if [ -z "$f" ]; then
		problem="no entry for $v"
		break
	fi
	n=$((n + 1))
	opts=$(sed -n 's/^options *//p' "$f")
	case " $opts " in
	*" root=PARTUUID=$ROOT_PARTUUID "*" console=ttyS0 "*) ;;
	*)
		problem="$v: options '$opts': want root=PARTUUID=$ROOT_PARTUUID ... console=ttyS0"
		break
		;;
	esac
done
if [ -z "$problem" ]; then
	tap_ok var-esp "$n entries at /efi (found without --esp-path), options: $opts"
else
	tap_not_ok var-esp "$problem" "$esp_dir"
	status=1
fi

if ! os_skipped var-uefi-removable; then
	log=$BOOT_LOG_DIR/var-uefi-removable.log
	cp "$OS_OVMF_VARS" "$T/removable.vars.fd"
	# shellcheck disable=SC2046
	os_boot var-uefi-removable 900 "$log" "$LOGIN" -- -M pc $(os_ovmf_args "$T/removable.vars.fd") \
		$(blk virtio-blk-pci "$OS_IMG/disk.img")
	os_judge var-uefi-removable "$log" "$newest" 'pvhboot: kernel ' || status=1
fi

# Firmware mode: no OVMF, no kernel on the host; the MBR's ESP (FAT16).
# microvm's TSC calibration fails under TCG without tsc_early_khz (added
# after the entry's options).
if ! os_skipped var-fw-microvm; then
	log=$BOOT_LOG_DIR/var-fw-microvm.log
	# shellcheck disable=SC2046
	os_boot var-fw-microvm 900 "$log" "$LOGIN" -- -M microvm -kernel "$FW" -append tsc_early_khz=2096000 \
		$(blk virtio-blk-device "$OS_IMG/disk.img")
	os_judge var-fw-microvm "$log" "$newest" 'disk vda: MBR' 'ESP FAT16' 'pvhboot: kernel ' || status=1
fi
if ! os_skipped var-fw-pc; then
	log=$BOOT_LOG_DIR/var-fw-pc.log
	# shellcheck disable=SC2046
	os_boot var-fw-pc 900 "$log" "$LOGIN" -- -M pc -kernel "$FW" $(blk virtio-blk-pci "$OS_IMG/disk.img")
	os_judge var-fw-pc "$log" "$newest" 'pvhboot: kernel ' || status=1
fi
if ! os_skipped var-fw-q35; then
	log=$BOOT_LOG_DIR/var-fw-q35.log
	# shellcheck disable=SC2046
	os_boot var-fw-q35 900 "$log" "$LOGIN" -- -M q35 -kernel "$FW" \
		$(blk virtio-blk-pci "$OS_IMG/disk.img" disable-legacy=on)
	os_judge var-fw-q35 "$log" "$newest" 'pvhboot: kernel ' || status=1
fi

# GRUB installed from the running system (cached next to the image);
# OS_SKIP=var-firstboot leaves out what needs it (GRUB, the removal).
g=$OS_IMG/grub
log=$BOOT_LOG_DIR/var-firstboot.log
if os_skipped var-firstboot; then
	exit $status
fi
if ! { [ -s "$g/disk.img" ] && [ -s "$g/vars.fd" ]; }; then
	rm -rf "$g.new" && mkdir -p "$g.new"
	cp --sparse=always "$OS_IMG/disk.img" "$g.new/disk.img"
	cp "$OS_OVMF_VARS" "$g.new/vars.fd"
	if os_run_script var-firstboot "$log" "$g.new/disk.img" "$g.new/vars.fd" \
		"$BOOT_ROOT/tests/os/guest/variant-firstboot.sh" &&
		tr -d '\r' <"$log" | grep -aq 'PVHBOOT-FIRSTBOOT: done'; then
		rm -rf "$g" && mv "$g.new" "$g"
	fi
fi
if [ -s "$g/disk.img" ]; then
	tap_ok var-firstboot "GRUB EFI (--efi-directory /efi) + BIOS (MBR gap) installed, update-grub run"
	if ! os_skipped var-grub-bios; then
		log=$BOOT_LOG_DIR/var-grub-bios.log
		# shellcheck disable=SC2046
		os_boot var-grub-bios 900 "$log" "$LOGIN" -- -M pc $(blk virtio-blk-pci "$g/disk.img")
		os_judge var-grub-bios "$log" "$newest" 'Loading pvhboot and Linux' 'pvhboot: kernel ' || status=1
	fi
	if ! os_skipped var-grub-efi; then
		log=$BOOT_LOG_DIR/var-grub-efi.log
		cp --sparse=always "$g/disk.img" "$T/grub-efi.img"
		cp "$OS_OVMF_VARS" "$T/grub-efi.vars.fd"
		mcopy -o -i "$T/grub-efi.img@@$ESP_OFFSET" ::/EFI/debian/grubx64.efi "$T/grubx64.efi" &&
			mcopy -o -i "$T/grub-efi.img@@$ESP_OFFSET" "$T/grubx64.efi" ::/EFI/BOOT/BOOTX64.EFI
		# shellcheck disable=SC2046
		os_boot var-grub-efi 900 "$log" "$LOGIN" -- -M pc $(os_ovmf_args "$T/grub-efi.vars.fd") \
			$(blk virtio-blk-pci "$T/grub-efi.img")
		os_judge var-grub-efi "$log" "$newest" 'Loading pvhboot and Linux' 'pvhboot: kernel ' || status=1
		rm -f "$T/grub-efi.img"
	fi

	# The newest kernel removed with apt on the running system; the
	# firmware then finds the older one's entry alone.
	if ! os_skipped var-kernel-remove; then
		log=$BOOT_LOG_DIR/var-kernel-remove.log
		cp --sparse=always "$g/disk.img" "$T/removed.img"
		cp "$OS_OVMF_VARS" "$T/removed.vars.fd"
		if ! os_run_script var-kernel-remove "$log" "$T/removed.img" "$T/removed.vars.fd" \
			"$BOOT_ROOT/tests/os/guest/variant-kernel-remove.sh"; then
			tap_not_ok var-kernel-remove "the removal script did not run to its end" "$log"
			status=1
		else
			esp=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-KERNELS: esp=//p' | tail -n1)
			grub=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-KERNELS: \(grub-removed=.*\)/\1/p' | tail -n1)
			elf=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-KERNELS: elf=//p' | tail -n1)
			reinstall=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-KERNELS: \(reinstall=.*\)/\1/p' | tail -n1)
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
			# pvhboot-install install on the running system found /efi itself.
			case $reinstall in
			"reinstall=0 esp-found=/efi") ;;
			*) problem=${problem:-"pvhboot-install install on the running system: $reinstall"} ;;
			esac
			if [ -z "$problem" ]; then
				tap_ok var-kernel-remove "ESP: $esp; $grub; $reinstall"
			else
				tap_not_ok var-kernel-remove "$problem: ESP: $esp; ELF: $elf; $grub" "$log"
				status=1
			fi
			log=$BOOT_LOG_DIR/var-kernel-removed-boot.log
			# shellcheck disable=SC2046
			os_boot var-kernel-removed-boot 900 "$log" "$LOGIN" -- -M pc -kernel "$FW" \
				$(blk virtio-blk-pci "$T/removed.img")
			os_judge var-kernel-removed-boot "$log" "$older" 'pvhboot: kernel ' || status=1
		fi
		rm -f "$T/removed.img"
	fi
else
	rm -rf "$g.new"
	tap_not_ok var-firstboot "the first boot did not install GRUB and power off" "$log"
	status=1
fi
exit $status
