#!/bin/bash
# xen.sh - pvhboot under Xen directly: Debian 12's Xen 4.17
# (scripts/fetch-xen.sh -> cache/xen/xen) booted by QEMU's multiboot loader,
# with pvhboot-pvh.elf as Xen's PVH dom0 kernel:
#   xen-pvhboot-guest  a pvh-bundle (conformance guest, command line, two
#                      modules) as dom0's module: the chain-loaded guest must
#                      pass every check; it must see start-info flags 0x3
#                      (SIF_PRIVILEGED|SIF_INITDOMAIN) and exactly the memory
#                      map Xen gave the domain (XENMEM_memory_map)
#   xen-peer           the conformance guest itself as dom0: RECORDS what Xen
#                      hands over (version 0, no memory map, no GDT/TSS)
#   xen-linux          Debian's vmlinux + the busybox initramfs in a bundle:
#                      Linux as Xen's dom0 reaches its userspace marker
#   xen-domu-pvhboot-guest
#                      an UNPRIVILEGED PVH guest: Debian's vmlinux as dom0
#                      with Debian's toolstack (scripts/mkdom0-initramfs.sh)
#                      runs `xl create` with type "pvh", kernel
#                      pvhboot-pvh.elf and the bundle as ramdisk; the
#                      chain-loaded guest must pass, see version 1 with
#                      flags 0x0 and the map Xen gave the domU. Its lines
#                      come as "(d1) ..." (stripped); dom0 reads the verdict
#                      from `xl dmesg` and leaves QEMU with 33 on "ok".
#   xen-domu-grub-pvh  a PVH kernel the project did not build, linked at
#                      1 MiB: GRUB 2's i386-xen_pvh image of Debian's
#                      grub-xen-bin (scripts/mkgrub-pvh.sh; PHYS32_ENTRY
#                      0x100000, not relocatable) as the bundle's kernel of
#                      an `xl create`d domU, so pvhboot (itself at 1 MiB)
#                      must put it over its own image. Proof that GRUB ran:
#                      the marker its memdisk config echoes on the domain's
#                      PV console (xenconsoled's log, printed by dom0), then
#                      the domain's poweroff by the config's `halt` (gone
#                      from `xl list` under on_poweroff "destroy"; a crash
#                      or reboot is preserved and fails). GRUB's xen_pvh
#                      platform needs Xen (console, memory map and shutdown
#                      are hypercalls): no multiboot or bare PVH path can
#                      run it, so this domU is its only test.
#   xen-domu-vbd-linux dom0's side of a domU's disk, without pvhboot: a
#                      random 16 MiB disk is QEMU's virtio-blk-pci disk of
#                      dom0, which gives it to the domU as xvda (phy
#                      backend, xen-blkback: mkdom0-initramfs.sh -d); the
#                      domU, Debian's Linux with a busybox initramfs and
#                      xen-blkfront, must read the file's MD5 from xvda
#   xen-domu-vbd-crc   the same disk read whole by pvhboot's Xen PV block
#                      frontend (pvhboot.disk-crc in firmware mode): its
#                      CRC-32 must be the file's; -halt: with no partition
#                      table on it, "no bootable disk", then the halt
#                      powers the domain off (Xen's reading of a halt with
#                      interrupts off), no hung domain
#   xen-domu-firmware  firmware mode in a domU: pvhboot-pvh.elf with NO
#                      ramdisk boots from the domain's xen vbd. A GPT disk
#                      with a FAT ESP (loader.conf, the entry guest-pvh:
#                      the conformance guest with two initrds, as
#                      tests/boot/firmware.sh's) is dom0's disk and the
#                      domU's xvda, as above. pvhboot must find it through
#                      its Xen PV block
#                      frontend, boot the entry from xvda1, close the
#                      frontend before the jump, and the guest must pass.
# Xen's console is QEMU's serial line. Dom0's port-0xe9 writes appear there
# as "(d0) ..." (stripped before judging); pvhboot itself prints through
# console_io, unprefixed. Dom0 can reach isa-debug-exit, so the exit codes
# work as in every other boot test. Called by run.sh (make boot-tests / check).
#
# Measured here (QEMU 7.2 TCG, 2 cores): Xen to dom0 entry ~2 s, each guest
# run 3-5 s, Linux to its marker ~11 s, dom0 + xl create + the domU's
# verdict ~12 s; GRUB's domU, pvhboot to GRUB's halt, 2.6 s of the
# domain's CPU time (xl list, loaded). With the machine's load at 9 on 2
# cores a domU case took 4 min, hence their timeout. QEMU's SVM reports an
# RDTSCP exit as RDTSC without a next-RIP, so Xen (which intercepts RDTSC
# here) cannot emulate Linux's RDTSCP and crashes dom0: the CPU model hides
# RDTSCP.
# With a second domain running, dom0's XSAVE state breaks under TCG ("Bad
# FPU state detected at restore_fpregs_from_fpstate", then every AVX
# instruction in dom0's userspace traps): the domU case hides XSAVE too.
set -u
# shellcheck source=tests/boot/lib.sh
. "$(dirname "$0")/lib.sh"

