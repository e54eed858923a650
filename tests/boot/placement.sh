#!/bin/bash
# placement.sh - where kernels go when their linked address is not free or
# is where pvhboot itself runs (src/pvh/plan.h):
#   guest1m-*        the conformance guest linked at 1 MiB (build/
#                    pvh-testguest-1m.elf), over pvhboot.elf's own image, with
#                    two modules: QEMU multiboot1 (modules right after the
#                    loader), GRUB 2 multiboot2 and multiboot1, the PVH chain
#   linux612-*       Debian's 6.12 kernel (cache/kernel-6.12/vmlinux, which
#                    carries XEN_ELFNOTE_PHYS32_RELOC) to userspace: forced to
#                    another base with reloc= (QEMU multiboot1, and
#                    pvhboot.reloc= in the PVH chain), and moved by
#                    pvhboot's own choice when GRUB's `cutmem` takes its linked
#                    range out of the memory map (multiboot2)
#   refuse-*         reloc= that breaks the note, and on a kernel without one
# Called by run.sh (make boot-tests / check).
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot.elf build/pvhboot-pvh.elf \
	build/pvh-testguest-1m.elf build/pvh-bundle >&2 || {
	tap_not_ok placement "build failed" "$BOOT_LOG_DIR"
	exit 1
}
boot_make_test_modules
GUEST1M=$BOOT_BUILD/pvh-testguest-1m.elf
guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello"
T=$BOOT_TMP/placement
mkdir -p "$T"
status=0

# 1. QEMU multiboot1: the guest file and both modules sit right after the loader,
# inside and next to the guest's own destination.
name=guest1m-mb1-qemu
log=$BOOT_LOG_DIR/$name.log
qemu_run "$name" 90 "$log" -- -M pc -kernel "$BOOT_BUILD/pvhboot.elf" -append "exit-on-error" \
	-initrd "$GUEST1M $guest_args,$BOOT_MOD1 crc32=$BOOT_MOD1_CRC,$BOOT_MOD2 crc32=$BOOT_MOD2_CRC"
boot_expect_pass "$name" "$log" || status=1

# 2./3. GRUB 2 multiboot2 and multiboot1.
for proto in multiboot2 multiboot; do
	mod=module2
	[ "$proto" = multiboot ] && mod=module
	name=guest1m-grub-$proto
	cat >"$T/$name.cfg" <<EOC
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "guest at 1 MiB ($proto)" {
	$proto /pvhboot.elf exit-on-error
	$mod /guest.elf $guest_args
	$mod /mod1.bin crc32=$BOOT_MOD1_CRC
	$mod /mod2.bin crc32=$BOOT_MOD2_CRC
}
EOC
	iso=$T/$name.iso
	log=$BOOT_LOG_DIR/$name.log
	if "$BOOT_ROOT/scripts/mkgrub-iso.sh" "$iso" "$T/$name.cfg" "$BOOT_BUILD/pvhboot.elf=pvhboot.elf" \
		"$GUEST1M=guest.elf" "$BOOT_MOD1=mod1.bin" "$BOOT_MOD2=mod2.bin" 2>"$log.mkrescue"; then
		qemu_run "$name" 120 "$log" -- -M pc -cdrom "$iso" -boot d
		boot_expect_pass "$name" "$log" || status=1
	else
		tap_not_ok "$name" "grub-mkrescue failed" "$log.mkrescue"
		status=1
	fi
	rm -f "$iso"
done

# 4. The PVH chain: pvhboot-pvh.elf at 1 MiB, the bundle where QEMU put it.
name=guest1m-pvh-chain
log=$BOOT_LOG_DIR/$name.log
bundle=$T/guest1m.bundle
if "$BOOT_BUILD/pvh-bundle" -o "$bundle" --cmdline "$guest_args" "$GUEST1M" \
	"$BOOT_MOD1=crc32=$BOOT_MOD1_CRC" "$BOOT_MOD2=crc32=$BOOT_MOD2_CRC" >"$log.bundle" 2>&1; then
	qemu_run "$name" 90 "$log" -- -M pc -kernel "$BOOT_BUILD/pvhboot-pvh.elf" -initrd "$bundle" \
		-append "pvhboot.exit-on-error"
	boot_expect_pass "$name" "$log" || status=1
else
	tap_not_ok "$name" "pvh-bundle failed" "$log.bundle"
	status=1
fi

# 5. Debian's 6.12 kernel, relocated, to the initramfs's userspace marker.
K612=$BOOT_ROOT/cache/kernel-6.12/vmlinux
K61=$BOOT_ROOT/cache/kernel/vmlinux
LNAMES="linux612-mb1-reloc linux612-pvh-reloc linux612-grub-cutmem refuse-misaligned refuse-no-note"
skip_linux() {
	local n
	for n in $LNAMES; do
		tap_not_ok "$n" "$1" "$2"
	done
	exit 1
}
fetch_log=$BOOT_LOG_DIR/placement-fetch.log
if ! { "$BOOT_ROOT/scripts/fetch-kernel-variant.sh" 6.12 && "$BOOT_ROOT/scripts/fetch-kernel.sh"; } \
	>"$fetch_log" 2>&1 || ! [ -s "$K612" ] || ! [ -s "$K61" ]; then
	skip_linux "Debian's kernels cannot be fetched" "$fetch_log"
