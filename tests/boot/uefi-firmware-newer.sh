#!/bin/bash
# uefi-firmware-newer.sh - pvhboot.efi on the OVMF builds of newer Debian
# suites than the host's (Debian 12's builds are tests/boot/uefi-firmware.sh's),
# on the host's QEMU 7.2: trixie (edk2 2025.02) and sid (edk2 2026.x; forky
# holds the same package today). These are the first builds that can produce
# EFI_MEMORY_ATTRIBUTE_PROTOCOL: Debian builds OVMF_CODE_4M.fd and
# OVMF_CODE_4M.secboot.fd with PcdUninstallMemAttrProtocol=TRUE and
# OVMF_CODE_4M.secboot.strictnx.fd without it (edk2's debian/rules), and
# patches in the fw_cfg switch opt/org.tianocore/UninstallMemAttrProtocol,
# so that -fw_cfg ...,string=no keeps the protocol on the plain build too.
#
# Set-up: scripts/fetch-ovmf.sh SUITE (apt on a private state, signature
# checked, cached in cache/ovmf-SUITE/), the 6.1 and 6.12 kernels (cached in
# cache/kernel*/), the busybox initramfs. An archive that cannot be reached
# gives a `not ok` with apt's reason for that suite's checks, not a hang.
#
# Every boot is from the ESP's removable path (\EFI\BOOT\BOOTX64.EFI, one
# loader entry): the secboot builds have no shell. Per suite:
#   code4m-pc            OVMF_CODE_4M.fd, -M pc: the conformance guest;
#   code4m-q35-memattr   OVMF_CODE_4M.fd, -M q35, the protocol kept by fw_cfg:
#                        Debian's 6.1 kernel (staged past the firmware's
#                        boot-services data) to the initramfs;
#   secboot-smm          OVMF_CODE_4M.secboot.fd (also .ms.fd and
#                        .snakeoil.fd: symlinks to it), q35 with SMM and a
#                        secure flash: the conformance guest;
#   strictnx-smm-guest   OVMF_CODE_4M.secboot.strictnx.fd: the guest;
#   strictnx-smm-6.12    the same firmware: Debian's 6.12 kernel, relocated
#                        above the ACPI NVS at 8-26 MiB, to the initramfs.
# (The builds are x86-64 OVMF_CODE_4M.*; the 2 MiB builds are gone since
# edk2 2023.11, OVMF32 and the confidential-computing builds do not apply.)
# Each boot must pass, and pvhboot's console line on the hand-off pages must
# say whether the memory attribute protocol was found: where the protocol is
# expected (strictnx, fw_cfg) it must be found and XP/RO cleared; where
# Debian's rules uninstall it (trixie's plain builds) it must be absent; on
# sid's plain builds either is reported. The guest runs with pvhboot.debug;
# its raw memory map is kept in build/boot-logs/NAME.memmap.
# The two kernel boots (the slow ones) run on trixie only: sid's firmware
# takes the same paths (measured: the same lines, the same relocation).
# OVMF_NEWER_SUITES overrides the suites (default "trixie sid"),
# OVMF_NEWER_KERNEL_SUITES those with the kernel boots (default "trixie").
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

SUITES=${OVMF_NEWER_SUITES:-trixie sid}
KERNEL_SUITES=${OVMF_NEWER_KERNEL_SUITES:-trixie}
T=$BOOT_TMP/uefi-firmware-newer
mkdir -p "$T"
KERNEL61=$BOOT_ROOT/cache/kernel/vmlinux
KERNEL612=$BOOT_ROOT/cache/kernel-6.12/vmlinux
INITRAMFS=$T/initramfs.img
KARGS="console=ttyS0 panic=-1"
status=0

# not_ok_cases SUITE REASON LOG: one `not ok` for each of the suite's checks.
not_ok_cases() {
	local c cases="code4m-pc secboot-smm strictnx-smm-guest"
	case " $KERNEL_SUITES " in
	*" $1 "*) cases="$cases code4m-q35-memattr strictnx-smm-6.12" ;;
	esac
	for c in $cases; do
		tap_not_ok "uefi-newer-$1-$c" "$2" "$3"
	done
	status=1
}

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi build/pvh-testguest.elf >&2 || {
	for s in $SUITES; do not_ok_cases "$s" "build failed" "$BOOT_LOG_DIR"; done
	exit 1
}
EFI=$BOOT_BUILD/pvhboot.efi

# The kernels and the initramfs: without them, only the kernel boots fail.
fetch_log=$BOOT_LOG_DIR/uefi-newer-kernels.log
kernel_problem=""
if ! [ -s "$KERNEL61" ] && ! timeout 900 "$BOOT_ROOT/scripts/fetch-kernel.sh" >"$fetch_log" 2>&1; then
	kernel_problem="Debian's 6.1 kernel cannot be fetched: $(tail -n1 "$fetch_log" | clip 100)"
elif ! [ -s "$KERNEL612" ] && ! timeout 900 "$BOOT_ROOT/scripts/fetch-kernel-variant.sh" 6.12 >>"$fetch_log" 2>&1; then
	kernel_problem="Debian's 6.12 kernel cannot be fetched: $(tail -n1 "$fetch_log" | clip 100)"