NAMES="xen-pvhboot-guest xen-pvhboot-guest-flags xen-pvhboot-guest-memmap xen-peer xen-linux xen-domu-pvhboot-guest
xen-domu-grub-pvh xen-domu-vbd-linux xen-domu-vbd-crc xen-domu-vbd-crc-halt xen-domu-firmware"
XEN=$BOOT_ROOT/cache/xen/xen
KERNEL=$BOOT_ROOT/cache/kernel/vmlinux
LOADER=$BOOT_BUILD/pvhboot-pvh.elf
T=$BOOT_TMP/xen
DOM0_MB=256
XEN_CMDLINE="console=com1 com1=115200 dom0=pvh dom0_mem=${DOM0_MB}M iommu=1 noreboot guest_loglvl=all"
# With a disk for dom0: the IOMMU's own tables (see xen_disk_run).
XEN_DISK_CMDLINE=${XEN_CMDLINE/ iommu=1 / iommu=1,no-sharept }
TIMEOUT=300
# Dom0's Linux and xl create: ~12 s unloaded, several minutes on a busy machine.
DOMU_TIMEOUT=450
mkdir -p "$T"
status=0

all_not_ok() {
	local n
	for n in $NAMES; do
		tap_not_ok "$n" "$1" "$2"
	done
	exit 1
}

make -C "$BOOT_ROOT" --no-print-directory -s build/pvhboot-pvh.elf build/pvh-testguest.elf \
	build/pvh-bundle >&2 || all_not_ok "build failed" "$BOOT_LOG_DIR"
fetch_log=$BOOT_LOG_DIR/xen-fetch.log
if ! "$BOOT_ROOT/scripts/fetch-xen.sh" >"$fetch_log" 2>&1 || ! [ -s "$XEN" ]; then
	all_not_ok "Xen cannot be fetched: $(tail -n1 "$fetch_log" | clip 120)" "$fetch_log"
fi

# xen_run NAME LOG DOM0_KERNEL_AND_ARGS MODULE [QEMU_ARGS...]: QEMU -> Xen
# -> dom0. QEMU's multiboot loader hands Xen the -initrd items: the first is
# dom0's kernel (its words after the file name are dom0's command line), the
# second its one module. QEMU_ARGS: more devices (a disk for dom0). Writes
# the raw console to LOG.xen and LOG with "(d0) " taken off, so lib.sh's
# judges read the guest's lines as usual. XEN_CPU, XEN_ARGS and
# XEN_TIMEOUT override QEMU's CPU model, Xen's command line and the timeout.
xen_run() {
	local name=$1 log=$2 dom0=$3 module=$4
	shift 4
	QEMU_MEM=1024 qemu_run "$name" "${XEN_TIMEOUT:-$TIMEOUT}" "$log.xen" -- -M q35 -device intel-iommu \
		-cpu "${XEN_CPU:-max,-rdtscp}" -kernel "$XEN" -append "${XEN_ARGS:-$XEN_CMDLINE}" -initrd "$dom0,$module" "$@"
	xen_domain_lines 0 <"$log.xen" >"$log"
	cp "$log.xen.stderr" "$log.stderr"
}

boot_make_test_modules

# 1. pvhboot chain-loads the conformance guest from a bundle.
name=xen-pvhboot-guest
log=$BOOT_LOG_DIR/$name.log
bundle=$T/guest.bundle
"$BOOT_BUILD/pvh-bundle" -o "$bundle" --cmdline "expect.mods=2 expect.cmdline=1" "$BOOT_GUEST" \
	"$BOOT_MOD1=crc32=$BOOT_MOD1_CRC" "$BOOT_MOD2=crc32=$BOOT_MOD2_CRC" >&2 ||
	all_not_ok "pvh-bundle failed" "$T"
# dom0's command line (Xen's) is appended to the bundle's: the guest's token comes from there.
xen_run "$name" "$log" "$LOADER pvhboot.exit-on-error pvhboot.debug pvh-test-arg=hello" "$bundle"
if boot_expect_pass "$name" "$log"; then
	if ! grep -aq '^start info at 0x[0-9a-f]*: magic 0x336ec578 version 1 flags 0x3 ' "$log"; then
		tap_not_ok "$name-flags" "the guest did not see version 1 with flags 0x3 (SIF_PRIVILEGED|SIF_INITDOMAIN)" "$log"
		status=1
	elif grep -aq "^pvhboot: kernel .*cmdline.*$(basename "$bundle")" "$log" ||
		grep -aq "^cmdline: .*$(basename "$bundle")" "$log"; then
		tap_not_ok "$name-flags" "the module's string (its file name) reached the kernel's command line" "$log"
		status=1
	else
		tap_ok "$name-flags" "version 1, flags 0x3, module string (its file name) ignored"
	fi
else
	tap_not_ok "$name-flags" "no pass to check" "$log"
	status=1
fi

# The map the guest got must be the one Xen gave the domain: pvhboot's debug
# dump of XENMEM_memory_map (Xen's map is sorted with no overlaps or
# mergeable neighbours, so normalising leaves it as it is) against the
# guest's own dump of the start info's map.
name=xen-pvhboot-guest-memmap
xen_map=$(sed -n '/^pvhboot: memory map from pvh (/,/^pvhboot: kernel /p' "$log" |
	sed -n 's/^pvhboot:   \(0x.*\)/\1/p')
