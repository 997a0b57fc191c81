#!/bin/bash
# graphspaces/ against hgserver acting as a 1.7 server with PD (several
# graphspaces; the real 1.7.0 without PD has only DEFAULT and no definition,
# which test_graphspaces_default.sh checks on the real servers): the tree, a
# graph of another graphspace backed up through graphspaces/<gs>/graphs/
# byte for byte as through a mount with -o graphspace=<gs>, graphspace.json
# (the server's GET bytes, stable), a backed-up graphspace restored into a
# new one (definition through graphspace.json, then a graph's data through
# restore/), and the refusals (close() fails, the log says why, the server
# keeps what it had).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

export HUGEGRAPH_PASSWORD=s3cret HGFS_AUTH=admin:s3cret
start_server SERVER --persona 1.7 --backend memory --auth admin:s3cret --reader reader:s3cret \
	--load "modern=$SRCDIR/examples/modern" --generate "gs1/g1=300,900,5" \
	--load "gs1/modern=$SRCDIR/examples/modern" --graphspace gs2 || exit 1
A=(-u admin:s3cret)
M=$T/mnt
M1=$T/mnt1
mount_fs "$SERVER" "$M" -o user=admin -o "spool_dir=$T" || exit 1
mount_fs "$SERVER" "$M1" -o user=admin -o "spool_dir=$T" -o graphspace=gs1 || exit 1

# ---- the tree -----------------------------------------------------------------------------
check_eq "the root (the administrator of a server with authentication: auth/ too)" "auth graphs graphspaces" "$(ls "$M" | tr '\n' ' ' | sed 's/ $//')"
check_eq "graphspaces/ lists the server's graphspaces" "DEFAULT gs1 gs2" "$(ls "$M/graphspaces" | tr '\n' ' ' | sed 's/ $//')"
check_eq "a graphspace holds graphs/, graphspace.json and (an administrator's mount) auth/" "auth graphs graphspace.json" "$(ls "$M/graphspaces/gs1" | tr '\n' ' ' | sed 's/ $//')"
check_eq "graphspaces/gs1/graphs/" "g1 modern" "$(ls "$M/graphspaces/gs1/graphs" | tr '\n' ' ' | sed 's/ $//')"
check_eq "graphspaces/gs2/graphs/ is empty" "" "$(ls "$M/graphspaces/gs2/graphs")"
check_eq "graphs/ is still -o graphspace's (DEFAULT)" "modern" "$(ls "$M/graphs" | tr '\n' ' ' | sed 's/ $//')"
check_eq "...as graphspaces/DEFAULT/graphs/" "modern" "$(ls "$M/graphspaces/DEFAULT/graphs" | tr '\n' ' ' | sed 's/ $//')"
check_eq "-o graphspace=gs1: graphs/ is gs1's" "g1 modern" "$(ls "$M1/graphs" | tr '\n' ' ' | sed 's/ $//')"
check_fails "graphs/g1 is not DEFAULT's" ls "$M/graphs/g1"
check_fails "an unknown graphspace does not exist" ls "$M/graphspaces/nope"
check_fails "...nor its graphs/" ls "$M/graphspaces/nope/graphs"
check_fails "no other name in a graphspace directory" ls "$M/graphspaces/gs1/other"
dirs=$(cd "$M/graphspaces" && find . -type d | LC_ALL=C sort | tr '\n' ' ')
check_eq "find -type d below graphspaces/" ". ./DEFAULT ./DEFAULT/auth ./DEFAULT/auth/restore ./DEFAULT/graphs ./DEFAULT/graphs/modern ./DEFAULT/graphs/modern/restore ./gs1 ./gs1/auth ./gs1/auth/restore ./gs1/graphs ./gs1/graphs/g1 ./gs1/graphs/g1/restore ./gs1/graphs/modern ./gs1/graphs/modern/restore ./gs2 ./gs2/auth ./gs2/auth/restore ./gs2/graphs " "$dirs"
check_eq "...exported nothing" 0 "$(grep -c "snapshot of graph" "$M.log")"

# ---- a graphspace's auth data ---------------------------------------------------------------
auth_file_is_api() { # auth_file_is_api GS KIND: the file holds GET /graphspaces/GS/auth/KIND's elements in id order
	local path=/graphspaces/$1/auth/$2
	[ "$2" = groups ] && path=/auth/groups
	curl -s "${A[@]}" "$SERVER$path?limit=-1" | python3 -c '
import json, sys
k, f = sys.argv[1], sys.argv[2]
api = sorted(json.load(sys.stdin)[k], key=lambda x: x["id"])
sys.exit(0 if api == [json.loads(l) for l in open(f)] else 1)' "$2" "$M/graphspaces/$1/auth/$2.jsonl"
}
for k in users projects groups targets belongs accesses; do
	check "graphspaces/gs1/auth/$k.jsonl holds gs1's auth API list" auth_file_is_api gs1 "$k"