elif ! "$BOOT_ROOT/scripts/mkinitramfs.sh" "$INITRAMFS" >>"$fetch_log" 2>&1; then
	kernel_problem="the initramfs cannot be built: $(tail -n1 "$fetch_log" | clip 100)"
fi

# mk_entry_esp NAME SIZE_MB OPTIONS LINUX [INITRD]: an ESP whose only loader
# entry boots LINUX at once (timeout 0) from the removable path.
mk_entry_esp() {
	local name=$1 size=$2 options=$3 linux=$4 initrd=${5:-} files=()
	printf 'timeout 0\n' >"$T/$name.loader.conf"
	{
		printf 'title %s\nlinux /kernel\n' "$name"
		[ -n "$initrd" ] && printf 'initrd /initrd\n'
		printf 'options %s\n' "$options"
	} >"$T/$name.entry.conf"
	files=("$EFI=/EFI/BOOT/BOOTX64.EFI" "$T/$name.loader.conf=/loader/loader.conf"
		"$T/$name.entry.conf=/loader/entries/$name.conf" "$linux=/kernel")
	[ -n "$initrd" ] && files+=("$initrd=/initrd")
	"$BOOT_ROOT/scripts/mkesp.sh" "$T/$name.img" "$size" "${files[@]}" >"$T/$name.mkesp.log" 2>&1
}

boot_make_test_modules
guest_args="pvhboot.debug expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.crc32.0=$BOOT_MOD1_CRC expect.crc32.1=$BOOT_MOD2_CRC"
# The guest's two modules: a second initrd line for the entry.
mk_guest_esp() {
	printf 'timeout 0\n' >"$T/guest.loader.conf"
	printf 'title guest\nlinux /guest.elf\ninitrd /one.img\ninitrd /two.img\noptions %s\n' \
		"$guest_args" >"$T/guest.entry.conf"
	"$BOOT_ROOT/scripts/mkesp.sh" "$T/guest.img" 64 "$EFI=/EFI/BOOT/BOOTX64.EFI" \
		"$T/guest.loader.conf=/loader/loader.conf" "$T/guest.entry.conf=/loader/entries/guest.conf" \
		"$BOOT_GUEST=/guest.elf" "$BOOT_MOD1=/one.img" "$BOOT_MOD2=/two.img" >"$T/guest.mkesp.log" 2>&1
}
if ! mk_guest_esp; then
	for s in $SUITES; do not_ok_cases "$s" "the guest's ESP cannot be built" "$T/guest.mkesp.log"; done
	exit 1
fi
if [ -z "$kernel_problem" ]; then
	mk_entry_esp k61 128 "$KARGS" "$KERNEL61" "$INITRAMFS" &&
		mk_entry_esp k612 128 "$KARGS" "$KERNEL612" "$INITRAMFS" ||
		kernel_problem="a kernel's ESP cannot be built: $(tail -n1 "$T"/k6*.mkesp.log | clip 100)"
fi


# memattr_problem LOG EXPECT: why pvhboot's line on the hand-off pages is not
# what EXPECT (found, absent, any) wants, or nothing. Sets MEMATTR to a short
# account of the line for the ok note.
memattr_problem() {
	local log=$1 expect=$2 line
	MEMATTR=""
	line=$(tr -d '\r' <"$log" | grep -a -m1 'pvhboot:   hand-off pages .*: LoaderCode; ')
	if [ -z "$line" ]; then
		echo "no console line on the hand-off pages and the memory attribute protocol"
		return
	fi
	case $line in
	*"memory attribute protocol found: "*", XP/RO cleared, now "*)
		MEMATTR="protocol found, attributes ${line#*found: attributes }"
		[ "$expect" = absent ] && echo "want no memory attribute protocol: $line"
		;;
	*"no memory attribute protocol"*)
		MEMATTR="no protocol"
		[ "$expect" = found ] && echo "want the memory attribute protocol: $line"
		;;
	*) echo "unexpected line: $line" ;;
	esac
}

# The memory map the guest boot dumps, as tests/unit/data/ovmf-*.memmap holds them.
save_memmap() { # LOG OUT
	grep -a '^efi-memmap:' "$1" | tr -d '\r' | awk '{print $2, $3, $4, $5, $6}' >"$2"
}

# guest_case NAME EXPECT CODE VARS QEMU_ARGS...: the conformance guest.
guest_case() {
	local name=$1 expect=$2 code=$3 vars=$4 log problem
	shift 4
	log=$BOOT_LOG_DIR/$name.log
	ovmf_run "$name" "$code" "$vars" 240 "$T/guest.img" "$@"
	save_memmap "$log" "$BOOT_LOG_DIR/$name.memmap"
	problem=$(boot_problem "$log")
	[ -n "$problem" ] || problem=$(memattr_problem "$log" "$expect")
	if [ -n "$problem" ]; then
		tap_not_ok "$name" "$problem" "$log"
		status=1
	else
		memattr_problem "$log" "$expect" >/dev/null
		tap_ok "$name" "$MEMATTR"
	fi
}

