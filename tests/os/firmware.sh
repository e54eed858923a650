#!/bin/bash
# firmware.sh - the Debian 12 image of scripts/mkdebian-image.sh (the one
# tests/os/debian.sh boots) booted with no OVMF and no kernel on the host:
# QEMU starts pvhboot-pvh.elf with -kernel and no module, and it boots the
# image's own loader entries from the disk (make check-os, after debian.sh):
#   os-fw-microvm       -M microvm, virtio-blk-device (MMIO), the newest kernel
#   os-fw-pc            -M pc, a first disk with no partition table (an ext4
#                       data disk) that must be reported and skipped, then the
#                       image on virtio-blk-pci (transitional: legacy I/O BAR)
#   os-fw-q35           -M q35, virtio-blk-pci,disable-legacy=on (modern only),
#                       on a copy whose loader.conf says `default *-OLDER.*`
#   os-fw-default-glob  (the same boot) that glob matches the older kernel's
#                       entry only (the image's own loader.conf has no
#                       default, so the newest would boot): the older kernel
#                       must start
#   os-fw-xen           the image as the disk of a Xen PVH domU: QEMU (q35)
#                       -> Xen 4.17 -> Debian's Linux as PVH dom0
#                       (scripts/mkdom0-initramfs.sh -d) backs the domU's
#                       xvda with its virtio disk, and the domU's kernel is
#                       pvhboot-pvh.elf with no ramdisk and "console=hvc0":
#                       pvhboot's Xen PV block frontend reads the ESP,
#                       boots the newest entry, lets go of the vbd, and
#                       Linux (its initramfs's xen-blkfront) mounts the
#                       root on xvda3. Seen on the domain's PV console
#                       (xenconsoled's log, which dom0 prints when the
#                       login prompt came). About 3 min under TCG (Linux
#                       in a Xen HVM container of a TCG guest); OS_FW_XEN=0
#                       leaves it out.
# Each boot must reach the login prompt with the image's marker unit saying
# root=rw and the expected kernel, and the firmware's console lines for that
# path: firmware mode, the device kind, the entry booted. The cached image
# is used with snapshot=on and never changes.
set -u
# shellcheck source=tests/os/lib.sh
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/os-fw
mkdir -p "$T"
FW=$BOOT_BUILD/pvhboot-pvh.elf
status=0
make -C "$BOOT_ROOT" --no-print-directory -s all >&2 || {
	tap_not_ok os-fw "build failed" "$BOOT_LOG_DIR"
	exit 1
}
if ! os_image; then
	tap_not_ok os-fw-image "scripts/mkdebian-image.sh failed" "$BOOT_ROOT/cache"
	exit 1
fi
versions=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V)
newest=$(echo "$versions" | tail -n1)
older=$(echo "$versions" | tail -n2 | head -n1)
LOGIN='login:'
FW_LINE='pvhboot: firmware mode: no module given, booting from disk'
# As tests/boot/firmware.sh: microvm has no PIT, Linux's TSC calibration
# fails under TCG without it (and the firmware times its reads with it).
MICROVM_ARGS=tsc_early_khz=2096000

# fw_boot NAME QEMU_ARGS...: the firmware with no module to the login prompt.
fw_boot() {
	local name=$1
	shift
	log=$BOOT_LOG_DIR/$name.log
	os_boot "$name" 900 "$log" "$LOGIN" -- -kernel "$FW" "$@"
}
# image_drive ID FILE: the disk with snapshot=on, for a -device drive=ID.
image_drive() { echo "if=none,id=$1,format=raw,snapshot=on,file=$2"; }

if ! os_skipped os-fw-microvm; then
	fw_boot os-fw-microvm -M microvm -append "$MICROVM_ARGS" \
		-drive "$(image_drive d0 "$OS_IMG/disk.img")" -device virtio-blk-device,drive=d0
	os_judge os-fw-microvm "$log" "$newest" "$FW_LINE" 'disk vda: virtio-mmio@' \
		"booting entry '.*-$newest' .* from vda" || status=1
fi

