#!/bin/bash
# naive_backup.sh - the naive backup baseline of the benchmark: one
# sequential loop of curl calls paging the list API (GET .../graph/vertices
# then .../graph/edges with page=<token>&limit=L, API doc section 4.4),
# written as JSON Lines.
#
#   naive_backup.sh GRAPH_URL OUTDIR [LIMIT]
#
# GRAPH_URL is the graph's base URL, e.g.
# http://127.0.0.1:8080/graphspaces/DEFAULT/graphs/hugegraph (1.7) or
# http://127.0.0.1:8080/graphs/hugegraph (before 1.7).  LIMIT defaults to
# 500, the official tools' batch size and HugeGraph's query.page_size.
#
# Each answer is {"vertices":[{"id":...},{"id":...}],"page": "<token>"|null}
# with compact elements.  sed splits the array into lines at the element
# boundaries '},{"id":' (that byte sequence cannot occur inside a JSON
# string: the quote before id would end the string, and nothing but ',', ':',
# '}' or ']' may follow a string), so every line is the server's bytes.  The
# token is read from the end of the answer and URL-encoded by curl.  (The
# answer has no final newline; sed's '$a\' adds the last line's.)
set -euo pipefail

url=$1 out=$2 limit=${3:-500}
mkdir -p "$out"
page=$out/.page.json

for kind in vertices edges; do
	file=$out/$kind.jsonl
	: >"$file"
	token=
	while :; do
		curl -sS --fail --compressed -G --data-urlencode "page=$token" --data "limit=$limit" \
			-o "$page" "$url/graph/$kind"
		tail=$(tail -c 512 "$page")
		if [[ $tail =~ \"page\":\ *\"([^\"]*)\"\}$ ]]; then
			token=${BASH_REMATCH[1]}
		elif [[ $tail =~ \"page\":\ *null\}$ ]]; then
			token=
		else
			echo "naive_backup: unexpected end of an answer from $url/graph/$kind: ${tail: -200}" >&2
			exit 1
		fi
		sed -e "s/^{\"$kind\":\[//" -e 's/\],"page": *\("[^"]*"\|null\)}$//' \
			-e 's/},{"id":/}\n{"id":/g' -e '/^$/d' -e '$a\' "$page" >>"$file"
		[ -n "$token" ] || break
	done
done
rm -f "$page"
