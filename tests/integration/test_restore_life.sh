#!/bin/bash
# The life of a file in restore/: pending and incomplete files hold no
# descriptor (a daemon at `ulimit -n 256` with 400 pending files still backs
# up and imports them all); a file is imported only once it is complete
# (fallocate, then blocks at shuffled offsets, one open/close each: the way
# restic restores); imported files keep their size, mtime and bytes (read
# back byte for byte; a second rsync -a and rclone copy send nothing;
# restic restore --verify passes); removing one undoes nothing; the spool
# directory goes at unmount and a killed daemon's is removed by the next.
#   test_restore_life.sh [PERSONA [BACKEND [V,E,SEED]]]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
SPEC=${3:-20011,50021,42}
log "persona $PERSONA, backend $BACKEND, graph $SPEC"
GRAPHS=(fd ooo rsy rc rs kill)
GARGS=()
for x in "${GRAPHS[@]}"; do GARGS+=(--graph "$x"); done
start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --generate "g=$SPEC" --generate "other=300,500,3" "${GARGS[@]}" ||
	exit 1
M=$T/mnt
SP=$T/spool
mkdir -p "$SP"
mount_fs "$SERVER" "$M" -o spool_dir="$SP" || exit 1
BK=$T/bk
check "backup of g through the mount" backup_set g "$BK"
IFS=, read -r V E _ <<<"$SPEC"

# spool_files: the files in this mount's restore spool directory
spool_files() { find "$SP" -mindepth 2 -type f | wc -l; }

# ---- fallocate, then blocks at shuffled offsets, each closed --------------
R=$M/graphs/ooo/restore
check "ooo: echo RESTORING > mode" set_mode ooo RESTORING
check "ooo: cp schema.json" cp "$BK/schema.json" "$R/"
check "ooo: vertices.jsonl by fallocate and shuffled 64 KiB blocks: incomplete after every close but the last" \
	python3 "$SRCDIR/tests/integration/ooo_write.py" "$BK/vertices.jsonl" "$R/vertices.jsonl" 65536 \
	"$M/graphs/ooo/restore.status"
check "...then imported, $V/$V vertices" status_is ooo vertices.jsonl "imported, $V/$V vertices"
check "ooo: edges.jsonl by 100000-byte blocks (not page-aligned)" \
	python3 "$SRCDIR/tests/integration/ooo_write.py" "$BK/edges.jsonl" "$R/edges.jsonl" 100000 \
	"$M/graphs/ooo/restore.status"
check "...then imported, $E/$E edges" status_is ooo edges.jsonl "imported, $E/$E edges"
check_eq "ooo: the server holds $V vertices and $E edges" "$V $E" "$(server_counts ooo)"
check "ooo: the imported files read back byte for byte" same_files "$BK" "$R" schema.json vertices.jsonl edges.jsonl
# a hole left open: NONE is refused while the file is incomplete
python3 - "$BK/edges.jsonl" "$R/e2.jsonl" <<'PY'
import os, sys
d = open(sys.argv[1], "rb").read()
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT, 0o644)
os.pwrite(fd, d[4096:], 4096)
os.close(fd)
PY
check "ooo: a file written from 4096 on: incomplete, 0 imported" status_is ooo e2.jsonl "incomplete, 0/0 .* none at 0"
check "ooo: summary counts it" summary_is ooo ".*1 incomplete file"
check_fails "ooo: NONE is refused while a file is incomplete" set_mode ooo NONE
check "ooo: rm of the incomplete file" rm "$R/e2.jsonl"
check "ooo: then NONE" set_mode ooo NONE

# ---- rsync -a, read back, a second rsync -a sends nothing -------------------
R=$M/graphs/rsy/restore
check "rsy: echo RESTORING > mode" set_mode rsy RESTORING
check "rsy: rsync -a of the backup set" rsync -a "$BK/" "$R/"
check "rsy: every file imported" status_all_imported rsy "" "$BK"
check "rsy: sizes and mtimes are the source's" test "$(cd "$BK" && stat -c '%n %s %Y' *)" = "$(cd "$R" && stat -c '%n %s %Y' *)"
check "rsy: the imported files read back byte for byte" same_files "$BK" "$R" schema.json vertices.jsonl edges.jsonl manifest.json
out=$(rsync -a -i --stats "$BK/" "$R/" 2>&1)
check "rsy: a second rsync -a transfers nothing" grep -q "Number of regular files transferred: 0" <<<"$out"
log "$(grep -E '^[<>ch.][f]' <<<"$out" | head -n 5)"
check "rsy: chmod 600 of an imported file" chmod 600 "$R/edges.jsonl"
check_eq "...its mode is 600" 600 "$(stat -c %a "$R/edges.jsonl")"
check "rsy: rm of an imported file" rm "$R/edges.jsonl"
check_eq "...undoes nothing: the server holds $V vertices and $E edges" "$V $E" "$(server_counts rsy)"
check "rsy: the graph holds exactly the backup's elements" same_content rsy "$BK"
check "rsy: the manifest still counts the set whole: 4/4 files" status_is rsy manifest.json "imported, 4/4 files( |$)"
check "rsy: NONE" set_mode rsy NONE

