#!/bin/sh
# apt-download.sh DIR PKG... - `apt-get download` the named packages into DIR
# with apt's own progress on the terminal. apt downloads as its sandbox user
# `_apt`, which must be able to write into DIR; DIR is handed to it (it is a
# fresh temporary directory of the caller), so no "unsandboxed" warning.
# Callers: fetch-kernel.sh, fetch-kernel-variant.sh, fetch-xen.sh,
# mkdom0-initramfs.sh, mkgrub-pvh.sh.
set -eu

dir=$1
shift
if id _apt >/dev/null 2>&1; then
	chown _apt "$dir"
fi
chmod 755 "$dir"
cd "$dir"
apt-get download "$@"
