#!/bin/bash
# run.sh - every QEMU boot test (tests/boot/*.sh but the library and this
# runner), one after the other. Each prints "ok - NAME" / "not ok - NAME"
# lines; the exit status is non-zero if any test script failed.
set -u
cd "$(dirname "$0")"
status=0
for t in *.sh; do
	case $t in lib.sh | run.sh) continue ;; esac
	echo "# $t"
	bash "./$t" || status=1
done
exit $status
