#!/bin/bash
# multiboot.sh - the conformance guest started by pvhboot.elf through
# multiboot: QEMU's own multiboot1 loader (-kernel pvhboot.elf -initrd
# "guest ARGS,mod ARGS,..."), and a real GRUB 2 (BIOS ISO from grub-mkrescue)
# with `multiboot2`/`module2` and with `multiboot`/`module`. Two modules and a
# command line each time; the guest checks every byte (CRC-32 per module).
#
# Overlap: QEMU puts modules right after the loader (~1.1 MiB) in order, so
# a 1.5 MiB first module covers the guest's destination at 2 MiB: pvhboot
# must move it before copying the guest's segments there.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.elf build/pvh-testguest.elf >&2 || {
	tap_not_ok multiboot "build failed" "$BOOT_LOG_DIR"
	exit 1
}
boot_make_test_modules
BIG=$BOOT_TMP/big.bin
boot_make_module "$BIG" $((1536 * 1024))
BIG_CRC=$(boot_crc32 "$BIG")
LOADER=$BOOT_BUILD/pvhboot.elf
guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.idt=null"
status=0

# 1. QEMU multiboot1: module strings carry the file name first.
log=$BOOT_LOG_DIR/mb1-qemu.log
qemu_run mb1-qemu 60 "$log" -- -M pc -kernel "$LOADER" -append "exit-on-error" \
	-initrd "$BOOT_GUEST $guest_args,$BOOT_MOD1 crc32=$BOOT_MOD1_CRC,$BOOT_MOD2 crc32=$BOOT_MOD2_CRC"
boot_expect_pass mb1-qemu "$log" || status=1

# 2. The same with a module over the guest's destination (it must be moved).
log=$BOOT_LOG_DIR/mb1-qemu-overlap.log
qemu_run mb1-qemu-overlap 60 "$log" -- -M pc -kernel "$LOADER" -append "exit-on-error debug" \
	-initrd "$BOOT_GUEST $guest_args,$BIG crc32=$BIG_CRC,$BOOT_MOD2 crc32=$BOOT_MOD2_CRC"
if boot_expect_pass mb1-qemu-overlap "$log"; then
	# Prove the case happened: module 0 sat inside [0x200000, image end) and moved.
	if grep -q 'module 0 .*(moved)' "$log"; then
		tap_ok mb1-qemu-overlap-moved "module over the destination was moved"
	else
		tap_not_ok mb1-qemu-overlap-moved "no '(moved)' module in the loader's report" "$log"
		status=1
	fi
else
	status=1
fi

# 3./4. GRUB 2 from a BIOS ISO: multiboot2 and multiboot1 (module strings are arguments only).
for proto in multiboot2 multiboot; do
	mod=module2
	[ "$proto" = multiboot ] && mod=module
	cfg=$BOOT_TMP/grub-$proto.cfg
	cat >"$cfg" <<EOC
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "conformance guest ($proto)" {
	$proto /pvhboot.elf exit-on-error
	$mod /guest.elf $guest_args
	$mod /big.bin crc32=$BIG_CRC
	$mod /mod2.bin crc32=$BOOT_MOD2_CRC
}
EOC
	iso=$BOOT_TMP/grub-$proto.iso
	name=grub-$proto
	log=$BOOT_LOG_DIR/$name.log
	if ! "$BOOT_ROOT/scripts/mkgrub-iso.sh" "$iso" "$cfg" "$LOADER=pvhboot.elf" \
		"$BOOT_GUEST=guest.elf" "$BIG=big.bin" "$BOOT_MOD2=mod2.bin" 2>"$log.mkrescue"; then
		tap_not_ok "$name" "grub-mkrescue failed" "$log.mkrescue"
		status=1
		continue
	fi
	qemu_run "$name" 120 "$log" -- -M pc -cdrom "$iso" -boot d
	boot_expect_pass "$name" "$log" || status=1
done
exit $status
