#!/bin/bash
# mkdom0-initramfs.sh [-d] [-w] [-m MARKER] [-M MIB] [-t SECONDS]
#                     [-p PROMPT -k KEYS] OUT DOMU_KERNEL DOMU_RAMDISK
#                     DOMU_CMDLINE -
# an initramfs (newc cpio, uncompressed) for Debian's Linux as Xen's PVH
# dom0 that starts one unprivileged PVH guest with `xl create` and reports
# how it ended. Used by tests/boot/xen.sh (cases xen-domu-*) and by hand.
#
# Contents: Debian's busybox-static; the toolstack from Debian's packages
# (xen-utils-X.Y: xl, C xenstored, xenconsoled, xen-init-dom0; its Xen
# libraries), fetched once with `apt-get download` into cache/xen-tools/
# (ignored by git), plus the shared libraries ldd names, copied from this
# (Debian 12) host; the Xen drivers Debian builds as modules (xen-evtchn,
# xen-privcmd, xenfs, xen-gntdev, xen-gntalloc: scripts/fetch-kernel.sh
# keeps them in cache/kernel/modules/, for cache/kernel/vmlinux only); with
# -d also the block backend and the virtio-blk-pci driver (xen-blkback,
# virtio_pci, virtio_blk and their dependencies: modules/disk-order); the
# xenstore-* tools of Debian's xenstore-utils, and a hotplug script of its
# own (/etc/xen/scripts/block, busybox sh) in place of Xen's.
#
# Its /init loads the drivers, mounts xenfs, starts xenstored,
# xen-init-dom0 and xenconsoled (which logs the guest's PV console to
# /var/log/xen/guest-domu.log), runs `xl create` for a PVH domain "domu"
# (64 MiB or -M MIB, kernel DOMU_KERNEL, ramdisk DOMU_RAMDISK or none if it
# is "-", command line DOMU_CMDLINE; on_poweroff "destroy", on_reboot and
# on_crash "preserve", so that a domain gone is one that powered itself off)
# and waits for its end, at most 60 s or -t SECONDS.
# With -d the domain gets a disk: dom0's first virtio disk (/dev/vda, a
# QEMU -drive of the test) as a phy backend, vdev xvda (xen vbd 51712),
# writable. libxl waits for xen-blkback's backend to reach InitWait (2),
# then runs the disk's hotplug script, "block add", with XENBUS_PATH
# (backend/vbd/DOMID/51712) in its environment; the script writes the
# device's hex major:minor to XENBUS_PATH/physical-device, on which
# xen-blkback opens it and waits for the guest's frontend. Under QEMU the
# disk needs iommu_platform=on (its DMA through the IOMMU, which Xen
# programs with dom0's map) and Xen's iommu=...,no-sharept: see
# tests/boot/xen.sh's xen_disk_run.
# With -p and -k, once a line of the guest's PV console starts with PROMPT,
# dom0 types KEYS (a printf format: '2\r') on that console, as `xl console`
# would: on the pty xenconsoled names in xenstore (console/tty).
# It prints
#   DOM0-XL: disk /dev/vda: N sectors   (with -d) the disk the domain gets
#   DOM0-XL: hotplug: LINE   (with -d) what the hotplug script did
#   DOM0-XL: vbd before the domain runs: backend state N, frontend state N
#            (with -d; the domain is created paused, so this is what dom0
#            offers: backend 2, InitWait), then
#   DOM0-XL: xenstore: LINE   xenstore-ls -f of the backend's and the
#            frontend's directories
#   DOM0-XL: domain created; xl list: ...
#   DOM0-XL: typed KEYS on the console (/dev/pts/N) after N s   (with -k)
#   DOM0-XL: verdict ok|fail ...|none after N s   (without -m) the guest's
#            "(dN) PVH-CONFORMANCE: " line in Xen's console ring (`xl dmesg`)
#   DOM0-XL: domain powered off|crashed|shut down with reason code R, not
#            destroyed|still running after N s (with xl list's STATE)
#   DOM0-XL: xl: domain has shut down, reason code R ...   (R 0: poweroff)
#   DOM0-XL: vbd backend state N|none   (with -d) xen-blkback's XenbusState
#            when the wait ended (2 InitWait, 4 Connected, 6 Closed; none:
#            the domain is gone), and if the domain is still there the
#            "vbd when the wait ended: ..." and xenstore lines as above
#   DOM0-XL: console: LINE    each line the guest wrote to its PV console,
#            without terminal escapes
# and leaves QEMU through isa-debug-exit (0x10 to port 0xf4: status 33) on a
# pass, else 0x11 (35). A pass is, without -m, the verdict "ok" (waiting
# ends with the verdict); with -m, a console line starting with MARKER and
# the domain powered off (waiting ends with the domain's end); with -m and
# -w, a console line starting with MARKER alone (waiting ends with it, the
# domain is then destroyed: a Linux guest at its login prompt never powers
# itself off).
set -euo pipefail

