#!/bin/sh
# dd-read.sh - run inside the booted test image (pvhboot-test-run.service;
# bench/firmware-bench.sh puts it on the ESP): the device's own read rate
# for the firmware's: reads with dd the files the firmware read before
# this kernel started (the PVH ELF and initrds of the running kernel's
# loader entry, on the ESP), then as many bytes of the ESP's partition
# from its start, three times each, with O_DIRECT (no page cache; if the
# file system refuses it, buffered after dropping the caches). Lines:
#   PVHBOOT-DD: file PATH bytes=N s=S mode=direct|buffered pass=1..3
#   PVHBOOT-DD: files bytes=N s=S pass=1..3        (the sum over the files)
#   PVHBOOT-DD: device DEV bytes=N s=S mode=... pass=1..3
set +x # the service traces the script; the lines below are the output
v=$(uname -r)
entry=
for e in /boot/efi/loader/entries/*-"$v".conf; do
	[ -f "$e" ] && entry=$e && break
done
if [ -z "$entry" ]; then
	echo "PVHBOOT-DD: error: no loader entry for $v in /boot/efi/loader/entries"
	exit 1
fi
files=$(awk '$1 == "linux" || $1 == "initrd" { print $2 }' "$entry")

# dd_time FILE [dd options]: "BYTES SECONDS" of one read of FILE to /dev/null.
dd_time() {
	f=$1
	shift
	dd if="$f" of=/dev/null bs=8M "$@" 2>&1 |
		sed -n 's/^\([0-9][0-9]*\) bytes .* copied, \([0-9.e+-]*\) s, .*/\1 \2/p'
}

# read_one FILE [dd options]: O_DIRECT, or buffered from a cold cache.
# Prints "BYTES SECONDS MODE".
read_one() {
	f=$1
	shift
	r=$(dd_time "$f" iflag=direct "$@")
	if [ -n "$r" ]; then
		echo "$r direct"
		return
	fi
	sync
	echo 3 >/proc/sys/vm/drop_caches
	r=$(dd_time "$f" "$@")
	[ -n "$r" ] && echo "$r buffered"
}

# Three passes of each read (O_DIRECT: each pass goes to the device); the
# bench takes the median. The files were in the host's page cache already
# (the firmware had just read them), most of the partition's bytes are not
# until its first pass.
total=0
for pass in 1 2 3; do
	total=0
	total_s=0
	for p in $files; do
		r=$(read_one "/boot/efi$p")
		if [ -z "$r" ]; then
			echo "PVHBOOT-DD: error: dd of /boot/efi$p failed"
			exit 1
		fi
		# shellcheck disable=SC2086 # three words on purpose
		set -- $r
		echo "PVHBOOT-DD: file $p bytes=$1 s=$2 mode=$3 pass=$pass"
		total=$((total + $1))
		total_s=$(awk -v a="$total_s" -v b="$2" 'BEGIN { printf "%.6f", a + b }')
	done
	echo "PVHBOOT-DD: files bytes=$total s=$total_s pass=$pass"
done

# The same count of bytes straight from the partition, rounded up to 4 KiB
# (O_DIRECT reads whole blocks).
dev=$(findmnt -no SOURCE /boot/efi)
for pass in 1 2 3; do
	r=$(read_one "$dev" iflag=count_bytes count=$(((total + 4095) / 4096 * 4096)))
	if [ -z "$r" ]; then
		echo "PVHBOOT-DD: error: dd of $dev failed"
		exit 1
	fi
	# shellcheck disable=SC2086 # three words on purpose
	set -- $r
	echo "PVHBOOT-DD: device $dev bytes=$1 s=$2 mode=$3 pass=$pass"
done
