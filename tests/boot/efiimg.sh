#!/bin/bash
# efiimg.sh - pvhboot.efi starting EFI images through the firmware, and
# pvhboot.efi as a unified kernel image (UKI), under OVMF:
#   efiimg-stub     a loader entry whose linux is Debian's EFI-stub vmlinuz
#                   (not a PVH ELF): LoadImage/StartImage, the command line as
#                   load options, the initramfs through LoadFile2 on the
#                   LINUX_EFI_INITRD_MEDIA device path
#   efiimg-uki      a UKI built by pvh-ukify from Debian 6.12's vmlinux and the
#                   busybox initramfs, listed as a type 2 entry
#                   (/EFI/Linux/*.efi) by pvhboot.efi as boot manager and
#                   started with LoadImage; pvhboot inside boots .linux by PVH
#   efiimg-uki-bad  UKIs with no .linux, a section past the file, overlapping
#                   sections, a truncated .linux: a clear error each, and the
#                   firmware goes on to its next option
#   efiimg-sb-*     Debian's snakeoil OVMF enforcing Secure Boot, pvhboot.efi
#                   signed with its test key: a signed UKI boots to
#                   userspace; the same UKI unsigned, or signed and then
#                   changed by one byte in .linux, is refused by LoadImage
#                   (SECURITY_VIOLATION, reported by pvhboot); a type 1 entry
#                   with a bare ELF is refused by pvhboot's policy
#   efiimg-tpm-uki  the signed UKI's boot with swtpm: PCR 11 (its sections)
#                   and 12 (the command line) as the kernel reads them equal
#                   the values recomputed here from the UKI's bytes; PCR 9 zero
#   efiimg-tpm-type1 a type 1 PVH entry with swtpm: PCR 9 = the kernel file
#                   then the initrd, PCR 12 the command line, PCR 11 zero
#   efiimg-tpm-uki-summary  without pvhboot.debug: one line counts the
#                   measurements and names the PCRs, no digest lines
#   efiimg-tpm-type1-digests  with pvhboot.debug: the PCR 9 digest lines are
#                   the files' sha256sum
# EFIIMG_ONLY="stub uki uki-bad sb tpm1" runs some of them (default: all).
# Each Linux boot must reach the initramfs's marker with QEMU status 33, the
# initramfs unpacked and its own token on the command line.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

QEMU_MEM=512
T=$BOOT_TMP/efiimg
mkdir -p "$T"
TIMEOUT=300
BASE_ARGS="console=ttyS0 panic=-1"
INITRAMFS=$T/initramfs.img
status=0

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi build/pvh-ukify >&2 || {
	tap_not_ok efiimg "build failed" "$BOOT_LOG_DIR"
	exit 1
}
"$BOOT_ROOT/scripts/mkinitramfs.sh" "$INITRAMFS" >"$BOOT_LOG_DIR/efiimg-initramfs.log" 2>&1 || {
	tap_not_ok efiimg "the initramfs cannot be built" "$BOOT_LOG_DIR/efiimg-initramfs.log"
	exit 1
}

# ovmf_run NAME LOG ESP: OVMF (no Secure Boot) with the ESP as a virtio disk.
ovmf_run() {
	cp /usr/share/OVMF/OVMF_VARS.fd "$T/$1.vars.fd"
	qemu_run "$1" "$TIMEOUT" "$2" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,unit=1,file="$T/$1.vars.fd" \
		-drive if=virtio,format=raw,file="$3"
}

