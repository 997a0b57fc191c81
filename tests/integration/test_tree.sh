#!/bin/bash
# The tree as tools see it: readdir gives every entry's type (so
# `find -type d` and `find -type f` export nothing); df shows spool_dir's
# free space and the snapshots the daemon holds; `mkdir graphs/NAME` creates
# the graph where the server allows it (HugeGraph 1.x, and 1.7 with
# authentication on) and restoring into it works, else fails with EPERM and a
# log line saying what to do; an existing graph gives EEXIST; a wrong
# mountpoint is reported as such before anything else.
# Arguments: PERSONA (1.3 or 1.7; the real server's version with HGFS_REAL)
# and auth|noauth.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.3}
AUTH=${2:-noauth}
BACKEND=memory
[ -n "${HGFS_REAL:-}" ] && BACKEND=rocksdb # the real 1.7.0 with auth starts one memory graph only
args=(--persona "$PERSONA" --backend "$BACKEND" --generate "g=300,900,5")
mopts=(-o "spool_dir=$T")
if [ "$AUTH" = auth ]; then
	args+=(--auth admin:s3cret)
	export HUGEGRAPH_PASSWORD=s3cret HGFS_AUTH=admin:s3cret
	mopts+=(-o user=admin)
fi
start_server SERVER "${args[@]}" || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" "${mopts[@]}" || exit 1

# ---- entry types -------------------------------------------------------------------------
exports() { grep -c "snapshot of graph" "$M.log"; }
# an administrator's mount also has auth/ and graphspaces/DEFAULT/auth/ (test_auth.sh)
authdirs="" authfiles="" gsauthdirs="" gsauthfiles=""
if [ "$AUTH" = auth ]; then
	authdirs="./auth ./auth/restore " gsauthdirs="./graphspaces/DEFAULT/auth ./graphspaces/DEFAULT/auth/restore "
	kinds="accesses belongs groups managers projects restore.status targets users"
	case ${HGFS_REAL:-$PERSONA} in 1.7*) ;; *) kinds=${kinds/managers /} ;; esac # managers: 1.7 only
	for k in $kinds; do
		case $k in *.status) f=$k ;; *) f=$k.jsonl ;; esac
		authfiles+="./auth/$f " gsauthfiles+="./graphspaces/DEFAULT/auth/$f "
	done
fi
dirs=$(cd "$M" && find . -type d | LC_ALL=C sort | tr '\n' ' ')
check_eq "find -type d lists the directories" ". ${authdirs}./graphs ./graphs/g ./graphs/g/restore ./graphspaces ./graphspaces/DEFAULT ${gsauthdirs}./graphspaces/DEFAULT/graphs ./graphspaces/DEFAULT/graphs/g ./graphspaces/DEFAULT/graphs/g/restore " "$dirs"
files=$(cd "$M" && find . -type f | LC_ALL=C sort | tr '\n' ' ')
gfiles="edges.jsonl export.status manifest.json mode restore.status schema.json variables.json vertices.jsonl"
# (graphspaces/DEFAULT has no graphspace.json: these servers have no graphspace definitions)
check_eq "find -type f lists the files" "${authfiles}$(for f in $gfiles; do printf './graphs/g/%s ' "$f"; done)${gsauthfiles}$(for f in $gfiles; do printf './graphspaces/DEFAULT/graphs/g/%s ' "$f"; done)" "$files"
check_eq "...and neither exported the graph (d_type, no stat)" 0 "$(exports)"
check "echo RESTORING > mode" set_mode g RESTORING
check "mkdir restore/sub" mkdir "$M/graphs/g/restore/sub"
check "a file in restore/" sh -c "echo '' > '$M/graphs/g/restore/empty.txt'"
# d_type as readdir(3) gives it (struct dirent of x86-64 and aarch64 glibc)
dtypes() {
	python3 - "$1" <<'PY'
import ctypes, sys
libc = ctypes.CDLL(None, use_errno=True)
class Dirent(ctypes.Structure):
    _fields_ = [("ino", ctypes.c_uint64), ("off", ctypes.c_int64), ("reclen", ctypes.c_ushort),
                ("type", ctypes.c_ubyte), ("name", ctypes.c_char * 256)]
libc.opendir.restype = ctypes.c_void_p
libc.readdir.restype = ctypes.POINTER(Dirent)
libc.readdir.argtypes = [ctypes.c_void_p]
libc.closedir.argtypes = [ctypes.c_void_p]
d = libc.opendir(sys.argv[1].encode())
out = []
while True:
    e = libc.readdir(d)
    if not e:
        break
    out.append("%s:%s" % (e.contents.name.decode(), {4: "d", 8: "f"}.get(e.contents.type, "?")))
libc.closedir(d)
print(" ".join(sorted(out)))
PY
}
check_eq "d_type in the graph directory" "..:d .:d edges.jsonl:f export.status:f manifest.json:f mode:f restore.status:f restore:d schema.json:f variables.json:f vertices.jsonl:f" "$(dtypes "$M/graphs/g")"
check_eq "d_type in restore/" "..:d .:d empty.txt:f sub:d" "$(dtypes "$M/graphs/g/restore")"
rootd="..:d .:d graphs:d graphspaces:d"
[ "$AUTH" = auth ] && rootd="..:d .:d auth:d graphs:d graphspaces:d"
check_eq "d_type at the root and in graphs/" "$rootd|..:d .:d g:d" "$(dtypes "$M")|$(dtypes "$M/graphs")"
gsd="..:d .:d graphs:d"
[ "$AUTH" = auth ] && gsd="..:d .:d auth:d graphs:d"
check_eq "d_type in graphspaces/ and graphspaces/DEFAULT" "..:d .:d DEFAULT:d|$gsd" "$(dtypes "$M/graphspaces")|$(dtypes "$M/graphspaces/DEFAULT")"
check "rmdir restore/sub" rmdir "$M/graphs/g/restore/sub"
check "rm restore/empty.txt" rm "$M/graphs/g/restore/empty.txt"
check "echo NONE > mode" set_mode g NONE

