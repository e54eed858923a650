#!/bin/sh
# secureboot.sh - run inside the booted test image (see firstboot.sh; put on
# the ESP by tests/os/secureboot.sh, with a signing key and its certificate
# in /boot/efi/pvhboot-sb/): sets up signed unified kernel images as an
# administrator would (PVHBOOT_LAYOUT=uki in /etc/default/pvhboot, the key
# in /etc/pvhboot/uki.conf), runs pvhboot-install update, and lists what it
# wrote on the ESP and whether sbverify accepts each image.
fail=0
say() { echo "PVHBOOT-SB: $*"; }
install -d -m 700 /etc/pvhboot/keys
install -m 600 /boot/efi/pvhboot-sb/db.key /etc/pvhboot/keys/db.key || fail=1
install -m 644 /boot/efi/pvhboot-sb/db.crt /etc/pvhboot/keys/db.crt || fail=1
rm -rf /boot/efi/pvhboot-sb
sed -i 's/^PVHBOOT_LAYOUT=.*/PVHBOOT_LAYOUT=uki/' /etc/default/pvhboot
grep -qx 'PVHBOOT_LAYOUT=uki' /etc/default/pvhboot || fail=1
printf '[UKI]\nSecureBootPrivateKey=/etc/pvhboot/keys/db.key\nSecureBootCertificate=/etc/pvhboot/keys/db.crt\n' \
	>/etc/pvhboot/uki.conf
pvhboot-install update || fail=1
say "uki=$(ls /boot/efi/EFI/Linux 2>/dev/null | tr '\n' ' ')"
say "type1=$(ls /boot/efi/loader/entries 2>/dev/null | tr '\n' ' ')"
for f in /boot/efi/EFI/Linux/*.efi /boot/efi/EFI/BOOT/BOOTX64.EFI /boot/efi/EFI/pvhboot/pvhboot.efi; do
	if sbverify --cert /etc/pvhboot/keys/db.crt "$f" >/dev/null 2>&1; then
		say "signed $f"
	else
		say "not signed $f"
		fail=1
	fi
done
sync
[ $fail = 0 ]
