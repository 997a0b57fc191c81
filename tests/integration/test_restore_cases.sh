#!/bin/bash
# Restore through a real mount, case by case: files copied one at a time in
# several orders (data before schema waits as pending; manifest first or
# last), malformed input, a truncated file against its manifest, an
# unrecognised file, content recognised without its name, NONE mode,
# temporaries and rename, a backup set in a subdirectory, shell redirection,
# cp -a, a second rsync -a and cp -r (no duplicates), rm -r, reading
# entries, a 403 from the server.  Server state is read through the REST API.
#   test_restore_cases.sh PERSONA BACKEND
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
SPEC=3001,7002,5
log "persona $PERSONA, backend $BACKEND, graph $SPEC"

GRAPHS=(o1 o2 o3 o4 o5 bad trunc1 trunc2 unrec none tmp sub redir cpa again pf bsrc blob flip whole loop pm long delay
	hole gap alien)
GARGS=()
for x in "${GRAPHS[@]}"; do GARGS+=(--graph "$x"); done
start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --generate "g=$SPEC" "${GARGS[@]}" || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
BK=$T/bk
check "backup of g through the mount" backup_set g "$BK"
IFS=, read -r V E _ <<<"$SPEC"
NS=$(schema_count "$BK")

# ---- orders ---------------------------------------------------------------
# copy_in GRAPH FILE...: cp of each file of the backup, one at a time
copy_in() {
	local g=$1 f; shift
	for f in "$@"; do
		check "$g: cp $f restore/" cp "$BK/$f" "$M/graphs/$g/restore/$f"
	done
}
for g in o1 o2 o3 o4 o5; do
	check "$g: echo RESTORING > mode" set_mode "$g" RESTORING
done

# o1: edges, vertices, then the schema
copy_in o1 edges.jsonl
check "o1: edges before any schema wait: pending, 0/$E edges" status_is o1 edges.jsonl "pending, 0/$E edges( |$)"
check_eq "o1: nothing on the server yet" "0 0" "$(server_counts o1)"
copy_in o1 vertices.jsonl
check "o1: vertices before the schema wait: pending, 0/$V vertices" status_is o1 vertices.jsonl "pending, 0/$V vertices( |$)"
check "o1: summary: 0 imported, 2 pending, 0 failed" summary_is o1 "0 imported, 2 pending, 0 failed"
copy_in o1 schema.json
check "o1: the schema's close imported the pending files too" status_all_imported o1 "" "$BK"
check "o1: summary: 3 imported, 0 pending, 0 failed" summary_is o1 "3 imported, 0 pending, 0 failed"
check_eq "o1: the server holds $V vertices and $E edges" "$V $E" "$(server_counts o1)"
check "o1: the server holds exactly the backup's elements" same_content o1 "$BK"

# o2: manifest first
copy_in o2 manifest.json schema.json vertices.jsonl edges.jsonl variables.json
check "o2 (manifest first): every file imported" status_all_imported o2 "" "$BK"
check "o2: the manifest: imported, 4/4 files" status_is o2 manifest.json "imported, 4/4 files( |$)"
check "o2: the server holds exactly the backup's elements" same_content o2 "$BK"

# o3: manifest last
copy_in o3 schema.json vertices.jsonl edges.jsonl variables.json manifest.json
check "o3 (manifest last): every file imported" status_all_imported o3 "" "$BK"
check "o3: the manifest: imported, 4/4 files" status_is o3 manifest.json "imported, 4/4 files( |$)"
check "o3: the server holds exactly the backup's elements" same_content o3 "$BK"

# o4: vertices, manifest, edges, schema
copy_in o4 vertices.jsonl manifest.json edges.jsonl variables.json
check "o4: vertices pending" status_is o4 vertices.jsonl "pending, 0/$V vertices( |$)"
check "o4: edges pending" status_is o4 edges.jsonl "pending, 0/$E edges( |$)"
copy_in o4 schema.json
check "o4 (vertices, manifest, edges, schema): every file imported" status_all_imported o4 "" "$BK"
check "o4: summary: 5 imported, 0 pending, 0 failed" summary_is o4 "5 imported, 0 pending, 0 failed"
check "o4: the server holds exactly the backup's elements" same_content o4 "$BK"

# o5: schema, edges, vertices: the edges' labels exist, so they do not wait
copy_in o5 schema.json edges.jsonl
check "o5: edges after the schema are imported at once" status_is o5 edges.jsonl "imported, $E/$E edges( |$)"
copy_in o5 vertices.jsonl
check "o5: the server holds exactly the backup's elements" same_content o5 "$BK"

