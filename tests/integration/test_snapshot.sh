#!/bin/bash
# Snapshot rules: one consistent snapshot per pass, an open file keeps its
# snapshot, a changed graph shows after expiry and a second rsync picks it up
# even when sizes did not change; readers share one export; a slow export of
# one graph does not stall another graph.
. "$(dirname "$0")/lib.sh"
require_fuse

start_server SERVER --load "g=$SRCDIR/examples/modern" || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T",snapshot_ttl=1 || exit 1
G=$M/graphs/g

vertex_json() { # name age
	printf '{"label":"person","properties":{"name":"%s","age":%s,"city":"Beijing"}}' "$1" "$2"
}
post_vertex() {
	curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
		--data "$(vertex_json "$1" "$2")" "$SERVER/graphs/g/graph/vertices"
}

check "first rsync" rsync -a "$G/" "$T/mirror/"
$EXPECTED "$SERVER" g "$T/exp1"
check "first rsync is byte-identical" same_files "$T/mirror" "$T/exp1" vertices.jsonl edges.jsonl schema.json

# marko is 29; make him 31: same size, different bytes
check_eq "the graph changes on the server (same size)" 201 "$(post_vertex marko 31)"
$EXPECTED "$SERVER" g "$T/exp2"
check "the change did not alter the file size" test "$(stat -c %s "$T/exp1/vertices.jsonl")" = "$(stat -c %s "$T/exp2/vertices.jsonl")"
check "...but did alter the content" bash -c "! cmp -s '$T/exp1/vertices.jsonl' '$T/exp2/vertices.jsonl'"
sleep 2.2
check "second rsync" rsync -a "$G/" "$T/mirror/"
check "second rsync picked the change up" same_files "$T/mirror" "$T/exp2" vertices.jsonl edges.jsonl schema.json
check "the new manifest matches the new files" $EXPECTED --check-manifest "$T/mirror"

# an open file keeps its snapshot, and so does the rest of the pass
exec 3<"$G/vertices.jsonl"
before_mtime=$(stat -c %Y "$G/vertices.jsonl")
check_eq "the graph changes again" 201 "$(post_vertex marko 33)"
sleep 2.2
check "while a file is open, a new reader sees the same snapshot" cmp "$G/vertices.jsonl" "$T/exp2/vertices.jsonl"
check "the open file reads its snapshot" bash -c "cat <&3 | cmp - '$T/exp2/vertices.jsonl'" 
check_eq "and the mtime is unchanged" "$before_mtime" "$(stat -c %Y "$G/vertices.jsonl")"
exec 3<&-
sleep 2.2
$EXPECTED "$SERVER" g "$T/exp3"
check "after the last close and the ttl, a read shows the change" cmp "$G/vertices.jsonl" "$T/exp3/vertices.jsonl"
after_mtime=$(stat -c %Y "$G/vertices.jsonl")
check "a new snapshot has a later mtime" test "$after_mtime" -gt "$before_mtime"
check "manifest of the new snapshot agrees" bash -c "cp -r '$G' '$T/copy3' && $EXPECTED --check-manifest '$T/copy3'"

# two readers share one export
sleep 2.2
n0=$(grep -c "snapshot of graph 'g'" "$M.log")
cat "$G/vertices.jsonl" >/dev/null & p1=$!
cat "$G/edges.jsonl" >/dev/null & p2=$!
cat "$G/vertices.jsonl" >/dev/null & p3=$!
wait $p1 $p2 $p3
n1=$(grep -c "snapshot of graph 'g'" "$M.log")
check_eq "three concurrent readers caused one export" 1 "$((n1 - n0))"

# an unused snapshot's spool files go away after the ttl, not only at unmount
spool_fds() { find /proc/"$LAST_DAEMON_PID"/fd -lname "$T/#*" 2>/dev/null | wc -l; }
check "a snapshot holds spool files" test "$(spool_fds)" -gt 0
sleep 3
check_eq "an expired snapshot's spool files are released" 0 "$(spool_fds)"
check "unmount" unmount_fs "$M"

# a slow export of one graph does not stall another graph (a slow server is
# hgserver's --latency-ms: not for the real server)
if [ -n "${HGFS_REAL:-}" ]; then
	finish
fi
start_server SLOW --latency-ms 300 --generate "big=40000,20000,7" --graph small || exit 1
mount_fs "$SLOW" "$M" -o spool_dir="$T",parallel=1 || exit 1
start=$(date +%s.%N)
( cat "$M/graphs/big/vertices.jsonl" >/dev/null; date +%s.%N >"$T/big.done" ) & bigpid=$!
sleep 0.5
cat "$M/graphs/small/mode" >/dev/null; ls "$M/graphs/small" >/dev/null
stat "$M/graphs/small/mode" >/dev/null
small_done=$(date +%s.%N)
wait $bigpid
log "other graph done after $(python3 -c "print(round(float('$small_done') - float('$start'), 2))") s, slow export after $(python3 -c "print(round(float('$(cat "$T/big.done")') - float('$start'), 2))") s"
check "ls, stat and cat mode of another graph finish while the export runs" \
	python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$small_done" "$(cat "$T/big.done")"
check "unmount" unmount_fs "$M"
check "no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"
finish
