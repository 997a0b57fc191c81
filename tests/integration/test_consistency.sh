#!/bin/bash
# A backup taken while the graph changes is exported again, and one that kept
# changing says so in manifest.json and in the log (issue 10, item 4).
# hgserver's hidden --mutate-on-scan inserts vertices (or vertex pairs joined
# by an edge) at the start of a chosen scan request, before it reads.
. "$(dirname "$0")/lib.sh"
require_fuse

G=g
GEN=20011,50021,42 # 2 memory vertex shards and an open tail at split_size 1 MiB

# mutating_server VAR BACKEND MUTATION: a generated graph plus the labels the
# mutation inserts ("mut" vertices with string ids, "mutlink" edges).
mutating_server() {
	local var=$1 backend=$2 mut=$3 ms_url
	start_server ms_url --backend "$backend" --generate "$G=$GEN" --mutate-on-scan "$mut" || return 1
	curl -sf -o /dev/null -H 'Content-Type: application/json' \
		-d '{"name":"mut","id_strategy":"CUSTOMIZE_STRING"}' \
		"$ms_url/graphspaces/DEFAULT/graphs/$G/schema/vertexlabels" || return 1
	curl -sf -o /dev/null -H 'Content-Type: application/json' \
		-d '{"name":"mutlink","source_label":"mut","target_label":"mut"}' \
		"$ms_url/graphspaces/DEFAULT/graphs/$G/schema/edgelabels" || return 1
	printf -v "$var" "%s" "$ms_url"
}

# manifest_is FILE CONSISTENT EXPORTS [REASON_SUBSTRING]
manifest_is() {
	python3 - "$@" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
want = sys.argv[2] == "true"
assert m["consistent"] is want, ("consistent", m["consistent"], m["consistency"])
assert m["exports"] == int(sys.argv[3]), ("exports", m["exports"], m["consistency"])
if len(sys.argv) > 4:
    assert sys.argv[4] in m["consistency"], m["consistency"]
if want:
    assert m["consistency"].startswith("no change seen"), m["consistency"]
PY
}

# dup_ids FILE: the number of ids that are in a .jsonl file more than once
dup_ids() {
	python3 -c '
import json, sys, collections
c = collections.Counter(json.dumps(json.loads(l)["id"]) for l in open(sys.argv[1]))
print(sum(1 for n in c.values() if n > 1))' "$1"
}

n=0
# backup BACKEND MUTATION NAME [mount options]: mounts, copies the graph
# directory to $T/NAME, unmounts; $T/NAME.log is the daemon's log.
backup() {
	local backend=$1 mut=$2 name=$3 b_url m
	shift 3
	n=$((n + 1))
	if [ "$mut" = none ]; then
		start_server b_url --backend "$backend" --generate "$G=$GEN" || return 1
	else
		mutating_server b_url "$backend" "$mut" || return 1
	fi
	SERVER=$b_url
	m=$T/mnt$n
	mount_fs "$b_url" "$m" -o spool_dir="$T" "$@" || return 1
	cp -r "$m/graphs/$G" "$T/$name" || return 1
	unmount_fs "$m"
	cp "$m.log" "$T/$name.log"
}

# 1. a quiet graph: one export, consistent, every check ran
backup memory none quiet
check "quiet graph: consistent after one export" manifest_is "$T/quiet/manifest.json" true 1
check "quiet graph: all four checks ran" grep -q '"consistency_checks": \["vertex_ids", "edge_runs", "endpoints", "memory_counts"\]' "$T/quiet/manifest.json"
check "quiet graph: the log says consistent" grep -q "snapshot of graph 'g': .* 1 export, consistent" "$T/quiet.log"

# 2. memory: 5000 vertices inserted before the second vertex shard is read,
# once: the first export is seen to be wrong, the second is right
backup memory vertices,1,5000,1,mut once -o parallel=1
check "memory, a change once: consistent after two exports" manifest_is "$T/once/manifest.json" true 2
check "memory, a change once: the log names the change and the retry" \
	grep -q "graph 'g' changed during export 1 of at most 3, exporting again: the memory backend's vertex table held 20011 entries before its scan and 25011 after" "$T/once.log"
check "memory, a change once: the kept export equals the API's content now" $EXPECTED "$SERVER" "$G" "$T/once.expected"
check "memory, a change once: vertices.jsonl as the API has it" cmp "$T/once/vertices.jsonl" "$T/once.expected/vertices.jsonl"
check "memory, a change once: edges.jsonl as the API has it" cmp "$T/once/edges.jsonl" "$T/once.expected/edges.jsonl"
check_eq "memory, a change once: no id twice" 0 "$(dup_ids "$T/once/vertices.jsonl")"

# 3. memory: the graph changes during every export.  Without retries the
# one export has ids twice (what the issue saw, and what the check names)
backup memory vertices,1,5000,0,mut always0 -o parallel=1 -o export_retries=0
check "memory, changing, no retries: consistent false after one export" \
	manifest_is "$T/always0/manifest.json" false 1 "vertex table held 20011 entries before its scan and 25011 after"
check "memory, changing, no retries: the reason names the ids read twice" \
	grep -q 'vertex ids are in vertices.jsonl twice; e.g. vertex id ' "$T/always0/manifest.json"
check "memory, changing, no retries: vertices.jsonl really has ids twice" test "$(dup_ids "$T/always0/vertices.jsonl")" -gt 0
# with one retry the last export is kept and marked: its shards were cut for
# 25011 entries and 30011 were there, so it misses vertices the server has
backup memory vertices,1,5000,0,mut always -o parallel=1 -o export_retries=1
check "memory, changing always: consistent false after two exports" \
	manifest_is "$T/always/manifest.json" false 2 "vertex table held 25011 entries before its scan and 30011 after"