# ---- malformed input --------------------------------------------------------
R=$M/graphs/bad/restore
check "bad: echo RESTORING > mode" set_mode bad RESTORING
copy_in bad schema.json
# line 3 cut in the middle of its JSON, in a file of 1200 lines
head -n 1200 "$BK/vertices.jsonl" | awk 'NR == 3 { print substr($0, 1, 40); next } { print }' >"$T/broken3.jsonl"
err=$(cp "$T/broken3.jsonl" "$R/vertices.jsonl" 2>&1); rc=$?
check "bad: a vertices.jsonl with a broken line 3 fails" test "$rc" -ne 0
check "...cp says: failed to close ...: Invalid argument" grep -q "failed to close.*Invalid argument" <<<"$err"
check "...restore.status: failed, naming line 3" status_grep bad vertices.jsonl "^vertices.jsonl: failed, .*line 3([^0-9]|$)"
check_eq "...nothing of it reached the server" "0 0" "$(server_counts bad)"
check_eq "...a failed file shows size 0 (so rsync sends it again)" 0 "$(stat -c %s "$R/vertices.jsonl")"
# a broken line after more than two batches' worth of good lines
mkdir -p "$R/late" 2>/dev/null
head -n 1200 "$BK/vertices.jsonl" | awk 'NR == 1101 { print "{\"id\": 1, \"label\": "; next } { print }' >"$T/broken1101.jsonl"
err=$(cp "$T/broken1101.jsonl" "$R/late/vertices.jsonl" 2>&1); rc=$?
check "bad: a broken line 1101 fails the file" test "$rc" -ne 0
check "...restore.status names line 1101" status_grep bad late/vertices.jsonl "^late/vertices.jsonl: failed, .*line 1101([^0-9]|$)"
check_eq "...and nothing of it reached the server (checked before the first request)" "0 0" "$(server_counts bad)"
check "bad: a line that is valid JSON but no vertex fails too" bash -c "{ head -n 2 '$BK/vertices.jsonl'; echo '[1,2,3]'; } > '$T/notvertex.jsonl'; ! cp '$T/notvertex.jsonl' '$R/nv.jsonl'"
check_eq "...nothing of it reached the server" "0 0" "$(server_counts bad)"
mkdir -p "$T/brokenset" && cp "$T/broken3.jsonl" "$T/brokenset/vertices.jsonl"
check_fails "bad: rsync -a of the broken file exits non-zero" rsync -a "$T/brokenset/" "$R/rs/"
check "...and leaves no temporary behind" bash -c "[ -z \"\$(ls -A '$R/rs' | grep '^\.')\" ]"
check_fails "bad: tar -x of the broken file exits non-zero" tar -C "$R" -xf <(tar -C "$T" -cf - brokenset)
check_eq "...nothing of them reached the server" "0 0" "$(server_counts bad)"
check "bad: the good file copied over the failed one imports" cp "$BK/vertices.jsonl" "$R/vertices.jsonl"
check "...restore.status: imported, $V/$V vertices" status_is bad vertices.jsonl "imported, $V/$V vertices( |$)"
check_eq "...the server holds $V vertices" "$V 0" "$(server_counts bad)"

# ---- a truncated file against its manifest ----------------------------------
half=$(( V / 2 ))
head -n "$half" "$BK/vertices.jsonl" >"$T/half.jsonl"
R=$M/graphs/trunc1/restore
check "trunc1: echo RESTORING > mode" set_mode trunc1 RESTORING
copy_in trunc1 manifest.json schema.json
# shorter than the manifest says: a copy still on its way, not imported
check "trunc1: manifest first, then vertices.jsonl cut to $half lines: its close succeeds" \
	cp "$T/half.jsonl" "$R/vertices.jsonl"
check "...restore.status: vertices.jsonl incomplete, short of the manifest's size" \
	status_is trunc1 vertices.jsonl "incomplete, 0/0 vertices - $(stat -c %s "$T/half.jsonl") bytes written of the $(stat -c %s "$BK/vertices.jsonl") that the manifest"
