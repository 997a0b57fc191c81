#!/bin/bash
# Auth data (MOUNT/auth/): an administrator's mount shows the server's users,
# projects, groups, targets, belongs, accesses (and, on 1.7, managers) as
# JSON Lines files, byte-stable across reads and equal to the auth API's
# lists; `cp` of a backup into auth/restore/ recreates what is missing with
# the ids mapped by name (users with -o auth_password_file's password, with
# which they then log in; projects with their graphs, their own groups,
# target and accesses made by the server, not on their own), keeps the
# administrator, reports a conflicting element without changing it, and a
# second copy changes nothing; a malformed file is refused whole; a fresh
# server gets everything back; a non-administrator's mount shows no auth/
# and its log says nothing of it.
# Argument: PERSONA (1.3 or 1.7; with HGFS_REAL the real server's version,
# started with --auth-proxy so that its auth API can create).
. "$(dirname "$0")/lib.sh"
require_fuse

PERSONA=${1:-1.7}
export HGFS_REAL_AUTH_PROXY=1
args=(--persona "$PERSONA" --backend rocksdb --graph g --auth admin:s3cret)
start_server SERVER "${args[@]}" || exit 1
export HUGEGRAPH_PASSWORD=s3cret
INITPW=$T/initpw
echo 'Welcome-1' >"$INITPW"

# the auth API's paths: 1.5 (and hgserver's 1.3) under a graph, 1.7 under the graphspace and /auth/groups
case ${HGFS_REAL:-$PERSONA} in
1.7*) A=/graphspaces/DEFAULT/auth; AG=/auth; V17=1 ;;
*) A=/graphs/g/auth; AG=$A; V17= ;;
esac
KINDS="users projects groups targets belongs accesses"
api() { # api SERVER METHOD PATH [BODY]
	curl -s -u admin:s3cret -H 'Content-Type: application/json' -X "$2" "$1$3" ${4:+-d "$4"}
}
path_of() { [ "$1" = groups ] && echo "$AG/groups" || echo "$A/$1"; }
id_of() { python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])'; }
post() { api "$1" POST "$(path_of "$2")" "$3" | id_of; }

populate() { # populate SERVER: two of everything
	local s=$1 bob carol devs ops all people
	bob=$(post "$s" users '{"user_name":"bob","user_password":"bob-pw","user_email":"bob@example.org","user_phone":"555"}')
	carol=$(post "$s" users '{"user_name":"carol","user_password":"carol-pw"}')
	devs=$(post "$s" groups '{"group_name":"devs","group_description":"developers"}')
	ops=$(post "$s" groups '{"group_name":"ops","group_description":"operations"}')
	all=$(post "$s" targets '{"target_name":"all","target_graph":"g","target_url":"127.0.0.1:8080","target_resources":[{"type":"ALL"}]}')
	people=$(post "$s" targets '{"target_name":"people","target_graph":"g","target_url":"127.0.0.1:8080","target_resources":[{"type":"VERTEX","label":"person","properties":{"city":"Beijing"}}]}')
	# a project makes its own groups admin_P and op_P, target project_res_P and their accesses
	p1=$(post "$s" projects '{"project_name":"p1","project_description":"first project"}')
	api "$s" PUT "$A/projects/$p1?action=add_graph" '{"project_graphs":["g","other"]}' | grep -q '"project_graphs"' &&
		post "$s" projects '{"project_name":"p2"}' >/dev/null &&
		post "$s" belongs "{\"user\":\"$bob\",\"group\":\"$(api "$s" GET "$AG/groups?limit=-1" | python3 -c '
import json, sys
print([g["id"] for g in json.load(sys.stdin)["groups"] if g["group_name"] == "admin_p1"][0])')\"}" >/dev/null &&
	post "$s" belongs "{\"user\":\"$bob\",\"group\":\"$devs\",\"belong_description\":\"bob codes\"}" >/dev/null &&
		post "$s" belongs "{\"user\":\"$carol\",\"group\":\"$ops\"}" >/dev/null &&
		post "$s" accesses "{\"group\":\"$devs\",\"target\":\"$people\",\"access_permission\":\"READ\"}" >/dev/null &&
		post "$s" accesses "{\"group\":\"$ops\",\"target\":\"$all\",\"access_permission\":\"WRITE\",\"access_description\":\"ops write\"}" >/dev/null
}
check "the server's auth data is made through its API" populate "$SERVER"

