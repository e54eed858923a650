#!/bin/bash
# shim.sh - pvhboot.efi started by shim under Debian's snakeoil OVMF
# enforcing Secure Boot. Real parts: Debian's shim-unsigned
# (/usr/lib/shim/shimx64.efi, 16.1) signed with the snakeoil key as
# \EFI\BOOT\BOOTX64.EFI, pvhboot.efi signed likewise as \EFI\BOOT\grubx64.efi
# (shim's default second stage, from its own directory), UKIs built by
# pvh-ukify, a second key (the MOK) in shim's MokList, written into the
# variable store here (NV|BS, as shim wants it; ovmf-vars-add.py):
#   shim-db           a UKI of the conformance guest signed with the snakeoil
#                     key (in db) runs and passes; pvhboot found shim's
#                     SHIM_LOCK and that LoadImage is shim's own loader
#                     (shim 16). (The kernel boots in shim-mok: one Linux
#                     boot is enough to show the path, each takes minutes.)
#   shim-mok          Debian 6.12 in a UKI signed with the MOK (not in db)
#                     boots to userspace, accepted by shim's LoadImage
#   shim-mok-tampered a MOK-signed UKI changed by one byte in .linux: refused
#   shim-nomok        a MOK-signed UKI with no MokList: refused
#   fw-mok            a MOK-signed UKI, pvhboot.efi as BOOTX64.EFI and no
#                     shim: the firmware's LoadImage alone refuses it
#   shim-bare-elf     a type 1 entry with a bare ELF: still refused
#   shimnv-*          the same shim with its vendor certificate table
#                     emptied (as shim is built without VENDOR_CERT_FILE):
#                     shim 16 then leaves LoadImage to the firmware, the case
#                     of shim 15; pvhboot asks SHIM_LOCK's Verify and
#                     overrides the firmware's Security2 hook for that one
#                     LoadImage: a MOK-signed UKI (of the conformance guest)
#                     runs; tampered, Verify refuses it and so does LoadImage
# The refusals and shimnv-* boot small UKIs of the conformance guest.
# SHIM_ONLY="db mok tampered nomok fw bare-elf nv" runs some (default: all).
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

QEMU_MEM=512
T=$BOOT_TMP/shim
mkdir -p "$T"
BASE_ARGS="console=ttyS0 panic=-1"
KERNEL612=$BOOT_ROOT/cache/kernel-6.12/vmlinux
SHIM=/usr/lib/shim/shimx64.efi
SB_CODE=$SNAKEOIL_CODE
SB_VARS=$SNAKEOIL_VARS
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
SB_KEY=$BOOT_BUILD/snakeoil.key
SHIM_LOCK_GUID=605dab50-e046-4300-abb6-3dd810dd8b23
# The owner GUID of the MokList entry: any; this one names the test.
MOK_OWNER=0d2a8a1e-4bd8-4f0b-9f2c-5076686f6f74
status=0

want() {
	[ -z "${SHIM_ONLY:-}" ] || [[ " $SHIM_ONLY " == *" $1 "* ]]
}

if ! [ -r "$SHIM" ] || ! command -v sbsign >/dev/null || ! [ -r "$SB_CODE" ] ||
	! [ -s "$KERNEL612" ] || ! command -v python3 >/dev/null; then
	tap_not_ok shim "needs shim-unsigned, sbsigntool, ovmf's snakeoil build, python3 and cache/kernel-6.12 (scripts/fetch-kernel-variant.sh 6.12)" "$BOOT_LOG_DIR"
	exit 1
fi
log=$BOOT_LOG_DIR/shim-prepare.log
: >"$log"
make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi build/pvh-ukify build/pvh-testguest.elf >&2 &&
	"$BOOT_ROOT/scripts/mkinitramfs.sh" "$T/initramfs.img" >>"$log" 2>&1 || {
	tap_not_ok shim "build or initramfs failed" "$log"
	exit 1
}

# Keys: the snakeoil one (in db; Debian ships it encrypted with the
# password "snakeoil", README.Debian of ovmf) and a second, the MOK.
[ -s "$SB_KEY" ] || openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key \
	-passin pass:snakeoil -out "$SB_KEY" 2>>"$log"
