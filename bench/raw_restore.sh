#!/bin/bash
# raw_restore.sh - the raw restore baseline of the benchmark: posts what
# bench/restore_prep.py prepared into a graph in RESTORING mode with plain
# curl.
#
#   raw_restore.sh PREP_DIR GRAPH_URL [PARALLEL]
#
#  1. the schema elements, one request after the other in their order, with
#     one curl process (-K schema config; 201/202 expected); then each index
#     rebuild task they started is waited for (GET .../tasks/ID until
#     "success");
#  2. the vertex batches, then the edge batches (?check_vertex=false), with
#     one curl process: curl -Z --parallel-max PARALLEL (default 4) -K the
#     data config; every answer must be 201.
# GRAPH_URL is the target graph's base URL, e.g.
# http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/newgraph.  Exits non-zero
# when any request fails.
set -euo pipefail

prep=$1 url=$2 parallel=${3:-4}

# the configs name the target as @GRAPH_URL@
sed "s|@GRAPH_URL@|$url|" "$prep/schema.cfg" >"$prep/schema.run.cfg"
sed "s|@GRAPH_URL@|$url|" "$prep/data.cfg" >"$prep/data.run.cfg"

# one read of the schema before the first create, as the mount does: the real
# HugeGraph 1.5.0 was seen to turn SUB edge labels created into a schema
# cache that nothing had read yet into NORMAL ones (their PARENT then fails
# to list: "Failed to serialize edgelabels")
curl -sS -o /dev/null "$url/schema"
codes=$(curl -sS -K "$prep/schema.run.cfg")
bad=$(grep -cvE '^20[12]$' <<<"$codes" || true)
if [ "$bad" -ne 0 ]; then
	echo "raw_restore: $bad schema requests failed:" >&2
	paste <(printf '%s\n' "$prep"/schema/*.json) <(printf '%s\n' "$codes") | grep -vE '\s20[12]$' |
		while read -r f code; do echo "  $f: HTTP $code: $(head -c 300 "$f.out" 2>/dev/null)" >&2; done
	exit 1
fi
for task in $(cat "$prep"/schema/*.out | grep -o '"task_id":[1-9][0-9]*' | cut -d: -f2); do
	for ((i = 0; ; i++)); do
		status=$(curl -sS "$url/tasks/$task")
		[[ $status == *'"task_status":"success"'* ]] && break
		if [[ $status != *'"task_status":'* || $status == *'"task_status":"failed"'* ||
			$status == *'"task_status":"cancelled"'* ]] || [ "$i" -ge 6000 ]; then
			echo "raw_restore: task $task: $status" >&2
			exit 1
		fi
		sleep 0.01
	done
done

codes=$(curl -sS --no-progress-meter -Z --parallel-max "$parallel" -K "$prep/data.run.cfg")
n=$(grep -c . <<<"$codes" || true)
bad=$(grep -cvE '^201$' <<<"$codes" || true)
if [ "$bad" -ne 0 ]; then
	echo "raw_restore: $bad of $n batch requests failed: $(grep -vE '^201$' <<<"$codes" | sort | uniq -c | tr '\n' ' ')" >&2
	exit 1
fi
