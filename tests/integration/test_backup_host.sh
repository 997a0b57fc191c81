#!/bin/bash
# A backup host's mount: -o ro reads backups and changes nothing (mode,
# restore/, mkdir, chmod refused with EROFS by the kernel and, after a
# remount read-write, by the daemon itself; nothing shown writable), also
# for a second user on an allow_other mount; -o graph=NAME shows one graph;
# the fstab/systemd options reaching the daemon directly are ignored;
# examples/hugegraph-backup.sh (rsync --link-dest, retention) run against
# the mount; and every exit status of hugegraphfs(1) with its message.
. "$(dirname "$0")/lib.sh"
require_fuse

BACKEND=memory
[ -n "${HGFS_REAL:-}" ] && BACKEND=rocksdb # the real server with auth starts one memory graph only
start_server SERVER --backend "$BACKEND" --auth admin:s3cret --load "g=$SRCDIR/examples/modern" --load "other=$SRCDIR/examples/modern" \
	--graph empty || exit 1
echo s3cret >"$T/password"
echo wrong >"$T/wrong"
AUTH=(-u admin:s3cret)
check "the expected content is read from the API directly" $EXPECTED "$SERVER" g "$T/expected" --user admin --password s3cret
DATA=(schema.json vertices.jsonl edges.jsonl variables.json)
graphs_on_server() { curl -s "${AUTH[@]}" "$SERVER/graphs"; }
GRAPHS_BEFORE=$(graphs_on_server)

OTHER=hgfs-other
have_other=1
if ! id "$OTHER" >/dev/null 2>&1 && ! useradd --system --no-create-home --shell /usr/sbin/nologin "$OTHER" 2>/dev/null; then
	[ "${CI:-}" = true ] && { echo "cannot create the user $OTHER (CI runs as root)" >&2; exit 1; }
	log "skipping the second-user checks: creating a user needs root"
	have_other=0
fi
as_other() { setpriv --reuid="$OTHER" --regid="$OTHER" --clear-groups -- "$@"; }
chmod 755 "$T"

# --- -o ro,graph=g,allow_other, with the options fstab and systemd may pass ---------
M=$T/ro
mount_fs "$SERVER" "$M" -o ro,graph=g,allow_other,user=admin,password_file="$T/password",spool_dir="$T",snapshot_ttl=0 \
	-o _netdev,nofail,noauto,auto,user,users,nouser,defaults,comment=backup-host,x-systemd.automount,x-systemd.device-timeout=30 ||
	exit 1
check "mounted read-only (ro in /proc/mounts)" grep -q " $M fuse.hugegraphfs ro," /proc/mounts
check_eq "graph=g: graphs/ lists g only" "g" "$(ls "$M/graphs")"
check_fails "graph=g: graphs/other does not exist" stat "$M/graphs/other"
check "cp -r of the graph equals the API's content" bash -c "cp -r '$M/graphs/g' '$T/cp' && cd '$T/cp' && for f in ${DATA[*]}; do cmp \$f '$T/expected/'\$f || exit 1; done"
check_eq "nothing in the mount is shown writable" "" "$(find "$M" -perm /222)"
err=$(echo RESTORING 2>&1 >"$M/graphs/g/mode")
check "writing mode: Read-only file system" grep -q "Read-only file system" <<<"$err"
err=$(cp "$SRCDIR/examples/modern/schema.json" "$M/graphs/g/restore/" 2>&1)
check "copying into restore/: Read-only file system" grep -q "Read-only file system" <<<"$err"
err=$(mkdir "$M/graphs/new" 2>&1)
check "mkdir graphs/new: Read-only file system" grep -q "Read-only file system" <<<"$err"
if [ $have_other = 1 ]; then
	check "$OTHER reads a backup file" as_other cmp "$M/graphs/g/vertices.jsonl" "$T/expected/vertices.jsonl"
	err=$(as_other bash -c "echo RESTORING > '$M/graphs/g/mode'" 2>&1)
	check "$OTHER writing mode: Read-only file system" grep -q "Read-only file system" <<<"$err"
	err=$(as_other cp "$SRCDIR/examples/modern/schema.json" "$M/graphs/g/restore/" 2>&1)
	check "$OTHER copying into restore/: Read-only file system" grep -q "Read-only file system" <<<"$err"
