#!/bin/bash
# Shards larger than the server's query capacity (hgserver --capacity): a
# memory shard answered with "Too many records" is scanned as halves, in
# shard order, so the backup equals one taken with shards that fit, byte for
# byte, at any parallelism.  When splitting cannot help, the backup fails
# loudly: cp exits non-zero, no snapshot file is copied, the log names the
# shard and the server's message.
. "$(dirname "$0")/lib.sh"
require_fuse

SPEC=20011,50021,42
DATA=(schema.json vertices.jsonl edges.jsonl)
BIG=1073741824 # one memory shard for the whole table (100 bytes an entry)

# the reference: the API read directly, and a backup whose shards fit
start_server CLEAN --generate "g=$SPEC" || exit 1
check "the expected content is read from the API directly" $EXPECTED "$CLEAN" g "$T/expected"
mount_fs "$CLEAN" "$T/m0" -o spool_dir="$T" || exit 1
check "a backup with shards that fit" cp -r "$T/m0/graphs/g" "$T/normal"
check "...equals the API's content" same_files "$T/normal" "$T/expected" "${DATA[@]}"
check "unmount" unmount_fs "$T/m0"
stop_server "$LAST_SERVER_PID"

# manifest_agrees A B: same counts and the same files (sizes, digests)
manifest_agrees() {
	python3 - "$1/manifest.json" "$2/manifest.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
assert a["counts"] == b["counts"], (a["counts"], b["counts"])
assert a["files"] == b["files"], (a["files"], b["files"])
PY
}

start_server SMALL --capacity 3000 --generate "g=$SPEC" || exit 1
check "the server refuses a scan of more than 3000 entries" \
	bash -c "curl -s '$SMALL/graphs/g/traversers/vertices/scan?start=&end=3001' | grep -q 'Too many records(must <= 3000)'"
n=0
for opts in "split_size=$BIG" "split_size=$BIG,parallel=1" "parallel=4"; do
	n=$((n + 1))
	M=$T/m$n
	mount_fs "$SMALL" "$M" -o "spool_dir=$T,$opts" || exit 1
	check "$opts: cp -r backs up shards beyond the capacity" cp -r "$M/graphs/g" "$T/split$n"
	check "$opts: byte-identical to the backup with shards that fit" same_files "$T/split$n" "$T/normal" "${DATA[@]}"
	check "$opts: the manifest has the same counts, sizes and digests" manifest_agrees "$T/split$n" "$T/normal"
	check "$opts: the manifest agrees with the files" $EXPECTED --check-manifest "$T/split$n"
	check "$opts: the log says shards were split" grep -q "Too many records(must <= 3000).*" "$M.log"
	check "$opts: ...as halves" grep -q "failed, scanning it as two halves" "$M.log"
	check "$opts: unmount" unmount_fs "$M"
done
check "the log names the halved part of the one big shard" \
	grep -q "vertices shard 1 of 1 \[\"\", \"20011\"): part \[\"\", \"20011\") failed, scanning it as two halves" "$T/m1.log"
stop_server "$LAST_SERVER_PID"

# rocksdb: opaque bounds are never split; pages within the capacity work,
# a page_limit above it is the server's refusal, reported with the page
start_server ROCKS --backend rocksdb --capacity 3000 --generate "g=$SPEC" || exit 1
check "rocksdb: the expected content is read from the API directly" \
	$EXPECTED "$ROCKS" g "$T/rexpected" --page-limit 3000
M=$T/mr
mount_fs "$ROCKS" "$M" -o "spool_dir=$T,split_size=$BIG,page_limit=3000" || exit 1
check "rocksdb: cp -r backs up with pages of 3000" cp -r "$M/graphs/g" "$T/rocks"
check "rocksdb: byte-identical to the API's content" same_files "$T/rocks" "$T/rexpected" "${DATA[@]}"
check "rocksdb: nothing was split" bash -c "! grep -q 'two halves' '$M.log'"
check "unmount" unmount_fs "$M"
M=$T/mr2
mount_fs "$ROCKS" "$M" -o "spool_dir=$T,split_size=$BIG,page_limit=5000" || exit 1
check_fails "rocksdb: a page_limit above the capacity fails the backup" cp -r "$M/graphs/g" "$T/rocks2"
check "...and the log names the shard, the page and the server's message" \
	grep -q "export of graph 'g' failed (vertices shard 1 of 1 \[\"\", \"\"): page '' (page_limit 5000), attempt 1): Invalid page limit 5000, must be > 0 and <= capacity(3000)" "$M.log"
check "unmount" unmount_fs "$M"
stop_server "$LAST_SERVER_PID"

# splitting cannot help: every non-empty scan is too many
start_server ZERO --capacity 0 --generate "g=$SPEC" || exit 1
M=$T/mz
mount_fs "$ZERO" "$M" -o spool_dir="$T" || exit 1
cp -r "$M/graphs/g" "$T/zero" 2>"$T/zero.err"; rc=$?
check "capacity 0: cp -r fails" test "$rc" -ne 0
check "...with an I/O error" grep -q "Input/output error" "$T/zero.err"
check "...and no snapshot file is copied" \
	bash -c "cd '$T/zero' && ! ls schema.json vertices.jsonl edges.jsonl manifest.json 2>/dev/null | grep -q ."
check "the log names the shard, the part that cannot be halved and the server's message" \
	grep -qE "export of graph 'g' failed \(vertices shard [0-9]+ of [0-9]+ \[\"[0-9]*\", \"[0-9]+\"\): part \[\"[0-9]*\", \"[0-9]+\"\), attempt 1\): Too many records\(must <= 0\) for a query \(HTTP 400, class org.apache.hugegraph.exception.LimitExceedException\)" "$M.log"
check_fails "a read fails too (nothing short)" cat "$M/graphs/g/vertices.jsonl"
check "unmount" unmount_fs "$M"
check "no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"
finish
