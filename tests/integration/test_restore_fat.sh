#!/bin/bash
# Fat records (issue: no silent loss, item 6): the daemon's memory stays
# bounded whatever the records look like.  A file of twenty-four 9 MiB text
# records (the real server refuses a text value above 10 MiB) and 2,000 thin
# ones imports exactly with the daemon's VmHWM under 64 MiB; so does a file
# of base64 BLOBs of 15 MiB; a record (a BLOB) longer than
# -o max_record_mib fails its file with EFBIG at close(), naming the line and
# the option, nothing imported; a larger limit takes it.  Runs against
# hgserver, and against the real server with HGFS_REAL.  Argument: the
# backend (default memory).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

BACKEND=${1:-memory}
start_server SERVER --backend "$BACKEND" --generate "g=20,20,1" --graph r --graph s || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
PID=$LAST_DAEMON_PID
BK=$T/bk
check "backup of g through the mount" backup_set g "$BK"

hwm_kib() { sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\) kB$/\1/p' "/proc/$1/status"; }
# under AddressSanitizer freed memory waits in a quarantine: no bound to see
if ldd "$HUGEGRAPHFS" | grep -q libasan; then
	log "sanitized build: the memory bound is not measured"
	hwm_kib() { echo 0; }
fi

# fat_file FILE KIND N MIB THIN: N records of MIB MiB (text or BLOB), then THIN thin ones
fat_file() {
	python3 - "$@" <<'PY'
import base64, os, sys
path, kind, n, mib, thin = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
size = int(mib * (1 << 20))
with open(path, "w") as f:
    for i in range(n):
        if kind == "text":
            f.write('{"id":"fat%d","label":"v_str","type":"vertex","properties":{"p_bool":true,"p_long":%d,"p_text":"%s"}}\n'
                    % (i, i, chr(97 + i % 26) * size))
        else:
            blob = base64.b64encode(os.urandom(size * 3 // 4)).decode()
            f.write('{"id":"283326e5-8ab8-497e-a7e7-%012d","label":"v_uuid","type":"vertex","properties":{"p_text":"t","p_blob":"%s"}}\n'
                    % (i, blob))
    for i in range(thin):
        f.write('{"id":"thin%d","label":"v_str","type":"vertex","properties":{"p_bool":false,"p_long":%d,"p_text":"%s"}}\n'
                % (i, i, "x" * 3000))
PY
}

R=$M/graphs/r/restore
check "r: echo RESTORING > mode" set_mode r RESTORING
check "r: cp schema.json" cp "$BK/schema.json" "$R/"
fat_file "$T/text.jsonl" text 24 9 2000
before=$(hwm_kib "$PID")
log "daemon VmHWM before: $before KiB"
check "r: cp of twenty-four 9 MiB records and 2,000 thin ones" cp "$T/text.jsonl" "$R/text.jsonl"
check "...imported, 2024/2024" status_is r text.jsonl "imported, 2024/2024 vertices"
hwm=$(hwm_kib "$PID")
log "daemon VmHWM after the fat text file: $hwm KiB"
check "...the daemon's VmHWM stayed under 64 MiB ($hwm KiB)" test "$hwm" -lt 65536
check "...the server holds the 24 fat records byte for byte" python3 - "$SRCDIR" "$SERVER" r 24 9 <<'PY'
import json, sys
sys.path.insert(0, sys.argv[1] + "/tests/integration")
from restore_check import Rest
url, g, n, mib = sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
api = Rest(url)
for i in range(n):
    v = json.loads(api.get(api.pre(g) + "/graph/vertices/%22fat" + str(i) + "%22"))
    t = v["properties"]["p_text"]
    if t != chr(97 + i % 26) * (mib << 20):
        sys.exit("fat%d: p_text of %d chars differs" % (i, len(t)))
PY
rm -f "$T/text.jsonl"

fat_file "$T/blob.jsonl" blob 12 15 0
check "r: cp of twelve 15 MiB base64 BLOBs" cp "$T/blob.jsonl" "$R/blob.jsonl"
check "...imported, 12/12" status_is r blob.jsonl "imported, 12/12 vertices"
hwm=$(hwm_kib "$PID")
log "daemon VmHWM after the BLOB file: $hwm KiB"
check "...the daemon's VmHWM stayed under 64 MiB ($hwm KiB)" test "$hwm" -lt 65536
rm -f "$T/blob.jsonl"

# a record over the limit: EFBIG, the line named, nothing imported
S=$M/graphs/s/restore
check "s: echo RESTORING > mode" set_mode s RESTORING
check "s: cp schema.json" cp "$BK/schema.json" "$S/"
fat_file "$T/over.jsonl" blob 1 17 10
( head -n 5 "$T/over.jsonl" | tail -n 4; head -n 1 "$T/over.jsonl"; tail -n 6 "$T/over.jsonl" ) >"$T/over2.jsonl"
if cp "$T/over2.jsonl" "$S/over.jsonl" 2>"$T/cp.err"; then
	not_ok "s: a 17 MiB record (default max_record_mib 16) fails the copy"
else
	ok "s: a 17 MiB record (default max_record_mib 16) fails the copy"
fi
check "...close() said File too large" grep -q "failed to close.*File too large" "$T/cp.err"
check "...restore.status names EFBIG, line 5 and the option" \
	status_grep s over.jsonl "^over.jsonl: failed, .*EFBIG: line 5: a record longer than 16 MiB; nothing imported.*max_record_mib"
check_eq "...nothing of it reached the server" "0 0" "$(server_counts s)"
check "...the daemon's VmHWM stayed under 64 MiB" test "$(hwm_kib "$PID")" -lt 65536
check "unmount" unmount_fs "$M"

mount_fs "$SERVER" "$M" -o spool_dir="$T",max_record_mib=20 || exit 1
check "with -o max_record_mib=20: the same file imports" cp "$T/over2.jsonl" "$S/over.jsonl"
check "...imported, 11/11" status_is s over.jsonl "imported, 11/11 vertices"
check_eq "...the server holds its 11 vertices" "11 0" "$(server_counts s)"
check_fails "max_record_mib=0 is refused at mount" "$HUGEGRAPHFS" -f "$SERVER" "$T/nomnt" -o max_record_mib=0
finish
