#!/bin/sh
# kernel-remove.sh - run inside the booted test image (see firstboot.sh):
# remove the newest kernel with apt, as a user would, and list what the
# hooks left on the ESP and in grub.cfg (update-grub runs from Debian's
# zz-update-grub hook now that GRUB is installed).
v=$(cd /boot && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n1)
echo "PVHBOOT-KERNELS: removing $v"
# It is the running kernel (the newest boots by default): linux-base's
# prerm check asks before removing that, and aborts with no terminal to
# ask on, unless apt runs noninteractive, as unattended tools run it.
DEBIAN_FRONTEND=noninteractive apt-get remove -y --purge "linux-image-$v" ||
	echo "PVHBOOT-KERNELS: apt-get remove failed"
echo "PVHBOOT-KERNELS: esp=$(ls /boot/efi/loader/entries | tr '\n' ' ')"
echo "PVHBOOT-KERNELS: grub-removed=$(grep -c "^menuentry.*Linux $v" /boot/grub/grub.cfg) grub-pvhboot=$(grep -c '^menuentry.*pvhboot' /boot/grub/grub.cfg)"
echo "PVHBOOT-KERNELS: elf=$(ls /boot/pvhboot | tr '\n' ' ')"