check "memory, changing always: the log warns, naming graph and export count" \
	grep -q "snapshot of graph 'g' is NOT consistent after 2 exports" "$T/always.log"
check "memory, changing always: the log says the retry" \
	grep -q "graph 'g' changed during export 1 of at most 2, exporting again" "$T/always.log"
check "memory, changing always: the manifest's counts still agree with the files" $EXPECTED --check-manifest "$T/always"
# the server never lost one of its 20011 generated vertices, but the shards
# were cut for 25011 entries while 30011 were there
check "memory, changing always: the kept vertices.jsonl misses vertices the server had" \
	test "$(grep -vc '^{"id":"0mut-' "$T/always/vertices.jsonl")" -lt 20011

# memory edges: 2000 vertex pairs and their edges inserted before the second
# edge shard is read: owners' edge runs are read again
backup memory edges,1,2000,0,mut,mutlink edges_always0 -o parallel=1 -o export_retries=0
check "memory edges, changing: consistent false naming the edge table and the runs read twice" \
	manifest_is "$T/edges_always0/manifest.json" false 1 "edge table held 16016 entries before its scan and 18016 after; the edges of"
check "memory edges, changing: the reason says source vertices have their edges in two places" \
	grep -q 'source vertices are in edges.jsonl in two places' "$T/edges_always0/manifest.json"

# 4. rocksdb: a vertex pair and its edge added while the edges are scanned:
# the edge points to vertices absent from vertices.jsonl
backup rocksdb edges,0,1,1,mut,mutlink edge_once
check "rocksdb, an edge added once: consistent after two exports" manifest_is "$T/edge_once/manifest.json" true 2
check "rocksdb, an edge added once: the log names the absent endpoint" \
	grep -q 'changed during export 1 .*2 edge endpoints are not in vertices.jsonl; e.g. edge .* points to vertex "0mut-0"' "$T/edge_once.log"
check "rocksdb, an edge added once: the kept export equals the API's content now" $EXPECTED "$SERVER" "$G" "$T/edge_once.expected"
check "rocksdb, an edge added once: both files as the API has them" \
	same_files "$T/edge_once" "$T/edge_once.expected" vertices.jsonl edges.jsonl
backup rocksdb edges,0,1,1,mut,mutlink edge_noretry -o export_retries=0
check "rocksdb, export_retries=0: consistent false after one export" \
	manifest_is "$T/edge_noretry/manifest.json" false 1 "2 edge endpoints are not in vertices.jsonl"

# 5. an edge to a vertex the graph does not hold (posted with
# check_vertex=false) is the graph's own: found alike twice, consistent
start_server SERVER --backend rocksdb --generate "$G=$GEN" || exit 1
curl -sf -o /dev/null -H 'Content-Type: application/json' \
	-d '{"name":"mut","id_strategy":"CUSTOMIZE_STRING"}' "$SERVER/graphspaces/DEFAULT/graphs/$G/schema/vertexlabels"
curl -sf -o /dev/null -H 'Content-Type: application/json' \
	-d '{"name":"mutlink","source_label":"mut","target_label":"mut"}' "$SERVER/graphspaces/DEFAULT/graphs/$G/schema/edgelabels"
curl -sf -o /dev/null -H 'Content-Type: application/json' \
	-d '[{"label":"mutlink","outV":"gone-1","outVLabel":"mut","inV":"gone-2","inVLabel":"mut","properties":{}}]' \
	"$SERVER/graphspaces/DEFAULT/graphs/$G/graph/edges/batch?check_vertex=false"
M=$T/mnt-dangling
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
cp -r "$M/graphs/$G" "$T/dangling"
check "dangling edge of the graph itself: consistent after two exports" manifest_is "$T/dangling/manifest.json" true 2
check "dangling edge of the graph itself: the manifest counts its endpoints" \
	grep -q '"dangling_endpoints": 2,' "$T/dangling/manifest.json"

# 6. a restore of a backup marked inconsistent says so in restore.status;
# a manifest without the new members (older backups) is accepted as before
. "$SRCDIR/tests/integration/restore_lib.sh"
start_server SERVER --graph empty || exit 1
M=$T/mnt-restore
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
mkdir -p "$T/old"
python3 - "$T/always/manifest.json" "$T/old/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
for k in ("consistent", "consistency", "consistency_checks", "exports", "dangling_endpoints"):
    del m[k]
json.dump(m, open(sys.argv[2], "w"), indent=2)
PY
set_mode empty RESTORING
mkdir -p "$M/graphs/empty/restore/marked" "$M/graphs/empty/restore/old"
check "an inconsistent set's manifest is copied into restore/" cp "$T/always/manifest.json" "$M/graphs/empty/restore/marked/"
check "an older manifest (without consistent) is copied into restore/" cp "$T/old/manifest.json" "$M/graphs/empty/restore/old/"
check "restore.status marks the inconsistent set" wait_status empty marked/manifest.json \
	"imported, 0/4 files .* - the backup is marked inconsistent \(the graph changed while it was taken\): the memory backend's vertex table" 10
check "restore.status: the older manifest is imported, not marked" wait_status empty old/manifest.json "imported, 0/4 files - the set is incomplete: [^-]*$" 10
check "the daemon's log warns about the inconsistent set" grep -q "restore/marked/manifest.json marks its backup inconsistent" "$M.log"

finish