# what the server holds, by names: users, groups (with description), targets, belongs, accesses, projects
state() {
	local s=$1 k
	for k in users groups targets belongs accesses projects; do api "$s" GET "$(path_of $k)?limit=-1"; echo; done | python3 -c '
import json, sys
ls = [json.loads(l) for l in sys.stdin if l.strip()]
u, g, t, b, a, p = (l[k] for l, k in zip(ls, ["users", "groups", "targets", "belongs", "accesses", "projects"]))
print(sorted((x["project_name"], x.get("project_description"), sorted(x.get("project_graphs", []))) for x in p))
un = {x["id"]: x["user_name"] for x in u}; gn = {x["id"]: x["group_name"] for x in g}
tn = {x["id"]: x["target_name"] for x in t}
print(sorted((x["user_name"], x.get("user_email")) for x in u))
print(sorted((x["group_name"], x.get("group_description")) for x in g))
print(sorted((x["target_name"], x["target_graph"], json.dumps(x["target_resources"], sort_keys=True)) for x in t))
print(sorted((un.get(x["user"]), gn.get(x["group"]), x.get("belong_description")) for x in b))
print(sorted((gn.get(x["group"]), tn.get(x["target"]), x["access_permission"], x.get("access_description")) for x in a))'
}
BEFORE=$(state "$SERVER")
log "server state: $(echo "$BEFORE" | tr '\n' ' ')"

M=$T/mnt
mount_fs "$SERVER" "$M" -o user=admin -o "auth_password_file=$INITPW" -o snapshot_ttl=1 -o "spool_dir=$T" || exit 1

# ---- backup ------------------------------------------------------------------------------
check_eq "the root shows auth/ to the administrator" "auth graphs graphspaces" "$(ls "$M" | tr '\n' ' ' | sed 's/ $//')"
check_eq "auth/ holds a file per kind, restore/ and restore.status" \
	"accesses.jsonl belongs.jsonl groups.jsonl ${V17:+managers.jsonl }projects.jsonl restore restore.status targets.jsonl users.jsonl" \
	"$(ls "$M/auth" | tr '\n' ' ' | sed 's/ $//')"
check_eq "the files are the mounting user's only (0400)" "-r--------" "$(stat -c %A "$M/auth/users.jsonl")"
BK=$T/bk
check "cp -r of auth/" cp -r "$M/auth" "$BK"
sleep 1.5 # a new snapshot
check "cat gives the same bytes" sh -c "for f in $KINDS ${V17:+managers}; do cmp '$BK/'\$f.jsonl '$M/auth/'\$f.jsonl || exit 1; done"
m1=$(stat -c %Y "$M/auth/users.jsonl"); sleep 1.5; m2=$(stat -c %Y "$M/auth/users.jsonl")
check_eq "an unchanged file keeps its mtime across snapshots" "$m1" "$m2"
check_eq "users.jsonl: admin, bob, carol, one a line" "3" "$(wc -l <"$BK/users.jsonl")"
lines_match_api() { # each file's lines are the API's elements, sorted by id
	local k
	for k in $KINDS; do
		api "$SERVER" GET "$(path_of $k)?limit=-1" | python3 -c '
import json, sys
k, f = sys.argv[1], sys.argv[2]
api = sorted(json.load(sys.stdin)[k], key=lambda x: x["id"])
got = [json.loads(l) for l in open(f)]
sys.exit(0 if api == got and [x["id"] for x in got] == sorted(x["id"] for x in got) else 1)' "$k" "$BK/$k.jsonl" || { echo "$k differs"; return 1; }
	done
}
check "every file holds the API's elements in id order" lines_match_api
check "projects.jsonl: p1 with its graphs and its own groups and target" \
	grep -q '"project_graphs":\["[a-z]*","[a-z]*"\].*"project_target":"-4[45]:project_res_p1","project_admin_group":"-3[67]:admin_p1"' "$BK/projects.jsonl"
