#!/bin/sh
# mkinitramfs.sh OUT - a tiny initramfs (newc cpio, uncompressed: nothing to
# decompress at boot) with Debian's busybox-static. Its /init prints one
# marker line with what the kernel saw, then leaves QEMU:
#   PVHBOOT-USERSPACE: memtotal_kb=N acpi_tables=N initramfs=ok cmdline=[...]
# preceded, when the kernel sees a TPM, by its SHA-256 PCRs 9, 11 and 12:
#   PVHBOOT-PCR: 9=HEX 11=HEX 12=HEX
# It exits through isa-debug-exit (0x10 to port 0xf4 via /dev/port, QEMU
# status 33) when that device exists, else powers off.
set -eu
out=$1
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkinitramfs: $bb missing: apt-get install busybox-static" >&2; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev" "$dir/etc"
cp "$bb" "$dir/bin/busybox"
echo "pvhboot-initramfs" >"$dir/etc/pvh-marker"
cat >"$dir/init" <<'EOF2'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
acpi=$(ls /sys/firmware/acpi/tables 2>/dev/null | wc -l)
unpacked=missing
[ "$(cat /etc/pvh-marker 2>/dev/null)" = pvhboot-initramfs ] && unpacked=ok
pcrs=/sys/class/tpm/tpm0/pcr-sha256
[ -r $pcrs/11 ] && echo "PVHBOOT-PCR: 9=$(cat $pcrs/9) 11=$(cat $pcrs/11) 12=$(cat $pcrs/12)"
echo "PVHBOOT-USERSPACE: memtotal_kb=$mem acpi_tables=$acpi initramfs=$unpacked cmdline=[$(cat /proc/cmdline)]"
# isa-debug-exit: QEMU exits with (0x10 << 1) | 1 = 33.
printf '\020' | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
poweroff -f
EOF2
chmod 755 "$dir/init"
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out"