guest_map=$(sed -n 's/^memmap: \(0x.*\)/\1/p' "$log")
if [ -z "$xen_map" ] || [ -z "$guest_map" ]; then
	tap_not_ok "$name" "no map in the log (pvhboot's: ${#xen_map} bytes, the guest's: ${#guest_map})" "$log"
	status=1
elif [ "$xen_map" != "$guest_map" ]; then
	tap_not_ok "$name" "the guest's map differs from XENMEM_memory_map's: $(diff <(echo "$xen_map") \
		<(echo "$guest_map") | grep '^[<>]' | head -n2 | tr '\n' ' ')" "$log"
	status=1
else
	tap_ok "$name" "$(wc -l <<<"$xen_map") entries, as Xen gave them"
fi

# 2. The conformance guest directly as dom0: what Xen hands over, recorded.
name=xen-peer
log=$BOOT_LOG_DIR/$name.log
xen_run "$name" "$log" "$BOOT_GUEST expect.mods=1 expect.crc32.0=$BOOT_MOD1_CRC expect.cmdline=1 pvh-test-arg=hello" \
	"$BOOT_MOD1"
if boot_record_verdict "$name" "$log"; then
	si=$(sed -n 's/^start info at 0x[0-9a-f]*: magic 0x[0-9a-f]* \(version [0-9]* flags 0x[0-9a-f]*\).*/\1/p' "$log" | head -n1)
	echo "# $name: Xen 4.17 hands its PVH dom0: ${si:-no start info line}; $(grep -a -m1 '^cpu: cs ' "$log")"
else
	status=1
fi

# 3. Debian's Linux as Xen's dom0 through pvhboot.
xen_linux_case() {
	name=xen-linux
	log=$BOOT_LOG_DIR/$name.log
	if ! "$BOOT_ROOT/scripts/fetch-kernel.sh" >"$BOOT_LOG_DIR/xen-linux-fetch.log" 2>&1 || ! [ -s "$KERNEL" ]; then
		tap_not_ok "$name" "Debian's kernel cannot be fetched" "$BOOT_LOG_DIR/xen-linux-fetch.log"
		return 1
	fi
	if ! "$BOOT_ROOT/scripts/mkinitramfs.sh" "$T/initramfs.img" >"$log.mkinitramfs" 2>&1 ||
		! "$BOOT_BUILD/pvh-bundle" -o "$T/linux.bundle" --cmdline "console=hvc0 earlyprintk=xen panic=-1" \
			"$KERNEL" "$T/initramfs.img" >"$log.bundle" 2>&1; then
		tap_not_ok "$name" "initramfs or bundle failed" "$log.mkinitramfs"
		return 1
	fi
	xen_run "$name" "$log" "$LOADER pvhboot.exit-on-error pvh-path=xen" "$T/linux.bundle"
	rm -f "$T/linux.bundle" # 68 MB
	line=$(grep -a -m1 '^PVHBOOT-USERSPACE: ' "$log")
	mem=$(sed -n 's/.* memtotal_kb=\([0-9]*\) .*/\1/p' <<<"$line")
	# Xen keeps part of dom0's allocation (its own tables, the balloon's
	# reserve): Linux reports about 80% of dom0_mem.
	min=$((DOM0_MB * 1024 * 60 / 100))
	max=$((DOM0_MB * 1024))
	if grep -aq 'Kernel panic\|Hardware Dom0 crashed' "$log"; then
		tap_not_ok "$name" "$(grep -a -m1 'Kernel panic\|Hardware Dom0 crashed' "$log" | clip 120)" "$log"
		status=1
	elif [ -z "$line" ]; then
		tap_not_ok "$name" "no PVHBOOT-USERSPACE marker; $(boot_rc_meaning "$QEMU_RC")" "$log"
		status=1
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		tap_not_ok "$name" "marker seen but $(boot_rc_meaning "$QEMU_RC"), want 33" "$log"
		status=1
	elif [ -z "$mem" ] || [ "$mem" -lt "$min" ] || [ "$mem" -gt "$max" ]; then
		tap_not_ok "$name" "memtotal_kb=${mem:-?} not within [$min, $max] (dom0_mem=${DOM0_MB}M)" "$log"
		status=1
	elif ! grep -q ' acpi_tables=[1-9]' <<<"$line" || ! grep -q ' initramfs=ok ' <<<"$line"; then
		tap_not_ok "$name" "no ACPI tables or initramfs not unpacked: $line" "$log"
		status=1
	elif ! grep -q 'cmdline=\[.*pvh-path=xen.*\]' <<<"$line"; then
		tap_not_ok "$name" "dom0's command line did not reach Linux: $line" "$log"
		status=1
	elif [ -s "$log.stderr" ]; then
		tap_not_ok "$name" "QEMU wrote to stderr: $(head -c 200 "$log.stderr" | tr '\n' ' ')" "$log"
		status=1
	else
		tap_ok "$name" "$(cut -d' ' -f2-4 <<<"$line")"
	fi
}
xen_linux_case || status=1

