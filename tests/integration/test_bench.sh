#!/bin/bash
# The benchmark's scenarios (bench/) at small scale, as a correctness test,
# on both personas (1.7/rocksdb: paged scans; 1.3/memory: unpaged scans, an
# open last shard): the raw parallel baseline (bench/rawscan) writes the
# mount's files byte for byte; the naive list loop the same lines; restores
# through the mount and through the raw baseline (bench/restore_prep.py +
# bench/raw_restore.sh) give the exact counts and the original backup back
# (a BLOB value whose base64 starts with "0x" included); a second read of a
# snapshot and the daemon's spool file hold the first read's bytes; repeated
# backups with different parallelism are byte-identical.  Then bench/run.sh
# --quick runs whole, and fails when its baseline's output differs.
#   test_bench.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

RAWSCAN=${RAWSCAN:-$SRCDIR/build/bench/rawscan}
BENCH=$SRCDIR/bench
V=25000 E=60001 # memory: 3 vertex shards and an open last one, likewise for edges
BLOB_ID=5b3c0f00-0000-4000-8000-00000000b10b

# graph_url GRAPH: the base URL of GRAPH on $SERVER for $PERSONA.
graph_url() {
	if [ "$PERSONA" = 1.7 ]; then echo "$SERVER/graphspaces/DEFAULT/graphs/$1"; else echo "$SERVER/graphs/$1"; fi
}

# rest_counts GRAPH: "VERTICES EDGES" read through the REST API by rawscan.
rest_counts() { "$RAWSCAN" --count "$SERVER" "$1"; }

