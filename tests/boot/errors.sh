#!/bin/bash
# errors.sh - bad input through every entry path of pvhboot: each must print
# a reason naming the problem and stop cleanly (here: exit-on-error, QEMU
# status 67), never fault, hang or start anything.
#   not a PVH kernel (a host ELF), a truncated ELF, garbage, a kernel whose
#   segment lies outside RAM, no module at all.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.elf build/pvhboot-pvh.elf \
	build/pvh-testguest.elf build/pvh-inspect >&2 || {
	tap_not_ok errors "build failed" "$BOOT_LOG_DIR"
	exit 1
}
LOADER_MB=$BOOT_BUILD/pvhboot.elf
LOADER_PVH=$BOOT_BUILD/pvhboot-pvh.elf
EXIT_ERROR=67
status=0

# patch32 FILE OFFSET VALUE: overwrite a little-endian 32-bit word.
patch32() {
	printf "$(printf '\\x%02x\\x%02x\\x%02x\\x%02x' $(($3 & 255)) $((($3 >> 8) & 255)) \
		$((($3 >> 16) & 255)) $((($3 >> 24) & 255)))" |
		dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

nonpvh=$BOOT_BUILD/pvh-inspect # a hosted x86-64 ELF: valid, no PVH note
truncated=$BOOT_TMP/truncated.elf
head -c 200 "$BOOT_GUEST" >"$truncated"
garbage=$BOOT_TMP/garbage.bin
head -c 8192 /dev/urandom >"$garbage"
outside=$BOOT_TMP/outside-ram.elf
cp "$BOOT_GUEST" "$outside"
# Program header 2 (the RW segment) of the ELF32 guest: p_paddr at phoff + 2*32 + 12.
phoff=$(od -An -tu4 -j28 -N4 "$BOOT_GUEST" | tr -d ' ')
patch32 "$outside" $((phoff + 2 * 32 + 12)) $((0x7ff00000))

# expect_error NAME LOG PATTERN: status 67 and PATTERN in the loader's error line.
expect_error() {
	local name=$1 log=$2 pattern=$3
	if [ "$QEMU_RC" != "$EXIT_ERROR" ]; then
		tap_not_ok "$name" "want the loader's error exit ($EXIT_ERROR): $(boot_rc_meaning "$QEMU_RC")" "$log"
		return 1
	fi
	if ! grep -aq "^pvhboot: error: .*$pattern" "$log"; then
		tap_not_ok "$name" "no 'pvhboot: error:' line matching '$pattern'" "$log"
		return 1
	fi
	if grep -aq 'PVH-CONFORMANCE\|starting kernel' "$log"; then
		tap_not_ok "$name" "a kernel was started" "$log"
		return 1
	fi
	tap_ok "$name" "$(grep -a '^pvhboot: error:' "$log" | head -n1 | clip 110)"
}

run_case() { # NAME PATTERN FILE
	local name=$1 pattern=$2 file=$3 log
	log=$BOOT_LOG_DIR/err-mb1-$name.log
	qemu_run "err-mb1-$name" 60 "$log" -- -M pc -kernel "$LOADER_MB" -append "exit-on-error" \
		-initrd "$file"
	expect_error "err-mb1-$name" "$log" "$pattern" || status=1
	log=$BOOT_LOG_DIR/err-pvh-$name.log
	qemu_run "err-pvh-$name" 60 "$log" -- -M pc -kernel "$LOADER_PVH" \
		-append "pvhboot.exit-on-error" -initrd "$file"
	expect_error "err-pvh-$name" "$log" "$pattern" || status=1
}

run_case not-pvh "no XEN_ELFNOTE_PHYS32_ENTRY note" "$nonpvh"
run_case truncated "elf: " "$truncated"
run_case garbage "elf: " "$garbage"
run_case outside-ram "segment .*not RAM" "$outside"

log=$BOOT_LOG_DIR/err-mb1-no-module.log
qemu_run err-mb1-no-module 60 "$log" -- -M pc -kernel "$LOADER_MB" -append "exit-on-error"
expect_error err-mb1-no-module "$log" "no modules" || status=1
log=$BOOT_LOG_DIR/err-pvh-no-module.log
qemu_run err-pvh-no-module 60 "$log" -- -M pc -kernel "$LOADER_PVH" -append "pvhboot.exit-on-error"
expect_error err-pvh-no-module "$log" "no modules" || status=1
exit $status