usage="usage: $0 [-d] [-w] [-m MARKER] [-M MIB] [-t SECONDS] [-p PROMPT -k KEYS] OUT DOMU_KERNEL DOMU_RAMDISK DOMU_CMDLINE"
marker='' disk=0 wait_marker=0 memory=64 timeout=60 prompt='' keys=''
while getopts dwm:M:t:p:k: opt; do
	case $opt in
	d) disk=1 ;;
	w) wait_marker=1 ;;
	m) marker=$OPTARG ;;
	M) memory=$OPTARG ;;
	t) timeout=$OPTARG ;;
	p) prompt=$OPTARG ;;
	k) keys=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { echo "$usage" >&2; exit 2; }
case $memory$timeout in *[!0-9]*) echo "mkdom0-initramfs: -M and -t take numbers" >&2; exit 2 ;; esac
if { [ -n "$prompt" ] && [ -z "$keys" ]; } || { [ -z "$prompt" ] && [ -n "$keys" ]; }; then
	echo "mkdom0-initramfs: -p and -k go together" >&2
	exit 2
fi
if [ "$wait_marker" = 1 ] && [ -z "$marker" ]; then
	echo "mkdom0-initramfs: -w needs -m MARKER" >&2
	exit 2
fi
out=$1 domu_kernel=$2 domu_ramdisk=$3 domu_cmdline=$4
top=$(cd "$(dirname "$0")/.." && pwd)
tools=$top/cache/xen-tools
mods=$top/cache/kernel/modules
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkdom0-initramfs: $bb missing: apt-get install busybox-static" >&2; exit 1; }
modules="xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc"
disk_modules=
if [ "$disk" = 1 ]; then
	[ -s "$mods/disk-order" ] || { echo "mkdom0-initramfs: $mods/disk-order missing: run scripts/fetch-kernel.sh" >&2; exit 1; }
	disk_modules=$(tr '\n' ' ' <"$mods/disk-order")
fi
for m in $modules $disk_modules; do
	[ -s "$mods/$m.ko" ] || { echo "mkdom0-initramfs: $mods/$m.ko missing: run scripts/fetch-kernel.sh" >&2; exit 1; }
done