managers_match_api() { # one {"type","user"} a line per name the three lists give
	local t
	for t in ADMIN SPACE SPACE_MEMBER; do api "$SERVER" GET "$A/managers?type=$t"; echo; done | python3 -c '
import json, sys
ls = [json.loads(l)["admins"] for l in sys.stdin if l.strip()]
want = sorted(json.dumps({"type": t, "user": u}, separators=(",", ":")) for t, l in zip(["ADMIN", "SPACE", "SPACE_MEMBER"], ls) for u in l)
sys.exit(0 if open(sys.argv[1]).read().splitlines() == want else 1)' "$BK/managers.jsonl"
}
if [ -n "$V17" ]; then
	check "managers.jsonl holds the managers the server lists (none without PD)" managers_match_api
else
	check "no managers.jsonl before 1.7" test ! -e "$M/auth/managers.jsonl"
fi
check "users.jsonl holds the server's password hashes, no password" \
	sh -c "grep -qF '\"user_password\":\"\$2a\$' '$BK/users.jsonl' && ! grep -q 'bob-pw' '$BK/users.jsonl'"
check_eq "restore.status is empty before any restore" "0" "$(stat -c %s "$M/auth/restore.status")"

# ---- restore into the same server, emptied ------------------------------------------------
delete_all() { # everything but the administrator; ops comes back with another description
	python3 - "$1" "$A" "$AG" <<'PY' || return 1
import base64, json, sys, urllib.error, urllib.parse, urllib.request
base, A, AG = sys.argv[1:4]
hdr = {"Authorization": "Basic " + base64.b64encode(b"admin:s3cret").decode(), "Content-Type": "application/json"}
def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(base + path, data, hdr, method=method)) as r:
            return json.loads(r.read() or b"null")
    except urllib.error.HTTPError:
        return None
for k in ["accesses", "belongs", "projects", "targets", "groups", "users"]:
    path = (AG if k == "groups" else A) + "/" + k
    for x in call("GET", path + "?limit=-1")[k]:
        if x.get("user_name") == "admin":
            continue
        q = urllib.parse.quote(x["id"], safe="")
        if x.get("project_graphs"):  # a project with graphs cannot be deleted
            call("PUT", path + "/" + q + "?action=remove_graph", {"project_graphs": x["project_graphs"]})
        call("DELETE", path + "/" + q)
PY
	post "$1" groups '{"group_name":"ops","group_description":"night shift"}' >/dev/null
}
check "the server's auth data is deleted (ops made anew, with another description)" delete_all "$SERVER"
check_eq "...only admin and ops are left" "1 1" "$(api "$SERVER" GET "$A/users" | grep -o user_name | wc -l) $(api "$SERVER" GET "$AG/groups" | grep -o group_name | wc -l)"
check "cp of the backup into auth/restore/ (a conflict does not fail it)" sh -c "cp '$BK'/*.jsonl '$M/auth/restore/'"
ST=$(cat "$M/auth/restore.status")
log "$(echo "$ST" | tr '\n' '|')"
check "restore.status: bob created" grep -qx "users bob: created" <<<"$ST"
check "restore.status: the administrator kept" grep -qx "users admin: kept (the administrator is never restored)" <<<"$ST"
check "restore.status: the conflict named, field and all" grep -qx "groups ops: CONFLICT: the server has one with another group_description; not changed" <<<"$ST"
for l in 'belongs bob>devs' 'belongs carol>ops' 'accesses devs>people>READ' 'accesses ops>all>WRITE' \
	'belongs bob>admin_p1' 'projects p1' 'projects p2'; do
	check "restore.status: $l created, its ids mapped by name" grep -qx "$l: created" <<<"$ST"
done
for l in 'groups admin_p1' 'groups op_p2' 'targets project_res_p1' 'accesses admin_p1>project_res_p1>WRITE' 'accesses op_p2>project_res_p2>READ'; do
	check "restore.status: $l exists (made by its project)" grep -qx "$l: exists" <<<"$ST"
done
check "restore.status: nothing failed, nothing waits" grep -q "conflicts, 0 waiting, 0 failed$" <<<"$ST"
check "the log reports the conflict" grep -q "auth restore: groups 'ops' exists with another group_description; not changed" "$M.log"
AFTER=$(state "$SERVER")
check_eq "the server holds the backup again, the conflicting group as it was" \
	"$(echo "$BEFORE" | sed "s/('ops', 'operations')/('ops', 'night shift')/")" "$AFTER"
