#!/bin/bash
# bench/run.sh - the hugegraphfs benchmark: backup and restore through the
# mount against a raw parallel baseline and a naive one, reads of a
# finished snapshot, and the reference server's own speed.  Prints one
# table (see bench/README.md).  Exits non-zero only when an output is wrong
# (a file differs from the mount's, a restore misses elements), never
# because a target is missed.
#
#   bench/run.sh [options]
#     --vertices N       vertices of the generated graph (default 1000000)
#     --edges N          edges of the generated graph (default 3000000)
#     --runs N           runs per row; the table shows the median (default 3)
#     --latency-ms N     the latency of the second server (default 10)
#     --persona P        hgserver persona, 1.7 or 1.3 (default 1.7)
#     --backend B        hgserver backend, rocksdb or memory (default rocksdb)
#     --parallel N       shards/batches in flight, mount and baselines (default 4)
#     --naive-limit L    page size of the naive list loop (default 500)
#     --naive-runs N     runs of the naive loop per latency (default: --runs)
#     --also-small       first run everything at 100000/300000 too
#     --quick            a small, fast run (5000/15000, 1 run, 5 ms), for the tests
#     --seed N           generator seed (default 42)
#     --port-base P      ports P, P+1, P+2 for the servers; 0: any free ports
#                        (default 19100)
#     --keep             keep the work directory (/tmp/bench-XXXXXX)
#     --no-build         use the binaries as they are (the test suite)
#     --real VERSION     against a real Apache HugeGraph server (1.3.0, 1.5.0,
#                        1.7.0) started with scripts/hugegraph-server.sh instead
#                        of hgserver: a generated graph (default 250000/750000,
#                        --quick 5000/15000) is loaded into it, then backup
#                        (mount vs rawscan) and restore (mount vs curl -Z)
#                        are timed; --parallel defaults to nproc there (the
#                        server's limits, see bench/README.md), --persona is
#                        the generator's (default 1.3), --backend the server's
#     --heap SIZE        Java heap of the real server (default 4g)
#     --tools DIR        with --real: also time hugegraph-tools' backup and
#                        restore (DIR holds bin/hugegraph)
#   Environment: BUILD_DIR (default ./build; configured and built if needed);
#   HGSERVER, HUGEGRAPHFS, RAWSCAN override the binaries' paths.
set -uo pipefail

# The whole script is one compound command, { ... }: bash reads all of it
# before running any of it, so editing the file during a run cannot change
# the run.
{
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(dirname "$HERE")
BUILD_DIR=${BUILD_DIR:-$SRC/build}

V=1000000 E=3000000 RUNS=3 LAT=10 PERSONA=1.7 BACKEND=rocksdb PAR=4
NAIVE_LIMIT=500 NAIVE_RUNS= ALSO_SMALL=0 SEED=42 PORT_BASE=19100 KEEP=0 NO_BUILD=0
REAL= TOOLS= HEAP=4g QUICK=0 SET_V= SET_E= SET_PAR= SET_PERSONA=
SPLIT_SIZE=1048576 PAGE_LIMIT=100000

usage() { sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; }

while [ $# -gt 0 ]; do
	case $1 in
	--vertices) V=$2; SET_V=1; shift ;;
	--edges) E=$2; SET_E=1; shift ;;
	--runs) RUNS=$2; shift ;;
	--latency-ms) LAT=$2; shift ;;
	--persona) PERSONA=$2; SET_PERSONA=1; shift ;;
	--backend) BACKEND=$2; shift ;;
	--parallel) PAR=$2; SET_PAR=1; shift ;;
	--naive-limit) NAIVE_LIMIT=$2; shift ;;
	--naive-runs) NAIVE_RUNS=$2; shift ;;
	--also-small) ALSO_SMALL=1 ;;
	--quick) V=5000 E=15000 RUNS=1 LAT=5 QUICK=1 SET_V=1 SET_E=1 ;;
	--real) REAL=$2; shift ;;
	--tools) TOOLS=$2; shift ;;
	--heap) HEAP=$2; shift ;;
	--seed) SEED=$2; shift ;;
	--port-base) PORT_BASE=$2; shift ;;
	--keep) KEEP=1 ;;
	--no-build) NO_BUILD=1 ;;
	-h | --help) usage; exit 0 ;;
	*) echo "run.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
	esac
	shift
done
NAIVE_RUNS=${NAIVE_RUNS:-$RUNS}
if [ -n "$REAL" ]; then
	# the real server: a smaller default graph (it loads at ~60k elements/s),
	# the generator's 1.3 persona (no PARENT/SUB edge labels, see README),
	# and no more requests in flight than its default limits accept
	[ -n "$SET_V" ] || V=250000
	[ -n "$SET_E" ] || E=750000
	[ -n "$SET_PERSONA" ] || PERSONA=1.3
	[ -n "$SET_PAR" ] || PAR=$(nproc)
	case $REAL in 1.3.0 | 1.5.0 | 1.7.0) ;; *) echo "run.sh: --real 1.3.0, 1.5.0 or 1.7.0" >&2; exit 2 ;; esac
elif [ -n "$TOOLS" ]; then
	echo "run.sh: --tools needs --real" >&2; exit 2
fi
for n in "$V" "$E" "$RUNS" "$LAT" "$PAR" "$NAIVE_LIMIT" "$NAIVE_RUNS" "$SEED" "$PORT_BASE"; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "run.sh: not a number: $n" >&2; exit 2; }
done
[ "$RUNS" -ge 1 ] && [ "$PAR" -ge 1 ] || { echo "run.sh: --runs and --parallel must be >= 1" >&2; exit 2; }
case $PERSONA in 1.7 | 1.3) ;; *) echo "run.sh: --persona 1.7 or 1.3" >&2; exit 2 ;; esac
case $BACKEND in rocksdb | memory) ;; *) echo "run.sh: --backend rocksdb or memory" >&2; exit 2 ;; esac

say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
fail() {
	printf 'bench: FAILED: %s\n' "$*" >&2
	exit 1
}

