#!/bin/bash
# bench.sh - `make bench`: time to userspace of Debian 12's kernel through
# pvhboot and through the usual ways to boot it, side by side in one run,
# plus the loader's own time against the cost of copying the same bytes.
#
#   bench/bench.sh [--runs N] [--quick] [--cases a,b,...] [--out DIR]
#
# Every case boots the same kernel (cache/kernel/vmlinux or vmlinuz), the
# same initramfs (scripts/mkinitramfs.sh) and the same command line
# ("console=ttyS0 panic=-1"; microvm adds tsc_early_khz=2096000, its TSC
# calibration fails half the time under TCG otherwise) in QEMU with 512 MiB.
# Runs alternate round-robin across the cases. build/bench/stamp timestamps
# each serial line from QEMU's start: "first" is the kernel's "Linux
# version" line, "marker" the initramfs's PVHBOOT-USERSPACE line.
#
# The UEFI shell waits 5 s for a key before startup.nsh: stamp sends one key
# when the prompt appears, in both shell cases alike, so the wait is not
# counted. The loader-* cases boot the bench build (build/bench/, made with
# -DPVHBOOT_BENCH) and read its TSC probes from the debug port (0xe9).
#
# Output (DIR, default build/bench, build/bench/quick with --quick): results.md (Markdown tables), runs.csv
# (one row per run), loader.csv (one row per loader run), chart.png
# (gnuplot), logs/. Targets are printed as PASS/MISS; a missed target never
# fails the script (benchmarks are not tests). ACCEL=kvm runs with -accel kvm.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
b=$top/build
runs=5
quick=0
cases=
out=$b/bench
ACCEL=${ACCEL:-tcg}
QEMU=${QEMU:-qemu-system-x86_64}
MEM=512
TIMEOUT=${BENCH_TIMEOUT:-300}
ARGS="console=ttyS0 panic=-1"
MICROVM_ARGS="tsc_early_khz=2096000"
OVMF_CODE=/usr/share/OVMF/OVMF_CODE.fd
OVMF_VARS=/usr/share/OVMF/OVMF_VARS.fd
SHELL_KEY_PROMPT="any other key to continue"

ALL_CASES="qemu-pvh-pc qemu-pvh-microvm qemu-bzimage-pc qemu-bzimage-microvm ovmf-stub
ovmf-pvhboot-shell ovmf-pvhboot-entry grub-bzimage grub-pvhboot pvh-chain-pc pvh-chain-microvm
loader-pvh-chain-pc loader-mb1-qemu loader-grub-mb2"
QUICK_CASES="qemu-pvh-pc qemu-bzimage-pc pvh-chain-pc ovmf-stub ovmf-pvhboot-entry grub-bzimage grub-pvhboot"

usage() {
	echo "usage: bench/bench.sh [--runs N] [--quick] [--cases a,b,...] [--out DIR]" >&2
	echo "cases: $(echo $ALL_CASES)" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--runs) runs=${2:-}; shift 2 || usage ;;
	--quick) quick=1; shift ;;
	--cases) cases=${2:-}; shift 2 || usage ;;
	--out) out=${2:-}; shift 2 || usage ;;
	-h | --help) usage ;;
	*) usage ;;
	esac
done
case $runs in '' | *[!0-9]* | 0) usage ;; esac
if [ -n "$cases" ]; then
	cases=$(tr ',' ' ' <<<"$cases")
	for c in $cases; do
		grep -qw -- "$c" <<<"$ALL_CASES" || { echo "bench: unknown case '$c'" >&2; usage; }
	done
elif [ $quick = 1 ]; then
	cases=$QUICK_CASES
else
	cases=$(echo $ALL_CASES)
fi
[ $quick = 1 ] && runs=1
# --quick (make demo) must not overwrite the figures of a full run.
[ $quick = 1 ] && [ "$out" = "$b/bench" ] && out=$b/bench/quick

