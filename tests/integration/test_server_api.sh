#!/bin/bash
# test_server_api.sh - pins the REST behaviour of the reference server (hgserver/hgserver)
# against /work/shared/hugegraph-rest-api.md sections 2, 3.4, 4, 5, 6 and 7, for both personas.
# Prints "ok N - desc" / "not ok N - desc" lines and "N passed, N failed"; exit 0 iff all passed.
set -u

SRCDIR=${SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HGSERVER=${HGSERVER:-build/hgserver/hgserver}
[ -x "$HGSERVER" ] || HGSERVER=$SRCDIR/$HGSERVER
T=$(mktemp -d "${TMPDIR:-/tmp}/hgsrv-test.XXXXXX")
PASS=0
FAIL=0
NUM=0
PIDS=()

cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT

ok() { NUM=$((NUM + 1)); PASS=$((PASS + 1)); printf 'ok %d - %s\n' "$NUM" "$1"; }
not_ok() {
	NUM=$((NUM + 1)); FAIL=$((FAIL + 1))
	printf 'not ok %d - %s\n' "$NUM" "$1"
	shift
	local l
	for l in "$@"; do printf '#   %s\n' "${l:0:1500}"; done
}

# start_server NAME ARGS... : sets BASE_<NAME>
start_server() {
	local name=$1; shift
	"$HGSERVER" --listen 127.0.0.1:0 "$@" >"$T/$name.out" 2>"$T/$name.err" &
	PIDS+=($!)
	local i
	for i in $(seq 100); do
		if grep -q '^listening on ' "$T/$name.out" 2>/dev/null; then break; fi
		sleep 0.1
	done
	local url
	url=$(sed -n 's/^listening on //p' "$T/$name.out" | head -1)
	if [ -z "$url" ]; then
		echo "Bail out! server $name did not start: $(cat "$T/$name.err")"
		exit 1
	fi
	printf -v "BASE_$name" '%s' "$url"
}

# req METHOD URL [curl args...] : sets STATUS, BODY, CTYPE, CENC, WWWAUTH
req() {
	local method=$1 url=$2; shift 2
	rm -f "$T/body" "$T/hdr"
	STATUS=$(curl -s --compressed -X "$method" -o "$T/body" -D "$T/hdr" -w '%{http_code}' "${CURLAUTH[@]}" "$@" "$url")
	BODY=$(cat "$T/body" 2>/dev/null)
	CTYPE=$(sed -n 's/^[Cc]ontent-[Tt]ype: *\([^\r]*\)\r\?$/\1/p' "$T/hdr" | tail -1)
	CENC=$(sed -n 's/^[Cc]ontent-[Ee]ncoding: *\([^\r]*\)\r\?$/\1/p' "$T/hdr" | tail -1)
	WWWAUTH=$(sed -n 's/^[Ww][Ww][Ww]-[Aa]uthenticate: *\([^\r]*\)\r\?$/\1/p' "$T/hdr" | tail -1)
}
J=(-H 'Content-Type: application/json')

# expect DESC STATUS BODY : exact status and body
expect() {
	if [ "$STATUS" = "$2" ] && [ "$BODY" = "$3" ]; then ok "$1"; else not_ok "$1" "want $2 $3" "got  $STATUS $BODY"; fi
}
# expect_err DESC STATUS CLASS MESSAGE : exact JSON error body and content type
expect_err() {
	local want="{\"exception\":\"class $3\",\"message\":\"$4\",\"cause\":\"\"}"
	if [ "$STATUS" = "$2" ] && [ "$BODY" = "$want" ] && [ "$CTYPE" = "application/json" ] && [ -z "$CENC" ]; then
		ok "$1"
	else
		not_ok "$1" "want $2 application/json $want" "got  $STATUS $CTYPE enc=$CENC $BODY"
	fi
}
# expect_plain DESC PREFIX : 400 text/plain Jackson-style message starting with PREFIX
expect_plain() {
	if [ "$STATUS" = 400 ] && [ "$CTYPE" = "text/plain" ] && [ "${BODY#"$2"}" != "$BODY" ]; then
		ok "$1"
	else
		not_ok "$1" "want 400 text/plain $2..." "got  $STATUS $CTYPE $BODY"
	fi
}
# expect_match DESC STATUS REGEX
expect_match() {
	if [ "$STATUS" = "$2" ] && [[ "$BODY" =~ $3 ]]; then ok "$1"; else not_ok "$1" "want $2 =~ $3" "got  $STATUS $BODY"; fi
}

# ---------------------------------------------------------------- self test
if out=$("$HGSERVER" --self-test 2>&1); then ok "LongEncoding and Java double formatting self-test"; else not_ok "self-test" "$out"; fi

# ---------------------------------------------------------------- persona 1.7
start_server A --persona 1.7 --backend memory --graph hugegraph --load modern="$SRCDIR/examples/modern" \
	--auth admin:pa --reader ro:ro --batch-max 3
A=$BASE_A
G=$A/graphspaces/DEFAULT/graphs/hugegraph
L=$A/graphs/hugegraph
ADMIN=(-u admin:pa)
READER=(-u ro:ro)
CURLAUTH=()

req GET "$A/versions"
expect "1.7 versions without auth" 200 '{"versions":{"version":"v1","core":"1.7.0","gremlin":"3.5.1","api":"0.71.0.0"}}'
[ "$CTYPE" = "application/json;charset=UTF-8" ] && ok "success content type has charset" || not_ok "success content type" "$CTYPE"

req GET "$A/graphs"
expect_err "no credentials -> 401" 401 jakarta.ws.rs.NotAuthorizedException "Authentication credentials are required"
[ "$WWWAUTH" = "Missing authentication credentials" ] && ok "401 WWW-Authenticate challenge" || not_ok "401 challenge" "$WWWAUTH"
req GET "$A/graphs" -u admin:wrong
expect_err "wrong password -> 401" 401 jakarta.ws.rs.NotAuthorizedException "Authentication failed"
req GET "$A/graphs" -H "Authorization: Basic $(printf nocolon | base64)"
expect_err "malformed Basic -> 400" 400 jakarta.ws.rs.BadRequestException "Invalid syntax for username and password"
req GET "$A/graphs" -H "Authorization: Digest abc"
expect_err "other scheme -> 400" 400 jakarta.ws.rs.BadRequestException "Only HTTP Basic or Bearer authentication is supported"

CURLAUTH=("${ADMIN[@]}")
req GET "$A/graphs"
expect "legacy graph list (sorted)" 200 '{"graphs":["hugegraph","modern"]}'
req GET "$A/graphspaces/DEFAULT/graphs"
expect "graphspace graph list" 200 '{"graphs":["hugegraph","modern"]}'
req GET "$A/graphspaces/NOPE/graphs/hugegraph"
expect_err "graph of an unknown graphspace -> 404" 404 org.apache.hugegraph.exception.NotFoundException "Graph 'hugegraph' does not exist"
req GET "$A/graphspaces/NOPE/graphs"
expect "unknown graphspace lists no graph (real 1.7.0 without PD)" 200 '{"graphs":[]}'
req GET "$A/graphspaces"
expect "no graphspace listed without PD (real 1.7.0)" 200 '{"graphSpaces":[]}'
req GET "$A/graphspaces/DEFAULT/graphs/modern"
expect "graph info" 200 '{"name":"modern","backend":"memory"}'
req GET "$A/graphs/nope"
expect_err "missing graph -> 404" 404 org.apache.hugegraph.exception.NotFoundException "Graph 'nope' does not exist"
req GET "$A/graphs/hugegraph/nothing/here"
expect_err "unknown route -> 404" 404 jakarta.ws.rs.NotFoundException "HTTP 404 Not Found"

# ---- mode (section 2)
req GET "$G/mode"
expect "GET mode" 200 '{"mode":"NONE"}'
req PUT "$L/mode" "${J[@]}" -d '"RESTORING"'
expect "PUT mode RESTORING (legacy path)" 200 '{"mode":"RESTORING"}'
req GET "$G/mode"
expect "mode visible on graphspace path" 200 '{"mode":"RESTORING"}'
req PUT "$G/mode" "${J[@]}" -d 'null'
expect_err "PUT mode null -> 400" 400 java.lang.IllegalArgumentException "Graph mode can't be null"
req PUT "$G/mode" "${J[@]}" -d '"restoring"'
expect_plain "PUT mode lower-case -> Jackson 400" 'Cannot deserialize value of type `org.apache.hugegraph.type.define.GraphMode` from String "restoring"'
req PUT "$G/mode" "${J[@]}" -d '"FOO"'
expect_plain "PUT mode unknown -> Jackson 400" 'Cannot deserialize value of type'
req PUT "$G/mode" -H 'Content-Type: text/plain' -d '"NONE"'
expect_err "PUT mode text/plain -> 415" 415 jakarta.ws.rs.NotSupportedException "HTTP 415 Unsupported Media Type"
CURLAUTH=("${READER[@]}")
req GET "$G/mode"
expect "reader may GET mode" 200 '{"mode":"RESTORING"}'
req PUT "$G/mode" "${J[@]}" -d '"NONE"'
expect_err "reader PUT -> 403" 403 jakarta.ws.rs.ForbiddenException "User not authorized."
CURLAUTH=("${ADMIN[@]}")
req PUT "$G/graph_read_mode" "${J[@]}" -d '"OLAP_ONLY"'
expect_match "1.7 rejects OLAP_ONLY read mode" 400 'Graph-read-mode could be ALL or OLTP_ONLY'
req GET "$G/graph_read_mode"
expect "GET graph_read_mode" 200 '{"graph_read_mode":"OLTP_ONLY"}'

# ---- schema (section 3, RESTORING rules of 2.3)
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"name":"name","data_type":"TEXT"}'
expect_err "RESTORING: schema without id -> 400" 400 java.lang.IllegalArgumentException "Must provide schema id if in RESTORING mode"
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"id":10,"name":"name","data_type":"TEXT","user_data":{"~create_time":"2020-01-01 00:00:00.000"}}'
expect "RESTORING: PK with id -> 202, ~create_time kept" 202 '{"property_key": {"id":10,"name":"name","data_type":"TEXT","cardinality":"SINGLE","aggregate_type":"NONE","write_type":"OLTP","properties":[],"status":"CREATED","user_data":{"~create_time":"2020-01-01 00:00:00.000"}}, "task_id": 0}'
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"id":10,"name":"other"}'
expect_err "RESTORING: id clash -> ExistedException" 400 org.apache.hugegraph.exception.ExistedException "The property key id '10' has existed"
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"id":99,"name":"name","data_type":"INT","check_exist":false}'
expect_err "check_exist:false with a different definition -> 400" 400 org.apache.hugegraph.exception.ExistedException "The property key 'name' has existed"
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"id":99,"name":"name","data_type":"TEXT","check_exist":false}'
expect_match "check_exist:false same definition -> 202 existing element" 202 '^\{"property_key": \{"id":10,"name":"name".*"task_id": 0\}$'
req PUT "$G/mode" "${J[@]}" -d '"NONE"'
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"id":12,"name":"age","data_type":"INT"}'
expect_err "NONE: schema id -> 400" 400 java.lang.IllegalArgumentException "Only accept property key id when graph in RESTORING mode, but 'standardhugegraph[DEFAULT-hugegraph]' is in mode 'NONE'"
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"id":-3,"name":"neg"}'
expect_err "negative schema id -> 400 before the mode check" 400 java.lang.IllegalArgumentException "Only positive number can be assign as property key id"
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"name":"age","data_type":"INT"}'
expect_match "id counter raised past restored id" 202 '^\{"property_key": \{"id":11,"name":"age","data_type":"INT",.*"user_data":\{"~create_time":"[0-9-]{10} [0-9:]{8}\.[0-9]{3}"\}\}, "task_id": 0\}$'
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"name":"age","data_type":"INT"}'
expect_err "duplicate name -> ExistedException" 400 org.apache.hugegraph.exception.ExistedException "The property key 'age' has existed"
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"name":"x","foo":1}'
expect_plain "unknown schema field -> 400 text/plain" 'Unrecognized field "foo" (class org.apache.hugegraph.api.schema.PropertyKeyAPI$JsonPropertyKey)'
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"name":"x","data_type":"text"}'
expect_plain "lower-case enum -> 400 text/plain" 'Cannot deserialize value of type `org.apache.hugegraph.type.define.DataType` from String "text"'
req POST "$G/schema/propertykeys" "${J[@]}" -d '{"name":"a:b"}'
expect_err "illegal schema name" 400 java.lang.IllegalArgumentException "The name can't contain character ':'."
req POST "$G/schema/propertykeys" -H 'Content-Type: text/plain' -d '{"name":"x"}'
expect_err "schema POST text/plain -> 415" 415 jakarta.ws.rs.NotSupportedException "HTTP 415 Unsupported Media Type"
for pk in '{"name":"n2","data_type":"TEXT"}' '{"name":"k","data_type":"LONG"}' '{"name":"d","data_type":"DOUBLE"}' '{"name":"dt","data_type":"DATE"}' '{"name":"tags","data_type":"TEXT","cardinality":"SET"}'; do
	req POST "$G/schema/propertykeys" "${J[@]}" -d "$pk"
