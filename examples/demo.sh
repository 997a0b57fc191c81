#!/bin/bash
# examples/demo.sh - a tour of hugegraphfs on a fresh Debian 12 machine.
#
# Installs what is missing, builds, starts the reference server (hgserver)
# with HugeGraph's "modern" example graph, mounts it, and backs it up with
# cp -r, rsync and tar; then restores the backup into an empty graph
# (RESTORING), backs that up again and compares, and merges it once more
# (MERGING) to show that a second copy adds nothing.
# Everything runs in a temporary directory and is cleaned up at the end.
# HUGEGRAPHFS_BUILD names another build directory than ./build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${HUGEGRAPHFS_BUILD:-build}
case $BUILD in /*) ;; *) BUILD=$ROOT/$BUILD ;; esac

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { step "$*"; "$@"; }

scripts/install-deps.sh
if [ ! -f "$BUILD/build.ninja" ]; then meson setup "$BUILD" >/dev/null; fi
meson compile -C "$BUILD" >/dev/null

W=$(mktemp -d /tmp/hugegraphfs-demo.XXXXXX)
MNT=$W/mnt
mkdir -p "$MNT"
cleanup() {
	fusermount3 -u "$MNT" 2>/dev/null || true
	[ -n "${FS_PID:-}" ] && wait "$FS_PID" 2>/dev/null
	[ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# the reference server, with the modern graph and an empty graph
"$BUILD/hgserver/hgserver" --listen 127.0.0.1:0 \
	--load hugegraph="$ROOT/examples/modern" --graph newgraph >"$W/server.out" &
SERVER_PID=$!
for _ in $(seq 100); do grep -q listening "$W/server.out" && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$W/server.out")
echo "reference server: $URL (HugeGraph 1.7 persona, graphs: hugegraph, newgraph)"

step "hugegraphfs $URL $MNT"
"$BUILD/fs/hugegraphfs" -f "$URL" "$MNT" 2>"$W/hugegraphfs.log" &
FS_PID=$!
for _ in $(seq 100); do grep -qs " $MNT fuse" /proc/mounts && break; sleep 0.05; done

run ls "$MNT/graphs"
run ls -l "$MNT/graphs/hugegraph"
run head -c 600 "$MNT/graphs/hugegraph/schema.json"; echo ...
run head -n 3 "$MNT/graphs/hugegraph/vertices.jsonl"
run cat "$MNT/graphs/hugegraph/manifest.json"

mkdir -p "$W/backups"
run cp -r "$MNT/graphs/hugegraph" "$W/backups/today"
run rsync -a "$MNT/graphs/hugegraph/" "$W/backups/mirror/"
run tar -C "$MNT/graphs" -cf "$W/backups/hugegraph.tar" hugegraph
run sha256sum "$W/backups/today/vertices.jsonl" "$W/backups/mirror/vertices.jsonl"
step "cd $W/backups/today && sha256sum -c  (against manifest.json)"
python3 - "$W/backups/today" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
bad = 0
for name, f in m["files"].items():
    ok = hashlib.sha256(open(os.path.join(d, name), "rb").read()).hexdigest() == f["sha256"]
    print(f"{name}: {'OK' if ok else 'FAILED'}")
    bad += not ok
sys.exit(1 if bad else 0)
PY

run cat "$MNT/graphs/newgraph/mode"
step "cp -r $W/backups/today/. $MNT/graphs/newgraph/restore/      # refused: mode NONE"
cp -r "$W/backups/today/." "$MNT/graphs/newgraph/restore/" || echo "(refused, exit status $?)"
run cat "$MNT/graphs/newgraph/restore.status"
step "echo BOGUS > $MNT/graphs/newgraph/mode      # refused at write()"
echo BOGUS >"$MNT/graphs/newgraph/mode" || echo "(refused, exit status $?)"

step "echo RESTORING > $MNT/graphs/newgraph/mode"
echo RESTORING >"$MNT/graphs/newgraph/mode"
run cp -r "$W/backups/today/." "$MNT/graphs/newgraph/restore/"
run cat "$MNT/graphs/newgraph/restore.status"
run ls -l "$MNT/graphs/newgraph/restore/"
step "echo NONE > $MNT/graphs/newgraph/mode"
echo NONE >"$MNT/graphs/newgraph/mode"
step "rm -r $MNT/graphs/newgraph/restore/*     # forget the entries (nothing changes on the server)"
rm -r "$MNT/graphs/newgraph/restore/"*
run cp -r "$MNT/graphs/newgraph" "$W/backups/restored"
run cmp "$W/backups/today/vertices.jsonl" "$W/backups/restored/vertices.jsonl"
run cmp "$W/backups/today/edges.jsonl" "$W/backups/restored/edges.jsonl"
run cmp "$W/backups/today/schema.json" "$W/backups/restored/schema.json"
echo "identical: the restored graph backs up byte for byte like the original"

step "echo MERGING > $MNT/graphs/newgraph/mode     # merge the same backup again"
echo MERGING >"$MNT/graphs/newgraph/mode"
run rsync -a "$W/backups/today/" "$MNT/graphs/newgraph/restore/"
run cat "$MNT/graphs/newgraph/restore.status"
echo NONE >"$MNT/graphs/newgraph/mode"
run grep -o '"vertices": [0-9]*, "edges": [0-9]*' "$MNT/graphs/newgraph/manifest.json"
echo "(same counts: vertices and edges are upserts, identical schema is accepted)"

step "fusermount3 -u $MNT"
fusermount3 -u "$MNT"
wait "$FS_PID"
FS_PID=
echo
echo "demo finished: backups were in $W/backups (removed now)"