# memmap_normalise: stdin's "0xSTART - 0xEND = TYPE NAME" lines (16 hex
# digits, so sort's order is the numeric one) sorted, with touching or
# overlapping neighbours of one type merged: what pvhboot must hand over.
# libxl's map for a domU is neither sorted nor merged (its ACPI area comes
# in three pieces), unlike the one Xen builds for dom0.
memmap_normalise() {
	local start end rest s=-1 e=-1 r=
	while read -r start _ end _ rest; do
		if [ "$s" -ge 0 ] && [ "$rest" = "$r" ] && [ $((start)) -le $((e + 1)) ]; then
			[ $((end)) -gt "$e" ] && e=$((end))
			continue
		fi
		[ "$s" -ge 0 ] && printf '0x%016x - 0x%016x = %s\n' "$s" "$e" "$r"
		s=$((start)) e=$((end)) r=$rest
	done < <(sort)
	[ "$s" -ge 0 ] && printf '0x%016x - 0x%016x = %s\n' "$s" "$e" "$r"
}

# 4. An unprivileged PVH guest: dom0 (Debian's vmlinux, given to Xen
# directly) runs `xl create` for pvhboot-pvh.elf with the bundle of case 1
# as its ramdisk. The domU's start info comes from libxl's domain builder.
xen_domu_case() {
	local name=xen-domu-pvhboot-guest fetch_log initrd=$T/dom0-xl.cpio
	local log=$BOOT_LOG_DIR/$name.log xen_map guest_map
	fetch_log=$BOOT_LOG_DIR/$name-fetch.log
	if ! "$BOOT_ROOT/scripts/fetch-kernel.sh" >"$fetch_log" 2>&1 || ! [ -s "$KERNEL" ]; then
		tap_not_ok "$name" "Debian's kernel or its Xen modules cannot be fetched: $(tail -n1 "$fetch_log" | clip 120)" "$fetch_log"
		return 1
	fi
	# The guest's own arguments come after the bundle's, as for dom0 in case 1.
	if ! "$BOOT_ROOT/scripts/mkdom0-initramfs.sh" "$initrd" "$LOADER" "$bundle" \
		"pvhboot.exit-on-error pvhboot.debug pvh-test-arg=hello" >>"$fetch_log" 2>&1; then
		tap_not_ok "$name" "dom0's initramfs cannot be made (Debian's xen-utils): $(tail -n1 "$fetch_log" | clip 120)" "$fetch_log"
		return 1
	fi
	XEN_CPU=max,-rdtscp,-xsave XEN_TIMEOUT=$DOMU_TIMEOUT xen_run "$name" "$log" \
		"$KERNEL console=hvc0 earlyprintk=xen panic=-1" "$initrd"
	rm -f "$initrd" # 8 MB
	xen_domain_lines 1 <"$log.xen" >"$log"
	xen_map=$(sed -n '/^pvhboot: memory map from pvh (/,/^pvhboot: kernel /p' "$log" |
		sed -n 's/^pvhboot:   \(0x.*\)/\1/p')
	guest_map=$(sed -n 's/^memmap: \(0x.*\)/\1/p' "$log")
	if ! grep -aq '^DOM0-XL: verdict ' "$log"; then
		tap_not_ok "$name" "dom0 gave no verdict: $(grep -a -m1 '^DOM0-XL: \|Kernel panic\|Bad FPU state\|Dom0 crashed' "$log" |
			clip 100); $(boot_rc_meaning "$QEMU_RC")" "$log"
	elif ! boot_expect_pass "$name" "$log" >"$log.tap"; then
		cat "$log.tap"
	elif ! grep -aq '^start info at 0x[0-9a-f]*: magic 0x336ec578 version 1 flags 0x0 ' "$log"; then
		tap_not_ok "$name" "the guest did not see version 1 with flags 0x0 (an unprivileged domain)" "$log"
	elif [ -z "$xen_map" ] || [ "$(memmap_normalise <<<"$xen_map")" != "$guest_map" ]; then
		tap_not_ok "$name" "the guest's map is not XENMEM_memory_map's for the domU, sorted and merged: $(diff \
			<(memmap_normalise <<<"$xen_map") <(echo "$guest_map") | grep '^[<>]' | head -n2 | tr '\n' ' ')" "$log"
	else
		tap_ok "$name" "xl create; version 1, flags 0x0; Xen's $(wc -l <<<"$xen_map") entries sorted and merged into $(wc -l <<<"$guest_map")"
		return 0
	fi
	return 1
}
xen_domu_case || status=1