done
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"person","id_strategy":"PRIMARY_KEY","primary_keys":["name"],"properties":["name","age"],"nullable_keys":["age"]}'
expect_match "vertex label create -> 201" 201 '^\{"id":1,"name":"person","id_strategy":"PRIMARY_KEY","primary_keys":\["name"\],"nullable_keys":\["age"\],"index_labels":\[\],"properties":\["name","age"\],"status":"CREATED","ttl":0,"enable_label_index":true,"user_data":\{"~create_time":"[^"]*"\}\}$'
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"auto","id_strategy":"AUTOMATIC","properties":["k","d","dt","tags"],"nullable_keys":["d","dt","tags"]}'
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"two","primary_keys":["name","n2"],"properties":["name","n2"]}'
expect_match "DEFAULT id strategy resolves to PRIMARY_KEY" 201 '"id_strategy":"PRIMARY_KEY","primary_keys":\["name","n2"\]'
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"num","id_strategy":"CUSTOMIZE_NUMBER","properties":["k"]}'
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"uu","id_strategy":"CUSTOMIZE_UUID","properties":["k"],"nullable_keys":["k"]}'
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"knows","edgelabel_type":"NORMAL","source_label":"person","target_label":"person","frequency":"MULTIPLE","sort_keys":["n2"],"properties":["n2","d"],"nullable_keys":["d"]}'
expect_match "1.7 edge label JSON with edgelabel_type and links" 201 '^\{"id":1,"name":"knows","edgelabel_type":"NORMAL","source_label":"person","target_label":"person","links":\[\{"person":"person"\}\],"frequency":"MULTIPLE","sort_keys":\["n2"\],'
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"par","edgelabel_type":"PARENT"}'
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"sub","edgelabel_type":"SUB","parent_label":"par","source_label":"person","target_label":"num","properties":[]}'
expect_match "sub edge label has parent_label" 201 '"edgelabel_type":"SUB","parent_label":"par","source_label":"person","target_label":"num","links":\[\{"person":"num"\}\]'
req GET "$G/schema/edgelabels/par"
expect_match "parent label lists its children's links" 200 '"edgelabel_type":"PARENT","links":\[\{"person":"num"\}\],"frequency"'
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"knows","links":[{"person":"person"}],"frequency":"MULTIPLE","sort_keys":["n2"],"properties":["d","n2"],"nullable_keys":["d"],"check_exist":false}'
expect_match "EL check_exist:false: link given through links, sets compared -> 201 existing" 201 '^\{"id":1,"name":"knows",'
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"knows","source_label":"person","target_label":"num","frequency":"MULTIPLE","sort_keys":["n2"],"properties":["d","n2"],"nullable_keys":["d"],"check_exist":false}'
expect_err "EL check_exist:false: existing link missing -> ExistedException" 400 org.apache.hugegraph.exception.ExistedException "The edge label 'knows' has existed"
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"knows","source_label":"person","target_label":"person","sort_keys":["n2"],"properties":["d","n2"],"nullable_keys":["d"],"check_exist":false}'
expect_err "EL check_exist:false: DEFAULT frequency only matches SINGLE" 400 org.apache.hugegraph.exception.ExistedException "The edge label 'knows' has existed"
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"par","edgelabel_type":"PARENT","check_exist":false}'
expect_err "PARENT re-post without its children's links -> ExistedException" 400 org.apache.hugegraph.exception.ExistedException "The edge label 'par' has existed"
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"par","edgelabel_type":"PARENT","links":[{"person":"num"}],"check_exist":false}'
expect_match "PARENT re-post listing its children's links -> 201 existing" 201 '^\{"id":2,"name":"par","edgelabel_type":"PARENT",'
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"person","properties":["nope"],"id_strategy":"AUTOMATIC"}'
expect_err "existing name with check_exist: ExistedException before any other check" 400 org.apache.hugegraph.exception.ExistedException "The vertex label 'person' has existed"
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"person","id_strategy":"CUSTOMIZE_STRING","primary_keys":["name"],"properties":["age","name"],"nullable_keys":["age"],"enable_label_index":true,"ttl":5,"check_exist":false}'
expect_match "VL check_exist:false: id_strategy and ttl are not compared" 201 '^\{"id":1,"name":"person","id_strategy":"PRIMARY_KEY",.*"ttl":0,'
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"person","primary_keys":["name"],"properties":["age","name"],"nullable_keys":["age"],"enable_label_index":false,"check_exist":false}'
expect_err "VL check_exist:false: enable_label_index compared" 400 org.apache.hugegraph.exception.ExistedException "The vertex label 'person' has existed"
req POST "$G/schema/indexlabels" "${J[@]}" -d '{"name":"byAge","base_type":"VERTEX_LABEL","base_value":"person","index_type":"RANGE","fields":["age"]}'
expect_match "index label -> 202 with a task, RANGE in output" 202 '^\{"index_label": \{"id":1,"name":"byAge","base_type":"VERTEX_LABEL","base_value":"person","index_type":"RANGE","fields":\["age"\],"status":"CREATING",.*"task_id": [1-9][0-9]*\}$'
TASK=$(sed -n 's/.*"task_id": \([0-9]*\)}$/\1/p' <<<"$BODY")
req GET "$G/tasks/$TASK"
expect_match "index task is success" 200 "^\\{\"id\":$TASK,\"task_type\":\"rebuild_index\",.*\"task_status\":\"success\""
req POST "$G/schema/indexlabels" "${J[@]}" -d '{"name":"byAge","base_type":"VERTEX_LABEL","base_value":"person","index_type":"RANGE_INT","fields":["age"],"check_exist":false}'
expect_match "IL check_exist:false: RANGE_INT equals the stored RANGE_INT -> 202, task 0" 202 '^\{"index_label": \{"id":1,"name":"byAge",.*"task_id": 0\}$'
req POST "$G/schema/indexlabels" "${J[@]}" -d '{"name":"byAge","base_type":"VERTEX_LABEL","base_value":"person","index_type":"RANGE","fields":["age"],"check_exist":false}'
expect_match "IL check_exist:false: RANGE matches any RANGE_*" 202 '^\{"index_label": \{"id":1,"name":"byAge",.*"task_id": 0\}$'
req POST "$G/schema/indexlabels" "${J[@]}" -d '{"name":"byAge","base_type":"VERTEX_LABEL","base_value":"person","index_type":"RANGE_LONG","fields":["age"],"check_exist":false}'
expect_err "IL check_exist:false: RANGE_LONG differs from the stored RANGE_INT" 400 org.apache.hugegraph.exception.ExistedException "The index label 'byAge' has existed"
req GET "$G/tasks/9999"
expect_err "unknown task -> 404" 404 org.apache.hugegraph.exception.NotFoundException "Can't find task with id '9999'"
req GET "$G/schema"
expect_match "/schema keeps RANGE_INT" 200 '"index_type":"RANGE_INT"'
req GET "$G/schema/vertexlabels/person"
expect_match "vertex label lists its index labels" 200 '"index_labels":\["byAge"\]'
req GET "$G/schema/vertexlabels/nope"
expect_err "unknown schema name -> 404" 404 org.apache.hugegraph.exception.NotFoundException "vertex label with name 'nope' does not exist"
req GET "$G/schema/propertykeys?names=age&names=name"
expect_match "names= filter" 200 '^\{"propertykeys": \[\{"id":11,"name":"age".*\{"id":10,"name":"name".*\]\}$'
req DELETE "$G/schema/propertykeys/age"
expect_err "delete property key in use -> 400" 400 java.lang.IllegalArgumentException "Not allowed to remove property key: 'age' because the vertex label 'person' is still using it."

