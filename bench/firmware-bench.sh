#!/bin/bash
# firmware-bench.sh - the firmware-mode row group of `make bench` (called by
# bench/bench.sh after debian-bench.sh; usable alone): the image of
# scripts/mkdebian-image.sh booted with no OVMF and no kernel on the host,
# pvhboot-pvh.elf as the VMM's firmware, against OVMF + pvhboot.efi and
# against QEMU's own -kernel PVH boot of the same kernel and initrd taken
# out of the image's ESP (the floor: no firmware, no disk reads). Time from
# QEMU's start to the kernel's first console line ("Linux version") and to
# the login prompt (getty's "pvhboot-test ttyS0" issue line), 1 GiB, disk
# with snapshot=on (the image is never written):
#   fw-microvm      -M microvm, pvhboot-pvh.elf, virtio-blk-device (MMIO)
#   fw-pc           -M pc (SeaBIOS, then the PVH entry), virtio-blk-pci
#   ovmf-pvhboot    -M pc, OVMF, pvhboot.efi from the removable path
#   kernel-microvm  -M microvm, -kernel vmlinux -initrd initrd.img
#   kernel-pc       -M pc, -kernel vmlinux -initrd initrd.img
# microvm adds tsc_early_khz=2096000 (its TSC calibration fails under TCG
# otherwise); in firmware mode the VMM's -append is added after the entry's
# options. The firmware's own time is read from its lines: its first line to
# its "starting kernel" line, and the sums of the read times it prints.
# Runs alternate round-robin; medians. Goals (first column): fw-* <= 0.25 x
# Debian's default path (ovmf-grub-stub of debian-bench.sh's runs.csv, when
# it was measured) and <= 1.5 x the -kernel floor on the same machine type.
# Then the firmware's read rate against the device's (one boot per device,
# to power-off, of a sparse copy of the disk with tests/os/guest/dd-read.sh
# on its ESP, which the image's pvhboot-test-run.service runs):
#   dd-pc           -M pc, firmware mode, virtio-blk-pci
#   dd-microvm      -M microvm, firmware mode, virtio-blk-device
# In the same boot the firmware reads the entry's PVH ELF and initrd and,
# once systemd is up, the guest reads the same files again with dd
# (O_DIRECT: from the device, not the page cache), then as many bytes of
# the ESP's partition, three passes each (medians); the table puts these
# beside the firmware's rate in that boot and in the fw-* rounds. The ESP
# is read into the host's page cache before each boot, so neither side pays
# the host's disk; on microvm tsc_early_khz is the host's TSC rate (under
# TCG the guest's TSC is the host's), the firmware's clock there.
#
#   bench/firmware-bench.sh [--runs N] [--login-runs N] [--no-dd] [--image DIR] [--ref CSV] [--report] [--out DIR]
# --login-runs: the first N rounds run to the login prompt, the others stop
# QEMU at the first console line (default: all). --image: the image's
# directory (disk.img, layout.env; default: scripts/mkdebian-image.sh's).
# --ref: debian-bench.sh's runs.csv (default DIR/../debian/runs.csv).
# --no-dd: leave out the dd-* boots. --report: no runs, the rows and
# tables again from DIR's logs.
# Output: DIR/results.md, DIR/runs.csv, DIR/dd.csv, DIR/logs/. A missed goal
# prints MISS and never fails the script.
# shellcheck disable=SC2054 # QEMU options hold commas
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
runs=3
login_runs=
image=
out=$top/build/bench/firmware
ref=
report=0
dd=1
while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=$2; shift 2 ;;
	--login-runs) login_runs=$2; shift 2 ;;
	--image) image=$2; shift 2 ;;
	--ref) ref=$2; shift 2 ;;
	--report) report=1; shift ;;
	--no-dd) dd=0; shift ;;
	--out) out=$2; shift 2 ;;
	*) echo "usage: bench/firmware-bench.sh [--runs N] [--login-runs N] [--no-dd] [--image DIR] [--ref CSV] [--report] [--out DIR]" >&2; exit 2 ;;
	esac