# In --quick mode only the Markdown table reaches stdout.
say() { [ $quick = 1 ] || echo "bench: $*" >&2; }

# The bench build's compile lines reach the terminal only with V=1 (make
# demo shows its table, not a build log); a failed build shows its log.
build_log=$b/bench-build.log
mkdir -p "$b"
if [ "${V:-0}" = 1 ]; then build_log=/dev/stderr; fi
make -C "$top" --no-print-directory -s build/bench/stamp build/bench/pvhboot.elf \
	build/bench/pvhboot-pvh.elf build/pvhboot.elf build/pvhboot-pvh.elf build/pvhboot.efi \
	build/pvh-bundle >"$build_log" 2>&1 || {
	[ "$build_log" = /dev/stderr ] || tail -n 20 "$build_log" >&2
	# Other work in progress may break a rebuild: go on with the images there are.
	for f in bench/stamp bench/pvhboot.elf bench/pvhboot-pvh.elf pvhboot.elf pvhboot-pvh.elf \
		pvhboot.efi pvh-bundle; do
		[ -e "$b/$f" ] || { echo "bench: build failed and build/$f is missing" >&2; exit 1; }
	done
	echo "bench: warning: the build failed; benchmarking the images already in build/" >&2
}
"$top/scripts/fetch-kernel.sh" >&2 || { echo "bench: no kernel (scripts/fetch-kernel.sh)" >&2; exit 1; }
if [ $quick = 0 ] && ! command -v gnuplot >/dev/null; then
	say "installing gnuplot-nox for the chart"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q gnuplot-nox >/dev/null 2>&1 ||
		say "gnuplot-nox could not be installed: no chart"
fi

