# restore_lib.sh - helpers of the restore tests; sourced after lib.sh.
# They use $M (the mount point) and $SERVER (the server's URL).

RESTORE_CHECK="python3 $SRCDIR/tests/integration/restore_check.py"

# backup_set GRAPH DIR: backs GRAPH up with cp -r through the mount and keeps
# the backup set: schema.json, vertices.jsonl, edges.jsonl, manifest.json
# (mode, restore/, restore.status and export.status are the graph directory's, not data).
backup_set() {
	cp -r "$M/graphs/$1" "$2" || return 1
	rm -rf "$2/mode" "$2/restore" "$2/restore.status" "$2/export.status"
	local f
	for f in schema.json vertices.jsonl edges.jsonl variables.json manifest.json; do
		[ -f "$2/$f" ] || { echo "backup of $1 lacks $f"; return 1; }
	done
}

# server_counts GRAPH: "VERTICES EDGES" from the server's paged lists.
server_counts() { $RESTORE_CHECK counts "$SERVER" "$1"; }

# set_mode GRAPH MODE: through the mount's mode file.
set_mode() { echo "$2" >"$M/graphs/$1/mode"; }

# status_line GRAPH PATH: PATH's line of GRAPH's restore.status.
status_line() {
	awk -v p="$2: " 'index($0, p) == 1 { print; exit }' "$M/graphs/$1/restore.status"
}

# status_is GRAPH PATH REGEX: PATH's line is "PATH: " followed by REGEX
# (an extended regex anchored at the start).
status_is() {
	local line
	line=$(status_line "$1" "$2")
	if [[ "$line" =~ ^"$2: "$3 ]]; then return 0; fi
	echo "restore.status line of $2: '$line' does not match '$3'; the whole status:"
	head -n 30 "$M/graphs/$1/restore.status"
	return 1
}

# summary_is GRAPH REGEX: the last line is "summary: " followed by REGEX.
summary_is() {
	local line
	line=$(tail -n 1 "$M/graphs/$1/restore.status")
	if [[ "$line" =~ ^"summary: "$2 ]]; then return 0; fi
	echo "last line of restore.status: '$line' does not match 'summary: $2'; the whole status:"
	head -n 30 "$M/graphs/$1/restore.status"
	return 1
}

# wait_status GRAPH PATH REGEX SECONDS: waits until status_is holds.
wait_status() {
	local i n=$(( $4 * 20 ))
	for ((i = 0; i < n; i++)); do
		status_is "$1" "$2" "$3" >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	status_is "$1" "$2" "$3"
}

# schema_count DIR: the number of schema elements in DIR's manifest.
schema_count() {
	python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["counts"]; print(sum(c[k] for k in ("propertykeys","vertexlabels","edgelabels","indexlabels")))' "$1/manifest.json"
}

# manifest_count DIR vertices|edges
manifest_count() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["counts"][sys.argv[2]])' "$1/manifest.json" "$2"
}

# same_content GRAPH DIR: the graph on the server (read through the API,
# not the mount) holds the vertices and edges of backup DIR (as sets of lines).
same_content() {
	local out=$T/dump.$RANDOM f auth=()
	[ -n "${HGFS_AUTH:-}" ] && auth=(--user "${HGFS_AUTH%%:*}" --password "${HGFS_AUTH#*:}")
	$EXPECTED "$SERVER" "$1" "$out" "${auth[@]}" || return 1
	for f in vertices.jsonl edges.jsonl; do
		if ! cmp -s <(LC_ALL=C sort "$out/$f") <(LC_ALL=C sort "$2/$f"); then
			echo "$f of graph $1 differs from $2/$f (sorted): $(wc -l <"$out/$f") vs $(wc -l <"$2/$f") lines"
			diff <(LC_ALL=C sort "$out/$f") <(LC_ALL=C sort "$2/$f") | head -n 6 | cut -c 1-300
			return 1
		fi
	done
	rm -rf "$out"
}

# status_all_imported GRAPH PREFIX DIR: PREFIX (a path below restore/ ending
# in / or empty) holds DIR's files, each imported with DIR's exact counts
# (variables.json, where it was copied, imported).
status_all_imported() {
	local g=$1 p=$2 d=$3 ns nv ne
	ns=$(schema_count "$d"); nv=$(manifest_count "$d" vertices); ne=$(manifest_count "$d" edges)
	status_is "$g" "${p}schema.json" "imported, $ns/$ns elements( |$)" &&
	status_is "$g" "${p}vertices.jsonl" "imported, $nv/$nv vertices( |$)" &&
	status_is "$g" "${p}edges.jsonl" "imported, $ne/$ne edges( |$)" &&
	{ [ -z "$(status_line "$g" "${p}variables.json")" ] ||
		status_is "$g" "${p}variables.json" "imported, [0-9]+/[0-9]+ variables( |$)"; }
}

# status_grep GRAPH PATH ERE: PATH's line of restore.status matches ERE
# (grep -E, anywhere in the line).
status_grep() {
	local line
	line=$(status_line "$1" "$2")
	if grep -Eq -- "$3" <<<"$line"; then return 0; fi
	echo "restore.status line of $2: '$line' does not match '$3'; the whole status:"
	head -n 30 "$M/graphs/$1/restore.status"
	return 1
}