# marker_problem LOG TOKEN: why the last run did not reach userspace; nothing if it did.
marker_problem() {
	local line
	line=$(tr -d '\r' <"$1" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	if grep -aq 'Kernel panic' "$1"; then
		echo "kernel panic: $(grep -a -m1 'Kernel panic' "$1" | tr -d '\r' | cut -c1-120)"
	elif [ -z "$line" ]; then
		echo "no PVHBOOT-USERSPACE marker; $(boot_rc_meaning "$QEMU_RC")"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ] &&
		! { [ "$QEMU_RC" = 0 ] && grep -qw 'lockdown=integrity' <<<"$line"; }; then
		# (lockdown=integrity, which pvh-ukify adds, closes /dev/port: the
		# initramfs cannot reach isa-debug-exit and powers off instead.)
		echo "marker seen but $(boot_rc_meaning "$QEMU_RC"), want 33"
	elif ! grep -q ' initramfs=ok ' <<<"$line"; then
		echo "initramfs not unpacked: $line"
	elif ! grep -qw -- "pvh-path=$2" <<<"$line"; then
		echo "command line lacks pvh-path=$2: $line"
	fi
}

# expect_userspace NAME LOG: one TAP line; 0 if the boot reached userspace.
expect_userspace() {
	local problem
	problem=$(marker_problem "$2" "$1")
	if [ -n "$problem" ]; then
		tap_not_ok "$1" "$problem" "$2"
		return 1
	fi
	tap_ok "$1" "$(tr -d '\r' <"$2" | grep -a -m1 '^PVHBOOT-USERSPACE: ' | cut -d' ' -f2-4)"
}

# expect_log NAME LOG REGEX WHAT: the log must match REGEX (extended grep).
expect_log() {
	if grep -aEq "$3" "$2"; then
		tap_ok "$1" "$4"
	else
		tap_not_ok "$1" "no '$3' in the log" "$2"
		return 1
	fi
}

# want CASE: run this case (EFIIMG_ONLY="stub uki ..." selects some; default all).
want() {
	[ -z "${EFIIMG_ONLY:-}" ] || [[ " $EFIIMG_ONLY " == *" $1 "* ]]
}

# 1. Debian's EFI-stub vmlinuz from a type 1 entry.
name=efiimg-stub
log=$BOOT_LOG_DIR/$name.log
if ! want stub; then
	:
elif [ -s "$BOOT_ROOT/cache/kernel/vmlinuz" ]; then
	printf 'timeout 0\n' >"$T/loader.conf"
	printf 'title Debian (EFI stub)\nlinux /vmlinuz\ninitrd /initramfs.img\noptions %s pvh-path=%s\n' \
		"$BASE_ARGS" "$name" >"$T/stub.conf"
	esp=$T/stub.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$BOOT_BUILD/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
		"$T/loader.conf=/loader/loader.conf" "$T/stub.conf=/loader/entries/stub.conf" \
		"$BOOT_ROOT/cache/kernel/vmlinuz=/vmlinuz" "$INITRAMFS=/initramfs.img"
	ovmf_run "$name" "$log" "$esp"
	expect_userspace "$name" "$log" || status=1
	expect_log "$name-loadfile2" "$log" 'bytes of initrd offered as LINUX_EFI_INITRD_MEDIA' \
		"initramfs offered through LoadFile2" || status=1
	rm -f "$esp"
else
	tap_not_ok "$name" "cache/kernel/vmlinuz missing: scripts/fetch-kernel.sh" "$BOOT_LOG_DIR"
	status=1
fi

# pe_patch FILE SECTION OFFSET VALUE: a 32-bit field of a section header
# (offset 8 VirtualSize, 12 VirtualAddress, 20 PointerToRawData).
pe_patch() {
	local f=$1 idx lfanew optsz at
	idx=$(objdump -h "$f" | awk -v n="$2" '$2 == n {print $1; exit}')
	lfanew=$(od -An -tu4 -j60 -N4 "$f" | tr -d ' ')
	optsz=$(od -An -tu2 -j$((lfanew + 20)) -N2 "$f" | tr -d ' ')
	at=$((lfanew + 24 + optsz + 40 * idx + $3))
	printf '%08x' "$4" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/' | xxd -r -p |
		dd of="$f" bs=1 seek="$at" conv=notrunc status=none
}

