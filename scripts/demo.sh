#!/bin/bash
# demo.sh - the first boot a user sees: GRUB 2 (BIOS, from a grub-mkrescue
# ISO) starts build/pvhboot.elf through multiboot2, which chain-loads the
# conformance guest with two modules and a command line. The whole serial
# console is shown; the guest's verdict is printed at the end.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
work=$b/demo
mkdir -p "$work"

echo "demo: making two modules and a GRUB ISO (grub-mkrescue)..."
head -c 65536 /dev/urandom >"$work/initrd-a.img"
head -c 5000 /dev/urandom >"$work/initrd-b.img"
crc_a=$("$top/scripts/crc32.sh" "$work/initrd-a.img")
crc_b=$("$top/scripts/crc32.sh" "$work/initrd-b.img")
cat >"$work/grub.cfg" <<EOF2
set timeout=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "PVH conformance guest through pvhboot (multiboot2)" {
	multiboot2 /pvhboot.elf
	module2 /pvh-testguest.elf expect.mods=2 expect.cmdline=1 pvh-test-arg=hello
	module2 /initrd-a.img crc32=$crc_a
	module2 /initrd-b.img crc32=$crc_b
}
EOF2
"$top/scripts/mkgrub-iso.sh" "$work/demo.iso" "$work/grub.cfg" "$b/pvhboot.elf" \
	"$b/pvh-testguest.elf" "$work/initrd-a.img" "$work/initrd-b.img"

echo "demo: booting QEMU (TCG): GRUB -> pvhboot -> conformance guest"
echo "----------------------------------------------------------------------"
set +e
timeout -k 1 --foreground 120 qemu-system-x86_64 -nodefaults -display none -serial stdio \
	-no-reboot -net none -m 256 -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	-cdrom "$work/demo.iso" -boot d </dev/null | tee "$work/serial.log" | tr -d '\r' |
	grep -av $'^\e'
rc=${PIPESTATUS[0]}
set -e
echo "----------------------------------------------------------------------"
verdict=$(grep -a 'PVH-CONFORMANCE:' "$work/serial.log" | tail -n1 | tr -d '\r')
echo "demo: QEMU exit status $rc (33 = the guest passed, 35 = it failed)"
echo "demo: ${verdict:-no verdict: see $work/serial.log}"
[ "$verdict" = "PVH-CONFORMANCE: ok" ]
