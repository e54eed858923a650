#!/bin/bash
# debian-bench.sh - the Debian system row group of `make bench` (called by
# bench/bench.sh; usable alone): time from QEMU's start to the kernel's
# first console line ("Linux version") and to the login prompt (getty's
# "pvhboot-test ttyS0" issue line) of the image of scripts/mkdebian-image.sh,
# newest kernel (Debian's 6.12), 1 GiB, pc, OVMF read-only code with a fresh
# per-run copy of its variables, disks with snapshot=on (never written):
#   ovmf-pvhboot     OVMF, \EFI\BOOT\BOOTX64.EFI = pvhboot.efi, PVH ELF
#   ovmf-grub-stub   OVMF, GRUB (as BOOTX64.EFI), Debian's 10_linux entry:
#                    vmlinuz as EFI stub (Debian's default path)
#   ovmf-sdboot-stub OVMF, systemd-boot (Debian's systemd-boot-efi) from a
#                    second small ESP disk booted first, vmlinuz as EFI stub
#   ovmf-grub-pvhboot OVMF, GRUB, update-grub's pvhboot entry, pvhboot.elf
# The GRUB cases need GRUB installed in the image: the first boot of
# tests/os/debian.sh (os_grub_image, cached as IMAGE/grub/) does it; with
# --firstboot this script runs it when missing, else those rows are left
# out and results.md says why. Debian's own default entry is made on a copy
# of that disk (under DIR/work) by dropping the `set default` line that
# 25_pvhboot writes when PVHBOOT_GRUB_DEFAULT=true (the image sets it), as
# update-grub with PVHBOOT_GRUB_DEFAULT=false would.
# Runs alternate round-robin; medians. Goal: ovmf-pvhboot's first column
# <= 0.6 x ovmf-grub-stub's.
#
#   bench/debian-bench.sh [--runs N] [--login-runs N] [--image DIR] [--firstboot] [--report] [--out DIR]
# Defaults: 3 runs, build/bench/debian, the image of scripts/mkdebian-image.sh.
# --login-runs: the first N rounds run to the login prompt, the others stop
# QEMU at the first console line (default: all). --report: no runs, the
# rows and tables again from DIR's logs (after a change of the checks).
# Output: DIR/results.md, DIR/runs.csv, DIR/chart.png (gnuplot), DIR/logs/. A missed goal prints MISS
# and never fails the script.
# shellcheck disable=SC2054 # QEMU options hold commas
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runs=3
login_runs=
image=
firstboot=0
report=0
out=$top/build/bench/debian
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--login-runs) login_runs=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--firstboot) firstboot=1; shift ;;
	--report) report=1; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/debian-bench.sh [--runs N] [--login-runs N] [--image DIR] [--firstboot] [--report] [--out DIR]" >&2; exit 2 ;;
	esac
done
login_runs=${login_runs:-$runs}
# shellcheck source=tests/os/lib.sh
. "$top/tests/os/lib.sh"
say() { echo "bench-debian: $*" >&2; }
make -C "$top" --no-print-directory -s build/bench/stamp all >&2 || exit 1
STAMP=$top/build/bench/stamp
SDBOOT=/usr/lib/systemd/boot/efi/systemd-bootx64.efi
LOGIN='pvhboot-test ttyS0'
logs=$out/logs
work=$out/work
mkdir -p "$logs" "$work"

if [ -n "$image" ]; then
	OS_IMG=$(cd "$image" && pwd) || exit 1
	# shellcheck source=/dev/null
	. "$OS_IMG/layout.env"
else
	os_image || { say "the image could not be built"; exit 1; }
fi
newest=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n1)
rootfs="$OS_IMG/disk.img?offset=$ROOT_OFFSET" # debugfs reads the root in place
notes=

g=$OS_IMG/grub
if ! [ -s "$g/disk-grub-efi.img" ] && [ $firstboot = 1 ]; then
	os_grub_image "$logs/firstboot.log" || say "the first boot failed, see $logs/firstboot.log"
fi
stub=
if [ -s "$g/disk-grub-efi.img" ]; then
	# GRUB with Debian's own entry as the default, on a copy.
	stub=$work/grub-stub.img
	os_grub_debian_default "$g/disk-grub-efi.img" "$stub" "$work" || {
		say "GRUB's default could not be made Debian's own entry"; stub=; }
