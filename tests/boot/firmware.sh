#!/bin/bash
# firmware.sh - firmware mode: pvhboot-pvh.elf started through PVH with no
# module reads the guest's own disk.
#   fw-read-{pc,q35,microvm}  the virtio-blk driver over PCI legacy (-M pc),
#                             PCI modern (-M q35, disable-legacy=on) and MMIO
#                             (-M microvm): pvhboot.disk-crc reads a random
#                             64 MiB disk whole; its CRC-32 must be the file's
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
exit $status