# ---- vertices (sections 4, 5)
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":"marko","age":29}}'
expect "single vertex create -> 201" 201 '{"id":"1:marko","label":"person","type":"vertex","properties":{"name":"marko","age":29}}'
req POST "$G/graph/vertices" "${J[@]}" -d '{"id":"1:x","label":"person","properties":{"name":"x"}}'
expect_err "PRIMARY_KEY with id -> 400" 400 java.lang.IllegalArgumentException "Can't customize vertex id when id strategy is 'PRIMARY_KEY' for vertex label 'person'"
req POST "$G/graph/vertices" "${J[@]}" -d '{"id":1,"label":"auto","properties":{"k":1}}'
expect_err "AUTOMATIC with id in NONE -> 400" 400 java.lang.IllegalArgumentException "Can't customize vertex id when id strategy is 'AUTOMATIC' for vertex label 'auto'"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"auto","properties":{"k":9007199254740993,"d":10000000000,"dt":"2019-03-12","tags":["b","a","b"]}}'
expect_match "AUTOMATIC generated numeric id, exact LONG, Java doubles, DATE, SET" 201 '^\{"id":[0-9]{15,19},"label":"auto","type":"vertex","properties":\{"tags":\["a","b"\],"k":9007199254740993,"d":1.0E10,"dt":"2019-03-12 00:00:00.000"\}\}$'
req PUT "$G/mode" "${J[@]}" -d '"RESTORING"'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"auto","properties":{"k":1}}'
expect_err "AUTOMATIC without id in RESTORING -> 400" 400 java.lang.IllegalArgumentException "Must customize vertex number id when id strategy is 'AUTOMATIC' for vertex label 'auto' in restoring mode"
req POST "$G/graph/vertices" "${J[@]}" -d '{"id":435226329513631744,"label":"auto","properties":{"k":-9223372036854775808}}'
expect "AUTOMATIC id kept in RESTORING (int64 exact)" 201 '{"id":435226329513631744,"label":"auto","type":"vertex","properties":{"k":-9223372036854775808}}'
req PUT "$G/mode" "${J[@]}" -d '"NONE"'
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[{"label":"person","properties":{"name":"a:b"}},{"label":"two","properties":{"name":"x!y","n2":"z"}},{"id":-5,"label":"num","properties":{"k":1}}]'
expect "batch ids: PK escaping and numbers" 201 '["1:a`:b","3:x`!y!z",-5]'
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[{"id":"835e1153-9281-4957-8691-cf79258e90eb","label":"uu","properties":{}}]'
expect "UUID id returned as plain string" 201 '["835e1153-9281-4957-8691-cf79258e90eb"]'
req GET "$G/graph/vertices/U%22835e1153-9281-4957-8691-cf79258e90eb%22"
expect "get by U\"uuid\" URL form" 200 '{"id":"835e1153-9281-4957-8691-cf79258e90eb","label":"uu","type":"vertex","properties":{}}'
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[]'
expect_err "empty batch -> 400" 400 java.lang.IllegalArgumentException "The number of vertices can't be 0"
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[{"label":"person","properties":{"name":"1"}},{"label":"person","properties":{"name":"2"}},{"label":"person","properties":{"name":"3"}},{"label":"person","properties":{"name":"4"}}]'
expect_err "batch over --batch-max -> 400" 400 java.lang.IllegalArgumentException "Too many vertices for one time post, the maximum number is '3'"
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[null]'
expect_err "null record -> 400" 400 java.lang.IllegalArgumentException "The batch body can't contain null record"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"two","properties":{"name":"q"}}'
expect_err "missing primary key -> checkId message" 400 java.lang.IllegalArgumentException "The primary keys: [name, n2] of vertex label 'two' must be set when using 'PRIMARY_KEY' id strategy"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"num","id":7,"properties":{}}'
expect_err "missing non-null key -> 400" 400 java.lang.IllegalArgumentException "All non-null property keys [k] of vertex label 'num' must be set, missed keys [k]"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":null}}'
expect_err "null property value (JsonVertex.checkUpdate wording)" 400 java.lang.IllegalArgumentException "Not allowed to set value of property 'name' to null for vertex 'null'"
req POST "$G/graph/vertices" "${J[@]}" -d '{"id":"x","label":"person","properties":{"zz":1}}'
expect_err "undefined property key before the id-strategy check" 400 java.lang.IllegalArgumentException "Undefined property key: 'zz'"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":"q","age":1.0}}'
expect_err "INT from a Double -> Integer.valueOf fails" 400 java.lang.IllegalArgumentException 'Invalid property value '"'1.0'"' for key '"'age'"': Can'"'"'t read '"'1.0'"' as int: For input string: \"1.0\"'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":"q","age":3000000000}}'
expect_err "INT from a Long -> NumberFormatException text" 400 java.lang.IllegalArgumentException 'Invalid property value '"'3000000000'"' for key '"'age'"': Can'"'"'t read '"'3000000000'"' as int: For input string: \"3000000000\"'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"auto","properties":{"k":1,"dt":"2019-02-30"}}'
expect_err "DATE: Joda field range check" 400 java.lang.IllegalArgumentException 'Invalid property value '"'2019-02-30'"' for key '"'dt'"': Cannot parse \"2019-02-30\": Value 30 for dayOfMonth must be in the range [1,28]'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"auto","properties":{"k":1,"dt":"2019/01/01"}}'
expect_err "DATE: DateUtil format message" 400 java.lang.IllegalArgumentException "Invalid property value '2019/01/01' for key 'dt': Expected date format is: [yyyy-MM-dd, yyyy-MM-dd HH:mm:ss, yyyy-MM-dd HH:mm:ss.SSS], but got '2019/01/01'"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"auto","properties":{"k":1,"dt":"2019-3-5 01:02:03.5","d":"NaN"}}'
expect_match "DATE: 1-digit month/day and fraction, DOUBLE from \"NaN\"" 201 '"properties":\{"k":1,"d":"NaN","dt":"2019-03-05 01:02:03.500"\}\}$'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"auto","properties":{"k":1,"tags":["a",1,"a"]}}'
expect_err "SET element of the wrong type: whole LinkedHashSet in the message" 400 java.lang.IllegalArgumentException "Invalid property value '[a, 1]' for key 'tags', expect a value of type Set<String>, actual type LinkedHashSet"
req POST "$G/graph/vertices" "${J[@]}" -d '{"id":5,"label":"uu","properties":{}}'
expect_err "CUSTOMIZE_UUID wants a string id (checkId wording)" 400 java.lang.IllegalArgumentException "Must customize vertex string id when id strategy is 'CUSTOMIZE_UUID' for vertex label 'uu'"
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[{"id":"835E1153928149578691CF79258E90EC","label":"uu","properties":{}},{"id":18446744073709551617,"label":"num","properties":{"k":1}},{"id":2.9,"label":"num","properties":{"k":1}}]'
expect "UUID from 32 hex digits; number ids by Number.longValue()" 201 '["835e1153-9281-4957-8691-cf79258e90ec",1,2]'
req POST "$G/graph/vertices" "${J[@]}" -d '{"id":"","label":"num","properties":{"k":1}}'
expect_err "empty string id" 400 java.lang.IllegalArgumentException "The id can't be null or empty"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":"q","age":"old"}}'
expect_err "wrong value type -> 400" 400 java.lang.IllegalArgumentException "Invalid property value 'old' for key 'age', expect a value of type Integer, actual type String"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"nolabel","properties":{}}'
expect_err "undefined vertex label -> 400" 400 java.lang.IllegalArgumentException "Undefined vertex label: 'nolabel'"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":"q"},"extra":1}'
expect_plain "unknown vertex field -> 400 text/plain" 'Unrecognized field "extra"'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"person","properties":{"name":"marko","age":30}}'
expect "upsert on duplicate id" 201 '{"id":"1:marko","label":"person","type":"vertex","properties":{"name":"marko","age":30}}'
printf '[{"label":"person","properties":{"name":"gz"}}]' | gzip -c >"$T/batch.gz"
req POST "$G/graph/vertices/batch" "${J[@]}" -H 'Content-Encoding: gzip' --data-binary @"$T/batch.gz"
expect "gzip request body on batch" 201 '["1:gz"]'
req GET "$G/graph/vertices/%221%3Amarko%22"
expect "get vertex by quoted id" 200 '{"id":"1:marko","label":"person","type":"vertex","properties":{"name":"marko","age":30}}'
req GET "$G/graph/vertices/%221%3Anobody%22"
expect_err "missing vertex -> 404" 404 org.apache.hugegraph.exception.NotFoundException "Vertex '1:nobody' does not exist"
req GET "$G/graph/vertices?label=person&limit=2"
if [ "$STATUS" = 200 ] && [ "$CENC" = gzip ] && [[ "$BODY" =~ ^\{\"vertices\":\[.*\]\}$ ]] && [[ "$BODY" != *'"page"'* ]]; then ok "vertex list is gzip, no page key"; else not_ok "vertex list" "$STATUS $CENC $BODY"; fi
req GET "$G/graph/vertices?label=person&limit=2&page="
TOKEN=$(sed -n 's/.*,"page": "\([^"]*\)"}$/\1/p' <<<"$BODY")
[ -n "$TOKEN" ] && ok "first page carries a token" || not_ok "first page token" "$BODY"
req GET "$G/graph/vertices?label=person&limit=100" --data-urlencode "page=$TOKEN" -G
expect_match "last page has page null (JsonSerializer writes a space after the colon)" 200 '\],"page": null\}$'
req GET "$G/graph/vertices?page=&offset=1"
expect_err "paging with offset -> 400" 400 java.lang.IllegalArgumentException "Not support querying vertices based on paging and offset together"
req GET "$G/graph/vertices?limit=800001"
expect_err "limit over capacity -> 400" 400 java.lang.IllegalArgumentException "Invalid limit 800001, must be <= capacity(800000)"

# ---- edges (section 6)
req POST "$G/graph/edges/batch" "${J[@]}" -d '[{"label":"knows","outV":"1:marko","inV":"1:a`:b","properties":{"n2":"s>t"}}]'
expect_err "batch edge without outVLabel -> 400" 400 java.lang.IllegalArgumentException "Expect source vertex label"
req POST "$G/graph/edges/batch" "${J[@]}" -d '[{"label":"knows","outV":"1:ghost","outVLabel":"person","inV":"1:marko","inVLabel":"person","properties":{"n2":"a"}}]'
expect_err "check_vertex=true, missing vertex -> 400" 400 java.lang.IllegalArgumentException "Invalid vertex id '1:ghost'"
req POST "$G/graph/edges/batch" "${J[@]}" -d '[{"label":"knows","outV":"1:marko","outVLabel":"person","inV":"1:a`:b","inVLabel":"person","properties":{"n2":"s>t","d":0.5}}]'
expect "5-part edge id with sort value and > escaping" 201 '["S1:marko>1>1>s`>t>S1:a`:b"]'
req POST "$G/graph/edges/batch?check_vertex=false" "${J[@]}" -d '[{"label":"sub","outV":"1:ghost","outVLabel":"person","inV":-5,"inVLabel":"num","properties":{}}]'
expect "sub label edge id uses parent id, check_vertex=false" 201 '["S1:ghost>2>3>>L-5"]'
req POST "$G/graph/edges/batch" "${J[@]}" -d '[{"label":"knows","outV":"1:marko","outVLabel":"person","inV":"1:marko","inVLabel":"person","properties":{"d":1}}]'
expect_err "edge without its sort key -> 400" 400 java.lang.IllegalArgumentException "The sort key(s) must be set for the edge with label: 'knows'"
req POST "$G/graph/edges/batch?check_vertex=false" "${J[@]}" -d '[{"label":"par","outV":"1:marko","outVLabel":"person","inV":1,"inVLabel":"num","properties":{}}]'
expect_err "edge with a PARENT label" 400 java.lang.IllegalArgumentException "Adding an edge of parent type is not allowed"
req POST "$G/graph/edges/batch?check_vertex=false" "${J[@]}" -d '[{"label":"knows","outV":"1:marko","outVLabel":"nope","inV":1,"inVLabel":"num","properties":{}}]'
expect_err "check_vertex=false: unknown vertex label" 400 java.lang.IllegalArgumentException "Invalid vertex label 'nope'"
req POST "$G/graph/edges" "${J[@]}" -d '{"label":"knows","outV":"1:marko","outVLabel":"nope","inV":"1:marko","inVLabel":"person","properties":{}}'
expect_err "single edge: unknown source label" 400 java.lang.IllegalArgumentException "Invalid source vertex label 'nope'"
req POST "$G/graph/edges/batch" "${J[@]}" -d '[{"label":"knows","outV":"1:marko","outVLabel":"num","inV":"1:marko","inVLabel":"person","properties":{"n2":"x"}}]'
expect_err "check_vertex=true: label mismatch" 400 java.lang.IllegalArgumentException "The label of vertex '1:marko' is unmatched, users expect label 'num', actual label stored is 'person'"
req POST "$G/graph/edges" "${J[@]}" -d '{"label":"knows","outV":"1:marko","inV":"1:marko","properties":{"n2":"x","d":null}}'
expect_err "edge null property value" 400 java.lang.IllegalArgumentException "Not allowed to set value of property 'd' to null for edge 'null'"
req GET "$G/graph/edges/S1:marko%3E1%3E1%3Es%60%3Et%3ES1:a%60:b"
expect "get edge by raw id, key order" 200 '{"id":"S1:marko>1>1>s`>t>S1:a`:b","label":"knows","type":"edge","outV":"1:marko","outVLabel":"person","inV":"1:a`:b","inVLabel":"person","properties":{"n2":"s>t","d":0.5}}'
req GET "$G/graph/edges/a%3Eb"
expect_err "malformed edge id -> 404" 404 org.apache.hugegraph.exception.NotFoundException "Edge id must be formatted as 5~6 parts, but got 2 parts: 'a>b'"
req GET "$G/graph/edges/S1:x%3E1%3E1%3E%3ES1:y"
expect_err "missing edge -> 404" 404 org.apache.hugegraph.exception.NotFoundException "Edge 'S1:x>1>1>>S1:y' does not exist"

# ---- PRIMARY_KEY ids and sort values per data type (5.2, 6.5), Java number rendering (4.5)
for k in 'xd DOUBLE' 'xf FLOAT' 'xb BOOLEAN' 'xbl BLOB' 'xdt DATE' 'xu UUID' 'xt TEXT' 'xt2 TEXT'; do
	set -- $k
	req POST "$G/schema/propertykeys" "${J[@]}" -d "{\"name\":\"$1\",\"data_type\":\"$2\",\"cardinality\":\"SINGLE\"}"
done
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"vd","id_strategy":"PRIMARY_KEY","properties":["xd"],"primary_keys":["xd"]}'
VD=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<<"$BODY")
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"vf","id_strategy":"PRIMARY_KEY","properties":["xf"],"primary_keys":["xf"]}'
VF=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<<"$BODY")
req POST "$G/schema/vertexlabels" "${J[@]}" -d '{"name":"vm","id_strategy":"PRIMARY_KEY","properties":["xb","xbl","xdt","xu","xt","xt2"],"primary_keys":["xt","xb","xbl","xdt","xu","xt2"]}'
VM=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<<"$BODY")
req POST "$G/schema/edgelabels" "${J[@]}" -d '{"name":"es","source_label":"vm","target_label":"vm","frequency":"MULTIPLE","properties":["xt","xd"],"sort_keys":["xt","xd"]}'
ES=$(sed -n 's/^{"id":\([0-9]*\),.*/\1/p' <<<"$BODY")
req POST "$G/graph/vertices/batch" "${J[@]}" -d '[{"label":"vd","properties":{"xd":-0.0}},{"label":"vd","properties":{"xd":0.0}},{"label":"vf","properties":{"xf":-0.0}}]'
expect "PK DOUBLE/FLOAT ids: -0.0 sorts below 0.0 (sortable bits, LongEncoded)" 201 "[\"$VD:0B7~~~~~~~~~~\",\"$VD:10\",\"$VF:0B7~~~~~~~~~~\"]"
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"vd","properties":{"xd":1e23}}'
expect_match "DOUBLE rendered like JDK 11/17 Double.toString (1e23 -> 9.999999999999999E22)" 201 '"properties":\{"xd":9.999999999999999E22\}\}$'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"vd","properties":{"xd":5958838436080787456}}'
expect_match "DOUBLE between 2^53 and 2^63 keeps the JDK's extra digits" 201 '"properties":\{"xd":5.9588384360807875E18\}\}$'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"vf","properties":{"xf":0.040435318}}'
expect_match "FLOAT rendered like Float.toString (last digit rounded up)" 201 '"properties":\{"xf":0.040435318\}\}$'
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"vm","properties":{"xt":"","xb":true,"xbl":"AAH/","xdt":"2018-12-17 16:00:00","xu":"835E1153-9281-4957-8691-CF79258E90EB","xt2":"a:b!c`d>e"}}'
expect_match "PK id: empty first part swallows '!', BOOLEAN, BLOB as Blob{hex}, DATE, UUID lower-case, ':' and '!' escaped" 201 "^\\{\"id\":\"$VM:true!Blob\\{0001ff\\}!7MUxuK00!835e1153-9281-4957-8691-cf79258e90eb!a\`:b\`!c\`d>e\","
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"vm","properties":{"xt":"q","xb":false,"xbl":"","xdt":0,"xu":"835e1153-9281-4957-8691-cf79258e90eb","xt2":""}}'
expect_match "PK id: empty BLOB is Blob{}, an empty last part keeps its '!'" 201 "^\\{\"id\":\"$VM:q!false!Blob\\{\\}!10!835e1153-9281-4957-8691-cf79258e90eb!\","
req POST "$G/graph/vertices" "${J[@]}" -d '{"label":"vm","properties":{"xt":"\u0001x","xb":true,"xbl":"","xdt":0,"xu":"835e1153-9281-4957-8691-cf79258e90eb","xt2":""}}'
expect_err "PK TEXT with a leading \\u0001 -> 400" 400 java.lang.IllegalArgumentException "Illegal leading char '\\\\u1' in index property: '\\u0001x'"
req POST "$G/graph/edges/batch?check_vertex=false" "${J[@]}" -d '[{"label":"es","outV":"3:x","outVLabel":"vm","inV":"3:y","inVLabel":"vm","properties":{"xt":"\u0002s","xd":1}}]'
expect_err "sort key TEXT with a leading \\u0002 -> 400 (concatValues)" 400 java.lang.IllegalArgumentException "Illegal leading char '\\\\u2' in index property: '\\u0002s'"
req POST "$G/graph/edges/batch?check_vertex=false" "${J[@]}" -d '[{"label":"es","outV":"3:x","outVLabel":"vm","inV":"3:y","inVLabel":"vm","properties":{"xt":"","xd":1}},{"label":"es","outV":"3:x","outVLabel":"vm","inV":"3:y","inVLabel":"vm","properties":{"xt":"a>b!c","xd":-0.0}}]'
expect "edge ids: empty first sort value swallows '!', '!' then '>' escaped, numbers LongEncoded" 201 "[\"S3:x>$ES>$ES>B3~l00000000>S3:y\",\"S3:x>$ES>$ES>a\`>b\`!c!0B7~~~~~~~~~~>S3:y\"]"
E1="S3:x>$ES>$ES>B3~l00000000>S3:y"
req GET "$G/graph/edges/S3:x%3EO%3E$ES%3E$ES%3EB3~l00000000%3ES3:y"
expect_match "edge GET: 6-part directed OUT form finds the edge" 200 "^\\{\"id\":\"$E1\","
req GET "$G/graph/edges/S3:y%3EI%3E0$ES%3E+$ES%3EB3~l00000000%3ES3:x"
expect_match "edge GET: IN form is turned around, label ids read with Long.parseLong" 200 "^\\{\"id\":\"$E1\","
req GET "$G/graph/edges/S3:x%3EX%3E$ES%3E$ES%3E%3ES3:y"
expect "edge GET: bad direction part -> 404 Invalid format (cause: the null edge type)" 404 "{\"exception\":\"class org.apache.hugegraph.exception.NotFoundException\",\"message\":\"Invalid format of edge id 'S3:x>X>$ES>$ES>>S3:y'\",\"cause\":\"java.lang.NullPointerException: Cannot invoke \\\"org.apache.hugegraph.type.HugeType.ordinal()\\\" because \\\"edgeType\\\" is null\"}"
req GET "$G/graph/edges/Q3:x%3E$ES%3E$ES%3E%3ES3:y"
expect "edge GET: unknown id prefix -> 404 Invalid format (cause: Invalid id)" 404 "{\"exception\":\"class org.apache.hugegraph.exception.NotFoundException\",\"message\":\"Invalid format of edge id 'Q3:x>$ES>$ES>>S3:y'\",\"cause\":\"java.lang.IllegalArgumentException: Invalid id: Q3:x\"}"
req GET "$G/traversers/edges?ids=S3:x%3EO%3E$ES%3E$ES%3EB3~l00000000%3ES3:y&ids=junk"
expect_match "traversers/edges?ids=: directed form found, malformed id skipped" 200 "^\\{\"edges\":\\[\\{\"id\":\"$E1\",[^]]*\\}\\]\\}$"
req DELETE "$G/graph/edges/a%3Eb"
expect_err "edge DELETE malformed id -> 400 quoting the NotFoundException" 400 java.lang.IllegalArgumentException "No such edge with id: 'a>b', org.apache.hugegraph.exception.NotFoundException: Edge id must be formatted as 5~6 parts, but got 2 parts: 'a>b'"
req DELETE "$G/graph/edges/S1:x%3E1%3E1%3E%3ES1:y"
expect_err "edge DELETE missing -> 400 quoting the NotFoundException" 400 java.lang.IllegalArgumentException "No such edge with id: 'S1:x>1>1>>S1:y', org.apache.hugegraph.exception.NotFoundException: Edge 'S1:x>1>1>>S1:y' does not exist"
req DELETE "$G/graph/edges/S1:x%3E1%3E1%3E%3ES1:y?label=es"
expect "edge DELETE missing with a label without index labels -> 204 (removed by id, no lookup)" 204 ""
req DELETE "$G/graph/edges/S1:x%3E1%3E1%3E%3ES1:y?label=nope"
expect_err "edge DELETE unknown label -> 400" 400 java.lang.IllegalArgumentException "Undefined edge label: 'nope'"
req DELETE "$G/graph/edges/S3:y%3EI%3E$ES%3E$ES%3EB3~l00000000%3ES3:x"
expect "edge DELETE by the IN form -> 204" 204 ""
req GET "$G/graph/edges/$(sed 's/>/%3E/g' <<<"$E1")"
expect_err "deleted edge is gone" 404 org.apache.hugegraph.exception.NotFoundException "Edge '$E1' does not exist"
req DELETE "$G/graph/vertices/%221%3Anobody%22"
expect_err "vertex DELETE missing -> 400 quoting the NotFoundException" 400 java.lang.IllegalArgumentException "No such vertex with id: '1:nobody', org.apache.hugegraph.exception.NotFoundException: Vertex '1:nobody' does not exist"
req GET "$G/graph/vertices/1:marko"
expect_err "vertex URL id: unquoted 1:marko is a Jackson error (root number needs white space after it)" 400 java.lang.IllegalArgumentException "The vertex id must be formatted as Number/String/UUID, but got '1:marko'"
req GET "$G/graph/vertices/%221%3Amarko%22junk"
expect_match "vertex URL id: text after a JSON string is ignored" 200 '^\{"id":"1:marko",'
req GET "$G/graph/vertices/U%22zz%22"
expect_err "vertex URL id: bad UUID -> formatted message without the U" 400 java.lang.IllegalArgumentException "The vertex id must be formatted as Number/String/UUID, but got '\\\"zz\\\"'"
req GET "$G/graph/vertices/%22%22"
expect_err "vertex URL id: empty string" 400 java.lang.IllegalArgumentException "The vertex id must be formatted as Number/String/UUID, but got '\\\"\\\"'"
printf '{"label":"vd","properties":{"xd":5}}' | gzip -c >"$T/one.gz"
req POST "$G/graph/vertices" "${J[@]}" -H 'Content-Encoding: gzip' --data-binary @"$T/one.gz"
expect_plain "gzip body on a single create is not decompressed (no @Decompress)" 'Illegal character ((CTRL-CHAR, code 31))'

