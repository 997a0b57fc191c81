#!/bin/bash
# A hung or slow server never traps a caller: an interrupted reader stops
# waiting (and the export it waited for goes on for the next reader), the
# daemon stops on SIGTERM while requests hang, metadata reads of a server
# that trickles give up within stall_timeout, and export.status shows an
# export's progress without waiting.  A loopback proxy (hangproxy.py) in
# front of hgserver hangs, trickles or slows the requests a rule names.
. "$(dirname "$0")/lib.sh"
require_fuse
SIGREADER=${SIGREADER:-$SRCDIR/build/tests/integration/sigreader}

# start_proxy VAR UPSTREAM_URL RULE_FILE: sets VAR to the proxy's URL.
start_proxy() {
	local out="$T/proxy.$RANDOM.out" url="" i
	python3 "$SRCDIR/tests/integration/hangproxy.py" "${2##*:}" "$3" >"$out" 2>"$out.err" &
	SERVER_PIDS+=("$!")
	for i in $(seq 1 100); do
		url=$(sed -n 's/^listening on \(http:[^ ]*\)$/\1/p' "$out" 2>/dev/null | head -n 1)
		[ -n "$url" ] && break
		sleep 0.1
	done
	[ -n "$url" ] || { echo "hangproxy did not start" >&2; cat "$out.err" >&2; return 1; }
	printf -v "$1" '%s' "$url"
}

# secs_since START: seconds (with decimals) since START (date +%s.%N).
secs_since() { echo "$(date +%s.%N) - $1" | bc; }
# within SECS TOOK: TOOK <= SECS
within() { [ "$(echo "$2 <= $1" | bc)" = 1 ]; }

# fails_within DESC SECS INT_AFTER CMD...: CMD, sent SIGINT after INT_AFTER
# seconds, fails within SECS; its exit status is left in LAST_RC (124: it
# was still running when SIGINT came).
fails_within() {
	local desc=$1 secs=$2 after=$3 start took
	shift 3
	start=$(date +%s.%N)
	timeout -s INT "$after" "$@" >/dev/null 2>&1
	LAST_RC=$?
	took=$(secs_since "$start")
	log "$desc: exit $LAST_RC after $took s"
	check "$desc: fails" test "$LAST_RC" -ne 0
	check "...within $secs s" within "$secs" "$took"
}

start_server SERVER --backend rocksdb --generate "g=20000,20000,7" --graph r || exit 1
RULE=$T/rule
echo pass >"$RULE"
start_proxy PROXY "$SERVER" "$RULE" || exit 1
SCANS='/(vertices|edges)/(scan|shards)'

# the files as an export straight from the server writes them
mount_fs "$SERVER" "$T/ref" -o spool_dir="$T",page_limit=500 || exit 1
mkdir -p "$T/want"
cp "$T/ref/graphs/g/schema.json" "$T/ref/graphs/g/vertices.jsonl" "$T/ref/graphs/g/edges.jsonl" "$T/want/"
check_eq "reference: 20000 vertices" 20000 "$(wc -l <"$T/want/vertices.jsonl")"
check "unmount the reference" unmount_fs "$T/ref"

M=$T/m
mount_fs "$PROXY" "$M" -o spool_dir="$T",page_limit=500,parallel=2,snapshot_ttl=1,stall_timeout=30 || exit 1
DAEMON=$LAST_DAEMON_PID
check_eq "through the proxy: cat mode" NONE "$(cat "$M/graphs/g/mode")"
check_eq "export.status before any export: idle" "state: idle" "$(cat "$M/graphs/g/export.status")"
check "export.status is listed" grep -qx export.status <(ls "$M/graphs/g")

# --- a slow export: an interrupted reader, progress, the next reader -------
echo "delay 250 $SCANS" >"$RULE"
start=$(date +%s.%N)
timeout -s INT 2 cat "$M/graphs/g/vertices.jsonl" >"$T/cut" 2>/dev/null; rc=$?
took=$(secs_since "$start")
log "an interrupted reader of a slow export: exit $rc after $took s"
check "an interrupted reader (SIGINT after 2 s) fails" test "$rc" -ne 0
check "...within 5 s, not when the export ends" within 5 "$took"
check "...and was given nothing" test ! -s "$T/cut"
check "the log says the export goes on" grep -q "waiting for the export was interrupted; the export goes on" "$M.log"
start=$(date +%s.%N)
st1=$(timeout 2 cat "$M/graphs/g/export.status"); rc=$?
took=$(secs_since "$start")
check "export.status answers at once during the export" test "$rc" -eq 0
check "...within 1 s" within 1 "$took"
check "...and says exporting" grep -qx "state: exporting" <<<"$st1"
sleep 2
st2=$(timeout 2 cat "$M/graphs/g/export.status")
e1=$(sed -n 's/^vertices.jsonl: \([0-9]*\) elements.*/\1/p' <<<"$st1")
e2=$(sed -n 's/^vertices.jsonl: \([0-9]*\) elements.*/\1/p' <<<"$st2")
log "export.status: $e1 then $e2 vertices"
sed "s/^/#   /" <<<"$st2"
check "export.status shows the vertices done growing" test "${e2:-0}" -gt "${e1:-0}"
check "...with shards done and an estimate" grep -qE "^vertices.jsonl: .*shards [0-9]+ of [0-9]+ done.*, eta " <<<"$st2"
check "...and a rate" grep -qE "^rate: [0-9]+ elements/s, [0-9]+ bytes/s" <<<"$st2"
cp "$M/graphs/g/vertices.jsonl" "$M/graphs/g/edges.jsonl" "$T/"
check "the next reader gets the complete vertices.jsonl" cmp "$T/want/vertices.jsonl" "$T/vertices.jsonl"
check "...and edges.jsonl" cmp "$T/want/edges.jsonl" "$T/edges.jsonl"
check_eq "one export served both readers" 1 "$(grep -c "snapshot of graph 'g'" "$M.log")"
check "the log has progress lines" grep -q "export of graph 'g' in progress" "$M.log"
st3=$(timeout 2 cat "$M/graphs/g/export.status")
check "export.status afterwards: idle" grep -qx "state: idle" <<<"$st3"
check "...with the last export's result" grep -qE "^last: done at .*: 20000 vertices" <<<"$st3"