check_eq "bob logs in with the init password" 200 "$(curl -s -o /dev/null -w '%{http_code}' -u bob:Welcome-1 "$SERVER/graphs")"
check_eq "...not with his old one (the server keeps only a hash)" 401 "$(curl -s -o /dev/null -w '%{http_code}' -u bob:bob-pw "$SERVER/graphs")"
check "a second copy of the same backup succeeds" sh -c "cp '$BK'/*.jsonl '$M/auth/restore/'"
check "...and fails nothing" grep -q "0 failed$" "$M/auth/restore.status"
check_eq "...and changes nothing" "$AFTER" "$(state "$SERVER")"

# ---- bad input ---------------------------------------------------------------------------
printf '{"user_name":"dave","user_password":"x"}\nnot json\n' >"$T/users.jsonl"
check_fails "a users.jsonl with a line that is not JSON fails at close" cp "$T/users.jsonl" "$M/auth/restore/users.jsonl"
check "...restore.status says which line" grep -q "users.jsonl: REFUSED: line 2 is not a JSON object; nothing of it restored" "$M/auth/restore.status"
check "...and nothing of it was created" sh -c "! curl -s -u admin:s3cret '$SERVER$A/users' | grep -q dave"
printf '{"group_name":"nul"}\0{"x":1}\n' >"$T/groups.jsonl"
check_fails "a groups.jsonl with a NUL byte in a line fails at close" cp "$T/groups.jsonl" "$M/auth/restore/groups.jsonl"
check "...refused whole" grep -q "groups.jsonl: REFUSED: line 1 is not a JSON object" "$M/auth/restore.status"
check "rm of the files in auth/restore/" rm "$M/auth/restore/users.jsonl" "$M/auth/restore/groups.jsonl"
if [ -n "$V17" ]; then # real 1.7.0 without PD (and hgserver as it) lets nobody make a manager
	printf '{"type":"SPACE","user":"bob"}\n' >"$T/managers.jsonl"
	check_fails "a manager on a 1.7 server without PD fails at close" cp "$T/managers.jsonl" "$M/auth/restore/"
	check "...restore.status gives the server's reason" grep -q "managers SPACE bob: FAILED: .*no permission to \[manager.create\]" "$M/auth/restore.status"
	check "rm managers.jsonl" rm "$M/auth/restore/managers.jsonl"
fi
check "the daemon is alive" kill -0 "$LAST_DAEMON_PID"
check "unmount" unmount_fs "$M"

# ---- a fresh server (hgserver only: the real suite runs one real server at a time) -----
if [ -z "${HGFS_REAL:-}" ]; then
	start_server FRESH "${args[@]}" || exit 1
	M2=$T/mnt2
	mount_fs "$FRESH" "$M2" -o user=admin || exit 1
	check_fails "without -o auth_password_file users.jsonl fails at close" cp "$BK/users.jsonl" "$M2/auth/restore/"
	check "...restore.status says what to do" grep -q "users bob: FAILED: no password for restored users: mount with -o auth_password_file=PATH" "$M2/auth/restore.status"
	check "...and no user was created" sh -c "! curl -s -u admin:s3cret '$FRESH$A/users' | grep -q bob"
	check "unmount" unmount_fs "$M2"
	mount_fs "$FRESH" "$M2" -o user=admin -o "auth_password_file=$INITPW" || exit 1
	check "groups.jsonl copied alone" cp "$BK/groups.jsonl" "$M2/auth/restore/"
	check "...a project's own groups wait for projects.jsonl" grep -qx "groups admin_p1: waiting for projects.jsonl" "$M2/auth/restore.status"
	check "...the others are made" grep -qx "groups devs: created" "$M2/auth/restore.status"
	check "...and the project's are not made on their own" sh -c "! curl -s -u admin:s3cret '$FRESH$AG/groups' | grep -q admin_p1"
	check "cp of the backup into a fresh server's auth/restore/" sh -c "cp '$BK'/*.jsonl '$M2/auth/restore/'"
	check_eq "...the fresh server holds what the first held" "$BEFORE" "$(state "$FRESH")"
	check_eq "...carol logs in with the init password" 200 "$(curl -s -o /dev/null -w '%{http_code}' -u carol:Welcome-1 "$FRESH/graphs")"
	check "unmount" unmount_fs "$M2"
fi

