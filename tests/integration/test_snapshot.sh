#!/bin/bash
# Snapshot rules: a changed graph shows once the ttl has passed since the
# snapshot was made (however often it is looked at) and a second rsync picks
# it up even when sizes did not change; an open file keeps its snapshot; a
# changed file gets a later mtime, an unchanged one keeps its mtime (the
# manifest too), also across a remount; a mode write or an import drops the
# snapshot at once; readers share one export; a slow export of one graph does
# not stall another graph.
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

# an open file keeps its snapshot; new opens get a new one once the ttl
# has passed since it was made, however often it was looked at meanwhile
exec 3<"$G/vertices.jsonl"
before_mtime=$(stat -c %Y "$G/vertices.jsonl")
schema_mtime=$(stat -c %Y "$G/schema.json")
check_eq "the graph changes again" 201 "$(post_vertex marko 33)"
n0=$(grep -c "snapshot of graph 'g'" "$M.log")
for i in 1 2 3 4 5 6 7 8; do stat "$G/vertices.jsonl" >/dev/null; sleep 0.3; done
n1=$(grep -c "snapshot of graph 'g'" "$M.log")
check "looking every 0.3 s for 2.4 s does not keep a 1 s snapshot alive ($((n1 - n0)) exports)" test $((n1 - n0)) -ge 1
$EXPECTED "$SERVER" g "$T/exp3"
check "while a file is open, a new reader after the ttl sees the change" cmp "$G/vertices.jsonl" "$T/exp3/vertices.jsonl"
check "the open file reads its own snapshot" bash -c "cat <&3 | cmp - '$T/exp2/vertices.jsonl'"
exec 3<&-
after_mtime=$(stat -c %Y "$G/vertices.jsonl")
check "the changed file has a later mtime" test "$after_mtime" -gt "$before_mtime"
check_eq "the unchanged schema.json kept its mtime" "$schema_mtime" "$(stat -c %Y "$G/schema.json")"
check "manifest of the new snapshot agrees" bash -c "cp -r '$G' '$T/copy3' && $EXPECTED --check-manifest '$T/copy3'"

# an unchanged graph: a new snapshot shows the same bytes and mtimes, the
# manifest included, so incremental tools see nothing new
mtimes() { stat -c '%n %Y %s' "$G/schema.json" "$G/vertices.jsonl" "$G/edges.jsonl" "$G/manifest.json"; }
m1=$(mtimes); cp "$G/manifest.json" "$T/manifest.1"
n0=$(grep -c "snapshot of graph 'g'" "$M.log")
sleep 1.5
m2=$(mtimes)
n1=$(grep -c "snapshot of graph 'g'" "$M.log")
check "a new export ran" test $((n1 - n0)) -ge 1
check_eq "an unchanged graph keeps every file's mtime and size" "$m1" "$m2"
check "...and the manifest's bytes (its snapshot_time too)" cmp "$G/manifest.json" "$T/manifest.1"
touch -d "@$(( $(stat -c %Y "$G/manifest.json") + 1 ))" "$T/stamp"
sleep 1.5
check_eq "find -newer sees nothing new" "" "$(find "$G" -maxdepth 1 -type f -name '*.json*' -newer "$T/stamp")"
check "unmount" unmount_fs "$M"

# across a remount (the state file): still the same mtimes and bytes
mount_fs "$SERVER" "$M" -o spool_dir="$T",snapshot_ttl=60 || exit 1
check_eq "after a remount the unchanged graph keeps its mtimes" "$m1" "$(mtimes)"
check "...and its manifest bytes" cmp "$G/manifest.json" "$T/manifest.1"
check "the state is in XDG_STATE_HOME/hugegraphfs" bash -c "ls '$XDG_STATE_HOME/hugegraphfs/'*.state"

# a change made through the mount drops the snapshot at once (ttl 60 here)
n0=$(grep -c "snapshot of graph 'g'" "$M.log")
check "echo RESTORING > mode" bash -c "echo RESTORING > '$G/mode'"
stat "$G/vertices.jsonl" >/dev/null
n1=$(grep -c "snapshot of graph 'g'" "$M.log")
check_eq "a mode write drops the snapshot: the next look exports" 1 "$((n1 - n0))"
check "a copy into restore/ (the same vertices again)" cp "$T/copy3/vertices.jsonl" "$G/restore/vertices.jsonl"
stat "$G/vertices.jsonl" >/dev/null
n2=$(grep -c "snapshot of graph 'g'" "$M.log")
check_eq "an import drops the snapshot: the next look exports" 1 "$((n2 - n1))"
check_eq "...and the same bytes keep their mtime" "$m1" "$(mtimes)"
check "echo NONE > mode" bash -c "echo NONE > '$G/mode'"
check "unmount" unmount_fs "$M"
mount_fs "$SERVER" "$M" -o spool_dir="$T",snapshot_ttl=1 || exit 1

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
