#!/bin/bash
# hostile.sh - malformed kernels (scripts/mkhostile.sh) against pvh-inspect
# and every entry path of pvhboot. For each case of expect.tsv:
#   - pvh-inspect exits with the expected status and names the field;
#   - QEMU multiboot1 (-kernel pvhboot.elf -append exit-on-error -initrd F)
#     and PVH (-kernel pvhboot-pvh.elf -append pvhboot.exit-on-error
#     -initrd F): an invalid kernel gives "pvhboot: error: ..." with the
#     expected words and status 67, a valid one boots the conformance guest
#     to "PVH-CONFORMANCE: ok";
#   - UEFI (OVMF, pvhboot.efi): a subset (UEFI boots are slow under TCG),
#     batched: one OVMF boot whose startup.nsh runs pvhboot.efi on each
#     error case in turn between markers (the error must be printed and
#     pvhboot.efi must return, or the next marker never comes) and ends by
#     booting one valid case; one more boot per further valid case.
# Environment: HOSTILE_ONLY=REGEX limits the cases (by file name);
# HOSTILE_UEFI=all runs every case under UEFI (about 4 s each).
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.elf build/pvhboot-pvh.elf \
	build/pvhboot.efi build/pvh-testguest.elf build/pvh-inspect >&2 || {
	tap_not_ok hostile "build failed" "$BOOT_LOG_DIR"
	exit 1
}
LOADER_MB=$BOOT_BUILD/pvhboot.elf
LOADER_PVH=$BOOT_BUILD/pvhboot-pvh.elf
INSPECT=$BOOT_BUILD/pvh-inspect
EFI=$BOOT_BUILD/pvhboot.efi
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
EXIT_ERROR=67
H=$BOOT_TMP/hostile
status=0

"$BOOT_ROOT/scripts/mkhostile.sh" "$H" >/dev/null || {
	tap_not_ok hostile "scripts/mkhostile.sh failed" "$H"
	exit 1
}

# The UEFI subset: one or two of each kind of damage, both classes.
UEFI_CASES="trunc32-15 trunc64-63 trunc32-179 trunc64-seg2 phoff-wrap64 offset-wrap64
paddr-wrap64 paddr-4g32 filesz-gt-memsz64 note-namesz-huge32 note-descsz-huge64
note-owner64 desc2-32 entry-4g64 entry-in-data32 overlap64 nonote-garbage32
nonote-shentsize64 huge-bss32 nonote-nosect64"
UEFI_VALID="ok-desc8-32 ok-guest64"

# matches LINE PATTERNS: LINE contains one of PATTERNS, fixed strings
# separated by " | " (expect.tsv's alternatives).
matches() {
	local rest=$2 p
	while :; do
		p=${rest%% | *}
		grep -qF -- "$p" <<<"$1" && return 0
		[ "$p" = "$rest" ] && return 1
		rest=${rest#* | }
	done
}

# error_problem LOG PATTERN: why the last run is not the expected loader
# error (nothing if it is): status 67, a "pvhboot: error:" line matching
# PATTERN, and no kernel started.
error_problem() {
	local log=$1 pattern=$2 line
	if [ "$QEMU_RC" != "$EXIT_ERROR" ]; then
		echo "want the loader's error exit ($EXIT_ERROR): $(boot_rc_meaning "$QEMU_RC")"
		return
	fi
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^pvhboot: error: ') || {
		echo "no 'pvhboot: error:' line"
		return
	}
	if ! matches "$line" "$pattern"; then
		echo "error line lacks '$pattern': ${line:0:160}"
		return
	fi
	if grep -aq 'PVH-CONFORMANCE\|starting kernel' "$log"; then
		echo "a kernel was started"
		return
	fi
	if [ -s "$log.stderr" ]; then
		echo "QEMU wrote to stderr: $(head -c 200 "$log.stderr" | tr '\n' ' ')"
	fi
}

# judge NAME LOG EXPECT: one TAP line for a QEMU run of the loader.
judge() {
	local name=$1 log=$2 want=$3 problem
	if [ "$want" = boots ]; then
		boot_expect_pass "$name" "$log"
		return
	fi
	problem=$(error_problem "$log" "$want")
	if [ -n "$problem" ]; then
		tap_not_ok "$name" "$problem" "$log"
		return 1
	fi
	tap_ok "$name" "$(tr -d '\r' <"$log" | grep -a -m1 '^pvhboot: error:' | cut -c17-120)"
}

selected() { [ -z "${HOSTILE_ONLY:-}" ] || [[ $1 =~ $HOSTILE_ONLY ]]; }

# --- pvh-inspect and the two BIOS entry paths, every case --------------------
while IFS=$'\t' read -r file want_rc want_msg want_loader; do
	name=${file%.elf}
	selected "$name" || continue
	f=$H/$file

	out=$("$INSPECT" "$f" 2>&1)
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		echo "$out" >"$BOOT_LOG_DIR/hostile-inspect-$name.log"
		tap_not_ok "hostile-inspect-$name" "exit status $rc, want $want_rc" \
			"$BOOT_LOG_DIR/hostile-inspect-$name.log"
		status=1
	elif ! grep -qF -- "$want_msg" <<<"$out"; then
		echo "$out" >"$BOOT_LOG_DIR/hostile-inspect-$name.log"
		tap_not_ok "hostile-inspect-$name" "output lacks '$want_msg'" \
			"$BOOT_LOG_DIR/hostile-inspect-$name.log"
		status=1
	else
		tap_ok "hostile-inspect-$name" "status $rc"
	fi

	timeout_s=60
	[ "$want_loader" = boots ] && timeout_s=120
	log=$BOOT_LOG_DIR/hostile-mb1-$name.log
	qemu_run "hostile-mb1-$name" $timeout_s "$log" -- -M pc -kernel "$LOADER_MB" \
		-append exit-on-error -initrd "$f"
	judge "hostile-mb1-$name" "$log" "$want_loader" || status=1
	log=$BOOT_LOG_DIR/hostile-pvh-$name.log
	qemu_run "hostile-pvh-$name" $timeout_s "$log" -- -M pc -kernel "$LOADER_PVH" \
		-append pvhboot.exit-on-error -initrd "$f"
	judge "hostile-pvh-$name" "$log" "$want_loader" || status=1