openssl req -new -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=pvhboot test MOK/" \
	-keyout "$T/mok.key" -out "$T/mok.pem" >>"$log" 2>&1 &&
	openssl x509 -in "$T/mok.pem" -outform DER -out "$T/mok.der" 2>>"$log" || {
	tap_not_ok shim "openssl could not make the MOK" "$log"
	exit 1
}
sign() { sbsign --key "$1" --cert "$2" --output "$4" "$3" >>"$log" 2>&1; }
sign "$SB_KEY" "$SB_CERT" "$SHIM" "$T/shim.signed.efi" &&
	sign "$SB_KEY" "$SB_CERT" "$BOOT_BUILD/pvhboot.efi" "$T/pvhboot.signed.efi" || {
	tap_not_ok shim "sbsign failed" "$log"
	exit 1
}
# uki NAME LINUX KEY CERT: a signed UKI of LINUX whose command line carries pvh-path=NAME.
uki() {
	"$BOOT_BUILD/pvh-ukify" -o "$T/$1.unsigned.efi" --linux "$2" --initrd "$T/initramfs.img" \
		--cmdline "$BASE_ARGS pvh-path=$1" --os-release /etc/os-release \
		--uname "$(cat "$BOOT_ROOT/cache/kernel-6.12/version")" >>"$log" 2>&1 &&
		sign "$3" "$4" "$T/$1.unsigned.efi" "$T/$1.efi"
	local rc=$?
	rm -f "$T/$1.unsigned.efi"
	return $rc
}
# tamper IN OUT: OUT is IN with the byte in the middle of .linux changed.
tamper() {
	local size off at old
	read -r size off < <(objdump -h "$1" | awk '$2 == ".linux" {print $3, $6}')
	at=$((0x$off + 0x$size / 2))
	cp "$1" "$2"
	old=$(od -An -tu1 -j"$at" -N1 "$2" | tr -d ' ')
	printf '%02x' $(((old + 1) & 255)) | xxd -r -p | dd of="$2" bs=1 seek="$at" conv=notrunc status=none
}
{ uki shim-db "$BOOT_GUEST" "$SB_KEY" "$SB_CERT" && uki shim-mok "$KERNEL612" "$T/mok.key" "$T/mok.pem" &&
	uki guest-mok "$BOOT_GUEST" "$T/mok.key" "$T/mok.pem"; } || {
	tap_not_ok shim "pvh-ukify or sbsign failed" "$log"
	exit 1
}
tamper "$T/guest-mok.efi" "$T/guest-mok-tampered.efi"

# shim without its vendor certificates: the two sizes that open its
# .vendor_cert table (shim's cert.S: authorized size, deauthorized size,
# then their offsets) set to 0, as in a shim built without them.
cp "$SHIM" "$T/shim-novendor.efi"
vc_off=$(objdump -h "$SHIM" | awk '$2 == ".vendor_cert" {print $6}')
if [ -z "$vc_off" ]; then
	tap_not_ok shim "$SHIM has no .vendor_cert section" "$log"
	exit 1
fi
printf '\0\0\0\0\0\0\0\0' | dd of="$T/shim-novendor.efi" bs=1 seek=$((0x$vc_off)) conv=notrunc status=none
sign "$SB_KEY" "$SB_CERT" "$T/shim-novendor.efi" "$T/shim-novendor.signed.efi" || {
	tap_not_ok shim "sbsign failed" "$log"
	exit 1
}

# The variable stores: the snakeoil one as shipped, and one with MokList.
cp "$SB_VARS" "$T/vars-mok.fd"
python3 "$BOOT_ROOT/tests/boot/ovmf-vars-add.py" "$T/vars-mok.fd" MokList "$SHIM_LOCK_GUID" 0x3 \
	"$T/mok.der" --x509-siglist "$MOK_OWNER" >>"$log" 2>&1 || {
	tap_not_ok shim "MokList could not be added to the variable store" "$log"
	exit 1
}

printf 'title bare ELF\nlinux /guest.elf\n' >"$T/bare-elf.conf"
esp=$T/esp.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 256 "$T/shim.signed.efi=/EFI/BOOT/BOOTX64.EFI" \
	"$T/pvhboot.signed.efi=/EFI/BOOT/grubx64.efi" "$T/bare-elf.conf=/loader/entries/bare-elf.conf" \
	"$BOOT_GUEST=/guest.elf" "$T/shim-db.efi=/EFI/Linux/shim-db.efi" \
	"$T/shim-mok.efi=/EFI/Linux/shim-mok.efi" "$T/guest-mok.efi=/EFI/Linux/guest-mok.efi" \
	"$T/guest-mok-tampered.efi=/EFI/Linux/guest-mok-tampered.efi" >>"$log" 2>&1 || {
	tap_not_ok shim "mkesp.sh failed" "$log"
	exit 1
}
rm -f "$T/shim-db.efi" "$T/shim-mok.efi" "$T/guest-mok.efi" "$T/guest-mok-tampered.efi"

