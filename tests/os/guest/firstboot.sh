#!/bin/sh
# firstboot.sh - run inside the booted test image (pvhboot-test-run.service;
# put on the ESP by tests/os/lib.sh os_grub_image): install GRUB for EFI
# (\EFI\debian\grubx64.efi and its firmware boot entry) and for BIOS
# (grub-pc's core.img in the BIOS boot partition), run update-grub, install
# pvhboot.efi with its firmware boot entry, as an administrator would on
# the running system (grub-install cannot probe a chroot built on a
# directory). Boot order: pvhboot, GRUB; BootNext: GRUB, once.
disk=/dev/vda
fail=0
say() { echo "PVHBOOT-FIRSTBOOT: $*" >/dev/console; }
grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian || fail=1
grub-install --target=i386-pc "$disk" || fail=1
update-grub || fail=1
if command -v pvhboot-install >/dev/null; then
	pvhboot-install install || fail=1
elif ! efibootmgr | grep -q ' pvhboot$'; then
	efibootmgr -q -c -d "$disk" -p 2 -L pvhboot -l '\EFI\pvhboot\pvhboot.efi' || fail=1
fi
pvh=$(efibootmgr | sed -n 's/^Boot\([0-9A-F]\{4\}\)\* pvhboot.*/\1/p' | head -n1)
grub=$(efibootmgr | sed -n 's/^Boot\([0-9A-F]\{4\}\)\* debian.*/\1/p' | head -n1)
rest=$(efibootmgr | sed -n 's/^BootOrder: //p' | tr ',' '\n' | grep -v -e "^$pvh\$" -e "^$grub\$" | paste -sd, -)
if [ -n "$pvh" ] && [ -n "$grub" ]; then
	efibootmgr -q -o "$pvh,$grub${rest:+,$rest}" && efibootmgr -q -n "$grub" || fail=1
else
	fail=1
fi
efibootmgr -v
grep -E "^(menuentry|set default)" /boot/grub/grub.cfg | sed 's/^/PVHBOOT-GRUBCFG: /'
if [ $fail = 0 ]; then say "done pvhboot=$pvh grub=$grub"; else say "failed"; fi
