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
#  - pvhboot-test-run.service: runs only when the ESP holds
#    /pvhboot-run.sh (a test puts it there with mtools, e.g.
#    tests/os/firstboot.sh, which installs GRUB): runs it once as root with
#    its output on the console, then powers off.
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

cat >"$root/etc/systemd/system/pvhboot-test-run.service" <<'EOF'
[Unit]
Description=pvhboot test: run the script the host put on the ESP, then power off
RequiresMountsFor=/boot/efi
ConditionPathExists=/boot/efi/pvhboot-run.sh
After=local-fs.target pvhboot-test-marker.service
[Service]
Type=oneshot
StandardOutput=journal+console
StandardError=journal+console
ExecStart=/bin/sh -c 'mv /boot/efi/pvhboot-run.sh /run/pvhboot-run.sh && sync && sh -x /run/pvhboot-run.sh; echo "PVHBOOT-RUN: exit $?"; sync; systemctl poweroff'
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/pvhboot-test-run.service \
	"$root/etc/systemd/system/multi-user.target.wants/pvhboot-test-run.service"