fi

# the daemon refuses too: remounted read-write (mount -i: no helper), the
# kernel lets the writes through and the daemon answers EROFS
if mount -i -o remount,rw "$M" 2>/dev/null && grep -q " $M fuse.hugegraphfs rw," /proc/mounts; then
	err=$(echo RESTORING 2>&1 >"$M/graphs/g/mode")
	check "remounted rw: the daemon refuses a mode write with EROFS" grep -q "Read-only file system" <<<"$err"
	err=$(touch "$M/graphs/g/restore/x.jsonl" 2>&1)
	check "...and a create in restore/" grep -q "Read-only file system" <<<"$err"
	err=$(mkdir "$M/graphs/g/restore/set" 2>&1)
	check "...and a mkdir in restore/" grep -q "Read-only file system" <<<"$err"
	err=$(mkdir "$M/graphs/new" 2>&1)
	check "...and mkdir graphs/new" grep -q "Read-only file system" <<<"$err"
	err=$(mkdir "$M/graphs/other" 2>&1)
	check "...and mkdir of a graph the mount does not show" grep -q "Read-only file system" <<<"$err"
	err=$(mv "$M/graphs/g/mode" "$M/graphs/g/mode2" 2>&1)
	check "...and a rename" grep -q "Read-only file system" <<<"$err"
	err=$(chmod 600 "$M/graphs/g/mode" 2>&1)
	check "...and a chmod" grep -q "Read-only file system" <<<"$err"
	check_eq "...still nothing shown writable" "" "$(find "$M" -perm /222)"
	check "...the log names the refusals" grep -q "refused: the mount is read-only (-o ro)" "$M.log"
else
	if [ "${CI:-}" = true ]; then not_ok "remount rw to test the daemon's own refusals (CI runs as root)"; else log "skipping the daemon's own refusals: remount needs root"; fi
fi
check_eq "the server's mode is unchanged" '{"mode":"NONE"}' "$(curl -s "${AUTH[@]}" "$SERVER/graphs/g/mode")"
check_eq "the server's graphs are unchanged" "$GRAPHS_BEFORE" "$(graphs_on_server)"

# --- examples/hugegraph-backup.sh against the read-only mount --------------------------
B=$T/backups
recent=$(date -u -d '-2 days' +%Y-%m-%dT%H%M%SZ)
mkdir -p "$B/2000-01-01T000000Z/g" "$B/$recent"
BACKUP=$SRCDIR/examples/hugegraph-backup.sh
check "hugegraph-backup.sh runs (first backup)" "$BACKUP" -k 7 "$M" "$B"
first=$(readlink "$B/latest")
check "...latest points to a dated backup" test -d "$B/$first/g"
check "...its files equal a direct cp -r" bash -c "cd '$B/$first/g' && for f in ${DATA[*]} manifest.json; do cmp \$f '$T/cp/'\$f || exit 1; done"
check_eq "...and only the backup files" "edges.jsonl manifest.json schema.json variables.json vertices.jsonl" "$(ls "$B/$first/g" | tr '\n' ' ' | sed 's/ $//')"
check_fails "...a backup older than -k 7 days is removed" test -e "$B/2000-01-01T000000Z"
check "...a backup 2 days old is kept" test -d "$B/$recent"
check "hugegraph-backup.sh runs again (a new snapshot: snapshot_ttl=0)" "$BACKUP" -k 7 "$M" "$B"
second=$(readlink "$B/latest")
check "...into a new dated directory" test "$second" != "$first" -a -d "$B/$second/g"
check "...unchanged files are hard links to the first backup's" bash -c "for f in ${DATA[*]}; do [ \$(stat -c %i '$B/$first/g/'\$f) = \$(stat -c %i '$B/$second/g/'\$f) ] || exit 1; done"
check "...and equal a direct cp -r" bash -c "cd '$B/$second/g' && for f in ${DATA[*]}; do cmp \$f '$T/cp/'\$f || exit 1; done"
out=$("$BACKUP" "$M" "$B" nosuchgraph 2>&1); rc=$?
check_eq "a graph that cannot be copied: exit status 2" 2 "$rc"
check_eq "...latest still the last complete backup" "$second" "$(readlink "$B/latest")"
check_eq "...no incomplete backup left" "" "$(ls -A "$B" | grep incomplete)"
check "unmount" unmount_fs "$M"