# 5. GRUB's PVH image (linked at 1 MiB, over pvhboot) as a domU's kernel,
# from a bundle that is the domU's ramdisk. dom0 passes (33) when GRUB's
# console has the marker and the domain powered itself off.
xen_domu_grub_case() {
	local name=xen-domu-grub-pvh initrd=$T/dom0-grub.cpio grub=$T/grub-pvh.elf
	local log=$BOOT_LOG_DIR/xen-domu-grub-pvh.log mk_log=$BOOT_LOG_DIR/xen-domu-grub-pvh-make.log
	local marker="PVHBOOT-GRUB-PVH: config ran on xen_pvh i386" end grub_at loader_at
	if ! "$BOOT_ROOT/scripts/mkgrub-pvh.sh" "$grub" >"$mk_log" 2>&1; then
		tap_not_ok "$name" "GRUB's PVH image cannot be made: $(tail -n1 "$mk_log" | clip 120)" "$mk_log"
		return 1
	fi
	# The premise: both fixed at addresses that overlap, from 1 MiB.
	grub_at=$("$BOOT_BUILD/pvh-inspect" "$grub" | sed -n 's/^  not relocatable: loads only at //p')
	loader_at=$("$BOOT_BUILD/pvh-inspect" "$LOADER" | sed -n 's/^  not relocatable: loads only at //p')
	if [ "${grub_at%-*}" != 0x100000 ] || [ "${loader_at%-*}" != 0x100000 ]; then
		tap_not_ok "$name" "want GRUB and pvhboot both fixed at 0x100000: GRUB ${grub_at:-relocatable?}, pvhboot ${loader_at:-relocatable?}" "$mk_log"
		return 1
	fi
	if ! "$BOOT_BUILD/pvh-bundle" -o "$T/grub.bundle" --cmdline "grub-pvh-arg=1" "$grub" >>"$mk_log" 2>&1 ||
		! "$BOOT_ROOT/scripts/mkdom0-initramfs.sh" -m "PVHBOOT-GRUB-PVH: " "$initrd" "$LOADER" \
			"$T/grub.bundle" "pvhboot.exit-on-error pvhboot.debug" >>"$mk_log" 2>&1; then
		tap_not_ok "$name" "the bundle or dom0's initramfs cannot be made: $(tail -n1 "$mk_log" | clip 120)" "$mk_log"
		return 1
	fi
	XEN_CPU=max,-rdtscp,-xsave XEN_TIMEOUT=$DOMU_TIMEOUT xen_run "$name" "$log" \
		"$KERNEL console=hvc0 earlyprintk=xen panic=-1" "$initrd"
	rm -f "$initrd" # 8 MB
	xen_domain_lines 1 <"$log.xen" >"$log"
	end=$(grep -a -m1 '^DOM0-XL: domain .* after ' "$log")
	if [ -z "$end" ]; then
		tap_not_ok "$name" "dom0 gave no report: $(grep -a -m1 '^DOM0-XL: \|Kernel panic\|Bad FPU state\|Dom0 crashed' "$log" |
			clip 100); $(boot_rc_meaning "$QEMU_RC")" "$log"
	elif ! grep -aq '^pvhboot: starting kernel at 0x100000$' "$log"; then
		tap_not_ok "$name" "pvhboot did not start GRUB at 0x100000: $(grep -a -m1 '^pvhboot: .*\(error\|refus\|overlap\)' "$log" |
			clip 120)" "$log"
	elif ! grep -aqxF "DOM0-XL: console: $marker" "$log"; then
		tap_not_ok "$name" "no \"$marker\" on GRUB's console ($(grep -ac '^DOM0-XL: console: ' "$log") lines); ${end#DOM0-XL: }" "$log"
	elif [ "${end#DOM0-XL: domain powered off }" = "$end" ]; then
		tap_not_ok "$name" "GRUB printed its marker but its halt did not power the domain off: ${end#DOM0-XL: }" "$log"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		tap_not_ok "$name" "dom0 did not pass: $(boot_rc_meaning "$QEMU_RC"), want 33" "$log"
	elif [ -s "$log.stderr" ]; then
		tap_not_ok "$name" "QEMU wrote to stderr: $(head -c 200 "$log.stderr" | tr '\n' ' ')" "$log"
	else
		tap_ok "$name" "pvhboot at $loader_at put GRUB at $grub_at; GRUB's console: \"$marker\"; halt powered the domain off"
		return 0
	fi
	return 1
}
xen_domu_grub_case || status=1

# xen_disk_run NAME LOG DISK INITRD: QEMU -> Xen -> dom0 (INITRD, of
# mkdom0-initramfs.sh -d) with DISK as dom0's virtio disk, which dom0 gives
# its domU as xvda. LOG: "(d1) " taken off too. The disk's DMA must go
# through the IOMMU (iommu_platform, a modern-only device), which Xen
# programs with dom0's map: bypassing it, virtio_blk's probe in dom0 hangs.
# And the IOMMU must have tables of its own (no-sharept): by default Xen's
# VT-d shares the p2m's, but QEMU's SVM makes those NPT tables, whose
# changes (xen-blkback's grant maps and unmaps) Xen never flushes from the
# IOTLB, as no real machine has VT-d with NPT. Then QEMU's IOMMU keeps
# stale translations: a domU's reads land in pages of earlier requests
# (seen: every 4 KiB page of a read holding another one's sectors), and
# with its default 39 address bits Xen cannot even set up dom0's devices
# ("setup 0000:00:01.0 for d0 failed (-12)"). Linux's xen-blkfront
# escapes the first through persistent grants, which pvhboot's does not use.
xen_disk_run() {
	local name=$1 log=$2 disk=$3 initrd=$4
	XEN_CPU=max,-rdtscp,-xsave XEN_ARGS=$XEN_DISK_CMDLINE XEN_TIMEOUT=$DOMU_TIMEOUT xen_run "$name" "$log" \
		"$KERNEL console=hvc0 earlyprintk=xen panic=-1" "$initrd" \
		-drive "if=none,id=xd,file=$disk,format=raw" -device virtio-blk-pci,drive=xd,disable-legacy=on,iommu_platform=on
	rm -f "$initrd"
	xen_domain_lines 1 <"$log.xen" >"$log"
}