# 2. A UKI of Debian 6.12's vmlinux as the only type 2 entry.
name=efiimg-uki
log=$BOOT_LOG_DIR/$name.log
KERNEL612=$BOOT_ROOT/cache/kernel-6.12/vmlinux
if ! want uki; then
	:
elif [ -s "$KERNEL612" ]; then
	uki=$T/uki.efi
	"$BOOT_BUILD/pvh-ukify" -o "$uki" --linux "$KERNEL612" --initrd "$INITRAMFS" \
		--cmdline "$BASE_ARGS pvh-path=$name" --os-release /etc/os-release \
		--uname "$(cat "$BOOT_ROOT/cache/kernel-6.12/version")" >"$log.ukify" 2>&1
	printf 'timeout 0\n' >"$T/loader.conf"
	esp=$T/uki.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 128 "$BOOT_BUILD/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
		"$T/loader.conf=/loader/loader.conf" "$uki=/EFI/Linux/debian-6.12.efi"
	ovmf_run "$name" "$log" "$esp"
	expect_userspace "$name" "$log" || status=1
	expect_log "$name-listed" "$log" "booting entry 'debian-6.12.efi' \\(Debian GNU/Linux" \
		"type 2 entry listed with its .osrel PRETTY_NAME" || status=1
	expect_log "$name-pvh" "$log" 'pvhboot: unified kernel image .*: \.linux [0-9]+ bytes' \
		"the UKI's pvhboot found its sections and booted .linux through PVH" || status=1
	rm -f "$esp"
else
	tap_not_ok "$name" "cache/kernel-6.12/vmlinux missing: scripts/fetch-kernel-variant.sh 6.12" "$BOOT_LOG_DIR"
	status=1
fi

# 3. Broken UKIs (small ones, around the conformance guest): listed with
# their reason and skipped, or booted and failing with a clear error; then
# the firmware's next option (the shell's startup.nsh) runs.
if want uki-bad; then
name=efiimg-uki-bad
log=$BOOT_LOG_DIR/$name.log
make -C "$BOOT_ROOT" --no-print-directory -s build/pvh-testguest.elf >&2
small=$T/small.efi
"$BOOT_BUILD/pvh-ukify" -o "$small" --linux "$BOOT_GUEST" --cmdline "x" >"$log.ukify" 2>&1
cp "$small" "$T/nolinux.efi"
printf '.linuy' | dd of="$T/nolinux.efi" bs=1 conv=notrunc status=none \
	seek=$(($(od -An -tu4 -j60 -N4 "$small" | tr -d ' ') + 24 + $(od -An -tu2 -j$(($(od -An -tu4 -j60 -N4 "$small" | tr -d ' ') + 20)) -N2 "$small" | tr -d ' ') + 40 * $(objdump -h "$small" | awk '$2 == ".linux" {print $1}')))
cp "$small" "$T/pastend.efi"
pe_patch "$T/pastend.efi" .linux 20 $((0x7fff0000))
cp "$small" "$T/overlap.efi"
pe_patch "$T/overlap.efi" .cmdline 12 "$(printf '%d' "0x$(objdump -h "$small" | awk '$2 == ".linux" {print $4}')")"
cp "$small" "$T/truncated.efi"
pe_patch "$T/truncated.efi" .linux 8 64
printf '@echo -off\necho FIRMWARE-CONTINUED\nreset -s\n' >"$T/fallback.nsh"
esp=$T/bad.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$BOOT_BUILD/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
	"$T/loader.conf=/loader/loader.conf" "$T/fallback.nsh=/startup.nsh" \
	"$T/nolinux.efi=/EFI/Linux/nolinux.efi" "$T/pastend.efi=/EFI/Linux/pastend.efi" \
	"$T/overlap.efi=/EFI/Linux/overlap.efi" "$T/truncated.efi=/EFI/Linux/truncated.efi"
