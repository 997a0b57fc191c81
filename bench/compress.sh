#!/bin/bash
# bench/compress.sh - plain against -o compress=gzip and -o compress=zstd on
# a generated graph (default 330000 vertices, 670000 edges: 1M elements):
# a backup with cp -r from a fresh mount (export + compression), its bytes
# on disk, and a restore of that backup with cp -r into an empty graph
# (decompression + import).  Prints one table with ratios against plain.
# Exits non-zero when a restore is incomplete or a compressed backup does
# not decompress to the plain one.
#
#   bench/compress.sh [--vertices N] [--edges N] [--runs N] [--keep]
#   Environment: BUILD_DIR (default ./build), HGSERVER, HUGEGRAPHFS.
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD_DIR=${BUILD_DIR:-$(dirname "$HERE")/build}
HGSERVER=${HGSERVER:-$BUILD_DIR/hgserver/hgserver}
HUGEGRAPHFS=${HUGEGRAPHFS:-$BUILD_DIR/fs/hugegraphfs}
V=330000 E=670000 RUNS=1 KEEP=0
while [ $# -gt 0 ]; do
	case $1 in
	--vertices) V=$2; shift ;;
	--edges) E=$2; shift ;;
	--runs) RUNS=$2; shift ;;
	--keep) KEEP=1 ;;
	-h | --help) sed -n '2,/^[^#]/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) echo "compress.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
W=$(mktemp -d /tmp/bench-compress.XXXXXX)
SPID= MNT=$W/mnt
cleanup() {
	grep -qs " $MNT fuse" /proc/mounts && fusermount3 -u "$MNT"
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	[ "$KEEP" = 1 ] && echo "kept $W" || rm -rf "$W"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
div() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

graphs=()
for r in $(seq 1 "$RUNS"); do for m in plain gzip zstd; do graphs+=(--graph "r_${m}_$r"); done; done
"$HGSERVER" --listen 127.0.0.1:0 --generate "g=$V,$E,42" "${graphs[@]}" >"$W/server.out" 2>"$W/server.err" &
SPID=$!
for _ in $(seq 1 600); do grep -q '^listening on' "$W/server.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$W/server.out")
[ -n "$URL" ] || { echo "hgserver did not start" >&2; exit 1; }

mount_it() { # compress
	mkdir -p "$MNT"
	"$HUGEGRAPHFS" "$URL" "$MNT" -o spool_dir="$W",state_dir=none,snapshot_ttl=3600,compress="$1",log_file="$W/daemon.log" || exit 1
}
# hgserver sorts its tables at the first scan after --generate: one
# untimed export first, so that no form pays for it
mount_it none
stat "$MNT/graphs/g/vertices.jsonl" >/dev/null || exit 1
fusermount3 -u "$MNT"
sfx() { case $1 in gzip) echo .gz ;; zstd) echo .zst ;; *) echo ;; esac; }
bad=0
declare -A BT RT SZ
for r in $(seq 1 "$RUNS"); do
	for m in plain gzip zstd; do
		mount_it "$([ $m = plain ] && echo none || echo $m)"
		t=$(now); cp -r "$MNT/graphs/g" "$W/b_$m" || bad=1; BT[$m]+="$(since "$t") "
		rm -rf "$W/b_$m/restore" "$W/b_$m/mode" "$W/b_$m/restore.status" "$W/b_$m/export.status"
		SZ[$m]=$(du -sb --apparent-size "$W/b_$m" | cut -f1)
		echo RESTORING >"$MNT/graphs/r_${m}_$r/mode"
		t=$(now); cp -r "$W/b_$m/." "$MNT/graphs/r_${m}_$r/restore/" || bad=1; RT[$m]+="$(since "$t") "
		grep -q "manifest.json: imported, 4/4 files" "$MNT/graphs/r_${m}_$r/restore.status" || { echo "restore of $m incomplete" >&2; bad=1; }
		echo NONE >"$MNT/graphs/r_${m}_$r/mode"
		fusermount3 -u "$MNT"
		if [ "$m" != plain ]; then
			for f in schema.json vertices.jsonl edges.jsonl; do
				$([ $m = gzip ] && echo "gzip -dc" || echo "zstd -qdc") "$W/b_$m/$f$(sfx $m)" | cmp -s - "$W/b_plain/$f" ||
					{ echo "$m: $f does not decompress to the plain file" >&2; bad=1; }
			done
		fi
	done
	[ "$r" -lt "$RUNS" ] && rm -rf "$W"/b_*
done
echo "graph: $V vertices, $E edges (hgserver --generate g=$V,$E,42); $RUNS run(s), median; $(nproc) CPUs"
printf '%-6s %12s %8s %10s %8s %11s %8s\n' form backup_s ratio bytes ratio restore_s ratio
pb=$(echo "${BT[plain]}" | tr ' ' '\n' | grep . | median)
pr=$(echo "${RT[plain]}" | tr ' ' '\n' | grep . | median)
for m in plain gzip zstd; do
	b=$(echo "${BT[$m]}" | tr ' ' '\n' | grep . | median)
	rt=$(echo "${RT[$m]}" | tr ' ' '\n' | grep . | median)
	printf '%-6s %12s %8s %10s %8s %11s %8s\n' "$m" "$b" "$(div "$b" "$pb")" "${SZ[$m]}" \
		"$(div "${SZ[$m]}" "${SZ[plain]}")" "$rt" "$(div "$rt" "$pr")"
done
for m in plain gzip zstd; do
	echo "# $m: backup runs ${BT[$m]}s, restore runs ${RT[$m]}s"
done
grep "compressed (" "$W/daemon.log" | sed 's/^[^ ]* hugegraphfs: /# /'
exit $bad