done
check "graphspaces/DEFAULT/auth/ is the mount's auth/ (its graphspace)" cmp "$M/auth/users.jsonl" "$M/graphspaces/DEFAULT/auth/users.jsonl"
printf '{"group_name":"gs2team","group_description":"restored through gs2","id":"-37:gs2team"}\n' >"$T/groups.jsonl"
check "cp of a groups.jsonl into graphspaces/gs2/auth/restore/" cp "$T/groups.jsonl" "$M/graphspaces/gs2/auth/restore/"
check "...its restore.status says created" grep -qx "groups gs2team: created" "$M/graphspaces/gs2/auth/restore.status"
check "...the server has it (1.7 keeps groups server-wide)" sh -c "curl -s -u admin:s3cret '$SERVER/auth/groups' | grep -q gs2team"
check_eq "...the mount's own auth/restore/ holds nothing of it" "" "$(ls "$M/auth/restore")"
check "rename(2) between two graphspaces' auth/restore/ fails with EXDEV (mv copies instead)" python3 -c '
import errno, os, sys
try:
    os.rename(sys.argv[1], sys.argv[2])
except OSError as e:
    sys.exit(0 if e.errno == errno.EXDEV else 1)
sys.exit(1)' "$M/graphspaces/gs2/auth/restore/groups.jsonl" "$M/graphspaces/gs1/auth/restore/groups.jsonl"
check_fails "an unknown graphspace has no auth/" ls "$M/graphspaces/nope/auth"
# managers are the one kind kept per graphspace: a SPACE administrator of gs1 only
check "a user and a SPACE manager of gs1 made through the API" sh -c "
	curl -sf -u admin:s3cret -H 'Content-Type: application/json' -d '{\"user_name\":\"gsadmin\",\"user_password\":\"pw-1\"}' '$SERVER/graphspaces/gs1/auth/users' >/dev/null &&
	curl -sf -u admin:s3cret -H 'Content-Type: application/json' -d '{\"user\":\"gsadmin\",\"type\":\"SPACE\"}' '$SERVER/graphspaces/gs1/auth/managers' >/dev/null"
# (through the -o graphspace=gs1 mount, which has not read its auth data yet)
check "-o graphspace=gs1: auth/managers.jsonl names gs1's SPACE manager" grep -qx '{"type":"SPACE","user":"gsadmin"}' "$M1/auth/managers.jsonl"
check "...graphspaces/gs2/auth/managers.jsonl does not" sh -c "! grep -q gsadmin '$M1/graphspaces/gs2/auth/managers.jsonl'"
check "cp of gs1's managers.jsonl into graphspaces/gs2/auth/restore/" cp "$M1/auth/managers.jsonl" "$M1/graphspaces/gs2/auth/restore/"
check "...gs2 has gsadmin as a SPACE manager now" sh -c "curl -s -u admin:s3cret '$SERVER/graphspaces/gs2/auth/managers?type=SPACE' | grep -q gsadmin"
check "...its restore.status says created" grep -qx "managers SPACE gsadmin: created" "$M1/graphspaces/gs2/auth/restore.status"

# ---- graphspace.json ------------------------------------------------------------------------
DEF=$M/graphspaces/gs1/graphspace.json
check "graphspace.json is the server's definition and a newline" \
	cmp <(curl -s "${A[@]}" "$SERVER/graphspaces/gs1"; echo) "$DEF"
st1=$(stat -c '%s %Y' "$DEF"); sleep 1.1; st2=$(stat -c '%s %Y' "$DEF")
check_eq "...its size and mtime hold while it does not change" "$st1" "$st2"
check "...DEFAULT has one too" grep -q '"name":"DEFAULT"' "$M/graphspaces/DEFAULT/graphspace.json"
check_fails "...read-only for a graphspace's own files: no other file can be made" touch "$M/graphspaces/gs1/x.json"

# ---- backup of a graph of another graphspace --------------------------------------------------
BK=$T/bk
mkdir -p "$BK"
check "cp -r graphspaces/gs1 (definition and graphs)" cp -r "$M/graphspaces/gs1" "$BK/"
check "cp -r of g1 through -o graphspace=gs1" cp -r "$M1/graphs/g1" "$T/g1_via_option"
for f in schema.json vertices.jsonl edges.jsonl variables.json; do
	check "$f of gs1/g1 equals the -o graphspace=gs1 backup byte for byte" cmp "$BK/gs1/graphs/g1/$f" "$T/g1_via_option/$f"
