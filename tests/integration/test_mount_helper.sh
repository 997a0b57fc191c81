#!/bin/bash
# Mounting like any file system: `mount -t fuse.hugegraphfs URL MNT -o ...`
# and an fstab line (a private file, `mount -T FILE MNT`) go through
# mount(8) and the FUSE mount helper mount.fuse3, which runs `hugegraphfs`
# from the default PATH.  To find the build's binary there without
# installing anything into /, the test runs in a private mount namespace
# (unshare -m) where a directory holding it is bind-mounted on
# /usr/local/bin.  The options of mount(8), fstab and systemd (_netdev,
# nofail, noauto, user, users, comment=, x-systemd.*) are accepted; the
# daemon detaches and logs to its log_file; the copies equal the API's
# content; a wrong password fails the mount with nothing mounted.
if [ -z "${HGFS_IN_NS:-}" ]; then
	if [ "$(id -u)" != 0 ] || ! command -v unshare >/dev/null || ! unshare -m true 2>/dev/null; then
		if [ "${CI:-}" = true ]; then
			echo "mount(8) and a private mount namespace need root (CI runs as root)" >&2
			exit 1
		fi
		echo "1..0 # SKIP mount(8) and a private mount namespace need root"
		exit 77
	fi
	HGFS_IN_NS=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
require_fuse
command -v mount.fuse3 >/dev/null || [ -x /sbin/mount.fuse3 ] || {
	echo "mount.fuse3 (package fuse3) is missing" >&2
	exit 1
}

start_server SERVER --auth admin:s3cret --load "g=$SRCDIR/examples/modern" --graph other || exit 1
echo s3cret >"$T/password"
chmod 600 "$T/password"
echo wrong >"$T/wrong"
check "the expected content is read from the API directly" $EXPECTED "$SERVER" g "$T/expected" --user admin --password s3cret
DATA=(schema.json vertices.jsonl edges.jsonl variables.json)

# the build's hugegraphfs where the helper's /bin/sh looks: /usr/local/bin
# of this namespace only
mkdir -p "$T/bin"
ln -s "$(readlink -f "$HUGEGRAPHFS")" "$T/bin/hugegraphfs"
mount --bind "$T/bin" /usr/local/bin || { echo "cannot bind-mount on /usr/local/bin" >&2; exit 1; }

M=$T/mnt
mkdir -p "$M"
MOUNTS+=("$M")

# the pid of the detached daemon serving $1 (its command line names it)
daemon_pid() {
	local p
	for p in /proc/[0-9]*; do
		if tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q "^hugegraphfs .* $1 -o\|/hugegraphfs .* $1 -o"; then
			echo "${p#/proc/}"
			return 0
		fi
	done
	return 1
}

# umount_wait MNT: umount(8), then wait for the detached daemon to exit
umount_wait() {
	local pid i
	pid=$(daemon_pid "$1")
	umount "$1" || return 1
	for i in $(seq 1 100); do
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	! grep -qs " $1 fuse" /proc/mounts && ! { [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }
}

copy_equals_api() {
	rm -rf "$T/copy"
	cp -r "$M/graphs/g" "$T/copy" && same_files "$T/copy" "$T/expected" "${DATA[@]}"
}

# --- mount -t fuse.hugegraphfs --------------------------------------------------
check "mount -t fuse.hugegraphfs with fstab and systemd options" \
	mount -t fuse.hugegraphfs "$SERVER" "$M" \
	-o "user=admin,password_file=$T/password,spool_dir=$T,log_file=$T/helper1.log,_netdev,nofail,noauto,users,comment=backup,x-systemd.automount,x-systemd.idle-timeout=60"
check "/proc/mounts shows fuse.hugegraphfs with the URL as its source" \
	grep -q "^hugegraphfs $M fuse.hugegraphfs " /proc/mounts
check "the daemon runs detached (found by its command line, not started by this test)" daemon_pid "$M"
check "cp -r of the mounted graph equals the API's content" copy_equals_api
check "the daemon logs to its log_file" grep -q "hugegraphfs:" "$T/helper1.log"
check "umount unmounts and the daemon exits" umount_wait "$M"

# --- the helper itself passes x-systemd.*, comment= and defaults to the daemon ----
check "mount.fuse3 -t fuse.hugegraphfs with x-systemd.*, comment=, defaults reaching the daemon" \
	mount.fuse3 "$SERVER" "$M" -t fuse.hugegraphfs \
	-o "defaults,user=admin,password_file=$T/password,spool_dir=$T,log_file=$T/helper2.log,x-systemd.requires=network-online.target,comment=x"
check "...mounted" grep -q " $M fuse.hugegraphfs " /proc/mounts
check "...cp -r equals the API's content" copy_equals_api
check "...umount" umount_wait "$M"

# --- an fstab line, in a private fstab file ------------------------------------------
cat >"$T/fstab" <<EOF
# a private fstab: /etc/fstab is not touched
$SERVER  $M  fuse.hugegraphfs  ro,_netdev,nofail,noauto,user,x-systemd.automount,comment=hg,username=admin,password_file=$T/password,spool_dir=$T,log_file=$T/helper3.log,graph=g  0 0
EOF
check "mount -T FSTAB MNT mounts the fstab line" mount -T "$T/fstab" "$M"
check "...read-only (ro in /proc/mounts)" grep -q " $M fuse.hugegraphfs ro," /proc/mounts
check_eq "...graph=g: graphs/ lists g only" "g" "$(ls "$M/graphs")"
check "...cp -r equals the API's content" copy_equals_api
err=$(echo RESTORING 2>&1 >"$M/graphs/g/mode")
check "...mode cannot be written: Read-only file system" grep -q "Read-only file system" <<<"$err"
check_eq "...the server's mode is unchanged" '{"mode":"NONE"}' "$(curl -s -u admin:s3cret "$SERVER/graphs/g/mode")"
check "...umount" umount_wait "$M"

# --- failures through mount(8) ---------------------------------------------------------
out=$(mount -t fuse.hugegraphfs "$SERVER" "$M" -o "user=admin,password_file=$T/wrong,spool_dir=$T,_netdev" 2>&1)
rc=$?
check "a wrong password fails the mount (mount exits non-zero)" test "$rc" -ne 0
check "...saying so on the terminal" grep -q "authentication failed" <<<"$out"
check_fails "...nothing is mounted" grep -q " $M fuse" /proc/mounts
out=$(mount -t fuse.hugegraphfs "$SERVER" "$M" -o "user=admin,password_file=$T/password,spool_dir=$T,bogus_option" 2>&1)
check "an unknown option fails the mount, named" grep -q "bogus_option" <<<"$out"
check_fails "...nothing is mounted" grep -q " $M fuse" /proc/mounts
finish
