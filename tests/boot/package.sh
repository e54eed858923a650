#!/bin/bash
# package.sh - the Debian package and its hooks, without booting: `make deb`
# builds, lintian finds no error, the .deb holds the right files, dpkg
# unpacks it into a scratch root, and there the installed pvhboot-install,
# kernel and initramfs hooks and GRUB script work on Debian's real kernels
# (cache/kernel, cache/kernel-6.12): extraction, BLS entries, the command
# line rule, two kernels, removal, idempotent install, update-grub's
# entries. Run by tests/boot/run.sh (make check) and make check-deb.
# Booting the installed system is the Debian image tests' part.
set -u
. "$(dirname "$0")/lib.sh"

T=$BOOT_TMP/package
LOG=$BOOT_LOG_DIR/package
rm -rf "$T"
mkdir -p "$T" "$LOG"
cd "$BOOT_ROOT" || exit 1
fails=0
ok() { tap_ok "package: $1" "${2:-}"; }
not_ok() {
	tap_not_ok "package: $1" "$2" "${3:-$LOG/run.log}"
	fails=$((fails + 1))
}
# check NAME COMMAND...: ok when COMMAND succeeds.
check() {
	local name=$1
	shift
	if "$@" >>"$LOG/run.log" 2>&1; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

V1=$(cat cache/kernel/version 2>/dev/null) || V1=
V2=$(cat cache/kernel-6.12/version 2>/dev/null) || V2=

# --- the package ------------------------------------------------------------------
if make --no-print-directory deb >"$LOG/make-deb.log" 2>&1; then
	ok "make deb builds"
else
	not_ok "make deb builds" "make deb failed" "$LOG/make-deb.log"
	exit 1
fi
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
DEB=$BOOT_BUILD/deb/pvhboot_${version}_amd64.deb
if [ -f "$DEB" ]; then ok "package file" "${DEB#"$BOOT_ROOT"/}"; else not_ok "package file" "no $DEB"; fi

if command -v lintian >/dev/null 2>&1; then
	lintian -I -E --pedantic "$DEB" >"$LOG/lintian.log" 2>&1
	e=$(grep -c '^E:' "$LOG/lintian.log")
	w=$(grep -c '^W:' "$LOG/lintian.log")
	if [ "$e" = 0 ] && [ "$w" = 0 ]; then
		ok "lintian: no errors, no warnings"
	else
		not_ok "lintian" "$e errors, $w warnings" "$LOG/lintian.log"
	fi
else
	not_ok "lintian" "lintian is not installed (make deps)"
fi

dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$LOG/contents"
missing=
for f in /usr/lib/pvhboot/pvhboot.elf /usr/lib/pvhboot/pvhboot-pvh.elf /usr/lib/pvhboot/pvhboot.efi \
	/usr/bin/pvh-inspect /usr/bin/pvh-bundle /usr/bin/pvh-extract /usr/sbin/pvhboot-install \
	/etc/kernel/postinst.d/zz-pvhboot /etc/kernel/postrm.d/zz-pvhboot \
	/etc/initramfs/post-update.d/pvhboot /etc/grub.d/25_pvhboot /etc/default/pvhboot /etc/pvhboot/uki.conf \
	/usr/share/man/man1/pvh-inspect.1.gz /usr/share/man/man1/pvh-bundle.1.gz \
	/usr/share/man/man8/pvhboot-install.8.gz /usr/share/man/man7/pvhboot.7.gz \
	/usr/share/man/man1/pvh-extract.1.gz /usr/share/man/man1/pvh-ukify.1.gz /usr/bin/pvh-ukify \
	/usr/share/doc/pvhboot/copyright; do
	grep -qxF "$f" "$LOG/contents" || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "package contents"; else not_ok "package contents" "missing:$missing" "$LOG/contents"; fi
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >"$LOG/conffiles" 2>/dev/null
if grep -qxF /etc/default/pvhboot "$LOG/conffiles" && grep -qxF /etc/grub.d/25_pvhboot "$LOG/conffiles"; then
	ok "conffiles" "$(wc -l <"$LOG/conffiles") files"
else
	not_ok "conffiles" "/etc/default/pvhboot or /etc/grub.d/25_pvhboot not a conffile" "$LOG/conffiles"
fi

# make install for other distributions installs what the package holds.
rm -rf "$T/destdir"
if make --no-print-directory install PREFIX=/usr DESTDIR="$T/destdir" >"$LOG/make-install.log" 2>&1; then
	(cd "$T/destdir" && find . -type f | sed 's|^\.||' | sort) >"$LOG/install-files"
	# The package's files but its docs, man pages without dh_compress's .gz.
	grep -v -e '^/usr/share/doc/' -e '^/usr/share/lintian/' -e '/$' "$LOG/contents" |
		sed 's|\.gz$||' | sort >"$LOG/package-files"
	if diff "$LOG/package-files" "$LOG/install-files" >"$LOG/install-diff"; then
		ok "make install DESTDIR= installs the package's files"
	else
		not_ok "make install DESTDIR= installs the package's files" "they differ" "$LOG/install-diff"
	fi
else
	not_ok "make install DESTDIR=" "make install failed" "$LOG/make-install.log"
fi

# --- installed into a scratch root ------------------------------------------------------
# The system the package meets: Debian's kernel with an initrd, fstab, os-release.
if [ -z "$V1" ] || [ -z "$V2" ] || ! [ -f cache/kernel/vmlinuz ] || ! [ -f cache/kernel-6.12/vmlinuz ]; then
	not_ok "kernels" "cache/kernel and cache/kernel-6.12 needed (scripts/fetch-kernel.sh; scripts/fetch-kernel-variant.sh 6.12)"
	exit 1
fi
R=$T/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/boot/efi" "$R/etc/kernel"
: >"$R/var/lib/dpkg/status"
cp cache/kernel/vmlinuz "$R/boot/vmlinuz-$V1"
printf 'initrd of %s\n' "$V1" >"$R/boot/initrd.img-$V1"
printf 'UUID=0f5e2a3c-1111-4222-8333-944445555666 / ext4 errors=remount-ro 0 1\nUUID=ABCD-1234 /boot/efi vfat umask=0077 0 1\n' >"$R/etc/fstab"
cp /etc/os-release "$R/etc/os-release"
: >"$R/etc/machine-id"

# dpkg -i with the maintainer scripts run outside a chroot (DPKG_ROOT=R):
# the postinst's pvhboot-install update, found on PATH in R, works on R.
export PVH_EXTRACT=${PVH_EXTRACT:-$R/usr/bin/pvh-extract}
export PATH=$R/usr/sbin:$R/usr/bin:$PATH
if dpkg --root="$R" --force-depends --force-script-chrootless -i "$DEB" >"$LOG/dpkg.log" 2>&1 &&
	dpkg --root="$R" -L pvhboot | grep -qx /usr/sbin/pvhboot-install; then
	ok "dpkg --root -i installs the package"
else
	not_ok "dpkg --root -i installs the package" "dpkg failed" "$LOG/dpkg.log"
	exit 1
fi
if [ -f "$R/boot/pvhboot/vmlinux-$V1.gz" ] && [ -f "$R/boot/pvhboot/pvhboot.elf" ]; then
	ok "postinst: the installed kernel extracted, pvhboot.elf in /boot/pvhboot"
else
	not_ok "postinst" "nothing in /boot/pvhboot" "$LOG/dpkg.log"
fi
# The first configuration finds the ESP (its fstab line: not the running
# system) and installs, as systemd-boot's package runs bootctl install:
# pvhboot.efi, the free fallback path, the kernel's entry.
if cmp -s "$R/boot/efi/EFI/pvhboot/pvhboot.efi" "$R/usr/lib/pvhboot/pvhboot.efi" &&
	cmp -s "$R/boot/efi/EFI/BOOT/BOOTX64.EFI" "$R/usr/lib/pvhboot/pvhboot.efi" &&
	[ -f "$R/boot/efi/loader/entries/debian-$V1.conf" ] &&
	grep -q 'not the running system, EFI variables left alone' "$LOG/dpkg.log"; then
	ok "postinst: first configuration installs on the ESP it finds (fallback path, entry, no variables)"
else
	not_ok "postinst: first configuration installs on the ESP" "pvhboot.efi, BOOTX64.EFI or the entry missing" "$LOG/dpkg.log"
fi
export PVHBOOT_ROOT=$R
PVHBOOT_LIBDIR=$R/usr/lib/pvhboot
ESP=$R/boot/efi
E1=$ESP/loader/entries/debian-$V1.conf
E2=$ESP/loader/entries/debian-$V2.conf

# pvhboot-install install, as an image builder runs it (no EFI variables).
pvhboot-install --esp-path /boot/efi --removable --no-variables install >"$LOG/install.log" 2>&1
rc=$?
if [ $rc = 0 ] && cmp -s "$ESP/EFI/pvhboot/pvhboot.efi" "$PVHBOOT_LIBDIR/pvhboot.efi" &&
	cmp -s "$ESP/EFI/BOOT/BOOTX64.EFI" "$PVHBOOT_LIBDIR/pvhboot.efi" && [ -f "$ESP/loader/loader.conf" ] &&
	[ "$(cat "$R/etc/kernel/entry-token")" = debian ]; then
	ok "pvhboot-install install: ESP, removable path, loader.conf, entry token"
else
	not_ok "pvhboot-install install" "status $rc or files missing" "$LOG/install.log"
fi
# The installed kernel: the PVH ELF extracted once, on the ESP next to its entry.
if gzip -dc "$R/boot/pvhboot/vmlinux-$V1.gz" 2>/dev/null | head -c 4 | grep -q ELF &&
	pvh-inspect "$ESP/debian/$V1/vmlinux" >"$LOG/inspect.log" 2>&1 &&
	cmp -s "$R/boot/pvhboot/pvhboot.elf" "$PVHBOOT_LIBDIR/pvhboot.elf"; then
	ok "kernel $V1 extracted (PVH ELF for GRUB in /boot/pvhboot, on the ESP)"
else
	not_ok "kernel $V1 extracted" "no PVH ELF" "$LOG/install.log"
fi
want="linux      /debian/$V1/vmlinux
initrd     /debian/$V1/initrd.img
options    root=UUID=0f5e2a3c-1111-4222-8333-944445555666 ro"
if [ -f "$E1" ] && [ "$(grep -E '^(linux|initrd|options) ' "$E1")" = "$want" ] &&
	grep -qx "version    $V1" "$E1" && grep -qx 'sort-key   debian' "$E1" &&
	cmp -s "$ESP/debian/$V1/initrd.img" "$R/boot/initrd.img-$V1"; then
	ok "entry $V1: linux, initrd, version, sort-key; cmdline root= from fstab, ro"
else
	not_ok "entry $V1" "unexpected entry" "$E1"
fi

# Idempotent: a second install writes nothing (same files, sizes, times).
sleep 1
snap() { find "$R/boot" "$R/etc/kernel" -type f -printf '%P %s %T@\n' | sort; }
snap >"$LOG/snap1"
# (Without --no-variables: not the running system, so no efibootmgr either.)
pvhboot-install --esp-path /boot/efi --removable install >"$LOG/install2.log" 2>&1
snap >"$LOG/snap2"
if cmp -s "$LOG/snap1" "$LOG/snap2" && ! grep -q -e installed -e written -e extracted -e entry "$LOG/install2.log" &&
	grep -q 'EFI variables left alone' "$LOG/install2.log"; then
	ok "pvhboot-install install twice: nothing changes, EFI variables left alone"
else
	not_ok "pvhboot-install install twice" "files changed" "$LOG/install2.log"
fi

# /etc/kernel/cmdline wins; the postinst.d hook as a kernel package runs it.
printf 'root=/dev/vda2 ro\nconsole=ttyS0   panic=-1\n' >"$R/etc/kernel/cmdline"
cp cache/kernel-6.12/vmlinuz "$R/boot/vmlinuz-$V2"
printf 'first initrd of %s\n' "$V2" >"$R/boot/initrd.img-$V2"
"$R/etc/kernel/postinst.d/zz-pvhboot" "$V2" "$R/boot/vmlinuz-$V2" >"$LOG/postinst.log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -f "$E2" ] && grep -qx 'options    root=/dev/vda2 ro console=ttyS0 panic=-1' "$E2" &&
	pvh-inspect "$ESP/debian/$V2/vmlinux" >>"$LOG/inspect.log" 2>&1; then
	ok "postinst.d hook: kernel $V2 extracted, entry with /etc/kernel/cmdline"
else
	not_ok "postinst.d hook $V2" "status $rc or wrong entry" "$LOG/postinst.log"
fi
# Two kernels, newest first: the same sort-key, so version order decides.
order=$(printf '%s\n' "$V1" "$V2" | sort -V -r | head -n 1)
if [ "$(sed -n 's/^sort-key *//p' "$E1")" = "$(sed -n 's/^sort-key *//p' "$E2")" ] && [ "$order" = "$V2" ]; then
	ok "two entries, one sort-key: newest ($V2) first by version"
else
	not_ok "two entries" "sort-keys differ" "$E2"
fi

# An initramfs update (after the kernel's postinst): the ESP copy follows.
# The new one is a real initramfs (scripts/mkinitramfs.sh) for the boot below.
"$BOOT_ROOT/scripts/mkinitramfs.sh" "$R/boot/initrd.img-$V2" >"$LOG/mkinitramfs.log" 2>&1 ||
	not_ok "initramfs" "mkinitramfs.sh failed" "$LOG/mkinitramfs.log"
"$R/etc/initramfs/post-update.d/pvhboot" "$V2" "$R/boot/initrd.img-$V2" >"$LOG/post-update.log" 2>&1
rc=$?
if [ $rc = 0 ] && cmp -s "$ESP/debian/$V2/initrd.img" "$R/boot/initrd.img-$V2" &&
	grep -qx "initrd     /debian/$V2/initrd.img" "$E2"; then
	ok "post-update.d hook: the new initrd is next to the entry"
else
	not_ok "post-update.d hook" "status $rc or stale initrd" "$LOG/post-update.log"
fi

# What the hooks wrote boots: the ESP tree as a FAT image, OVMF starts
# \EFI\BOOT\BOOTX64.EFI, which picks the newest entry ($V2) with its
# initrd and /etc/kernel/cmdline's line, to the initramfs's marker.
specs=()
while IFS= read -r f; do specs+=("$ESP/$f=/$f"); done < <(cd "$ESP" && find . -type f | sed 's|^\./||')
blog=$LOG/boot-uefi.log
if "$BOOT_ROOT/scripts/mkesp.sh" "$T/esp.img" 256 "${specs[@]}" >"$blog.mkesp" 2>&1; then
	cp /usr/share/OVMF/OVMF_VARS.fd "$T/vars.fd"
	QEMU_MEM=512 qemu_run package-uefi 300 "$blog" -- -M pc \
		-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd \
		-drive if=pflash,format=raw,unit=1,file="$T/vars.fd" \
		-drive if=virtio,format=raw,file="$T/esp.img"
	marker=$(tr -d '\r' <"$blog" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	if [ "$QEMU_RC" = 33 ] && tr -d '\r' <"$blog" | grep -aq "Linux version ${V2%%-*}" &&
		[[ $marker == *"initramfs=ok"*"cmdline=[root=/dev/vda2 ro console=ttyS0 panic=-1"* ]]; then
		ok "OVMF + pvhboot.efi boots the newest entry ($V2) to its initramfs"
	else
		not_ok "OVMF + pvhboot.efi boots the newest entry" "$(boot_rc_meaning "$QEMU_RC"); marker: ${marker:-none}" "$blog"
	fi
else
	not_ok "OVMF + pvhboot.efi boots the newest entry" "mkesp.sh failed" "$blog.mkesp"
fi
rm -f "$T/esp.img"

# A kernel without a PVH entry (CONFIG_PVH off; here an ELF without the
# note, which pvh-extract refuses with status 1): skipped with a message.
cp /bin/true "$R/boot/vmlinuz-9.9.9-nopvh"
"$R/etc/kernel/postinst.d/zz-pvhboot" 9.9.9-nopvh "$R/boot/vmlinuz-9.9.9-nopvh" >"$LOG/nopvh.log" 2>&1
rc=$?
if [ $rc = 0 ] && grep -q 'no PVH entry' "$LOG/nopvh.log" && ! [ -e "$R/boot/pvhboot/vmlinux-9.9.9-nopvh.gz" ] &&
	! [ -e "$ESP/loader/entries/debian-9.9.9-nopvh.conf" ]; then
	ok "kernel without PVH entry: skipped with a message, no entry"
else
	not_ok "kernel without PVH entry" "status $rc or an entry written" "$LOG/nopvh.log"
fi
rm -f "$R/boot/vmlinuz-9.9.9-nopvh"

# update-grub's script on this tree (grub-mkconfig's device probing needs
# real devices: the image tests run it in the booted system).
cat >>"$R/etc/default/pvhboot" <<'EOF'
PVHBOOT_GRUB_DEFAULT=true
EOF
"$R/etc/grub.d/25_pvhboot" >"$LOG/grub.cfg" 2>"$LOG/grub.stderr"
rc=$?
entries=$(grep -c '^menuentry ' "$LOG/grub.cfg")
first=$(grep -m1 '^menuentry ' "$LOG/grub.cfg")
mods=$(grep -E '^\s*(multiboot2|module2)' "$LOG/grub.cfg" | head -n 3 | sed -e 's/^\s*//' -e 's/\s\+/ /')
rel=$(grub-mkrelpath "$R/boot")
want="multiboot2 $rel/pvhboot/pvhboot.elf
module2 $rel/pvhboot/vmlinux-$V2.gz root=/dev/vda2 ro console=ttyS0 panic=-1
module2 $rel/initrd.img-$V2"
if [ $rc = 0 ] && [ "$entries" = 2 ] && [[ $first == *"Linux $V2 (PVH"* ]] && [ "$mods" = "$want" ] &&
	grep -q "^set default='pvhboot-$V2-" "$LOG/grub.cfg" && grep -q 'insmod gzio' "$LOG/grub.cfg"; then
	ok "grub.d/25_pvhboot: 2 entries, newest first, multiboot2 + module2 kernel.gz cmdline + initrd, default"
else
	not_ok "grub.d/25_pvhboot" "status $rc, $entries entries" "$LOG/grub.cfg"
fi
if grub-script-check "$LOG/grub.cfg" >>"$LOG/run.log" 2>&1; then
	ok "grub.d/25_pvhboot output passes grub-script-check"
else
	not_ok "grub-script-check" "GRUB rejects the script" "$LOG/grub.cfg"
fi

# Removal: the postrm.d hook takes both the ELF and the entry, the other kernel stays.
rm -f "$R/boot/vmlinuz-$V1" "$R/boot/initrd.img-$V1"
"$R/etc/kernel/postrm.d/zz-pvhboot" "$V1" "/boot/vmlinuz-$V1" >"$LOG/postrm.log" 2>&1
rc=$?
if [ $rc = 0 ] && ! [ -e "$E1" ] && ! [ -e "$ESP/debian/$V1" ] && ! [ -e "$R/boot/pvhboot/vmlinux-$V1.gz" ] &&
	[ -f "$E2" ] && [ -f "$ESP/debian/$V2/vmlinux" ]; then
	ok "postrm.d hook: $V1's ELF, files and entry gone, $V2 kept"
else
	not_ok "postrm.d hook" "status $rc or files left" "$LOG/postrm.log"
fi
if [ "$("$R/etc/grub.d/25_pvhboot" 2>/dev/null | grep -c '^menuentry ')" = 1 ]; then
	ok "grub.d/25_pvhboot after removal: one entry"
else
	not_ok "grub.d/25_pvhboot after removal" "not one entry" "$LOG/postrm.log"
fi

# Without /etc/kernel/cmdline or fstab in another root: a clear error, no entry.
rm -f "$R/etc/kernel/cmdline"
mv "$R/etc/fstab" "$R/etc/fstab.off"
if ! pvhboot-install kernel-add "$V2" >"$LOG/nocmdline.log" 2>&1 && grep -q 'etc/kernel/cmdline' "$LOG/nocmdline.log"; then
	ok "no root= known: error names /etc/kernel/cmdline"
else
	not_ok "no root= known" "no error" "$LOG/nocmdline.log"
fi
mv "$R/etc/fstab.off" "$R/etc/fstab"

# On a running system with no /etc/kernel/cmdline: /proc/cmdline (given as
# PVHBOOT_PROC_CMDLINE), less the words booted after an entry's options
# (firmware mode's VMM words), which must not pile up in every new entry.
entry_opts=$(sed -n 's/^options *//p' "$R/boot/efi/loader/entries/debian-$V2.conf")
got=$(PVHBOOT_PROC_CMDLINE="BOOT_IMAGE=/vmlinuz initrd=/initrd.img $entry_opts tsc_early_khz=2096000 console=hvc0" \
	pvhboot-install cmdline 2>"$LOG/cmdline-running.log")
other=$(PVHBOOT_PROC_CMDLINE="BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet" pvhboot-install cmdline 2>>"$LOG/cmdline-running.log")
if [ -n "$entry_opts" ] && [ "$got" = "$entry_opts" ] && [ "$other" = "root=/dev/sda1 ro quiet" ]; then
	ok "running system: the booted entry's options without the VMM's words; else /proc/cmdline less BOOT_IMAGE="
else
	not_ok "running system's command line" "got '$got' (entry: '$entry_opts'), and '$other' for a line no entry begins" \
		"$LOG/cmdline-running.log"
fi

# status, then remove undoes install.
if pvhboot-install status >"$LOG/status.log" 2>&1 &&
	grep -q "kernel $V2: extracted yes, ESP entry loader/entries/debian-$V2.conf" "$LOG/status.log"; then
	ok "pvhboot-install status"
else
	not_ok "pvhboot-install status" "unexpected" "$LOG/status.log"
fi
# --- unified kernel images: PVHBOOT_LAYOUT=uki, signed with /etc/pvhboot/uki.conf's key ---
# The kernel left ($V2) becomes EFI/Linux/debian-$V2.efi in place of its type
# 1 entry; with Debian's snakeoil key configured the UKI and pvhboot.efi are
# signed, and the snakeoil Secure Boot OVMF boots that ESP to userspace.
UKI=$ESP/EFI/Linux/debian-$V2.efi
SB_CERT=/usr/share/ovmf/PkKek-1-snakeoil.pem
UKI_CMDLINE="root=/dev/vda2 ro console=ttyS0 panic=-1 pvh-path=package-uki"
printf '%s\n' "$UKI_CMDLINE" >"$R/etc/kernel/cmdline"
sed -i 's/^PVHBOOT_LAYOUT=.*/PVHBOOT_LAYOUT=uki/' "$R/etc/default/pvhboot"
# section FILE NAME: the bytes of one PE section.
section() { objcopy -O binary --only-section="$2" "$1" "$T/section" && cat "$T/section"; }
pvhboot-install update >"$LOG/uki-unsigned.log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -f "$UKI" ] && ! sbverify --list "$UKI" 2>/dev/null | grep -q '^signature' &&
	! [ -e "$E2" ] && ! [ -e "$ESP/debian/$V2" ] && cmp -s "$ESP/EFI/pvhboot/pvhboot.efi" "$PVHBOOT_LIBDIR/pvhboot.efi"; then
	ok "layout uki, no key: unsigned $(basename "$UKI"), the type 1 entry and its files gone"
else
	not_ok "layout uki, no key" "status $rc, or no UKI, a signature, or a type 1 entry left" "$LOG/uki-unsigned.log"
fi

# The snakeoil key, encrypted by Debian with the password "snakeoil", in the root.
mkdir -p "$R/etc/pvhboot/keys"
if openssl pkey -in /usr/share/ovmf/PkKek-1-snakeoil.key -passin pass:snakeoil \
	-out "$R/etc/pvhboot/keys/db.key" 2>"$LOG/openssl.log" && cp "$SB_CERT" "$R/etc/pvhboot/keys/db.crt"; then
	sed -i 's/^#\(SecureBoot\)/\1/' "$R/etc/pvhboot/uki.conf"
else
	not_ok "snakeoil key" "openssl cannot decrypt it" "$LOG/openssl.log"
fi
pvhboot-install update >"$LOG/uki.log" 2>&1
rc=$?
secs=$(objdump -h "$UKI" 2>/dev/null | awk '$2 ~ /^\./ { print $2 }' | tr '\n' ' ')
if [ $rc = 0 ] && [[ $secs == *".osrel .cmdline .uname .initrd .linux "* ]] &&
	cmp -s <(section "$UKI" .linux) <(gzip -dc "$R/boot/pvhboot/vmlinux-$V2.gz") &&
	cmp -s <(section "$UKI" .initrd) "$R/boot/initrd.img-$V2" &&
	cmp -s <(section "$UKI" .osrel) "$R/etc/os-release" &&
	[ "$(section "$UKI" .uname)" = "$V2" ] && [ "$(section "$UKI" .cmdline)" = "$UKI_CMDLINE lockdown=integrity" ]; then
	ok "UKI sections: .linux the PVH ELF, .initrd, .osrel, .uname, .cmdline with lockdown=integrity"
else
	not_ok "UKI sections" "status $rc, sections: $secs" "$LOG/uki.log"
fi
if sbverify --cert "$SB_CERT" "$UKI" >>"$LOG/run.log" 2>&1 &&
	sbverify --cert "$SB_CERT" "$ESP/EFI/pvhboot/pvhboot.efi" >>"$LOG/run.log" 2>&1 &&
	cmp -s "$ESP/EFI/BOOT/BOOTX64.EFI" "$ESP/EFI/pvhboot/pvhboot.efi" &&
	! cmp -s "$ESP/EFI/pvhboot/pvhboot.efi" "$PVHBOOT_LIBDIR/pvhboot.efi"; then
	ok "key configured: the UKI, pvhboot.efi and the removable path signed (sbverify --cert)"
else
	not_ok "signed" "sbverify fails on the UKI or pvhboot.efi" "$LOG/run.log"
fi
sleep 1
snap >"$LOG/uki-snap1"
pvhboot-install update >"$LOG/uki2.log" 2>&1
rc=$?
snap >"$LOG/uki-snap2"
if [ $rc = 0 ] && cmp -s "$LOG/uki-snap1" "$LOG/uki-snap2" && ! [ -s "$LOG/uki2.log" ]; then
	ok "layout uki, signed: update twice changes nothing"
else
	not_ok "layout uki, update twice" "status $rc or files changed" "$LOG/uki2.log"
fi
if pvhboot-install status >"$LOG/uki-status.log" 2>&1 &&
	grep -q "kernel $V2: extracted yes, ESP entry EFI/Linux/debian-$V2.efi" "$LOG/uki-status.log" &&
	grep -q '^signing: *\/etc/pvhboot/keys/db.key' "$LOG/uki-status.log"; then
	ok "pvhboot-install status: layout uki, the key, the UKI"
else
	not_ok "pvhboot-install status (uki)" "unexpected" "$LOG/uki-status.log"
fi
# A half-filled uki.conf: status names the problem, still lists the
# kernels, and exits 2 (update refuses the same setting).
cp "$R/etc/pvhboot/uki.conf" "$T/uki.conf.good"
sed -i '/^SecureBootCertificate=/d' "$R/etc/pvhboot/uki.conf"
pvhboot-install status >"$LOG/uki-status-half.log" 2>&1
rc=$?
if [ $rc = 2 ] && grep -q '^signing: *unusable: /etc/pvhboot/uki.conf: SecureBootPrivateKey and SecureBootCertificate go together' \
	"$LOG/uki-status-half.log" && grep -q "^kernel $V2: extracted yes" "$LOG/uki-status-half.log"; then
	ok "pvhboot-install status: a half-filled uki.conf is reported, the rest still listed"
else
	not_ok "pvhboot-install status (half uki.conf)" "status $rc, or no report or no kernel line" "$LOG/uki-status-half.log"
fi
cp "$T/uki.conf.good" "$R/etc/pvhboot/uki.conf"

# The ESP the hooks wrote, under Secure Boot (Debian's snakeoil OVMF, which
# enforces it with the key above): the signed pvhboot.efi on the removable
# path lists the type 2 entry and the firmware verifies and starts it. Only
# the relocatable 6.12 kernel boots there (ACPI NVS at 8-23 MiB).
SB_CODE=$SNAKEOIL_CODE
SB_VARS=$SNAKEOIL_VARS
specs=()
while IFS= read -r f; do specs+=("$ESP/$f=/$f"); done < <(cd "$ESP" && find . -type f | sed 's|^\./||')
blog=$LOG/boot-secureboot.log
if ! [ -r "$SB_CODE" ]; then
	not_ok "Secure Boot boot" "$SB_CODE missing (ovmf)"
elif "$BOOT_ROOT/scripts/mkesp.sh" "$T/esp.img" 256 "${specs[@]}" >"$blog.mkesp" 2>&1; then
	cp "$SB_VARS" "$T/sb-vars.fd"
	QEMU_MEM=512 snakeoil_run package-secureboot 600 "$blog" "$T/sb-vars.fd" "$T/esp.img"
	marker=$(tr -d '\r' <"$blog" | grep -a -m1 '^PVHBOOT-USERSPACE: ')
	# (lockdown=integrity closes /dev/port: the initramfs powers off, status 0.)
	if { [ "$QEMU_RC" = 33 ] || [ "$QEMU_RC" = 0 ]; } && grep -aq 'Secure Boot on (SecureBoot=1 SetupMode=0)' "$blog" &&
		grep -aq "booting entry 'debian-$V2.efi'" "$blog" &&
		[[ $marker == *"initramfs=ok"*"cmdline=[$UKI_CMDLINE lockdown=integrity"* ]]; then
		ok "Secure Boot OVMF: signed pvhboot.efi boots the hooks' signed UKI ($V2) to its initramfs"
	else
		not_ok "Secure Boot OVMF boots the hooks' UKI" "$(boot_rc_meaning "$QEMU_RC"); marker: ${marker:-none}" "$blog"
	fi
else
	not_ok "Secure Boot boot" "mkesp.sh failed" "$blog.mkesp"
fi
rm -f "$T/esp.img" "$T/sb-vars.fd"

# A new initrd (update-initramfs's hook): the UKI is built again with it, signed.
printf 'another initrd of %s\n' "$V2" >"$R/boot/initrd.img-$V2"
"$R/etc/initramfs/post-update.d/pvhboot" "$V2" "$R/boot/initrd.img-$V2" >"$LOG/uki-post-update.log" 2>&1
rc=$?
if [ $rc = 0 ] && cmp -s <(section "$UKI" .initrd) "$R/boot/initrd.img-$V2" &&
	sbverify --cert "$SB_CERT" "$UKI" >>"$LOG/run.log" 2>&1; then
	ok "post-update.d hook: the UKI rebuilt with the new initrd, signed"
else
	not_ok "post-update.d hook (uki)" "status $rc or stale .initrd" "$LOG/uki-post-update.log"
fi

# Back to bls: update writes the type 1 entry again and drops the UKI.
sed -i 's/^PVHBOOT_LAYOUT=.*/PVHBOOT_LAYOUT=bls/' "$R/etc/default/pvhboot"
pvhboot-install update >"$LOG/uki-to-bls.log" 2>&1
rc=$?
if [ $rc = 0 ] && [ -f "$E2" ] && [ -f "$ESP/debian/$V2/vmlinux" ] && ! [ -e "$ESP/EFI/Linux" ]; then
	ok "layout bls again: the type 1 entry back, the UKI and EFI/Linux gone"
else
	not_ok "layout bls again" "status $rc" "$LOG/uki-to-bls.log"
fi

# kernel-install's UKI of the same name is not ours: pvhboot's gets -pvh.
sed -i 's/^PVHBOOT_LAYOUT=.*/PVHBOOT_LAYOUT=uki/' "$R/etc/default/pvhboot"
mkdir -p "$ESP/EFI/Linux"
printf 'a UKI of kernel-install\n' >"$UKI"
pvhboot-install update >"$LOG/uki-other.log" 2>&1
rc=$?
if [ $rc = 0 ] && [ "$(cat "$UKI")" = 'a UKI of kernel-install' ] && sbverify --cert "$SB_CERT" "${UKI%.efi}-pvh.efi" >>"$LOG/run.log" 2>&1; then
	ok "a foreign EFI/Linux/debian-$V2.efi is left alone, ours is debian-$V2-pvh.efi"
else
	not_ok "a foreign UKI of the same name" "status $rc" "$LOG/uki-other.log"
fi

# The kernel's removal (postrm.d hook) takes its UKI; the foreign one stays.
mv "$R/boot/vmlinuz-$V2" "$T/vmlinuz-$V2"
"$R/etc/kernel/postrm.d/zz-pvhboot" "$V2" "/boot/vmlinuz-$V2" >"$LOG/uki-postrm.log" 2>&1
rc=$?
if [ $rc = 0 ] && ! [ -e "${UKI%.efi}-pvh.efi" ] && ! [ -e "$R/boot/pvhboot/.uki-$V2.esp" ] && [ -f "$UKI" ] &&
	! [ -e "$E2" ]; then
	ok "postrm.d hook: the kernel's UKI removed, the foreign one kept"
else
	not_ok "postrm.d hook (uki)" "status $rc or files left" "$LOG/uki-postrm.log"
fi
rm -f "$UKI"
rmdir "$ESP/EFI/Linux"
mv "$T/vmlinuz-$V2" "$R/boot/vmlinuz-$V2"

# Half a key setting: an error that names both keys, nothing written.
sed -i 's/^SecureBootCertificate=/#&/' "$R/etc/pvhboot/uki.conf"
if ! pvhboot-install kernel-add "$V2" >"$LOG/uki-halfkey.log" 2>&1 &&
	grep -q 'SecureBootPrivateKey and SecureBootCertificate go together' "$LOG/uki-halfkey.log" && ! [ -e "$UKI" ]; then
	ok "a key without a certificate: an error naming both, no UKI"
else
	not_ok "a key without a certificate" "no error" "$LOG/uki-halfkey.log"
fi

pvhboot-install --no-variables remove >"$LOG/remove.log" 2>&1
left=$(cd "$ESP" && find . -type f)
if [ -z "$left" ] && ! [ -e "$R/boot/pvhboot" ]; then
	ok "pvhboot-install remove: ESP and /boot/pvhboot empty"
else
	not_ok "pvhboot-install remove" "left: $left" "$LOG/remove.log"
fi

if command -v shellcheck >/dev/null 2>&1; then
	check "shellcheck: pvhboot-install, hooks, GRUB script, maintainer scripts" shellcheck -s sh pkg/pvhboot-install \
		pkg/hooks/kernel-postinst pkg/hooks/kernel-postrm pkg/hooks/initramfs-post-update pkg/grub/25_pvhboot \
		debian/pvhboot.postinst debian/pvhboot.prerm debian/pvhboot.postrm
fi
[ "$fails" = 0 ]