# spool_copy FILE OUT: copies the daemon's spool file of the same size as
# FILE (found among /proc/PID/fd, as bench/run.sh finds it) to OUT.
spool_copy() {
	local size fd
	size=$(stat -c %s "$1")
	for fd in /proc/"$LAST_DAEMON_PID"/fd/*; do
		[ "$(stat -L -c '%F %s' "$fd" 2>/dev/null)" = "regular file $size" ] || continue
		cat "$fd" >"$2"
		return
	done
	echo "no spool file of $size bytes"
	return 1
}

scenario() {
	PERSONA=$1 BACKEND=$2
	local p=$PERSONA-$BACKEND legacy=
	[ "$PERSONA" = 1.3 ] && legacy=--legacy
	log "persona $PERSONA, backend $BACKEND, graph $V,$E"
	start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --generate "g=$V,$E,7" \
		--graph r_mount --graph r_raw || exit 1
	local srv=$LAST_SERVER_PID
	# a BLOB value whose base64 starts with 0x (the server reads "0x..." as hex)
	check "$p: a vertex with the BLOB bytes d3 1c af e0 is created" \
		curl -sS --fail -H 'Content-Type: application/json' -o /dev/null \
		-d "{\"label\":\"v_uuid\",\"id\":\"$BLOB_ID\",\"properties\":{\"p_text\":\"blob\",\"p_blob\":\"0xd31cafe0\"}}" \
		"$(graph_url g)/graph/vertices"
	local nv=$((V + 1))

	M=$T/mnt.$p
	mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
	check "$p: backup with cp -r through the mount" backup_set g "$T/bk.$p"
	local B=$T/bk.$p
	check_eq "$p: the backup holds $nv vertices" "$nv" "$(wc -l <"$B/vertices.jsonl")"
	check_eq "$p: the backup holds $E edges" "$E" "$(wc -l <"$B/edges.jsonl")"
	check "$p: the BLOB value is printed as base64 starting with 0x" grep -q '"p_blob":"0xyv4A=="' "$B/vertices.jsonl"

	# a second read of the snapshot, and its spool file
	check "$p: first cat of vertices.jsonl" cp "$M/graphs/g/vertices.jsonl" "$T/read1"
	check "$p: second cat of vertices.jsonl" cp "$M/graphs/g/vertices.jsonl" "$T/read2"
	check "$p: the second read returns the first read's bytes" cmp "$T/read1" "$T/read2"
	check "$p: ...which are the backup's" cmp "$T/read1" "$B/vertices.jsonl"
	check "$p: the daemon's spool file (found by size in /proc/PID/fd) holds the same bytes" \
		spool_copy "$T/read1" "$T/read_spool"
	check "$p: ...byte for byte" cmp "$T/read1" "$T/read_spool"
	rm -f "$T/read1" "$T/read2" "$T/read_spool"
	check "$p: unmount" unmount_fs "$M"

	# repeated backups, other parallelism: the same bytes
	local par
	for par in 1 8; do
		mount_fs "$SERVER" "$M" -o spool_dir="$T" -o parallel=$par || exit 1
		check "$p: backup again from a fresh mount with -o parallel=$par" backup_set g "$T/bk_again"
		check "$p: ...byte-identical to the first (vertices, edges, schema)" \
			same_files "$B" "$T/bk_again" vertices.jsonl edges.jsonl schema.json
		rm -rf "$T/bk_again"
		check "$p: unmount" unmount_fs "$M"
	done

	# the raw parallel baseline
	check "$p: rawscan (4 in flight)" "$RAWSCAN" "$SERVER" g "$T/raw"
	check "$p: rawscan's vertices.jsonl and edges.jsonl are the mount's byte for byte" \
		same_files "$B" "$T/raw" vertices.jsonl edges.jsonl
	rm -rf "$T/raw"
	if [ "$BACKEND" = rocksdb ]; then
		check "$p: rawscan -p 3 with pages of 997 elements" "$RAWSCAN" -p 3 --page-limit 997 "$SERVER" g "$T/raw"
	else
		check "$p: rawscan -p 7 (memory: unpaged, the open last shard closed)" "$RAWSCAN" -p 7 "$SERVER" g "$T/raw"
	fi
	check "$p: ...the mount's bytes again" same_files "$B" "$T/raw" vertices.jsonl edges.jsonl
	rm -rf "$T/raw"
	check_eq "$p: rawscan --count" "$nv $E" "$(rest_counts g)"

	# the naive list loop
	check "$p: the naive list loop (limit 500)" "$BENCH/naive_backup.sh" "$(graph_url g)" "$T/naive" 500
	local f
	for f in vertices.jsonl edges.jsonl; do
		check "$p: the naive loop's $f has the mount's lines" \
			cmp <(LC_ALL=C sort "$B/$f") <(LC_ALL=C sort "$T/naive/$f")
	done
	rm -rf "$T/naive"

	# restore through the mount
	mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
	check "$p: echo RESTORING > r_mount/mode" set_mode r_mount RESTORING
	check "$p: cp -r backup/. r_mount/restore/" cp -r "$B/." "$M/graphs/r_mount/restore/"
	check "$p: restore.status: 5 imported" summary_is r_mount "5 imported, 0 pending, 0 failed"
	check_eq "$p: the graph restored through the mount holds $nv vertices and $E edges" \
		"$nv $E" "$(rest_counts r_mount)"
	check "$p: echo NONE > r_mount/mode" set_mode r_mount NONE
	check "$p: backup of the restored graph" backup_set r_mount "$T/back"
	check "$p: ...byte-identical to the original backup (vertices, edges, schema)" \
		same_files "$B" "$T/back" vertices.jsonl edges.jsonl schema.json
	rm -rf "$T/back"
	check "$p: unmount" unmount_fs "$M"

	# the raw restore baseline
	check "$p: restore_prep.py prepares the batches" python3 "$BENCH/restore_prep.py" $legacy "$B" "$T/prep"
	check_eq "$p: ...counts" "$nv $E $(schema_count "$B")" "$(cat "$T/prep/counts")"
	check "$p: ...the BLOB value is sent as the hex of its bytes" grep -q '"p_blob":"0xd31cafe0"' -r "$T/prep/batches"
	check "$p: PUT r_raw mode RESTORING" curl -sS --fail -X PUT -H 'Content-Type: application/json' \
		-d '"RESTORING"' -o /dev/null "$(graph_url r_raw)/mode"
	check "$p: raw_restore.sh (curl -Z, 4 in flight)" "$BENCH/raw_restore.sh" "$T/prep" "$(graph_url r_raw)" 4
	check_eq "$p: the graph restored by raw_restore.sh holds $nv vertices and $E edges" \
		"$nv $E" "$(rest_counts r_raw)"
	check "$p: rawscan of it" "$RAWSCAN" "$SERVER" r_raw "$T/raw"
	check "$p: ...the original backup's bytes (the BLOB value included)" \
		same_files "$B" "$T/raw" vertices.jsonl edges.jsonl
	rm -rf "$T/raw" "$T/prep" "$B"
	stop_server "$srv"
}

scenario 1.7 rocksdb
scenario 1.3 memory

# the whole driver, small; it must fail when a baseline's output differs
BUILD=$(cd "$(dirname "$HGSERVER")/../.." && pwd)
# run_quick ARGS...: bench/run.sh --quick ARGS; the table in $T/run.out
run_quick() {
	env BUILD_DIR="$BUILD" RAWSCAN="$RAWSCAN" "$BENCH/run.sh" --quick --no-build --port-base 0 "$@" \
		>"$T/run.out" 2>"$T/run.err" || { tail -n 20 "$T/run.err"; return 1; }
}
check "bench/run.sh --quick (1.3/memory) succeeds" run_quick --persona 1.3 --backend memory --naive-limit 2000
check_eq "...its table has the 11 rows" 11 "$(grep -c '^| 5.0k/15.0k |' "$T/run.out")"
check "...and a PASS or MISS for each mount row" \
	test "$(grep -E '^\| .*(cp -r|2nd cat|server:).*\| (PASS|MISS) \|$' "$T/run.out" | wc -l)" -eq 5
cat >"$T/bad_rawscan" <<EOF
#!/bin/bash
"$RAWSCAN" "\$@" || exit
[ -f "\${@: -1}/edges.jsonl" ] && echo '{}' >>"\${@: -1}/edges.jsonl"
exit 0
EOF
chmod +x "$T/bad_rawscan"
run_bad() {
	env BUILD_DIR="$BUILD" RAWSCAN="$T/bad_rawscan" "$BENCH/run.sh" --quick --no-build --port-base 0 \
		--naive-runs 0 >"$T/bad.out" 2>"$T/bad.err"
}
check_fails "bench/run.sh fails when rawscan's edges.jsonl differs from the mount's" run_bad
check "...and says why" grep -q "FAILED: rawscan's files differ from the mount's" "$T/bad.err"
finish