# fetch_tools: xen-utils-X.Y (the newest apt knows), xenstore-utils (the
# xenstore-* tools a hotplug script uses) and the Xen libraries they need,
# unpacked into cache/xen-tools/root.
fetch_tools() {
	local work pkg libs
	work=$(mktemp -d)
	pkg=$(apt-cache search --names-only '^xen-utils-[0-9.]*$' 2>/dev/null | cut -d' ' -f1 | sort -V | tail -n1)
	if [ -z "$pkg" ]; then
		apt-get update -qq
		pkg=$(apt-cache search --names-only '^xen-utils-[0-9.]*$' | cut -d' ' -f1 | sort -V | tail -n1)
	fi
	[ -n "$pkg" ] || { echo "mkdom0-initramfs: no xen-utils-* package known to apt" >&2; rm -rf "$work"; return 1; }
	# Only the Xen libraries (and yajl): the rest (glibc, zlib...) is the host's.
	libs=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
		--no-replaces --no-enhances "$pkg" xenstore-utils | sed -n 's/^ *Depends: \(lib\(xen\|yajl\)[^ <>]*\)$/\1/p' |
		sort -u | tr '\n' ' ')
	echo "mkdom0-initramfs: downloading $pkg xenstore-utils $libs"
	# shellcheck disable=SC2086 # one word per package
	if ! "$top/scripts/apt-download.sh" "$work" "$pkg" xenstore-utils $libs; then
		echo "mkdom0-initramfs: apt-get download of $pkg xenstore-utils $libs failed (above)" >&2
		rm -rf "$work"
		return 1
	fi
	for d in "$work"/*.deb; do dpkg -x "$d" "$work/root"; done
	echo "$pkg" >"$work/root/xen-tools-package"
	rm -rf "$tools"
	mkdir -p "$tools"
	mv "$work/root" "$tools/root"
	rm -rf "$work"
}
# A cache from before xenstore-utils was fetched too is filled again.
if ! [ -s "$tools/root/xen-tools-package" ] || ! [ -x "$tools/root/usr/bin/xenstore" ]; then
	fetch_tools
fi
pkg=$(cat "$tools/root/xen-tools-package")
bin=$tools/root/usr/lib/xen-${pkg#xen-utils-}/bin
for b in xl xenstored xenconsoled xen-init-dom0; do
	[ -x "$bin/$b" ] || { echo "mkdom0-initramfs: $b missing under $bin" >&2; exit 1; }
done
xenstore=$tools/root/usr/bin/xenstore
[ -x "$xenstore" ] || { echo "mkdom0-initramfs: $xenstore missing (xenstore-utils)" >&2; exit 1; }

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,sbin,proc,sys,dev,etc,tmp,lib/modules,lib64,run,var/lib/xen,var/lib/xenstored,var/log/xen,var/lock} \
	"$dir/lib/x86_64-linux-gnu" "$dir/etc/xen/scripts"
ln -s ../run "$dir/var/run"
cp "$bb" "$dir/bin/busybox"
for b in xl xenstored xenconsoled xen-init-dom0; do
	cp "$bin/$b" "$dir/sbin/$b"
done
# One program; it acts as its name says (xenstore-read, ...).
cp "$xenstore" "$dir/sbin/xenstore"
for b in read write ls list rm exists; do
	ln -s xenstore "$dir/sbin/xenstore-$b"
done
for m in $modules $disk_modules; do
	cp "$mods/$m.ko" "$dir/lib/modules/"
done
# Loaded by /init in this order (the disk's in modules/disk-order's).
echo "$modules $disk_modules" >"$dir/etc/modules"
# Shared libraries: the packaged Xen ones first, the rest from the host.
libdir=$tools/root/usr/lib/x86_64-linux-gnu
for b in "$bin/xl" "$bin/xenstored" "$bin/xenconsoled" "$bin/xen-init-dom0" "$xenstore"; do
	LD_LIBRARY_PATH=$libdir ldd "$b"
done >"$dir/ldd.txt"
if grep 'not found' "$dir/ldd.txt" >&2; then
	echo "mkdom0-initramfs: libraries missing on this host (above)" >&2
	exit 1
fi
sed -n 's/^\t[^ ]* => \(\/[^ ]*\) .*/\1/p; s/^\t\(\/lib64\/[^ ]*\) .*/\1/p' "$dir/ldd.txt" | sort -u |
	while read -r lib; do
		case $lib in
		/lib64/*) cp -L "$lib" "$dir/lib64/" ;;
		*) cp -L "$lib" "$dir/lib/x86_64-linux-gnu/" ;;
		esac
	done
rm "$dir/ldd.txt"
# glibc dlopen()s libgcc_s for pthread_cancel (xl's threads): ldd cannot see it.
cp -L /lib/x86_64-linux-gnu/libgcc_s.so.1 "$dir/lib/x86_64-linux-gnu/"
[ -s "$dir/lib/x86_64-linux-gnu/libxenlight.so.${pkg#xen-utils-}" ] ||
	{ echo "mkdom0-initramfs: libxenlight not found by ldd" >&2; exit 1; }
cp "$domu_kernel" "$dir/domu-kernel"
[ "$domu_ramdisk" = - ] || cp "$domu_ramdisk" "$dir/domu-ramdisk"
# xl's config syntax: a double-quoted string; the command line has no quotes.
case $domu_cmdline in *'"'* | *\\*) echo "mkdom0-initramfs: no quotes or backslashes in DOMU_CMDLINE" >&2; exit 1 ;; esac
{
	echo 'type = "pvh"'
	echo 'name = "domu"'
	echo 'kernel = "/domu-kernel"'
	[ "$domu_ramdisk" = - ] || echo 'ramdisk = "/domu-ramdisk"'
	echo "cmdline = \"$domu_cmdline\""
	echo "memory = $memory"
	echo 'vcpus = 1'
	echo 'on_poweroff = "destroy"'
	echo 'on_reboot = "preserve"'
	echo 'on_crash = "preserve"'
	# The script's path is absolute (libxl takes a relative one from its
	# own script directory); target comes last in a disk spec.
	[ "$disk" = 0 ] ||
		echo "disk = [ 'format=raw, vdev=xvda, access=rw, script=/etc/xen/scripts/block, target=/dev/vda' ]"
} >"$dir/etc/xen/domu.cfg"
# libxl's hotplug call for a phy disk: "block add|remove", environment
# XENBUS_PATH (the backend's directory, relative to dom0's home in the
# store). Xen's own script (bash) checks sharing and sets up loop devices:
# none of that applies to a whole disk of dom0 given to one guest.
cat >"$dir/etc/xen/scripts/block" <<'EOF'
#!/bin/sh
# block add|remove - libxl's hotplug script for a phy disk: the device's
# major:minor (hex) to the backend's physical-device, for xen-blkback.
log() { echo "block $1 $XENBUS_PATH: $2" >>/run/hotplug.log; }
case $1 in
add)
	dev=$(xenstore-read "$XENBUS_PATH/params") || { log add "no params"; exit 1; }
	if [ ! -b "$dev" ] || ! mm=$(stat -L -c %t:%T "$dev" 2>/dev/null); then
		xenstore-write "$XENBUS_PATH/hotplug-error" "$dev is no block device" \
			"$XENBUS_PATH/hotplug-status" error
		log add "$dev is no block device"
		exit 1
	fi
	xenstore-write "$XENBUS_PATH/physical-device" "$mm" "$XENBUS_PATH/physical-device-path" "$dev" \
		"$XENBUS_PATH/hotplug-status" connected || { log add "xenstore-write failed"; exit 1; }
	# libxl ran this once the backend was in InitWait (2): it stays there
	# until the guest's frontend connects.
	log add "$dev physical-device $mm, backend state $(xenstore-read "$XENBUS_PATH/state")"
	;;
remove) log remove "nothing to undo" ;;
*) log "$1" "unknown action"; exit 1 ;;
esac
EOF
chmod 755 "$dir/etc/xen/scripts/block"
# The pass condition for /init: empty for the conformance verdict.
printf '%s\n' "$marker" >"$dir/etc/domu-marker"
printf '%s\n%s\n' "$prompt" "$keys" >"$dir/etc/domu-keys"
# Its numbers: 0/1 flags and seconds.
echo "disk=$disk wait_marker=$wait_marker timeout=$timeout" >"$dir/etc/domu-options"
echo 'autoballoon="off"' >"$dir/etc/xen/xl.conf"

cat >"$dir/init" <<'EOF2'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/sbin:/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts # xenconsoled's ttys
mount -t tmpfs tmp /run
mkdir -p /run/xen /run/xenstored
# exit_qemu BYTE: isa-debug-exit, QEMU's status is (BYTE << 1) | 1.
exit_qemu() {
	printf "$1" | dd of=/dev/port bs=1 seek=244 count=1 2>/dev/null
	poweroff -f
}
fail() {
	echo "DOM0-XL: $*"
	exit_qemu '\021'
}
# disk=0|1 wait_marker=0|1 timeout=S, written by mkdom0-initramfs.sh.
. /etc/domu-options
for m in $(cat /etc/modules); do
	insmod /lib/modules/$m.ko || fail "insmod $m failed"
done
if [ "$disk" = 1 ]; then
	# virtio_blk's probe and devtmpfs's node: at once, but not synchronous.
	i=0
	until [ -b /dev/vda ]; do
		i=$((i + 1))
		[ $i -lt 30 ] || fail "no /dev/vda: $(tr -s ' \n' ' ' </proc/partitions)"
		sleep 1
	done
	echo "DOM0-XL: disk /dev/vda: $(cat /sys/block/vda/size) sectors"
fi
mount -t xenfs xenfs /proc/xen || fail "cannot mount xenfs"
xenstored --pid-file /run/xenstored.pid >/run/xenstored.log 2>&1 || fail "xenstored failed: $(cat /run/xenstored.log)"
i=0
until xen-init-dom0 >/run/init-dom0.log 2>&1; do
	i=$((i + 1))
	[ $i -lt 20 ] || fail "xen-init-dom0 failed: $(tail -n 2 /run/init-dom0.log)"
	sleep 1
done
# xl create waits for xenconsoled to take the guest's console; its log of
# that console is how a guest's own output (not Xen's ring) is seen.
xenconsoled --pid-file=/run/xenconsoled.pid --log=guest --log-dir=/var/log/xen >/run/xenconsoled.log 2>&1 ||
	fail "xenconsoled failed: $(cat /run/xenconsoled.log)"
read -r marker </etc/domu-marker
{ read -r prompt; read -r keys; } </etc/domu-keys
# The hotplug script's record, on success or not.
hotplug() {
	[ -f /run/hotplug.log ] && sed 's/^/DOM0-XL: hotplug: /' /run/hotplug.log
	rm -f /run/hotplug.log
}
# vbd_report WHEN: the vbd's two ends (XenbusState), and the store's record
# of the backend (and the frontend, while the domain is there).
vbd_report() {
	[ "$disk" = 1 ] || return 0
	echo "DOM0-XL: vbd $1: backend state $(xenstore-read "backend/vbd/$domid/51712/state" 2>/dev/null ||
		echo none), frontend state $(xenstore-read "/local/domain/$domid/device/vbd/51712/state" 2>/dev/null || echo none)"
	{
		xenstore-ls -f /local/domain/0/backend/vbd
		xenstore-ls -f "/local/domain/$domid/device/vbd"
	} 2>&1 | sed 's/^/DOM0-XL: xenstore: /'
}
# Created paused: the devices are set up (xl create returns once the
# hotplug script has run), and what dom0 offers is on record before the
# guest can change it.
xl create -p /etc/xen/domu.cfg >/run/xl-create.log 2>&1 || { cat /run/xl-create.log; hotplug; fail "xl create failed"; }
hotplug
domid=$(xl domid domu 2>/dev/null)
vbd_report "before the domain runs"
xl unpause domu || fail "xl unpause failed"
state=$(xl list domu 2>/dev/null | sed -n 2p | tr -s ' ')
echo "DOM0-XL: domain created; xl list: ${state:-gone already}"
# console_text: the guest's PV console so far, without the terminal's
# escapes (GRUB sets colours: ESC [ 37 m ...) and CRs, in /run/console.txt.
esc=$(printf '\033')
cr=$(printf '\r')
console_text() {
	touch /var/log/xen/guest-domu.log # none when the guest never wrote to its console
	sed "s/$esc\[[0-9;?]*[A-Za-z]//g; s/$cr//g" /var/log/xen/guest-domu.log >/run/console.txt
}
# console_has PREFIX: a line of the console so far starts with PREFIX.
console_has() {
	console_text
	awk -v m="$1" 'index($0, m) == 1 { found = 1; exit } END { exit !found }' /run/console.txt
}
# type_keys: with -p/-k, KEYS on the domain's console once PROMPT is there.
typed=
type_keys() {
	[ -n "$prompt" ] && [ -z "$typed" ] || return 0
	console_has "$prompt" || return 0
	tty=$(xenstore-read "/local/domain/$domid/console/tty" 2>/dev/null) || fail "no console/tty in xenstore to type on"
	# shellcheck disable=SC2059 # KEYS is a printf format by design
	printf "$keys" >"$tty" || fail "cannot type on $tty"
	typed=1
	echo "DOM0-XL: typed $keys on the console ($tty) after $t s"
}
# Waiting ends with the verdict (no marker) or the domain's end: gone
# (powered off: xl's child destroys it, on_poweroff), or preserved after a
# reboot or crash: xl's child logs the reason first ("reason code 0" is a
# poweroff, about to be destroyed: a shut-down state alone does not end it).
# With -w, the marker ends it.
t=0 verdict= state= reason= seen=
while [ $t -lt "$timeout" ]; do
	type_keys
	verdict=$(xl dmesg | sed -n 's/^(d[1-9][0-9]*) PVH-CONFORMANCE: //p' | head -n 1)
	[ -z "$marker" ] && [ -n "$verdict" ] && break
	[ "$wait_marker" = 1 ] && console_has "$marker" && seen=1 && break
	state=$(xl list domu 2>/dev/null | sed -n 2p | tr -s ' ' | cut -d' ' -f5) || state=
	[ -z "$state" ] && break
	reason=$(sed -n 's/.*has shut down, reason code \([0-9]*\) .*/\1/p' /var/log/xen/xl-domu.log 2>/dev/null | head -n 1)
	[ -n "$reason" ] && [ "$reason" != 0 ] && break
	case $state in *c*) break ;; esac
	sleep 1
	t=$((t + 1))