ovmf_run "$name" "$log" "$esp"
expect_log "$name-missing" "$log" 'nolinux\.efi: no \.linux section: not a unified kernel image \(entry skipped\)' \
	"a UKI without .linux: skipped, with the reason" || status=1
expect_log "$name-pastend" "$log" "pastend\.efi: pe: section [0-9]+ '\.linux': PointerToRawData 0x7fff0000 \+ SizeOfRawData 0x[0-9a-f]+ beyond file size" \
	"section offset past the file: skipped, naming field and bound" || status=1
expect_log "$name-overlap" "$log" "overlap\.efi: pe: section [0-9]+ '\.linux' \[RVA 0x[0-9a-f]+, 0x[0-9a-f]+\) overlaps section [0-9]+ '\.cmdline'" \
	"overlapping sections: skipped, naming both" || status=1
expect_log "$name-truncated" "$log" 'pvhboot: error: \.linux: ' \
	"a truncated .linux: the UKI's pvhboot says why" || status=1
expect_log "$name-continued" "$log" 'FIRMWARE-CONTINUED' "the firmware went on to its next option" || status=1
rm -f "$esp"

fi

# pcr_extend OLD_HEX DIGEST_HEX: the new PCR value, sha256(old || digest).
pcr_extend() {
	printf '%s%s' "$1" "$2" | xxd -r -p | sha256sum | cut -c1-64
}

ZERO_PCR=0000000000000000000000000000000000000000000000000000000000000000

# uki_pcr11 UKI: PCR 11 recomputed from the UKI's bytes: the sections
# systemd-stub measures, in its order, each as its name with the NUL, then
# its data (VirtualSize bytes at its file offset).
uki_pcr11() {
	local want=$ZERO_PCR sec size off
	for sec in .linux .osrel .cmdline .initrd .ucode .splash .dtb .uname .sbat .pcrpkey; do
		size=""
		read -r size off < <(objdump -h "$1" | awk -v n="$sec" '$2 == n {print $3, $6}')
		if [ -z "$size" ] || [ "$((0x$size))" -eq 0 ]; then
			continue
		fi
		want=$(pcr_extend "$want" "$(printf '%s\0' "$sec" | sha256sum | cut -c1-64)")
		want=$(pcr_extend "$want" "$(tail -c +$((0x$off + 1)) "$1" | head -c $((0x$size)) | sha256sum | cut -c1-64)")
	done
	echo "$want"
}

# check_tpm_summary NAME LOG PCRS: without pvhboot.debug, one line counts
# the measurements and names PCRS ("11, 12"); no digest line is printed.
check_tpm_summary() {
	local clean
	clean=$(tr -d '\r' <"$2")
	if grep -aq '^pvhboot: measured PCR ' <<<"$clean"; then
		tap_not_ok "$1" "digest lines printed without pvhboot.debug" "$2"
		return 1
	fi
	if ! grep -aqE "^pvhboot: TPM: [0-9]+ measurements into PCR $3 \(pvhboot\.debug prints each digest\)" <<<"$clean"; then
		tap_not_ok "$1" "no 'pvhboot: TPM: N measurements into PCR $3' line" "$2"
		return 1
	fi
	tap_ok "$1" "$(grep -a -m1 '^pvhboot: TPM: ' <<<"$clean" | cut -c10-)"
}

