#!/bin/bash
# Restore round trips through a real mount: a generated graph (every id
# strategy and data type) is backed up with cp -r, restored into empty graphs
# in RESTORING mode with cp -r, rsync -a, rsync --inplace and tar -x, and
# backed up again: vertices.jsonl, edges.jsonl and schema.json come out byte
# for byte as the original backup, the manifests agree in counts and files.
#   test_restore.sh PERSONA BACKEND V,E[,SEED]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
SPEC=${3:-20011,50021,42}
METHODS=(cp rsync inplace tar)
log "persona $PERSONA, backend $BACKEND, graph $SPEC"

start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --generate "g=$SPEC" \
	--graph r_cp --graph r_rsync --graph r_inplace --graph r_tar --graph r_bad || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
BK=$T/bk
IFS=, read -r V E _ <<<"$SPEC"

check "backup of g with cp -r through the mount" backup_set g "$BK"
check_eq "the backup holds $V vertices" "$V" "$(wc -l <"$BK/vertices.jsonl")"
check_eq "the backup holds $E edges" "$E" "$(wc -l <"$BK/edges.jsonl")"
check_eq "the target graphs start empty (REST)" "0 0" "$(server_counts r_cp)"
check "restore.status exists beside restore/" test -f "$M/graphs/r_cp/restore.status"
check_fails "restore.status is read-only" bash -c "echo x > '$M/graphs/r_cp/restore.status'"
tar -C "$BK" -cf "$T/bk.tar" .

for how in "${METHODS[@]}"; do
	g=r_$how
	R=$M/graphs/$g/restore
	check "$how: echo RESTORING > mode" set_mode "$g" RESTORING
	case $how in
	cp) check "cp -r backup/. restore/ succeeds" cp -r "$BK/." "$R/" ;;
	rsync) check "rsync -a backup/ restore/ succeeds" rsync -a "$BK/" "$R/" ;;
	inplace) check "rsync -a --inplace backup/ restore/ succeeds" rsync -a --inplace "$BK/" "$R/" ;;
	tar) check "tar -xf backup.tar -C restore/ succeeds" tar -C "$R" -xf "$T/bk.tar" ;;
	esac
	check "$how: restore.status: each file imported with its exact count" status_all_imported "$g" "" "$BK"
	check "$how: restore.status: the manifest imported, 4/4 files" status_is "$g" manifest.json "imported, 4/4 files( |$)"
	check "$how: restore.status: summary 5 imported, 0 pending, 0 failed" summary_is "$g" "5 imported, 0 pending, 0 failed"
	check_eq "$how: the server holds $V vertices and $E edges (REST paged lists)" "$V $E" "$(server_counts "$g")"
	check_eq "$how: ls restore/ shows the five files" "edges.jsonl manifest.json schema.json variables.json vertices.jsonl " \
		"$(ls "$R" | tr '\n' ' ')"
	check_eq "$how: restore/vertices.jsonl keeps its size once imported" "$(stat -c %s "$BK/vertices.jsonl")" \
		"$(stat -c %s "$R/vertices.jsonl")"
	check "$how: echo NONE > mode" set_mode "$g" NONE
	check "$how: backup of the restored graph through the mount" backup_set "$g" "$T/back_$how"
	if [ -n "${HGFS_REAL:-}" ] && [ "$BACKEND" = memory ]; then
		# The real memory backend lists elements in an order that depends
		# on the order they were inserted in (a hash table): the same
		# lines, byte for byte, in another order.
		for f in vertices.jsonl edges.jsonl; do
			check "$how: $f of the restored graph has the original backup's lines, byte for byte (real memory backend: in its own order)" \
				cmp <(LC_ALL=C sort "$BK/$f") <(LC_ALL=C sort "$T/back_$how/$f")
		done
		check "$how: schema.json of the restored graph is byte-identical to the original backup" \
			cmp "$BK/schema.json" "$T/back_$how/schema.json"
	else
		for f in vertices.jsonl edges.jsonl schema.json; do
			check "$how: $f of the restored graph is byte-identical to the original backup" \
				cmp "$BK/$f" "$T/back_$how/$f"
		done
		check "$how: the manifests agree in counts, sizes and digests" \
			$RESTORE_CHECK same-manifest "$BK/manifest.json" "$T/back_$how/manifest.json"
	fi
	check "$how: the new manifest names the restored graph" \
		grep -q "\"graph\": *\"$g\"" "$T/back_$how/manifest.json"
done

# a broken line near the end of a large file (checked in parallel parts): its exact line number
bad=$(( E - 2 ))
sed "${bad}s/\"label\":/\"label\" /" "$BK/edges.jsonl" >"$T/bad_edges.jsonl"
check "r_bad: echo RESTORING > mode" set_mode r_bad RESTORING
check "r_bad: cp schema.json" cp "$BK/schema.json" "$M/graphs/r_bad/restore/schema.json"
check_fails "r_bad: cp of edges.jsonl broken at line $bad fails" cp "$T/bad_edges.jsonl" "$M/graphs/r_bad/restore/edges.jsonl"
check "...restore.status names line $bad, nothing imported" \
	status_grep r_bad edges.jsonl "^edges.jsonl: failed, .* - EINVAL: line $bad, column [0-9]+: .*nothing imported"
check_eq "...the server holds no edge" "0 0" "$(server_counts r_bad)"

check "unmount is clean" unmount_fs "$M"
check "no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"
finish