done
login_runs=${login_runs:-$runs}
ref=${ref:-$out/../debian/runs.csv}
# shellcheck source=tests/os/lib.sh
. "$top/tests/os/lib.sh"
say() { echo "bench-firmware: $*" >&2; }
make -C "$top" --no-print-directory -s build/bench/stamp all >&2 || exit 1
STAMP=$top/build/bench/stamp
FW=$top/build/pvhboot-pvh.elf
MICROVM_ARGS="tsc_early_khz=2096000"
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
disk=$OS_IMG/disk.img

# The default entry's kernel and initrd, as pvhboot reads them: the entry
# of the newest version in /loader/entries on the ESP.
newest=$(echo "$KERNELS" | tr ' ' '\n' | sed '/^$/d' | sort -V | tail -n1)
entry=$(mdir -b -i "$disk@@$ESP_OFFSET" ::/loader/entries 2>/dev/null | grep -F -- "-$newest.conf" | head -n1)
[ -n "$entry" ] || { say "no loader entry for $newest on the ESP"; exit 1; }
mtype -i "$disk@@$ESP_OFFSET" "$entry" >"$work/entry.conf" || exit 1
kpath=$(awk '$1 == "linux" { print $2; exit }' "$work/entry.conf")
ipath=$(awk '$1 == "initrd" { print $2; exit }' "$work/entry.conf")
options=$(sed -n 's/^options[[:space:]]*//p' "$work/entry.conf" | head -n1)
if ! mcopy -o -n -i "$disk@@$ESP_OFFSET" "::$kpath" "$work/vmlinux" ||
	! mcopy -o -n -i "$disk@@$ESP_OFFSET" "::$ipath" "$work/initrd.img"; then
	say "mcopy from the ESP failed"
	exit 1
fi

cases="fw-microvm fw-pc ovmf-pvhboot kernel-microvm kernel-pc"
describe() {
	case $1 in
	fw-microvm) echo "microvm, pvhboot-pvh.elf as firmware, virtio-blk-device" ;;
	fw-pc) echo "pc, SeaBIOS + pvhboot-pvh.elf as firmware, virtio-blk-pci" ;;
	ovmf-pvhboot) echo "pc, OVMF, pvhboot.efi (removable path)" ;;
	kernel-microvm) echo "microvm, QEMU -kernel vmlinux -initrd (floor)" ;;
	kernel-pc) echo "pc, QEMU -kernel vmlinux -initrd (floor)" ;;
	esac
}
floor_of() { case $1 in fw-microvm) echo kernel-microvm ;; fw-pc) echo kernel-pc ;; esac; }

run_case() { # CASE ROUND
	local c=$1 r=$2 log=$logs/$1.$2.log vars=$work/$1.vars.fd stop
	local -a q
	case $c in
	fw-microvm) q=(-M microvm -kernel "$FW" -append "$MICROVM_ARGS"
		-drive if=none,id=d0,format=raw,snapshot=on,file="$disk" -device virtio-blk-device,drive=d0) ;;
	fw-pc) q=(-M pc -kernel "$FW"
		-drive if=none,id=d0,format=raw,snapshot=on,file="$disk" -device virtio-blk-pci,drive=d0) ;;
	ovmf-pvhboot)
		cp "$OS_OVMF_VARS" "$vars"
		# shellcheck disable=SC2207 # os_ovmf_args gives several words
		q=(-M pc $(os_ovmf_args "$vars")
			-drive if=none,id=d0,format=raw,snapshot=on,file="$disk" -device virtio-blk-pci,drive=d0) ;;
	kernel-microvm) q=(-M microvm -kernel "$work/vmlinux" -initrd "$work/initrd.img" -append "$options $MICROVM_ARGS"
		-drive if=none,id=d0,format=raw,snapshot=on,file="$disk" -device virtio-blk-device,drive=d0) ;;
	kernel-pc) q=(-M pc -kernel "$work/vmlinux" -initrd "$work/initrd.img" -append "$options"
		-drive if=none,id=d0,format=raw,snapshot=on,file="$disk" -device virtio-blk-pci,drive=d0) ;;
	esac
	stop='Linux version'
	[ "$r" -le "$login_runs" ] && stop=$LOGIN
	"$STAMP" -t 900 -s "$stop" -- "$QEMU" -nodefaults -display none -serial stdio \
		-no-reboot -net none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m "$OS_MEM" \
		-accel "$ACCEL" "${q[@]}" </dev/null >"$log" 2>"$log.stderr"
	evaluate "$c" "$r" $?
}