# ---- rclone copy: it reads back what it wrote --------------------------------
R=$M/graphs/rc/restore
check "rc: echo RESTORING > mode" set_mode rc RESTORING
check "rc: rclone copy of the backup set" rclone --config /dev/null copy "$BK" "$R"
check "rc: every file imported" status_all_imported rc "" "$BK"
check "rc: summary: 5 imported, 0 pending, 0 failed" summary_is rc "5 imported, 0 pending, 0 failed$"
check_eq "rc: the server holds $V vertices and $E edges" "$V $E" "$(server_counts rc)"
out=$(rclone --config /dev/null copy -v "$BK" "$R" 2>&1)
check "rc: a second rclone copy checks the 5 files" grep -qE "Checks: +5 / 5" <<<"$out"
check "...and copies none" bash -c '! grep -q "Copied" <<<"$1"' sh "$out"
check "rc: rclone check finds the copies identical" rclone --config /dev/null check "$BK" "$R"

# ---- restic restore ------------------------------------------------------------
export RESTIC_PASSWORD=test RESTIC_REPOSITORY=$T/repo
R=$M/graphs/rs/restore
if command -v restic >/dev/null; then
	check "rs: restic init and backup of the set" sh -c 'restic init -q && cd "$1" && restic backup -q .' sh "$BK"
	check "rs: echo RESTORING > mode" set_mode rs RESTORING
	check "rs: restic restore --verify into restore/" restic restore latest --verify --target "$R"
	D=$(cd "$R" && find . -name manifest.json -printf '%h\n' | head -n 1)
	D=${D#.}
	D=${D#/}
	check "rs: every file imported" status_all_imported rs "${D:+$D/}" "$BK"
	check_eq "rs: the server holds $V vertices and $E edges" "$V $E" "$(server_counts rs)"
else
	not_ok "restic is not installed (scripts/install-deps.sh installs it)"
fi

# ---- 400 pending files at ulimit -n 256 ------------------------------------------
FDM=$T/fdmnt
cat >"$T/low-nofile" <<WRAP
#!/bin/sh
ulimit -n 256 || exit 1
exec "$HUGEGRAPHFS" "\$@"
WRAP
chmod +x "$T/low-nofile"
HUGEGRAPHFS=$T/low-nofile mount_fs "$SERVER" "$FDM" -o spool_dir="$SP" || exit 1
FDPID=$LAST_DAEMON_PID
check_eq "fd: the daemon runs at ulimit -n 256" 256 "$(awk '/Max open files/ {print $4}' /proc/"$FDPID"/limits)"
mkdir -p "$T/parts"
split -n l/200 -d -a 3 --additional-suffix=.jsonl "$BK/vertices.jsonl" "$T/parts/v"
split -n l/200 -d -a 3 --additional-suffix=.jsonl "$BK/edges.jsonl" "$T/parts/w"
check "fd: echo RESTORING > mode" sh -c "echo RESTORING > '$FDM/graphs/fd/mode'"
check "fd: cp of 400 parts (200 of vertices, then 200 of edges) before the schema" \
	cp "$T"/parts/v*.jsonl "$T"/parts/w*.jsonl "$FDM/graphs/fd/restore/"
check_eq "fd: 400 pending" "summary: 0 imported, 400 pending, 0 failed" "$(tail -n 1 "$FDM/graphs/fd/restore.status")"
check "fd: the daemon holds fewer than 50 descriptors" test "$(ls /proc/"$FDPID"/fd | wc -l)" -lt 50
check "fd: a backup of another graph works meanwhile" cp -r "$FDM/graphs/other" "$T/other"
check_eq "...with its 300 vertices" 300 "$(wc -l <"$T/other/vertices.jsonl")"
check "fd: cp schema.json imports the 400" cp "$BK/schema.json" "$FDM/graphs/fd/restore/"
check_eq "fd: summary: 401 imported" "summary: 401 imported, 0 pending, 0 failed" "$(tail -n 1 "$FDM/graphs/fd/restore.status")"
check_eq "fd: the server holds exactly $V vertices and $E edges" "$V $E" "$(server_counts fd)"
check "fd: the graph holds exactly the backup's elements" same_content fd "$BK"
check "unmount of the low-limit mount" unmount_fs "$FDM"

# ---- the spool directory ------------------------------------------------------------
check "spool: the mount keeps one directory of spool files" test "$(find "$SP" -mindepth 1 -maxdepth 1 | wc -l)" -eq 1
KM=$T/killmnt
mount_fs "$SERVER" "$KM" -o spool_dir="$SP" || exit 1
KPID=$LAST_DAEMON_PID
check "kill: echo RESTORING > mode" sh -c "echo RESTORING > '$KM/graphs/kill/mode'"
check "kill: a pending file" cp "$BK/vertices.jsonl" "$KM/graphs/kill/restore/"
KDIR=$(ls -d "$SP"/hugegraphfs-restore."$KPID".*)
check "kill: its spool directory holds it" test -s "$KDIR/1"
kill -9 "$KPID"
wait "$KPID" 2>/dev/null
fusermount3 -uz "$KM" 2>/dev/null
check "kill: a daemon killed -9 leaves its spool directory" test -d "$KDIR"
mount_fs "$SERVER" "$KM" -o spool_dir="$SP" || exit 1
# the mount shows in /proc/mounts before the daemon has handled FUSE_INIT
# (where it connects, then clears old spools): the first request waits for it
check "kill: the next mount answers" ls "$KM/graphs"
check "kill: the next mount on that spool_dir removes it" test ! -e "$KDIR"
check "kill: unmount" unmount_fs "$KM"
check "unmount of the main mount" unmount_fs "$M"
check "spool: nothing is left in spool_dir after the unmounts" test -z "$(ls -A "$SP")"
finish