# check_pcrs NAME LOG WANT9 WANT11: PCRs 9, 11 and 12 as the kernel read
# them (the initramfs's PVHBOOT-PCR line) against values recomputed here;
# PCR 12 from the command line /proc/cmdline shows, as UTF-16LE with its NUL.
check_pcrs() {
	local name=$1 log=$2 want9=$3 want11=$4 line got9 got11 got12 want12 cmdline
	line=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-PCR: ')
	if [ -z "$line" ]; then
		tap_not_ok "$name" "no PVHBOOT-PCR line: the kernel saw no TPM" "$log"
		return 1
	fi
	got9=$(sed -n 's/.* 9=\([0-9A-Fa-f]*\).*/\1/p' <<<"$line" | tr A-F a-f)
	got11=$(sed -n 's/.* 11=\([0-9A-Fa-f]*\).*/\1/p' <<<"$line" | tr A-F a-f)
	got12=$(sed -n 's/.* 12=\([0-9A-Fa-f]*\).*/\1/p' <<<"$line" | tr A-F a-f)
	cmdline=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-USERSPACE: ' | sed -n 's/.* cmdline=\[\(.*\)\]$/\1/p')
	want12=$(pcr_extend "$ZERO_PCR" "$(printf '%s\0' "$cmdline" | iconv -f ascii -t utf-16le | sha256sum | cut -c1-64)")
	echo "# $name: PCR 9 $got9 (want $want9), 11 $got11 (want $want11), 12 $got12 (want $want12)"
	if [ "$got9" != "$want9" ]; then
		tap_not_ok "$name" "PCR 9 $got9, recomputed $want9" "$log"
	elif [ "$got11" != "$want11" ]; then
		tap_not_ok "$name" "PCR 11 $got11, recomputed $want11" "$log"
	elif [ "$got12" != "$want12" ]; then
		tap_not_ok "$name" "PCR 12 $got12, recomputed $want12 from [$cmdline]" "$log"
	else
		tap_ok "$name" "PCRs 9, 11, 12 match the values recomputed from the files"
		return 0
	fi
	return 1
}

# swtpm_start DIR: a software TPM 2.0 on DIR/sock (TPM_PID, TPM_ARGS for QEMU).
swtpm_start() {
	rm -rf "$1" && mkdir -p "$1"
	TPM_PID="" TPM_ARGS=""
	command -v swtpm >/dev/null || return 1
	swtpm socket --tpm2 --tpmstate dir="$1" --ctrl type=unixio,path="$1/sock" \
		>"$1/swtpm.log" 2>&1 &
	TPM_PID=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -S "$1/sock" ] && break; sleep 0.5; done
	TPM_ARGS="-chardev socket,id=chrtpm,path=$1/sock -tpmdev emulator,id=tpm0,chardev=chrtpm -device tpm-tis,tpmdev=tpm0"
}

swtpm_stop() {
	[ -n "$TPM_PID" ] && { kill "$TPM_PID" 2>/dev/null; wait "$TPM_PID" 2>/dev/null; }
	TPM_PID=""
}

# 4. Secure Boot (snakeoil keys): the firmware verifies, pvhboot reports.
# BOOTX64.EFI (signed pvhboot) boots its default, the unsigned UKI: refused;
# the firmware goes on to its shell, whose startup.nsh runs pvhboot.efi for
# the tampered UKI, the bare ELF entry, and last the signed UKI.
SB_CODE=$SNAKEOIL_CODE
SB_VARS=$SNAKEOIL_VARS
SB_KEY=$BOOT_BUILD/snakeoil.key
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
SB_EXTRA="" # more QEMU arguments for sb_boot (the TPM case)
name=efiimg-sb
log=$BOOT_LOG_DIR/$name.log
if ! want sb; then
	:
elif ! command -v sbsign >/dev/null || ! [ -r "$SB_CODE" ] || ! [ -s "$KERNEL612" ]; then
	tap_not_ok "$name" "needs sbsigntool, ovmf's snakeoil build and cache/kernel-6.12" "$BOOT_LOG_DIR"
	status=1