# ---- shards and scan (section 4.6), memory backend
req GET "$G/traversers/vertices/shards?split_size=1000"
expect_err "split_size too small -> 400" 400 java.lang.IllegalArgumentException "The split-size must be >= 1048576 bytes, but got 1000"
req GET "$G/traversers/vertices/shards"
expect_err "split_size missing -> 400" 400 java.lang.IllegalArgumentException "The split-size must be >= 1048576 bytes, but got 0"
req GET "$A/graphs/modern/traversers/vertices/shards?split_size=1048576"
if [ "$STATUS" = 200 ] && [ "$CENC" = gzip ] && [ "$BODY" = '{"shards": [{"start":"","end":"6","length":0}]}' ]; then ok "memory shards: first start \"\", decimal end, gzip"; else not_ok "memory shards" "$STATUS $CENC $BODY"; fi
req GET "$A/graphs/modern/traversers/vertices/scan?start=0&end=6"
if [ "$STATUS" = 200 ] && [ "$CENC" = gzip ] && [ "$BODY" = "{\"vertices\":[$(paste -sd, "$SRCDIR/examples/modern/vertices.jsonl")]}" ]; then ok "memory scan returns the stored element bytes"; else not_ok "memory scan" "$STATUS $CENC ${BODY:0:300}"; fi
req GET "$A/graphs/modern/traversers/edges/scan?start=0&end=&page=abc"
expect_err "memory backend rejects page tokens" 400 org.apache.hugegraph.exception.NotSupportException "Unsupported paging by InMemoryDBStore"
req GET "$A/graphs/modern/traversers/edges/scan?start=&end=6"
if [ "$STATUS" = 200 ] && [ "$BODY" = "{\"edges\":[$(paste -sd, "$SRCDIR/examples/modern/edges.jsonl")]}" ]; then ok "edge scan, shard from \"\" to 6"; else not_ok "edge scan" "$STATUS ${BODY:0:300}"; fi
req GET "$A/graphs/modern/traversers/vertices/scan?start=&end=&page="
expect_err "memory scan with page= (empty) -> 500 from the paging layer" 500 java.lang.IllegalStateException 'Invalid paging iterator: class java.util.ArrayList$Itr'
req GET "$A/graphs/modern/traversers/vertices/scan?start=&end="
expect "memory scan: an empty end is entry 0, so an open shard reads nothing" 200 '{"vertices":[]}'
req GET "$A/graphs/modern/traversers/vertices/scan?start=4&end="
expect_err "memory scan: start past end -> ArrayList capacity 400" 400 java.lang.IllegalArgumentException "Illegal Capacity: -4"
req GET "$A/graphs/modern/traversers/vertices/scan?start=x&end=3"
expect_err "memory scan: non-numeric bound -> NumberFormatException 400" 400 java.lang.NumberFormatException 'For input string: \"x\"'
req GET "$A/graphs/modern/traversers/vertices/scan?start=4&end=5"
expect_match "memory scan: [start, end) by entry index" 200 '^\{"vertices":\[\{"id":"[^"]*","label":"[a-z]*","type":"vertex","properties":\{[^{}]*\}\}\]\}$'
req GET "$A/graphs/modern/traversers/vertices?ids=%221%3Amarko%22&ids=%222%3Alop%22"
expect_match "traversers by ids" 200 '^\{"vertices":\[\{"id":"1:marko".*\{"id":"2:lop".*\]\}$'