else
	notes="$notes
GRUB rows (ovmf-grub-stub, ovmf-grub-pvhboot): not measurable on this image: its disk holds no GRUB (pvhboot.efi alone on the ESP); GRUB is installed by the first boot of tests/os/debian.sh ($g/, absent here; --firstboot runs it)."
fi

# systemd-boot's ESP: its own small disk, booted first (bootindex), with
# Debian's vmlinuz and initrd taken from the image's root by debugfs.
sdesp=$work/sdboot-esp-${OS_IMG##*/}.img # per image (its kernel)
if ! [ -s "$sdesp" ] && [ -f "$SDBOOT" ]; then
	debugfs -R "dump /boot/vmlinuz-$newest $work/vmlinuz" "$rootfs" 2>/dev/null
	debugfs -R "dump /boot/initrd.img-$newest $work/initrd.img" "$rootfs" 2>/dev/null
	printf 'timeout 0\ndefault debian.conf\n' >"$work/sd-loader.conf"
	printf 'title Debian (EFI stub)\nlinux /vmlinuz\ninitrd /initrd.img\noptions %s\n' "$CMDLINE" >"$work/sd-entry.conf"
	if [ -s "$work/vmlinuz" ] && [ -s "$work/initrd.img" ]; then
		"$top/scripts/mkesp.sh" "$sdesp" 128 "$SDBOOT=/EFI/BOOT/BOOTX64.EFI" \
			"$work/sd-loader.conf=/loader/loader.conf" "$work/sd-entry.conf=/loader/entries/debian.conf" \
			"$work/vmlinuz=/vmlinuz" "$work/initrd.img=/initrd.img" >/dev/null || rm -f "$sdesp"
	fi
	rm -f "$work/vmlinuz" "$work/initrd.img"
fi
[ -s "$sdesp" ] || notes="$notes
ovmf-sdboot-stub: not measured ($SDBOOT missing, or the ESP could not be made)."

cases=ovmf-pvhboot
[ -n "$stub" ] && cases="$cases ovmf-grub-stub ovmf-grub-pvhboot"
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
	local c=$1 r=$2 log=$logs/$1.$2.log vars=$work/$1.vars.fd disk stop
	local -a q
	cp "$OS_OVMF_VARS" "$vars"
	case $c in
	ovmf-pvhboot | ovmf-sdboot-stub) disk=$OS_IMG/disk.img ;;
	ovmf-grub-stub) disk=$stub ;;                  # GRUB as BOOTX64.EFI
	ovmf-grub-pvhboot) disk=$g/disk-grub-efi.img ;; # GRUB as BOOTX64.EFI
	esac
	# shellcheck disable=SC2207
	q=(-M pc $(os_ovmf_args "$vars"))
	if [ "$c" = ovmf-sdboot-stub ]; then
		q+=(-drive if=none,id=esp,format=raw,snapshot=on,file="$sdesp" -device virtio-blk-pci,drive=esp,bootindex=0
			-drive if=none,id=sys,format=raw,snapshot=on,file="$disk" -device virtio-blk-pci,drive=sys,bootindex=1)
	else
		q+=(-drive if=none,id=sys,format=raw,snapshot=on,file="$disk" -device virtio-blk-pci,drive=sys)
	fi
	stop='Linux version'
	[ "$r" -le "$login_runs" ] && stop=$LOGIN
	"$STAMP" -t 900 -s "$stop" -- "$QEMU" -nodefaults -display none -serial stdio \
		-no-reboot -net none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m "$OS_MEM" \
		-accel "$ACCEL" "${q[@]}" </dev/null >"$log" 2>"$log.stderr"
	evaluate "$c" "$r" $?
}