done
state=$(xl list domu 2>/dev/null | sed -n 2p | tr -s ' ' | cut -d' ' -f5) || state=
case $state in
'') end="powered off" ;;
*c*) end="crashed ($state)" ;;
*s*) end="shut down with reason code ${reason:-?}, not destroyed ($state)" ;;
*) end="still running ($state)" ;;
esac
[ -n "$marker" ] && sleep 1 # xenconsoled's last read of the ring
if [ "$disk" = 1 ]; then
	# Read before the destroy removes them: where the vbd's two ends got to.
	echo "DOM0-XL: vbd backend state $(xenstore-read "backend/vbd/$domid/51712/state" 2>/dev/null || echo none)"
	[ -n "$state" ] && vbd_report "when the wait ended"
fi
[ -n "$state" ] && xl destroy domu
[ -z "$marker" ] && echo "DOM0-XL: verdict ${verdict:-none} after $t s"
echo "DOM0-XL: domain $end after $t s"
# xl's own record of the end (its child that acts on on_poweroff...).
sed -n 's/.*\(has shut down, reason code .*\)/DOM0-XL: xl: domain \1/p' /var/log/xen/xl-domu.log 2>/dev/null
console_text
# The last line may have no newline (a login prompt waits on its line).
while IFS= read -r line || [ -n "$line" ]; do
	echo "DOM0-XL: console: $line"
	[ -n "$marker" ] && case $line in "$marker"*) seen=1 ;; esac
done </run/console.txt
if [ -z "$marker" ]; then
	[ "$verdict" = ok ] && exit_qemu '\020'
elif [ "$wait_marker" = 1 ] && [ -n "$seen" ]; then
	exit_qemu '\020'
elif [ -z "$state" ] && [ -n "$seen" ]; then
	exit_qemu '\020'
fi
exit_qemu '\021'
EOF2
chmod 755 "$dir/init"
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out"
echo "mkdom0-initramfs: $out ($(stat -c %s "$out") bytes, toolstack from $pkg)"
