#!/bin/bash
# uefi.sh - pvhboot.efi under OVMF (Debian's, read-only code + a per-run copy
# of the variables), from a FAT ESP image built with mtools:
#  - as \EFI\BOOT\BOOTX64.EFI reading /loader/loader.conf and a loader entry
#    (two initrds and a command line): the conformance guest must pass;
#  - from the UEFI shell's startup.nsh with load options (linux=, initrd=, --,
#    debug): the hand-off area (code run after ExitBootServices) must lie in
#    a LoaderCode descriptor of the dumped memory map, not in data pages
#    that firmware may map execute-never;
#  - a failing run from the shell gives back every page: the shell's memmap
#    shows as many LoaderData pages after it as before;
#  - error cases (missing kernel, malformed ELF, no PVH note, kernel larger
#    than RAM): the reason is printed and the firmware goes on to its next
#    boot option, here the UEFI shell, whose startup.nsh prints a marker and
#    turns the machine off.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi build/pvh-testguest.elf \
	build/pvh-inspect >&2 || {
	tap_not_ok uefi "build failed" "$BOOT_LOG_DIR"
	exit 1
}
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
EFI=$BOOT_BUILD/pvhboot.efi
T=$BOOT_TMP/uefi
mkdir -p "$T"
boot_make_test_modules
guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.idt=null expect.crc32.0=$BOOT_MOD1_CRC expect.crc32.1=$BOOT_MOD2_CRC"
status=0

# ovmf_run NAME LOG ESP_IMAGE [TIMEOUT]: OVMF with the ESP as a virtio disk.
ovmf_run() {
	local name=$1 log=$2 esp=$3 timeout_s=${4:-120}
	cp "$OVMF_VARS" "$T/$name.vars.fd"
	qemu_run "$name" "$timeout_s" "$log" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE" \
		-drive if=pflash,format=raw,unit=1,file="$T/$name.vars.fd" \
		-drive if=virtio,format=raw,file="$esp"
}

# The shell fallback: proves control came back to the firmware.
printf '@echo -off\necho FIRMWARE-CONTINUED\nreset -s\n' >"$T/fallback.nsh"

# 1. Loader entry from BOOTX64.EFI.
printf 'timeout 0\ndefault guest*\n' >"$T/loader.conf"
cat >"$T/guest.conf" <<EOF2
title   PVH conformance guest
linux   /kernels/guest.elf
initrd  /initrd/one.img
initrd  /initrd/two.img
options $guest_args
EOF2
esp=$T/bls.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$EFI=/EFI/BOOT/BOOTX64.EFI" \
	"$T/loader.conf=/loader/loader.conf" "$T/guest.conf=/loader/entries/guest.conf" \
	"$BOOT_GUEST=/kernels/guest.elf" "$BOOT_MOD1=/initrd/one.img" "$BOOT_MOD2=/initrd/two.img"
log=$BOOT_LOG_DIR/uefi-bls.log
ovmf_run uefi-bls "$log" "$esp"
boot_expect_pass uefi-bls "$log" || status=1

# 1b. A menu: two entries, timeout 1 s, no key pressed: the default (picked by a
# glob; not the first in menu order, where newer versions come first) boots
# after the countdown.
printf 'timeout 1\ndefault a-*\n' >"$T/menu-loader.conf"
printf 'title Entry B (wrong one)\nlinux /kernels/guest.elf\noptions expect.mods=9\n' >"$T/b.conf"
cat >"$T/a.conf" <<EOF2
title   Entry A (the default)
linux   /kernels/guest.elf
initrd  /initrd/one.img
initrd  /initrd/two.img
options $guest_args
EOF2
esp=$T/menu.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$EFI=/EFI/BOOT/BOOTX64.EFI" \
	"$T/menu-loader.conf=/loader/loader.conf" "$T/a.conf=/loader/entries/a-first.conf" \
	"$T/b.conf=/loader/entries/b-second.conf" \
	"$BOOT_GUEST=/kernels/guest.elf" "$BOOT_MOD1=/initrd/one.img" "$BOOT_MOD2=/initrd/two.img"
log=$BOOT_LOG_DIR/uefi-menu.log
ovmf_run uefi-menu "$log" "$esp"
if boot_expect_pass uefi-menu "$log"; then
	if grep -aq '1\. Entry B (wrong one)' "$log" && grep -aq "booting entry 'a-first'" "$log"; then
		tap_ok uefi-menu-listed "menu shown, default booted on timeout"
	else
		tap_not_ok uefi-menu-listed "menu lines or the default entry missing" "$log"
		status=1
	fi
else
	status=1
fi

# 2. Load options from the UEFI shell (no BOOTX64.EFI: OVMF falls back to its shell).
printf '@echo -off\nfs0:\n\\pvhboot.efi debug linux=\\guest.elf initrd=\\one.img initrd=\\two.img -- %s\n' \
	"$guest_args" >"$T/startup.nsh"
esp=$T/shell.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$EFI=/pvhboot.efi" "$T/startup.nsh=/startup.nsh" \
	"$BOOT_GUEST=/guest.elf" "$BOOT_MOD1=/one.img" "$BOOT_MOD2=/two.img"