# ---- build -------------------------------------------------------------------
if [ "$NO_BUILD" = 0 ]; then
	if [ ! -f "$BUILD_DIR/build.ninja" ]; then
		say "configuring $BUILD_DIR"
		meson setup "$BUILD_DIR" "$SRC" >&2 || fail "meson setup"
	fi
	say "building in $BUILD_DIR"
	meson compile -C "$BUILD_DIR" >/dev/null || fail "meson compile (run it by hand to see why)"
fi
HGSERVER=${HGSERVER:-$BUILD_DIR/hgserver/hgserver}
HUGEGRAPHFS=${HUGEGRAPHFS:-$BUILD_DIR/fs/hugegraphfs}
RAWSCAN=${RAWSCAN:-$BUILD_DIR/bench/rawscan}
for b in "$HGSERVER" "$HUGEGRAPHFS" "$RAWSCAN"; do [ -x "$b" ] || fail "$b was not built"; done

# ---- processes, always cleaned up ---------------------------------------------
WORK=$(mktemp -d /tmp/bench-XXXXXX)
SPOOL=$WORK/spool
MNT=$WORK/mnt
mkdir -p "$SPOOL" "$MNT"
SERVER_PIDS=() DAEMON_PID=

cleanup() {
	local p
	if grep -qs " $MNT fuse" /proc/mounts; then
		fusermount3 -u "$MNT" 2>/dev/null || fusermount3 -uz "$MNT" 2>/dev/null
	fi
	if [ -n "$DAEMON_PID" ]; then
		kill "$DAEMON_PID" 2>/dev/null
		wait "$DAEMON_PID" 2>/dev/null
	fi
	for p in "${SERVER_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	real_stop
	if [ "$KEEP" = 1 ]; then
		say "work directory kept: $WORK"
	elif grep -qs " $MNT fuse" /proc/mounts; then
		say "$MNT is still mounted: $WORK not removed"
	else
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }'; }

# start_server PORT ARGS...: starts hgserver on PORT (0: any free port);
# sets SPID and SPORT.
start_server() {
	local port=$1 out="$WORK/server.$RANDOM" i
	shift
	"$HGSERVER" --listen "127.0.0.1:$port" --persona "$PERSONA" --backend "$BACKEND" "$@" >"$out" 2>"$out.err" &
	SPID=$!
	SERVER_PIDS+=("$SPID")
	for ((i = 0; i < 18000; i++)); do
		SPORT=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$out" 2>/dev/null)
		[ -n "$SPORT" ] && return 0
		kill -0 "$SPID" 2>/dev/null || fail "hgserver on port $port exited: $(head -c 600 "$out.err")"
		sleep 0.05
	done
	fail "hgserver on port $port did not start"
}

# port N: the Nth port of --port-base (0: any free port)
port() { [ "$PORT_BASE" = 0 ] && echo 0 || echo $((PORT_BASE + $1)); }

stop_server() {
	local p keep=()
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	for p in "${SERVER_PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
	SERVER_PIDS=("${keep[@]}")
}

# graph_url PORT GRAPH: the graph's base URL for the persona.
graph_url() {
	if [ "$PERSONA" = 1.7 ]; then
		echo "http://127.0.0.1:$1/graphspaces/DEFAULT/graphs/$2"
	else
		echo "http://127.0.0.1:$1/graphs/$2"
	fi
}

# mount_fs PORT: a fresh mount of the server on PORT at $MNT (daemon in the
# foreground, backgrounded: $DAEMON_PID).
mount_fs() {
	local i
	"$HUGEGRAPHFS" -f "http://127.0.0.1:$1" "$MNT" -o spool_dir="$SPOOL" -o parallel="$PAR" \
		2>>"$WORK/mount.log" &
	DAEMON_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -qs " $MNT fuse" /proc/mounts && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "hugegraphfs exited: $(tail -n 5 "$WORK/mount.log")"
		sleep 0.05
	done
	fail "the mount did not appear"
}

# vmhwm: the daemon's peak RSS in KiB (read before unmounting).
vmhwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$DAEMON_PID/status"; }