# xen_report LOG: dom0's first complaint, or Linux's, for a message.
xen_report() {
	grep -a -m1 '^DOM0-XL: \(no /dev\|xl create\|insmod\|domain \)\|Kernel panic\|Bad FPU state\|Dom0 crashed' "$1" |
		sed 's/^DOM0-XL: //' | clip 100
}

# 6. dom0's side of the vbd, proven by Linux's own frontend: Debian's kernel
# (the bzImage: libxl unpacks it; the 64 MB vmlinux would make dom0's
# initramfs too big for 256 MiB) with a busybox initramfs that loads
# xen-blkfront and prints xvda's MD5 on the PV console, then powers off.
VBD_DISK=$T/vbd-rand.img
head -c $((16 << 20)) /dev/urandom >"$VBD_DISK"
xen_vbd_linux_case() {
	local name=xen-domu-vbd-linux initrd=$T/dom0-vbd.cpio reader=$T/xvda-reader.cpio dir=$T/xvda-reader
	local log=$BOOT_LOG_DIR/xen-domu-vbd-linux.log mk_log=$BOOT_LOG_DIR/xen-domu-vbd-linux-make.log
	local marker="PVHBOOT-XVDA: " want got
	want=$(md5sum <"$VBD_DISK" | cut -d' ' -f1)
	rm -rf "$dir"
	mkdir -p "$dir/bin" "$dir/proc" "$dir/sys" "$dir/dev"
	if ! cp /bin/busybox "$dir/bin/" || ! cp "$BOOT_ROOT/cache/kernel/modules/xen-blkfront.ko" "$dir/"; then
		tap_not_ok "$name" "busybox or xen-blkfront.ko missing (scripts/fetch-kernel.sh)" "$BOOT_ROOT/cache/kernel/modules"
		return 1
	fi
	cat >"$dir/init" <<'EOF2'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
insmod /xen-blkfront.ko
i=0
while [ ! -b /dev/xvda ] && [ $i -lt 60 ]; do sleep 1; i=$((i + 1)); done
if [ -b /dev/xvda ]; then
	echo "PVHBOOT-XVDA: md5 $(md5sum </dev/xvda | cut -d' ' -f1) sectors $(cat /sys/block/xvda/size)"
else
	echo "PVHBOOT-XVDA: no /dev/xvda: $(tr -s ' 
' ' ' </proc/partitions)"
fi
poweroff -f
EOF2
	chmod 755 "$dir/init"
	if ! (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$reader" 2>"$mk_log" ||
		! "$BOOT_ROOT/scripts/mkdom0-initramfs.sh" -d -m "$marker" -M 192 -t 120 "$initrd" \
			"$BOOT_ROOT/cache/kernel/vmlinuz" "$reader" "console=hvc0" >>"$mk_log" 2>&1; then
		tap_not_ok "$name" "the initramfs of dom0 or the domU cannot be made: $(tail -n1 "$mk_log" | clip 100)" "$mk_log"
		return 1
	fi
	rm -rf "$dir"
	xen_disk_run "$name" "$log" "$VBD_DISK" "$initrd"
	rm -f "$reader"
	got=$(sed -n "s/^DOM0-XL: console: $marker//p" "$log" | head -n1)
	if [ -z "$got" ]; then
		tap_not_ok "$name" "no \"$marker\" line from the domU: $(xen_report "$log"); $(boot_rc_meaning "$QEMU_RC")" "$log"
	elif [ "$got" != "md5 $want sectors 32768" ]; then
		tap_not_ok "$name" "Linux's xen-blkfront read \"$got\", want \"md5 $want sectors 32768\"" "$log"
	elif [ "$QEMU_RC" != "$BOOT_EXIT_PASS" ]; then
		tap_not_ok "$name" "xvda read right but dom0 did not pass: $(xen_report "$log"); $(boot_rc_meaning "$QEMU_RC")" "$log"
	else
		tap_ok "$name" "Linux's xen-blkfront read the disk's MD5 through xen-blkback; $(grep -a -m1 '^DOM0-XL: hotplug: ' "$log" |
			sed 's/.*: \/dev/\/dev/')"
		return 0
	fi
	return 1
}
VBD_LINUX_OK=
if xen_vbd_linux_case; then VBD_LINUX_OK=1; else status=1; fi

