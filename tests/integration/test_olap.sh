#!/bin/bash
# OLAP property values: a plain read leaves them out (graph_read_mode
# OLTP_ONLY); a backup holds them (the export sets the read mode to ALL for
# its vertex scan and puts OLTP_ONLY back, also when the scan fails and when
# the daemon is stopped with SIGTERM during it; killed with SIGKILL, the
# note it left in state_dir makes the next mount put it back); a read mode someone else
# set to ALL is left alone; a user who may not set it gets EACCES (hgserver
# only); a restore writes them back (RESTORING: the same vertices.jsonl byte
# for byte; MERGING into a graph whose label ids differ: the same values
# vertex by vertex); the OLAP values of CUSTOMIZE_UUID vertices cannot be
# written back and the file fails saying so.  Arguments: PERSONA (the real
# server with HGFS_REAL; its rocksdb backend: memory has no OLAP keys).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse
OLAP="python3 $SRCDIR/tests/integration/olap_check.py"
export PYTHONPATH=$SRCDIR/tests/integration

start_server SERVER --persona "${1:-1.7}" --backend rocksdb --graph g --graph r --graph m --graph u --graph ur || exit 1

# start_proxy VAR UPSTREAM_URL RULE_FILE: hangproxy.py in front of the server.
start_proxy() {
	local out="$T/proxy.$RANDOM.out" url="" i
	python3 "$SRCDIR/tests/integration/hangproxy.py" "${2##*:}" "$3" >"$out" 2>"$out.err" &
	SERVER_PIDS+=("$!")
	for i in $(seq 1 100); do
		url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$out" 2>/dev/null | head -n 1)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || { echo "hangproxy did not start" >&2; cat "$out.err" >&2; return 1; }
	printf -v "$1" '%s' "$url"
}
RULE=$T/rule
echo pass >"$RULE"
start_proxy PROXY "$SERVER" "$RULE" || exit 1
M=$T/mnt
mount_fs "$PROXY" "$M" -o spool_dir="$T" -o stall_timeout=2 -o snapshot_ttl=1 || exit 1
DAEMON=$LAST_DAEMON_PID

check "g: schema with OLAP keys, vertices and their OLAP values, through the API" $OLAP build "$SERVER" g
check_eq "g's read mode is OLTP_ONLY" OLTP_ONLY "$($OLAP read-mode "$SERVER" g)"
check_eq "a plain list in OLTP_ONLY shows no OLAP value" 0 "$($OLAP plain-olap "$SERVER" g)"
$OLAP values "$SERVER" g >"$T/g.values"
check "the API in read mode ALL shows them (rank on 2341 vertices, comm on 1366)" \
	test "$(grep -c 'rank=' "$T/g.values")" = 2341 -a "$(grep -c 'comm=' "$T/g.values")" = 1366

BK=$T/bk
check "backup of g (cp -r)" backup_set g "$BK"
check_eq "vertices.jsonl holds every OLAP value the API shows in read mode ALL" \
	"$(cat "$T/g.values")" "$($OLAP file-values "$BK/vertices.jsonl")"
check "...after the other properties: {\"name\":\"marko\",\"rank\":0.5,\"comm\":-50}" \
	grep -qF '"properties":{"name":"marko","rank":0.5,"comm":-50}}' "$BK/vertices.jsonl"
check_eq "the export put the read mode back to OLTP_ONLY" OLTP_ONLY "$($OLAP read-mode "$SERVER" g)"
check "the log says it switched to ALL" \
	grep -q "graph 'g': graph_read_mode set to ALL (was OLTP_ONLY) for the export" "$M.log"
check "...and back" grep -q "graph 'g': graph_read_mode put back to OLTP_ONLY" "$M.log"
check "manifest.json matches its files" $EXPECTED --check-manifest "$BK"

# a failed export: the server refuses the vertex scan (a 400: not tried again)
sleep 1.2 # past snapshot_ttl
echo 'refuse vertices/scan|graph/vertices\?' >"$RULE"
check_fails "with the vertex scan refused, reading vertices.jsonl fails" cat "$M/graphs/g/vertices.jsonl"
echo pass >"$RULE"
check "...the read mode was ALL during the scan" \
	test "$(grep -c "graph 'g': graph_read_mode set to ALL" "$M.log")" -ge 2
check_eq "...and is OLTP_ONLY again" OLTP_ONLY "$($OLAP read-mode "$SERVER" g)"
check "...the log says it was put back after the failure" \
	test "$(grep -c "graph 'g': graph_read_mode put back to OLTP_ONLY" "$M.log")" -ge 2