check_eq "...nothing of it reached the server" "0 0" "$(server_counts trunc1)"
check_fails "...NONE is refused while it is incomplete" set_mode trunc1 NONE
head -c $(( $(stat -c %s "$BK/edges.jsonl") / 2 )) "$BK/edges.jsonl" >"$T/halfedges.jsonl"
check "trunc1: edges.jsonl cut in the middle of a line: incomplete" cp "$T/halfedges.jsonl" "$R/edges.jsonl"
check "...restore.status: edges.jsonl incomplete" status_is trunc1 edges.jsonl "incomplete, "
check_eq "...nothing of it reached the server" "0 0" "$(server_counts trunc1)"
cat "$T/half.jsonl" "$T/half.jsonl" >"$T/longer.jsonl"
err=$(cp "$T/longer.jsonl" "$R/vertices.jsonl" 2>&1); rc=$?
check "trunc1: a vertices.jsonl longer than the manifest says: fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status: vertices.jsonl failed" status_is trunc1 vertices.jsonl "failed, "
check_eq "...nothing of it reached the server" "0 0" "$(server_counts trunc1)"
check "trunc1: the complete files then import" cp "$BK/vertices.jsonl" "$BK/edges.jsonl" "$R/"
check_eq "...the server holds $V vertices and $E edges" "$V $E" "$(server_counts trunc1)"

R=$M/graphs/trunc2/restore
check "trunc2: echo RESTORING > mode" set_mode trunc2 RESTORING
copy_in trunc2 schema.json
check "trunc2: without a manifest, a file cut at a line end imports" cp "$T/half.jsonl" "$R/vertices.jsonl"
check_eq "...its $half vertices are on the server" "$half 0" "$(server_counts trunc2)"
err=$(cp "$BK/manifest.json" "$R/manifest.json" 2>&1); rc=$?
check "trunc2: the manifest arriving afterwards fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status: the manifest failed, naming vertices.jsonl" status_grep trunc2 manifest.json "^manifest.json: failed, .*vertices\.jsonl"
log "$(status_line trunc2 manifest.json)"

# ---- unrecognised file; a file recognised by its content -------------------------
R=$M/graphs/unrec/restore
check "unrec: echo RESTORING > mode" set_mode unrec RESTORING
printf 'some notes\nabout this backup\n' >"$T/notes.txt"
err=$(cp "$T/notes.txt" "$R/notes.txt" 2>&1); rc=$?
check "unrec: an unrecognised file fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status: notes.txt failed" status_is unrec notes.txt "failed, "
copy_in unrec schema.json
check "unrec: part1.jsonl holding vertices is recognised by content" cp "$BK/vertices.jsonl" "$R/part1.jsonl"
check "...restore.status: imported, $V/$V vertices" status_is unrec part1.jsonl "imported, $V/$V vertices( |$)"
check "unrec: data.txt holding edges is recognised by content" cp "$BK/edges.jsonl" "$R/data.txt"
check "...restore.status: imported, $E/$E edges" status_is unrec data.txt "imported, $E/$E edges( |$)"
check "unrec: a schema named backup-schema is recognised by content" cp "$BK/schema.json" "$R/backup-schema"
check "...restore.status: imported, $NS/$NS elements" status_is unrec backup-schema "imported, $NS/$NS elements( |$)"
check "unrec: the server holds exactly the backup's elements" same_content unrec "$BK"
check "unrec: summary: 4 imported, 0 pending, 1 failed" summary_is unrec "4 imported, 0 pending, 1 failed"

# ---- NONE mode ------------------------------------------------------------------
R=$M/graphs/none/restore
check_eq "none: the graph is in NONE" NONE "$(cat "$M/graphs/none/mode")"
err=$(cp "$BK/schema.json" "$R/schema.json" 2>&1); rc=$?
check "none: creating a file in restore/ fails" test "$rc" -ne 0
check "...at once, with Operation not permitted" grep -q "cannot create.*Operation not permitted" <<<"$err"
err=$(mkdir "$R/set" 2>&1); rc=$?
check "none: mkdir in restore/ fails" test "$rc" -ne 0
check "...with Operation not permitted" grep -q "Operation not permitted" <<<"$err"
check "none: restore.status says: refused: write RESTORING or MERGING to mode first" \
	bash -c "grep '^refused: ' '$M/graphs/none/restore.status' | grep RESTORING | grep MERGING | grep -q mode"
log "$(grep '^refused: ' "$M/graphs/none/restore.status")"
check_eq "none: restore/ stays empty" "" "$(ls -A "$R")"
check_eq "none: nothing reached the server" "0 0" "$(server_counts none)"
check "none: after echo RESTORING > mode, cp -r works" bash -c "echo RESTORING > '$M/graphs/none/mode' && cp -r '$BK/.' '$R/'"
check "none: every file imported" status_all_imported none "" "$BK"

