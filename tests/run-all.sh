#!/bin/bash
# run-all.sh - every test of `make check`, in order: host unit tests of the
# core (ASan+UBSan), the fuzz corpus replayed under the sanitizers, then the
# QEMU boot tests. Ends with one line the CI reads: "N passed, N failed".
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
count() { # count PASSED FAILED
	passed=$((passed + $1))
	failed=$((failed + $2))
}

echo "== unit tests (Criterion, ASan+UBSan)"
if make --no-print-directory build/unit-tests; then
	out=$(mktemp)
	PVH_TEST_VMLINUX=$PWD/cache/kernel/vmlinux build/unit-tests -j2 --short-filename 2>&1 | tee "$out"
	line=$(grep -a 'Synthesis:' "$out" | tail -n1)
	t=$(sed -n 's/.*Tested: \([0-9]*\).*/\1/p' <<<"$line")
	p=$(sed -n 's/.*Passing: \([0-9]*\).*/\1/p' <<<"$line")
	if [ -n "$t" ] && [ -n "$p" ]; then
		count "$p" $((t - p))
	else
		echo "not ok - unit tests produced no summary"
		count 0 1
	fi
	rm -f "$out"
else
	echo "not ok - unit tests did not build"
	count 0 1
fi

echo "== fuzz corpus replay (ASan+UBSan)"
scripts/gen-fuzz-seeds.sh >/dev/null 2>&1 || true
[ -x scripts/gen-loader-seeds.sh ] && { scripts/gen-loader-seeds.sh >/dev/null 2>&1 || true; }
[ -x scripts/gen-fs-seeds.sh ] && { scripts/gen-fs-seeds.sh >/dev/null 2>&1 || true; }
for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	t=${t#fuzz_}
	if make --no-print-directory "replay-$t"; then
		echo "ok - fuzz replay $t"
		count 1 0
	else
		echo "not ok - fuzz replay $t"
		count 0 1
	fi
done

echo "== boot tests (QEMU)"
out=$(mktemp)
tests/boot/run.sh 2>&1 | tee "$out"
count "$(grep -c '^ok - ' "$out")" "$(grep -c '^not ok - ' "$out")"
rm -f "$out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
