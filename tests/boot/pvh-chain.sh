#!/bin/bash
# pvh-chain.sh - pvhboot started by QEMU's own PVH boot (-kernel
# build/pvhboot-pvh.elf), chain-loading the conformance guest:
#  - from a bundle made by pvh-bundle (kernel, command line, two modules),
#    on -M pc and -M microvm;
#  - from a bundle written by the system's `cpio -o -H newc`;
#  - from a plain kernel ELF as the module, with the VMM's command line.
# QEMU's own PVH boot leaves TR empty and microvm's start info breaks the
# ABI (see qemu-pvh-peer.sh); through pvhboot the guest must pass all checks.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot-pvh.elf build/pvh-testguest.elf \
	build/pvh-bundle >&2 || {
	tap_not_ok pvh-chain "build failed" "$BOOT_LOG_DIR"
	exit 1
}
boot_make_test_modules
LOADER=$BOOT_BUILD/pvhboot-pvh.elf
guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.idt=null"
status=0

bundle=$BOOT_TMP/guest.bundle
"$BOOT_BUILD/pvh-bundle" -o "$bundle" --cmdline "$guest_args" "$BOOT_GUEST" \
	"$BOOT_MOD1=crc32=$BOOT_MOD1_CRC" "$BOOT_MOD2=crc32=$BOOT_MOD2_CRC" || {
	tap_not_ok pvh-bundle "pvh-bundle failed" "$BOOT_TMP"
	exit 1
}

for machine in pc microvm; do
	name=pvh-bundle-$machine
	log=$BOOT_LOG_DIR/$name.log
	qemu_run "$name" 60 "$log" -- -M $machine -kernel "$LOADER" -initrd "$bundle" \
		-append "pvhboot.exit-on-error"
	boot_expect_pass "$name" "$log" || status=1
done

# Modules that pvh-bundle page-aligned stay where QEMU put them: no copy.
log=$BOOT_LOG_DIR/pvh-bundle-pc.log
if grep -q '(moved)' "$log"; then
	tap_not_ok pvh-bundle-no-copy "a page-aligned bundle module was moved" "$log"
	status=1
else
	tap_ok pvh-bundle-no-copy "bundle modules used in place"
fi

# A bundle from standard tools: cpio's own order is the module order.
dir=$BOOT_TMP/cpio-bundle
rm -rf "$dir" && mkdir -p "$dir"
cp "$BOOT_GUEST" "$dir/kernel"
echo "$guest_args" >"$dir/cmdline"
cp "$BOOT_MOD1" "$dir/first"
echo "crc32=$BOOT_MOD1_CRC" >"$dir/first.cmdline"
cp "$BOOT_MOD2" "$dir/second"
echo "crc32=$BOOT_MOD2_CRC" >"$dir/second.cmdline"
(cd "$dir" && printf '%s\n' kernel cmdline first first.cmdline second second.cmdline |
	cpio -o -H newc --quiet) >"$BOOT_TMP/cpio.bundle"
log=$BOOT_LOG_DIR/pvh-cpio-bundle.log
qemu_run pvh-cpio-bundle 60 "$log" -- -M pc -kernel "$LOADER" -initrd "$BOOT_TMP/cpio.bundle" \
	-append "pvhboot.exit-on-error"
boot_expect_pass pvh-cpio-bundle "$log" || status=1

# A plain kernel ELF as the module: the VMM's command line (less pvhboot.*) is the kernel's.
log=$BOOT_LOG_DIR/pvh-plain-elf.log
qemu_run pvh-plain-elf 60 "$log" -- -M pc -kernel "$LOADER" -initrd "$BOOT_GUEST" \
	-append "pvhboot.exit-on-error expect.mods=0 expect.cmdline=1 pvh-test-arg=hello expect.idt=null"
boot_expect_pass pvh-plain-elf "$log" || status=1
if grep -q "cmdline 'expect.mods=0 expect.cmdline=1 pvh-test-arg=hello expect.idt=null'" "$log"; then
	tap_ok pvh-plain-elf-options-stripped
else
	tap_not_ok pvh-plain-elf-options-stripped "pvhboot.* words reached the kernel" "$log"
	status=1
fi
exit $status
