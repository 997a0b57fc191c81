#!/bin/bash
# Sets up, builds and runs every test: unit suites (Check), the reference
# server's API tests, the integration tests that really mount, and the
# real-server suite (the real Apache HugeGraph 1.5.0 and 1.7.0, assembled
# from Maven Central into ~/.cache/hugegraphfs the first time).
#   tests/run.sh                       build in ./build and run everything
#   BUILD_DIR=b MESON_ARGS=... tests/run.sh
#   tests/run.sh --suite unit          arguments go to `meson test`
#   HUGEGRAPHFS_SKIP_REAL=1 tests/run.sh
#                                      without the real-server suite (no
#                                      Maven Central here); says so loudly
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh || { echo "tests/run.sh: installing dependencies failed" >&2; exit 1; }

BUILD=${BUILD_DIR:-build}
if [ -f "$BUILD/build.ninja" ]; then
	meson configure "$BUILD" ${MESON_ARGS:-} >/dev/null || exit 1
else
	meson setup "$BUILD" ${MESON_ARGS:-} || exit 1
fi
meson compile -C "$BUILD" || exit 1

REAL_VERSIONS="1.5.0 1.7.0"
if [ "${HUGEGRAPHFS_SKIP_REAL:-}" = 1 ]; then
	if [ "${CI:-}" = true ]; then
		echo "tests/run.sh: HUGEGRAPHFS_SKIP_REAL=1 is not allowed in CI: the real-server suite must run" >&2
		exit 1
	fi
else
	# the jars once, before the tests (each test starts its own servers)
	for v in $REAL_VERSIONS; do
		if ! scripts/hugegraph-server.sh fetch "$v"; then
			echo "tests/run.sh: the real HugeGraph $v cannot be assembled from Maven Central (above)." >&2
			echo "tests/run.sh: HUGEGRAPHFS_SKIP_REAL=1 tests/run.sh runs everything else." >&2
			exit 1
		fi
	done
fi

log=$(mktemp)
meson test -C "$BUILD" --print-errorlogs --num-processes 2 "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One closing line for every runner that reads it.
count() { sed -n "s/^$1: *\([0-9]*\).*/\1/p" "$log" | tail -n 1; }
ok=$(count Ok); fail=$(count Fail); skip=$(count Skipped); tmo=$(count Timeout)
unexp=$(count 'Unexpected Pass'); xfail=$(count 'Expected Fail')
rm -f "$log"
# inner counts: every Check test and every integration assertion
tl="$BUILD/meson-logs/testlog.txt"
checks=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\).*/\1/p' "$tl" | awk '{s+=$1} END {print s+0}')
asserts=$(sed -n 's/^\([0-9]*\) passed, [0-9]* failed$/\1/p' "$tl" | awk '{s+=$1} END {print s+0}')
echo
echo "inside the tests: ${checks:-0} Check unit tests, ${asserts:-0} integration assertions passed"
echo "meson: ${ok:-0} ok, ${fail:-0} failed, ${tmo:-0} timed out, ${skip:-0} skipped"
failed=$(( ${fail:-0} + ${tmo:-0} + ${unexp:-0} ))
echo "${ok:-0} passed, ${failed} failed, ${skip:-0} skipped"
if [ "${HUGEGRAPHFS_SKIP_REAL:-}" = 1 ]; then
	echo
	echo "!!! THE REAL-SERVER SUITE WAS SKIPPED (HUGEGRAPHFS_SKIP_REAL=1): nothing above ran against the real"
	echo "!!! Apache HugeGraph server; run tests/run.sh without it where Maven Central can be reached."
fi
[ "$status" -eq 0 ] && [ "${ok:-0}" -gt 0 ]