unmount_fs() {
	fusermount3 -u "$MNT" || fail "fusermount3 -u $MNT"
	wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { printf "%.3f\n", NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
max() { printf '%s\n' "$@" | sort -g | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t > 0) printf "%.0f", n / t; else print "inf" }'; }
# leq A B / geq A B: numeric comparisons for the targets
leq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
geq() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a >= b) }'; }
human() { awk -v n="$1" 'BEGIN { if (n >= 1e6) printf "%.2fM", n / 1e6; else if (n >= 1e3) printf "%.1fk", n / 1e3; else printf "%d", n }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

# same_data A B: vertices.jsonl and edges.jsonl of dirs A and B are equal.
same_data() {
	cmp "$1/vertices.jsonl" "$2/vertices.jsonl" && cmp "$1/edges.jsonl" "$2/edges.jsonl"
}

# same_lines A B: the same lines, in the same order or not; prints which.
same_lines() {
	local f how=identical
	for f in vertices.jsonl edges.jsonl; do
		cmp -s "$1/$f" "$2/$f" && continue
		cmp -s <(LC_ALL=C sort "$1/$f") <(LC_ALL=C sort "$2/$f") || { echo "$f differs"; return 1; }
		how="same lines, another order"
	done
	echo "$how"
}

# ---- the table -------------------------------------------------------------------
TABLE=() DETAILS=()
# row SIZE LATENCY WHAT MEDIAN ELEMS_PER_S RATIO TARGET RSS RESULT
row() {
	TABLE+=("| $1 | $2 | $3 | $4 | $5 | $6 | $7 | $8 | $9 |")
}
detail() { DETAILS+=("$*"); }

# ---- one size ----------------------------------------------------------------------
# backups PORT LAT SIZE: rows 1-3 against the server on PORT (latency LAT).
backups() {
	local port=$1 lat=$2 size=$3 r t rss out gurl
	local -a tm=() tr=() tn=() rs=()
	local naive_how=
	gurl=$(graph_url "$port" g)
	for ((r = 1; r <= RUNS; r++)); do
		# 1. the mount: cp -r from a fresh mount, export included
		out=$WORK/bk_mount.$lat.$r
		mount_fs "$port"
		t=$(now)
		cp -r "$MNT/graphs/g" "$out" || fail "cp -r of the mount"
		tm+=("$(since "$t")")
		rss=$(vmhwm)
		rs+=("$rss")
		unmount_fs
		if [ -z "${REF:-}" ]; then
			REF=$WORK/ref
			mv "$out" "$REF"
			rm -rf "$REF/mode" "$REF/restore" "$REF/restore.status" "$REF/export.status"
			[ "$(wc -l <"$REF/vertices.jsonl")" -eq "$CUR_V" ] || fail "the mount's backup has $(wc -l <"$REF/vertices.jsonl") vertices, not $CUR_V"
			[ "$(wc -l <"$REF/edges.jsonl")" -eq "$CUR_E" ] || fail "the mount's backup has $(wc -l <"$REF/edges.jsonl") edges, not $CUR_E"
		else
			same_data "$REF" "$out" >&2 && cmp "$REF/schema.json" "$out/schema.json" >&2 ||
				fail "two backups of the unchanged graph through the mount differ ($out)"
			rm -rf "$out"
		fi
		# 2. the raw parallel baseline
		out=$WORK/bk_raw.$lat.$r
		t=$(now)
		"$RAWSCAN" -p "$PAR" --split-size "$SPLIT_SIZE" --page-limit "$PAGE_LIMIT" \
			"http://127.0.0.1:$port" g "$out" 2>>"$WORK/rawscan.log" || fail "rawscan: $(tail -n 2 "$WORK/rawscan.log")"
		tr+=("$(since "$t")")
		same_data "$REF" "$out" >&2 || fail "rawscan's files differ from the mount's ($out, $REF)"
		rm -rf "$out"
		# 3. the naive loop
		if [ "$r" -le "$NAIVE_RUNS" ]; then
			out=$WORK/bk_naive.$lat.$r
			t=$(now)
			"$HERE/naive_backup.sh" "$gurl" "$out" "$NAIVE_LIMIT" || fail "naive_backup.sh"
			tn+=("$(since "$t")")
			naive_how=$(same_lines "$REF" "$out") || fail "the naive loop's files differ from the mount's: $naive_how ($out)"
			rm -rf "$out"
		fi
		say "latency $lat ms, run $r: mount ${tm[-1]} s, raw ${tr[-1]} s$([ "$r" -le "$NAIVE_RUNS" ] && echo ", naive ${tn[-1]} s")"
	done
	local mm mr mn el=$((CUR_V + CUR_E)) peak res
	mm=$(median "${tm[@]}") mr=$(median "${tr[@]}")
	peak=$(max "${rs[@]}")
	local rt
	rt=$(ratio "$mm" "$mr")
	res=MISS
	leq "$rt" 1.10 && [ "$peak" -lt 65536 ] && res=PASS
	row "$size" "$lat ms" "backup: cp -r of a fresh mount" "$mm" "$(human "$(rate $el "$mm")")" \
		"${rt}x raw" "<= 1.10x raw, RSS < 64 MiB" "$(mib "$peak")" "$res"
	row "$size" "$lat ms" "backup: rawscan, $PAR in flight" "$mr" "$(human "$(rate $el "$mr")")" \
		"baseline" "" "" ""
	detail "$size, latency $lat ms: backup through the mount: ${tm[*]} s; rawscan: ${tr[*]} s"
	if [ "${#tn[@]}" -gt 0 ]; then
		mn=$(median "${tn[@]}")
		rt=$(ratio "$mn" "$mm")
		if [ "$lat" -gt 0 ]; then
			res=MISS
			geq "$rt" 4 && res=PASS
			row "$size" "$lat ms" "backup: naive curl list loop, limit $NAIVE_LIMIT" "$mn" \
				"$(human "$(rate $el "$mn")")" "${rt}x mount" ">= 4x mount" "" "$res"
		else
			row "$size" "$lat ms" "backup: naive curl list loop, limit $NAIVE_LIMIT" "$mn" \
				"$(human "$(rate $el "$mn")")" "${rt}x mount" "" "" ""
		fi
		detail "$size, latency $lat ms: naive loop: ${tn[*]} s (its files: $naive_how)"
	fi
}

# reads PORT SIZE: row 6, reads of a finished snapshot.
reads() {
	local port=$1 size=$2 r t f fd spool_path vsize rss
	local -a t1=() t2=() ts=() rs=()
	vsize=$(stat -c %s "$REF/vertices.jsonl")
	for ((r = 1; r <= RUNS; r++)); do
		mount_fs "$port"
		t=$(now)
		cat "$MNT/graphs/g/vertices.jsonl" >/dev/null || fail "cat of the mount's vertices.jsonl"
		t1+=("$(since "$t")")
		t=$(now)
		cat "$MNT/graphs/g/vertices.jsonl" >/dev/null || fail "second cat of the mount's vertices.jsonl"
		t2+=("$(since "$t")")
		spool_path=
		for fd in /proc/"$DAEMON_PID"/fd/*; do
			f=$(stat -L -c '%F %s' "$fd" 2>/dev/null) || continue
			[ "$f" = "regular file $vsize" ] || [ "$f" = "regular empty file $vsize" ] || continue
			spool_path=$fd
			break
		done
		[ -n "$spool_path" ] || fail "no spool file of $vsize bytes among the daemon's descriptors"
		t=$(now)
		cat "$spool_path" >/dev/null || fail "cat $spool_path"
		ts+=("$(since "$t")")
		rss=$(vmhwm)
		rs+=("$rss")
		unmount_fs
	done
	local m2 ms rt res peak mbs
	m2=$(median "${t2[@]}") ms=$(median "${ts[@]}")
	peak=$(max "${rs[@]}")
	rt=$(ratio "$ms" "$m2") # speed of the mount's read / speed of the spool's
	res=MISS
	geq "$rt" 0.5 && res=PASS
	mbs=$(awk -v b="$vsize" -v t="$m2" 'BEGIN { printf "%.0f", b / t / 1048576 }')
	row "$size" "-" "read: 2nd cat of vertices.jsonl ($mbs MiB/s)" "$m2" "$(human "$(rate "$CUR_V" "$m2")")" \
		"${rt}x spool speed" ">= 0.5x spool speed" "$(mib "$peak")" "$res"
	mbs=$(awk -v b="$vsize" -v t="$ms" 'BEGIN { printf "%.0f", b / t / 1048576 }')
	row "$size" "-" "read: cat of the daemon's spool file ($mbs MiB/s)" "$ms" \
		"$(human "$(rate "$CUR_V" "$ms")")" "baseline" "" "" ""
	detail "$size: first cat of vertices.jsonl from a fresh mount (export included): ${t1[*]} s; second: ${t2[*]} s; spool: ${ts[*]} s"
}

# server_speed PORT SIZE: row 7, one scan request to /dev/null.
server_speed() {
	local port=$1 size=$2 n url r t count
	local -a tt=()
	n=$((CUR_V < 800000 ? CUR_V : 800000))
	if [ "$BACKEND" = memory ]; then
		# entry indexes; unpaged (the memory backend cannot page)
		url="$(graph_url "$port" g)/traversers/vertices/scan?start=0&end=$n"
	else
		url="$(graph_url "$port" g)/traversers/vertices/scan?start=&end=&page=&page_limit=$n"
	fi
	count=$(curl -sS --compressed "$url" | grep -o '"type":"vertex"' | wc -l)
	[ "$count" -eq "$n" ] || fail "the server-speed scan returned $count vertices, not $n"
	for ((r = 1; r <= RUNS; r++)); do
		t=$(curl -sS --compressed -o /dev/null -w '%{time_total}' "$url") || fail "curl $url"
		tt+=("$t")
	done
	local m res v
	m=$(median "${tt[@]}")
	v=$(rate "$n" "$m")
	res=MISS
	geq "$v" 1000000 && res=PASS
	row "$size" "0 ms" "server: one scan request, $(human "$n") vertices" "$m" "$(human "$v")" "" \
		">= 1M vertices/s" "" "$res"
	detail "$size: server scan of $n vertices in one request ($url): ${tt[*]} s"
}

# restores SIZE: row 5, each run into an empty graph of a new server.
restores() {
	local size=$1 r t tp rss counts gurl legacy=
	local -a tm=() tr=() rs=()
	[ "$PERSONA" = 1.3 ] && legacy=--legacy
	t=$(now)
	python3 "$HERE/restore_prep.py" $legacy "$REF" "$WORK/prep" || fail "restore_prep.py"
	tp=$(since "$t")
	for ((r = 1; r <= RUNS; r++)); do
		# through the mount
		start_server "$(port 2)" --graph empty
		mount_fs "$SPORT"
		echo RESTORING >"$MNT/graphs/empty/mode" || fail "echo RESTORING > mode"
		t=$(now)
		cp -r "$REF/." "$MNT/graphs/empty/restore/" || fail "cp -r into restore/: $(cat "$MNT/graphs/empty/restore.status")"
		tm+=("$(since "$t")")
		rss=$(vmhwm)
		rs+=("$rss")
		tail -n 1 "$MNT/graphs/empty/restore.status" | grep -Eq '^summary: [45] imported, 0 pending, 0 failed$' ||
			fail "restore.status: $(cat "$MNT/graphs/empty/restore.status")"
		if [ "$r" = 1 ]; then
			echo NONE >"$MNT/graphs/empty/mode" || fail "echo NONE > mode"
			cp -r "$MNT/graphs/empty" "$WORK/back" || fail "backup of the restored graph"
			same_data "$REF" "$WORK/back" >&2 && cmp "$REF/schema.json" "$WORK/back/schema.json" >&2 ||
				fail "the backup of the graph restored through the mount differs from the original"
			rm -rf "$WORK/back"
			detail "$size: the backup of the graph restored through the mount is byte-identical to the original (run 1)"
		fi
		unmount_fs
		counts=$("$RAWSCAN" --count "http://127.0.0.1:$SPORT" empty) || fail "rawscan --count"
		[ "$counts" = "$CUR_V $CUR_E" ] || fail "the graph restored through the mount holds $counts, not $CUR_V $CUR_E"
		stop_server "$SPID"
		# the raw baseline
		start_server "$(port 2)" --graph empty
		gurl=$(graph_url "$SPORT" empty)
		curl -sS --fail -X PUT -H 'Content-Type: application/json' -d '"RESTORING"' "$gurl/mode" >/dev/null ||
			fail "PUT mode RESTORING"
		rm -f "$WORK"/prep/schema/*.out
		t=$(now)
		"$HERE/raw_restore.sh" "$WORK/prep" "$gurl" "$PAR" || fail "raw_restore.sh"
		tr+=("$(since "$t")")
		counts=$("$RAWSCAN" --count "http://127.0.0.1:$SPORT" empty) || fail "rawscan --count"
		[ "$counts" = "$CUR_V $CUR_E" ] || fail "the graph restored by raw_restore.sh holds $counts, not $CUR_V $CUR_E"
		stop_server "$SPID"
		say "restore run $r: mount ${tm[-1]} s, raw ${tr[-1]} s"
	done
	rm -rf "$WORK/prep"
	local mm mr rt res peak el=$((CUR_V + CUR_E))
	mm=$(median "${tm[@]}") mr=$(median "${tr[@]}")
	peak=$(max "${rs[@]}")
	rt=$(ratio "$mm" "$mr")
	res=MISS
	leq "$rt" 1.20 && [ "$peak" -lt 65536 ] && res=PASS
	row "$size" "0 ms" "restore: cp -r into restore/ (RESTORING)" "$mm" "$(human "$(rate $el "$mm")")" \
		"${rt}x raw" "<= 1.20x raw, RSS < 64 MiB" "$(mib "$peak")" "$res"
	row "$size" "0 ms" "restore: curl -Z, $PAR in flight, batches of 500" "$mr" \
		"$(human "$(rate $el "$mr")")" "baseline" "" "" ""
	detail "$size: restore through the mount: ${tm[*]} s; raw: ${tr[*]} s (batch files prepared in $tp s, not timed)"
}

# warm PORT: one untimed count of the graph, so that no timed row pays for
# hgserver sorting its tables at the first scan after --generate
warm() {
	local t
	t=$(now)
	"$RAWSCAN" --count "http://127.0.0.1:$1" g >/dev/null 2>>"$WORK/rawscan.log" || fail "rawscan --count (warm-up)"
	detail "$2: warm-up scan (not timed, the server sorts its tables): $(since "$t") s"
}

bench_size() {
	local v=$1 e=$2 size t
	CUR_V=$v CUR_E=$e REF=
	size="$(human "$v")/$(human "$e")"
	# 1.1 KB per element covers the copies kept at once (reference, one
	# baseline's output, spool, prepared batches), at ~250 bytes each
	local need=$(((v + e) * 1100 / 1024)) avail
	avail=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
	[ "$avail" -gt "$need" ] || fail "$WORK has $avail KiB free, the bench needs about $need KiB"

	say "$size: generating the graph (latency 0)"
	t=$(now)
	start_server "$(port 0)" --generate "g=$v,$e,$SEED"
	detail "$size: hgserver --generate took $(since "$t") s"
	local src=$SPID srcport=$SPORT
	warm "$srcport" "$size, latency 0 ms"
	backups "$srcport" 0 "$size"
	reads "$srcport" "$size"
	server_speed "$srcport" "$size"
	restores "$size"
	stop_server "$src"
	if [ "$LAT" -gt 0 ]; then
		say "$size: generating the graph again, latency $LAT ms"
		start_server "$(port 1)" --latency-ms "$LAT" --generate "g=$v,$e,$SEED"
		warm "$SPORT" "$size, latency $LAT ms"
		backups "$SPORT" "$LAT" "$size"
		stop_server "$SPID"
	fi
	FILES="$size: vertices.jsonl $(stat -c %s "$REF/vertices.jsonl") bytes, edges.jsonl $(stat -c %s "$REF/edges.jsonl") bytes"
	detail "$FILES"
	rm -rf "$REF"
}

# ---- against a real HugeGraph server (--real VERSION) ----------------------------------
# One server (scripts/hugegraph-server.sh, home $WORK/srv) with the graphs g
# (the source), empty (restores through the mount) and empty2 (the raw
# restores and hugegraph-tools'), each emptied with the graph clear API
# before a restore.
HG_SCRIPT=$SRC/scripts/hugegraph-server.sh
REAL_HOME= JPID= RURL=
CLK_TCK=$(getconf CLK_TCK)
CLEAR_MSG='confirm_message=I%27m%20sure%20to%20delete%20all%20data'

real_stop() {
	if [ -n "$REAL_HOME" ] && [ -f "$REAL_HOME/server.pid" ]; then
		"$HG_SCRIPT" stop "$REAL" --home "$REAL_HOME" >/dev/null 2>&1
	fi
}

# rgurl GRAPH: the graph's base URL on the real server
rgurl() {
	case $REAL in
	1.7.0) echo "$RURL/graphspaces/DEFAULT/graphs/$1" ;;
	*) echo "$RURL/graphs/$1" ;;
	esac
}

# cpu_s PID: user + system CPU seconds of PID so far (0 when it is gone)
cpu_s() {
	awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# child_cpu_s: CPU seconds of this shell's waited-for children so far
child_cpu_s() {
	awk -v hz="$CLK_TCK" '{ sub(/^.*\) /, ""); printf "%.2f", ($14 + $15) / hz }' "/proc/$$/stat"
}
# busy_s: CPU seconds the whole machine has been busy (all processes)
busy_s() { awk -v hz="$CLK_TCK" '/^cpu / { printf "%.2f", ($2 + $3 + $4 + $7 + $8 + $9) / hz; exit }' /proc/stat; }
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
# hwm PID: VmHWM in KiB; hwm_reset PID: peak RSS := current RSS
hwm() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
hwm_reset() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null; }

set_mode() {
	curl -sS --fail -X PUT -H 'Content-Type: application/json' -d "\"$2\"" "$(rgurl "$1")/mode" >/dev/null ||
		fail "PUT $1/mode $2"
}
clear_graph() {
	local code
	code=$(curl -sS -o "$WORK/clear.out" -w '%{http_code}' -X DELETE "$(rgurl "$1")/clear?$CLEAR_MSG") ||
		fail "DELETE $1/clear"
	[ "$code" = 204 ] || fail "DELETE $1/clear: HTTP $code $(head -c 300 "$WORK/clear.out")"
	[ "$("$RAWSCAN" -p "$PAR" --count "$RURL" "$1")" = "0 0" ] || fail "graph $1 is not empty after clear"
}
check_counts() {
	local counts
	counts=$("$RAWSCAN" -p "$PAR" --count "$RURL" "$1" 2>>"$WORK/rawscan.log") || fail "rawscan --count $1"
	[ "$counts" = "$CUR_V $CUR_E" ] || fail "$2: graph $1 holds $counts, not $CUR_V $CUR_E"
}

# real_mount: a fresh mount of the real server
real_mount() {
	local i
	"$HUGEGRAPHFS" -f "$RURL" "$MNT" -o spool_dir="$SPOOL" -o parallel="$PAR" 2>>"$WORK/mount.log" &
	DAEMON_PID=$!
	for ((i = 0; i < 600; i++)); do
		grep -qs " $MNT fuse" /proc/mounts && return 0
		kill -0 "$DAEMON_PID" 2>/dev/null || fail "hugegraphfs exited: $(tail -n 5 "$WORK/mount.log")"
		sleep 0.05
	done
	fail "the mount did not appear"
}

# The figures of one row's runs: times, peaks and CPU seconds
# timed_begin / timed_end NAME: appends to the arrays NAME_t (wall s),
# NAME_d (daemon CPU s), NAME_j (server CPU s), NAME_c (client CPU s:
# cp, rawscan, curl, java of the tools), NAME_h (server VmHWM KiB).
timed_begin() {
	hwm_reset "$JPID"
	[ -n "$DAEMON_PID" ] && T_D0=$(cpu_s "$DAEMON_PID") || T_D0=
	T_M0=$(busy_s) T_J0=$(cpu_s "$JPID") T_C0=$(child_cpu_s) T_0=$(now)
}
timed_end() {
	local -n _t=${1}_t _d=${1}_d _j=${1}_j _c=${1}_c _h=${1}_h _m=${1}_m
	_t+=("$(since "$T_0")")
	_m+=("$(minus "$(busy_s)" "$T_M0")")
	_j+=("$(minus "$(cpu_s "$JPID")" "$T_J0")")
	_c+=("$(minus "$(child_cpu_s)" "$T_C0")")
	_h+=("$(hwm "$JPID")")
	if [ -n "$T_D0" ]; then _d+=("$(minus "$(cpu_s "$DAEMON_PID")" "$T_D0")"); else _d+=("-"); fi
}

# real_row NAME WHAT RATIO TARGET DAEMON_RSS RESULT
real_row() {
	local -n _t=${1}_t _d=${1}_d _j=${1}_j _c=${1}_c _h=${1}_h _m=${1}_m
	local m el=$((CUR_V + CUR_E)) dm=-
	m=$(median "${_t[@]}")
	[ "${_d[0]}" != - ] && dm=$(median "${_d[@]}")
	TABLE+=("| $SIZE | $2 | $m | $(human "$(rate $el "$m")") | $3 | $4 | $5 | $(mib "$(max "${_h[@]}")") | $dm / $(median "${_j[@]}") / $(median "${_c[@]}") | $6 |")
	detail "$SIZE: $2: wall ${_t[*]} s; CPU s daemon ${_d[*]}; server ${_j[*]}; client ${_c[*]}; whole machine busy ${_m[*]}"
}

real_backups() {
	local r out rss
	local -a bm_t=() bm_d=() bm_j=() bm_c=() bm_h=() bm_m=() br_t=() br_d=() br_j=() br_c=() br_h=() br_m=() rs=()
	for ((r = 1; r <= RUNS; r++)); do
		out=$WORK/bk_mount.$r
		real_mount
		timed_begin
		cp -r "$MNT/graphs/g" "$out" || fail "cp -r of the mount: $(tail -n 3 "$WORK/mount.log")"
		timed_end bm
		rs+=("$(vmhwm)")
		unmount_fs
		if [ -z "${REF:-}" ]; then
			REF=$WORK/ref
			mv "$out" "$REF"
			rm -rf "$REF/mode" "$REF/restore" "$REF/restore.status" "$REF/export.status"
			[ "$(wc -l <"$REF/vertices.jsonl")" -eq "$CUR_V" ] || fail "the mount's backup has $(wc -l <"$REF/vertices.jsonl") vertices, not $CUR_V"
			[ "$(wc -l <"$REF/edges.jsonl")" -eq "$CUR_E" ] || fail "the mount's backup has $(wc -l <"$REF/edges.jsonl") edges, not $CUR_E"
		else
			same_data "$REF" "$out" >&2 && cmp "$REF/schema.json" "$out/schema.json" >&2 ||
				fail "two backups of the unchanged graph through the mount differ ($out)"
			rm -rf "$out"
		fi
		out=$WORK/bk_raw.$r
		DAEMON_PID=
		timed_begin
		"$RAWSCAN" -p "$PAR" --split-size "$SPLIT_SIZE" --page-limit "$PAGE_LIMIT" \
			"$RURL" g "$out" 2>>"$WORK/rawscan.log" || fail "rawscan: $(tail -n 2 "$WORK/rawscan.log")"
		timed_end br
		same_data "$REF" "$out" >&2 || fail "rawscan's files differ from the mount's ($out, $REF)"
		rm -rf "$out"
		say "backup run $r: mount ${bm_t[-1]} s, rawscan ${br_t[-1]} s"
	done
	local rt res peak
	peak=$(max "${rs[@]}")
	rt=$(ratio "$(median "${bm_t[@]}")" "$(median "${br_t[@]}")")
	res=MISS
	leq "$rt" 1.10 && [ "$peak" -lt 65536 ] && res=PASS
	real_row bm "backup: cp -r of a fresh mount" "${rt}x raw" "<= 1.10x raw, RSS < 64 MiB" "$(mib "$peak")" "$res"
	real_row br "backup: rawscan, $PAR in flight" baseline "" "" ""
	REF_RAWSCAN=$(median "${br_t[@]}")
	detail "$SIZE: rawscan's vertices.jsonl and edges.jsonl are byte-identical to the mount's in every run; so are the mount's backups among themselves"
}

real_restores() {
	local r rss tp legacy=
	local -a rm_t=() rm_d=() rm_j=() rm_c=() rm_h=() rm_m=() rr_t=() rr_d=() rr_j=() rr_c=() rr_h=() rr_m=() rs=()
	[ "$REAL" = 1.3.0 ] && legacy=--legacy
	local t
	t=$(now)
	python3 "$HERE/restore_prep.py" $legacy "$REF" "$WORK/prep" || fail "restore_prep.py"
	tp=$(since "$t")
	for ((r = 1; r <= RUNS; r++)); do
		clear_graph empty
		real_mount
		echo RESTORING >"$MNT/graphs/empty/mode" || fail "echo RESTORING > mode"
		timed_begin
		cp -r "$REF/." "$MNT/graphs/empty/restore/" || fail "cp -r into restore/: $(cat "$MNT/graphs/empty/restore.status")"
		timed_end rm
		rs+=("$(vmhwm)")
		tail -n 1 "$MNT/graphs/empty/restore.status" | grep -Eq '^summary: [45] imported, 0 pending, 0 failed$' ||
			fail "restore.status: $(cat "$MNT/graphs/empty/restore.status")"
		echo NONE >"$MNT/graphs/empty/mode" || fail "echo NONE > mode"
		unmount_fs
		check_counts empty "the restore through the mount"
		clear_graph empty2
		set_mode empty2 RESTORING
		rm -f "$WORK"/prep/schema/*.out
		timed_begin
		"$HERE/raw_restore.sh" "$WORK/prep" "$(rgurl empty2)" "$PAR" || fail "raw_restore.sh"
		timed_end rr
		set_mode empty2 NONE
		check_counts empty2 "the restore by raw_restore.sh"
		say "restore run $r: mount ${rm_t[-1]} s, raw ${rr_t[-1]} s"
	done
	rm -rf "$WORK/prep"
	REF_RAWRESTORE=$(median "${rr_t[@]}")
	local rt res peak
	peak=$(max "${rs[@]}")
	rt=$(ratio "$(median "${rm_t[@]}")" "$(median "${rr_t[@]}")")
	res=MISS
	leq "$rt" 1.20 && [ "$peak" -lt 65536 ] && res=PASS
	real_row rm "restore: cp -r into restore/ (RESTORING)" "${rt}x raw" "<= 1.20x raw, RSS < 64 MiB" "$(mib "$peak")" "$res"
	real_row rr "restore: curl -Z, $PAR in flight, batches of 500" baseline "" "" ""
	detail "$SIZE: both restores hold exactly $CUR_V vertices and $CUR_E edges in every run (batch files prepared in $tp s, not timed)"
}

# hugegraph-tools' backup and restore (--tools DIR), or why they were not run
TOOLS_NOTE=
real_tools() {
	local bin= r out counts tools_bad=0
	local -a tools_counts=()
	local -a tb_t=() tb_d=() tb_j=() tb_c=() tb_h=() tb_m=() tr_t=() tr_d=() tr_j=() tr_c=() tr_h=() tr_m=()
	if [ -z "$TOOLS" ]; then
		TOOLS_NOTE="hugegraph-tools was not run: no --tools DIR given (Apache publishes no hugegraph-tools artifact on Maven Central, so run.sh cannot fetch it; give it a directory with an installed copy, bin/hugegraph)"
		return 0
	fi
	if [ -x "$TOOLS/bin/hugegraph" ]; then
		bin=$TOOLS/bin/hugegraph
	else
		TOOLS_NOTE="hugegraph-tools was not run: $TOOLS/bin/hugegraph is not an executable"
		return 0
	fi
	# --throw-mode true: a failure exits instead of asking on stdin
	local -a base=("$bin" --url "$RURL" --throw-mode true)
	local jar
	jar=$(cd "$TOOLS/lib" 2>/dev/null && ls hugegraph-tools-*.jar 2>/dev/null | head -n 1)
	[ -n "${JAVA_HOME:-}" ] || export JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
	for ((r = 1; r <= RUNS; r++)); do
		out=$WORK/tools.$r
		DAEMON_PID=
		timed_begin
		(cd "$WORK" && "${base[@]}" --graph g backup -t all -T "$PAR" -d "$out" -l "$WORK/tools-logs") \
			</dev/null >>"$WORK/tools.log" 2>&1 ||
			fail "hugegraph-tools backup: $(tail -n 5 "$WORK/tools.log")"
		timed_end tb
		detail "$SIZE: hugegraph-tools backup run $r: $(du -sb "$out" | cut -f1) bytes in $(ls "$out" | wc -l) files"
		clear_graph empty2
		set_mode empty2 RESTORING
		timed_begin
		(cd "$WORK" && "${base[@]}" --graph empty2 restore -t all -T "$PAR" -d "$out" -l "$WORK/tools-logs") \
			</dev/null >>"$WORK/tools.log" 2>&1 ||
			fail "hugegraph-tools restore: $(tail -n 5 "$WORK/tools.log")"
		timed_end tr
		set_mode empty2 NONE
		# a wrong count here is the tool's, not hugegraphfs': it is
		# reported in the table, and the run goes on
		counts=$("$RAWSCAN" -p "$PAR" --count "$RURL" empty2 2>>"$WORK/rawscan.log") || fail "rawscan --count empty2"
		tools_counts+=("$counts")
		if [ "$counts" != "$CUR_V $CUR_E" ]; then
			tools_bad=$((tools_bad + 1))
			detail "$SIZE: hugegraph-tools restore run $r exited 0, but empty2 holds $counts, not $CUR_V $CUR_E; its messages: $(grep -o "When restoring [^']*'[^']*' occurs exception '[^']*'" "$WORK/tools.log" | tail -n 2 | tr '\n' ' ')"
		fi
		: >"$WORK/tools.log"
		rm -rf "$out"
		say "hugegraph-tools run $r: backup ${tb_t[-1]} s, restore ${tr_t[-1]} s"
	done
	real_row tb "hugegraph-tools backup -t all -T $PAR" "$(ratio "$(median "${tb_t[@]}")" "$REF_RAWSCAN")x raw" "" "" ""
	local tres=
	[ "$tools_bad" -gt 0 ] && tres="WRONG: $tools_bad of $RUNS runs lost elements (${tools_counts[*]})"
	real_row tr "hugegraph-tools restore -t all -T $PAR (RESTORING)" "$(ratio "$(median "${tr_t[@]}")" "$REF_RAWRESTORE")x raw" "" "" "$tres"
	TOOLS_NOTE="hugegraph-tools: ${jar:-its jar not found in $TOOLS/lib} ($TOOLS), backup with its defaults (compressed files) and -T $PAR; its restores' counts: ${tools_counts[*]} (expected $CUR_V $CUR_E)"
}

real_main() {
	local t v=$V e=$E
	CUR_V=$v CUR_E=$e REF=
	SIZE="$(human "$v")/$(human "$e")"
	# the reference backup, one output, the spool, the prepared batches
	# and the server's three rocksdb graphs: 2.8 GB at 1M elements
	local need=$(((v + e) * 3000 / 1024)) avail
	avail=$(df -Pk "$WORK" | awk 'NR == 2 { print $4 }')
	[ "$avail" -gt "$need" ] || fail "$WORK has $avail KiB free, the bench needs about $need KiB"
	REAL_HOME=$WORK/srv
	say "starting HugeGraph $REAL ($BACKEND) in $REAL_HOME"
	t=$(now)
	RURL=$("$HG_SCRIPT" start "$REAL" --backend "$BACKEND" --home "$REAL_HOME" --graphs g,empty,empty2 \
		--heap "$HEAP" --fresh 2>"$WORK/server-start.log") || fail "hugegraph-server.sh start: $(tail -n 5 "$WORK/server-start.log")"
	JPID=$(cat "$REAL_HOME/server.pid")
	detail "HugeGraph $REAL ($BACKEND, heap $HEAP) started in $(since "$t") s at $RURL, pid $JPID"

	say "$SIZE: generating the graph (hgserver --persona $PERSONA --dump)"
	t=$(now)
	mkdir -p "$WORK/src"
	"$HGSERVER" --persona "$PERSONA" --backend "$BACKEND" --generate "g=$v,$e,$SEED" --dump "g=$WORK/src" \
		>"$WORK/gen.log" 2>&1 || fail "hgserver --dump: $(tail -n 3 "$WORK/gen.log")"
	detail "$SIZE: hgserver --persona $PERSONA --generate g=$v,$e,$SEED --dump took $(since "$t") s"
	local legacy=
	[ "$REAL" = 1.3.0 ] && legacy=--legacy
	python3 "$HERE/restore_prep.py" $legacy "$WORK/src" "$WORK/loadprep" || fail "restore_prep.py (load)"
	rm -rf "$WORK/src"
	say "$SIZE: loading it into g with raw_restore.sh"
	set_mode g RESTORING
	t=$(now)
	"$HERE/raw_restore.sh" "$WORK/loadprep" "$(rgurl g)" "$PAR" || fail "loading the graph (raw_restore.sh)"
	detail "$SIZE: loaded into g by raw_restore.sh in $(since "$t") s (not timed)"
	set_mode g NONE
	rm -rf "$WORK/loadprep"
	t=$(now)
	check_counts g "the loaded graph"
	detail "$SIZE: warm-up count of g (not timed): $(since "$t") s"

	detail "load average before the timed rows: $(cut -d' ' -f1-3 /proc/loadavg)"
	real_backups
	real_restores
	real_tools
	detail "load average after the timed rows: $(cut -d' ' -f1-3 /proc/loadavg)"
	FILES="$SIZE: vertices.jsonl $(stat -c %s "$REF/vertices.jsonl") bytes, edges.jsonl $(stat -c %s "$REF/edges.jsonl") bytes"
	detail "$FILES"
	detail "server VmHWM: the Java process's peak RSS over the row's runs (reset with /proc/PID/clear_refs before each timed command); after the last row: $(mib "$(hwm "$JPID")") (VmRSS $(awk '/^VmRSS:/ { print $2 }' "/proc/$JPID/status") KiB)"
	real_stop
	REAL_HOME=

	local cpu ram os commit dirty
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
	commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
	dirty=$(git -C "$SRC" status --porcelain 2>/dev/null | grep -q . && echo "+changes")
	echo "hugegraphfs benchmark against Apache HugeGraph $REAL ($BACKEND), $STARTED"
	echo
	echo "machine:  $cpu, $(nproc) cores, $ram RAM, Linux $(uname -r), $os"
	echo "versions: $("$HUGEGRAPHFS" --version 2>&1 | head -n 1) (git $commit$dirty), HugeGraph $REAL ($BACKEND, heap $HEAP, $(java -version 2>&1 | head -n 1))," \
		"$(curl --version | head -n 1 | cut -d' ' -f1-2), $(fusermount3 -V 2>&1 | sed 's/.*version: /fuse /'), $(python3 --version)"
	echo "settings: median of $RUNS runs, parallel $PAR (mount -o parallel, rawscan -p, curl --parallel-max)," \
		"split_size $SPLIT_SIZE, page_limit $PAGE_LIMIT, graph generated by hgserver persona $PERSONA seed $SEED"
	echo
	echo "| graph V/E | what | median s | elements/s | ratio | target | daemon VmHWM | server VmHWM | CPU s daemon / server / client | result |"
	echo "|---|---|---:|---:|---:|---|---:|---:|---|---|"
	printf '%s\n' "${TABLE[@]}"
	echo
	printf -- '- %s\n' "${DETAILS[@]}"
	echo "- $TOOLS_NOTE"
	exit 0
}

STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
[ -n "$REAL" ] && real_main
if [ "$ALSO_SMALL" = 1 ]; then
	bench_size 100000 300000
fi
bench_size "$V" "$E"

# ---- the report ----------------------------------------------------------------------
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
ram=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
os=$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME")
commit=$(git -C "$SRC" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=$(git -C "$SRC" status --porcelain 2>/dev/null | grep -q . && echo "+changes")
echo "hugegraphfs benchmark, $STARTED"
echo
echo "machine:  $cpu, $(nproc) cores, $ram RAM, Linux $(uname -r), $os"
echo "versions: $("$HUGEGRAPHFS" --version 2>&1 | head -n 1) (git $commit$dirty), hgserver persona $PERSONA backend $BACKEND," \
	"$(curl --version | head -n 1 | cut -d' ' -f1-2), $(fusermount3 -V 2>&1 | sed 's/.*version: /fuse /'), $(python3 --version)"
echo "settings: median of $RUNS runs (naive: $NAIVE_RUNS), parallel $PAR (mount -o parallel, rawscan -p, curl --parallel-max)," \
	"split_size $SPLIT_SIZE, page_limit $PAGE_LIMIT, naive list limit $NAIVE_LIMIT, server latency 0 and $LAT ms"
echo
echo "| graph V/E | latency | what | median s | elements/s | ratio | target | daemon VmHWM | result |"
echo "|---|---|---|---:|---:|---:|---|---:|---|"
printf '%s\n' "${TABLE[@]}"
echo
printf -- '- %s\n' "${DETAILS[@]}"
exit 0
}