# a mode someone else set is left alone: ALL stays ALL
check "read mode set to ALL by hand" $OLAP read-mode "$SERVER" g ALL
sleep 1.2
check_eq "a backup in read mode ALL holds the same vertices.jsonl" "$(cat "$BK/vertices.jsonl")" "$(cat "$M/graphs/g/vertices.jsonl")"
check_eq "...and leaves ALL as it was" ALL "$($OLAP read-mode "$SERVER" g)"
check "read mode OLTP_ONLY again" $OLAP read-mode "$SERVER" g OLTP_ONLY

# RESTORING into an empty graph: the OLAP values come back, byte for byte
check "r: echo RESTORING > mode" set_mode r RESTORING
check "r: cp -r of the backup" cp -r "$BK/." "$M/graphs/r/restore/"
check "...vertices.jsonl imported" status_is r vertices.jsonl "imported, 2731/2731 vertices"
check "...the set is whole" status_is r manifest.json "imported, 4/4 files( |$)"
check "...the log counts the OLAP values written" grep -q "graph r: restore/vertices.jsonl: 3707 OLAP values written" "$M.log"
check "r: echo NONE > mode" set_mode r NONE
check_eq "r has g's OLAP values (the API in read mode ALL)" "$(cat "$T/g.values")" "$($OLAP values "$SERVER" r)"
sleep 1.2
check "a backup of r has g's vertices.jsonl byte for byte" cmp "$BK/vertices.jsonl" "$M/graphs/r/vertices.jsonl"
check "...and g's edges.jsonl" cmp "$BK/edges.jsonl" "$M/graphs/r/edges.jsonl"

# MERGING into a graph whose vertex label ids differ: PRIMARY_KEY ids are rebuilt for the OLAP writes too
check "m: the same schema created in another order (other label ids)" $OLAP schema-other "$SERVER" m
check "m: echo MERGING > mode" set_mode m MERGING
check "m: cp -r of the backup" cp -r "$BK/." "$M/graphs/m/restore/"
check "...vertices.jsonl imported" status_is m vertices.jsonl "imported, 2731/2731 vertices"
check "m: echo NONE > mode" set_mode m NONE
check_eq "m has g's OLAP values, vertex by vertex" "$(cat "$T/g.values")" "$($OLAP values "$SERVER" m)"

# CUSTOMIZE_UUID vertices: HugeGraph reads the id of a label-less write as a
# string, so their OLAP values cannot be written back over REST (nor written
# at all: the backup here is edited to hold one, as a server whose values
# came another way would give)
check "u: the same graph plus a CUSTOMIZE_UUID vertex" $OLAP build "$SERVER" u uuid
BU=$T/bu
check "backup of u" backup_set u "$BU"
rm -f "$BU/manifest.json"
check "...edited: the UUID vertex has a rank" sed -i \
	's/^\({"id":"835e1153-9281-4957-8691-cf79258e90eb","label":"uu","type":"vertex","properties":{"name":"u"\)}}$/\1,"rank":4.5}}/' \
	"$BU/vertices.jsonl"
check "...one line changed" grep -qF '"properties":{"name":"u","rank":4.5}}' "$BU/vertices.jsonl"
check "ur: echo RESTORING > mode" set_mode ur RESTORING
check "ur: schema.json" cp "$BU/schema.json" "$M/graphs/ur/restore/"
check_fails "ur: vertices.jsonl fails at close()" cp "$BU/vertices.jsonl" "$M/graphs/ur/restore/"
check "...restore.status says which values and why" status_grep ur vertices.jsonl \
	'failed.*EINVAL.*vertices imported, but not all of their OLAP values: 1 OLAP values of CUSTOMIZE_UUID vertices \(e.g. id "835e1153-9281-4957-8691-cf79258e90eb"\)'
check "ur: echo NONE > mode" set_mode ur NONE
check_eq "...every vertex was imported" "$(grep -c . "$BU/vertices.jsonl")" "$(server_counts ur | cut -d' ' -f1)"
check_eq "...and every other OLAP value" "$($OLAP values "$SERVER" u)" "$($OLAP values "$SERVER" ur)"

