# lib.sh - helpers for the integration tests: a reference server, a real
# mount, assertions that count, and a teardown that always unmounts.
#
# A test sources this file, calls start_server / mount_fs, runs `check`
# assertions and ends with `finish`.  Environment (set by meson):
#   HGSERVER     path of the hgserver binary
#   HUGEGRAPHFS  path of the hugegraphfs binary
#   SRCDIR       the source tree (for examples/ and tests/)
set -u

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HGSERVER=${HGSERVER:-$SRCDIR/build/tests/server/hgserver}
HUGEGRAPHFS=${HUGEGRAPHFS:-$SRCDIR/build/fs/hugegraphfs}
EXPECTED="python3 $SRCDIR/tests/integration/expected.py"

T=$(mktemp -d "${TMPDIR:-/tmp}/hgfs-test.XXXXXX")
PASS=0
FAIL=0
NUM=0
SERVER_PIDS=()
MOUNTS=()
DAEMON_PIDS=()

log() { printf '# %s\n' "$*"; }

ok() {
	NUM=$((NUM + 1)); PASS=$((PASS + 1))
	printf 'ok %d - %s\n' "$NUM" "$1"
}

not_ok() {
	NUM=$((NUM + 1)); FAIL=$((FAIL + 1))
	printf 'not ok %d - %s\n' "$NUM" "$1"
	shift
	[ $# -gt 0 ] && printf '#   %s\n' "$@"
	return 0
}

# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1; shift
	local out
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc" "command: $*" "${out:0:2000}"
	fi
}

# check_fails DESC CMD...: passes when CMD exits non-zero.
check_fails() {
	local desc=$1; shift
	if "$@" >/dev/null 2>&1; then
		not_ok "$desc" "command succeeded but should have failed: $*"
	else
		ok "$desc"
	fi
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1" "expected: ${2:0:500}" "actual:   ${3:0:500}"; fi
}

# same_tree DIR_A DIR_B FILES...: byte comparison of the named files.
same_files() {
	local a=$1 b=$2; shift 2
	local f
	for f in "$@"; do
		cmp "$a/$f" "$b/$f" || return 1
	done
}

require_fuse() {
	if [ ! -e /dev/fuse ] || ! command -v fusermount3 >/dev/null; then
		if [ "${CI:-}" = true ]; then
			echo "FUSE is not available (/dev/fuse or fusermount3 missing): failing in CI" >&2
			exit 1
		fi
		echo "1..0 # SKIP FUSE not available"
		exit 77
	fi
}

# start_server VAR ARGS...: starts hgserver, sets VAR to its URL.
start_server() {
	local var=$1; shift
	local out="$T/server.$RANDOM.out" url="" i
	"$HGSERVER" --listen 127.0.0.1:0 "$@" >"$out" 2>"$out.err" &
	local pid=$!
	SERVER_PIDS+=("$pid")
	for i in $(seq 1 600); do
		url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$out" 2>/dev/null | head -n 1)
		[ -n "$url" ] && break
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "hgserver exited early:" >&2; cat "$out.err" >&2
			return 1
		fi
		sleep 0.1
	done
	[ -n "$url" ] || { echo "hgserver did not start" >&2; return 1; }
	LAST_SERVER_PID=$pid
	printf -v "$var" '%s' "$url"
}

stop_server() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# mount_fs URL MNT [hugegraphfs options...]: mounts in the foreground
# process (backgrounded); the daemon's log goes to $MNT.log.
mount_fs() {
	local url=$1 mnt=$2; shift 2
	local i
	mkdir -p "$mnt"
	"$HUGEGRAPHFS" -f "$url" "$mnt" "$@" 2>"$mnt.log" &
	local pid=$!
	DAEMON_PIDS+=("$pid")
	MOUNTS+=("$mnt")
	for i in $(seq 1 300); do
		if grep -qs " $mnt fuse" /proc/mounts; then
			LAST_DAEMON_PID=$pid
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			echo "hugegraphfs exited:" >&2; cat "$mnt.log" >&2
			return 1
		fi
		sleep 0.05
	done
	echo "mount did not appear" >&2
	return 1
}

# unmount_fs MNT: unmounts and waits for the daemon to exit.
unmount_fs() {
	local mnt=$1 i pid
	fusermount3 -u "$mnt" 2>/dev/null || fusermount3 -uz "$mnt" 2>/dev/null
	for pid in "${DAEMON_PIDS[@]}"; do
		for i in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
	done
	! grep -qs " $mnt fuse" /proc/mounts
}

cleanup() {
	teardown
	rm -rf "$T"
}
trap cleanup EXIT

# teardown: unmounts what is still mounted and stops the servers, waiting
# for every process to exit (sanitizers report at exit).
teardown() {
	local m p
	for m in "${MOUNTS[@]}"; do
		grep -qs " $m fuse" /proc/mounts && { fusermount3 -u "$m" 2>/dev/null || fusermount3 -uz "$m" 2>/dev/null; }
	done
	for p in "${DAEMON_PIDS[@]}"; do
		for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.05; done
		kill -9 "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	return 0
}

# no_sanitizer_reports: fails when a daemon or server log holds an
# AddressSanitizer, LeakSanitizer or UndefinedBehaviorSanitizer report.
no_sanitizer_reports() {
	local f bad=0
	for f in "$T"/*.log "$T"/*.err; do
		[ -f "$f" ] || continue
		if grep -qE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$f"; then
			echo "sanitizer report in $(basename "$f"):"
			head -n 40 "$f"
			bad=1
		fi
	done
	return $bad
}

# finish: prints the summary line and exits with the result.
finish() {
	teardown
	check "no sanitizer report from the daemons and servers" no_sanitizer_reports
	echo "1..$NUM"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ] && [ "$NUM" -gt 0 ]
	exit $?
}

# hg_curl URL_PATH [curl args]: a raw request to the last started server.
hg_curl() {
	local path=$1; shift
	curl -s --compressed "$@" "$SERVER$path"
}

# small_tmpfs DIR WHAT: mounts a 1 MiB tmpfs on DIR to fill (it needs root).
# When that cannot be done: a failure in CI (which runs as root), a logged
# skip of WHAT elsewhere; returns 1 then.
small_tmpfs() {
	mkdir -p "$1"
	mount -t tmpfs -o size=1m tmpfs "$1" 2>/dev/null && return 0
	if [ "${CI:-}" = true ]; then
		not_ok "$2: cannot mount a small tmpfs to fill (CI runs as root)"
	else
		log "skipping $2: mounting a tmpfs needs root"
	fi
	return 1
}