# --- -o graph=g read-write: one graph, the others absent ------------------------------
M=$T/one
mount_fs "$SERVER" "$M" -o graph=g,user=admin,password_file="$T/password",spool_dir="$T" || exit 1
check_eq "graphs/ lists g only" "g" "$(ls "$M/graphs")"
check_eq "the root shows graphs/ only (no graphspaces/, no auth/ of the admin mount)" "graphs" "$(ls "$M")"
check_fails "graphspaces/DEFAULT/graphs/empty is not reachable either" ls "$M/graphspaces/DEFAULT/graphs/empty"
check_fails "nor auth/" ls "$M/auth"
check_fails "graphs/empty does not exist" ls "$M/graphs/empty"
check_fails "graphs/empty/mode cannot be written" bash -c "echo RESTORING > '$M/graphs/empty/mode'"
check_eq "...the server's mode of empty is unchanged" '{"mode":"NONE"}' "$(curl -s "${AUTH[@]}" "$SERVER/graphs/empty/mode")"
err=$(mkdir "$M/graphs/newgraph" 2>&1)
check "mkdir of another graph: Operation not permitted" grep -q "Operation not permitted" <<<"$err"
check_eq "...no graph created" "$GRAPHS_BEFORE" "$(graphs_on_server)"
check "g's mode can be written" bash -c "echo RESTORING > '$M/graphs/g/mode'"
check_eq "...on the server" '{"mode":"RESTORING"}' "$(curl -s "${AUTH[@]}" "$SERVER/graphs/g/mode")"
check "...and back" bash -c "echo NONE > '$M/graphs/g/mode'"
check "unmount" unmount_fs "$M"