fi
INITRAMFS=$T/initramfs.img
"$BOOT_ROOT/scripts/mkinitramfs.sh" "$INITRAMFS" >"$T/initramfs.log" 2>&1 ||
	skip_linux "the initramfs cannot be built" "$T/initramfs.log"
QEMU_MEM=512 # read by qemu_run (lib.sh)
export QEMU_MEM
BASE_ARGS="console=ttyS0 panic=-1"

# linux_reached NAME LOG WANT: ok if the marker came with exit 33 and the
# loader's report has the line WANT (a fixed string).
linux_reached() {
	local name=$1 log=$2 want=$3
	if grep -aq 'Kernel panic' "$log"; then
		tap_not_ok "$name" "kernel panic" "$log"
	elif ! tr -d '\r' <"$log" | grep -aq '^PVHBOOT-USERSPACE: '; then
		tap_not_ok "$name" "no PVHBOOT-USERSPACE marker; $(boot_rc_meaning "$QEMU_RC")" "$log"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		tap_not_ok "$name" "marker seen but $(boot_rc_meaning "$QEMU_RC")" "$log"
	elif ! tr -d '\r' <"$log" | grep -aqF -- "$want"; then
		tap_not_ok "$name" "no '$want' in the loader's report" "$log"
	else
		tap_ok "$name" "$(tr -d '\r' <"$log" | grep -aF -m1 -- "relocated by" | sed 's/^pvhboot: *//')"
		return 0
	fi
	return 1
}

# 5a. Forced: reloc=0x8000000 puts the image span (linked at 16 MiB) at 128 MiB.
name=linux612-mb1-reloc
log=$BOOT_LOG_DIR/$name.log
qemu_run "$name" 300 "$log" -- -M pc -kernel "$BOOT_BUILD/pvhboot.elf" \
	-append "exit-on-error reloc=0x8000000" \
	-initrd "$K612 $BASE_ARGS pvh-path=mb1-reloc,$INITRAMFS"
linux_reached "$name" "$log" "relocated by +0x7000000 (linked 0x1000000, loaded 0x8000000)" || status=1

# 5b. The PVH chain's word for it: pvhboot.reloc= on the VMM's command line.
name=linux612-pvh-reloc
log=$BOOT_LOG_DIR/$name.log
bundle=$T/linux612.bundle
if "$BOOT_BUILD/pvh-bundle" -o "$bundle" --cmdline "$BASE_ARGS pvh-path=pvh-reloc" "$K612" \
	"$INITRAMFS" >"$log.bundle" 2>&1; then
	qemu_run "$name" 300 "$log" -- -M pc -kernel "$BOOT_BUILD/pvhboot-pvh.elf" -initrd "$bundle" \
		-append "pvhboot.exit-on-error pvhboot.reloc=0x4000000"
	linux_reached "$name" "$log" "relocated by +0x3000000 (linked 0x1000000, loaded 0x4000000)" ||
		status=1
else
	tap_not_ok "$name" "pvh-bundle failed" "$log.bundle"
	status=1
fi
rm -f "$bundle"

# 5c. Chosen: GRUB's cutmem makes 16-64 MiB unusable in the map pvhboot gets;
# the kernel must go to the highest 2 MiB-aligned base that fits.
name=linux612-grub-cutmem
gzip -1 -c "$K612" >"$T/vmlinux.gz"
cat >"$T/$name.cfg" <<EOC
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
insmod mmap
cutmem 16M 64M
menuentry "Debian 6.12 with its linked range cut out (multiboot2)" {
	multiboot2 /pvhboot.elf exit-on-error
	insmod gzio
	module2 /vmlinux.gz $BASE_ARGS pvh-path=grub-cutmem
	module2 /initramfs.img
}
EOC
iso=$T/$name.iso
log=$BOOT_LOG_DIR/$name.log
if "$BOOT_ROOT/scripts/mkgrub-iso.sh" "$iso" "$T/$name.cfg" "$BOOT_BUILD/pvhboot.elf=pvhboot.elf" \
	"$T/vmlinux.gz=vmlinux.gz" "$INITRAMFS=initramfs.img" >"$log.mkiso" 2>&1; then
	qemu_run "$name" 300 "$log" -- -M pc -cdrom "$iso" -boot d
	linux_reached "$name" "$log" "(linked 0x1000000, loaded 0x" || status=1
else
	tap_not_ok "$name" "mkgrub-iso.sh failed" "$log.mkiso"
	status=1
fi
rm -f "$iso" "$T/vmlinux.gz"

# 6. Refusals, each naming why (exit-on-error: QEMU exits with the loader's status).
refuse() {
	local name=$1 kernel=$2 opt=$3 want=$4 log=$BOOT_LOG_DIR/$1.log
	qemu_run "$name" 120 "$log" -- -M pc -kernel "$BOOT_BUILD/pvhboot.elf" \
		-append "exit-on-error $opt" -initrd "$kernel $BASE_ARGS"
	if tr -d '\r' <"$log" | grep -aqF -- "$want"; then
		tap_ok "$name" "$want"
	else
		tap_not_ok "$name" "no '$want' in the loader's report" "$log"
		status=1
	fi
}
refuse refuse-misaligned "$K612" reloc=0x1100000 \
	"plan: reloc=0x1100000 is not a multiple of PHYS32_RELOC align 0x200000"
refuse refuse-no-note "$K61" reloc=0x8000000 \
	"plan: the kernel has no PHYS32_RELOC note: it loads only at its linked range"
exit $status