STAMP=$b/bench/stamp
VMLINUX=$top/cache/kernel/vmlinux
VMLINUZ=$top/cache/kernel/vmlinuz
work=$out/work
logs=$out/logs
mkdir -p "$work" "$logs"
rm -f "$logs"/*

# --- the boot media, built once ----------------------------------------------------
needs() { grep -qw -- "$1" <<<"$cases"; }
any_of() { for c in "$@"; do needs "$c" && return 0; done; return 1; }

say "making the initramfs, bundles, ESPs and GRUB ISOs in $work"
"$top/scripts/mkinitramfs.sh" "$work/initramfs.img"
"$b/pvh-bundle" -o "$work/linux.bundle" --cmdline "$ARGS" "$VMLINUX" "$work/initramfs.img" ||
	exit 1

# Every ESP holds the same files; only how the kernel is started differs.
esp_common=("$VMLINUX=/vmlinux" "$VMLINUZ=/vmlinuz" "$work/initramfs.img=/initramfs.img")
mkesp() { "$top/scripts/mkesp.sh" "$@" >"$work/mkesp.log" 2>&1 || { cat "$work/mkesp.log" >&2; exit 1; }; }
if needs ovmf-stub; then
	printf '@echo -off\nfs0:\n\\vmlinuz initrd=\\initramfs.img %s\n' "$ARGS" >"$work/stub.nsh"
	mkesp "$work/esp-stub.img" 128 "${esp_common[@]}" "$b/pvhboot.efi=/pvhboot.efi" \
		"$work/stub.nsh=/startup.nsh"
fi
if needs ovmf-pvhboot-shell; then
	printf '@echo -off\nfs0:\n\\pvhboot.efi linux=\\vmlinux initrd=\\initramfs.img -- %s\n' "$ARGS" \
		>"$work/pvhboot.nsh"
	mkesp "$work/esp-pvhboot-shell.img" 128 "${esp_common[@]}" "$b/pvhboot.efi=/pvhboot.efi" \
		"$work/pvhboot.nsh=/startup.nsh"
fi
if needs ovmf-pvhboot-entry; then
	printf 'timeout 0\ndefault bench\n' >"$work/loader.conf"
	printf 'title bench\nlinux /vmlinux\ninitrd /initramfs.img\noptions %s\n' "$ARGS" >"$work/bench.conf"
	mkesp "$work/esp-pvhboot-entry.img" 128 "${esp_common[@]}" \
		"$b/pvhboot.efi=/EFI/BOOT/BOOTX64.EFI" "$work/loader.conf=/loader/loader.conf" \
		"$work/bench.conf=/loader/entries/bench.conf"
fi

grub_iso() { # OUT.iso MENUENTRY_BODY PVHBOOT_ELF
	cat >"$work/grub.cfg" <<EOF2
set timeout=0
set default=0
serial --unit=0 --speed=115200
terminal_input serial
terminal_output serial
menuentry "bench" {
$2
}
EOF2
	"$top/scripts/mkgrub-iso.sh" "$1" "$work/grub.cfg" "$3=pvhboot.elf" "$VMLINUX_GZ=vmlinux.gz" \
		"$VMLINUZ=vmlinuz" "$work/initramfs.img=initramfs.img" || exit 1
}
# GRUB inflates gzip modules itself (gzio): reading 12 MB through the BIOS
# instead of 66 MB is most of GRUB's time on this path; pvhboot gets the ELF.
VMLINUX_GZ=$work/vmlinux.gz
if needs grub-pvhboot || needs loader-grub-mb2; then
	[ "$VMLINUX_GZ" -nt "$VMLINUX" ] || gzip -c "$VMLINUX" >"$VMLINUX_GZ"
fi
needs grub-bzimage && grub_iso "$work/grub-bzimage.iso" \
	"	linux /vmlinuz $ARGS
	initrd /initramfs.img" "$b/pvhboot.elf"
mb2_entry="	multiboot2 /pvhboot.elf
	module2 /vmlinux.gz $ARGS
	module2 /initramfs.img"
needs grub-pvhboot && grub_iso "$work/grub-pvhboot.iso" "$mb2_entry" "$b/pvhboot.elf"
needs loader-grub-mb2 && grub_iso "$work/grub-pvhboot-bench.iso" "$mb2_entry" "$b/bench/pvhboot.elf"

# --- one run -----------------------------------------------------------------------------
# case_args CASE: QEMU's arguments (after the common ones) and stamp's options.
case_args() {
	local vars=$work/vars.fd
	qargs=()
	sargs=()
	case $1 in
	qemu-pvh-pc) qargs=(-M pc -kernel "$VMLINUX" -initrd "$work/initramfs.img" -append "$ARGS") ;;
	qemu-pvh-microvm) qargs=(-M microvm -kernel "$VMLINUX" -initrd "$work/initramfs.img"
		-append "$ARGS $MICROVM_ARGS") ;;
	qemu-bzimage-pc) qargs=(-M pc -kernel "$VMLINUZ" -initrd "$work/initramfs.img" -append "$ARGS") ;;
	qemu-bzimage-microvm) qargs=(-M microvm -kernel "$VMLINUZ" -initrd "$work/initramfs.img"
		-append "$ARGS $MICROVM_ARGS") ;;
	ovmf-*)
		cp "$OVMF_VARS" "$vars"
		qargs=(-M pc -drive "if=pflash,format=raw,unit=0,readonly=on,file=$OVMF_CODE"
			-drive "if=pflash,format=raw,unit=1,file=$vars")
		case $1 in
		ovmf-stub) qargs+=(-drive "if=virtio,format=raw,file=$work/esp-stub.img")
			sargs=(-k "$SHELL_KEY_PROMPT") ;;
		ovmf-pvhboot-shell) qargs+=(-drive "if=virtio,format=raw,file=$work/esp-pvhboot-shell.img")
			sargs=(-k "$SHELL_KEY_PROMPT") ;;
		ovmf-pvhboot-entry) qargs+=(-drive "if=virtio,format=raw,file=$work/esp-pvhboot-entry.img") ;;
		esac
		;;
	grub-bzimage) qargs=(-M pc -cdrom "$work/grub-bzimage.iso" -boot d) ;;
	grub-pvhboot) qargs=(-M pc -cdrom "$work/grub-pvhboot.iso" -boot d) ;;
	pvh-chain-pc) qargs=(-M pc -kernel "$b/pvhboot-pvh.elf" -initrd "$work/linux.bundle") ;;
	pvh-chain-microvm) qargs=(-M microvm -kernel "$b/pvhboot-pvh.elf" -initrd "$work/linux.bundle"
		-append "$MICROVM_ARGS") ;;
	# The bench build: stop once the kernel speaks; the probes are on 0xe9.
	loader-pvh-chain-pc) qargs=(-M pc -kernel "$b/bench/pvhboot-pvh.elf" -initrd "$work/linux.bundle") ;;
	loader-mb1-qemu) qargs=(-M pc -kernel "$b/bench/pvhboot.elf"
		-initrd "$VMLINUX $ARGS,$work/initramfs.img") ;;
	loader-grub-mb2) qargs=(-M pc -cdrom "$work/grub-pvhboot-bench.iso" -boot d) ;;
	esac
	case $1 in
	loader-*) sargs=(-s "Linux version") ;;
	esac
}

# field LOG PATTERN: the timestamp of the first line containing PATTERN.
first_stamp() {
	awk -F'\t' -v p="$2" 'index($0, p) { print $1; exit }' "$1"
}

# hexfield LINE NAME: NAME=HEX in LINE, as a decimal number.
hexfield() {
	local v
	v=$(sed -n "s/.*[ ]$2=\([0-9a-f]*\).*/\1/p" <<<"$1")
	[ -n "$v" ] && echo $((16#$v))
}
decfield() { sed -n "s/.*[ ]$2=\([0-9]*\).*/\1/p" <<<"$1"; }

TSC_KHZ=$("$STAMP" --tsc-khz)
echo "round,case,first_s,marker_s,qemu_exit,ok" >"$out/runs.csv"
echo "round,case,tsc_khz,bytes_read,bytes_copied,floor_ms,loader_ms,stub_copy_ms,loader_other_ms,loader_per_floor,prepare_ms,prepare_warm_ms,report_ms" \
	>"$out/loader.csv"

run_case() { # CASE ROUND
	local c=$1 r=$2 log=$logs/$1.$2.log dbg=$logs/$1.$2.debugcon rc first marker ok
	case_args "$c"
	[[ $c == loader-* ]] && qargs+=(-debugcon "file:$dbg")
	"$STAMP" -t "$TIMEOUT" "${sargs[@]}" -- "$QEMU" -nodefaults -display none -serial stdio \
		-no-reboot -net none -device isa-debug-exit,iobase=0xf4,iosize=0x04 -m "$MEM" \
		-accel "$ACCEL" "${qargs[@]}" </dev/null >"$log" 2>"$log.stderr"
	rc=$?
	first=$(first_stamp "$log" "Linux version")
	if [[ $c == loader-* ]]; then
		loader_row "$c" "$r" "$dbg"
		say "round $r/$runs $c: $(tail -n1 "$out/loader.csv" | cut -d, -f6-)"
		return
	fi
	marker=$(first_stamp "$log" "PVHBOOT-USERSPACE:")
	ok=0
	[ -n "$first" ] && [ -n "$marker" ] && [ "$rc" = 33 ] && ok=1
	echo "$r,$c,${first:-},${marker:-},$rc,$ok" >>"$out/runs.csv"
	say "round $r/$runs $c: first ${first:-none} s, marker ${marker:-none} s, exit $rc"
}

loader_row() { # CASE ROUND DEBUGCON_LOG
	local c=$1 r=$2 line stub entry prep w0 w1 f0 f1 s0 s1 j bread bcopied
	line=$(grep -a -m1 '^PVHBOOT-BENCH ' "$3" 2>/dev/null)
	stub=$(grep -a -m1 '^PVHBOOT-BENCH-STUB ' "$3" 2>/dev/null)
	if [ -z "$line" ] || [ -z "$stub" ]; then
		echo "$r,$c,$TSC_KHZ,,,,,,,,,," >>"$out/loader.csv"
		return
	fi
	entry=$(hexfield "$line" entry)
	prep=$(hexfield "$line" prepared)
	w0=$(hexfield "$line" warm_start)
	w1=$(hexfield "$line" warm_end)
	f0=$(hexfield "$line" floor_start)
	f1=$(hexfield "$line" floor_end)
	s0=$(hexfield "$stub" start)
	s1=$(hexfield "$stub" copies)
	j=$(hexfield "$stub" jump)
	bread=$(decfield "$line" bytes_read)
	bcopied=$(decfield "$line" bytes_copied)
	# The loader's time: entry to the jump, without the measurements themselves
	# (the floor, and the warm re-run of the planning).
	awk -v k="$TSC_KHZ" -v e="$entry" -v p="$prep" -v w0="$w0" -v w1="$w1" -v f0="$f0" -v f1="$f1" -v s0="$s0" -v s1="$s1" -v j="$j" \
		-v r="$r" -v c="$c" -v br="$bread" -v bc="$bcopied" 'BEGIN {
		floor = (f1 - f0) / k; loader = (j - e - (f1 - f0) - (w1 - w0)) / k; copy = (s1 - s0) / k
		printf "%s,%s,%s,%s,%s,%.1f,%.1f,%.1f,%.1f,%.3f,%.1f,%.2f,%.1f\n", r, c, k, br, bc, floor, loader,
			copy, loader - copy, loader / floor, (p - e) / k, (w1 - w0) / k, (w0 - p) / k }' >>"$out/loader.csv"
}