# 7. The same disk read whole by pvhboot's frontend (firmware mode's
# pvhboot.disk-crc, as tests/boot/firmware.sh's fw-read-*). The disk has no
# partition table: pvhboot stops after the CRC line, the domain powers off.
xen_vbd_crc_case() {
	local name=xen-domu-vbd-crc initrd=$T/dom0-crc.cpio want got linux=''
	local log=$BOOT_LOG_DIR/xen-domu-vbd-crc.log mk_log=$BOOT_LOG_DIR/xen-domu-vbd-crc-make.log
	want=$(boot_crc32 "$VBD_DISK")
	if ! "$BOOT_ROOT/scripts/mkdom0-initramfs.sh" -d -t 120 "$initrd" "$LOADER" - \
		"pvhboot.exit-on-error pvhboot.disk-crc" >"$mk_log" 2>&1; then
		tap_not_ok "$name" "dom0's initramfs cannot be made: $(tail -n1 "$mk_log" | clip 120)" "$mk_log"
		return 1
	fi
	xen_disk_run "$name" "$log" "$VBD_DISK" "$initrd"
	got=$(sed -n 's/^pvhboot: disk xvda: crc32 0x\([0-9a-f]*\),.*/\1/p' "$log" | head -n1)
	# Nothing bootable on it: the message, then the halt (interrupts off),
	# which Xen takes for the domain's poweroff. The last line before the
	# halt must have reached the domain's PV console first (xenconsoled's
	# log): the ring's page goes with the domain.
	local last_line='pvhboot: stopped; nothing was written to memory'
	if ! grep -aq '^pvhboot: error: firmware mode: no bootable disk' "$log" ||
		! grep -aq '^DOM0-XL: domain powered off' "$log"; then
		tap_not_ok "$name-halt" "no \"no bootable disk\" error, or the domain did not power off: $(xen_report "$log")" "$log"
		status=1
	elif ! grep -aq "^DOM0-XL: console: $last_line" "$log"; then
		tap_not_ok "$name-halt" "the domain halted before its PV console had \"$last_line\"" "$log"
		status=1
	else
		tap_ok "$name-halt" "no partition table: \"no bootable disk\" (on the PV console too, to its last line), then the halt powered the domain off"
	fi
	if [ "$got" = "$want" ]; then
		tap_ok "$name" "$(grep -a -m1 '^pvhboot: disk xvda: crc32' "$log" | sed 's/.*requests: //')"
		return 0
	fi
	if [ -n "$got" ]; then
		[ -n "$VBD_LINUX_OK" ] && linux=" (Linux's xen-blkfront reads them right: xen-domu-vbd-linux)"
		tap_not_ok "$name" "crc32 $got, want $want: pvhboot's frontend read other bytes than the disk holds$linux" "$log"
	else
		tap_not_ok "$name" "no crc32 line, want $want: $(grep -a -m1 '^pvhboot: \(error\|xen vbd [0-9]*: not used\)' "$log" |
			sed 's/^pvhboot: //' | clip 80); $(xen_report "$log")" "$log"
	fi
	return 1
}
xen_vbd_crc_case || status=1
rm -f "$VBD_DISK"

