#!/bin/bash
# A second local user on a mount with -o allow_other: reads backups (as the
# modes and -o umask allow), cannot write the mode file or restore/ (the
# mount implies default_permissions), so nobody acts on the server with the
# mounting user's credentials but that user (and root).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

OTHER=hgfs-other
if ! id "$OTHER" >/dev/null 2>&1; then
	if ! useradd --system --no-create-home --shell /usr/sbin/nologin "$OTHER" 2>/dev/null; then
		if [ "${CI:-}" = true ]; then
			echo "cannot create the user $OTHER (CI runs as root)" >&2
			exit 1
		fi
		echo "1..0 # SKIP creating a second user needs root"
		exit 77
	fi
fi
as_other() { setpriv --reuid="$OTHER" --regid="$OTHER" --clear-groups -- "$@"; }

start_server SERVER --load "g=$SRCDIR/examples/modern" --graph empty || exit 1
chmod 755 "$T"
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T",allow_other || exit 1
check "the daemon runs with default_permissions" grep -q "default_permissions" "/proc/mounts" 
check "$OTHER can list the graphs" as_other ls "$M/graphs/g"
check "$OTHER can read a backup file" as_other cat "$M/graphs/g/schema.json"
check "$OTHER can copy a backup with cp -r" as_other cp -r "$M/graphs/g" "/tmp/hgfs-other-copy.$$"
rm -rf "/tmp/hgfs-other-copy.$$"
err=$(as_other bash -c "echo RESTORING > '$M/graphs/empty/mode'" 2>&1)
check "$OTHER cannot write the mode file: Permission denied" grep -q "Permission denied" <<<"$err"
check_eq "...the server's mode is unchanged" '{"mode":"NONE"}' "$(curl -s "$SERVER/graphs/empty/mode")"
check "the mounting user writes RESTORING" set_mode empty RESTORING
err=$(as_other cp "$SRCDIR/examples/modern/schema.json" "$M/graphs/empty/restore/" 2>&1)
check "$OTHER cannot copy into restore/: Permission denied" grep -q "Permission denied" <<<"$err"
check_eq "...nothing reached the server" "0 0" "$(server_counts empty)"
check_fails "$OTHER cannot create a graph directory" as_other mkdir "$M/graphs/new"
check "the mounting user still can" cp "$SRCDIR/examples/modern/schema.json" "$M/graphs/empty/restore/"
check "unmount" unmount_fs "$M"

# -o umask=0077: backups are the mounting user's alone
mount_fs "$SERVER" "$M" -o spool_dir="$T",allow_other,umask=0077 || exit 1
check_fails "with umask=0077 $OTHER cannot read a backup file" as_other cat "$M/graphs/g/vertices.jsonl"
check "...the mounting user can" cat "$M/graphs/g/vertices.jsonl"
check "unmount" unmount_fs "$M"
finish