evaluate() { # CASE ROUND QEMU_STATUS: a runs.csv row from the run's log
	local c=$1 r=$2 rc=$3 log=$logs/$1.$2.log first login fwt reads bytes
	first=$(awk -F'\t' 'index($0, "Linux version") { print $1; exit }' "$log")
	login=$(awk -F'\t' -v p="$LOGIN" 'index($0, p) { print $1; exit }' "$log")
	# The firmware's own time: its first line to its jump, and its reads.
	fwt=$(awk -F'\t' 'index($0, "pvhboot 0.") && !s { s = $1 } index($0, "starting kernel at") { if (s != "") printf "%.3f", $1 - s; exit }' "$log")
	reads=$(fw_reads "$log")
	read -r bytes reads <<<"${reads:-}"
	ok=0
	[ -n "$first" ] && grep -aq "Linux version $newest" "$log" && ok=1
	echo "$r,$c,${first:-},${login:-},$rc,$ok,${fwt:-},${bytes:-},${reads:-}" >>"$out/runs.csv"
	say "round $r/$runs $c: Linux version ${first:-none} s, login ${login:-not run} s${fwt:+, firmware ${fwt} s}"
}

# The firmware's reads in a log: "BYTES MS" summed over its load lines.
fw_reads() {
	tr -d '\r' <"$1" | sed -n 's/.*pvhboot: .* \([0-9]*\) bytes in \([0-9]*\) ms .*/\1 \2/p' |
		awk '{ b += $1; t += $2 } END { if (NR) printf "%d %d", b, t }'
}

# --- the firmware's reads against the guest's dd of the same bytes ----------------
dd_cases="dd-pc dd-microvm"
describe_dd() {
	case $1 in
	dd-pc) echo "pc, virtio-blk-pci" ;;
	dd-microvm) echo "microvm, virtio-blk-device" ;;
	esac
}
run_dd() { # CASE: one boot of the copy to power-off, dd-read.sh run by the guest
	local c=$1 log=$logs/$1.log
	local -a q
	case $c in
	dd-pc) q=(-M pc -kernel "$FW" -drive if=none,id=d0,format=raw,snapshot=on,file="$work/dd.img"
		-device virtio-blk-pci,drive=d0) ;;
	dd-microvm) q=(-M microvm -kernel "$FW" -append "tsc_early_khz=$host_khz"
		-drive if=none,id=d0,format=raw,snapshot=on,file="$work/dd.img" -device virtio-blk-device,drive=d0) ;;
	esac
	# The ESP's bytes into the host's page cache first: the firmware reads
	# them first, the guest after, and neither should pay the host's disk.
	dd if="$work/dd.img" of=/dev/null bs=1M iflag=skip_bytes skip="$ESP_OFFSET" count=$((ESP_SIZE >> 20)) status=none
	os_boot "$c" 900 "$log" "" -- "${q[@]}"
	say "$c: QEMU status $OS_RC after $(printf '%.0f' "$OS_SECONDS") s"
}
# median_col: the median of the numbers on stdin, one a line (nothing if none).
median_col() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR) printf "%s", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# evaluate_dd CASE: a dd.csv row from its log: the firmware's bytes and ms,
# the guest's files bytes and s (median of its passes) and mode, the
# partition's bytes, s (median) and mode.
evaluate_dd() {
	local c=$1 log=$logs/$1.log fb fm gb gs db ds dm mode
	read -r fb fm <<<"$(fw_reads "$log")"
	tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-DD: files bytes=\([0-9]*\) s=\([0-9.e+-]*\).*/\1 \2/p' >"$work/$c.files"
	tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-DD: device [^ ]* bytes=\([0-9]*\) s=\([0-9.e+-]*\) mode=\([a-z]*\).*/\1 \2 \3/p' >"$work/$c.device"
	gb=$(cut -d' ' -f1 "$work/$c.files" | tail -n1)
	gs=$(cut -d' ' -f2 "$work/$c.files" | median_col)
	db=$(cut -d' ' -f1 "$work/$c.device" | tail -n1)
	ds=$(cut -d' ' -f2 "$work/$c.device" | median_col)
	dm=$(cut -d' ' -f3 "$work/$c.device" | sort -u | tr '\n' '+' | sed 's/+$//')
	mode=$(tr -d '\r' <"$log" | sed -n 's/.*PVHBOOT-DD: file .* mode=\([a-z]*\).*/\1/p' | sort -u | tr '\n' '+' | sed 's/+$//')
	echo "$c,${fb:-},${fm:-},${gb:-},${gs:-},${mode:-},${db:-},${ds:-},${dm:-}" >>"$out/dd.csv"
}
dd_header="case,fw_bytes,fw_ms,dd_files_bytes,dd_files_s,dd_files_mode,dd_dev_bytes,dd_dev_s,dd_dev_mode"
rate() { # BYTES SECONDS: "91.4 MB in 0.10 s (963 MB/s)", or -
	awk -v b="$1" -v t="$2" 'BEGIN { if (b == "" || t == "") print "-"; else printf "%.1f MB in %.2f s (%.0f MB/s)", b / 1e6, t, (t > 0 ? b / 1e6 / t : 0) }'
}