# 8. Firmware mode in a domU: no ramdisk, the kernel named on the ESP of the
# domain's xen vbd. dom0 has the disk from QEMU (virtio-blk-pci, /dev/vda)
# and backs the domU's xvda with it; its verdict is the guest's, as in 4.
# pvhboot's menu is on the domain's PV console (what `xl console` shows):
# two entries, the default second in menu order, and dom0 types Up and
# Enter there (-p/-k), so the first entry must boot, and pvhboot's lines
# must be in xenconsoled's log of that console.
xen_domu_firmware_case() {
	local name=xen-domu-firmware initrd=$T/dom0-fw.cpio disk=$T/fw-disk.img fat=$T/fw-esp.img
	local log=$BOOT_LOG_DIR/xen-domu-firmware.log mk_log=$BOOT_LOG_DIR/xen-domu-firmware-make.log
	local guest_args sectors backend p at_closed at_guest problem=''
	# The frontend's lines (pvhboot's Xen PV block driver): found the disk,
	# booted the entry from its ESP, disconnected before the jump.
	local found='^pvhboot: disk xvda: xen vbd [0-9]*, backend domain '
	local booted="^pvhboot: booting entry 'guest-typed' .* from xvda1\$"
	local on_console="^DOM0-XL: console: pvhboot: booting entry 'guest-typed' "
	local menu_prompt='pvhboot: a number or Up/Down' typed='^DOM0-XL: typed '
	local closed='^pvhboot: disk xvda: xen vbd [0-9]* closed'
	# What firmware mode says when it has no disk (the wording before the
	# frontend: "no virtio block device found"), and the frontend's reason.
	local no_disk='no \(virtio \)\?block device found' not_used='^pvhboot: xen vbd [0-9]*: not used: '
	local guest_start='^start info at 0x'
	guest_args="expect.mods=2 expect.cmdline=1 pvh-test-arg=hello expect.crc32.0=$BOOT_MOD1_CRC expect.crc32.1=$BOOT_MOD2_CRC"
	printf 'timeout 30\ndefault guest-pvh\n' >"$T/fw-loader.conf"
	# guest-typed (version 2.0) is first in the menu, guest-pvh the default.
	printf 'title   PVH conformance guest\nversion 1.0\nlinux   /kernels/guest.elf\ninitrd  /initrd/one.img\ninitrd  /initrd/two.img\noptions %s\n' \
		"$guest_args" >"$T/fw-guest.conf"
	sed 's/^version .*/version 2.0/; s/^title .*/title   PVH conformance guest, picked on the console/' \
		"$T/fw-guest.conf" >"$T/fw-typed.conf"
	# A GPT disk whose one partition, 1 MiB in, is the ESP (as firmware.sh's good.img).
	if ! "$BOOT_ROOT/scripts/mkesp.sh" "$fat" 40 "$T/fw-loader.conf=/loader/loader.conf" \
		"$T/fw-guest.conf=/loader/entries/guest-pvh.conf" "$T/fw-typed.conf=/loader/entries/guest-typed.conf" \
		"$BOOT_GUEST=/kernels/guest.elf" \
		"$BOOT_MOD1=/initrd/one.img" "$BOOT_MOD2=/initrd/two.img" >"$mk_log" 2>&1 ||
		! sectors=$(($(stat -c %s "$fat") / 512)) || ! rm -f "$disk" ||
		! truncate -s $(((sectors + 4096) * 512)) "$disk" ||
		! sgdisk -o -n "1:2048:$((2048 + sectors - 1))" -t 1:ef00 -c 1:boot "$disk" >>"$mk_log" 2>&1 ||
		! dd if="$fat" of="$disk" bs=1M seek=1 conv=notrunc status=none 2>>"$mk_log"; then
		tap_not_ok "$name" "the domU's disk cannot be made: $(tail -n1 "$mk_log" | clip 120)" "$mk_log"
		return 1
	fi
	rm -f "$fat"
	if ! "$BOOT_ROOT/scripts/mkdom0-initramfs.sh" -d -t 120 -p "$menu_prompt" -k '\033[A\r' "$initrd" "$LOADER" - \
		"pvhboot.exit-on-error pvhboot.debug" >>"$mk_log" 2>&1; then
		tap_not_ok "$name" "dom0's initramfs cannot be made: $(tail -n1 "$mk_log" | clip 120)" "$mk_log"
		return 1
	fi
	xen_disk_run "$name" "$log" "$disk" "$initrd"
	rm -f "$disk"
	# dom0's side, for every message: xen-blkback's state before the domain
	# ran (2, InitWait: offered) and when the wait ended.
	backend="dom0's vbd backend: state $(sed -n 's/^DOM0-XL: vbd before the domain runs: backend state \([a-z0-9]*\),.*/\1/p' "$log" |
		head -n1) before the domain ran, $(sed -n 's/^DOM0-XL: vbd backend state //p' "$log" | head -n1) at the end"
	# The failure of a pvhboot without a Xen PV block frontend, or of one
	# that could not connect.
	if grep -aq "$no_disk" "$log"; then
		p=$(grep -a -m1 "$not_used" "$log" | sed 's/^pvhboot: //')
		tap_not_ok "$name" "pvhboot in the domU found no disk: ${p:-no xen vbd tried (no Xen PV block frontend?)}; $backend" "$log"
		return 1
	fi
	if ! grep -aq '^DOM0-XL: verdict ' "$log"; then
		tap_not_ok "$name" "dom0 gave no verdict: $(xen_report "$log"); $(boot_rc_meaning "$QEMU_RC")" "$log"
		return 1
	fi
	if ! grep -aq '^PVH-CONFORMANCE: ' "$log"; then
		tap_not_ok "$name" "pvhboot did not start the guest: $(grep -a -m1 '^pvhboot: error: ' "$log" | sed 's/^pvhboot: //' |
			clip 90); $backend" "$log"
		return 1
	fi
	if ! boot_expect_pass "$name" "$log" >"$log.tap"; then
		cat "$log.tap"
		return 1
	fi
	for p in "$found" "$typed" "$booted" "$on_console" "$closed"; do
		grep -aq -- "$p" "$log" || { problem="no line matching /$p/"; break; }
	done
	# Closed before the jump: before the guest's first line.
	if [ -z "$problem" ]; then
		at_closed=$(grep -an -m1 -- "$closed" "$log" | cut -d: -f1)
		at_guest=$(grep -an -m1 -- "$guest_start" "$log" | cut -d: -f1)
		[ "$at_closed" -lt "${at_guest:-0}" ] ||
			problem="the frontend's close (line $at_closed) is not before the guest's first line (${at_guest:-none})"
	fi
	if [ -n "$problem" ]; then
		tap_not_ok "$name" "the guest passed but $problem; $backend" "$log"
		return 1
	fi
	tap_ok "$name" "$(grep -a -m1 -- "$found" "$log" | sed 's/^pvhboot: disk \(xvda: xen vbd [0-9]*\), .*, \([0-9]* sectors\) .*/\1, \2/'); Up+Enter on the PV console booted guest-typed from xvda1; $(grep -a -m1 -- "$closed" "$log" | sed 's/.* \(closed after [0-9]* requests\).*/\1/'); guest ok"
}
xen_domu_firmware_case || status=1
exit $status
