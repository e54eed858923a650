#!/bin/bash
# uefi-firmware.sh - pvhboot.efi on every OVMF build Debian 12 ships, and the
# boot manager's watchdog (newer suites' builds: uefi-firmware-newer.sh):
#  - each build (OVMF_CODE.fd and OVMF_CODE_4M.fd on -M pc and q35,
#    OVMF_CODE_4M.secboot.fd and OVMF_CODE.secboot.fd on q35 with SMM and a
#    secure flash; .ms.fd and .snakeoil.fd are symlinks to them) boots the
#    conformance guest from the shell with `debug`; the raw memory map it
#    dumps is kept in build/boot-logs/uefi-fw-NAME.memmap (the format of
#    tests/unit/data/ovmf-*.memmap);
#  - on the SMM build, where ACPI NVS covers 0x810000-0x170ffff, Debian 12's
#    6.1 kernel (linked at 16 MiB, not relocatable) is refused with the
#    range it overlaps, and the shell goes on (same boot, before the guest);
#  - a menu whose timeout (400 s) outlasts the 5-minute watchdog boots its
#    default instead of resetting the machine. QEMU's -icount with
#    sleep=off runs virtual time at 1 us an instruction, so the 400 virtual
#    seconds pass in well under a minute.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.efi build/pvh-testguest.elf >&2 || {
	tap_not_ok uefi-firmware "build failed" "$BOOT_LOG_DIR"
	exit 1
}
EFI=$BOOT_BUILD/pvhboot.efi
T=$BOOT_TMP/uefi-firmware
mkdir -p "$T"
boot_make_test_modules
guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.crc32.0=$BOOT_MOD1_CRC expect.crc32.1=$BOOT_MOD2_CRC"
KERNEL61=$BOOT_ROOT/cache/kernel/vmlinux
status=0


# The dump's descriptors, as tests/unit/data/ovmf-*.memmap holds them.
save_memmap() { # LOG OUT
	grep -a '^efi-memmap:' "$1" | tr -d '\r' | awk '{print $2, $3, $4, $5, $6}' >"$2"
}

D=/usr/share/OVMF
guest_line="\\\\pvhboot.efi debug linux=\\\\guest.elf initrd=\\\\one.img initrd=\\\\two.img -- $guest_args"
printf '@echo -off\nfs0:\n%s\n' "$guest_line" >"$T/guest.nsh"
esp=$T/guest.img
"$BOOT_ROOT/scripts/mkesp.sh" "$esp" 64 "$EFI=/pvhboot.efi" "$T/guest.nsh=/startup.nsh" \
	"$BOOT_GUEST=/guest.elf" "$BOOT_MOD1=/one.img" "$BOOT_MOD2=/two.img"

# 1. The plain builds: NAME CODE VARS MACHINE.
while read -r name code vars machine; do
	[ -f "$D/$code" ] || {
		tap_not_ok "uefi-fw-$name" "$D/$code missing (package ovmf)" ""
		status=1
		continue
	}
	ovmf_run "uefi-fw-$name" "$D/$code" "$D/$vars" 180 "$esp" -M "$machine"
	log=$BOOT_LOG_DIR/uefi-fw-$name.log
	save_memmap "$log" "$BOOT_LOG_DIR/uefi-fw-$name.memmap"
	boot_expect_pass "uefi-fw-$name" "$log" || status=1
done <<'LIST'
code-pc OVMF_CODE.fd OVMF_VARS.fd pc
code-q35 OVMF_CODE.fd OVMF_VARS.fd q35
code4m-pc OVMF_CODE_4M.fd OVMF_VARS_4M.fd pc
code4m-q35 OVMF_CODE_4M.fd OVMF_VARS_4M.fd q35
LIST

# 2. The SMM build: Debian 6.1 refused (and the shell goes on), then the guest.
name=uefi-fw-secboot-smm
if [ ! -f "$KERNEL61" ]; then
	tap_not_ok "$name" "$KERNEL61 missing (make kernel)" ""
	status=1
