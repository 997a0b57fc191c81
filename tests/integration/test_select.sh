#!/bin/bash
# Selective backup (-o labels=): a graph of several labels backed up as an
# operator would (cp -r of the graph directory of a mount with
# -o labels=...): the data files hold exactly what the API lists for the
# selected labels, schema.json holds the labels and what they need (endpoint
# vertex labels, property keys, index labels), manifest.json says what was
# selected, and the set restores through a normal mount into an empty graph,
# which then holds exactly those elements and that schema.  An edge label
# whose target vertex label is not selected: its edges point to vertices
# absent from the set, which the consistency checks do not take for a
# change.  An unknown label fails the first look with a message naming it.
# Arguments: PERSONA BACKEND (the real server with HGFS_REAL).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

SEL="python3 $SRCDIR/tests/integration/select_check.py"
PERSONA=${1:-1.7}
start_server SERVER --persona "$PERSONA" --backend "${2:-memory}" --graph g --graph r1 --graph r2 --graph p --graph r3 || exit 1
check "a graph of four vertex labels, three edge labels and four index labels, made through the API" \
	$SEL build "$SERVER" g

check "--help documents -o labels=" bash -c "'$HUGEGRAPHFS' --help | grep -q -- '-o labels=A,B'"

# --- person and knows: everything they need is theirs ----------------------------------------
MS=$T/sel
M=$MS # backup_set reads $M
mount_fs "$SERVER" "$MS" -o spool_dir="$T",labels=person,knows || exit 1
BK=$T/bk
check "cp -r of g from the mount with -o labels=person,knows" backup_set g "$BK"

check "the data files hold exactly the API's listing of person and knows" $SEL listed "$SERVER" g "$BK" person knows
check "schema.json holds person, knows, their property keys and index labels, nothing else" \
	$SEL schema "$BK" name,age,city,weight,since person knows personByCity,knowsByWeight
check "manifest.json records the selection" $SEL manifest "$BK" selection.labels '["person", "knows"]'
check "...no endpoint is outside it" $SEL manifest "$BK" selection.endpoints_not_selected 0
check "...and counts what is in the set" $SEL manifest "$BK" counts \
	'{"propertykeys": 5, "vertexlabels": 1, "edgelabels": 1, "indexlabels": 2, "vertices": 40, "edges": 120, "variables": 0}'
check "...consistent after one export" $SEL manifest "$BK" exports 1
check "manifest.json matches its files" $EXPECTED --check-manifest "$BK"

# --- created: its target label software comes in the schema only --------------------------------
unmount_fs "$MS"
mount_fs "$SERVER" "$MS" -o spool_dir="$T" -o labels=person:created || exit 1
BK2=$T/bk2
check "cp -r of g with -o labels=person:created" backup_set g "$BK2"
check "the data files hold person's vertices and created's edges, no software vertex" \
	$SEL listed "$SERVER" g "$BK2" person created
check "schema.json holds software (an endpoint label) with its keys and index label" \
	$SEL schema "$BK2" name,age,city,lang,price,weight person,software created personByCity,softwareByLang
check "manifest.json: software is in the schema only" $SEL manifest "$BK2" selection.schema_only_vertex_labels '["software"]'
check "...the 40 software endpoints are absent on purpose" $SEL manifest "$BK2" selection.endpoints_not_selected 40
check "...which is no change of the graph: consistent after one export" $SEL manifest "$BK2" consistent true
check "...one export" $SEL manifest "$BK2" exports 1
check "...and no dangling endpoint" $SEL manifest "$BK2" dangling_endpoints 0

# --- 1.5+: a SUB edge label needs its PARENT -----------------------------------------------------
if [ "$PERSONA" != 1.3 ]; then
	check "p: a PARENT edge label rel with SUB labels r1 (a->b) and r2 (a->c)" $SEL build-parent "$SERVER" p
	BK3=$T/bk3
	check_fails "cp -r of p with -o labels=person:created fails: p has no label person" cp -r "$M/graphs/p" "$T/nope"
	check "...and the log says so, naming p's labels" grep -q \
		"graph 'p' failed: -o labels: 'person' is neither .* the graph has vertex labels \[a, b, c\] and edge labels \[rel, r1, r2\]" "$MS.log"
	unmount_fs "$MS"
	mount_fs "$SERVER" "$MS" -o spool_dir="$T",labels=a,r1 || exit 1
	check "cp -r of p with -o labels=a,r1" backup_set p "$BK3"
	check "the data files hold a's vertices and r1's edges, not r2's" $SEL listed "$SERVER" p "$BK3" a r1
	check "schema.json holds r1, its PARENT rel, and its endpoints a and b; not r2, not c, not r2's key" \
		$SEL schema "$BK3" name,since a,b rel,r1 -
	check "manifest.json: rel is in the schema only" $SEL manifest "$BK3" selection.schema_only_edge_labels '["rel"]'
fi

# --- an unknown label ------------------------------------------------------------------------------
unmount_fs "$MS"
mount_fs "$SERVER" "$MS" -o spool_dir="$T",labels=person,nosuchlabel || exit 1
check_fails "-o labels=person,nosuchlabel: stat of vertices.jsonl fails" stat "$MS/graphs/g/vertices.jsonl"
check "...with EINVAL" bash -c "stat '$MS/graphs/g/vertices.jsonl' 2>&1 | grep -q 'Invalid argument'"
check "...and the log names the label and the graph's labels" grep -q \
	"'nosuchlabel' is neither a vertex label nor an edge label of the graph; the graph has vertex labels \[person, software, company, town\] and edge labels \[knows, created, worksAt\]" \
	"$MS.log"
unmount_fs "$MS"
check_fails "-o labels= with an empty name is refused at mount" timeout 10 "$HUGEGRAPHFS" -f "$SERVER" "$MS" -o labels=person::knows

# --- the sets restore into empty graphs through a normal mount ---------------------------------
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
sets=("r1 $BK person knows" "r2 $BK2 person created")
[ "$PERSONA" != 1.3 ] && sets+=("r3 $BK3 a r1")
for pair in "${sets[@]}"; do
	set -- $pair
	check "$1: echo RESTORING > mode" set_mode "$1" RESTORING
	check "$1: cp -r of the selective set ($3, $4)" cp -r "$2/." "$M/graphs/$1/restore/"
	check "...the set is whole" status_is "$1" manifest.json "imported, 4/4 files( |$)"
	check "$1: echo NONE > mode" set_mode "$1" NONE
	check "$1 holds the set's schema, nothing else" $SEL graph-schema "$SERVER" "$1" "$2"
	check "$1 holds exactly the set's vertices and edges (the API's content)" same_content "$1" "$2"
	check "$1 holds what the API lists of g for $3 and $4" $SEL listed "$SERVER" "$1" "$2" "$3" "$4"
	B=$T/back.$1
	check "a backup of $1 through the normal mount" backup_set "$1" "$B"
	check "...has the set's vertices and edges, byte for byte" same_files "$2" "$B" vertices.jsonl edges.jsonl
	# a PARENT keeps the links of all its SUB labels in the set; restored, it
	# has those of the SUB labels that were restored
	[ "$1" != r3 ] && check "...and its schema" same_files "$2" "$B" schema.json
done
finish
