#!/bin/bash
# Backups FROM the mount with the tools people use for backups, as they use
# them, each compared byte for byte with the content read from the API
# directly: rclone copy (and rclone check); restic init, backup, check and
# restore --verify; borg init, create, check and extract, then the extracted
# backup restored through restore/ into an empty graph, whose API dump
# equals the source's.  Then one vertex changes through the API (same size:
# only the mtime tells) and, after the snapshot ttl, a second rclone sync
# transfers only the changed files (rclone check agrees), a second restic
# backup reads only those again, a second borg create finds the other data
# files unchanged in its cache (restic diff and borg diff name
# vertices.jsonl), and the second snapshot and archive hold the change.
#   test_backup_tools.sh [PERSONA [BACKEND [V,E,SEED]]]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
SPEC=${3:-2000,5000,7}
# long enough for a copy and its check to see one snapshot on a loaded
# machine, short enough to wait for once
TTL=5
G=g
log "persona $PERSONA, backend $BACKEND, graph $SPEC, snapshot_ttl $TTL"
start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --generate "$G=$SPEC" --graph bg || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T",snapshot_ttl=$TTL || exit 1
SRC=$M/graphs/$G
DATA=(schema.json vertices.jsonl edges.jsonl variables.json)
IFS=, read -r V E _ <<<"$SPEC"

# ran RC OUTPUT: the tool's exit status RC was 0 (else its output's tail)
ran() { [ "$1" -eq 0 ] && return 0; echo "exit status $1:"; printf '%s\n' "$2" | tail -n 30; return 1; }
# res_has ERE: a line of $res matches ERE (else $res's head)
res_has() { grep -qE -- "$1" <<<"$res" && return 0; echo "no line matches '$1' in:"; printf '%s\n' "$res" | head -n 40; return 1; }
# res_lacks ERE: $res is not empty and no line of it matches ERE
# ($res, not $out: check keeps its command's output in a local $out, which
# would hide ours from the command)
res_lacks() { [ -n "$res" ] && ! grep -E -- "$1" <<<"$res"; }

for tool in rclone restic borg; do
	command -v "$tool" >/dev/null || not_ok "$tool is not installed (scripts/install-deps.sh installs it)"
done

check "the expected content is read from the API directly" $EXPECTED "$SERVER" "$G" "$T/exp1"

# ---- rclone copy from the mount, rclone check ------------------------------
# first on the mount, so that the copy and the check see one snapshot (and
# one export.status)
RC=$T/rclone
rclone_() { rclone --config /dev/null "$@"; }
check "rclone copy of the graph directory" rclone_ copy "$SRC" "$RC"
check "rclone check finds the copy identical (sizes and MD5s of every file)" rclone_ check "$SRC" "$RC"
check "rclone's copy is byte-identical to the API's content" same_files "$RC" "$T/exp1" "${DATA[@]}"
check "rclone's manifest agrees with its files" $EXPECTED --check-manifest "$RC"

# ---- restic backup from the mount ---------------------------------------------
export RESTIC_PASSWORD=test RESTIC_REPOSITORY=$T/restic RESTIC_CACHE_DIR=$T/restic-cache
check "restic init" restic init
res=$(restic backup "$SRC" 2>&1)
check "restic backup of the graph directory" ran $? "$res"
check "...saves its 8 files" res_has "^Files: +8 new, +0 changed, +0 unmodified"
check "restic check" restic check
check "restic restore --verify of the snapshot" restic restore latest --verify --target "$T/rr1"
check "restic's restored files are byte-identical to the API's content" same_files "$T/rr1$SRC" "$T/exp1" "${DATA[@]}"
check "restic's restored manifest agrees with its files" $EXPECTED --check-manifest "$T/rr1$SRC"

# ---- borg create from the mount, extract, restore ------------------------------
export BORG_REPO=$T/borg BORG_BASE_DIR=$T/borg-base
BE=$T/be
mkdir -p "$BE"
check "borg init -e none" borg init -e none
check "borg create of the graph directory (no warning: exit 0)" borg create "::a" "$SRC"
check "borg check" borg check
check "borg extract" bash -c 'cd "$1" && borg extract ::a' sh "$BE"
BX=$BE${SRC}
check "borg's extracted files are byte-identical to the API's content" same_files "$BX" "$T/exp1" "${DATA[@]}"
check "borg's extracted manifest agrees with its files" $EXPECTED --check-manifest "$BX"
check "bg: echo RESTORING > mode" set_mode bg RESTORING
check "bg: cp -r of borg's extracted graph directory into restore/" cp -r "$BX/." "$M/graphs/bg/restore/"
check "bg: every file imported with its exact count" status_all_imported bg "" "$BX"
check "bg: the manifest imported, 4/4 files" status_is bg manifest.json "imported, 4/4 files( |$)"
check "bg: echo NONE > mode" set_mode bg NONE
check_eq "bg: the server holds $V vertices and $E edges" "$V $E" "$(server_counts bg)"
check "bg: the restored graph's API content is read" $EXPECTED "$SERVER" bg "$T/exp_bg"
check "bg: the restored graph's API content equals the source's byte for byte" same_files "$T/exp_bg" "$T/exp1" "${DATA[@]}"

