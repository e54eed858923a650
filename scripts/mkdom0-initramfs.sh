#!/bin/bash
# mkdom0-initramfs.sh [-m MARKER] OUT DOMU_KERNEL DOMU_RAMDISK DOMU_CMDLINE -
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
# keeps them in cache/kernel/modules/, for cache/kernel/vmlinux only).
#
# Its /init loads the drivers, mounts xenfs, starts xenstored,
# xen-init-dom0 and xenconsoled (which logs the guest's PV console to
# /var/log/xen/guest-domu.log), runs `xl create` for a PVH domain "domu"
# (64 MiB, kernel DOMU_KERNEL, ramdisk DOMU_RAMDISK, command line
# DOMU_CMDLINE; on_poweroff "destroy", on_reboot and on_crash "preserve",
# so that a domain gone is one that powered itself off) and waits for its
# end, at most 60 s. It prints
#   DOM0-XL: domain created; xl list: ...
#   DOM0-XL: verdict ok|fail ...|none after N s   (without -m) the guest's
#            "(dN) PVH-CONFORMANCE: " line in Xen's console ring (`xl dmesg`)
#   DOM0-XL: domain powered off|crashed|shut down with reason code R, not
#            destroyed|still running after N s (with xl list's STATE)
#   DOM0-XL: xl: domain has shut down, reason code R ...   (R 0: poweroff)
#   DOM0-XL: console: LINE    each line the guest wrote to its PV console,
#            without terminal escapes
# and leaves QEMU through isa-debug-exit (0x10 to port 0xf4: status 33) on a
# pass, else 0x11 (35). A pass is, without -m, the verdict "ok" (waiting
# ends with the verdict); with -m, a console line starting with MARKER and
# the domain powered off (waiting ends with the domain's end).
set -euo pipefail

usage="usage: $0 [-m MARKER] OUT DOMU_KERNEL DOMU_RAMDISK DOMU_CMDLINE"
marker=
while getopts m: opt; do
	case $opt in
	m) marker=$OPTARG ;;
	*) echo "$usage" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 4 ] || { echo "$usage" >&2; exit 2; }
out=$1 domu_kernel=$2 domu_ramdisk=$3 domu_cmdline=$4
top=$(cd "$(dirname "$0")/.." && pwd)
tools=$top/cache/xen-tools
mods=$top/cache/kernel/modules
bb=/bin/busybox
[ -x "$bb" ] || { echo "mkdom0-initramfs: $bb missing: apt-get install busybox-static" >&2; exit 1; }
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	[ -s "$mods/$m.ko" ] || { echo "mkdom0-initramfs: $mods/$m.ko missing: run scripts/fetch-kernel.sh" >&2; exit 1; }
done

