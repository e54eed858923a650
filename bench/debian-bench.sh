#!/bin/bash
# debian-bench.sh - the Debian system row group of `make bench` (called by
# bench/bench.sh; usable alone): time from QEMU's start to the kernel's
# first console line ("Linux version") and to the login prompt (getty's
# "pvhboot-test ttyS0" issue line) of the image of scripts/mkdebian-image.sh,
# newest kernel (Debian's 6.12), 1 GiB, pc, OVMF read-only code with a fresh
# per-run copy of its variables, disk with snapshot=on:
#   ovmf-pvhboot     OVMF, \EFI\BOOT\BOOTX64.EFI = pvhboot.efi, PVH ELF
#   ovmf-grub-stub   OVMF, GRUB (as BOOTX64.EFI), Debian's 10_linux entry:
#                    vmlinuz as EFI stub (Debian's default path)
#   ovmf-sdboot-stub OVMF, systemd-boot (Debian's systemd-boot-efi) from a
#                    second small ESP disk booted first, vmlinuz as EFI stub
#   ovmf-grub-pvhboot OVMF, GRUB, update-grub's pvhboot entry, pvhboot.elf
# Runs alternate round-robin; medians. Goal: ovmf-pvhboot's first column
# <= 0.6 x ovmf-grub-stub's.
#
#   bench/debian-bench.sh [--runs N] [--out DIR]     (default 3, build/bench/debian)
# Output: DIR/results.md, DIR/runs.csv, DIR/chart.png (gnuplot), DIR/logs/. A missed goal prints MISS
# and never fails the script.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runs=3
out=$top/build/bench/debian
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/debian-bench.sh [--runs N] [--out DIR]" >&2; exit 2 ;;
	esac
done
# shellcheck source=tests/os/lib.sh
. "$top/tests/os/lib.sh"
say() { echo "bench-debian: $*" >&2; }
make -C "$top" --no-print-directory -s build/bench/stamp all >&2 || exit 1
STAMP=$top/build/bench/stamp
SDBOOT=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
logs=$out/logs
work=$out/work
mkdir -p "$logs" "$work"

os_image || { say "the image could not be built"; exit 1; }
os_grub_image "$logs/firstboot.log" || { say "the first boot failed, see $logs/firstboot.log"; exit 1; }
g=$OS_IMG/grub
newest=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n1)

# GRUB with Debian's own entry as the default: the same disk after a boot
# that sets PVHBOOT_GRUB_DEFAULT=false and runs update-grub (cached).
stub=$OS_IMG/grub-stub
if ! [ -s "$stub/disk.img" ]; then
	rm -rf "$stub.new" && mkdir -p "$stub.new"
	cp --sparse=always "$g/disk-grub-efi.img" "$stub.new/disk.img"
	cp "$OS_OVMF_VARS" "$stub.new/vars.fd"
	cat >"$work/stub-default.sh" <<'EOF'
sed -i 's/^PVHBOOT_GRUB_DEFAULT=.*/PVHBOOT_GRUB_DEFAULT=false/' /etc/default/pvhboot
update-grub
grep -E '^(menuentry|set default)' /boot/grub/grub.cfg
EOF
	os_run_script grub-stub "$logs/grub-stub-setup.log" "$stub.new/disk.img" "$stub.new/vars.fd" \
		"$work/stub-default.sh" || { say "setting GRUB's default failed, see $logs/grub-stub-setup.log"; exit 1; }
	rm -rf "$stub" && mv "$stub.new" "$stub"
fi

# systemd-boot's ESP: its own small disk, booted first (bootindex), with
# Debian's vmlinuz and initrd taken from the image's root by debugfs.
sdesp=$OS_IMG/sdboot-esp.img # cached with the image
if ! [ -s "$sdesp" ] && [ -f "$SDBOOT" ]; then
	dd if="$OS_IMG/disk.img" of="$work/root.img" bs=1M skip=$((ROOT_OFFSET / 1048576)) \
		count=$((ROOT_SIZE / 1048576)) conv=sparse status=none
	debugfs -R "dump /boot/vmlinuz-$newest $work/vmlinuz" "$work/root.img" 2>/dev/null
	debugfs -R "dump /boot/initrd.img-$newest $work/initrd.img" "$work/root.img" 2>/dev/null
	rm -f "$work/root.img"
	printf 'timeout 0\ndefault debian.conf\n' >"$work/sd-loader.conf"
	printf 'title Debian (EFI stub)\nlinux /vmlinuz\ninitrd /initrd.img\noptions %s\n' "$CMDLINE" >"$work/sd-entry.conf"
	"$top/scripts/mkesp.sh" "$sdesp" 128 "$SDBOOT=/EFI/BOOT/BOOTX64.EFI" \
		"$work/sd-loader.conf=/loader/loader.conf" "$work/sd-entry.conf=/loader/entries/debian.conf" \
		"$work/vmlinuz=/vmlinuz" "$work/initrd.img=/initrd.img" >/dev/null
fi