# ---- one vertex changes; after the ttl, incremental passes ------------------
# a v_num vertex's p_long with its last digit changed: the file keeps its size
body=$(python3 - "$T/exp1/vertices.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    v = json.loads(line)
    if v["label"] == "v_num" and "p_long" in v["properties"]:
        p = v["properties"]["p_long"]
        # toward zero unless the last digit is 0: never beyond int64, same digits
        p += (1 if p < 0 else -1) if p % 10 != 0 else (-1 if p < 0 else 1)
        v["properties"]["p_long"] = p
        print(json.dumps({"id": v["id"], "label": v["label"], "properties": v["properties"]}))
        break
PY
)
check_eq "a vertex changes through the API (POST of its id, one property changed)" 201 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$body" \
		"$SERVER/graphs/$G/graph/vertices")"
check "the changed content is read from the API directly" $EXPECTED "$SERVER" "$G" "$T/exp2"
check "vertices.jsonl changed" bash -c '! cmp -s "$1" "$2"' sh "$T/exp1/vertices.jsonl" "$T/exp2/vertices.jsonl"
check_eq "...keeping its size" "$(stat -c %s "$T/exp1/vertices.jsonl")" "$(stat -c %s "$T/exp2/vertices.jsonl")"
check "the other data files did not" same_files "$T/exp1" "$T/exp2" schema.json edges.jsonl variables.json
sleep "$TTL.3"

# rclone sync first: the sync and the check see one snapshot
res=$(rclone_ sync -v "$SRC" "$RC" 2>&1)
check "rclone sync after the change" ran $? "$res"
copied=$(sed -n 's/.*INFO  : \(.*\): Copied .*/\1/p' <<<"$res" | LC_ALL=C sort | tr '\n' ' ')
check_eq "rclone sync transfers only the changed files (export.status tells of the new export)" \
	"export.status manifest.json vertices.jsonl " "$copied"
check "rclone check after the sync" rclone_ check "$SRC" "$RC"
check "rclone's synced copy is byte-identical to the new API content" same_files "$RC" "$T/exp2" "${DATA[@]}"
check "rclone's synced manifest agrees with its files" $EXPECTED --check-manifest "$RC"

res=$(restic backup -vv "$SRC" 2>&1)
check "a second restic backup" ran $? "$res"
check "...reads vertices.jsonl as modified" res_has "^modified +$SRC/vertices.jsonl,"
check_eq "...and only it, the manifest and export.status" "export.status manifest.json vertices.jsonl " \
	"$(sed -n "s|^modified  *$SRC/\([^/,][^/,]*\),.*|\1|p" <<<"$res" | LC_ALL=C sort | tr '\n' ' ')"
for f in schema.json edges.jsonl variables.json mode; do
	check "...and $f as unchanged (mtime, ctime, size and inode kept)" res_has "^unchanged +$SRC/$f$"
done
snaps=$(restic snapshots --json | python3 -c 'import json, sys; print(" ".join(s["short_id"] for s in json.load(sys.stdin)))')
read -r s1 s2 <<<"$snaps"
check "restic has two snapshots" test -n "$s2"
res=$(restic diff "$s1" "$s2" 2>&1)
check "restic diff runs" ran $? "$res"
check "restic diff names vertices.jsonl as modified" res_has "^M +$SRC/vertices.jsonl$"
check "...and neither edges.jsonl nor schema.json" res_lacks "(edges.jsonl|schema.json)$"
check "restic restore --verify of the second snapshot" restic restore latest --verify --target "$T/rr2"
check "the second snapshot holds the new content byte for byte" same_files "$T/rr2$SRC" "$T/exp2" "${DATA[@]}"
check "restic check after two backups" restic check

res=$(borg create --list --filter=AMUE "::b" "$SRC" 2>&1)
check "a second borg create (no warning: exit 0)" ran $? "$res"
check "...reads vertices.jsonl as modified" res_has "^M $SRC/vertices.jsonl$"
# which small files borg reads again is borg's to say: it caches no file
# whose ctime is the newest it saw (a status file, often), so that one is
# A the next time; the data files it must find unchanged in its cache
for f in schema.json edges.jsonl variables.json; do
	check "...and $f as unchanged" res_has "^U $SRC/$f$"
done
res=$(borg diff "::a" b 2>&1)
check "borg diff runs" ran $? "$res"
check "borg diff names vertices.jsonl" res_has "${SRC#/}/vertices.jsonl$"
check "...and not edges.jsonl" res_lacks "edges.jsonl$"
check "borg extract of the second archive" bash -c 'rm -rf "$1" && mkdir -p "$1" && cd "$1" && borg extract ::b' sh "$BE"
check "...holds the new content byte for byte" same_files "$BX" "$T/exp2" "${DATA[@]}"

check "unmount is clean" unmount_fs "$M"
finish