else
	# Debian ships the key encrypted with the password "snakeoil" (README.Debian of ovmf).
	[ -s "$SB_KEY" ] || openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key \
		-passin pass:snakeoil -out "$SB_KEY" 2>"$log.openssl"
	sign() { sbsign --key "$SB_KEY" --cert "$SB_CERT" --output "$2" "$1" 2>>"$log.sbsign"; }
	sign "$BOOT_BUILD/pvhboot.efi" "$T/pvhboot.signed.efi"
	"$BOOT_BUILD/pvh-ukify" -o "$T/sb-unsigned.efi" --linux "$KERNEL612" --initrd "$INITRAMFS" \
		--cmdline "$BASE_ARGS pvh-path=$name" --uname "$(cat "$BOOT_ROOT/cache/kernel-6.12/version")" \
		--os-release /etc/os-release >"$log.ukify" 2>&1
	sign "$T/sb-unsigned.efi" "$T/sb-signed.efi"
	cp "$T/sb-signed.efi" "$T/sb-tampered.efi"
	linux_off=$(objdump -h "$T/sb-signed.efi" | awk '$2 == ".linux" {print $6}')
	byte_at=$(($(printf '%d' "0x$linux_off") + 0x100000))
	old=$(od -An -tu1 -j"$byte_at" -N1 "$T/sb-tampered.efi" | tr -d ' ')
	printf '%02x' $(((old + 1) & 255)) | xxd -r -p |
		dd of="$T/sb-tampered.efi" bs=1 seek="$byte_at" conv=notrunc status=none
	printf 'title bare ELF\nlinux /guest.elf\n' >"$T/sb-elf.conf"
	esp=$T/sb.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 256 "$T/pvhboot.signed.efi=/EFI/BOOT/BOOTX64.EFI" \
		"$T/sb-elf.conf=/loader/entries/sb-elf.conf" "$BOOT_GUEST=/guest.elf" \
		"$T/sb-unsigned.efi=/EFI/Linux/unsigned.efi" "$T/sb-tampered.efi=/EFI/Linux/tampered.efi" \
		"$T/sb-signed.efi=/EFI/Linux/signed.efi"
	rm -f "$T/sb-unsigned.efi" "$T/sb-tampered.efi"
	# sb_boot CASE DEFAULT: one boot of the ESP, loader.conf's default set;
	# a refusal returns to the firmware, which under Secure Boot has no
	# shell to fall back to and retries: QEMU is stopped once pvhboot said it.
	sb_boot() {
		local l=$BOOT_LOG_DIR/$name-$1.log
		printf 'timeout 0\ndefault %s\n' "$2" >"$T/sb-loader.conf"
		mcopy -i "$esp" -o "$T/sb-loader.conf" ::/loader/loader.conf
		cp "$SB_VARS" "$T/sb.vars.fd"
		rm -f "$l" "$l.rc"
		(
			# shellcheck disable=SC2086 # SB_EXTRA is a list of arguments
			snakeoil_run "$name-$1" 600 "$l" "$T/sb.vars.fd" "$esp" $SB_EXTRA
			echo "$QEMU_RC" >"$l.rc"
		) &
		local runner=$!
		while kill -0 "$runner" 2>/dev/null; do
			if [ "$1" != signed ] && grep -aq 'pvhboot: returning to the firmware' "$l" 2>/dev/null; then
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
	sb_boot unsigned unsigned.efi
	expect_log "$name-on" "$log" 'pvhboot: Secure Boot on \(SecureBoot=1 SetupMode=0\)' \
		"pvhboot saw Secure Boot enforced" || status=1
	expect_log "$name-unsigned" "$log" 'unsigned\.efi: LoadImage refused it: 0x80000000000000(0f ACCESS_DENIED|1a SECURITY_VIOLATION)' \
		"the unsigned UKI: refused by the firmware, pvhboot says so" || status=1
	sb_boot tampered tampered.efi
	expect_log "$name-tampered" "$log" 'tampered\.efi: LoadImage refused it: 0x80000000000000(0f ACCESS_DENIED|1a SECURITY_VIOLATION)' \
		"the signed UKI changed by one byte in .linux: refused" || status=1
	sb_boot bare-elf sb-elf
	expect_log "$name-bare-elf" "$log" 'Secure Boot is on: .*guest\.elf is a bare ELF kernel.*pvh-ukify.*sbsign' \
		"the type 1 bare-ELF entry: refused by pvhboot, saying what to do" || status=1
	# The signed UKI boots with swtpm as the TPM: measured boot is checked there.
	if swtpm_start "$T/tpm"; then
		SB_EXTRA=$TPM_ARGS
		sb_boot signed signed.efi
		SB_EXTRA=""
		swtpm_stop
		expect_userspace "$name" "$log" || status=1
		# PCR 9 untouched: OVMF extends none of 9, 11, 12; the PVH kernel none.
		check_pcrs efiimg-tpm-uki "$log" "$ZERO_PCR" "$(uki_pcr11 "$T/sb-signed.efi")" || status=1
		check_tpm_summary efiimg-tpm-uki-summary "$log" "11, 12" || status=1
	else
		sb_boot signed signed.efi
		expect_userspace "$name" "$log" || status=1
		tap_not_ok efiimg-tpm-uki "swtpm missing: apt-get install swtpm swtpm-tools" "$BOOT_LOG_DIR"
		status=1
	fi
	rm -f "$esp"
fi

# 5. Measured boot of a type 1 entry (Debian 6.12's PVH vmlinux and the
# initramfs, OVMF's 4 MiB build with swtpm): PCR 9 the kernel file then the
# initramfs file, PCR 12 the command line, PCR 11 untouched.
name=efiimg-tpm-type1
log=$BOOT_LOG_DIR/$name.log
if ! want tpm1; then
	:
elif ! swtpm_start "$T/tpm1"; then
	tap_not_ok "$name" "swtpm missing: apt-get install swtpm swtpm-tools" "$BOOT_LOG_DIR"
	status=1
else
	printf 'timeout 0\n' >"$T/loader.conf"
	# pvhboot.debug: each measurement printed with its digest (the loader's
	# word, taken out of what the kernel gets and what PCR 12 holds).
	printf 'title Debian 6.12 (PVH)\nlinux /vmlinux\ninitrd /initramfs.img\noptions %s pvh-path=%s pvhboot.debug\n' \
		"$BASE_ARGS" "$name" >"$T/type1.conf"
	esp=$T/tpm1.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 128 "$BOOT_BUILD/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" \
		"$T/loader.conf=/loader/loader.conf" "$T/type1.conf=/loader/entries/type1.conf" \
		"$KERNEL612=/vmlinux" "$INITRAMFS=/initramfs.img"
	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$T/tpm1.vars.fd"
	# shellcheck disable=SC2086 # TPM_ARGS is a list of arguments
	qemu_run "$name" "$TIMEOUT" "$log" -- -M q35 \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
		-drive if=pflash,format=raw,unit=1,file="$T/tpm1.vars.fd" \
		-drive if=virtio,format=raw,file="$esp" $TPM_ARGS
	swtpm_stop
	expect_userspace "$name" "$log" || status=1
	want9=$(pcr_extend "$ZERO_PCR" "$(sha256sum <"$KERNEL612" | cut -c1-64)")
	want9=$(pcr_extend "$want9" "$(sha256sum <"$INITRAMFS" | cut -c1-64)")
	check_pcrs "$name" "$log" "$want9" "$ZERO_PCR" || status=1
	# With pvhboot.debug: the digests printed are those of the files.
	digests=$(tr -d '\r' <"$log" | sed -n 's/^pvhboot: measured PCR 9 sha256 \([0-9a-f]*\) .*/\1/p' | tr '\n' ' ')
	wantd="$(sha256sum <"$KERNEL612" | cut -c1-64) $(sha256sum <"$INITRAMFS" | cut -c1-64) "
	if [ "$digests" = "$wantd" ]; then
		tap_ok "$name-digests" "pvhboot.debug: PCR 9 digest lines equal sha256sum of the kernel and initrd"
	else
		tap_not_ok "$name-digests" "PCR 9 digest lines [$digests], want [$wantd]" "$log"
		status=1
	fi
	rm -f "$esp"
fi

exit $status
