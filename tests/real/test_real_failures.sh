#!/bin/bash
# Failures against the real HugeGraph server, with authentication on: a
# wrong or missing password; the server killed in the middle of an export
# (EIO, no short file) and in the middle of an import (EIO, then a re-copy
# after the restart completes the restore); the restarted server's mode.
#   test_real_failures.sh VERSION BACKEND
. "$(dirname "$0")/../integration/lib.sh"
. "$(dirname "$0")/../integration/restore_lib.sh"
require_fuse
require_real

VERSION=${1:-1.5.0}
BACKEND=${2:-rocksdb}
export HGFS_REAL=$VERSION
V=40000
E=20000
log "real HugeGraph $VERSION, backend $BACKEND, auth on"

# A graph of persona 1.3, without parent/sub edge labels: real 1.5.0 on rocksdb
# cannot list a PARENT label once restarted (400 "Only edge label has single
# vertex label pair can call sourceLabelName()"), and this test restarts it.
# One graph only: 1.7.0 with auth on cannot start with two memory graphs
# ("The backend store of 'DEFAULT-k' can't initialize admin user"); the
# import is tested on g after the restart (empty on memory; on rocksdb it
# holds the data already, and a restore is upserts).
start_server SERVER --persona 1.3 --backend "$BACKEND" --auth admin:secret --generate "g=$V,$E,26" || exit 1
PORT=${SERVER##*:}
M=$T/mnt
mkdir -p "$M" # an existing mountpoint: what is refused must be the credentials

# ---- credentials ---------------------------------------------------------------------------
out=$(HUGEGRAPH_PASSWORD=wrong timeout 60 "$HUGEGRAPHFS" -f "$SERVER" "$M" -o user=admin 2>&1); rc=$?
check "a wrong password: hugegraphfs exits non-zero" test "$rc" -ne 0
check "...saying the server refused the credentials" grep -qiE "authenticat|401|password" <<<"$out"
log "wrong password: $out"
check "...and nothing is mounted" bash -c "! grep -qs ' $M fuse' /proc/mounts"
out=$(timeout 60 "$HUGEGRAPHFS" -f "$SERVER" "$M" 2>&1); rc=$?
check "no credentials against a server with auth: exits non-zero" test "$rc" -ne 0
log "no credentials: $out"

HUGEGRAPH_PASSWORD=secret mount_fs "$SERVER" "$M" -o user=admin,spool_dir="$T",snapshot_ttl=1,parallel=1,page_limit=1000 || exit 1
check "auth on: a backup of g through the mount" backup_set g "$T/bk"
check_eq "auth on: the backup holds $V vertices" "$V" "$(wc -l <"$T/bk/vertices.jsonl")"
check "auth on: it equals the API's own dump byte for byte" bash -c "
	$EXPECTED '$SERVER' g '$T/api' --user admin --password secret &&
	for f in schema.json vertices.jsonl edges.jsonl; do cmp \"$T/api/\$f\" \"$T/bk/\$f\" || exit 1; done"

real_pid() { cat "$LAST_REAL_HOME/server.pid"; }

# ---- the server killed in the middle of an export --------------------------------------------
sleep 1.2 # the snapshot expires: the next look exports anew
SPID=$(real_pid)
( cp -r "$M/graphs/g" "$T/killed" 2>"$T/cp.err"; echo $? >"$T/cp.rc" ) &
COPY=$!
sleep 0.3
kill -STOP "$SPID"
if [ -s "$T/cp.rc" ]; then
	not_ok "the export was still running when the server was stopped (it took under 0.3 s)"
else
	ok "the export is under way when the server is stopped"
fi
kill -9 "$SPID"
kill -CONT "$SPID" 2>/dev/null
stop_server "$SPID"
wait "$COPY"
check "the server killed mid-export: cp -r fails" test "$(cat "$T/cp.rc")" -ne 0
check "...with Input/output error" grep -q "Input/output error" "$T/cp.err"
check "...and no data file of the graph was copied short (none at all)" \
	bash -c "! ls '$T/killed/vertices.jsonl' '$T/killed/edges.jsonl' '$T/killed/schema.json' 2>/dev/null | grep -q ."
check "...the daemon's log says why" grep -q "export of graph 'g' failed" "$M.log"
log "$(grep "export of graph 'g' failed" "$M.log" | tail -n 1)"

check "the server restarts on the same port" restart_real_server
if [ "$BACKEND" = rocksdb ]; then
	sleep 1.2
	check "after the restart (rocksdb keeps its data) a backup works again" backup_set g "$T/bk2"
	check "...and equals the first one" cmp "$T/bk/vertices.jsonl" "$T/bk2/vertices.jsonl"
fi

# ---- the server killed in the middle of an import --------------------------------------------
R=$M/graphs/g/restore
check_eq "g: the restarted server has mode NONE" NONE "$(cat "$M/graphs/g/mode")"
check "g: echo RESTORING > mode" set_mode g RESTORING
check "g: cp schema.json" cp "$T/bk/schema.json" "$R/schema.json"
rm -f "$T/cp.rc"
( cp "$T/bk/vertices.jsonl" "$R/vertices.jsonl" 2>"$T/cp.err"; echo $? >"$T/cp.rc" ) &
COPY=$!
check "g: the vertices import gets under way" wait_status g vertices.jsonl "importing, [1-9][0-9]*/$V vertices" 60
SPID=$(real_pid)
kill -9 "$SPID"
stop_server "$SPID"
wait "$COPY"
check "the server killed mid-import: the copy fails" test "$(cat "$T/cp.rc")" -ne 0
check "...with Input/output error" grep -q "failed to close.*Input/output error" "$T/cp.err"
check "...restore.status: failed, done < $V" status_grep g vertices.jsonl "^vertices.jsonl: failed, [0-9]+/$V vertices - "
log "$(status_line g vertices.jsonl)"
check "the server restarts on the same port" restart_real_server
check_eq "g: the restarted server has mode NONE (HugeGraph keeps it in memory)" NONE "$(cat "$M/graphs/g/mode")"
check "g: echo RESTORING > mode again" set_mode g RESTORING
check "g: cp -r of the whole backup again" cp -r "$T/bk/." "$R/"
check "g: every file imported with its exact count" status_all_imported g "" "$T/bk"
check "g: echo NONE > mode" set_mode g NONE
check_eq "g: the server holds exactly $V vertices and $E edges" "$V $E" "$(HGFS_AUTH=admin:secret server_counts g)"
check "unmount is clean" unmount_fs "$M"
finish
