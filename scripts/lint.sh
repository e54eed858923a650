#!/bin/bash
# lint.sh - `make lint`: static analysis of src/ and tests/ with Debian's
# cppcheck and clang-tidy; clean means no finding at all. Configuration:
# .clang-tidy (checks, each one turned off justified there) and
# scripts/cppcheck.supp (suppressions, each justified there). Each source
# is analysed with the flags of the build it belongs to (hosted core and
# tools, freestanding i386 loader and guest, UEFI), as the Makefile builds it.
#   scripts/lint.sh [cppcheck|clang-tidy]     (default: both)
# Environment: LINT_JOBS (parallel clang-tidy runs, default: nproc).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 2
what=${1:-all}
jobs=${LINT_JOBS:-$(nproc)}
status=0

for tool in cppcheck clang-tidy; do
	case $what in all | "$tool") ;; *) continue ;; esac
	command -v $tool >/dev/null || { echo "lint: $tool missing (make deps installs it)" >&2; exit 2; }
done
make --no-print-directory -s build/include/xen || exit 2

if [ "$what" = all ] || [ "$what" = cppcheck ]; then
	echo "== lint: $(cppcheck --version)"
	# Hosted view of everything (env.h's freestanding branch only declares
	# mem*/str*); Criterion's Test() is declared as the function it defines.
	cppcheck --enable=warning,style,performance,portability --std=c11 --quiet \
		--inline-suppr --suppressions-list=scripts/cppcheck.supp --error-exitcode=1 \
		--max-configs=1 -D__STDC_HOSTED__=1 -D__x86_64__ -D__XEN_INTERFACE_VERSION__=0x00040e00 '-DTest(s,n,...)=void s##_##n(void)' \
		-Isrc -Ibuild/include --template='{file}:{line}: {severity}: {id}: {message}' \
		src tests/unit tests/fuzz tests/guest || status=1
fi

if [ "$what" = all ] || [ "$what" = clang-tidy ]; then
	echo "== lint: $(clang-tidy --version | grep -i version | head -n1 | sed 's/^ *//')"
	# The quotes around TEST_DIR stay literal on purpose: they make the
	# macro a string literal, as the Makefile's -DTEST_DIR='"..."' does.
	# shellcheck disable=SC2089,SC2090
	xenabi=-D__XEN_INTERFACE_VERSION__=0x00040e00 # as the Makefile's COMMON
	host="-std=gnu11 -Isrc -isystem build/include $xenabi -D_GNU_SOURCE -DTEST_DIR=\"$top/tests/unit\""
	free32="-std=gnu11 -Isrc -isystem build/include $xenabi -m32 -ffreestanding"
	efi="-std=gnu11 -Isrc -isystem build/include -ffreestanding -isystem /usr/include/efi
		-isystem /usr/include/efi/x86_64 -fshort-wchar -DGNU_EFI_USE_MS_ABI"
	list=$(mktemp)
	trap 'rm -f "$list"' EXIT
	# One line per file: FLAGS-SET FILE.
	for f in src/lib/*.c src/elf/*.c src/pvh/*.c src/fs/*.c src/loader/common/*.c \
		src/loader/config/*.c src/loader/multiboot/*.c src/xenbus/*.c src/tools/*.c \
		tests/unit/*.c tests/fuzz/*.c; do
		echo "host $f"
	done >"$list"
	for f in src/loader/*.c src/loader/disk/*.c src/hw/*.c src/xen/*.c tests/guest/*.c; do
		echo "free32 $f"
	done >>"$list"
	for f in src/loader/efi/*.c; do echo "efi $f"; done >>"$list"
	# shellcheck disable=SC2090
	export host free32 efi
	# clang-tidy prints its findings on stdout and statistics on stderr;
	# a file with findings fails (WarningsAsErrors in .clang-tidy).
	# shellcheck disable=SC2016 # expanded by the inner shell
	xargs -P "$jobs" -L1 bash -c 'out=$(clang-tidy --quiet "$1" -- ${!0} 2>/dev/null) ||
		{ printf "%s\n" "$out"; exit 1; }; [ -z "$out" ] || printf "%s\n" "$out"' <"$list" || status=1
fi
[ $status = 0 ] && echo "== lint: clean" || echo "== lint: findings above"
exit $status