# ---- temporaries and rename ----------------------------------------------------------
R=$M/graphs/tmp/restore
check "tmp: echo RESTORING > mode" set_mode tmp RESTORING
copy_in tmp schema.json
check "tmp: writing .vertices.jsonl.Xy12Ab (a temporary) succeeds" cp "$BK/vertices.jsonl" "$R/.vertices.jsonl.Xy12Ab"
check_eq "...and imports nothing" "0 0" "$(server_counts tmp)"
check "tmp: mv of the temporary onto vertices.jsonl imports it" mv "$R/.vertices.jsonl.Xy12Ab" "$R/vertices.jsonl"
check "...restore.status: imported, $V/$V vertices" status_is tmp vertices.jsonl "imported, $V/$V vertices( |$)"
check_eq "...the server holds $V vertices" "$V 0" "$(server_counts tmp)"
head -n 1200 "$BK/edges.jsonl" | awk 'NR == 3 { print substr($0, 1, 40); next } { print }' >"$T/broken3e.jsonl"
check "tmp: a broken temporary is written" cp "$T/broken3e.jsonl" "$R/.edges.jsonl.Qq0000"
err=$(python3 -c 'import os, sys; os.rename(sys.argv[1], sys.argv[2])' "$R/.edges.jsonl.Qq0000" "$R/edges.jsonl" 2>&1); rc=$?
check "tmp: rename(2) of it onto edges.jsonl fails: the rename returns the import's result" test "$rc" -ne 0
check "...with EINVAL (Invalid argument)" grep -q "Errno 22" <<<"$err"
check "...restore.status: edges.jsonl failed, naming line 3" status_grep tmp edges.jsonl "^edges.jsonl: failed, .*line 3([^0-9]|$)"
check_eq "...and the server is unchanged" "$V 0" "$(server_counts tmp)"
# mv tries renameat2(RENAME_NOREPLACE) first and takes EINVAL for "flag not
# supported", so its message is misleading; its exit status is right
check "tmp: a broken temporary again" cp "$T/broken3e.jsonl" "$R/.edges.jsonl.Rr1111"
check_fails "tmp: mv of it onto edges.jsonl exits non-zero" mv "$R/.edges.jsonl.Rr1111" "$R/edges.jsonl"
check_eq "...and the server is unchanged" "$V 0" "$(server_counts tmp)"
check "tmp: rm of the leftovers" rm -rf "$R/.edges.jsonl.Qq0000" "$R/.edges.jsonl.Rr1111" "$R/edges.jsonl"

# ---- a backup set in a subdirectory --------------------------------------------------
R=$M/graphs/sub/restore
check "sub: echo RESTORING > mode" set_mode sub RESTORING
check "sub: cp -r backupdir restore/ (one set in restore/bk/)" cp -r "$BK" "$R/"
check "sub: bk/'s files imported with exact counts" status_all_imported sub bk/ "$BK"
check "sub: bk/manifest.json: imported, 4/4 files" status_is sub bk/manifest.json "imported, 4/4 files( |$)"
check "sub: the server holds exactly the backup's elements" same_content sub "$BK"
check "sub: a second set at depth 2 (deep/er/) imports too" bash -c "mkdir -p '$R/deep/er' && cp '$BK'/* '$R/deep/er/'"
check "sub: deep/er/ files imported with exact counts" status_all_imported sub deep/er/ "$BK"
check_eq "sub: no duplicates on the server" "$V $E" "$(server_counts sub)"
check "sub: rm -r restore/bk" rm -r "$R/bk"
check "...forgets its entries and status lines" bash -c "! grep -q '^bk/' '$M/graphs/sub/restore.status' && [ ! -e '$R/bk' ]"
check_eq "...and changes nothing on the server" "$V $E" "$(server_counts sub)"

# ---- shell redirection ------------------------------------------------------------------
R=$M/graphs/redir/restore
check "redir: echo RESTORING > mode" set_mode redir RESTORING
for f in schema.json vertices.jsonl edges.jsonl; do
	check "redir: cat $f > restore/$f" bash -c "cat '$BK/$f' > '$R/$f'"
done
check "redir: every file imported" status_all_imported redir "" "$BK"
check "redir: the server holds exactly the backup's elements" same_content redir "$BK"
err=$(bash -c "cat '$T/broken3.jsonl' > '$R/more.jsonl'" 2>&1); rc=$?
check "redir: cat of a broken file > restore/more.jsonl exits non-zero (cat sees the close fail)" test "$rc" -ne 0

