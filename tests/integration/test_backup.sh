#!/bin/bash
# Backups through a real mount with cp -r, rsync -a, tar and cat, compared
# byte for byte with the content read from the server's API directly.
#   test_backup.sh PERSONA BACKEND GRAPHSPEC
#   GRAPHSPEC: modern  or  V,E[,SEED]  (a generated graph)
. "$(dirname "$0")/lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
SPEC=${3:-modern}
G=g
if [ "$SPEC" = modern ]; then
	GRAPHARG=(--load "$G=$SRCDIR/examples/modern")
else
	GRAPHARG=(--generate "$G=$SPEC")
fi
log "persona $PERSONA, backend $BACKEND, graph $SPEC"

start_server SERVER --persona "$PERSONA" --backend "$BACKEND" "${GRAPHARG[@]}" --graph empty || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
FILES=(schema.json vertices.jsonl edges.jsonl variables.json manifest.json)
DATA=(schema.json vertices.jsonl edges.jsonl variables.json)

check "the expected content is read from the API directly" $EXPECTED "$SERVER" "$G" "$T/expected"

listing=$(ls "$M/graphs/")
check_eq "graphs/ lists the server's graphs" "$(printf 'empty\ng')" "$listing"
listing=$(ls "$M/graphs/$G" | tr '\n' ' ')
check_eq "a graph directory shows its files" "edges.jsonl export.status manifest.json mode restore restore.status schema.json variables.json vertices.jsonl " "$listing"

# sizes are exact at stat time, before any read
for f in "${DATA[@]}"; do
	check_eq "stat size of $f equals the content's size" "$(stat -c %s "$T/expected/$f")" "$(stat -c %s "$M/graphs/$G/$f")"
done

check "cat yields the expected bytes" bash -c "for f in ${DATA[*]}; do cat '$M/graphs/$G/'\$f | cmp - '$T/expected/'\$f || exit 1; done"
check "cp -r copies the graph directory" cp -r "$M/graphs/$G" "$T/cp"
check "cp -r copies are byte-identical" same_files "$T/cp" "$T/expected" "${DATA[@]}"
check "rsync -a copies the graph directory" rsync -a "$M/graphs/$G/" "$T/rsync/"
check "rsync -a copies are byte-identical" same_files "$T/rsync" "$T/expected" "${DATA[@]}"
check "tar archives the graph directory" tar -C "$M/graphs" -cf "$T/g.tar" "$G"
mkdir -p "$T/untar"
check "tar extracts" tar -C "$T/untar" -xf "$T/g.tar"
check "tar copies are byte-identical" same_files "$T/untar/$G" "$T/expected" "${DATA[@]}"
check "the three copies of manifest.json are identical" bash -c "cmp '$T/cp/manifest.json' '$T/rsync/manifest.json' && cmp '$T/cp/manifest.json' '$T/untar/$G/manifest.json'"
check "manifest sizes, digests and counts agree with the files" $EXPECTED --check-manifest "$T/cp"
check_eq "mode reads NONE" "NONE" "$(cat "$M/graphs/$G/mode")"
check "rsync -a copies mode too" test "$(cat "$T/rsync/mode")" = NONE
check "tar copies mode too" test "$(cat "$T/untar/$G/mode")" = NONE

# the manifest describes the snapshot
man=$T/cp/manifest.json
check "manifest names the graph, server, version and backend" python3 - "$man" "$SERVER" "$BACKEND" "$PERSONA" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
assert m["graph"] == "g", m["graph"]
assert m["server_url"] == sys.argv[2], m["server_url"]
assert m["backend"] == sys.argv[3], m["backend"]
assert m["server_version"].startswith(sys.argv[4]), m["server_version"]
assert m["format_version"] == 1
assert m["snapshot_time"].endswith("Z") and "T" in m["snapshot_time"]
PY
mtime=$(stat -c %Y "$M/graphs/$G/vertices.jsonl")
snap=$(python3 -c 'import json,sys,calendar,time; print(calendar.timegm(time.strptime(json.load(open(sys.argv[1]))["snapshot_time"], "%Y-%m-%dT%H:%M:%SZ")))' "$man")
check_eq "each file's mtime is the snapshot time" "$snap" "$mtime"

# the content is what the graph holds
nv=$(wc -l <"$T/expected/vertices.jsonl")
ne=$(wc -l <"$T/expected/edges.jsonl")
if [ "$SPEC" = modern ]; then
	check_eq "modern: 6 vertices" 6 "$nv"
	check_eq "modern: 6 edges" 6 "$ne"
	check "modern: marko is there with his PK id" grep -q '"id":"1:marko"' "$T/cp/vertices.jsonl"
	if [ "$PERSONA" = 1.7 ] && [ -z "${HGFS_REAL:-}" ]; then
		check "modern: the backup equals examples/modern byte for byte" same_files "$T/cp" "$SRCDIR/examples/modern" "${DATA[@]}"
	fi
else
	IFS=, read -r V E _ <<<"$SPEC"
	check_eq "generated: $V vertices backed up" "$V" "$nv"
	check_eq "generated: $E edges backed up" "$E" "$ne"
	check "large ids (beyond 2^53) survive exactly" python3 - "$T/cp/vertices.jsonl" <<'PY'
import sys, re
data = open(sys.argv[1], encoding="utf-8").read()
big = [int(x) for x in re.findall(r'^\{"id":(-?\d+),', data, re.M) if abs(int(x)) > 2**53]
assert len(big) > 100, f"only {len(big)} ids beyond 2^53"
PY
	check "awkward strings survive (escapes, unicode, separators)" python3 - "$T/cp/vertices.jsonl" "$T/cp/edges.jsonl" <<'PY'
import sys, json
for path in sys.argv[1:]:
    raw = open(path, "rb").read()
    for needle in (b'\\"', b'\\\\', b'\\n'):
        assert needle in raw, (path, needle)
    text = raw.decode("utf-8")
    assert any(ord(c) > 0xFFFF for c in text) or "\\ud83" in text, "no astral-plane character"
    for line in text.splitlines():
        json.loads(line)  # every line is one JSON element
PY
fi

# an empty graph exports empty files and a valid schema
check "an empty graph backs up" cp -r "$M/graphs/empty" "$T/empty"
check_eq "an empty graph has no vertices" 0 "$(stat -c %s "$T/empty/vertices.jsonl")"
check "an empty graph's schema.json is valid JSON" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/empty/schema.json"

check "a graph that does not exist is not there" test ! -e "$M/graphs/nosuchgraph"
check_fails "snapshot files are read-only" bash -c "echo x > '$M/graphs/$G/vertices.jsonl'"

check "unmount is clean" unmount_fs "$M"
check "no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"
finish