# A data disk first: ext4 over the whole device, no partition table.
if ! os_skipped os-fw-pc; then
	rm -f "$T/data.img"
	truncate -s 16M "$T/data.img"
	if ! mkfs.ext4 -q -F -L data "$T/data.img" >"$T/mkfs.log" 2>&1; then
		tap_not_ok os-fw-pc "mkfs.ext4 of the first disk failed" "$T/mkfs.log"
		status=1
	else
		fw_boot os-fw-pc -M pc \
			-drive "$(image_drive d0 "$T/data.img")" -device virtio-blk-pci,drive=d0 \
			-drive "$(image_drive d1 "$OS_IMG/disk.img")" -device virtio-blk-pci,drive=d1
		os_judge os-fw-pc "$log" "$newest" "$FW_LINE" 'disk vda: virtio-pci .* (legacy), 32768 sectors' \
			'disk vda: .*no partition table' 'disk vdb: virtio-pci .* (legacy)' \
			"booting entry '.*-$newest' .* from vdb" || status=1
	fi
	rm -f "$T/data.img"
fi

# Two kernels and a default glob, on the q35 boot (one boot serves both
# checks: each takes minutes under TCG): on a copy (sparse; snapshot=on all
# the same), loader.conf gains `default *-MAJOR.MINOR.*` of the older kernel.
# glob_copy: makes $T/glob.img, or sets problem.
glob_copy() {
	local esp="$T/glob.img@@$ESP_OFFSET" e matched=()
	problem=
	glob="*-$(echo "$older" | cut -d. -f1,2).*"
	if ! { cp --sparse=always "$OS_IMG/disk.img" "$T/glob.img" &&
		mtype -i "$esp" ::/loader/loader.conf >"$T/loader.conf" &&
		mdir -b -i "$esp" ::/loader/entries >"$T/entries"; }; then
		problem="could not read the ESP of the copy"
		return
	fi
	# The glob must pick out exactly the older kernel's entry, or the check
	# would prove nothing.
	while read -r e; do
		e=${e##*/}
		# shellcheck disable=SC2053 # $glob is a glob on purpose
		[[ ${e%.conf} == $glob ]] && matched+=("${e%.conf}")
	done <"$T/entries"
	if [ ${#matched[@]} != 1 ] || [[ ${matched[0]} != *"-$older" ]]; then
		problem="glob '$glob' matches '${matched[*]}', want only the entry of $older"
		return
	fi
	{ grep -v '^[[:space:]]*default[[:space:]]' "$T/loader.conf"; echo "default $glob"; } >"$T/loader.conf.new" &&
		mcopy -o -i "$esp" "$T/loader.conf.new" ::/loader/loader.conf || problem="mcopy of loader.conf failed"
}

if ! os_skipped os-fw-q35; then
	disk=$OS_IMG/disk.img
	want=$newest
	glob_copy
	if [ -n "$problem" ]; then
		tap_not_ok os-fw-default-glob "$problem" "$T"
		status=1
	else
		disk=$T/glob.img
		want=$older
	fi
	fw_boot os-fw-q35 -M q35 \
		-drive "$(image_drive d0 "$disk")" -device virtio-blk-pci,drive=d0,disable-legacy=on
	os_judge os-fw-q35 "$log" "$want" "$FW_LINE" 'disk vda: virtio-pci .* (modern)' \
		"booting entry '.*-$want' .* from vda" || status=1
	if [ -z "$problem" ]; then
		os_judge os-fw-default-glob "$log" "$older" \
			"loader.conf: default '$(printf '%s' "$glob" | sed 's/[][\\.*^$]/\\&/g')'" || status=1
	fi
	rm -f "$T/glob.img"
fi

# os-fw-xen: as tests/boot/xen.sh's xen-domu-firmware (its QEMU, Xen and dom0
# settings; see there), with the image as dom0's disk and a 512 MiB domU.
# dom0 ends the run: on the domain's "pvhboot-test login:" line (-w) it
# destroys the domain, prints the PV console and leaves QEMU with 33.
XEN_LOGIN='pvhboot-test login:'
XEN_CMDLINE="console=com1 com1=115200 dom0=pvh dom0_mem=256M iommu=1,no-sharept noreboot guest_loglvl=all"
# dom0's wait for the login prompt, and QEMU's whole run (Xen, dom0, domU).
XEN_WAIT=${OS_FW_XEN_WAIT:-1200}
XEN_TIMEOUT=$((XEN_WAIT + 300))
fw_xen() {
	local name=os-fw-xen initrd=$T/dom0-xen.cpio mk_log=$BOOT_LOG_DIR/os-fw-xen-make.log rc end err
	local xen=$BOOT_ROOT/cache/xen/xen dom0=$BOOT_ROOT/cache/kernel/vmlinux
	log=$BOOT_LOG_DIR/$name.log
	if ! "$BOOT_ROOT/scripts/fetch-xen.sh" >"$mk_log" 2>&1 || ! "$BOOT_ROOT/scripts/fetch-kernel.sh" >>"$mk_log" 2>&1 ||
		! "$BOOT_ROOT/scripts/mkdom0-initramfs.sh" -d -w -m "$XEN_LOGIN" -M 512 -t "$XEN_WAIT" "$initrd" "$FW" - \
			"console=hvc0" >>"$mk_log" 2>&1; then
		tap_not_ok "$name" "Xen, dom0's kernel or its initramfs cannot be had: $(tail -n1 "$mk_log" | clip 100)" "$mk_log"
		return 1
	fi
	# no-sharept and iommu_platform: dom0's disk DMA, as xen.sh's xen_disk_run says.
	OS_MEM=1280 os_boot "$name" "$XEN_TIMEOUT" "$log.xen" "" -- -M q35 -device intel-iommu \
		-cpu max,-rdtscp,-xsave -kernel "$xen" -append "$XEN_CMDLINE" \
		-initrd "$dom0 console=hvc0 earlyprintk=xen panic=-1,$initrd" \
		-drive "$(image_drive xd "$OS_IMG/disk.img")" -device virtio-blk-pci,drive=xd,disable-legacy=on,iommu_platform=on
	rm -f "$initrd"
	rc=$OS_RC
	# pvhboot's lines come as "(d1) ...", the domain's console as dom0's
	# "DOM0-XL: console: ..." lines: both unprefixed for os_judge.
	xen_domain_lines 1 <"$log.xen" | sed 's/^DOM0-XL: console: //' >"$log"
	cp "$log.xen.stderr" "$log.stderr"
	end=$(grep -a -m1 '^DOM0-XL: domain .* after ' "$log" | sed 's/^DOM0-XL: //')
	if [ "$rc" != "$BOOT_EXIT_PASS" ]; then
		err=$(grep -a -m1 '^pvhboot: error: \|^pvhboot: xen vbd [0-9]*: not used: \|Kernel panic\|Dom0 crashed\|^DOM0-XL: \(no /dev\|xl create\|insmod\)' \
			"$log" | clip 110)
		tap_not_ok "$name" "no \"$XEN_LOGIN\" on the domain's console: ${err:-${end:-dom0 gave no report}}; $(boot_rc_meaning "$rc")" "$log"
		return 1
	fi
	OS_RC=0
	os_judge "$name" "$log" "$newest" "$FW_LINE" '^pvhboot: disk xvda: xen vbd [0-9]*, backend domain ' \
		"booting entry '.*-$newest' .* from xvda" '^pvhboot: disk xvda: xen vbd [0-9]* closed' || return 1
	echo "# $name: dom0's wait: $end"
}
# Measured at a load of 0.8 on 2 cores: QEMU's whole run 138 and 179 s in
# two runs, dom0's wait for the prompt 50 and 54 s, of which pvhboot's
# reads of the 6.12 kernel and initrd (91 MB, 2103 requests) 16 s; with the
# kernel and initrd given to `xl create` directly instead, 160 s and 50 s.
if [ "${OS_FW_XEN:-1}" = 0 ]; then
	echo "# skipped: os-fw-xen (OS_FW_XEN=0)"
elif ! os_skipped os-fw-xen; then
	fw_xen || status=1
fi
exit $status