# ---- clear
req DELETE "$G/clear?confirm_message=I%27m%20sure%20to%20delete%20all%20data"
if [ "$STATUS" = 204 ]; then ok "clear -> 204"; else not_ok "clear" "$STATUS $BODY"; fi
req GET "$G/schema"
expect "schema empty after clear" 200 '{"propertykeys":[],"vertexlabels":[],"edgelabels":[],"indexlabels":[]}'
req DELETE "$G/clear?confirm_message=yes"
expect_match "clear needs the confirm message" 400 'I.m sure to delete all data'

# ---- memory shard rule: count = ceil(entries * 100 / split_size), each = entries / count, the
# remainder is an open shard (last, "") that the memory scan reads as empty
start_server C --persona 1.7 --backend memory --generate big=20001,10,7
req GET "$BASE_C/graphs/big/traversers/vertices/shards?split_size=1048576"
expect "memory shards of 20001 entries at 1 MiB" 200 '{"shards": [{"start":"","end":"10000","length":0},{"start":"10000","end":"20000","length":0},{"start":"20000","end":"","length":0}]}'
req GET "$BASE_C/graphs/big/traversers/vertices/shards?split_size=4194304"
expect "memory shards at 4 MiB: one shard" 200 '{"shards": [{"start":"","end":"20001","length":0}]}'
req GET "$BASE_C/graphs/big/traversers/vertices/scan?start=20000&end="
expect_err "memory: the open tail shard (20000, \"\") -> capacity 400" 400 java.lang.IllegalArgumentException "Illegal Capacity: -20000"
req GET "$BASE_C/graphs/big/traversers/edges/shards?split_size=1048576"
expect "memory edge shards of 10 entries" 200 '{"shards": [{"start":"","end":"10","length":0}]}'