# ---- df ----------------------------------------------------------------------------------
avail_of() { df -B1 --output=avail "$1" | tail -n 1 | tr -d ' '; }
used_of() { df -B1 --output=used "$1" | tail -n 1 | tr -d ' '; }
# spool_dir's free space just before and after the mount's (other processes
# write to that disk meanwhile: in CI a real server's rocksdb does)
b1=$(avail_of "$T"); a=$(avail_of "$M"); b2=$(avail_of "$T")
lo=$(( (b1 < b2 ? b1 : b2) - 268435456 )); hi=$(( (b1 > b2 ? b1 : b2) + 268435456 ))
log "df avail: mount $a, spool $b1 before and $b2 after"
check "df: the mount's free space is spool_dir's (within 256 MiB of it, before or after)" test "$a" -ge "$lo" -a "$a" -le "$hi" -a "$a" -gt 0
check_eq "df: nothing used before a snapshot" 0 "$(used_of "$M")"
cat "$M/graphs/g/vertices.jsonl" >/dev/null
held=$(( $(stat -c %s "$M/graphs/g/schema.json") + $(stat -c %s "$M/graphs/g/vertices.jsonl") + $(stat -c %s "$M/graphs/g/edges.jsonl") ))
u=$(used_of "$M")
log "df used: $u for a snapshot of $held bytes"
check "df: used covers the snapshot held ($held bytes)" test "$u" -ge "$held" -a "$u" -lt $(( held + 65536 ))

# ---- mkdir graphs/NAME ---------------------------------------------------------------------
BK=$T/bk
check "backup of g" backup_set g "$BK"
check_fails "mkdir of an existing graph fails" mkdir "$M/graphs/g"
check "...with File exists" sh -c "mkdir '$M/graphs/g' 2>&1 | grep -q 'File exists'"
creates=yes
case ${HGFS_REAL:-$PERSONA} in 1.7*) [ "$AUTH" = auth ] || creates=no ;; esac
if [ $creates = yes ]; then
	check "mkdir graphs/fresh creates a graph on the server" mkdir "$M/graphs/fresh"
	check "...it is listed" sh -c "ls '$M/graphs' | grep -qx fresh"
	check "...the log says so" grep -q "graph 'fresh' created on the server, configured like 'g'" "$M.log"
	check "...its mode can be set" set_mode fresh RESTORING
	check "...and a backup restored into it" cp -r "$BK/." "$M/graphs/fresh/restore/"
	check "...with exact counts" status_all_imported fresh "" "$BK"
	check "...same content as g" same_content fresh "$BK"
	check "echo NONE > mode" set_mode fresh NONE
else
	check_fails "mkdir graphs/fresh fails (1.7 creates graphs only with authentication)" mkdir "$M/graphs/fresh"
	check "...with Operation not permitted" sh -c "mkdir '$M/graphs/fresh2' 2>&1 | grep -q 'Operation not permitted'"
	check "...and the log says what to do" grep -q "mkdir graphs/fresh: the server did not create the graph.*only with authentication on; else add the graph to the server's configuration" "$M.log"
	check "...nothing is listed" sh -c "! ls '$M/graphs' | grep -q fresh"
fi
check "unmount" unmount_fs "$M"

# ---- mountpoint errors -------------------------------------------------------------------------
out=$("$HUGEGRAPHFS" -o user=admin,password_file=/nonexistent "$SERVER" "$T/no/such/dir" 2>&1)
check "a missing mountpoint fails" test $? -ne 0
check "...naming the mountpoint, before the password" grep -q "mountpoint $T/no/such/dir: No such file or directory" <<<"$out"
touch "$T/afile"
out=$("$HUGEGRAPHFS" "$SERVER" "$T/afile" 2>&1)
check "a file as mountpoint fails" test $? -ne 0
check "...saying it is not a directory" grep -q "mountpoint $T/afile is not a directory" <<<"$out"
check "...and nothing was mounted on it" sh -c "! grep -qs ' $T/afile fuse' /proc/mounts"
finish