done
check "the manifest names graphspace gs1" grep -q '"graphspace": "gs1"' "$BK/gs1/graphs/g1/manifest.json"
check "the API's content of gs1/g1 (expected.py) equals the backup byte for byte" \
	sh -c "python3 '$SRCDIR/tests/integration/expected.py' --graphspace gs1 --user admin --password s3cret '$SERVER' g1 '$T/api_g1' >/dev/null &&
		cmp '$T/api_g1/vertices.jsonl' '$BK/gs1/graphs/g1/vertices.jsonl' && cmp '$T/api_g1/edges.jsonl' '$BK/gs1/graphs/g1/edges.jsonl'"
check "graphspace.json is in the backup" cmp <(curl -s "${A[@]}" "$SERVER/graphspaces/gs1"; echo) "$BK/gs1/graphspace.json"
check "same-named graphs of two graphspaces are two graphs: one export each" \
	sh -c "cat '$M/graphs/modern/manifest.json' '$M/graphspaces/gs1/graphs/modern/manifest.json' >/dev/null && test \$(grep -c \"snapshot of graph 'modern'\" '$M.log') -eq 2"
check "graphs/modern and graphspaces/DEFAULT/graphs/modern are one graph: no second export" \
	sh -c "cat '$M/graphspaces/DEFAULT/graphs/modern/manifest.json' >/dev/null && test \$(grep -c \"snapshot of graph 'modern'\" '$M.log') -eq 2"

# ---- restore into a new graphspace -----------------------------------------------------------
check "mkdir graphspaces/gs3" mkdir "$M/graphspaces/gs3"
check "...it is listed (the daemon's until a definition is written)" sh -c "ls '$M/graphspaces' | grep -qx gs3"
check_fails "...with no graphspace.json yet" ls "$M/graphspaces/gs3/graphspace.json"
check "cp the backed-up graphspace.json into it" cp "$BK/gs1/graphspace.json" "$M/graphspaces/gs3/"
check "...the log says it was created" grep -q "graphspace gs3: created from graphspaces/gs3/graphspace.json" "$M.log"
defs_agree() {
	python3 - "$1" "$2" <<'PY'
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
keys = ["nickname", "description", "cpu_limit", "memory_limit", "storage_limit", "compute_cpu_limit",
        "compute_memory_limit", "oltp_namespace", "olap_namespace", "storage_namespace", "max_graph_number",
        "max_role_number", "auth", "configs", "operator_image_path", "internal_algorithm_image_url"]
bad = [k for k in keys if a.get(k) != b.get(k)]
if bad or b["name"] != "gs3":
    print("differ:", bad, b.get("name")); sys.exit(1)
PY
}
curl -s "${A[@]}" "$SERVER/graphspaces/gs3" >"$T/gs3.json"
check "...the server's gs3 has gs1's definition under its own name" defs_agree "$BK/gs1/graphspace.json" "$T/gs3.json"
check "...and graphspaces/gs3/graphspace.json shows it" cmp <(cat "$T/gs3.json"; echo) "$M/graphspaces/gs3/graphspace.json"
# an update: the same file again with another description
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["description"]="restored copy"; json.dump(d, open(sys.argv[2],"w"))' \
	"$BK/gs1/graphspace.json" "$T/upd.json"
check "cp an edited graphspace.json over an existing one updates it" cp "$T/upd.json" "$M/graphspaces/gs3/graphspace.json"
check "...the server has the new description" sh -c "curl -s -u admin:s3cret '$SERVER/graphspaces/gs3' | grep -q '\"description\":\"restored copy\"'"
# a graph in the new graphspace: mkdir needs a graph to copy the configuration of
check_fails "mkdir of a graph in an empty graphspace fails (nothing to clone)" mkdir "$M/graphspaces/gs3/graphs/r"
check "...and the log says what to do" grep -q "mkdir graphs/r: the server has no graph whose configuration" "$M.log"
check "a graph made in gs3 through the API" sh -c "curl -sf -u admin:s3cret -H 'Content-Type: application/json' -d '{\"backend\":\"memory\",\"serializer\":\"text\",\"store\":\"r\"}' '$SERVER/graphspaces/gs3/graphs/r' >/dev/null"
sleep 1.1 # the mount reuses a graph list for a second
check "mkdir graphspaces/gs3/graphs/r2 clones it" mkdir "$M/graphspaces/gs3/graphs/r2"
check "...the server lists it in gs3 only" sh -c "curl -s -u admin:s3cret '$SERVER/graphspaces/gs3/graphs' | grep -q '\"r2\"' && ! curl -s -u admin:s3cret '$SERVER/graphs' | grep -q r2"
G3=$M/graphspaces/gs3/graphs/r
check "echo RESTORING > graphspaces/gs3/graphs/r/mode" sh -c "echo RESTORING > '$G3/mode'"
check "cp -r the backup of gs1/g1 into its restore/" cp -r "$BK/gs1/graphs/g1/." "$G3/restore/"
check "...imported, exact counts" sh -c "grep -q '^vertices.jsonl: imported, 300/300 vertices' '$G3/restore.status' && grep -q '^edges.jsonl: imported, 900/900 edges' '$G3/restore.status'"
check "echo NONE > mode" sh -c "echo NONE > '$G3/mode'"
for f in vertices.jsonl edges.jsonl variables.json; do
	check "$f of gs3/r read back equals gs1/g1's backup byte for byte" cmp "$BK/gs1/graphs/g1/$f" "$G3/$f"