done <"$H/expect.tsv"

# --- UEFI ------------------------------------------------------------------------
[ -f "$OVMF_CODE" ] || {
	echo "# hostile: no OVMF ($OVMF_CODE): UEFI cases skipped"
	exit $status
}
T=$H/uefi
mkdir -p "$T"

# ovmf_run NAME LOG ESP TIMEOUT: as uefi.sh runs OVMF.
ovmf_run() {
	cp "$OVMF_VARS" "$T/$1.vars.fd"
	qemu_run "$1" "$4" "$2" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file="$OVMF_CODE" \
		-drive if=pflash,format=raw,unit=1,file="$T/$1.vars.fd" \
		-drive if=virtio,format=raw,file="$3"
}

# expect_of NAME: the loader column of a case.
expect_of() { awk -F'\t' -v f="$1.elf" '$1 == f { print $4 }' "$H/expect.tsv"; }

# all: every refusal but low-mem*, which pvhboot.efi refuses in its own words
# when it allocates the destination.
if [ "${HOSTILE_UEFI:-}" = all ]; then
	UEFI_CASES=$(awk -F'\t' '$4 != "boots" && $1 !~ /^low-mem/ { sub(/\.elf$/, "", $1); print $1 }' "$H/expect.tsv")
fi
errs=()
for c in $UEFI_CASES; do
	selected "$c" && [ -f "$H/$c.elf" ] && errs+=("$c")
done
valid=()
for c in $UEFI_VALID; do
	selected "$c" && [ -f "$H/$c.elf" ] && valid+=("$c")
done

# The batch: every error case between markers, then the first valid case.
if [ ${#errs[@]} -gt 0 ] || [ ${#valid[@]} -gt 0 ]; then
	body=""
	for c in "${errs[@]}"; do
		body+="echo HOSTILE-BEGIN $c"$'\n'"\\pvhboot.efi linux=\\k\\$c.elf -- x"$'\n'"echo HOSTILE-END $c"$'\n'
	done
	last=""
	if [ ${#valid[@]} -gt 0 ]; then
		last=${valid[0]}
		body+="echo HOSTILE-BEGIN $last"$'\n'"\\pvhboot.efi linux=\\k\\$last.elf -- x"$'\n'
	fi
	body+="echo HOSTILE-DONE"$'\n'"reset -s"
	name=hostile-uefi-batch
	log=$BOOT_LOG_DIR/$name.log
	printf '@echo -off\nfs0:\n%s\n' "$body" >"$T/$name.nsh"
	files=("$EFI=/pvhboot.efi" "$T/$name.nsh=/startup.nsh")
	for k in "${errs[@]}" $last; do files+=("$H/$k.elf=/k/$k.elf"); done
	"$BOOT_ROOT/scripts/mkesp.sh" "$T/$name.img" 64 "${files[@]}"
	ovmf_run "$name" "$log" "$T/$name.img" $((120 + 8 * ${#errs[@]}))
	tr -d '\r' <"$log" >"$log.txt"
	for c in "${errs[@]}"; do
		want=$(expect_of "$c")
		# This case's part of the log: from its BEGIN marker to its END.
		part=$(sed -n "/^HOSTILE-BEGIN $c\$/,/^HOSTILE-END $c\$/p" "$log.txt")
		line=$(grep -a -m1 'pvhboot: error: ' <<<"$part")
		if [ -z "$part" ]; then
			tap_not_ok "hostile-uefi-$c" "never started: $(boot_rc_meaning "$QEMU_RC")" "$log"
			status=1
		elif ! grep -q "^HOSTILE-END $c\$" <<<"$part"; then
			tap_not_ok "hostile-uefi-$c" "pvhboot.efi did not return to the shell" "$log"
			status=1
		elif [ -z "$line" ] || ! matches "$line" "$want"; then
			tap_not_ok "hostile-uefi-$c" "no 'pvhboot: error:' line with '$want'" "$log"
			status=1
		elif grep -q 'PVH-CONFORMANCE' <<<"$part"; then
			tap_not_ok "hostile-uefi-$c" "a kernel was started" "$log"
			status=1
		else
			tap_ok "hostile-uefi-$c" "${line#*pvhboot: error: }"
		fi
	done
	if [ -n "$last" ]; then
		boot_expect_pass "hostile-uefi-$last" "$log" || status=1
	fi
fi
for c in "${valid[@]:1}"; do
	name=hostile-uefi-$c
	log=$BOOT_LOG_DIR/$name.log
	printf '@echo -off\nfs0:\n\\pvhboot.efi linux=\\k\\%s.elf -- x\nreset -s\n' "$c" >"$T/$name.nsh"
	"$BOOT_ROOT/scripts/mkesp.sh" "$T/$name.img" 64 "$EFI=/pvhboot.efi" \
		"$T/$name.nsh=/startup.nsh" "$H/$c.elf=/k/$c.elf"
	ovmf_run "$name" "$log" "$T/$name.img" 180
	boot_expect_pass "$name" "$log" || status=1
done
exit $status
