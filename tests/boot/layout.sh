#!/bin/bash
# layout.sh - pvhboot-install and the kernel hooks on a system laid out
# unlike Debian's default (the host-side half of tests/os/variant.sh, run in
# seconds): the ESP mounted at /efi and named by LABEL in fstab, / by
# PARTUUID, no /etc/kernel/cmdline (the serial console in
# /etc/default/grub, as Debian's installer writes it, and a
# /etc/default/grub.d/*.cfg that adds to it, as cloud images have), pvhboot
# installed before any kernel, then Debian's cloud kernel (cache/kernel-cloud,
# scripts/fetch-kernel-variant.sh cloud); and a /boot that is the ESP. The
# trees are `make install`'s under scratch roots (PVHBOOT_ROOT). Run by
# tests/boot/run.sh (make check).
set -u
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/layout
LOG=$BOOT_LOG_DIR/layout
rm -rf "$T" "$LOG"
mkdir -p "$T" "$LOG"
cd "$BOOT_ROOT" || exit 1
fails=0
ok() { tap_ok "layout: $1" "${2:-}"; }
not_ok() {
	tap_not_ok "layout: $1" "$2" "${3:-$LOG}"
	fails=$((fails + 1))
}

V=$(cat cache/kernel-cloud/version 2>/dev/null) || V=
if [ -z "$V" ] || ! [ -f cache/kernel-cloud/vmlinuz ]; then
	not_ok "cloud kernel" "cache/kernel-cloud needed (scripts/fetch-kernel-variant.sh cloud)"
	exit 1
fi
R=$T/root
if ! make --no-print-directory install PREFIX=/usr DESTDIR="$R" >"$LOG/make-install.log" 2>&1; then
	not_ok "make install" "failed" "$LOG/make-install.log"
	exit 1
fi
mkdir -p "$R/efi" "$R/boot" "$R/etc/default/grub.d"
printf 'PARTUUID=1a2b3c4d-02 / ext4 errors=remount-ro 0 1\nLABEL=VARESP /efi vfat umask=0077 0 1\n' >"$R/etc/fstab"
printf 'GRUB_DEFAULT=0\nGRUB_CMDLINE_LINUX_DEFAULT=""\nGRUB_CMDLINE_LINUX="console=ttyS0"\n' >"$R/etc/default/grub"
# shellcheck disable=SC2016 # the file's own shell text
printf 'GRUB_CMDLINE_LINUX_DEFAULT="$GRUB_CMDLINE_LINUX_DEFAULT $UNSET_VAR quiet"\n' >"$R/etc/default/grub.d/50-cloud.cfg"
cp /etc/os-release "$R/etc/os-release"
printf '0123456789abcdef0123456789abcdef\n' >"$R/etc/machine-id"
export PVHBOOT_ROOT=$R PVH_EXTRACT=$R/usr/bin/pvh-extract
export PATH=$R/usr/sbin:$R/usr/bin:$PATH
TOKEN=0123456789abcdef0123456789abcdef
ESP=$R/efi

# No kernel yet, no --esp-path: the ESP is fstab's vfat line at /efi.
if pvhboot-install --no-variables --removable install >"$LOG/install.log" 2>&1 &&
	[ -f "$ESP/EFI/pvhboot/pvhboot.efi" ] && [ -f "$ESP/EFI/BOOT/BOOTX64.EFI" ] &&
	[ -f "$ESP/loader/loader.conf" ]; then
	ok "install before any kernel: ESP found at /efi (fstab, LABEL=)"
else
	not_ok "install before any kernel" "no ESP found at /efi" "$LOG/install.log"
fi

# The kernel package arrives: its postinst.d hook, no /etc/kernel/cmdline.
cp cache/kernel-cloud/vmlinuz "$R/boot/vmlinuz-$V"
printf 'initrd of %s\n' "$V" >"$R/boot/initrd.img-$V"
E=$ESP/loader/entries/$TOKEN-$V.conf
"$R/etc/kernel/postinst.d/zz-pvhboot" "$V" "/boot/vmlinuz-$V" >"$LOG/postinst.log" 2>&1
rc=$?
want="options    root=PARTUUID=1a2b3c4d-02 ro console=ttyS0 quiet"
if [ $rc = 0 ] && [ -f "$E" ] && grep -qxF "$want" "$E" && pvh-inspect "$ESP/$TOKEN/$V/vmlinux" >"$LOG/inspect.log" 2>&1 &&
	cmp -s "$ESP/$TOKEN/$V/initrd.img" "$R/boot/initrd.img-$V"; then
	ok "cloud kernel $V: entry on /efi, root= from fstab (PARTUUID), console from /etc/default/grub{,.d}"