# ---------------------------------------------------------------- persona 1.3
start_server B --persona 1.3 --backend rocksdb --load modern="$SRCDIR/examples/modern"
B=$BASE_B
M=$B/graphs/modern
CURLAUTH=()
req GET "$B/versions"
expect "1.3 versions" 200 '{"versions":{"version":"v1","core":"1.3.0","gremlin":"3.5.1","api":"0.71.0.0"}}'
req GET "$B/graphspaces/DEFAULT/graphs"
expect_err "1.3: graphspace paths are not routed" 404 jakarta.ws.rs.NotFoundException "HTTP 404 Not Found"
req GET "$M"
expect "1.3 rocksdb graph info" 200 '{"name":"modern","backend":"rocksdb"}'
req GET "$M/graph/edges/S1:marko%3E1%3E%3ES1:josh"
expect "1.3: 4-part edge ids" 200 '{"id":"S1:marko>1>>S1:josh","label":"knows","type":"edge","outV":"1:marko","outVLabel":"person","inV":"1:josh","inVLabel":"person","properties":{"date":"20130220","weight":1.0}}'
req GET "$M/graph/edges/S1:marko%3E1%3E1%3E%3ES1:josh%3Ex%3Ey"
expect_err "1.3 malformed edge id message" 404 org.apache.hugegraph.exception.NotFoundException "Edge id must be formatted as 4~5 parts, but got 7 parts: 'S1:marko>1>1>>S1:josh>x>y'"
req GET "$M/schema/edgelabels/knows"
if [ "$STATUS" = 200 ] && [[ "$BODY" != *edgelabel_type* ]] && [[ "$BODY" != *links* ]]; then ok "1.3 edge label JSON has no edgelabel_type/links"; else not_ok "1.3 EL JSON" "$BODY"; fi
req POST "$M/schema/edgelabels" "${J[@]}" -d '{"name":"e2","edgelabel_type":"NORMAL","source_label":"person","target_label":"person"}'
expect_plain "1.3 rejects edgelabel_type" 'Unrecognized field "edgelabel_type" (class org.apache.hugegraph.api.schema.EdgeLabelAPI$JsonEdgeLabel)'
req POST "$M/schema/propertykeys" "${J[@]}" -d '{"id":50,"name":"zz"}'
expect_err "1.3 graph name in mode messages" 400 java.lang.IllegalArgumentException "Only accept property key id when graph in RESTORING mode, but 'standardhugegraph[modern]' is in mode 'NONE'"
req GET "$M/traversers/vertices/shards?split_size=1048576"
expect "rocksdb shards are opaque (open bounds)" 200 '{"shards": [{"start":"","end":"","length":0}]}'
req GET "$M/traversers/vertices/scan?start=&end=&page=&page_limit=4"
P1=$(sed -n 's/.*,"page": "\([^"]*\)"}$/\1/p' <<<"$BODY")
if [ "$STATUS" = 200 ] && [ "$CENC" = gzip ] && [ -n "$P1" ] && [ "$(grep -o '"type":"vertex"' <<<"$BODY" | wc -l)" = 4 ]; then ok "rocksdb paged scan: first page of 4 + token"; else not_ok "rocksdb paged scan" "$STATUS $CENC $BODY"; fi
req GET "$M/traversers/vertices/scan?start=&end=&page_limit=4" --data-urlencode "page=$P1" -G
if [ "$STATUS" = 200 ] && [[ "$BODY" == *'],"page": null}' ]] && [ "$(grep -o '"type":"vertex"' <<<"$BODY" | wc -l)" = 2 ]; then ok "rocksdb paged scan: last page null"; else not_ok "rocksdb last page" "$STATUS $BODY"; fi
req POST "$M/graph/vertices/batch" "${J[@]}" -d "[$(printf '{"label":"person","properties":{"name":"p%d"}},' $(seq 501) | sed 's/,$//')]"
expect_err "default batch max 500" 400 java.lang.IllegalArgumentException "Too many vertices for one time post, the maximum number is '500'"

# ---------------------------------------------------------------- load/dump round trip
mkdir -p "$T/dump"
if "$HGSERVER" --load modern="$SRCDIR/examples/modern" --dump modern="$T/dump" 2>"$T/dump.err" &&
	cmp -s "$SRCDIR/examples/modern/schema.json" "$T/dump/schema.json" &&
	cmp -s "$SRCDIR/examples/modern/vertices.jsonl" "$T/dump/vertices.jsonl" &&
	cmp -s "$SRCDIR/examples/modern/edges.jsonl" "$T/dump/edges.jsonl"; then
	ok "examples/modern: load then dump gives identical bytes"
else
	not_ok "examples/modern round trip" "$(cat "$T/dump.err")"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