# a user who may not set the read mode (hgserver's read-only user; the
# real server cannot make a second user here, tests/real/README.md): the
# export fails with EACCES rather than leave the values out
if [ -z "${HGFS_REAL:-}" ]; then
	start_server ASERVER --persona "${1:-1.7}" --backend rocksdb --graph g --auth admin:secret --reader viewer:look || exit 1
	check "auth server: the OLAP graph, as admin" env HGFS_AUTH=admin:secret $OLAP build "$ASERVER" g
	M2=$T/mnt2
	HUGEGRAPH_PASSWORD=look mount_fs "$ASERVER" "$M2" -o user=viewer,spool_dir="$T" || exit 1
	err=$(cat "$M2/graphs/g/vertices.jsonl" 2>&1 >/dev/null)
	check "a reader's backup of a graph with OLAP keys fails" test -n "$err"
	check "...with Permission denied" grep -q "Permission denied" <<<"$err"
	check "...and the log says why" grep -q "export of graph 'g' failed: it has OLAP property keys (rank, comm).*setting ALL (it is OLTP_ONLY) was refused" "$M2.log"
	check_eq "...the read mode is untouched" OLTP_ONLY "$(HGFS_AUTH=admin:secret $OLAP read-mode "$ASERVER" g)"
	check "unmount is clean" unmount_fs "$M2"
fi

# the daemon stopped (SIGTERM) in the middle of a vertex scan: the read mode is put back before it exits
sleep 1.2
n=$(grep -c "graph 'g': graph_read_mode set to ALL" "$M.log")
echo 'hang vertices/scan|graph/vertices\?' >"$RULE"
cat "$M/graphs/g/vertices.jsonl" >/dev/null 2>&1 &
for _ in $(seq 1 100); do
	[ "$(grep -c "graph 'g': graph_read_mode set to ALL" "$M.log")" -gt "$n" ] && break
	sleep 0.05
done
check_eq "a vertex scan hangs, in read mode ALL" ALL "$($OLAP read-mode "$SERVER" g)"
kill -TERM "$DAEMON"
for _ in $(seq 1 200); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.05; done
echo pass >"$RULE"
check_fails "SIGTERM: the daemon exits within 10 s" kill -0 "$DAEMON"
check_eq "...having put the read mode back to OLTP_ONLY" OLTP_ONLY "$($OLAP read-mode "$SERVER" g)"
check "...which the log says" test "$(grep -c "graph 'g': graph_read_mode put back to OLTP_ONLY" "$M.log")" -gt "$n"

# killed with SIGKILL in the middle of a vertex scan: the read mode stays ALL, but the note the daemon
# wrote into state_dir before setting it makes the next mount with that state_dir put it back
unmount_fs "$M" >/dev/null 2>&1
ST=$T/state
mount_fs "$PROXY" "$M" -o spool_dir="$T" -o state_dir="$ST" -o stall_timeout=2 -o snapshot_ttl=1 || exit 1
DAEMON=$LAST_DAEMON_PID
echo 'hang vertices/scan|graph/vertices\?' >"$RULE"
cat "$M/graphs/g/vertices.jsonl" >/dev/null 2>&1 &
for _ in $(seq 1 100); do
	grep -q "graph 'g': graph_read_mode set to ALL" "$M.log" && break
	sleep 0.05
done
check_eq "a vertex scan hangs, in read mode ALL" ALL "$($OLAP read-mode "$SERVER" g)"
check_eq "...noted in state_dir, with the mode to put back" "mode OLTP_ONLY" "$(grep -h '^mode ' "$ST"/readmode-* 2>/dev/null)"
kill -KILL "$DAEMON"
for _ in $(seq 1 100); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.05; done
echo pass >"$RULE"
fusermount3 -uz "$M" 2>/dev/null
check_eq "SIGKILL: the read mode stays ALL" ALL "$($OLAP read-mode "$SERVER" g)"
M3=$T/mnt3
mount_fs "$PROXY" "$M3" -o spool_dir="$T" -o state_dir="$ST" || exit 1
for _ in $(seq 1 100); do
	[ "$($OLAP read-mode "$SERVER" g)" = OLTP_ONLY ] && break
	sleep 0.1
done
check_eq "the next mount with that state_dir puts it back to OLTP_ONLY" OLTP_ONLY "$($OLAP read-mode "$SERVER" g)"
check "...saying so in its log" grep -q "graph 'g': graph_read_mode put back to OLTP_ONLY (a daemon stopped during an export had left it ALL)" "$M3.log"
check "...and the note is gone" sh -c "! ls '$ST'/readmode-* >/dev/null 2>&1"
check "a backup through it still holds the OLAP values" cmp "$BK/vertices.jsonl" "$M3/graphs/g/vertices.jsonl"
check_eq "...and leaves OLTP_ONLY" OLTP_ONLY "$($OLAP read-mode "$SERVER" g)"
check "...its note gone too" sh -c "! ls '$ST'/readmode-* >/dev/null 2>&1"
check "unmount" unmount_fs "$M3"
finish