# boot CASE DEFAULT VARS: one boot of the ESP with loader.conf's default
# set and a copy of VARS. QEMU is stopped once pvhboot returns to shim with
# an error (shim then retries through the firmware, which has no shell
# under Secure Boot, and would start pvhboot again).
boot() {
	local l=$BOOT_LOG_DIR/$1.log runner
	printf 'timeout 0\ndefault %s\n' "$2" >"$T/loader.conf"
	mcopy -i "$esp" -o "$T/loader.conf" ::/loader/loader.conf
	cp "$3" "$T/run.vars.fd"
	rm -f "$l" "$l.rc"
	(
		snakeoil_run "$1" 900 "$l" "$T/run.vars.fd" "$esp"
		echo "$QEMU_RC" >"$l.rc"
	) &
	runner=$!
	while kill -0 "$runner" 2>/dev/null; do
		if grep -aq 'pvhboot: returning to the firmware' "$l" 2>/dev/null; then
			# shellcheck disable=SC2046 # the pids, one word each
			kill -TERM $(ps -o pid= --ppid "$runner") 2>/dev/null || true
			break
		fi
		sleep 2
	done
	wait "$runner" 2>/dev/null
	QEMU_RC=$(cat "$l.rc" 2>/dev/null || echo 255)
	log=$l
}

# expect_log NAME REGEX WHAT: the last boot's log must match REGEX (extended grep).
expect_log() {
	if grep -aEq "$2" "$log"; then
		tap_ok "$1" "$3"
	else
		tap_not_ok "$1" "no '$2' in the log" "$log"
		status=1
	fi
}

# expect_no_log NAME REGEX WHAT: the last boot's log must not match REGEX.
expect_no_log() {
	if grep -aEq "$2" "$log"; then
		tap_not_ok "$1" "'$(grep -aEm1 "$2" "$log" | tr -d '\r')' in the log" "$log"
		status=1
	else
		tap_ok "$1" "$3"
	fi
}

# expect_userspace NAME: the last boot reached the initramfs with pvh-path=NAME.
# (lockdown=integrity, which pvh-ukify adds, closes /dev/port: the initramfs
# then cannot reach isa-debug-exit and powers off, status 0.)
expect_userspace() {
	local line problem=""
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	if grep -aq 'Kernel panic' "$log"; then
		problem="kernel panic: $(grep -a -m1 'Kernel panic' "$log" | tr -d '\r' | cut -c1-100)"
	elif [ -z "$line" ]; then
		problem="no PVHBOOT-USERSPACE marker; $(boot_rc_meaning "$QEMU_RC")"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ] &&
		! { [ "$QEMU_RC" = 0 ] && grep -qw 'lockdown=integrity' <<<"$line"; }; then
		problem="marker seen but $(boot_rc_meaning "$QEMU_RC")"
	elif ! grep -q ' initramfs=ok ' <<<"$line" || ! grep -qw -- "pvh-path=$1" <<<"$line"; then
		problem="initramfs not unpacked or pvh-path=$1 missing: $line"
	fi
	if [ -n "$problem" ]; then
		tap_not_ok "$1" "$problem" "$log"
		status=1
	else
		tap_ok "$1" "$(cut -d' ' -f2-4 <<<"$line")"
	fi
}

# expect_guest NAME: the last boot ran the conformance guest to its verdict "ok".
expect_guest() {
	local v
	v=$(boot_verdict "$log") || v="no verdict line"
	if [ "$QEMU_RC" = "$BOOT_EXIT_PASS" ] && [ "$v" = ok ]; then
		tap_ok "$1" "the guest ran: PVH-CONFORMANCE: ok"
	else
		tap_not_ok "$1" "$(boot_rc_meaning "$QEMU_RC"); verdict: $v" "$log"
		status=1
	fi
}

REFUSED='LoadImage refused it: 0x80000000000000(0f ACCESS_DENIED|1a SECURITY_VIOLATION)'
SHIM_REFUSED='0x80000000000000(1a SECURITY_VIOLATION|0f ACCESS_DENIED)'

