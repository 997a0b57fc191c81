#!/bin/bash
# Failures: a server that dies mid-export, flaky servers, wrong credentials,
# wrong URLs.  A truncated file is never presented as complete.
. "$(dirname "$0")/lib.sh"
require_fuse

# wrong URL: nothing is mounted, a clear message, non-zero exit
mkdir -p "$T/m0"
out=$("$HUGEGRAPHFS" -f http://127.0.0.1:1 "$T/m0" 2>&1); rc=$?
check "an unreachable server: non-zero exit" test "$rc" -ne 0
check "an unreachable server: the message says so" grep -qi "cannot use http://127.0.0.1:1" <<<"$out"
check "an unreachable server: nothing is mounted" bash -c "! grep -qs ' $T/m0 fuse' /proc/mounts"

start_server SERVER --auth admin:secret --load "g=$SRCDIR/examples/modern" || exit 1
out=$(HUGEGRAPH_PASSWORD=wrong "$HUGEGRAPHFS" -f -o user=admin "$SERVER" "$T/m0" 2>&1); rc=$?
check "a wrong password: non-zero exit" test "$rc" -ne 0
check "a wrong password: the message says so" grep -qi "401\|auth" <<<"$out"
check "a wrong password: nothing is mounted" bash -c "! grep -qs ' $T/m0 fuse' /proc/mounts"
out=$("$HUGEGRAPHFS" -f "$SERVER" "$T/m0" 2>&1); rc=$?
check "no credentials for a server that needs them: refused" test "$rc" -ne 0
out=$("$HUGEGRAPHFS" -f -o password=secret,user=admin "$SERVER" "$T/m0" 2>&1); rc=$?
check "a password on the command line is refused" test "$rc" -ne 0
check "...with a message pointing to HUGEGRAPH_PASSWORD" grep -q HUGEGRAPH_PASSWORD <<<"$out"
echo secret >"$T/pw"
if mount_fs "$SERVER" "$T/m1" -o user=admin,password_file="$T/pw"; then ok "password_file works"; else not_ok "password_file works"; fi
check "and the graph is readable" test -s "$T/m1/graphs/g/vertices.jsonl"
check "unmount" unmount_fs "$T/m1"
out=$(http_proxy= "$HUGEGRAPHFS" -f "http://127.0.0.1:1/some/path" "$T/m0" 2>&1); rc=$?
check "a URL with a path is refused" test "$rc" -ne 0
stop_server "$LAST_SERVER_PID"

# daemon mode (no -f): relative spool_dir and log_file still work after it detaches
start_server SERVER --load "g=$SRCDIR/examples/modern" || exit 1
mkdir -p "$T/d/spool" "$T/d/mnt"
( cd "$T/d" && "$HUGEGRAPHFS" -o spool_dir=spool,log_file=daemon.log "$SERVER" mnt ); rc=$?
MOUNTS+=("$T/d/mnt")
check "daemon mode: mounts and returns" test "$rc" -eq 0
check_eq "daemon mode: the graph reads" 6 "$(wc -l <"$T/d/mnt/graphs/g/vertices.jsonl")"
bash -c "echo BOGUS > '$T/d/mnt/graphs/g/mode'" 2>/dev/null
check "daemon mode: the log file has the snapshot" grep -q "snapshot of graph 'g': 6 vertices, 6 edges" "$T/d/daemon.log"
check "daemon mode: ...and the refused value, on one line" grep -q "refused mode value 'BOGUS': write NONE" "$T/d/daemon.log"
dpid=$(pgrep -f -- "-o spool_dir=spool,log_file=daemon.log")
check "daemon mode: the daemon runs detached" test -n "$dpid"
fusermount3 -u "$T/d/mnt"
for _ in $(seq 1 100); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.05; done
check "daemon mode: the daemon exits at unmount" bash -c "! kill -0 ${dpid:-0} 2>/dev/null"
cp "$T/d/daemon.log" "$T/daemon.log" # checked for sanitizer reports at the end
stop_server "$LAST_SERVER_PID"

# graphspaces: an unknown one is refused before mounting, on both generations
start_server SERVER --graph g || exit 1
out=$("$HUGEGRAPHFS" -f -o graphspace=OTHER "$SERVER" "$T/m0" 2>&1); rc=$?
check "1.7 without PD: an unknown graphspace is refused" test "$rc" -ne 0
check "...saying the server lists none" grep -q "graphspace 'OTHER' does not exist: the server lists no graphspace" <<<"$out"
stop_server "$LAST_SERVER_PID"
start_server SERVER --graph g --graph gs1/h || exit 1
out=$("$HUGEGRAPHFS" -f -o graphspace=OTHER "$SERVER" "$T/m0" 2>&1); rc=$?
check "1.7 with graphspaces: an unknown one is refused" test "$rc" -ne 0
check "...with the server's message" grep -q "Graphspace not exist" <<<"$out"
if mount_fs "$SERVER" "$T/m1" -o graphspace=gs1; then ok "1.7: graphspace=gs1 mounts"; else not_ok "1.7: graphspace=gs1 mounts"; fi
check_eq "...and lists its graphs" h "$(ls "$T/m1/graphs")"
check "unmount" unmount_fs "$T/m1"
stop_server "$LAST_SERVER_PID"
start_server SERVER --persona 1.3 --graph g || exit 1
out=$("$HUGEGRAPHFS" -f -o graphspace=OTHER "$SERVER" "$T/m0" 2>&1); rc=$?
check "1.3: a graphspace other than DEFAULT is refused" test "$rc" -ne 0
check "...saying it needs 1.7" grep -q "needs HugeGraph 1.7" <<<"$out"
if mount_fs "$SERVER" "$T/m2" -o graphspace=DEFAULT; then ok "1.3: graphspace=DEFAULT mounts"; else not_ok "1.3: graphspace=DEFAULT mounts"; fi
check_eq "...and lists the graphs" g "$(ls "$T/m2/graphs")"
check "unmount" unmount_fs "$T/m2"
stop_server "$LAST_SERVER_PID"

# the server dies in the middle of an export
start_server SERVER --latency-ms 200 --generate "g=40000,20000,3" || exit 1
SPID=$LAST_SERVER_PID
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T",parallel=1 || exit 1
( stat -c %s "$M/graphs/g/vertices.jsonl" >"$T/stat.out" 2>"$T/stat.err"; echo $? >"$T/stat.rc" ) & statpid=$!
sleep 1.0
stop_server "$SPID"
wait $statpid
check "stat fails when the server dies mid-export" test "$(cat "$T/stat.rc")" -ne 0
check "...with an I/O error" grep -q "Input/output error" "$T/stat.err"
check "the reason is in the log" grep -q "export of graph 'g' failed" "$M.log"
check_fails "a later read fails too (no partial file)" cat "$M/graphs/g/vertices.jsonl"
check "unmount is clean" unmount_fs "$M"
check "no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"

# a full spool directory: ENOSPC, a readable reason, nothing half shown
start_server SERVER --generate "g=5000,10000,9" || exit 1
if small_tmpfs "$T/small" "the full-spool case"; then
	mount_fs "$SERVER" "$M" -o spool_dir="$T/small" || exit 1
	err=$(stat -c %s "$M/graphs/g/edges.jsonl" 2>&1); rc=$?
	check "a full spool: stat fails" test "$rc" -ne 0
	check "...with No space left on device" grep -q "No space left on device" <<<"$err"
	check "the log says the spool directory is full" grep -q "spool directory $T/small is full" "$M.log"
	check "the full spool is released again" bash -c "[ \"\$(df --output=used -k '$T/small' | tail -n 1 | tr -d ' ')\" -lt 100 ]"
	check "unmount" unmount_fs "$M"
	umount "$T/small"
fi

# kill -9 in the middle of an export: the spool is gone with the process
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
cat "$M/graphs/g/edges.jsonl" >/dev/null 2>&1 &
catpid=$!
sleep 0.2
kill -9 "$LAST_DAEMON_PID"
wait "$catpid" 2>/dev/null
fusermount3 -u "$M" 2>/dev/null || fusermount3 -uz "$M" 2>/dev/null
check "kill -9: no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name '#*' -o -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"
check "kill -9: the mount point is usable again after fusermount3 -u" bash -c "! grep -qs ' $M fuse' /proc/mounts && ls '$M' >/dev/null"
stop_server "$LAST_SERVER_PID"

# SIGTERM to the daemon: it unmounts and exits, leaving nothing behind
start_server SERVER --load "g=$SRCDIR/examples/modern" || exit 1
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1
exec 4<"$M/graphs/g/edges.jsonl"
check "a snapshot file is open" test -s "$M/graphs/g/edges.jsonl"
kill -TERM "$LAST_DAEMON_PID"
for _ in $(seq 1 100); do kill -0 "$LAST_DAEMON_PID" 2>/dev/null || break; sleep 0.05; done
check "SIGTERM: the daemon exits" bash -c "! kill -0 $LAST_DAEMON_PID 2>/dev/null"
exec 4<&-
fusermount3 -u "$M" 2>/dev/null
check "SIGTERM: nothing stays mounted" bash -c "! grep -qs ' $M fuse' /proc/mounts"
check "SIGTERM: no spool file is left behind" bash -c "[ -z \"\$(find '$T' -maxdepth 1 -name 'hugegraphfs-spool*')\" ]"
stop_server "$LAST_SERVER_PID"

# a flaky server: every attempt either fails or yields the complete content
start_server SERVER --fail-rate 0.1,11 --generate "g=5000,10000,5" || exit 1
start_server CLEAN --generate "g=5000,10000,5" || exit 1
$EXPECTED "$CLEAN" g "$T/exp"
mount_fs "$SERVER" "$M" -o spool_dir="$T",snapshot_ttl=0 || exit 1
good=0; bad=0; short=0
for i in $(seq 1 15); do
	if cat "$M/graphs/g/edges.jsonl" >"$T/try" 2>/dev/null; then
		if cmp -s "$T/try" "$T/exp/edges.jsonl"; then good=$((good + 1)); else short=$((short + 1)); fi
	else
		bad=$((bad + 1))
	fi
	sleep 0.05
done
log "flaky server: $good complete, $bad failed loudly, $short wrong"
check_eq "a flaky server never yields a short or wrong file" 0 "$short"
check "failed requests are retried: reads of a flaky server complete" test "$good" -gt 0
check "the retries are in the log" grep -q "retrying" "$M.log"
check "unmount" unmount_fs "$M"

# a hung server (SIGSTOP): with -o stall_timeout=3 a caller gets its error
# in seconds, not after three tries of the 300 s request timeout
start_server HUNG --load "g=$SRCDIR/examples/modern" || exit 1
HPID=$LAST_SERVER_PID
mount_fs "$HUNG" "$M" -o spool_dir="$T",stall_timeout=3 || exit 1
check_eq "before: cat mode" NONE "$(cat "$M/graphs/g/mode")"
kill -STOP "$HPID"
start=$(date +%s)
check_fails "a hung server: cat mode fails" cat "$M/graphs/g/mode"
took=$(($(date +%s) - start))
log "cat mode gave up after $took s"
check "...within 10 s (stall_timeout=3, no retry after a stalled request)" test "$took" -le 10
start=$(date +%s)
check_fails "a hung server: stat of a snapshot file fails" stat "$M/graphs/g/vertices.jsonl"
took=$(($(date +%s) - start))
log "the export gave up after $took s"
check "...within 30 s (a stalled scan is retried from where it failed, 4 times at most)" test "$took" -le 30
check "...the log says it timed out" grep -qiE "timed out|timeout|too slow|less than" "$M.log"
kill -CONT "$HPID"
check_eq "after SIGCONT: cat mode works again" NONE "$(cat "$M/graphs/g/mode")"
check "unmount" unmount_fs "$M"
finish
