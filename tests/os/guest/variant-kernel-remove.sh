#!/bin/sh
# variant-kernel-remove.sh - run inside the booted image of
# scripts/mkdebian-variant.sh (see kernel-remove.sh): remove the newest
# kernel with apt, as unattended tools do (after pvhboot-install install is
# run again on the running system), and list what the hooks left on
# the ESP (mounted at /efi), in /boot/pvhboot and in grub.cfg.
v=$(cd /boot && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n1)
# First pvhboot-install install again, on the running system (not a
# chroot): it must find the ESP mounted at /efi itself and change nothing.
pvhboot-install --no-variables --removable install >/run/reinstall.log 2>&1
echo "PVHBOOT-KERNELS: reinstall=$? $(pvhboot-install status | sed -n 's/^ESP: */esp-found=/p')"
sed 's/^/PVHBOOT-REINSTALL: /' /run/reinstall.log
echo "PVHBOOT-KERNELS: removing $v"
DEBIAN_FRONTEND=noninteractive apt-get remove -y --purge "linux-image-$v" ||
	echo "PVHBOOT-KERNELS: apt-get remove failed"
echo "PVHBOOT-KERNELS: esp=$(ls /efi/loader/entries | tr '\n' ' ')"
echo "PVHBOOT-KERNELS: esp-dirs=$(ls /efi/"$(cat /etc/kernel/entry-token)" | tr '\n' ' ')"
echo "PVHBOOT-KERNELS: grub-removed=$(grep -c "^menuentry.*Linux $v" /boot/grub/grub.cfg) grub-pvhboot=$(grep -c '^menuentry.*pvhboot' /boot/grub/grub.cfg)"
echo "PVHBOOT-KERNELS: elf=$(ls /boot/pvhboot | tr '\n' ' ')"
