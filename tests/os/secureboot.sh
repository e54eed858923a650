#!/bin/bash
# secureboot.sh - Secure Boot on the real Debian system (make check-os, after
# debian.sh): in the image of scripts/mkdebian-image.sh, booted once through
# OVMF, tests/os/guest/secureboot.sh sets PVHBOOT_LAYOUT=uki and a signing
# key in /etc/pvhboot/uki.conf and runs pvhboot-install update; then Debian's
# snakeoil OVMF, which enforces Secure Boot with that key in db, starts the
# signed pvhboot.efi from the removable path, which lists the type 2 entries
# and has the firmware verify and start the newest kernel's UKI, to the
# serial login prompt.
#   os-sb-configure   the guest's update wrote a signed UKI per kernel, no
#                     type 1 entry, and signed pvhboot.efi (sbverify in the guest)
#   os-secureboot     Secure Boot on, the newest kernel's UKI booted to the
#                     login prompt, root read-write, lockdown=integrity
# The key is Debian's snakeoil test key (/usr/share/ovmf/PkKek-1-snakeoil.*,
# encrypted with the password "snakeoil"). Only the relocatable 6.12 kernel
# (the image's newest) boots on that firmware, which keeps ACPI NVS at 8-23 MiB.
set -u
# shellcheck source=tests/os/lib.sh
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/os-secureboot
rm -rf "$T"
mkdir -p "$T"
SB_CODE=/usr/share/OVMF/OVMF_CODE_4M.snakeoil.fd
SB_VARS=/usr/share/OVMF/OVMF_VARS_4M.snakeoil.fd
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
if ! [ -r "$SB_CODE" ] || ! [ -r "$SB_CERT" ]; then
	tap_not_ok os-secureboot "Debian's snakeoil OVMF is missing (apt-get install ovmf)" "$BOOT_LOG_DIR"
	exit 1
fi
make -C "$BOOT_ROOT" --no-print-directory -s all >&2 || {
	tap_not_ok os-secureboot "build failed" "$BOOT_LOG_DIR"
	exit 1
}
if ! os_image; then
	tap_not_ok os-image "scripts/mkdebian-image.sh failed" "$BOOT_ROOT/cache"
	exit 1
fi
newest=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n1)
status=0

# The key and certificate reach the guest on its ESP (the guest moves them).
if ! openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
	-out "$T/db.key" 2>"$T/openssl.log"; then
	tap_not_ok os-sb-configure "openssl cannot decrypt the snakeoil key" "$T/openssl.log"
	exit 1
fi
disk=$T/sb.img
cp --sparse=always "$OS_IMG/disk.img" "$disk"
if ! { mmd -i "$disk@@$ESP_OFFSET" ::/pvhboot-sb &&
	mcopy -i "$disk@@$ESP_OFFSET" "$T/db.key" ::/pvhboot-sb/db.key &&
	mcopy -i "$disk@@$ESP_OFFSET" "$SB_CERT" ::/pvhboot-sb/db.crt; }; then
	tap_not_ok os-sb-configure "mtools cannot write the key to the ESP" "$BOOT_LOG_DIR"
	exit 1
fi
rm -f "$T/db.key"

# (1) The configuration boot (plain OVMF, the image's type 1 entries).
log=$BOOT_LOG_DIR/os-sb-configure.log
cp "$OS_OVMF_VARS" "$T/configure.vars.fd"
if ! os_run_script os-sb-configure "$log" "$disk" "$T/configure.vars.fd" \
	"$BOOT_ROOT/tests/os/guest/secureboot.sh"; then
	tap_not_ok os-sb-configure "the guest script did not run to its end: $(tr -d '\r' <"$log" | grep -a 'PVHBOOT-SB: ' | tr '\n' ';')" "$log"
	exit 1
fi
uki=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-SB: uki=//p' | tail -n1)
type1=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-SB: type1=//p' | tail -n1)
# (The guest runs the script with sh -x: its echo commands are on the console too.)
signed=$(tr -d '\r' <"$log" | grep -a 'PVHBOOT-SB: signed ' | grep -avc '+ echo')
problem=
for v in $KERNELS; do
	[[ " $uki " == *"-$v.efi "* ]] || problem="${problem}no UKI of $v; "
done
[ -z "${type1// /}" ] || problem="${problem}type 1 entries left: $type1; "
n=$(echo "$KERNELS" | wc -w)
[ "$signed" = $((n + 2)) ] || problem="${problem}$signed signed images, want $((n + 2)); "
if [ -z "$problem" ]; then
	tap_ok os-sb-configure "UKIs: $uki; sbverify accepts them and both pvhboot.efi copies"
else
	tap_not_ok os-sb-configure "$problem" "$log"
	status=1
fi

# (2) Secure Boot enforced: the firmware verifies pvhboot.efi, which has it
# verify the UKI; the kernel reaches systemd's login prompt.
log=$BOOT_LOG_DIR/os-secureboot.log
cp "$SB_VARS" "$T/sb.vars.fd"
os_boot os-secureboot 900 "$log" 'login:' -- -M q35,smm=on \
	-global driver=cfi.pflash01,property=secure,value=on \
	-drive if=pflash,format=raw,unit=0,readonly=on,file="$SB_CODE" \
	-drive if=pflash,format=raw,unit=1,file="$T/sb.vars.fd" \
	-drive if=virtio,format=raw,snapshot=on,file="$disk"
marker=$(tr -d '\r' <"$log" | grep -a -m1 '^PVHBOOT-TEST: ')
if [ "$OS_RC" != 0 ]; then
	tap_not_ok os-secureboot "no login prompt: $(boot_rc_meaning "$OS_RC")" "$log"
	status=1
elif ! grep -aq 'pvhboot: Secure Boot on (SecureBoot=1 SetupMode=0)' "$log"; then
	tap_not_ok os-secureboot "pvhboot did not see Secure Boot enforced" "$log"
	status=1
elif ! grep -a "pvhboot: booting entry '" "$log" | grep -aqF -- "-$newest.efi' ("; then
	tap_not_ok os-secureboot "not the UKI of $newest" "$log"
	status=1
elif [[ $marker != *"root=rw "*"kernel=$newest "*"lockdown=integrity"* ]]; then
	tap_not_ok os-secureboot "want root rw, kernel $newest, lockdown=integrity: ${marker:-no PVHBOOT-TEST line}" "$log"
	status=1
else
	tap_ok os-secureboot "Secure Boot on, signed UKI of $newest to the login prompt in $(printf '%.0f' "$OS_SECONDS") s, root rw, lockdown=integrity"
fi
rm -f "$disk"
exit $status