# ---- managers: 1.7 with PD (hgserver's graphspaces mode; real 1.7.0 without PD lists none) --
if [ -z "${HGFS_REAL:-}" ] && [ -n "$V17" ]; then
	pd_args=(--persona 1.7 --backend memory --graphspace gs1 --graph g --auth admin:s3cret)
	start_server PD "${pd_args[@]}" || exit 1
	post "$PD" users '{"user_name":"bob","user_password":"bob-pw"}' >/dev/null
	post "$PD" users '{"user_name":"carol","user_password":"carol-pw"}' >/dev/null
	for m in '{"user":"bob","type":"ADMIN"}' '{"user":"bob","type":"SPACE"}' '{"user":"carol","type":"SPACE_MEMBER"}'; do
		check "a manager is made through the API: $m" sh -c "curl -s -u admin:s3cret -H 'Content-Type: application/json' -d '$m' '$PD$A/managers' | grep -q '\"user\"'"
	done
	managers() { for t in ADMIN SPACE SPACE_MEMBER; do api "$1" GET "$A/managers?type=$t"; echo; done; }
	PDBEFORE=$(managers "$PD")
	M5=$T/mnt5
	mount_fs "$PD" "$M5" -o user=admin || exit 1
	check "cp -r of auth/ (PD)" cp -r "$M5/auth" "$T/bkpd"
	check_eq "managers.jsonl: one type and user a line, sorted" \
		"$(printf '%s\n' '{"type":"ADMIN","user":"admin"}' '{"type":"ADMIN","user":"bob"}' '{"type":"SPACE","user":"bob"}' '{"type":"SPACE_MEMBER","user":"carol"}')" \
		"$(cat "$T/bkpd/managers.jsonl")"
	check "unmount" unmount_fs "$M5"
	start_server PD2 "${pd_args[@]}" || exit 1
	mount_fs "$PD2" "$M5" -o user=admin -o "auth_password_file=$INITPW" || exit 1
	check "cp of the backup into a fresh PD server's auth/restore/" sh -c "cp '$T/bkpd'/*.jsonl '$M5/auth/restore/'"
	ST=$(cat "$M5/auth/restore.status")
	log "$(echo "$ST" | tr '\n' '|')"
	check "restore.status: the administrator's ADMIN kept" grep -qx "managers ADMIN admin: kept (the administrator is never restored)" <<<"$ST"
	for l in 'ADMIN bob' 'SPACE bob' 'SPACE_MEMBER carol'; do
		check "restore.status: managers $l created" grep -qx "managers $l: created" <<<"$ST"
	done
	check "...nothing failed, nothing waits" grep -q "conflicts, 0 waiting, 0 failed$" <<<"$ST"
	check_eq "the new server lists the managers the first did" "$PDBEFORE" "$(managers "$PD2")"
	check "unmount" unmount_fs "$M5"
fi

# ---- a server without authentication (hgserver answers as real 1.5.0 does) ----------------
if [ -z "${HGFS_REAL:-}" ]; then
	start_server NOAUTH --persona "$PERSONA" --graph g || exit 1
	M4=$T/mnt4
	mount_fs "$NOAUTH" "$M4" -o user=admin || exit 1
	check_eq "a server without authentication: no auth/, even for 'admin'" "graphs graphspaces" "$(ls "$M4" | tr '\n' ' ' | sed 's/ $//')"
	check "unmount" unmount_fs "$M4"
	check "...and its log says nothing of auth" sh -c "! grep -qi auth '$M4.log'"
fi

# ---- a non-administrator's mount ----------------------------------------------------------
M3=$T/mnt3
HUGEGRAPH_PASSWORD=Welcome-1 mount_fs "$SERVER" "$M3" -o user=bob || exit 1
check_eq "bob's mount shows no auth/" "graphs graphspaces" "$(ls "$M3" | tr '\n' ' ' | sed 's/ $//')"
check_fails "...auth/users.jsonl cannot be opened" cat "$M3/auth/users.jsonl"
check "...with No such file or directory, as any absent path" sh -c "cat '$M3/auth/users.jsonl' 2>&1 | grep -q 'No such file or directory'"
check_fails "...nothing can be copied into auth/restore/" cp "$BK/users.jsonl" "$M3/auth/restore/"
check "unmount" unmount_fs "$M3"
check "...and its log says nothing of auth" sh -c "! grep -qi auth '$M3.log'"

finish
