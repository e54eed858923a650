# shellcheck shell=bash
# shellcheck disable=SC2034 # BOOT_* variables are for the sourcing scripts
# lib.sh - shared functions of the QEMU boot tests (tests/boot/*.sh source
# this file). One way to run QEMU everywhere, one way to judge the
# conformance guest, one TAP-like line per test:
#
#   . "$(dirname "$0")/lib.sh"
#   qemu_run NAME TIMEOUT_S LOGFILE -- QEMU_ARGS...   # sets QEMU_RC
#   boot_expect_pass NAME LOGFILE                     # ok/not ok line, 0/1
#
# QEMU runs as kvm-unit-tests runs it: -nodefaults -display none -serial
# stdio -no-reboot -net none, plus isa-debug-exit at 0xf4, inside
# `timeout -k 1 --foreground`. The guest exits through isa-debug-exit, so
# QEMU's status is (code << 1) | 1: 33 = pass (0x10), 35 = fail (0x11).
# Status 0 means the guest reset or shut down (a triple fault with
# -no-reboot), 124/137 a timeout; anything on QEMU's stderr is a failure.
#
# Environment: ACCEL (default tcg), QEMU_MEM (MiB, default 256), QEMU
# (binary, default qemu-system-x86_64).

BOOT_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BOOT_BUILD=$BOOT_ROOT/build
BOOT_LOG_DIR=$BOOT_BUILD/boot-logs
BOOT_TMP=$BOOT_BUILD/boot-tmp
BOOT_GUEST=$BOOT_BUILD/pvh-testguest.elf
QEMU=${QEMU:-qemu-system-x86_64}
ACCEL=${ACCEL:-tcg}
QEMU_MEM=${QEMU_MEM:-256}

BOOT_EXIT_PASS=33
BOOT_EXIT_FAIL=35

mkdir -p "$BOOT_LOG_DIR" "$BOOT_TMP"

# qemu_run NAME TIMEOUT_S LOGFILE -- QEMU_ARGS...
# Runs QEMU with the common arguments first (so QEMU_ARGS may override
# -m or -accel), serial output to LOGFILE, stderr to LOGFILE.stderr.
# Sets QEMU_RC to QEMU's exit status; returns 0 so `set -e` callers go on.
qemu_run() {
	local name=$1 timeout_s=$2 log=$3
	shift 3
	if [ "${1:-}" != "--" ]; then
		echo "qemu_run: usage: qemu_run NAME TIMEOUT_S LOGFILE -- QEMU_ARGS..." >&2
		QEMU_RC=255
		return 0
	fi
	shift
	mkdir -p "$(dirname "$log")"
	printf '%s\n' "# $name (timeout ${timeout_s}s)" "$QEMU -nodefaults -display none -serial stdio -no-reboot -net none" \
		"  -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m $QEMU_MEM -accel $ACCEL" \
		"  $*" >"$log.cmd"
	QEMU_RC=0
	timeout -k 1 --foreground "$timeout_s" \
		"$QEMU" -nodefaults -display none -serial stdio -no-reboot -net none \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 \
		-m "$QEMU_MEM" -accel "$ACCEL" "$@" \
		</dev/null >"$log" 2>"$log.stderr" || QEMU_RC=$?
	return 0
}

# ovmf_run NAME CODE VARS TIMEOUT_S ESP QEMU_ARGS...: OVMF (CODE read-only,
# a per-run copy of VARS) with the FAT image ESP as a virtio disk; log in
# $BOOT_LOG_DIR/NAME.log.
ovmf_run() {
	local name=$1 code=$2 vars=$3 timeout_s=$4 esp=$5
	shift 5
	cp "$vars" "$BOOT_TMP/$name.vars.fd"
	qemu_run "$name" "$timeout_s" "$BOOT_LOG_DIR/$name.log" -- "$@" \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$code" \
		-drive if=pflash,format=raw,unit=1,file="$BOOT_TMP/$name.vars.fd" \
		-drive if=virtio,format=raw,file="$esp"
	rm -f "$BOOT_TMP/$name.vars.fd"
}

