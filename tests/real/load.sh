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
mode RESTORING
bash "$SRCDIR/bench/raw_restore.sh" "$prep/p" "$gurl" 2
mode NONE