say "$runs round(s) of: $(echo $cases) (accel $ACCEL, TSC $TSC_KHZ kHz)"
for ((r = 1; r <= runs; r++)); do
	for c in $cases; do
		run_case "$c" "$r"
	done
done

# --- the report ---------------------------------------------------------------------------
# stats CASE COLUMN: "median min max count" over the case's good runs.
stats() {
	awk -F, -v c="$1" -v col="$2" '$2 == c && $6 == 1 { print $col }' "$out/runs.csv" | sort -g |
		awk '{ v[NR] = $1 } END {
			if (NR == 0) { print "- - - 0"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			printf "%.2f %.2f %.2f %d\n", m, v[1], v[NR], NR }'
}

reference() {
	case $1 in
	qemu-pvh-pc) echo qemu-bzimage-pc ;;
	qemu-pvh-microvm) echo qemu-bzimage-microvm ;;
	ovmf-pvhboot-*) echo ovmf-stub ;;
	grub-pvhboot) echo grub-bzimage ;;
	pvh-chain-pc) echo qemu-pvh-pc ;;
	pvh-chain-microvm) echo qemu-pvh-microvm ;;
	*) echo "$1" ;;
	esac
}

describe() {
	case $1 in
	qemu-pvh-pc) echo "QEMU -kernel vmlinux (QEMU's PVH), pc" ;;
	qemu-pvh-microvm) echo "QEMU -kernel vmlinux (QEMU's PVH), microvm" ;;
	qemu-bzimage-pc) echo "QEMU -kernel vmlinuz (bzImage), pc" ;;
	qemu-bzimage-microvm) echo "QEMU -kernel vmlinuz (bzImage), microvm" ;;
	ovmf-stub) echo "OVMF shell, vmlinuz as EFI application (EFI stub)" ;;
	ovmf-pvhboot-shell) echo "OVMF shell, pvhboot.efi with load options" ;;
	ovmf-pvhboot-entry) echo "OVMF, pvhboot.efi as BOOTX64.EFI, loader entry" ;;
	grub-bzimage) echo "GRUB BIOS ISO, linux vmlinuz + initrd" ;;
	grub-pvhboot) echo "GRUB BIOS ISO, multiboot2 pvhboot.elf + vmlinux.gz (GRUB inflates it)" ;;
	pvh-chain-pc) echo "QEMU -kernel pvhboot-pvh.elf -initrd bundle, pc" ;;
	pvh-chain-microvm) echo "QEMU -kernel pvhboot-pvh.elf -initrd bundle, microvm" ;;
	esac
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'; }
verdict() { awk -v x="$1" -v g="$2" 'BEGIN { if (x == "-") print "n/a"; else print (x <= g) ? "PASS" : "MISS" }'; }