# Debian's snakeoil OVMF enforces Secure Boot with the test key of
# /usr/share/ovmf/PkKek-1-snakeoil.* (PK, KEK, db); it runs only on q35
# with SMM and the secure pflash.
SNAKEOIL_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
SNAKEOIL_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
# snakeoil_run NAME TIMEOUT_S LOG VARS ESP [QEMU_ARGS...]: one boot of the
# FAT image ESP (a virtio disk) under it; VARS is used as given (written).
snakeoil_run() {
	local name=$1 timeout_s=$2 log=$3 vars=$4 esp=$5
	shift 5
	qemu_run "$name" "$timeout_s" "$log" -- -M q35,smm=on \
		-global driver=cfi.pflash01,property=secure,value=on \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$SNAKEOIL_CODE" \
		-drive if=pflash,format=raw,unit=1,file="$vars" \
		-drive if=virtio,format=raw,file="$esp" "$@"
}

# boot_rc_meaning RC: a few words for QEMU's exit status.
boot_rc_meaning() {
	case $1 in
	33) echo "guest passed (exit 0x10)" ;;
	35) echo "guest failed (exit 0x11)" ;;
	0) echo "QEMU exited 0: guest reset or shut down (triple fault?) without a verdict" ;;
	124 | 137) echo "timeout" ;;
	*) echo "QEMU exit status $1" ;;
	esac
}

# boot_verdict LOGFILE: prints what follows "PVH-CONFORMANCE: " on the
# verdict line ("ok" or "fail a,b,c"); nothing (status 1) if there is none.
boot_verdict() {
	local line
	line=$(tr -d '\r' <"$1" | grep -a -m1 '^PVH-CONFORMANCE: ') || return 1
	printf '%s\n' "${line#PVH-CONFORMANCE: }"
}

# boot_failed_checks LOGFILE: the names of failed checks, comma-separated.
boot_failed_checks() {
	local v
	v=$(boot_verdict "$1") || return 1
	case $v in
	fail\ *) printf '%s\n' "${v#fail }" ;;
	*) echo "" ;;
	esac
}

# tap_ok NAME [NOTE] / tap_not_ok NAME REASON LOGFILE
# clip MAX [SKIP]: the first line of stdin without its first SKIP characters,
# cut to at most MAX at a word boundary ("..." marks the cut), so a reason
# on an ok/not ok line never ends in the middle of a word or a number.
clip() {
	local max=$1 skip=${2:-0} line=""
	IFS= read -r line || true
	line=${line:$skip}
	if [ ${#line} -le "$max" ]; then
		printf '%s\n' "$line"
		return 0
	fi
	line=${line:0:$max}
	case $line in *" "*) line=${line% *} ;; esac
	printf '%s...\n' "$line"
}

tap_ok() {
	if [ -n "${2:-}" ]; then
		echo "ok - $1 ($2)"
	else
		echo "ok - $1"
	fi
}

tap_not_ok() {
	echo "not ok - $1 ($2; see ${3#"$BOOT_ROOT"/})"
}

# boot_problem LOGFILE: the first reason the last run (QEMU_RC) is not a
# clean pass, or nothing if it is one: exit status 33, the verdict line
# "PVH-CONFORMANCE: ok", and an empty stderr.
boot_problem() {
	local log=$1 v
	if [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		v=$(boot_verdict "$log") || v="no verdict line"
		echo "$(boot_rc_meaning "$QEMU_RC"); verdict: $v"
		return
	fi
	if ! v=$(boot_verdict "$log"); then
		echo "exit status 33 but no PVH-CONFORMANCE line"
		return
	fi
	if [ "$v" != "ok" ]; then
		echo "exit status 33 but verdict \"$v\""
		return
	fi
	if [ -s "$log.stderr" ]; then
		echo "QEMU wrote to stderr: $(head -c 200 "$log.stderr" | tr '\n' ' ')"
		return
	fi
}

# boot_expect_pass NAME LOGFILE: one TAP line for a run that must pass.
boot_expect_pass() {
	local problem
	problem=$(boot_problem "$2")
	if [ -z "$problem" ]; then
		tap_ok "$1"
		return 0
	fi
	tap_not_ok "$1" "$problem" "$2"
	return 1
}

# boot_expect_fail NAME LOGFILE CHECK...: one TAP line for a run that must
# reach a "fail" verdict (exit status 35) naming every CHECK given, e.g. a
# negative test proving the guest can tell a bad hand-over.
boot_expect_fail() {
	local name=$1 log=$2 failed c
	shift 2
	if [ "$QEMU_RC" != "$BOOT_EXIT_FAIL" ]; then
		tap_not_ok "$name" "want the guest's failure exit (35): $(boot_rc_meaning "$QEMU_RC")" "$log"
		return 1
	fi
	if ! failed=$(boot_failed_checks "$log") || [ -z "$failed" ]; then
		tap_not_ok "$name" "exit status 35 but no \"fail\" verdict line" "$log"
		return 1
	fi
	for c in "$@"; do
		case ",$failed," in
		*",$c,"*) ;;
		*)
			tap_not_ok "$name" "check $c did not fail (failed: $failed)" "$log"
			return 1
			;;
		esac
	done
	tap_ok "$name" "failed as expected: $failed"
}

