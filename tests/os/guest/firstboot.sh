#!/bin/sh
# firstboot.sh - run inside the booted test image (pvhboot-test-run.service;
# put on the ESP by tests/os/lib.sh os_grub_image): install GRUB for EFI
# (\EFI\debian\grubx64.efi) and for BIOS (grub-pc's core.img in the BIOS
# boot partition), run update-grub, as an administrator would on the
# running system (grub-install cannot probe a chroot built on a directory).
# Linux started through its PVH entry gets no EFI runtime services (the
# start info carries no EFI system table): no efivars, so no firmware boot
# entry can be written from here (--no-nvram); the host makes GRUB the
# removable-path loader of a copy of the disk instead. Boot entries are
# written from a boot through Debian's EFI stub: see boot-entry.sh.
disk=/dev/vda
fail=0
say() { echo "PVHBOOT-FIRSTBOOT: $*" >/dev/console; }
[ -d /sys/firmware/efi/efivars ] || say "no EFI runtime services (efivars): GRUB installed without a boot entry"
grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian --no-nvram || fail=1
grub-install --target=i386-pc "$disk" || fail=1
update-grub || fail=1
ls -l /boot/efi/EFI/debian/grubx64.efi || fail=1
grep -E "^(menuentry|set default)" /boot/grub/grub.cfg | sed 's/^/PVHBOOT-GRUBCFG: /'
if [ $fail = 0 ]; then say "done"; else say "failed"; fi