else
	printf '@echo -off\nfs0:\n\\pvhboot.efi linux=\\vmlinux -- console=ttyS0\necho FIRMWARE-CONTINUED\n%s\n' \
		"$guest_line" >"$T/smm.nsh"
	smm_esp=$T/smm.img
	"$BOOT_ROOT/scripts/mkesp.sh" "$smm_esp" 128 "$EFI=/pvhboot.efi" "$T/smm.nsh=/startup.nsh" \
		"$KERNEL61=/vmlinux" "$BOOT_GUEST=/guest.elf" "$BOOT_MOD1=/one.img" "$BOOT_MOD2=/two.img"
	ovmf_run "$name" "$D/OVMF_CODE_4M.secboot.fd" "$D/OVMF_VARS_4M.fd" 240 "$smm_esp" \
		-M q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
	log=$BOOT_LOG_DIR/$name.log
	save_memmap "$log" "$BOOT_LOG_DIR/$name.memmap"
	refusal=$(grep -a 'pvhboot: error: .*vmlinux.*overlaps ACPINVS' "$log" | head -n1 | tr -d '\r')
	if [ -z "$refusal" ]; then
		tap_not_ok "$name-refuses-6.1" "no refusal naming the ACPINVS range" "$log"
		status=1
	elif ! grep -aq FIRMWARE-CONTINUED "$log"; then
		tap_not_ok "$name-refuses-6.1" "the shell did not go on after the refusal" "$log"
		status=1
	else
		tap_ok "$name-refuses-6.1" "$(clip 140 <<<"$refusal")"
	fi
	boot_expect_pass "$name" "$log" || status=1
fi

# 2b. The 2 MiB SMM build: the guest. It hangs silently (no serial output
# at all) with S3 enabled; libvirt disables S3 for SMM guests too.
name=uefi-fw-code-secboot-smm
if [ ! -f "$D/OVMF_CODE.secboot.fd" ]; then
	tap_not_ok "$name" "$D/OVMF_CODE.secboot.fd missing (package ovmf)" ""
	status=1
else
	ovmf_run "$name" "$D/OVMF_CODE.secboot.fd" "$D/OVMF_VARS.fd" 240 "$esp" \
		-M q35,smm=on -global ICH9-LPC.disable_s3=1 -global driver=cfi.pflash01,property=secure,value=on
	log=$BOOT_LOG_DIR/$name.log
	save_memmap "$log" "$BOOT_LOG_DIR/$name.memmap"
	boot_expect_pass "$name" "$log" || status=1
fi

# 3. The watchdog: a 400 s menu under -icount; the default entry must boot.
printf 'timeout 400\ndefault a-*\n' >"$T/wd-loader.conf"
printf 'title Entry A\nlinux /guest.elf\ninitrd /one.img\ninitrd /two.img\noptions %s\n' \
	"$guest_args" >"$T/wd-a.conf"
printf 'title Entry B\nlinux /guest.elf\noptions expect.mods=9\n' >"$T/wd-b.conf"
wd_esp=$T/watchdog.img
"$BOOT_ROOT/scripts/mkesp.sh" "$wd_esp" 64 "$EFI=/EFI/BOOT/BOOTX64.EFI" \
	"$T/wd-loader.conf=/loader/loader.conf" "$T/wd-a.conf=/loader/entries/a-1.conf" \
	"$T/wd-b.conf=/loader/entries/b-2.conf" \
	"$BOOT_GUEST=/guest.elf" "$BOOT_MOD1=/one.img" "$BOOT_MOD2=/two.img"
ovmf_run uefi-watchdog "$D/OVMF_CODE.fd" "$D/OVMF_VARS.fd" 300 "$wd_esp" -M pc \
	-icount shift=10,sleep=off
log=$BOOT_LOG_DIR/uefi-watchdog.log
if ! grep -aq 'boots in 400 s' "$log"; then
	tap_not_ok uefi-watchdog "the menu with its 400 s countdown was not shown" "$log"
	status=1
elif ! grep -aq "booting entry 'a-1'" "$log"; then
	tap_not_ok uefi-watchdog "the default entry did not boot after 400 virtual seconds ($(boot_rc_meaning "$QEMU_RC"): the watchdog?)" "$log"
	status=1
else
	boot_expect_pass uefi-watchdog "$log" || status=1
fi
exit $status