# fetch_tools: xen-utils-X.Y (the newest apt knows) and the Xen libraries
# it needs, unpacked into cache/xen-tools/root.
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
		--no-replaces --no-enhances "$pkg" | sed -n 's/^ *Depends: \(lib\(xen\|yajl\)[^ <>]*\)$/\1/p' |
		sort -u | tr '\n' ' ')
	echo "mkdom0-initramfs: downloading $pkg $libs"
	# shellcheck disable=SC2086 # one word per package
	if ! "$top/scripts/apt-download.sh" "$work" "$pkg" $libs; then
		echo "mkdom0-initramfs: apt-get download of $pkg $libs failed (above)" >&2
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
[ -s "$tools/root/xen-tools-package" ] || fetch_tools
pkg=$(cat "$tools/root/xen-tools-package")
bin=$tools/root/usr/lib/xen-${pkg#xen-utils-}/bin
for b in xl xenstored xenconsoled xen-init-dom0; do
	[ -x "$bin/$b" ] || { echo "mkdom0-initramfs: $b missing under $bin" >&2; exit 1; }
done

dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir -p "$dir"/{bin,sbin,proc,sys,dev,etc,tmp,lib/modules,lib64,run,var/lib/xen,var/lib/xenstored,var/log/xen,var/lock} \
	"$dir/lib/x86_64-linux-gnu" "$dir/etc/xen"
ln -s ../run "$dir/var/run"
cp "$bb" "$dir/bin/busybox"
for b in xl xenstored xenconsoled xen-init-dom0; do
	cp "$bin/$b" "$dir/sbin/$b"
done
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	cp "$mods/$m.ko" "$dir/lib/modules/"
done
# Shared libraries: the packaged Xen ones first, the rest from the host.
libdir=$tools/root/usr/lib/x86_64-linux-gnu
for b in xl xenstored xenconsoled xen-init-dom0; do
	LD_LIBRARY_PATH=$libdir ldd "$bin/$b"
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
cp "$domu_ramdisk" "$dir/domu-ramdisk"
# xl's config syntax: a double-quoted string; the command line has no quotes.
case $domu_cmdline in *'"'* | *\\*) echo "mkdom0-initramfs: no quotes or backslashes in DOMU_CMDLINE" >&2; exit 1 ;; esac
cat >"$dir/etc/xen/domu.cfg" <<EOF
type = "pvh"
name = "domu"
kernel = "/domu-kernel"
ramdisk = "/domu-ramdisk"
cmdline = "$domu_cmdline"
memory = 64
vcpus = 1
on_poweroff = "destroy"
on_reboot = "preserve"
on_crash = "preserve"
EOF
# The pass condition for /init: empty for the conformance verdict.
printf '%s\n' "$marker" >"$dir/etc/domu-marker"
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
for m in xen-evtchn xen-privcmd xenfs xen-gntdev xen-gntalloc; do
	insmod /lib/modules/$m.ko || fail "insmod $m failed"
done
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
xl create /etc/xen/domu.cfg >/run/xl-create.log 2>&1 || { cat /run/xl-create.log; fail "xl create failed"; }
state=$(xl list domu 2>/dev/null | sed -n 2p | tr -s ' ')
echo "DOM0-XL: domain created; xl list: ${state:-gone already}"
# Waiting ends with the verdict (no marker) or the domain's end: gone
# (powered off: xl's child destroys it, on_poweroff), or preserved after a
# reboot or crash: xl's child logs the reason first ("reason code 0" is a
# poweroff, about to be destroyed: a shut-down state alone does not end it).
t=0 verdict= state= reason=
while [ $t -lt 60 ]; do
	verdict=$(xl dmesg | sed -n 's/^(d[1-9][0-9]*) PVH-CONFORMANCE: //p' | head -n 1)
	[ -z "$marker" ] && [ -n "$verdict" ] && break
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
[ -n "$state" ] && xl destroy domu
[ -z "$marker" ] && echo "DOM0-XL: verdict ${verdict:-none} after $t s"
echo "DOM0-XL: domain $end after $t s"
# xl's own record of the end (its child that acts on on_poweroff...).
sed -n 's/.*\(has shut down, reason code .*\)/DOM0-XL: xl: domain \1/p' /var/log/xen/xl-domu.log 2>/dev/null
seen=
touch /var/log/xen/guest-domu.log # none when the guest never wrote to its console
# Without the terminal's escapes (GRUB sets colours: ESC [ 37 m ...) and CRs.
esc=$(printf '\033')
sed "s/$esc\[[0-9;?]*[A-Za-z]//g; s/$(printf '\r')//g" /var/log/xen/guest-domu.log >/run/console.txt
while IFS= read -r line; do
	echo "DOM0-XL: console: $line"
	case $line in "$marker"*) seen=1 ;; esac
done </run/console.txt
if [ -z "$marker" ]; then
	[ "$verdict" = ok ] && exit_qemu '\020'
elif [ -z "$state" ] && [ -n "$seen" ]; then
	exit_qemu '\020'
fi
exit_qemu '\021'
EOF2
chmod 755 "$dir/init"
(cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) >"$out"
echo "mkdom0-initramfs: $out ($(stat -c %s "$out") bytes, toolstack from $pkg)"