# --- exit status (hugegraphfs(1), EXIT STATUS) -----------------------------------------
mkdir -p "$T/m0"
touch "$T/afile"
# expect_exit DESC CODE MESSAGE-REGEX ARGS...: hugegraphfs ARGS exits CODE,
# saying MESSAGE-REGEX on stderr, and mounts nothing
expect_exit() {
	local desc=$1 code=$2 re=$3 out rc
	shift 3
	out=$("$HUGEGRAPHFS" "$@" 2>&1 >/dev/null)
	rc=$?
	check_eq "exit $code: $desc" "$code" "$rc"
	check "...says: $re" grep -qE "$re" <<<"$out"
	check_fails "...nothing mounted" grep -qs " $T/m0 fuse" /proc/mounts
}
P=(-o user=admin,password_file="$T/password",spool_dir="$T")
check_eq "exit 0: --help" 0 "$("$HUGEGRAPHFS" --help >/dev/null 2>&1; echo $?)"
check_eq "exit 0: --version" 0 "$("$HUGEGRAPHFS" --version >/dev/null 2>&1; echo $?)"
expect_exit "a missing URL" 1 "^hugegraphfs: missing URL" -f
expect_exit "a bad option value" 1 "^hugegraphfs: parallel must be" -f "${P[@]}" -o parallel=0 "$SERVER" "$T/m0"
expect_exit "a password on the command line" 1 "^hugegraphfs: a password on the command line" -f -o user=admin,password=s3cret "$SERVER" "$T/m0"
expect_exit "an unknown option" 1 "unknown option.*bogus" -f "${P[@]}" -o bogus "$SERVER" "$T/m0"
expect_exit "an unknown option, before the server is asked (it cannot be reached)" 1 "unknown option.*bogus" -f "${P[@]}" -o bogus http://127.0.0.1:1 "$T/m0"
expect_exit "an invalid graph= name" 1 "is not a graph name" -f "${P[@]}" -o graph=a/b "$SERVER" "$T/m0"
expect_exit "a server that cannot be reached" 2 "^hugegraphfs: cannot use http://127.0.0.1:1" -f "${P[@]}" http://127.0.0.1:1 "$T/m0"
expect_exit "a wrong password" 3 "^hugegraphfs: cannot use .*authentication failed" -f -o user=admin,password_file="$T/wrong" "$SERVER" "$T/m0"
expect_exit "no credentials for a server that needs them" 3 "^hugegraphfs: cannot use .*401" -f "$SERVER" "$T/m0"
expect_exit "a missing mountpoint" 4 "^hugegraphfs: mountpoint $T/nope: No such file" -f "${P[@]}" "$SERVER" "$T/nope"
expect_exit "a mountpoint that is a file" 4 "^hugegraphfs: mountpoint $T/afile is not a directory" -f "${P[@]}" "$SERVER" "$T/afile"
expect_exit "an unreadable password_file" 5 "^hugegraphfs: cannot read password file $T/nofile" -f -o user=admin,password_file="$T/nofile" "$SERVER" "$T/m0"
expect_exit "a spool_dir that is missing" 5 "^hugegraphfs: spool directory $T/nodir is not writable" -f -o user=admin,password_file="$T/password",spool_dir="$T/nodir" "$SERVER" "$T/m0"
expect_exit "a log_file that cannot be written" 5 "^hugegraphfs: cannot write the log file" -f "${P[@]}" -o log_file="$T/nodir/log" "$SERVER" "$T/m0"
expect_exit "graph= names no graph of the server" 6 "^hugegraphfs: -o graph=nope: the server has no such graph" -f "${P[@]}" -o graph=nope "$SERVER" "$T/m0"
if [ $have_other = 1 ]; then
	# the mount itself refused: $OTHER may not write the root-owned mountpoint
	# (or open /dev/fuse): libfuse or fusermount3 says why
	chmod 755 "$T/m0"
	out=$(as_other env HUGEGRAPH_PASSWORD=s3cret "$HUGEGRAPHFS" -f -o user=admin,state_dir=none,spool_dir=/tmp "$SERVER" "$T/m0" 2>&1 >/dev/null)
	rc=$?
	check_eq "exit 4: a mount the system refuses (a second user on root's directory)" 4 "$rc"
	check "...libfuse or fusermount3 says why" grep -qE "fuse" <<<"$out"
	check_fails "...nothing mounted" grep -qs " $T/m0 fuse" /proc/mounts
fi

# 0: detached (no -f), then unmounted; with -f: SIGTERM is a clean stop
out=$("$HUGEGRAPHFS" "${P[@]}" -o log_file="$T/detached.log" "$SERVER" "$T/m0" 2>&1)
rc=$?
check_eq "exit 0: mounted, the daemon detached" 0 "$rc"
check "...mounted" grep -qs " $T/m0 fuse" /proc/mounts
MOUNTS+=("$T/m0")
check "...fusermount3 -u" fusermount3 -u "$T/m0"
"$HUGEGRAPHFS" -f "${P[@]}" "$SERVER" "$T/m0" 2>"$T/fg.log" &
pid=$!
for _ in $(seq 1 100); do grep -qs " $T/m0 fuse" /proc/mounts && break; sleep 0.05; done
kill -TERM "$pid"
wait "$pid"
check_eq "exit 0: -f, stopped by SIGTERM" 0 "$?"
check_fails "...unmounted" grep -qs " $T/m0 fuse" /proc/mounts
finish