evaluate() { # CASE ROUND QEMU_STATUS: a runs.csv row from the run's log
	local c=$1 r=$2 rc=$3 log=$logs/$1.$2.log first login bds
	first=$(awk -F'\t' 'index($0, "Linux version") { print $1; exit }' "$log")
	login=$(awk -F'\t' -v p="$LOGIN" 'index($0, p) { print $1; exit }' "$log")
	# Where the time goes: OVMF until its boot manager starts the loader.
	bds=$(awk -F'\t' 'index($0, "BdsDxe: starting") { print $1; exit }' "$log")
	ok=0
	[ -n "$first" ] && grep -aq "Linux version $newest" "$log" && ok=1
	# The path taken is the one named: pvhboot's lines only where it runs.
	case $c in
	*-stub) grep -aqE '^[0-9.]+	pvhboot[ :]' "$log" && ok=0 ;;
	*) grep -aqE '^[0-9.]+	pvhboot[ :]' "$log" || ok=0 ;;
	esac
	echo "$r,$c,${first:-},${login:-},$rc,$ok,${bds:-}" >>"$out/runs.csv"
	say "round $r/$runs $c: Linux version ${first:-none} s, login ${login:-not run} s"
}

if [ $report = 1 ]; then
	# The rows again from the logs of the last run (its QEMU statuses kept).
	mv "$out/runs.csv" "$work/runs.old.csv" || exit 1
	echo "round,case,first,login,rc,ok,ovmf_starts_loader" >"$out/runs.csv"
	tail -n +2 "$work/runs.old.csv" | while IFS=, read -r r c _ _ rc _; do evaluate "$c" "$r" "$rc"; done
	runs=$(tail -n +2 "$out/runs.csv" | cut -d, -f1 | sort -n | tail -n1)
	login_runs=$(tail -n +2 "$out/runs.csv" | awk -F, '$4 != "" { r[$1] = 1 } END { print length(r) }')
else
	echo "round,case,first,login,rc,ok,ovmf_starts_loader" >"$out/runs.csv"
	for r in $(seq 1 "$runs"); do
		for c in $cases; do run_case "$c" "$r"; done
	done
fi

stats() { # CASE COLUMN: median min max count
	awk -F, -v c="$1" -v col="$2" '$2 == c && $6 == 1 && $col != "" { print $col }' "$out/runs.csv" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "- - - 0"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.1f %.1f %.1f %d\n", m, v[1], v[NR], NR }'
}
cell() { if [ "$1" = - ]; then echo -; elif [ "$2" = "$3" ]; then echo "$1"; else echo "$1 ($2-$3)"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
read -r ref_first _ <<<"$(stats ovmf-grub-stub 3)"
{
	echo "Debian 12 image, kernel $newest, from QEMU start, seconds: median (min-max) of the ok runs, $runs round(s) (the first $login_runs to the login prompt), accel $ACCEL, -m $OS_MEM."
	echo
	echo "| case | boot path | ok runs | \"Linux version\" | login prompt | first line vs Debian's default | OVMF starts the loader |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for c in $cases; do
		read -r fm fmin fmax n <<<"$(stats "$c" 3)"
		read -r lm lmin lmax _ <<<"$(stats "$c" 4)"
		echo "| $c | $(describe "$c") | $n/$runs | $(cell "$fm" "$fmin" "$fmax") | $(cell "$lm" "$lmin" "$lmax") | $(ratio "$fm" "$ref_first") | $(stats "$c" 7 | cut -d' ' -f1) |"
	done
	read -r pf _ <<<"$(stats ovmf-pvhboot 3)"
	x=$(ratio "$pf" "$ref_first")
	v=$(awk -v x="$x" 'BEGIN { if (x == "-") print "n/a"; else print (x <= 0.6) ? "PASS" : "MISS" }')
	echo
	echo "Goal: ovmf-pvhboot to \"Linux version\" <= 0.6 x ovmf-grub-stub: $x, $v."
	[ -z "$notes" ] || echo "$notes"
} >"$out/results.md"
if command -v gnuplot >/dev/null; then
	for c in $cases; do
		read -r fm _ <<<"$(stats "$c" 3)"
		read -r lm _ <<<"$(stats "$c" 4)"
		[ "$fm" = - ] || echo "$c $fm $lm"
	done >"$work/chart.dat"
	if [ -s "$work/chart.dat" ] && ! gnuplot <<EOF 2>"$work/gnuplot.log"; then say "gnuplot failed: see $work/gnuplot.log"; fi
set terminal pngcairo size 900,480 font "sans,9"
set datafile missing "-"
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