# ---- cp -a (times, modes), a second rsync -a and cp -r, rm -r ------------------------------
R=$M/graphs/cpa/restore
check "cpa: echo RESTORING > mode" set_mode cpa RESTORING
touch -d '2020-02-02 02:02:02' "$BK"/*
chmod 640 "$BK/vertices.jsonl"
check "cpa: cp -a backup/. restore/ succeeds (times, modes, owners set)" cp -a "$BK/." "$R/"
check "cpa: every file imported" status_all_imported cpa "" "$BK"
for f in schema.json vertices.jsonl edges.jsonl variables.json manifest.json; do
	check_eq "cpa: ls shows $f with the size and mtime copied, also once imported" "$(stat -c '%s %Y' "$BK/$f")" "$(stat -c '%s %Y' "$R/$f")"
done
check_eq "cpa: ls shows the mode copied (640)" 640 "$(stat -c %a "$R/vertices.jsonl")"
check "cpa: chmod and touch of an imported entry succeed" bash -c "chmod 600 '$R/schema.json' && touch '$R/schema.json'"
check "cpa: an imported entry reads back as it was written" cmp "$BK/schema.json" "$R/schema.json"
check_eq "cpa: the server holds $V vertices and $E edges" "$V $E" "$(server_counts cpa)"

R=$M/graphs/again/restore
check "again: echo RESTORING > mode" set_mode again RESTORING
check "again: rsync -a backup/ restore/" rsync -a "$BK/" "$R/"
check "again: every file imported" status_all_imported again "" "$BK"
counts=$(server_counts again)
check_eq "again: the server holds $V vertices and $E edges" "$V $E" "$counts"
out=$(rsync -a --stats "$BK/" "$R/" 2>&1); rc=$?
check "again: a second identical rsync -a succeeds" test "$rc" -eq 0
check "...and sends nothing (imported entries keep their size and mtime)" grep -q "Number of regular files transferred: 0" <<<"$out"
check_eq "...the server's counts are unchanged" "$counts" "$(server_counts again)"
check "again: a second cp -r backup/. restore/ succeeds" cp -r "$BK/." "$R/"
check "...every file imported again" status_all_imported again "" "$BK"
check "...summary: 5 imported, 0 pending, 0 failed" summary_is again "5 imported, 0 pending, 0 failed"
check_eq "...the server's counts are unchanged (no duplicates)" "$counts" "$(server_counts again)"
check "again: the server holds exactly the backup's elements" same_content again "$BK"
check "again: rm -r restore/*" rm -r "$R"/*
check_eq "...restore/ is empty" "" "$(ls -A "$R")"
check "...restore.status has no file line left" bash -c "! grep -v -e '^summary: ' -e '^refused: ' '$M/graphs/again/restore.status' | grep -q ."
check "...summary: 0 imported, 0 pending, 0 failed" summary_is again "0 imported, 0 pending, 0 failed"
check_eq "...and the server is unchanged" "$counts" "$(server_counts again)"

# ---- a pending file that the server then refuses: the schema's close fails -------------------
R=$M/graphs/pf/restore
check "pf: echo RESTORING > mode" set_mode pf RESTORING
# an INT property that is not a number: the server answers 400
python3 - "$BK/vertices.jsonl" "$T/badvalue.jsonl" <<'PY'
import sys, re
lines = open(sys.argv[1], encoding="utf-8").read().splitlines(True)
for n, l in enumerate(lines):
    if '"p_int":' in l:
        lines[n] = re.sub(r'"p_int":-?\d+', '"p_int":"not a number"', l, count=1)
        break
open(sys.argv[2], "w", encoding="utf-8").writelines(lines[:600])
PY
check "pf: vertices with a refused value, before the schema: close succeeds (pending)" cp "$T/badvalue.jsonl" "$R/vertices.jsonl"
check "...restore.status: pending" status_is pf vertices.jsonl "pending, "
err=$(cp "$BK/schema.json" "$R/schema.json" 2>&1); rc=$?
check "pf: the schema's close fails when the pending import fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status: schema.json imported" status_is pf schema.json "imported, $NS/$NS elements( |$)"
check "...restore.status: vertices.jsonl failed" status_is pf vertices.jsonl "failed, "
log "$(status_line pf vertices.jsonl)"

# ---- the mode changes between create and close: EPERM at close ---------------------------------
check "flip: echo RESTORING > mode" set_mode flip RESTORING
check "flip: a file created in RESTORING, closed after the mode went back to NONE, fails with EPERM" \
	python3 - "$BK/schema.json" "$M/graphs/flip/restore/schema.json" "$SERVER" <<'PY'
import errno, os, sys
sys.path.insert(0, os.environ["SRCDIR"] + "/tests/integration")
from restore_check import Rest
src, dst, url = sys.argv[1:]
fd = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
os.write(fd, open(src, "rb").read())
# in this process: a fork+exec would close (and so flush) fd before the mode changes
api = Rest(url)
api.send("PUT", api.pre("flip") + "/mode", "NONE")
try:
    os.close(fd)
except OSError as e:
    assert e.errno == errno.EPERM, e
else:
    raise SystemExit("close() succeeded")
PY
check "...restore.status: schema.json failed" status_is flip schema.json "failed, "
log "$(status_line flip schema.json)"
check_eq "...nothing reached the server" "0 0" "$(server_counts flip)"

# ---- BLOB values whose base64 text begins with "0x" ---------------------------------------------
# The server prints BLOBs as base64 and reads a string starting with "0x" as
# hex: sent back as printed, "0xT1" is refused and "0x00" silently becomes
# another value (and another PRIMARY_KEY id).  A restore must keep the bytes.
check "bsrc: a graph of such BLOB values built through the REST API" $RESTORE_CHECK build "$SERVER" bsrc blob
check "bsrc: backup through the mount" backup_set bsrc "$T/bblob"
check "blob: echo RESTORING > mode" set_mode blob RESTORING
check "blob: cp -r backup/. restore/" cp -r "$T/bblob/." "$M/graphs/blob/restore/"
check "blob: every file imported" status_all_imported blob "" "$T/bblob"
check "blob: the server holds exactly the backup's elements (the same bytes)" same_content blob "$T/bblob"

# ---- one file written by several processes through one descriptor ---------------------------
check "loop: echo RESTORING > mode" set_mode loop RESTORING
check "loop: cp schema.json" cp "$BK/schema.json" "$M/graphs/loop/restore/schema.json"
half=$(( V / 2 ))
head -n "$half" "$BK/vertices.jsonl" >"$T/p1"
tail -n +"$(( half + 1 ))" "$BK/vertices.jsonl" >"$T/p2"
check "loop: for f in p1 p2; do cat \$f; done > restore/vertices.jsonl" \
	bash -c "for f in '$T/p1' '$T/p2'; do cat \"\$f\"; done >'$M/graphs/loop/restore/vertices.jsonl'"
check "...the last close imported the whole file: imported, $V/$V vertices" status_is loop vertices.jsonl "imported, $V/$V vertices( |$)"
check_eq "...the server holds all $V vertices" "$V 0" "$(server_counts loop)"

# ---- a file waiting for its schema that its manifest then refuses ------------------------------
check "pm: echo RESTORING > mode" set_mode pm RESTORING
head -n "$(( E - 10 ))" "$BK/edges.jsonl" >"$T/pm_edges.jsonl"
check "pm: cp of edges.jsonl without its last 10 lines: pending" cp "$T/pm_edges.jsonl" "$M/graphs/pm/restore/edges.jsonl"
check "...pending" status_is pm edges.jsonl "pending, "
err=$(cp "$BK/manifest.json" "$M/graphs/pm/restore/manifest.json" 2>&1); rc=$?
check "pm: then the manifest: its close fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status: edges.jsonl failed against the manifest, nothing imported" \
	status_grep pm edges.jsonl "^edges.jsonl: failed, .*manifest.*nothing imported"
check "...and the manifest's line names edges.jsonl" status_grep pm manifest.json "edges.jsonl"
check "pm: cp schema.json and vertices.jsonl" cp "$BK/schema.json" "$BK/vertices.jsonl" "$M/graphs/pm/restore/"
check_eq "...the server holds the vertices and no edge" "$V 0" "$(server_counts pm)"

# ---- long names the graph lacks: the pending message stays bounded -------------------------------
check "long: echo RESTORING > mode" set_mode long RESTORING
python3 - >"$T/long.jsonl" <<'PY'
import json
props = {("p%d_" % i) + "x" * 90: i for i in range(12)}
print(json.dumps({"id": 1, "label": "person_with_a_rather_long_label_name_" + "y" * 60, "type": "vertex",
                  "properties": props}, separators=(",", ":")))
PY
check "long: cp of a vertices file with 12 long unknown property keys: pending" \
	cp "$T/long.jsonl" "$M/graphs/long/restore/vertices.jsonl"
check "...restore.status: pending, with 'and 5 more'" status_grep long vertices.jsonl "^vertices.jsonl: pending, .* and 5 more"

# ---- rsync --delay-updates: .~tmp~/NAME, then renamed into place --------------------------------
check "delay: echo RESTORING > mode" set_mode delay RESTORING
check "delay: rsync -a --delay-updates backup/ restore/" rsync -a --delay-updates "$BK/" "$M/graphs/delay/restore/"
check "...every file imported under its final name" status_all_imported delay "" "$BK"
check "...nothing imported under .~tmp~" bash -c "! grep -q '^\.~tmp~' '$M/graphs/delay/restore.status'"
check "delay: the server holds exactly the backup's elements" same_content delay "$BK"

# ---- a whole graph directory as cp -r copied it (with mode, restore/, restore.status, export.status)
check "whole: cp -r of the graph directory, kept as it is" cp -r "$M/graphs/g" "$T/whole"
check "...it holds mode, restore/, restore.status and export.status too" test -f "$T/whole/mode" -a -d "$T/whole/restore" -a -f "$T/whole/restore.status" -a -f "$T/whole/export.status"
check "whole: echo RESTORING > mode" set_mode whole RESTORING
check "whole: cp -r whole/. restore/ succeeds" cp -r "$T/whole/." "$M/graphs/whole/restore/"
check "...the backup's mode file is skipped" status_is whole mode "skipped, "
check "...its restore.status is skipped" status_is whole restore.status "skipped, "
check "...its export.status is skipped" status_is whole export.status "skipped, "
check "...summary: 5 imported, 0 pending, 0 failed, 3 skipped" summary_is whole "5 imported, 0 pending, 0 failed, 3 skipped"
check_eq "...the graph's mode is still RESTORING" RESTORING "$(cat "$M/graphs/whole/mode")"
check "...the server holds exactly the backup's elements" same_content whole "$BK"
check "whole: a cp -r of the restored graph directory succeeds (restore/ entries keep their bytes)" \
	cp -r "$M/graphs/whole" "$T/whole2"
check "...restore/vertices.jsonl came out as it was written" cmp "$BK/vertices.jsonl" "$T/whole2/restore/vertices.jsonl"
check "whole: tar of the graph directory succeeds (restore.status stays put while read)" \
	tar -C "$M/graphs" -cf "$T/whole.tar" whole

# ---- sets that are not whole: never reported as a success ------------------------------------
# an emptied data file in a set with a manifest: its close fails, nothing of it imported
mkdir -p "$T/holeset"
cp "$BK"/* "$T/holeset/" && : >"$T/holeset/vertices.jsonl"
check "hole: echo RESTORING > mode" set_mode hole RESTORING
check_fails "hole: cp -r of a set whose vertices.jsonl was emptied fails" cp -r "$T/holeset/." "$M/graphs/hole/restore/"
check "...restore.status: vertices.jsonl failed, empty but the manifest says otherwise" \
	status_is hole vertices.jsonl "failed, 0/0 vertices - EINVAL: empty, but its size 0 differs from the manifest's"
check_eq "...the server holds no vertex" "0" "$(server_counts hole | cut -d' ' -f1)"
check_fails "...and no summary line says the set is complete" summary_is hole "[0-9]+ imported, 0 pending, 0 failed"

# a set whose manifest lists a file that never arrives: NONE is refused (EBUSY)
mkdir -p "$T/gapset"
cp "$BK/schema.json" "$BK/vertices.jsonl" "$BK/variables.json" "$BK/manifest.json" "$T/gapset/"
check "gap: echo RESTORING > mode" set_mode gap RESTORING
check "gap: cp -r of a set without edges.jsonl (cp cannot know)" cp -r "$T/gapset/." "$M/graphs/gap/restore/"
check "...restore.status: the manifest says 3/4 files and names the missing one" \
	status_is gap manifest.json "imported, 3/4 files - the set is incomplete: edges.jsonl not arrived"
check "...the summary counts an incomplete set" summary_is gap "4 imported, 0 pending, 0 failed, 1 incomplete set"
err=$(bash -c "echo NONE > '$M/graphs/gap/mode'" 2>&1)
check "...echo NONE > mode fails: Device or resource busy" grep -q "Device or resource busy" <<<"$err"
check_eq "...the graph stays in RESTORING" RESTORING "$(cat "$M/graphs/gap/mode")"
check "...restore.status says why" grep -q "^refused: NONE while restore/ is unfinished: the set of manifest.json is incomplete (edges.jsonl not arrived)" "$M/graphs/gap/restore.status"
check "gap: cp of the missing edges.jsonl" cp "$BK/edges.jsonl" "$M/graphs/gap/restore/"
check "...the set is whole: 4/4 files" status_is gap manifest.json "imported, 4/4 files"
check "...echo NONE > mode now works" set_mode gap NONE
check "...and the refusal is gone from restore.status" bash -c "! grep -q '^refused: NONE' '$M/graphs/gap/restore.status'"
check_eq "gap: the server holds the whole backup" "$V $E" "$(server_counts gap)"

# a data file whose label no schema has, in a set with its schema: pending,
# NONE refused meanwhile; the schema's close fails naming the label
mkdir -p "$T/alienset"
cp "$BK/schema.json" "$T/alienset/"
printf '%s\n' '{"id":"zz-1","label":"alien","type":"vertex","properties":{}}' >"$T/alienset/vertices.jsonl"
check "alien: echo RESTORING > mode" set_mode alien RESTORING
check "alien: cp of vertices.jsonl with an unknown label (pending)" cp "$T/alienset/vertices.jsonl" "$M/graphs/alien/restore/"
check "...restore.status: pending" status_is alien vertices.jsonl "pending, "
check_fails "...echo NONE > mode fails while a file is pending" bash -c "echo NONE > '$M/graphs/alien/mode'"
err=$(cp "$T/alienset/schema.json" "$M/graphs/alien/restore/" 2>&1); rc=$?
check "alien: the close of its own set's schema.json fails" test "$rc" -ne 0
check "...with Invalid argument" grep -q "Invalid argument" <<<"$err"
check "...restore.status: vertices.jsonl failed, naming the label" \
	status_is alien vertices.jsonl "failed, .*the schema of its own set \(schema.json\) was imported and the graph has no vertex label 'alien'"
check "...and the schema itself was imported" status_is alien schema.json "imported, $NS/$NS elements"
check "...echo NONE > mode works once nothing waits" set_mode alien NONE

# a pending file at unmount: the log names it
check "alien: echo RESTORING > mode" set_mode alien RESTORING
check "alien: a pending file under another name" cp "$T/alienset/vertices.jsonl" "$M/graphs/alien/restore/later.jsonl"

check "unmount is clean" unmount_fs "$M"
check "the unmount logged the pending file it discarded" grep -q "graph alien: unmount discards restore/later.jsonl (pending" "$M.log"
stop_server "$LAST_SERVER_PID"

# ---- a server that takes fewer than 500 elements a batch; gzip-compressed batches ----------------
start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --batch-max 120 --graph small || exit 1
mount_fs "$SERVER" "$M" -o spool_dir="$T",gzip || exit 1
check "small: echo RESTORING > mode" set_mode small RESTORING
check "small (-o gzip, server limit 120): cp -r backup/. restore/ succeeds" cp -r "$BK/." "$M/graphs/small/restore/"
check "...every file imported with its exact count" status_all_imported small "" "$BK"
check "...the daemon learnt the server's limit" grep -q "the server takes at most 120 elements a batch" "$M.log"
check "...the server holds exactly the backup's elements" same_content small "$BK"
check "unmount is clean" unmount_fs "$M"
stop_server "$LAST_SERVER_PID"

# ---- a user who may read but not write: EACCES ------------------------------------------------
if [ -n "${HGFS_REAL:-}" ]; then
	log "no reader user on the real server (it cannot create users on Java 17)"
	finish
fi
start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --graph w --auth admin:secret --reader viewer:look || exit 1
curl -s -u admin:secret -X PUT -H 'Content-Type: application/json' --data '"RESTORING"' "$SERVER/graphs/w/mode" >/dev/null
HUGEGRAPH_PASSWORD=look mount_fs "$SERVER" "$M" -o user=viewer,spool_dir="$T" || exit 1
err=$(cp "$BK/schema.json" "$M/graphs/w/restore/schema.json" 2>&1); rc=$?
check "403 from the server: the close fails" test "$rc" -ne 0
check "...with Permission denied" grep -q "Permission denied" <<<"$err"
check "...restore.status: failed" status_is w schema.json "failed, "
log "$(status_line w schema.json)"
check "unmount is clean" unmount_fs "$M"
finish