else
	not_ok "cloud kernel $V" "status $rc; entry: $(grep '^options' "$E" 2>/dev/null || echo none); want '$want'" "$LOG/postinst.log"
fi
if [ "$(pvhboot-install cmdline 2>/dev/null)" = "${want#options    }" ]; then
	ok "pvhboot-install cmdline prints the entries' line"
else
	not_ok "pvhboot-install cmdline" "'$(pvhboot-install cmdline 2>&1)'"
fi

# Its removal: the postrm.d hook finds the ESP by the pvhboot.efi on it.
rm -f "$R/boot/vmlinuz-$V" "$R/boot/initrd.img-$V"
"$R/etc/kernel/postrm.d/zz-pvhboot" "$V" "/boot/vmlinuz-$V" >"$LOG/postrm.log" 2>&1
rc=$?
if [ $rc = 0 ] && ! [ -e "$E" ] && ! [ -e "$ESP/$TOKEN/$V" ] && ! [ -e "$R/boot/pvhboot/vmlinux-$V.gz" ]; then
	ok "postrm.d hook: entry, ESP files and ELF gone from /efi and /boot/pvhboot"
else
	not_ok "postrm.d hook" "status $rc or files left" "$LOG/postrm.log"
fi

# /boot is the ESP (vfat at /boot, as systemd-boot setups have it): found
# there, and the entry's files beside the kernel on the same filesystem.
R=$T/root-boot-esp
if ! make --no-print-directory install PREFIX=/usr DESTDIR="$R" >"$LOG/make-install2.log" 2>&1; then
	not_ok "make install" "failed" "$LOG/make-install2.log"
	exit 1
fi
mkdir -p "$R/boot"
printf 'PARTUUID=1a2b3c4d-02 / ext4 errors=remount-ro 0 1\nUUID=ABCD-1234 /boot vfat umask=0077 0 1\n' >"$R/etc/fstab"
cp /etc/os-release "$R/etc/os-release"
printf '0123456789abcdef0123456789abcdef\n' >"$R/etc/machine-id"
export PVHBOOT_ROOT=$R
cp cache/kernel-cloud/vmlinuz "$R/boot/vmlinuz-$V"
printf 'initrd of %s\n' "$V" >"$R/boot/initrd.img-$V"
E=$R/boot/loader/entries/$TOKEN-$V.conf
if pvhboot-install --no-variables --removable install >"$LOG/install-boot.log" 2>&1 &&
	[ -f "$R/boot/EFI/BOOT/BOOTX64.EFI" ] && [ -f "$E" ] && [ -f "$R/boot/$TOKEN/$V/vmlinux" ] &&
	grep -qxF "options    root=PARTUUID=1a2b3c4d-02 ro" "$E" && [ -f "$R/boot/pvhboot/vmlinux-$V.gz" ]; then
	ok "/boot on the ESP: found there, entry and ELF beside the kernel"
else
	not_ok "/boot on the ESP" "no ESP at /boot or files missing" "$LOG/install-boot.log"
fi
rm -f "$R/boot/vmlinuz-$V" "$R/boot/initrd.img-$V"
"$R/etc/kernel/postrm.d/zz-pvhboot" "$V" "/boot/vmlinuz-$V" >"$LOG/postrm-boot.log" 2>&1
if ! [ -e "$E" ] && ! [ -e "$R/boot/$TOKEN" ] && [ -f "$R/boot/EFI/pvhboot/pvhboot.efi" ]; then
	ok "/boot on the ESP: removal takes the entry and its files, pvhboot.efi stays"
else
	not_ok "/boot on the ESP: removal" "files left" "$LOG/postrm-boot.log"
fi
[ "$fails" = 0 ]
