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
HGSERVER=${HGSERVER:-$SRCDIR/build/hgserver/hgserver}
HUGEGRAPHFS=${HUGEGRAPHFS:-$SRCDIR/build/fs/hugegraphfs}
EXPECTED="python3 $SRCDIR/tests/integration/expected.py"

T=$(mktemp -d "${TMPDIR:-/tmp}/hgfs-test.XXXXXX")
# each test keeps its own snapshot state (never the user's ~/.local/state)
export XDG_STATE_HOME=$T/state
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

# start_server VAR ARGS...: starts hgserver, sets VAR to its URL.  With
# HGFS_REAL=VERSION in the environment it starts the real Apache HugeGraph
# VERSION instead (see start_real_server).
start_server() {
	if [ -n "${HGFS_REAL:-}" ]; then
		start_real_server "$@"
		return
	fi
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
	# a real server is not our child: wait for it to go
	local i
	for i in $(seq 1 300); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$1" 2>/dev/null
	return 0
}

# --- the real Apache HugeGraph server --------------------------------------

# require_real: the real-server tests run unless HUGEGRAPHFS_SKIP_REAL=1.
require_real() {
	if [ "${HUGEGRAPHFS_SKIP_REAL:-}" = 1 ]; then
		echo "SKIPPED: real-server tests disabled by HUGEGRAPHFS_SKIP_REAL=1"
		echo "1..0 # SKIP real-server tests disabled by HUGEGRAPHFS_SKIP_REAL"
		exit 77
	fi
}

REAL_HOMES=()
REAL_N=0

# start_real_server VAR HGSERVER-ARGS...: starts real HugeGraph $HGFS_REAL
# (scripts/hugegraph-server.sh, a fresh instance under $T) with the graphs
# that the hgserver arguments name, and sets VAR to its URL.  Translated:
# --backend, --graph NAME, --load NAME=DIR and --generate NAME=V,E[,SEED]
# (the data is loaded with tests/real/load.sh, independently of the mount:
# a generated graph is hgserver's --dump of it), --auth admin:PASSWORD,
# --batch-max N.
# HGFS_REAL_AUTH_PROXY=1 in the environment starts it with --auth-proxy (the
# auth API can create users, groups, ...; scripts/hugegraph-server.sh).
# --persona names the persona whose --generate data is loaded (default 1.7;
# the server's version is $HGFS_REAL); any other hgserver option cannot be
# imitated and fails the start.
start_real_server() {
	require_real
	local var=$1; shift
	local backend=memory graphs=() loads=() auth="" batch="" persona=1.7
	while [ $# -gt 0 ]; do
		case $1 in
		--persona) # hgserver has personas 1.3 and 1.7: 1.5 data is 1.7's
			[ "$2" = 1.3 ] && persona=1.3
			shift 2 ;;
		--backend) backend=$2; shift 2 ;;
		--batch-max) batch=$2; shift 2 ;;
		--graph) graphs+=("$2"); shift 2 ;;
		--load | --generate) graphs+=("${2%%=*}"); loads+=("$1" "$2"); shift 2 ;;
		--auth)
			[ "${2%%:*}" = admin ] || { echo "the real server's administrator is 'admin', not '${2%%:*}'" >&2; return 1; }
			auth=${2#*:}; shift 2 ;;
		--reader)
			# HugeGraph's user API answers 500 "Property creator can't be
			# null" unless the graphs run behind HugeFactoryAuthProxy,
			# which cannot start on Java 17 (the only Java of Debian 12)
			echo "start_real_server: no second user can be created on the real server (see tests/real/README.md)" >&2
			return 1 ;;
		*) echo "start_real_server: hgserver option '$1' cannot be imitated by the real server" >&2; return 1 ;;
		esac
	done
	REAL_N=$((REAL_N + 1))
	local home=$T/real.$REAL_N url
	local list
	list=$(IFS=,; echo "${graphs[*]}")
	url=$("$SRCDIR/scripts/hugegraph-server.sh" start "$HGFS_REAL" --backend "$backend" \
		--graphs "$list" --home "$home" --fresh ${auth:+--auth "$auth"} ${batch:+--batch-max "$batch"} \
		${HGFS_REAL_AUTH_PROXY:+--auth-proxy} 2>"$T/real.$REAL_N.start") || {
		cat "$T/real.$REAL_N.start" >&2
		echo "the real HugeGraph $HGFS_REAL did not start" >&2
		[ "${CI:-}" = true ] && echo "(in CI a real server that will not start is a failure)" >&2
		return 1
	}
	REAL_HOMES+=("$home")
	LAST_SERVER_PID=$(cat "$home/server.pid")
	LAST_REAL_HOME=$home
	SERVER_PIDS+=("$LAST_SERVER_PID")
	log "real HugeGraph $HGFS_REAL ($backend${auth:+, auth}) at $url, graphs $list"
	local i=0 name src
	while [ $i -lt ${#loads[@]} ]; do
		name=${loads[$((i + 1))]%%=*}
		src=${loads[$((i + 1))]#*=}
		if [ "${loads[$i]}" = --generate ]; then
			local dump=$T/generated.$name.$REAL_N
			mkdir -p "$dump"
			"$HGSERVER" --persona "$persona" --generate "$name=$src" --dump "$name=$dump" >/dev/null ||
				{ echo "hgserver --dump of $name=$src failed" >&2; return 1; }
			src=$dump
		fi
		"$SRCDIR/tests/real/load.sh" "$url" "$name" "$src" ${auth:+"admin:$auth"} ||
			{ echo "loading $src into $name failed" >&2; return 1; }
		i=$((i + 2))
	done
	printf -v "$var" '%s' "$url"
}

# restart_real_server: starts the last real server again, on the same port
# and data (rocksdb keeps its graphs; memory starts empty; modes are NONE).
restart_real_server() {
	local home=$LAST_REAL_HOME
	local port
	port=$(sed 's/.*://' "$home/server.url")
	local args
	args=$(cat "$home/start.args")
	# shellcheck disable=SC2086
	"$SRCDIR/scripts/hugegraph-server.sh" start "$HGFS_REAL" $args --home "$home" --port "$port" \
		>/dev/null 2>"$home/restart.err" || { cat "$home/restart.err" >&2; return 1; }
	LAST_SERVER_PID=$(cat "$home/server.pid")
	SERVER_PIDS+=("$LAST_SERVER_PID")
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
	for p in "${SERVER_PIDS[@]}"; do stop_server "$p"; done
	# real servers, also those (re)started in a subshell such as check's
	for p in "$T"/real.*/server.pid; do
		[ -f "$p" ] && stop_server "$(cat "$p")"
	done
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