# a signal the reader handles and goes on after is no reason to stop it
# (sigreader handles SIGUSR1 and, unlike dd, bash or Python, does not try
# a call again on EINTR)
sleep 1.5 # the snapshot expires (snapshot_ttl=1): the next read exports anew
"$SIGREADER" "$M/graphs/g/vertices.jsonl" "$T/usr1.out" 2>"$T/usr1.err" &
READER=$!
sleep 1
kill -USR1 "$READER"
sleep 0.5
kill -USR1 "$READER"
wait "$READER"
rc=$?
check "a reader that handles SIGUSR1 during an export is not stopped by it" test "$rc" -eq 0
check "...it had the signal" grep -qE "signals: [1-9]" "$T/usr1.err"
check "...and reads the whole file" cmp "$T/want/vertices.jsonl" "$T/usr1.out"

# --- a hung export: interrupted readers, the daemon lives on ---------------
sleep 1.5 # the snapshot expires (snapshot_ttl=1): the next read exports anew
echo "hang $SCANS" >"$RULE"
for what in cat stat; do
	fails_within "a hung server, $what interrupted after 3 s (stall_timeout is 30)" 6 3 \
		$what "$M/graphs/g/vertices.jsonl"
done
check "the daemon lives on" kill -0 "$DAEMON"
check_eq "...and answers: cat mode" NONE "$(timeout 5 cat "$M/graphs/g/mode")"
check "export.status answers during a hung export" bash -c "timeout 2 cat '$M/graphs/g/export.status' | grep -qx 'state: exporting'"

# --- SIGTERM while a reader hangs ------------------------------------------
cat "$M/graphs/g/vertices.jsonl" >/dev/null 2>"$T/cat.err" &
CAT=$!
sleep 1
start=$(date +%s.%N)
kill -TERM "$DAEMON"
for _ in $(seq 1 200); do kill -0 "$DAEMON" 2>/dev/null || break; sleep 0.05; done
took=$(secs_since "$start")
log "the daemon exited $took s after SIGTERM"
check "SIGTERM while a request hangs: the daemon exits" bash -c "! kill -0 $DAEMON 2>/dev/null"
check "...within 5 s" within 5 "$took"
check "...unmounted" bash -c "! grep -qs ' $M fuse' /proc/mounts"
check "...saying so in the log" grep -q "stopping (signal): unmounting" "$M.log"
wait "$CAT"; rc=$?
check "...and the hung reader gets an error" test "$rc" -ne 0

# --- a server that trickles: metadata reads give up within stall_timeout ---
echo pass >"$RULE"
M2=$T/m2
mount_fs "$PROXY" "$M2" -o spool_dir="$T",stall_timeout=3 || exit 1
check_eq "before: cat mode" NONE "$(cat "$M2/graphs/g/mode")"
echo "trickle ." >"$RULE"
sleep 1.2 # the graph list is reused for a second
# cat mode: two graph list requests were seen (the kernel revalidates the name
# g, then looks it up again), each given stall_timeout
fails_within "a server that trickles 80 bytes a second (stall_timeout=3): cat mode" 8 40 \
	cat "$M2/graphs/g/mode"
check "...by itself, not by the SIGINT" test "$LAST_RC" -ne 124
sleep 1.2 # the graph list is reused for a second
fails_within "a server that trickles 80 bytes a second (stall_timeout=3): ls graphs/" 5 40 \
	ls "$M2/graphs/"
check "...by itself, not by the SIGINT" test "$LAST_RC" -ne 124
check "...the log names the server and the wait" grep -qE "${PROXY}.*(timed out|Timeout)" "$M2.log"
echo pass >"$RULE"
check_eq "the server answers again: cat mode works" NONE "$(cat "$M2/graphs/g/mode")"

# --- restore.status: the rate and estimate of an import in progress --------
check "restore: echo RESTORING > mode" bash -c "echo RESTORING > '$M2/graphs/r/mode'"
check "restore: cp schema.json" cp "$T/want/schema.json" "$M2/graphs/r/restore/"
echo "delay 300 /batch" >"$RULE"
cp "$T/want/vertices.jsonl" "$M2/graphs/r/restore/" &
CP=$!
found=""
for _ in $(seq 1 150); do
	line=$(grep "^vertices.jsonl: importing" "$M2/graphs/r/restore.status")
	if grep -qE "^vertices.jsonl: importing, [1-9][0-9]*/20000 vertices, [0-9]+ vertices/s, eta [0-9]" <<<"$line"; then
		found=$line
		break
	fi
	sleep 0.2
done
log "restore.status during the import: $found"
check "restore.status shows an import's rate and estimate" test -n "$found"
echo pass >"$RULE"
wait "$CP"
check "...and the import completes" test "$?" -eq 0
check "...vertices.jsonl: imported, 20000/20000" grep -q "^vertices.jsonl: imported, 20000/20000 vertices" "$M2/graphs/r/restore.status"
check "unmount" unmount_fs "$M2"
finish