done
check "the restored graph's manifest names graphspace gs3" grep -q '"graphspace": "gs3"' "$G3/manifest.json"
check "gs1/g1 on the server is untouched (still in gs1)" sh -c "curl -s -u admin:s3cret '$SERVER/graphspaces/gs1/graphs' | grep -q '\"g1\"'"

# ---- refusals ---------------------------------------------------------------------------------
def_before=$(curl -s "${A[@]}" "$SERVER/graphspaces/gs3")
echo '[1, 2]' >"$T/notobj.json"
check_fails "a graphspace.json that is not a JSON object fails at close" cp "$T/notobj.json" "$M/graphspaces/gs3/graphspace.json"
check "...with Invalid argument" sh -c "cp '$T/notobj.json' '$M/graphspaces/gs3/graphspace.json' 2>&1 | grep -q 'Invalid argument'"
check "...logged" grep -q "graphspaces/gs3/graphspace.json: not a JSON object" "$M.log"
check_eq "...and the server's definition is unchanged" "$def_before" "$(curl -s "${A[@]}" "$SERVER/graphspaces/gs3")"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["cpu_limit"]=0; json.dump(d, open(sys.argv[2],"w"))' \
	"$BK/gs1/graphspace.json" "$T/zero.json"
check "mkdir graphspaces/gs4" mkdir "$M/graphspaces/gs4"
check "...its graphs/ lists nothing (the server is not asked about a graphspace it lacks)" \
	sh -c "ls '$M/graphspaces/gs4/graphs' && test -z \"\$(ls '$M/graphspaces/gs4/graphs')\""
check_fails "a definition the server refuses (cpu_limit 0) fails at close" cp "$T/zero.json" "$M/graphspaces/gs4/graphspace.json"
check "...logged with the server's message" grep -q "graphspaces/gs4/graphspace.json: the server refused to create the graphspace: The cpu limit must be > 0" "$M.log"
check "...the server has no gs4" sh -c "! curl -s -u admin:s3cret '$SERVER/graphspaces' | grep -q gs4"
check "rmdir of the unmade graphspaces/gs4" rmdir "$M/graphspaces/gs4"
check "...gone" sh -c "! ls '$M/graphspaces' | grep -qx gs4"
check_fails "mkdir of an existing graphspace fails" mkdir "$M/graphspaces/gs1"
check "...with File exists" sh -c "mkdir '$M/graphspaces/gs1' 2>&1 | grep -q 'File exists'"
check_fails "rmdir of a graphspace of the server is refused" rmdir "$M/graphspaces/gs2"
check "...logged" grep -q "rmdir graphspaces/gs2: hugegraphfs does not delete graphspaces" "$M.log"
check "...it stays" sh -c "curl -s -u admin:s3cret '$SERVER/graphspaces' | grep -q gs2"
# a user who may only read: the server answers 403
MR=$T/mnt_reader
mount_fs "$SERVER" "$MR" -o user=reader -o "spool_dir=$T" || exit 1
check "the reader sees the graphspaces" sh -c "ls '$MR/graphspaces' | grep -qx gs3"
check_eq "...but no auth/ in them" "graphs graphspace.json" "$(ls "$MR/graphspaces/gs1" | tr '\n' ' ' | sed 's/ $//')"
check "the reader may mkdir graphspaces/gs5 (the daemon's)" mkdir "$MR/graphspaces/gs5"
check_fails "...but writing its graphspace.json fails" cp "$BK/gs1/graphspace.json" "$MR/graphspaces/gs5/"
check "...with Permission denied" sh -c "cp '$BK/gs1/graphspace.json' '$MR/graphspaces/gs5/' 2>&1 | grep -q 'Permission denied'"
check "...logged" grep -q "graphspaces/gs5/graphspace.json: the server refused to create the graphspace.*403.*administrator" "$MR.log"
check "...no gs5 on the server" sh -c "! curl -s -u admin:s3cret '$SERVER/graphspaces' | grep -q gs5"
check_fails "...nor may the reader update gs3" cp "$T/upd.json" "$MR/graphspaces/gs3/graphspace.json"
check "unmount" unmount_fs "$MR"
check "unmount" unmount_fs "$M1"
check "unmount" unmount_fs "$M"
finish
