#!/bin/bash
# uefi-reloc.sh - Debian 12's 6.12 kernel (XEN_ELFNOTE_PHYS32_RELOC: align
# 2 MiB, min 16 MiB, max 1 GiB - 1; linked at 16 MiB) to a busybox
# userspace through OVMF + pvhboot.efi, relocated and read straight to its
# new place (zero bytes staged):
#  - uefi-reloc-pc: OVMF_CODE.fd on -M pc, whose boot-services data covers
#    9-21 MiB until ExitBootServices: the kernel moves;
#  - uefi-reloc-forced: the load option reloc=0x1100000 (not 2 MiB aligned)
#    is refused with the reason and the shell goes on; then a loader entry
#    whose options hold pvhboot.reloc=0x4000000 boots there, the word taken
#    out of the kernel's command line;
#  - uefi-reloc-smm: OVMF_CODE_4M.secboot.fd on q35 with SMM, ACPI NVS at
#    0x810000-0x170ffff: the kernel moves above it.
# Each boot must reach the initramfs's marker (as tests/boot/linux.sh checks
# it) and print "0 bytes staged".
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

NAMES="uefi-reloc-pc uefi-reloc-forced uefi-reloc-smm"
QEMU_MEM=512
T=$BOOT_TMP/uefi-reloc
mkdir -p "$T"
KERNEL=$BOOT_ROOT/cache/kernel-6.12/vmlinux
INITRAMFS=$T/initramfs.img
ARGS="console=ttyS0 panic=-1"
D=/usr/share/OVMF
status=0

all_not_ok() {
	local n
	for n in $NAMES; do
		tap_not_ok "$n" "$1" "$2"
	done
	exit 1
}

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi >&2 ||
	all_not_ok "build failed" "$BOOT_LOG_DIR"
fetch_log=$BOOT_LOG_DIR/uefi-reloc-fetch.log
if ! [ -s "$KERNEL" ] && ! "$BOOT_ROOT/scripts/fetch-kernel-variant.sh" 6.12 >"$fetch_log" 2>&1; then
	all_not_ok "Debian's 6.12 kernel cannot be fetched: $(tail -n1 "$fetch_log" | cut -c1-120)" "$fetch_log"
fi
init_log=$BOOT_LOG_DIR/uefi-reloc-initramfs.log
"$BOOT_ROOT/scripts/mkinitramfs.sh" "$INITRAMFS" >"$init_log" 2>&1 ||
	all_not_ok "the initramfs cannot be built: $(tail -n1 "$init_log" | cut -c1-120)" "$init_log"

# reloc_boot NAME CODE VARS STARTUP_LINES QEMU_ARGS...: one OVMF boot from the
# shell; EXTRA_FILES (SRC=PATH...) go on the ESP too.
EXTRA_FILES=()
reloc_boot() {
	local name=$1 code=$2 vars=$3 lines=$4 esp=$T/esp.img
	shift 4
	printf '@echo -off\nfs0:\n%s\n' "$lines" >"$T/$name.nsh"
	if ! "$BOOT_ROOT/scripts/mkesp.sh" "$esp" 128 "$BOOT_BUILD/pvhboot.efi=/pvhboot.efi" \
		"$T/$name.nsh=/startup.nsh" "$KERNEL=/vmlinux" "$INITRAMFS=/initramfs.img" \
		"${EXTRA_FILES[@]}" >"$BOOT_LOG_DIR/$name.log.mkesp" 2>&1; then
		QEMU_RC=mkesp
		return
	fi
	cp "$vars" "$T/$name.vars.fd"
	qemu_run "$name" 300 "$BOOT_LOG_DIR/$name.log" -- "$@" \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$code" \
		-drive if=pflash,format=raw,unit=1,file="$T/$name.vars.fd" \
		-drive if=virtio,format=raw,file="$esp"
	rm -f "$esp"
}