header="round,case,first,login,rc,ok,fw_s,read_bytes,read_ms"
if [ $report = 1 ]; then
	# The rows again from the logs of the last run (its QEMU statuses kept).
	mv "$out/runs.csv" "$work/runs.old.csv" || exit 1
	echo "$header" >"$out/runs.csv"
	tail -n +2 "$work/runs.old.csv" | while IFS=, read -r r c _ _ rc _; do evaluate "$c" "$r" "$rc"; done
	runs=$(tail -n +2 "$out/runs.csv" | cut -d, -f1 | sort -n | tail -n1)
	login_runs=$(tail -n +2 "$out/runs.csv" | awk -F, '$4 != "" { r[$1] = 1 } END { print length(r) }')
else
	echo "$header" >"$out/runs.csv"
	for r in $(seq 1 "$runs"); do
		for c in $cases; do run_case "$c" "$r"; done
	done
	rm -f "$out/dd.csv" "$logs"/dd-*.log
	if [ $dd = 1 ]; then
		# A copy: the script on the ESP is a write (the boots use snapshot=on).
		# On microvm the firmware times its reads with tsc_early_khz: under
		# TCG the guest's TSC is the host's, so here it is the host's rate.
		host_khz=$("$STAMP" --tsc-khz)
		if cp --sparse=always "$disk" "$work/dd.img" &&
			mcopy -o -i "$work/dd.img@@$ESP_OFFSET" "$top/tests/os/guest/dd-read.sh" ::/pvhboot-run.sh; then
			for c in $dd_cases; do run_dd "$c"; done
		else
			say "could not make the copy of the disk for the dd boots"
		fi
		rm -f "$work/dd.img"
	fi
fi
if ls "$logs"/dd-*.log >/dev/null 2>&1; then
	echo "$dd_header" >"$out/dd.csv"
	for c in $dd_cases; do [ -s "$logs/$c.log" ] && evaluate_dd "$c"; done
fi

