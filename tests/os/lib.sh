# shellcheck shell=bash
# lib.sh - helpers of the Debian system tests (tests/os/*.sh source it, and
# bench/debian-bench.sh, bench/firmware-bench.sh): boot the image built by scripts/mkdebian-image.sh
# in QEMU until a line appears on the serial console, then stop it.
#
#   os_boot NAME TIMEOUT_S LOG PATTERN -- QEMU_ARGS...   # sets OS_RC, OS_SECONDS
#
# QEMU runs as every boot test runs it (tests/boot/lib.sh): -nodefaults
# -display none -serial stdio -no-reboot -net none, isa-debug-exit, inside
# timeout. OS_RC: 0 when PATTERN appeared (QEMU is then stopped), else
# non-zero (124: timeout); with an empty PATTERN, QEMU's status (0: the
# guest powered off). OS_SECONDS: from QEMU's start to the pattern or exit.
# os_ovmf_args VARS: OVMF's read-only code and the given per-run vars copy.
# os_judge NAME LOG KERNEL [PATTERN...]: the ok/not ok line of a boot to
# the login prompt (the image's marker: root rw, that kernel; each PATTERN
# on the console). os_skipped NAME: true (and says so) if OS_SKIP names it.

# shellcheck source=tests/boot/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../boot/lib.sh"
OS_OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OS_OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
OS_MEM=${OS_MEM:-1024}

os_boot() {
	local name=$1 timeout_s=$2 log=$3 pattern=$4 pid t0 now rc
	shift 5
	mkdir -p "$(dirname "$log")"
	printf '%s\n' "# $name (timeout ${timeout_s}s, until /$pattern/)" "$QEMU -nodefaults -display none -serial stdio -no-reboot -net none -m $OS_MEM -accel $ACCEL $*" >"$log.cmd"
	: >"$log"
	t0=$(date +%s.%N)
	timeout -k 1 --foreground "$timeout_s" \
		"$QEMU" -nodefaults -display none -serial stdio -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-m "$OS_MEM" -accel "$ACCEL" "$@" </dev/null >"$log" 2>"$log.stderr" &
	pid=$!
	OS_RC=
	while kill -0 "$pid" 2>/dev/null; do
		if [ -n "$pattern" ] && tr -d '\r' <"$log" | grep -aqE "$pattern"; then
			now=$(date +%s.%N)
			OS_SECONDS=$(echo "$now - $t0" | bc)
			kill "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
			OS_RC=0
			return 0
		fi
		sleep 0.5
	done
	wait "$pid"
	rc=$?
	OS_SECONDS=$(echo "$(date +%s.%N) - $t0" | bc)
	OS_RC=$rc
	if [ -n "$pattern" ]; then
		if tr -d '\r' <"$log" | grep -aqE "$pattern"; then OS_RC=0; elif [ "$rc" = 0 ]; then OS_RC=1; fi
	fi
	return 0
}

os_ovmf_args() {
	echo "-drive if=pflash,format=raw,unit=0,readonly=on,file=$OS_OVMF_CODE -drive if=pflash,format=raw,unit=1,file=$1"
}

# os_image: builds (or finds in the cache) the image; sets OS_IMG (its
# directory) and sources its layout.env. Returns 1 if the build failed.
os_image() {
	OS_IMG=$("$BOOT_ROOT/scripts/mkdebian-image.sh" | tail -n1) || return 1
	[ -s "$OS_IMG/disk.img" ] || return 1
	# shellcheck source=/dev/null
	. "$OS_IMG/layout.env"
}

# os_run_script NAME LOG DISK VARS SCRIPT: boot DISK (changed for good)
# through OVMF with VARS (changed too) once, with SCRIPT on its ESP: the
# image's pvhboot-test-run.service runs it, then powers off. Returns 0 if
# the script ran and exited 0 (its "PVHBOOT-RUN: exit 0" line) and the
# guest powered off.
os_run_script() {
	local name=$1 log=$2 disk=$3 vars=$4 script=$5
	mcopy -o -i "$disk@@$ESP_OFFSET" "$script" ::/pvhboot-run.sh || return 1
	# shellcheck disable=SC2046 # os_ovmf_args gives several words
	os_boot "$name" 900 "$log" "" -- -M pc $(os_ovmf_args "$vars") \
		-drive if=virtio,format=raw,file="$disk"
	[ "$OS_RC" = 0 ] && tr -d '\r' <"$log" | grep -aq 'PVHBOOT-RUN: exit 0'
}

