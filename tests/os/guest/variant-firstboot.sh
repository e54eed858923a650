#!/bin/sh
# variant-firstboot.sh - run inside the booted image of
# scripts/mkdebian-variant.sh (pvhboot-test-run.service; put on the ESP by
# tests/os/variant.sh): GRUB for EFI on the ESP mounted at /efi, GRUB for
# BIOS embedded in the MBR disk's gap before the first partition, then
# update-grub, as an administrator would on the running system (see
# firstboot.sh for why no firmware boot entry is written).
disk=/dev/vda
fail=0
say() { echo "PVHBOOT-FIRSTBOOT: $*" >/dev/console; }
grub-install --target=x86_64-efi --efi-directory=/efi --bootloader-id=debian --no-nvram || fail=1
grub-install --target=i386-pc "$disk" || fail=1
update-grub || fail=1
ls -l /efi/EFI/debian/grubx64.efi || fail=1
grep -E "^(menuentry|set default)|module2" /boot/grub/grub.cfg | sed 's/^/PVHBOOT-GRUBCFG: /'
if [ $fail = 0 ]; then say "done"; else say "failed"; fi