log=$BOOT_LOG_DIR/uefi-shell.log
ovmf_run uefi-shell "$log" "$esp"
boot_expect_pass uefi-shell "$log" || status=1
# The descriptor of the debug dump that holds the hand-off address must be LoaderCode (1).
handoff=$(grep -ao 'hand-off at 0x[0-9a-f]*' "$log" | head -n1 | sed 's/.*0x//')
holder=""
if [ -n "$handoff" ]; then
	while read -r _ type start pages _; do
		if (((0x$start) <= (0x$handoff) && (0x$handoff) < (0x$start) + (0x$pages) * 4096)); then
			holder=$type
		fi
	done < <(grep -a '^efi-memmap:' "$log" | tr -d '\r')
fi
if [ "$holder" = 1 ]; then
	tap_ok uefi-handoff-code-pages "hand-off at 0x$handoff in a LoaderCode descriptor"
else
	tap_not_ok uefi-handoff-code-pages "hand-off at 0x${handoff:-?} in descriptor type '${holder:-none}', not LoaderCode (1)" "$log"
	status=1
fi

# 2b. A failing run gives its pages back: the kernel is loaded, then an
# initrd is missing. The shell's memmap before and after must agree on LoaderData.
printf '@echo -off\nfs0:\nmemmap\n\\pvhboot.efi linux=\\guest.elf initrd=\\one.img initrd=\\missing.img\nmemmap\nreset -s\n' \
	>"$T/memmap.nsh"
esp=$T/memmap.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$EFI=/pvhboot.efi" "$T/memmap.nsh=/startup.nsh" \
	"$BOOT_GUEST=/guest.elf" "$BOOT_MOD1=/one.img"
log=$BOOT_LOG_DIR/uefi-err-frees.log
ovmf_run uefi-err-frees "$log" "$esp"
mapfile -t loader_data < <(grep -a 'LoaderData:' "$log" | tr -d '\r' | awk '{print $2}')
if ! grep -aq 'pvhboot: error: .*missing.img' "$log"; then
	tap_not_ok uefi-err-frees "no error for the missing initrd" "$log"
	status=1
elif [ "${#loader_data[@]}" -ne 2 ]; then
	tap_not_ok uefi-err-frees "expected two memmap summaries, got ${#loader_data[@]}" "$log"
	status=1
elif [ "${loader_data[0]}" != "${loader_data[1]}" ]; then
	tap_not_ok uefi-err-frees "LoaderData pages ${loader_data[0]} before, ${loader_data[1]} after the failed run" "$log"
	status=1
else
	tap_ok uefi-err-frees "LoaderData pages ${loader_data[0]} before and after the failed run"
fi

# 3. Errors: pvhboot prints the reason and returns; the firmware's next option runs.
truncated=$T/truncated.elf
head -c 300 "$BOOT_GUEST" >"$truncated"
huge=$T/huge.elf
# The guest with its RW segment moved to 3 GiB: beyond the 256 MiB of RAM.
cp "$BOOT_GUEST" "$huge"
phoff=$(od -An -tu4 -j28 -N4 "$BOOT_GUEST" | tr -d ' ')
printf '\x00\x00\x00\xc0' | dd of="$huge" bs=1 seek=$((phoff + 2 * 32 + 12)) conv=notrunc status=none

uefi_error_case() { # NAME KERNEL_FILE_OR_EMPTY PATTERN
	local name=$1 kernel=$2 pattern=$3 esp log files=()
	printf 'title broken\nlinux /kernel.elf\noptions x\n' >"$T/broken.conf"
	files=("$EFI=/EFI/BOOT/BOOTX64.EFI" "$T/broken.conf=/loader/entries/broken.conf"
		"$T/fallback.nsh=/startup.nsh")
	[ -n "$kernel" ] && files+=("$kernel=/kernel.elf")
	esp=$T/$name.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "${files[@]}"
	log=$BOOT_LOG_DIR/$name.log
	ovmf_run "$name" "$log" "$esp"
	if ! grep -aq "pvhboot: error: .*$pattern" "$log"; then
		tap_not_ok "$name" "no 'pvhboot: error:' matching '$pattern'" "$log"
		return 1
	fi
	if ! grep -aq FIRMWARE-CONTINUED "$log"; then
		tap_not_ok "$name" "the firmware did not go on to its next boot option" "$log"
		return 1
	fi
	tap_ok "$name" "$(grep -a 'pvhboot: error:' "$log" | head -n1 | tr -d '\r' | cut -c1-100)"
}
# A configuration error names the file and the line; with no other entry the
# loader returns to the firmware.
printf 'title bad\nlinux /kernel.elf\ninitrd\n' >"$T/badline.conf"
esp=$T/uefi-err-config.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$EFI=/EFI/BOOT/BOOTX64.EFI" \
	"$T/badline.conf=/loader/entries/badline.conf" "$T/fallback.nsh=/startup.nsh"
log=$BOOT_LOG_DIR/uefi-err-config.log
ovmf_run uefi-err-config "$log" "$esp"
if grep -aq 'badline.conf:3' "$log" && grep -aq FIRMWARE-CONTINUED "$log"; then
	tap_ok uefi-err-config "$(grep -a 'badline.conf:3' "$log" | head -n1 | tr -d '\r' | cut -c1-100)"
else
	tap_not_ok uefi-err-config "no 'badline.conf:3' error or no return to the firmware" "$log"
	status=1
fi

uefi_error_case uefi-err-missing "" "kernel.elf: cannot open" || status=1
uefi_error_case uefi-err-truncated "$truncated" "elf: " || status=1
uefi_error_case uefi-err-not-pvh "$BOOT_BUILD/pvh-inspect" "not a PVH kernel" || status=1
uefi_error_case uefi-err-huge "$huge" "segment" || status=1
exit $status
