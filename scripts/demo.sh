#!/bin/bash
# demo.sh - `make demo` (after `make deps` and `make all`): the first boot a
# user sees. Debian 12's real kernel, booted through UEFI: OVMF starts
# build/pvhboot.efi as \EFI\BOOT\BOOTX64.EFI, which reads the loader entry of
# configs/esp-linux/ and starts the uncompressed vmlinux through its PVH entry
# with a busybox initramfs. The serial console streams to the terminal; the
# initramfs's marker line ends the run. Then a table of time-to-userspace
# from bench/bench.sh --quick, when that script exists.
# Exit status 0 only if Linux reached the marker.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
work=$b/demo
kernel=$top/cache/kernel/vmlinux
mkdir -p "$work"

step() { echo "demo: [$1/4] $2"; }
die() {
	echo "demo: FAILED: $*" >&2
	exit 1
}

step 1 "fetching Debian 12's kernel into cache/kernel/ (once; about 70 MB with apt-get download) ..."
"$top/scripts/fetch-kernel.sh" || die "scripts/fetch-kernel.sh could not fetch the kernel"
echo "demo:       $kernel: $(stat -c %s "$kernel") bytes, Linux $(cat "$top/cache/kernel/version")"

step 2 "building the initramfs (busybox-static; its /init prints one marker line) ..."
"$top/scripts/mkinitramfs.sh" "$work/initramfs.img" || die "scripts/mkinitramfs.sh failed"

step 3 "writing the EFI system partition $work/esp.img (mtools) ..."
cfg=$top/configs/esp-linux/loader
"$top/scripts/mkesp.sh" "$work/esp.img" 128 "$b/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
	"$cfg/loader.conf=/loader/loader.conf" \
	"$cfg/entries/debian-pvh.conf=/loader/entries/debian-pvh.conf" \
	"$kernel=/vmlinux" "$work/initramfs.img=/initramfs.img" || die "scripts/mkesp.sh failed"
cp /usr/share/OVMF/OVMF_VARS.fd "$work/OVMF_VARS.fd" || die "no OVMF (apt-get install ovmf)"
cat <<EOF
demo:       EFI/BOOT/BOOTX64.EFI              <- build/pvhboot.efi
demo:       loader/loader.conf                <- configs/esp-linux/loader/loader.conf
demo:       loader/entries/debian-pvh.conf    <- configs/esp-linux/loader/entries/debian-pvh.conf
demo:       vmlinux, initramfs.img
EOF

step 4 "booting QEMU (TCG, -m 512): OVMF -> pvhboot.efi -> Linux (PVH entry) -> initramfs"
echo "----------------------------------------------------------------------"
log=$work/serial.log
cat >"$work/qemu.cmd" <<EOF
cp /usr/share/OVMF/OVMF_VARS.fd $work/OVMF_VARS.fd
qemu-system-x86_64 -nodefaults -display none -serial stdio -no-reboot -net none -m 512 -M pc \\
  -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \\
  -drive if=pflash,format=raw,unit=1,file=$work/OVMF_VARS.fd \\
  -drive if=virtio,format=raw,file=$work/esp.img
EOF
start=$EPOCHREALTIME
took=""
# OVMF clears the screen and moves the cursor: drop escape sequences and CRs
# so the log reads as plain lines; note when the marker arrives.
while IFS= read -r line || [ -n "$line" ]; do
	printf '%s\n' "$line"
	case $line in
	PVHBOOT-USERSPACE:*) [ -n "$took" ] || took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') ;;
	esac
done < <(timeout -k 1 --foreground 300 qemu-system-x86_64 -nodefaults -display none \
	-serial stdio -no-reboot -net none -m 512 -M pc \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
	-drive if=pflash,format=raw,unit=1,file="$work/OVMF_VARS.fd" \
	-drive if=virtio,format=raw,file="$work/esp.img" </dev/null 2>&1 | tee "$log" |
	sed -u 's/\x1b\[[0-9;=?]*[A-Za-z]//g; s/\r//g')
echo "----------------------------------------------------------------------"

marker=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
if [ -z "$marker" ]; then
	echo "demo: Linux did not reach userspace: no PVHBOOT-USERSPACE line (full log: $log)"
	exit 1
fi
echo "demo: $marker"
echo "demo: the ESP image stays in $work/esp.img (rebuilt on every run); boot it again"
echo "demo: with the commands in $work/qemu.cmd"
cat <<EOF
demo: Linux reached userspace ${took}s after QEMU started. The marker is printed by
demo: the initramfs's /init, so the kernel ran and unpacked module 0:
demo:   memtotal_kb   the RAM Linux found: the memory map pvhboot handed over
demo:   acpi_tables   ACPI tables Linux read: the RSDP pvhboot passed in the start info
demo:   initramfs=ok  pvhboot's module 0 reached Linux as its initramfs, intact
demo:   cmdline=[..]  the loader entry's options, as pvhboot passed them
EOF

echo
if [ -x "$top/bench/bench.sh" ]; then
	echo "demo: time to userspace, pvhboot paths next to the usual ones (bench/bench.sh --quick):"
	"$top/bench/bench.sh" --quick || echo "demo: bench/bench.sh --quick failed; the boot above is unaffected"
else
	echo "demo: the time-to-userspace table needs bench/bench.sh (not in this tree yet); skipped"
fi
exit 0
