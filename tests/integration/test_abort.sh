#!/bin/bash
# How the daemon ends, and its exit status: after `fusermount3 -u` it logs
# "stopping (unmounted)" and exits 0; when the kernel's FUSE connection is
# aborted under the mount (/sys/fs/fuse/connections/N/abort: every access
# then fails with ENOTCONN) it says so, removes the broken mount, and exits
# with status 7 (the daemon failed after mounting), and the mountpoint can
# be mounted again.
. "$(dirname "$0")/lib.sh"
require_fuse

start_server SERVER --persona 1.7 --load "g=$SRCDIR/examples/modern" || exit 1
M=$T/mnt
CONN=/sys/fs/fuse/connections
grep -qs " $CONN fusectl" /proc/mounts || mount -t fusectl fusectl "$CONN" 2>/dev/null
check "the FUSE control filesystem is mounted ($CONN)" grep -qs " $CONN fusectl" /proc/mounts

mount_fs "$SERVER" "$M" -o "spool_dir=$T" || exit 1
PID=$LAST_DAEMON_PID
check "fusermount3 -u" fusermount3 -u "$M"
wait "$PID"
check_eq "...the daemon exits 0" 0 "$?"
check "...logging that it was unmounted" grep -q "stopping (unmounted): unmounting" "$M.log"

mount_fs "$SERVER" "$M" -o "spool_dir=$T" || exit 1
PID=$LAST_DAEMON_PID
check "a file reads before the abort" sh -c "wc -l < '$M/graphs/g/vertices.jsonl' | grep -qx 6"
DEV=$(stat -c %d "$M")
check "the connection is aborted" sh -c "echo 1 > $CONN/$DEV/abort"
for _ in $(seq 1 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.05; done
check "...the daemon stops" sh -c "! kill -0 $PID 2>/dev/null"
wait "$PID"
check_eq "...with exit status 7" 7 "$?"
check "...saying why" grep -q "the kernel's FUSE connection of .*/mnt was aborted: stopping; unmounting it" "$M.log"
check "...the broken mount is gone" sh -c "! grep -qs ' $M fuse' /proc/mounts"
check "...the mountpoint is a plain directory again" sh -c "ls '$M' >/dev/null && test -z \"\$(ls '$M')\""
mount_fs "$SERVER" "$M" -o "spool_dir=$T" || exit 1
check "...and mounts again" sh -c "wc -l < '$M/graphs/g/vertices.jsonl' | grep -qx 6"
check "unmount" unmount_fs "$M"
finish