# os_grub_image LOG: the image after one boot (OVMF, pvhboot.efi from the
# removable path) that ran tests/os/guest/firstboot.sh: GRUB installed for
# EFI and BIOS, update-grub run:
# $OS_IMG/grub/disk.img (pvhboot.efi still the removable-path loader) and
# $OS_IMG/grub/disk-grub-efi.img (GRUB's grubx64.efi there instead). Cached.
os_grub_image() {
	local log=$1 g=$OS_IMG/grub
	[ -s "$g/disk.img" ] && [ -s "$g/vars.fd" ] && return 0
	rm -rf "$g.new" && mkdir -p "$g.new"
	cp --sparse=always "$OS_IMG/disk.img" "$g.new/disk.img"
	cp "$OS_OVMF_VARS" "$g.new/vars.fd"
	os_run_script firstboot "$log" "$g.new/disk.img" "$g.new/vars.fd" \
		"$BOOT_ROOT/tests/os/guest/firstboot.sh" || return 1
	tr -d '\r' <"$log" | grep -aq 'PVHBOOT-FIRSTBOOT: done' || return 1
	# GRUB as the removable-path loader (what grub-install --removable
	# writes), on a second copy: its core image finds /boot/grub by UUID.
	cp --sparse=always "$g.new/disk.img" "$g.new/disk-grub-efi.img"
	mcopy -o -i "$g.new/disk-grub-efi.img@@$ESP_OFFSET" "::/EFI/debian/grubx64.efi" "$g.new/grubx64.efi" &&
		mcopy -o -i "$g.new/disk-grub-efi.img@@$ESP_OFFSET" "$g.new/grubx64.efi" ::/EFI/BOOT/BOOTX64.EFI || return 1
	rm -rf "$g" && mv "$g.new" "$g"
}

# os_grub_debian_default SRC DST WORK: DST, a sparse copy of SRC (a disk of
# os_grub_image with GRUB as BOOTX64.EFI), where GRUB boots Debian's own
# first entry (10_linux: vmlinuz as EFI stub, Debian's default path), as
# update-grub with PVHBOOT_GRUB_DEFAULT=false would: the `set default` line
# 25_pvhboot writes is dropped from /boot/grub/grub.cfg with debugfs -w
# (WORK: a scratch directory). Returns 1 if DST cannot be made so, or if
# GRUB's first entry is not Debian's own.
os_grub_debian_default() {
	local src=$1 dst=$2 work=$3 fs="$2?offset=$ROOT_OFFSET"
	rm -f "$dst" "$work/grub.cfg" "$work/grub-debian.cfg"
	cp --reflink=auto --sparse=always "$src" "$dst" || return 1
	debugfs -R "dump /boot/grub/grub.cfg $work/grub.cfg" "$fs" >/dev/null 2>&1
	[ -s "$work/grub.cfg" ] || return 1
	grep -m1 '^menuentry' "$work/grub.cfg" | grep -q 'PVH' && return 1
	grep -q "^set default='pvhboot-" "$work/grub.cfg" || return 0
	grep -v "^set default='pvhboot-" "$work/grub.cfg" >"$work/grub-debian.cfg"
	debugfs -w -R "rm /boot/grub/grub.cfg" "$fs" >/dev/null 2>&1
	debugfs -w -R "write $work/grub-debian.cfg /boot/grub/grub.cfg" "$fs" >/dev/null 2>&1
	debugfs -R "cat /boot/grub/grub.cfg" "$fs" 2>/dev/null | cmp -s - "$work/grub-debian.cfg"
}

# os_judge NAME LOG KERNEL [PATTERN...]: the login prompt reached, the
# marker says root=rw and the expected kernel, and each PATTERN is in LOG.
# OS_MARKER_WANT="key=value ...": more words the marker must hold (an image
# laid out otherwise: efi=vfat, its ESP mounted).
os_judge() {
	local name=$1 log=$2 kernel=$3 marker p w
	shift 3
	if [ "$OS_RC" != 0 ]; then
		tap_not_ok "$name" "no login prompt: $(boot_rc_meaning "$OS_RC")" "$log"
		return 1
	fi
	marker=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-TEST: ') || {
		tap_not_ok "$name" "login prompt but no PVHBOOT-TEST marker line" "$log"
		return 1
	}
	case $marker in
	*"root=rw "*) ;;
	*)
		tap_not_ok "$name" "root not read-write: $marker" "$log"
		return 1
		;;
	esac
	case $marker in
	*"kernel=$kernel "*) ;;
	*)
		tap_not_ok "$name" "want kernel $kernel: $marker" "$log"
		return 1
		;;
	esac
	for w in ${OS_MARKER_WANT:-}; do
		case $marker in
		*"$w "*) ;;
		*)
			tap_not_ok "$name" "want '$w': $marker" "$log"
			return 1
			;;
		esac
	done
	for p in "$@"; do
		if ! tr -d '\r' <"$log" | grep -aq -- "$p"; then
			tap_not_ok "$name" "no '$p' on the console" "$log"
			return 1
		fi
	done
	tap_ok "$name" "login prompt in $(printf '%.0f' "$OS_SECONDS") s, root rw${OS_MARKER_WANT:+, $OS_MARKER_WANT}, $kernel"
}

# OS_SKIP="os-uefi-removable os-grub-efi os-grub-bios" leaves those boots
# out, e.g. when re-running one test; a skipped test is no "ok" line.
os_skipped() {
	if [[ " ${OS_SKIP:-} " == *" $1 "* ]]; then
		echo "# skipped: $1 (OS_SKIP)"
		return 0
	fi
	return 1
}
