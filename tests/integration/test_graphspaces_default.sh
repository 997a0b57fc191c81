#!/bin/bash
# graphspaces/ where the server has no graphspace but DEFAULT: HugeGraph
# before 1.7 (no graphspaces at all), and 1.7 without PD (GET /graphspaces
# lists none, GET /graphspaces/DEFAULT and every create fail with a 500).
# graphspaces/ then shows DEFAULT only, without graphspace.json, its graphs/
# the same graphs as graphs/ (one graph state: no second export); a new
# graphspace cannot be made: mkdir is refused before 1.7, and on 1.7 the
# definition written into it fails at close() with the server's reason; and
# -o graphspace=gs1 is refused before mounting.
# Argument: PERSONA (1.3 or 1.7; the real server's version with HGFS_REAL).
. "$(dirname "$0")/lib.sh"
require_fuse

PERSONA=${1:-1.7}
start_server SERVER --persona "$PERSONA" --backend memory --load "g=$SRCDIR/examples/modern" || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o "spool_dir=$T" || exit 1
new_style=no
case ${HGFS_REAL:-$PERSONA} in 1.7*) new_style=yes ;; esac

check_eq "graphspaces/ shows DEFAULT only" "DEFAULT" "$(ls "$M/graphspaces")"
check_eq "graphspaces/DEFAULT holds graphs/ only (no definition to back up)" "graphs" "$(ls "$M/graphspaces/DEFAULT")"
check_fails "...no graphspace.json" stat "$M/graphspaces/DEFAULT/graphspace.json"
check_eq "graphspaces/DEFAULT/graphs/ lists graphs/'s graphs" "$(ls "$M/graphs")" "$(ls "$M/graphspaces/DEFAULT/graphs")"
check "cp -r graphspaces/DEFAULT" cp -r "$M/graphspaces/DEFAULT" "$T/bk"
check "cp -r graphs/g" cp -r "$M/graphs/g" "$T/g"
for f in schema.json vertices.jsonl edges.jsonl variables.json manifest.json; do
	check "$f is the same through both paths" cmp "$T/bk/graphs/g/$f" "$T/g/$f"
done
check_eq "...from one export" 1 "$(grep -c "snapshot of graph 'g'" "$M.log")"
check_fails "an unknown graphspace does not exist" ls "$M/graphspaces/gs1"
if [ $new_style = yes ]; then
	check "mkdir graphspaces/gs1 (kept by the daemon)" mkdir "$M/graphspaces/gs1"
	cat >"$T/def.json" <<'EOF'
{"name":"gs1","nickname":"gs1","description":"test","cpu_limit":4,"memory_limit":8,"storage_limit":100,"max_graph_number":10,"max_role_number":10,"auth":false}
EOF
	check_fails "writing its graphspace.json fails at close (no graphspaces without PD)" cp "$T/def.json" "$M/graphspaces/gs1/graphspace.json"
	check "...with Input/output error (the server's 500)" sh -c "cp '$T/def.json' '$M/graphspaces/gs1/graphspace.json' 2>&1 | grep -q 'Input/output error'"
	check "...logged with the reason" grep -q "graphspaces/gs1/graphspace.json: the server refused to create the graphspace: .*NullPointerException.*without PD" "$M.log"
	check "...the server still lists no graphspace" sh -c "curl -s '$SERVER/graphspaces' | grep -qx '{\"graphSpaces\":\[\]}'"
	check "rmdir graphspaces/gs1" rmdir "$M/graphspaces/gs1"
	check_eq "...gone" "DEFAULT" "$(ls "$M/graphspaces")"
else
	check_fails "mkdir graphspaces/gs1 is refused (no graphspaces before 1.7)" mkdir "$M/graphspaces/gs1"
	check "...with Operation not permitted" sh -c "mkdir '$M/graphspaces/gs1' 2>&1 | grep -q 'Operation not permitted'"
	check "...logged" grep -q "mkdir graphspaces/gs1: the server (.*) has no graphspaces" "$M.log"
fi
mkdir -p "$T/m0"
out=$("$HUGEGRAPHFS" -f -o graphspace=gs1 "$SERVER" "$T/m0" 2>&1); rc=$?
check "-o graphspace=gs1 is refused before mounting" test "$rc" -ne 0
if [ $new_style = yes ]; then
	check "...the server lists no graphspace" grep -q "graphspace 'gs1' does not exist: the server lists no graphspace" <<<"$out"
else
	check "...it needs 1.7" grep -q "needs HugeGraph 1.7" <<<"$out"
fi
check "unmount" unmount_fs "$M"
finish
