#!/bin/bash
# A restore across server generations, as an upgrade does it: a backup of a
# 1.3 server (4-part edge ids, no edge label types) restored into a 1.7
# server in RESTORING mode; and back: a 1.7 backup into a 1.3 server, where
# PARENT/SUB edge labels cannot exist and the schema's close says so.
#   test_restore_upgrade.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

SPEC=3001,7002,5
start_server OLD --persona 1.3 --backend rocksdb --generate "g=$SPEC" --graph back || exit 1
start_server NEW --persona 1.7 --backend memory --graph r --generate "n=$SPEC" || exit 1
M1=$T/old
M2=$T/new
mount_fs "$OLD" "$M1" -o spool_dir="$T" || exit 1
mount_fs "$NEW" "$M2" -o spool_dir="$T" || exit 1
IFS=, read -r V E _ <<<"$SPEC"

# edges without their ids (4-part on 1.3, 5-part on 1.7), sorted
edges_sans_ids() {
	python3 -c '
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    d = json.loads(line, parse_float=str, parse_int=str)
    d.pop("id")
    print(json.dumps(d, sort_keys=True, ensure_ascii=False))' "$1" | LC_ALL=C sort
}

# ---- 1.3 -> 1.7 ------------------------------------------------------------------------------
M=$M1
check "backup of the 1.3 graph through the mount" backup_set g "$T/bk13"
M=$M2
SERVER=$NEW
check "1.7: echo RESTORING > mode" set_mode r RESTORING
check "1.7: cp -r of the 1.3 backup into restore/" cp -r "$T/bk13/." "$M2/graphs/r/restore/"
check "...every file imported with its exact count" status_all_imported r "" "$T/bk13"
check "1.7: echo NONE > mode" set_mode r NONE
check "backup of the restored 1.7 graph" backup_set r "$T/out17"
check "vertices.jsonl is byte-identical across the upgrade" cmp "$T/bk13/vertices.jsonl" "$T/out17/vertices.jsonl"
check "edges are the same apart from their ids" \
	cmp <(edges_sans_ids "$T/bk13/edges.jsonl") <(edges_sans_ids "$T/out17/edges.jsonl")
check "...and the 1.7 edge ids have 5 parts" \
	bash -c "head -n 1 '$T/out17/edges.jsonl' | grep -Eq '^\{\"id\":\"[^\"]*>[0-9]+>[0-9]+>'"
check_eq "the 1.7 server holds $V vertices and $E edges" "$V $E" "$(server_counts r)"

# ---- 1.7 -> 1.3: PARENT/SUB labels cannot go back ----------------------------------------------
check "backup of a 1.7 graph (it has PARENT/SUB edge labels)" backup_set n "$T/bk17"
M=$M1
SERVER=$OLD
check "1.3: echo RESTORING > mode" set_mode back RESTORING
err=$(cp "$T/bk17/schema.json" "$M1/graphs/back/restore/schema.json" 2>&1); rc=$?
check "1.3: the 1.7 schema's close fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status names the PARENT label and the server generation" \
	status_grep back schema.json "PARENT label; servers before 1.5 have no parent/sub edge labels; nothing imported"
check_eq "...and no schema element was created on the 1.3 server" '{"propertykeys": []}' \
	"$(curl -s "$OLD/graphs/back/schema/propertykeys")"

check "unmount the 1.3 mount" unmount_fs "$M1"
check "unmount the 1.7 mount" unmount_fs "$M2"
finish