report=$out/results.md
chartdat=$work/chart.dat
: >"$chartdat"
declare -A MED
{
	echo "Time from QEMU start, seconds: median (min-max) of $runs run(s), accel $ACCEL, -m $MEM."
	echo "Ratio: marker median / the reference case's marker median."
	echo
	echo "| case | boot path | ok runs | \"Linux version\" | userspace marker | ratio | reference |"
	echo "| --- | --- | --- | --- | --- | --- | --- |"
	for c in $cases; do
		[[ $c == loader-* ]] && continue
		read -r fm fmin fmax _ <<<"$(stats "$c" 3)"
		read -r mm mmin mmax n <<<"$(stats "$c" 4)"
		MED[$c]=$mm
		echo "$c $fm $mm" >>"$chartdat"
	done
	for c in $cases; do
		[[ $c == loader-* ]] && continue
		read -r fm fmin fmax _ <<<"$(stats "$c" 3)"
		read -r mm mmin mmax n <<<"$(stats "$c" 4)"
		ref=$(reference "$c")
		rt=$(ratio "$mm" "${MED[$ref]:--}")
		[ "$ref" = "$c" ] && rt="1.00" && ref="(itself)"
		echo "| $c | $(describe "$c") | $n/$runs | $fm ($fmin-$fmax) | $mm ($mmin-$mmax) | $rt | $ref |"
	done
	echo
	echo "| target (marker medians) | ratio | goal | verdict |"
	echo "| --- | --- | --- | --- |"
	target() { # LABEL CASE REF GOAL
		local x
		needs "$2" && needs "$3" || return 0
		x=$(ratio "${MED[$2]}" "${MED[$3]}")
		echo "| $1 | $x | <= $4 | $(verdict "$x" "$4") |"
	}
	target "OVMF + pvhboot.efi (shell) / OVMF + EFI stub (shell)" ovmf-pvhboot-shell ovmf-stub 0.75
	target "OVMF + pvhboot.efi (BOOTX64.EFI entry) / OVMF + EFI stub (shell)" ovmf-pvhboot-entry ovmf-stub 0.75
	target "GRUB + pvhboot / GRUB + bzImage" grub-pvhboot grub-bzimage 0.8
	target "PVH chain / QEMU's own PVH, pc" pvh-chain-pc qemu-pvh-pc 1.05
	target "PVH chain / QEMU's own PVH, microvm" pvh-chain-microvm qemu-pvh-microvm 1.05
	if grep -q '^[0-9]*,loader-' "$out/loader.csv"; then
		echo
		echo "The loader's own time (bench build, TSC at $TSC_KHZ kHz; median (min-max) over $runs run(s)):"
		echo "entry to the jump to the kernel, against the floor: one copy of the bytes the plan moves, from"
		echo "the copies' own sources into RAM nothing has touched yet (as the kernel's destination), with"
		echo "the stub's copy loop, measured in the same run (and not counted in the loader's time). Each"
		echo "column is its own median; loader / floor is the median of the runs' own ratios."
		echo
		echo "| case | bytes read | bytes copied | floor ms | loader ms | of which stub copies ms | loader / floor | goal | verdict |"
		echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"
		for c in $cases; do
			[[ $c == loader-* ]] || continue
			[ -n "$(awk -F, -v c="$c" '$2 == c && $7 != ""' "$out/loader.csv")" ] || continue
			lcol() { # COLUMN [PRECISION]: "median (min-max)" of the case's complete rows
				awk -F, -v c="$c" -v col="$1" '$2 == c && $7 != "" { print $col }' "$out/loader.csv" |
					sort -g | awk -v p="${2:-1}" '{ v[NR] = $1 } END {
						m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
						f = "%." p "f (%." p "f-%." p "f)"; printf f, m, v[1], v[NR] }'
			}
			lr=$(lcol 10 2)
			br=$(awk -F, -v c="$c" '$2 == c && $7 != "" { print $4; exit }' "$out/loader.csv")
			bc=$(awk -F, -v c="$c" '$2 == c && $7 != "" { print $5; exit }' "$out/loader.csv")
			echo "| $c | $br | $bc | $(lcol 6) | $(lcol 7) | $(lcol 8) | $lr | <= 1.25 | $(verdict "${lr%% *}" 1.25) |"
		done
		echo
		echo "Where the rest of the loader's time goes: planning (entry to the finished plan: the start"
		echo "info, the bundle, the ELF, the plan), then the same planning run again at once (warm), and the"
		echo "console report. Under TCG the first run of each piece of the loader's code pays QEMU's"
		echo "translation of it; the warm run shows what the planning itself costs."
		echo
		echo "| case | planning ms | planning again (warm) ms | console report ms |"
		echo "| --- | --- | --- | --- |"
		for c in $cases; do
			[[ $c == loader-* ]] || continue
			[ -n "$(awk -F, -v c="$c" '$2 == c && $13 != ""' "$out/loader.csv")" ] || continue
			echo "| $c | $(lcol 11) | $(lcol 12 2) | $(lcol 13) |"
		done
	fi
} >"$report"

