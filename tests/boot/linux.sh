#!/bin/bash
# linux.sh - Debian 12's real kernel (cache/kernel/vmlinux, fetched by
# scripts/fetch-kernel.sh) with the busybox initramfs of
# scripts/mkinitramfs.sh, booted to userspace through every pvhboot path:
#   linux-uefi        OVMF -> pvhboot.efi (\EFI\BOOT\BOOTX64.EFI) + the loader
#                     entry of configs/esp-linux/
#   linux-uefi-shell  OVMF's UEFI shell runs startup.nsh: pvhboot.efi with load
#                     options (linux=, initrd=, -- command line)
#   linux-grub-mb2    GRUB 2 (BIOS ISO) multiboot2 -> pvhboot.elf, module2 vmlinux.gz + initramfs
#   linux-mb1-qemu    QEMU's multiboot1 -> pvhboot.elf: QEMU puts the 66 MB
#                     kernel module right after the loader, over the kernel's
#                     own destination at 16 MiB, so pvhboot must order copies
#   linux-pvh-pc      QEMU's PVH boot -> pvhboot-pvh.elf + a pvh-bundle
#   linux-pvh-microvm the same on -M microvm
# Each must reach the initramfs's marker line with QEMU exit status 33, its
# own token on the command line (pvh-path=NAME), MemTotal within 80-100% of
# -m, at least one ACPI table (the RSDP reached the kernel), the initramfs
# unpacked, and no kernel panic. Called by run.sh (make boot-tests / check).
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

NAMES="linux-uefi linux-uefi-shell linux-grub-mb2 linux-mb1-qemu linux-pvh-pc linux-pvh-microvm"
QEMU_MEM=512 # Linux wants more than the default 256; the checks below use it
T=$BOOT_TMP/linux
mkdir -p "$T"
KERNEL=$BOOT_ROOT/cache/kernel/vmlinux
INITRAMFS=$T/initramfs.img
# Every boot: serial console, and reboot (QEMU with -no-reboot: exit) at
# once on a panic instead of waiting for the timeout.
BASE_ARGS="console=ttyS0 panic=-1"
TIMEOUT=240
status=0

# all_not_ok REASON LOG: one "not ok" line per boot when none can run.
all_not_ok() {
	local n
	for n in $NAMES; do
		tap_not_ok "$n" "$1" "$2"
	done
	exit 1
}

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.elf build/pvhboot-pvh.elf \
	build/pvhboot.efi build/pvh-bundle >&2 || all_not_ok "build failed" "$BOOT_LOG_DIR"

fetch_log=$BOOT_LOG_DIR/linux-fetch.log
if ! "$BOOT_ROOT/scripts/fetch-kernel.sh" >"$fetch_log" 2>&1 || ! [ -s "$KERNEL" ]; then
	all_not_ok "Debian's kernel cannot be fetched: $(tail -n1 "$fetch_log" | clip 120)" "$fetch_log"
fi
init_log=$BOOT_LOG_DIR/linux-initramfs.log
"$BOOT_ROOT/scripts/mkinitramfs.sh" "$INITRAMFS" >"$init_log" 2>&1 ||
	all_not_ok "the initramfs cannot be built: $(tail -n1 "$init_log" | clip 120)" "$init_log"

# linux_problem LOG TOKEN: the first reason the last run (QEMU_RC) did not
# reach userspace as expected; nothing if it did.
linux_problem() {
	local log=$1 token=$2 line mem acpi cmdline min max
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	if grep -aq 'Kernel panic' "$log"; then
		echo "kernel panic: $(grep -a -m1 'Kernel panic' "$log" | tr -d '\r' | clip 120)"
	elif [ -z "$line" ]; then
		echo "no PVHBOOT-USERSPACE marker; $(boot_rc_meaning "$QEMU_RC")"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		echo "marker seen but $(boot_rc_meaning "$QEMU_RC"), want 33"
	else
		mem=$(sed -n 's/.* memtotal_kb=\([0-9]*\) .*/\1/p' <<<"$line")
		acpi=$(sed -n 's/.* acpi_tables=\([0-9]*\) .*/\1/p' <<<"$line")
		cmdline=$(sed -n 's/.* cmdline=\[\(.*\)\]$/\1/p' <<<"$line")
		min=$((QEMU_MEM * 1024 * 80 / 100))
		max=$((QEMU_MEM * 1024))
		if [ -z "$mem" ] || [ "$mem" -lt "$min" ] || [ "$mem" -gt "$max" ]; then
			echo "memtotal_kb=${mem:-?} not within [$min, $max] (80-100% of -m $QEMU_MEM)"
		elif [ -z "$acpi" ] || [ "$acpi" -lt 1 ]; then
			echo "acpi_tables=${acpi:-?}: the RSDP did not reach the kernel"
		elif ! grep -q ' initramfs=ok ' <<<"$line"; then
			echo "initramfs not unpacked: $line"
		elif ! grep -qw -- "pvh-path=$token" <<<"$cmdline"; then
			echo "command line [$cmdline] lacks pvh-path=$token"
		elif [ -s "$log.stderr" ]; then
			echo "QEMU wrote to stderr: $(head -c 200 "$log.stderr" | tr '\n' ' ')"
		fi
	fi
}