# kernel_case NAME EXPECT ESP WANT_RELOC CODE VARS QEMU_ARGS...: a Debian
# kernel to the initramfs's marker; WANT_RELOC=1: it must have moved.
kernel_case() {
	local name=$1 expect=$2 esp=$3 want_reloc=$4 code=$5 vars=$6 log problem="" line moved
	local QEMU_MEM=512
	shift 6
	log=$BOOT_LOG_DIR/$name.log
	if [ -n "$kernel_problem" ]; then
		tap_not_ok "$name" "$kernel_problem" "$fetch_log"
		status=1
		return
	fi
	ovmf_run "$name" "$code" "$vars" 360 "$T/$esp.img" "$@"
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	moved=$(tr -d '\r' <"$log" | grep -a -m1 'pvhboot:   relocated by ' | sed 's/^pvhboot:   //')
	if grep -aq 'Kernel panic' "$log"; then
		problem="kernel panic"
	elif [ -z "$line" ] || [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		problem="no userspace marker; $(boot_rc_meaning "$QEMU_RC")"
	elif ! grep -q ' initramfs=ok ' <<<"$line"; then
		problem="initramfs not unpacked: $line"
	elif [ "$want_reloc" = 1 ] && [ -z "$moved" ]; then
		problem="no 'relocated by' line"
	fi
	[ -n "$problem" ] || problem=$(memattr_problem "$log" "$expect")
	if [ -n "$problem" ]; then
		tap_not_ok "$name" "$problem" "$log"
		status=1
		return
	fi
	memattr_problem "$log" "$expect" >/dev/null
	tap_ok "$name" "$MEMATTR; $(cut -d' ' -f2 <<<"$line")${moved:+; $(clip 60 <<<"$moved")}"
}

# shellcheck disable=SC2054 # the commas are QEMU's
SMM=(-M q35,smm=on -global driver=cfi.pflash01,property=secure,value=on)
# shellcheck disable=SC2054 # the commas are QEMU's
KEEP_MEMATTR=(-fw_cfg name=opt/org.tianocore/UninstallMemAttrProtocol,string=no)
for suite in $SUITES; do
	flog=$BOOT_LOG_DIR/uefi-newer-fetch-$suite.log
	echo "# fetching Debian $suite's ovmf (cached in cache/ovmf-$suite/)" >&2
	frc=0
	timeout -k 5 600 "$BOOT_ROOT/scripts/fetch-ovmf.sh" "$suite" >"$flog" 2>&1 || frc=$?
	if [ "$frc" != 0 ]; then
		# apt's first error says why (unresolved name, no Release file, bad signature).
		why=$(grep -a -m1 '^E: \|^fetch-ovmf: .*no ' "$flog") || why=$(grep -a -v '^$' "$flog" | tail -n1)
		[ "$frc" = 124 ] && why="no answer within 600 s (last: $why)"
		not_ok_cases "$suite" "Debian $suite's ovmf cannot be fetched: $(clip 130 <<<"$why")" "$flog"
		continue
	fi
	D=$(tail -n1 "$flog")/usr/share/OVMF
	version=$(cat "$D/../../../version")
	echo "# Debian $suite: $(cat "$D/../../../package")" >&2
	missing=""
	for f in OVMF_CODE_4M.fd OVMF_CODE_4M.secboot.fd OVMF_CODE_4M.secboot.strictnx.fd OVMF_VARS_4M.fd; do
		[ -f "$D/$f" ] || missing="$missing $f"
	done
	if [ -n "$missing" ]; then
		not_ok_cases "$suite" "ovmf $version has no$missing" "$flog"
		continue
	fi
	# What Debian's rules uninstall: pinned for the stable suite, reported for sid.
	plain=absent
	[ "$suite" = trixie ] || plain=any
	p=uefi-newer-$suite
	guest_case "$p-code4m-pc" "$plain" "$D/OVMF_CODE_4M.fd" "$D/OVMF_VARS_4M.fd" -M pc
	case " $KERNEL_SUITES " in *" $suite "*)
		kernel_case "$p-code4m-q35-memattr" found k61 0 "$D/OVMF_CODE_4M.fd" "$D/OVMF_VARS_4M.fd" \
			-M q35 "${KEEP_MEMATTR[@]}"
		;;
	esac
	guest_case "$p-secboot-smm" "$plain" "$D/OVMF_CODE_4M.secboot.fd" "$D/OVMF_VARS_4M.fd" "${SMM[@]}"
	guest_case "$p-strictnx-smm-guest" found "$D/OVMF_CODE_4M.secboot.strictnx.fd" \
		"$D/OVMF_VARS_4M.fd" "${SMM[@]}"
	case " $KERNEL_SUITES " in *" $suite "*)
		kernel_case "$p-strictnx-smm-6.12" found k612 1 "$D/OVMF_CODE_4M.secboot.strictnx.fd" \
			"$D/OVMF_VARS_4M.fd" "${SMM[@]}"
		;;
	esac
done
exit $status