cases="ovmf-pvhboot ovmf-grub-stub ovmf-grub-pvhboot"
[ -s "$sdesp" ] && cases="$cases ovmf-sdboot-stub"
describe() {
	case $1 in
	ovmf-pvhboot) echo "OVMF, pvhboot.efi (BOOTX64.EFI), PVH ELF from the ESP" ;;
	ovmf-grub-stub) echo "OVMF, GRUB, vmlinuz as EFI stub (Debian's default)" ;;
	ovmf-sdboot-stub) echo "OVMF, systemd-boot, vmlinuz as EFI stub" ;;
	ovmf-grub-pvhboot) echo "OVMF, GRUB, multiboot2 pvhboot.elf + vmlinux.gz" ;;
	esac
}

run_case() { # CASE ROUND
	local c=$1 r=$2 log=$logs/$1.$2.log vars=$work/$1.vars.fd disk first login rc
	local -a q
	case $c in
	ovmf-pvhboot) cp "$OS_OVMF_VARS" "$vars"; disk=$g/disk.img ;;
	ovmf-grub-stub) cp "$OS_OVMF_VARS" "$vars"; disk=$stub/disk.img ;;         # GRUB as BOOTX64.EFI
	ovmf-grub-pvhboot) cp "$OS_OVMF_VARS" "$vars"; disk=$g/disk-grub-efi.img ;; # GRUB as BOOTX64.EFI
	ovmf-sdboot-stub) cp "$OS_OVMF_VARS" "$vars"; disk=$g/disk.img ;;
	esac
	# shellcheck disable=SC2207
	q=(-M pc $(os_ovmf_args "$vars"))
	if [ "$c" = ovmf-sdboot-stub ]; then
		q+=(-drive if=none,id=esp,format=raw,snapshot=on,file="$sdesp" -device virtio-blk-pci,drive=esp,bootindex=0
			-drive if=none,id=sys,format=raw,snapshot=on,file="$disk" -device virtio-blk-pci,drive=sys,bootindex=1)
	else
		q+=(-drive if=virtio,format=raw,snapshot=on,file="$disk")
	fi
	"$STAMP" -t 900 -s 'pvhboot-test ttyS0' -- "$QEMU" -nodefaults -display none -serial stdio \
		-no-reboot -net none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m "$OS_MEM" \
		-accel "$ACCEL" "${q[@]}" </dev/null >"$log" 2>"$log.stderr"
	rc=$?
	first=$(awk -F'\t' 'index($0, "Linux version") { print $1; exit }' "$log")
	login=$(awk -F'\t' 'index($0, "pvhboot-test ttyS0") { print $1; exit }' "$log")
	ok=0
	[ -n "$first" ] && [ -n "$login" ] && grep -aq "Linux version $newest" "$log" && ok=1
	echo "$r,$c,${first:-},${login:-},$rc,$ok" >>"$out/runs.csv"
	say "round $r/$runs $c: Linux version ${first:-none} s, login ${login:-none} s"
}

echo "round,case,first,login,rc,ok" >"$out/runs.csv"
for r in $(seq 1 "$runs"); do
	for c in $cases; do run_case "$c" "$r"; done
done

stats() { # CASE COLUMN: median min max count
	awk -F, -v c="$1" -v col="$2" '$2 == c && $6 == 1 { print $col }' "$out/runs.csv" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "- - - 0"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.1f %.1f %.1f %d\n", m, v[1], v[NR], NR }'
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
read -r ref_first _ <<<"$(stats ovmf-grub-stub 3)"
{
	echo "Debian 12 image, kernel $newest, from QEMU start, seconds: median (min-max) of $runs run(s), accel $ACCEL, -m $OS_MEM."
	echo
	echo "| case | boot path | ok runs | \"Linux version\" | login prompt | first line vs Debian's default |"
	echo "| --- | --- | --- | --- | --- | --- |"
	for c in $cases; do
		read -r fm fmin fmax n <<<"$(stats "$c" 3)"
		read -r lm lmin lmax _ <<<"$(stats "$c" 4)"
		echo "| $c | $(describe "$c") | $n/$runs | $fm ($fmin-$fmax) | $lm ($lmin-$lmax) | $(ratio "$fm" "$ref_first") |"
	done
	read -r pf _ <<<"$(stats ovmf-pvhboot 3)"
	x=$(ratio "$pf" "$ref_first")
	v=$(awk -v x="$x" 'BEGIN { if (x == "-") print "n/a"; else print (x <= 0.6) ? "PASS" : "MISS" }')
	echo
	echo "Goal: ovmf-pvhboot to \"Linux version\" <= 0.6 x ovmf-grub-stub: $x, $v."
} >"$out/results.md"
if command -v gnuplot >/dev/null; then
	for c in $cases; do
		read -r fm _ <<<"$(stats "$c" 3)"
		read -r lm _ <<<"$(stats "$c" 4)"
		[ "$fm" = - ] || echo "$c $fm $lm"
	done >"$work/chart.dat"
	[ -s "$work/chart.dat" ] && gnuplot <<EOF 2>"$work/gnuplot.log" || say "gnuplot failed: see $work/gnuplot.log"
set terminal pngcairo size 900,480 font "sans,9"
set output "$out/chart.png"
set title "Debian 12 image ($newest) to its login prompt, median of $runs runs (QEMU $ACCEL)"
set ylabel "seconds from QEMU start"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -20 scale 0
set key top left
set grid ytics
set yrange [0:*]
plot "$work/chart.dat" using 2:xtic(1) title '"Linux version" line' lc rgb "#8fb3d9", \
     "" using 3 title 'login prompt' lc rgb "#1f5f9f"
EOF
fi
cat "$out/results.md"