if want db; then
	boot shim-db shim-db.efi "$T/vars-mok.fd"
	expect_log shim-db-sb 'pvhboot: Secure Boot on \(SecureBoot=1 SetupMode=0\)' \
		"pvhboot, started by shim, saw Secure Boot enforced"
	expect_log shim-db-found "pvhboot: shim's SHIM_LOCK protocol found.*LoadImage is shim's own loader" \
		"pvhboot found shim's protocol, and shim 16's own LoadImage"
	expect_log shim-db-accepted "shim-db\\.efi: accepted by shim's LoadImage" \
		"shim accepted the db-signed UKI"
	expect_guest shim-db
fi
if want mok; then
	boot shim-mok shim-mok.efi "$T/vars-mok.fd"
	expect_log shim-mok-accepted "shim-mok\\.efi: accepted by shim's LoadImage" \
		"shim accepted the UKI signed by the MokList key"
	expect_userspace shim-mok
fi
if want tampered; then
	boot shim-mok-tampered guest-mok-tampered.efi "$T/vars-mok.fd"
	expect_log shim-mok-tampered "guest-mok-tampered\\.efi: refused by shim's LoadImage: $SHIM_REFUSED" \
		"a MOK-signed UKI changed by one byte: shim refused it"
	expect_log shim-mok-tampered-error "guest-mok-tampered\\.efi: $REFUSED" "pvhboot's error says so"
	expect_no_log shim-mok-tampered-start 'StartImage .*guest-mok-tampered' "it never started"
fi
if want nomok; then
	boot shim-nomok guest-mok.efi "$SB_VARS"
	expect_log shim-nomok "guest-mok\\.efi: refused by shim's LoadImage: $SHIM_REFUSED" \
		"no MokList: shim refused the MOK-signed UKI"
fi
if want fw; then
	# No shim: signed pvhboot.efi is BOOTX64.EFI itself.
	mcopy -i "$esp" -o "$T/pvhboot.signed.efi" ::/EFI/BOOT/BOOTX64.EFI
	boot fw-mok guest-mok.efi "$T/vars-mok.fd"
	mcopy -i "$esp" -o "$T/shim.signed.efi" ::/EFI/BOOT/BOOTX64.EFI
	expect_log fw-mok-noshim 'pvhboot: no shim \(no SHIM_LOCK protocol\)' "pvhboot saw no shim"
	expect_log fw-mok "guest-mok\\.efi: $REFUSED" \
		"the firmware's LoadImage alone refuses the MOK-signed UKI, MokList or not"
fi
if want bare-elf; then
	boot shim-bare-elf bare-elf "$T/vars-mok.fd"
	expect_log shim-bare-elf 'Secure Boot is on: .*guest\.elf is a bare ELF kernel.*pvh-ukify.*sbsign.*MokList\) and boot that' \
		"a bare ELF entry: refused under shim too, with the whole advice"
fi
if want nv; then
	mcopy -i "$esp" -o "$T/shim-novendor.signed.efi" ::/EFI/BOOT/BOOTX64.EFI
	boot shimnv-mok guest-mok.efi "$T/vars-mok.fd"
	expect_no_log shimnv-loader "LoadImage is shim's own loader" "shim left LoadImage to the firmware"
	expect_log shimnv-verified 'guest-mok\.efi: shim verified it \(SHIM_LOCK Verify: SUCCESS\)' \
		"shim's Verify accepted the MOK-signed UKI"
	expect_log shimnv-accepted "guest-mok\\.efi: accepted by shim \\(the firmware's check deferred to shim's verdict\\)" \
		"the firmware's LoadImage accepted it through pvhboot's Security2 override"
	expect_guest shimnv-mok
	boot shimnv-mok-tampered guest-mok-tampered.efi "$T/vars-mok.fd"
	expect_log shimnv-mok-tampered "guest-mok-tampered\\.efi: shim refused it: $SHIM_REFUSED; the firmware's db decides" \
		"tampered: shim's Verify refused it"
	expect_log shimnv-mok-tampered-load "guest-mok-tampered\\.efi: $REFUSED" "and so did the firmware's LoadImage"
	mcopy -i "$esp" -o "$T/shim.signed.efi" ::/EFI/BOOT/BOOTX64.EFI
fi
rm -f "$esp" "$T/run.vars.fd"
exit $status