# linux_expect NAME LOG: one TAP line; status 0 if the boot reached userspace.
linux_expect() {
	local problem
	problem=$(linux_problem "$2" "${1#linux-}")
	if [ -n "$problem" ]; then
		tap_not_ok "$1" "$problem" "$2"
		return 1
	fi
	tap_ok "$1" "$(tr -d '\r' <"$2" | grep -a -m1 '^PVHBOOT-USERSPACE: ' | cut -d' ' -f2-4)"
}

# a. UEFI: OVMF boots \EFI\BOOT\BOOTX64.EFI, which reads configs/esp-linux's
# loader.conf and entry (plus one options line: this test's token).
name=linux-uefi
cfg=$BOOT_ROOT/configs/esp-linux/loader
cp "$cfg/entries/debian-pvh.conf" "$T/debian-pvh.conf"
echo "options    pvh-path=uefi" >>"$T/debian-pvh.conf"
esp=$T/esp.img
log=$BOOT_LOG_DIR/$name.log
if "$BOOT_ROOT/scripts/mkesp.sh" "$esp" 128 "$BOOT_BUILD/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
	"$cfg/loader.conf=/loader/loader.conf" "$T/debian-pvh.conf=/loader/entries/debian-pvh.conf" \
	"$KERNEL=/vmlinux" "$INITRAMFS=/initramfs.img" >"$log.mkesp" 2>&1; then
	cp /usr/share/OVMF/OVMF_VARS.fd "$T/vars.fd"
	qemu_run "$name" "$TIMEOUT" "$log" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,unit=1,file="$T/vars.fd" \
		-drive if=virtio,format=raw,file="$esp"
	if linux_expect "$name" "$log"; then
		# OVMF keeps boot-services data at 9-21 MiB, under Linux's 16 MiB: the
		# segment must have taken the staged path and been moved by the hand-off.
		if grep -aq 'destination 0x1000000 held by the firmware: staged' "$log"; then
			tap_ok linux-uefi-bs-overlap "segment 0 staged past boot-services memory, moved after ExitBootServices"
		else
			tap_not_ok linux-uefi-bs-overlap "no staged segment: OVMF's layout changed?" "$log"
			status=1
		fi
	else
		status=1
	fi
else
	tap_not_ok "$name" "mkesp.sh failed" "$log.mkesp"
	status=1
fi
rm -f "$esp" # 128 MB: not worth keeping

# a'. Load options: no BOOTX64.EFI, so OVMF falls back to its UEFI shell,
# whose startup.nsh starts pvhboot.efi with linux=, initrd= and a command line.
name=linux-uefi-shell
printf '@echo -off\nfs0:\n\\EFI\\pvhboot\\pvhboot.efi linux=\\vmlinux initrd=\\initramfs.img -- %s\n' \
	"$BASE_ARGS pvh-path=uefi-shell" >"$T/startup.nsh"
log=$BOOT_LOG_DIR/$name.log
if "$BOOT_ROOT/scripts/mkesp.sh" "$esp" 128 "$BOOT_BUILD/pvhboot.efi=/EFI/pvhboot/pvhboot.efi" \
	"$T/startup.nsh=/startup.nsh" "$KERNEL=/vmlinux" "$INITRAMFS=/initramfs.img" >"$log.mkesp" 2>&1; then
	cp /usr/share/OVMF/OVMF_VARS.fd "$T/vars.fd"
	qemu_run "$name" "$TIMEOUT" "$log" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,unit=1,file="$T/vars.fd" \
		-drive if=virtio,format=raw,file="$esp"
	linux_expect "$name" "$log" || status=1
else
	tap_not_ok "$name" "mkesp.sh failed" "$log.mkesp"
	status=1
fi
rm -f "$esp"