# boot_record_verdict NAME LOGFILE: for judging other loaders. ok whenever
# the guest ran to its verdict with a matching exit status (whatever the
# verdict), not ok if it crashed, hung or gave no verdict.
boot_record_verdict() {
	local name=$1 log=$2 v
	if ! v=$(boot_verdict "$log"); then
		tap_not_ok "$name" "no verdict line: $(boot_rc_meaning "$QEMU_RC")" "$log"
		return 1
	fi
	case "$v:$QEMU_RC" in
	ok:33 | fail\ *:35)
		if [ -s "$log.stderr" ]; then
			tap_ok "$name" "peer: $v; QEMU stderr not empty"
		else
			tap_ok "$name" "peer: $v"
		fi
		return 0
		;;
	esac
	tap_not_ok "$name" "verdict \"$v\" with $(boot_rc_meaning "$QEMU_RC")" "$log"
	return 1
}

# boot_crc32 FILE: the standard (zlib, IEEE) CRC-32 as 8 hex digits, the
# value the guest's crc32= and expect.crc32.N= arguments take.
boot_crc32() {
	"$BOOT_ROOT/scripts/crc32.sh" "$1"
}

# boot_make_module FILE SIZE: SIZE random bytes (a new pattern each run; the
# CRC goes on the command line, so any content will do).
boot_make_module() {
	mkdir -p "$(dirname "$1")"
	head -c "$2" /dev/urandom >"$1"
}

# boot_make_test_modules: the two test modules every boot test may hand
# over, fresh each run: BOOT_MOD1 (64 KiB) and BOOT_MOD2 (5000 bytes, not a
# multiple of 4 or of a page), with their CRC-32s in BOOT_MOD1_CRC and
# BOOT_MOD2_CRC for "crc32=" / "expect.crc32.N=" arguments.
boot_make_test_modules() {
	BOOT_MOD1=$BOOT_TMP/mod1.bin
	BOOT_MOD2=$BOOT_TMP/mod2.bin
	boot_make_module "$BOOT_MOD1" 65536
	boot_make_module "$BOOT_MOD2" 5000
	BOOT_MOD1_CRC=$(boot_crc32 "$BOOT_MOD1")
	BOOT_MOD2_CRC=$(boot_crc32 "$BOOT_MOD2")
}

# boot_need_guest: builds the conformance guest if it is missing or stale.
boot_need_guest() {
	make -C "$BOOT_ROOT" --no-print-directory -s build/pvh-testguest.elf >&2
}

# xen_domain_lines DOMID <XEN_SERIAL_LOG: the log with CRs dropped and the
# domain's "(dN) " prefix taken off its lines. Xen prints a domU's line
# whole (it buffers up to the newline), but dom0's console writes reach it
# in pieces (Linux's hvc console sends 16 bytes at a time), so a domU's
# line can start in the middle of one of dom0's: it is first put on a line
# of its own.
xen_domain_lines() {
	tr -d '\r' | sed "s/\(.\)(d$1) /\1\n(d$1) /g" | sed "s/^(d$1) //"
}
