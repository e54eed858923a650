#!/bin/sh
# debian-image-setup.sh ROOT - the test system's own settings, run by
# scripts/mkdebian-image.sh as an mmdebstrap customize hook (on the host,
# ROOT = the directory being built). What an administrator would set:
#  - hostname, a machine id (no systemd-firstboot prompt on the console),
#    root with no password (the serial console logs in with no prompt);
#  - GRUB on the serial line with no timeout, the kernel not quiet (the
#    tests and the bench look for "Linux version");
#  - pvhboot-test-marker.service: prints on the console whether systemd
#    mounted the root read-write, and which kernel runs;
#  - pvhboot-test-firstboot.service: runs only when the ESP holds
#    /pvhboot-firstboot (the test puts it there with mtools): installs GRUB
#    for EFI (\EFI\debian\grubx64.efi, a firmware boot entry) and for BIOS
#    (grub-pc's core.img in the BIOS boot partition), runs update-grub,
#    registers pvhboot.efi's firmware boot entry, sets the boot order
#    (pvhboot first) and BootNext (GRUB once), then powers off.
set -eu
root=$1

echo pvhboot-test >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 pvhboot-test\n' >"$root/etc/hosts"
od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"
echo >>"$root/etc/machine-id"
chroot "$root" passwd -d root >/dev/null

cat >"$root/etc/default/grub" <<'EOF'
# The test system's GRUB: serial console, no menu wait, kernel messages shown.
GRUB_DEFAULT=0
GRUB_TIMEOUT=0
GRUB_DISTRIBUTOR=Debian
GRUB_CMDLINE_LINUX_DEFAULT=""
GRUB_CMDLINE_LINUX="console=ttyS0"
GRUB_TERMINAL=serial
GRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"
GRUB_DISABLE_OS_PROBER=true
EOF
if [ -f "$root/etc/default/pvhboot" ]; then
	# The package's switch: its entries first, the default.
	sed -i 's/^#*\s*GRUB_DEFAULT_PVHBOOT=.*/GRUB_DEFAULT_PVHBOOT=true/' "$root/etc/default/pvhboot" || true
fi

cat >"$root/etc/systemd/system/pvhboot-test-marker.service" <<'EOF'
[Unit]
Description=pvhboot test: report how the root is mounted
After=local-fs.target
Before=getty.target serial-getty@ttyS0.service
[Service]
Type=oneshot
StandardOutput=tty
TTYPath=/dev/console
ExecStart=/bin/sh -c 'echo "PVHBOOT-TEST: root=$(findmnt -no OPTIONS / | cut -d, -f1) efi=$(findmnt -no FSTYPE /boot/efi) kernel=$(uname -r) cmdline=$(cat /proc/cmdline)"'
[Install]
WantedBy=multi-user.target
EOF
mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
ln -sf /etc/systemd/system/pvhboot-test-marker.service \
	"$root/etc/systemd/system/multi-user.target.wants/pvhboot-test-marker.service"

mkdir -p "$root/usr/local/sbin"
cat >"$root/usr/local/sbin/pvhboot-test-firstboot" <<'EOF'
#!/bin/sh
# Install GRUB (EFI and BIOS) and the firmware boot entries, as an
# administrator would on the running system; then power off.
set -x
say() { echo "PVHBOOT-FIRSTBOOT: $*" >/dev/console; }
disk=/dev/vda
fail=0
grub-install --target=x86_64-efi --efi-directory=/boot/efi --bootloader-id=debian || fail=1
grub-install --target=i386-pc "$disk" || fail=1
update-grub || fail=1
if command -v pvhboot-install >/dev/null; then
	pvhboot-install || fail=1
elif ! efibootmgr | grep -q ' pvhboot$'; then
	efibootmgr -q -c -d "$disk" -p 2 -L pvhboot -l '\EFI\pvhboot\pvhboot.efi' || fail=1
fi
pvh=$(efibootmgr | sed -n 's/^Boot\([0-9A-F]\{4\}\)\* pvhboot.*/\1/p' | head -n1)
grub=$(efibootmgr | sed -n 's/^Boot\([0-9A-F]\{4\}\)\* debian.*/\1/p' | head -n1)
rest=$(efibootmgr | sed -n 's/^BootOrder: //p' | tr ',' '\n' | grep -v -e "^$pvh\$" -e "^$grub\$" | paste -sd,)
if [ -n "$pvh" ] && [ -n "$grub" ]; then
	efibootmgr -q -o "$pvh,$grub${rest:+,$rest}" && efibootmgr -q -n "$grub" || fail=1
else
	fail=1
fi
efibootmgr -v >/dev/console
rm -f /boot/efi/pvhboot-firstboot
sync
if [ $fail = 0 ]; then say "done pvhboot=$pvh grub=$grub"; else say "failed"; fi
systemctl poweroff
EOF
chmod 755 "$root/usr/local/sbin/pvhboot-test-firstboot"
cat >"$root/etc/systemd/system/pvhboot-test-firstboot.service" <<'EOF'
[Unit]
Description=pvhboot test: install GRUB and the firmware boot entries once
RequiresMountsFor=/boot/efi
ConditionPathExists=/boot/efi/pvhboot-firstboot
After=local-fs.target pvhboot-test-marker.service
[Service]
Type=oneshot
StandardOutput=journal+console
StandardError=journal+console
ExecStart=/usr/local/sbin/pvhboot-test-firstboot
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/pvhboot-test-firstboot.service \
	"$root/etc/systemd/system/multi-user.target.wants/pvhboot-test-firstboot.service"