# b. GRUB 2 multiboot2 from a BIOS ISO: the kernel is the first module, given
# gzip-compressed as the README recommends (GRUB inflates it with gzio).
name=linux-grub-mb2
gzip -c "$KERNEL" >"$T/vmlinux.gz"
cat >"$T/grub.cfg" <<EOF2
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "Debian 12 Linux through pvhboot (multiboot2)" {
	multiboot2 /pvhboot.elf exit-on-error
	insmod gzio
	module2 /vmlinux.gz $BASE_ARGS pvh-path=grub-mb2
	module2 /initramfs.img
}
EOF2
iso=$T/linux.iso
log=$BOOT_LOG_DIR/$name.log
if "$BOOT_ROOT/scripts/mkgrub-iso.sh" "$iso" "$T/grub.cfg" "$BOOT_BUILD/pvhboot.elf" \
	"$T/vmlinux.gz=vmlinux.gz" "$INITRAMFS=initramfs.img" >"$log.mkiso" 2>&1; then
	qemu_run "$name" "$TIMEOUT" "$log" -- -M pc -cdrom "$iso" -boot d
	linux_expect "$name" "$log" || status=1
else
	tap_not_ok "$name" "mkgrub-iso.sh failed" "$log.mkiso"
	status=1
fi
rm -f "$iso" "$T/vmlinux.gz"

# c. QEMU multiboot1: QEMU puts modules right after pvhboot (~1.1 MiB), so the
# 66 MB vmlinux covers its own destination at 16 MiB and the initramfs lands
# inside the kernel's segments: pvhboot must copy in a safe order and move
# the initramfs. `debug` lists every copy.
name=linux-mb1-qemu
log=$BOOT_LOG_DIR/$name.log
qemu_run "$name" "$TIMEOUT" "$log" -- -M pc -kernel "$BOOT_BUILD/pvhboot.elf" \
	-append "exit-on-error debug" \
	-initrd "$KERNEL $BASE_ARGS pvh-path=mb1-qemu,$INITRAMFS"
if linux_expect "$name" "$log"; then
	# The case must really have happened: the kernel file spans 16 MiB, its
	# first segment was copied to 0x01000000 from inside that file, and the
	# initramfs was moved out of the way.
	kline=$(tr -d '\r' <"$log" | grep -a -m1 '^pvhboot: kernel ')
	kaddr=$(sed -n 's/.*: \([0-9]*\) bytes at \(0x[0-9a-f]*\),.*/\2/p' <<<"$kline")
	ksize=$(sed -n 's/.*: \([0-9]*\) bytes at \(0x[0-9a-f]*\),.*/\1/p' <<<"$kline")
	op_src=$(tr -d '\r' <"$log" | sed -n 's/^pvhboot: *op [0-9]*: copy 0x01000000 <- \(0x[0-9a-f]*\),.*/\1/p' | head -n1)
	if [ -z "$kaddr" ] || [ -z "$ksize" ] || [ -z "$op_src" ]; then
		tap_not_ok linux-mb1-qemu-overlap "no kernel line or no 'op N: copy 0x01000000' in the loader's report" "$log"
		status=1
	elif ! [ $((kaddr)) -lt $((0x1000000)) ] || ! [ $((kaddr + ksize)) -gt $((0x1000000)) ]; then
		tap_not_ok linux-mb1-qemu-overlap "kernel file at $kaddr+$ksize does not cover 0x01000000" "$log"
		status=1
	elif ! [ $((op_src)) -ge $((kaddr)) ] || ! [ $((op_src)) -lt $((kaddr + ksize)) ]; then
		tap_not_ok linux-mb1-qemu-overlap "segment 0 copied from $op_src, outside the kernel file" "$log"
		status=1
	elif ! grep -aq 'module 0 .*(moved)' "$log"; then
		tap_not_ok linux-mb1-qemu-overlap "the initramfs (module 0) inside the kernel's segments was not moved" "$log"
		status=1
	else
		tap_ok linux-mb1-qemu-overlap "kernel file at $kaddr over 0x01000000; segment 0 copied from $op_src; initramfs moved"
	fi
else
	status=1
fi

# d. PVH chain: QEMU's PVH boot starts pvhboot-pvh.elf with a bundle
# (kernel, command line, initramfs) as its one module, on pc and microvm.
for machine in pc microvm; do
	name=linux-pvh-$machine
	log=$BOOT_LOG_DIR/$name.log
	args="$BASE_ARGS pvh-path=pvh-$machine"
	# microvm: the kernel's TSC calibration fails about half the time under TCG.
	[ "$machine" = microvm ] && args="$args tsc_early_khz=2096000"
	bundle=$T/$machine.bundle
	if "$BOOT_BUILD/pvh-bundle" -o "$bundle" --cmdline "$args" "$KERNEL" "$INITRAMFS" \
		>"$log.bundle" 2>&1; then
		qemu_run "$name" "$TIMEOUT" "$log" -- -M "$machine" -kernel "$BOOT_BUILD/pvhboot-pvh.elf" \
			-initrd "$bundle" -append "pvhboot.exit-on-error"
		linux_expect "$name" "$log" || status=1
	else
		tap_not_ok "$name" "pvh-bundle failed" "$log.bundle"
		status=1
	fi
	rm -f "$bundle"
done
exit $status