stats() { # CASE COLUMN [CSV]: median min max count
	awk -F, -v c="$1" -v col="$2" '$2 == c && $6 == 1 && $col != "" { print $col }' "${3:-$out/runs.csv}" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "- - - 0"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f %d\n", m, v[1], v[NR], NR }'
}
cell() { if [ "$1" = - ]; then echo -; elif [ "$2" = "$3" ]; then echo "$1"; else echo "$1 ($2-$3)"; fi; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
verdict() { awk -v x="$1" -v g="$2" 'BEGIN { if (x == "-") print "not measured"; else print (x <= g) ? "PASS" : "MISS" }'; }
ref_first=-
[ -s "$ref" ] && read -r ref_first _ <<<"$(stats ovmf-grub-stub 3 "$ref")"
{
	echo "Firmware mode, Debian 12 image, kernel $newest, from QEMU start, seconds: median (min-max) of the ok runs, $runs round(s) (the first $login_runs to the login prompt), accel $ACCEL, -m $OS_MEM."
	echo
	echo "| case | boot path | ok runs | \"Linux version\" | login prompt | pvhboot: first line to kernel jump | its disk reads |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for c in $cases; do
		read -r fm fmin fmax n <<<"$(stats "$c" 3)"
		read -r lm lmin lmax _ <<<"$(stats "$c" 4)"
		read -r tm _ <<<"$(stats "$c" 7)"
		read -r bm _ <<<"$(stats "$c" 8)"
		read -r rm _ <<<"$(stats "$c" 9)"
		rd=-
		[ "$rm" != - ] && rd=$(awk -v b="$bm" -v t="$rm" 'BEGIN { printf "%.1f MB in %.2f s (%.0f MB/s)", b / 1e6, t / 1000, t ? b / 1e3 / t : 0 }')
		echo "| $c | $(describe "$c") | $n/$runs | $(cell "$fm" "$fmin" "$fmax") | $(cell "$lm" "$lmin" "$lmax") | $tm | $rd |"
	done
	echo
	for c in fw-microvm fw-pc; do
		read -r fm _ <<<"$(stats "$c" 3)"
		read -r km _ <<<"$(stats "$(floor_of "$c")" 3)"
		xd=$(ratio "$fm" "$ref_first")
		xk=$(ratio "$fm" "$km")
		echo "Goal $c to \"Linux version\": <= 0.25 x Debian's default path (ovmf-grub-stub, $ref_first s): $xd, $(verdict "$xd" 0.25); <= 1.5 x the -kernel floor ($(floor_of "$c"), $km s): $xk, $(verdict "$xk" 1.5)."
		echo
	done
	if [ -s "$out/dd.csv" ]; then
		echo "Disk reads, one boot per device (the ESP in the host's page cache first): the firmware reading the entry's PVH ELF and initrd (its own timing; also the median of the fw-* rounds above), then in the same boot the guest's dd of the same files and of as many bytes of the ESP partition (dd's timing, median of 3 passes; mode: O_DIRECT, or buffered from a dropped cache). Last column: the firmware's MB/s (this boot) over the guest's for the same files."
		echo
		echo "| case | device | firmware reads, this boot | firmware reads, fw-* rounds (median) | guest dd, same files | guest dd, ESP partition | firmware / dd |"
		echo "| --- | --- | --- | --- | --- | --- | --- |"
		tail -n +2 "$out/dd.csv" | while IFS=, read -r c fb fm gb gs gmode db ds dmode; do
			fws=$(awk -v m="$fm" 'BEGIN { if (m != "") printf "%.3f", m / 1000 }')
			read -r rb _ <<<"$(stats "fw-${c#dd-}" 8)"
			read -r rm _ <<<"$(stats "fw-${c#dd-}" 9)"
			rs=
			[ "$rm" != - ] && rs=$(awk -v m="$rm" 'BEGIN { printf "%.3f", m / 1000 }')
			[ "$rb" = - ] && rb=
			x=$(awk -v fb="$fb" -v fm="$fm" -v gb="$gb" -v gs="$gs" 'BEGIN {
				if (fb == "" || fm == "" || fm == 0 || gb == "" || gs == "" || gs == 0) print "-"
				else printf "%.2f", (fb / fm * 1000) / (gb / gs) }')
			echo "| $c | $(describe_dd "$c") | $(rate "$fb" "$fws") | $(rate "$rb" "$rs") | $(rate "$gb" "$gs")${gmode:+ $gmode} | $(rate "$db" "$ds")${dmode:+ $dmode} | $x |"
			[ -n "$fb" ] && [ -n "$gb" ] && [ "$fb" != "$gb" ] && echo "(note: $c: the firmware read $fb bytes, the guest $gb)"
		done
		echo
	fi
} >"$out/results.md"
cat "$out/results.md"
