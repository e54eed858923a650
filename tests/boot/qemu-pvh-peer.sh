#!/bin/bash
# qemu-pvh-peer.sh - the conformance guest under QEMU's own PVH boot
# (-kernel with an ELF carrying XEN_ELFNOTE_PHYS32_ENTRY), on -M pc (SeaBIOS
# + QEMU's pvh.bin option ROM) and -M microvm (qboot). QEMU here is a peer
# being judged, not our loader: each test RECORDS the guest's verdict and is
# "not ok" only if the guest crashed, hung or printed no verdict. QEMU 7.2
# leaves TR empty, so "fail tss" is the expected peer verdict on -M pc.
#
# A third run checks the judge itself: wrong module count, wrong CRC and a
# missing command-line token must make the guest fail exactly those checks.
#
# Output: one TAP-like line per test; logs in build/boot-logs/qemu-*.log.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

if ! boot_need_guest; then
	tap_not_ok qemu-own-pvh "cannot build build/pvh-testguest.elf" "$BOOT_LOG_DIR"
	exit 1
fi
boot_make_test_modules
status=0

# QEMU's PVH boot hands over one module: -initrd.
append="expect.mods=1 expect.crc32.0=$BOOT_MOD1_CRC expect.cmdline=1 pvh-test-arg=hello"

log=$BOOT_LOG_DIR/qemu-own-pvh.log
qemu_run qemu-own-pvh 60 "$log" -- -M pc \
	-kernel "$BOOT_GUEST" -initrd "$BOOT_MOD1" -append "$append"
boot_record_verdict qemu-own-pvh "$log" || status=1

# microvm's defaults work: qboot firmware, ISA serial, and an ISA bus for
# isa-debug-exit (no x-option-roms/rtc options needed).
log=$BOOT_LOG_DIR/qemu-microvm-pvh.log
qemu_run qemu-microvm-pvh 60 "$log" -- -M microvm \
	-kernel "$BOOT_GUEST" -initrd "$BOOT_MOD1" -append "$append"
boot_record_verdict qemu-microvm-pvh "$log" || status=1

# The judge must be able to say no: module 2 handed over where the command
# line promises two modules and module 1's CRC, and no pvh-test-arg token.
log=$BOOT_LOG_DIR/qemu-own-pvh-negative.log
qemu_run qemu-own-pvh-negative 60 "$log" -- -M pc \
	-kernel "$BOOT_GUEST" -initrd "$BOOT_MOD2" \
	-append "expect.mods=2 expect.crc32.0=$BOOT_MOD1_CRC expect.cmdline=1"
boot_expect_fail qemu-own-pvh-negative "$log" modules cmdline || status=1

exit $status