# reloc_expect NAME BASE_TEST: userspace reached, relocated, nothing staged;
# BASE_TEST is an arithmetic test of $base (the new start), e.g. "base >= 0x1710000".
reloc_expect() {
	local name=$1 test=$2 log=$BOOT_LOG_DIR/$1.log line moved base
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	moved=$(tr -d '\r' <"$log" | grep -a -m1 'pvhboot:   relocated by ')
	base=$(sed -n 's/.*relocated by [-+]0x[0-9a-f]*: \(0x[0-9a-f]*\)-.*/\1/p' <<<"$moved")
	# shellcheck disable=SC2004 # $test is an expression, expanded on purpose
	if grep -aq 'Kernel panic' "$log"; then
		tap_not_ok "$name" "kernel panic" "$log"
	elif [ -z "$moved" ] || [ -z "$base" ]; then
		tap_not_ok "$name" "no 'relocated by' line" "$log"
	elif ! (($test)); then
		tap_not_ok "$name" "moved to $base: want $test" "$log"
	elif ! grep -aq 'pvhboot:   0 bytes staged' "$log"; then
		tap_not_ok "$name" "bytes were staged: $(grep -a 'bytes staged' "$log" | tr -d '\r')" "$log"
	elif [ -z "$line" ] || [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		tap_not_ok "$name" "no userspace marker; $(boot_rc_meaning "$QEMU_RC")" "$log"
	elif ! grep -q ' initramfs=ok ' <<<"$line"; then
		tap_not_ok "$name" "initramfs not unpacked: $line" "$log"
	else
		tap_ok "$name" "$(cut -c12-110 <<<"$moved"); 0 staged; $(cut -d' ' -f2-3 <<<"$line")"
		return 0
	fi
	return 1
}

boot_line="\\\\pvhboot.efi linux=\\\\vmlinux initrd=\\\\initramfs.img"

reloc_boot uefi-reloc-pc "$D/OVMF_CODE.fd" "$D/OVMF_VARS.fd" "$boot_line -- $ARGS" -M pc
reloc_expect uefi-reloc-pc "base >= 0x1000000 && base % 0x200000 == 0" || status=1

printf 'timeout 0\n' >"$T/loader.conf"
printf 'title forced\nlinux /vmlinux\ninitrd /initramfs.img\noptions %s pvhboot.reloc=0x4000000 pvh-path=entry\n' \
	"$ARGS" >"$T/forced.conf"
EXTRA_FILES=("$T/loader.conf=/loader/loader.conf" "$T/forced.conf=/loader/entries/forced.conf")
reloc_boot uefi-reloc-forced "$D/OVMF_CODE.fd" "$D/OVMF_VARS.fd" \
	"$(printf '%s\n%s\n%s' "\\\\pvhboot.efi reloc=0x1100000 linux=\\\\vmlinux -- $ARGS" \
		'echo FIRMWARE-CONTINUED' '\\pvhboot.efi')" \
	-M pc
EXTRA_FILES=()
log=$BOOT_LOG_DIR/uefi-reloc-forced.log
line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
if ! grep -q 'cmdline=\[.*pvh-path=entry' <<<"$line" || grep -q 'pvhboot.reloc' <<<"$line"; then
	tap_not_ok uefi-reloc-entry-cmdline "the kernel's command line should hold pvh-path=entry and no pvhboot.reloc: ${line:-no marker}" "$log"
	status=1
else
	tap_ok uefi-reloc-entry-cmdline "pvhboot.reloc= taken out: $(sed -n 's/.*\(cmdline=.*\)/\1/p' <<<"$line")"
fi
refusal=$(grep -a 'pvhboot: error: .*reloc= given' "$log" | head -n1 | tr -d '\r')
if [ -z "$refusal" ] || ! grep -aq FIRMWARE-CONTINUED "$log"; then
	tap_not_ok uefi-reloc-forced-refused "reloc=0x1100000 not refused with a reason, or no return to the shell" "$log"
	status=1
else
	tap_ok uefi-reloc-forced-refused "$(cut -c1-150 <<<"$refusal")"
fi
reloc_expect uefi-reloc-forced "base == 0x4000000" || status=1

reloc_boot uefi-reloc-smm "$D/OVMF_CODE_4M.secboot.fd" "$D/OVMF_VARS_4M.fd" "$boot_line -- $ARGS" \
	-M q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
reloc_expect uefi-reloc-smm "base >= 0x1710000 && base % 0x200000 == 0" || status=1
exit $status
