#!/bin/bash
# MERGING through a real mount: two graphs whose schemas overlap ('person',
# 'knows', property keys) with different ids, holding PRIMARY_KEY, AUTOMATIC
# and customized-id vertices and edges between PRIMARY_KEY vertices, are
# backed up and merged into one graph.  Every vertex and edge of both is
# there afterwards and edges connect the vertices they connected before
# (compared by property values through the REST API, not by ids).  A
# conflicting label definition fails with EINVAL and a clear status line.
#   test_restore_merge.sh PERSONA BACKEND
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
log "persona $PERSONA, backend $BACKEND"

start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --graph a --graph b --graph c --graph m --graph n || exit 1
for x in a b c; do
	check "graph $x built through the REST API" $RESTORE_CHECK build "$SERVER" "$x" "$x"
done
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
for x in a b c; do
	check "backup of $x through the mount" backup_set "$x" "$T/$x"
done
check "person and knows have different ids in a and b" python3 - "$T/a/schema.json" "$T/b/schema.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
ida = {(t, e["name"]): e["id"] for t in a for e in a[t]}
idb = {(t, e["name"]): e["id"] for t in b for e in b[t]}
for k in (("vertexlabels", "person"), ("edgelabels", "knows"), ("propertykeys", "name")):
    assert ida[k] != idb[k], (k, ida[k], idb[k])
PY

R=$M/graphs/m/restore
check "echo MERGING > mode" set_mode m MERGING
check "cp -r backup a restore/a (MERGING into an empty graph)" cp -r "$T/a" "$R/a"
check "a: every file imported with its exact count" status_all_imported m a/ "$T/a"
check "rsync -a backup b into restore/b (MERGING into a graph holding a)" rsync -a "$T/b/" "$R/b/"
check "b: every file imported with its exact count" status_all_imported m b/ "$T/b"
check "summary: 10 imported, 0 pending, 0 failed" summary_is m "10 imported, 0 pending, 0 failed"
check "every vertex and edge of a and b is in m, edges between the same vertices, ids as MERGING makes them" \
	$RESTORE_CHECK check-merge "$SERVER" m "$T/a" "$T/b"
counts=$(server_counts m)
log "m holds $counts"

# merging the same backup again changes nothing
check "cp -r of backup a again" cp -r "$T/a/." "$R/a/"
check_eq "...the server's counts are unchanged (no duplicates)" "$counts" "$(server_counts m)"
check "...and m still holds exactly a and b" $RESTORE_CHECK check-merge "$SERVER" m "$T/a" "$T/b"

# the other order, through one directory: b first (schema, vertices, edges,
# manifest), then rm -r restore/*, then a (manifest, edges, vertices, schema)
N=$M/graphs/n/restore
check "echo MERGING > mode of n" set_mode n MERGING
for f in schema.json vertices.jsonl edges.jsonl manifest.json; do
	check "n: cp b/$f restore/" cp "$T/b/$f" "$N/$f"
done
check "n: rm -r restore/*" rm -r "$N"/*
for f in manifest.json edges.jsonl vertices.jsonl schema.json; do
	check "n: cp a/$f restore/" cp "$T/a/$f" "$N/$f"
done
check "n: a's files imported with exact counts" status_all_imported n "" "$T/a"
check "n: b then a, one file at a time, gives the same graph as a then b" \
	$RESTORE_CHECK check-merge "$SERVER" n "$T/a" "$T/b"

# a conflicting definition: 'person' with other properties
mkdir -p "$R/c" 2>/dev/null
err=$(cp "$T/c/schema.json" "$R/c/schema.json" 2>&1); rc=$?
check "a schema whose 'person' differs fails" test "$rc" -ne 0
check "...cp says: failed to close ...: Invalid argument" grep -q "failed to close.*Invalid argument" <<<"$err"
check "restore.status: c/schema.json failed" status_is m c/schema.json "failed, "
line=$(status_line m c/schema.json)
log "$line"
check "...naming the vertex label" grep -q "vertex label 'person'" <<<"$line"
check "...and the difference in properties: the backup has [.. email ..], the graph has [...]" \
	grep -Eq "properties: the backup has \[[^]]*email[^]]*\], the graph has \[" <<<"$line"
check "summary counts the failure" summary_is m "10 imported, 0 pending, 1 failed"
check "the graph's 'person' is unchanged" python3 -c '
import json, sys, urllib.request
vl = json.load(urllib.request.urlopen(sys.argv[1] + "/graphs/m/schema/vertexlabels/person"))
assert sorted(vl["properties"]) == ["age", "aliases", "name"], vl' "$SERVER"
check_eq "...and so are its vertices and edges" "$counts" "$(server_counts m)"

check "echo NONE > mode" set_mode m NONE
check "unmount is clean" unmount_fs "$M"
finish