if [ $quick = 1 ]; then
	cat "$report"
	exit 0
fi

if command -v gnuplot >/dev/null && [ -s "$chartdat" ]; then
	gnuplot <<EOF2 2>"$work/gnuplot.log" || say "gnuplot failed: see $work/gnuplot.log"
set terminal pngcairo size 900,480 font "sans,9"
set output "$out/chart.png"
set title "Debian 12 kernel to busybox userspace, median of $runs runs (QEMU $ACCEL, $(date +%Y-%m))"
set ylabel "seconds from QEMU start"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set xtics rotate by -35 scale 0
set key top left
set grid ytics
set yrange [0:*]
plot "$chartdat" using 2:xtic(1) title '"Linux version" line' lc rgb "#8fb3d9", \
     "" using 3 title 'userspace marker' lc rgb "#1f5f9f"
EOF2
fi

cat "$report"
echo
say "wrote $report, $out/runs.csv, $out/loader.csv${out:+, $out/chart.png}; logs in $logs"

# --- the Debian system row group (bench/debian-bench.sh, its own table and
# chart in $out/debian): a real Debian image to its login prompt.
# BENCH_DEBIAN=0 skips it (it builds the image as root, and boots are long).
if [ "${BENCH_DEBIAN:-1}" = 1 ]; then
	echo
	"$top/bench/debian-bench.sh" --runs "$runs" --firstboot --out "$out/debian" || say "the Debian row group failed"
fi
# --- the firmware-mode row group (bench/firmware-bench.sh, $out/firmware):
# the same image with pvhboot-pvh.elf as the VMM's firmware, against OVMF +
# pvhboot.efi and the -kernel floor; its goals use the Debian group's
# ovmf-grub-stub runs. BENCH_FIRMWARE=0 skips it.
if [ "${BENCH_FIRMWARE:-1}" = 1 ]; then
	echo
	"$top/bench/firmware-bench.sh" --runs "$runs" --out "$out/firmware" --ref "$out/debian/runs.csv" ||
		say "the firmware row group failed"
fi
exit 0
