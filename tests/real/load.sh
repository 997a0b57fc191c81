#!/bin/bash
# load.sh - puts a backup set into a graph of a real HugeGraph server through
# the REST API alone (not through the mount), so that the real-server tests
# have data that hugegraphfs did not write.
#
#   load.sh URL GRAPH DIR [admin:PASSWORD]
#       DIR holds schema.json, vertices.jsonl, edges.jsonl (the backup
#       format); GRAPH is set to RESTORING, filled with bench/restore_prep.py
#       and bench/raw_restore.sh (schema with its ids, batches of 500) and
#       set back to NONE.
set -euo pipefail
SRCDIR=$(cd "$(dirname "$0")/../.." && pwd)

# credentials through a curl config, never on a command line
curl_auth() {
	export CURL_HOME
	CURL_HOME=$(mktemp -d)
	trap 'rm -rf "$CURL_HOME"' EXIT
	printf 'user = "%s"\n' "$1" >"$CURL_HOME/.curlrc"
}

core_version() {
	curl -sS "$1/versions" | python3 -c 'import json,sys; print(json.load(sys.stdin)["versions"]["core"])'
}

url=$1 graph=$2 dir=$3
[ -n "${4:-}" ] && curl_auth "$4"
gurl=$url/graphs/$graph
legacy=()
case $(core_version "$url") in 1.0.* | 1.2.* | 1.3.*) legacy=(--legacy) ;; esac
prep=$(mktemp -d)
trap 'rm -rf "$prep" ${CURL_HOME:+"$CURL_HOME"}' EXIT
python3 "$SRCDIR/bench/restore_prep.py" "${legacy[@]}" "$dir" "$prep/p" >/dev/null
if [ -n "${4:-}" ]; then
	# curl's "next" forgets .curlrc's user: each request of the configs names it
	sed -i "s|^url = .*|&\nuser = \"$4\"|" "$prep/p/schema.cfg" "$prep/p/data.cfg"
fi
mode() {
	local code
	code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H 'Content-Type: application/json' -d "\"$1\"" "$gurl/mode")
	[ "$code" = 200 ] || { echo "load.sh: PUT $gurl/mode $1 -> $code" >&2; return 1; }
}
# A real server just started may refuse index label creates for a moment
# ("Can't schedule task on non-master server"; hugegraphfs waits such
# answers out, the raw loader does not): clear the graph and load again.
for try in 1 2 3 4 5; do
	mode RESTORING
	if bash "$SRCDIR/bench/raw_restore.sh" "$prep/p" "$gurl" 2 2>"$prep/err"; then
		break
	fi
	if [ "$try" = 5 ] || ! grep -q "non-master server" "$prep/err"; then
		cat "$prep/err" >&2
		exit 1
	fi
	echo "load.sh: the server is not ready to schedule tasks yet; loading again" >&2
	sleep 2
	code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "$gurl/clear?confirm_message=I%27m+sure+to+delete+all+data")
	[ "$code" = 204 ] || { echo "load.sh: DELETE $gurl/clear -> $code" >&2; exit 1; }
done
mode NONE
