#!/bin/bash
# Graph variables (GET .../variables) are backed up as variables.json, the
# server's bytes, listed in manifest.json, and restored through restore/:
# every value type the server keeps (string with escapes and non-ASCII,
# Integer, Long, Double, -0.0, booleans) comes back as the same value; a set
# restored with cp -r and with rsync -a gives the same variables; a file with
# a value the server cannot take (a list) or malformed JSON is refused with
# nothing posted.  Arguments: PERSONA BACKEND (real server with HGFS_REAL).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

PERSONA=${1:-1.7}
BACKEND=${2:-memory}
start_server SERVER --persona "$PERSONA" --backend "$BACKEND" --generate "g=200,400,9" --graph r --graph s || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1


check "13 variables of every kind set through the API" $RESTORE_CHECK variables-set "$SERVER" g
check "the expected content is read from the API directly" $EXPECTED "$SERVER" g "$T/exp"
BK=$T/bk
check "backup of g with cp -r" backup_set g "$BK"
check "variables.json is the server's answer, byte for byte" cmp "$BK/variables.json" "$T/exp/variables.json"
check_eq "manifest.json counts 13 variables" 13 "$(manifest_count "$BK" variables)"
check "manifest.json lists variables.json with its size and hash" $EXPECTED --check-manifest "$BK"

R=$M/graphs/r/restore
check "r: echo RESTORING > mode" set_mode r RESTORING
check "r: cp -r of the set" cp -r "$BK/." "$R/"
check "...variables.json: imported, 13/13 variables" status_is r variables.json "imported, 13/13 variables"
check "...manifest.json: 4/4 files" status_is r manifest.json "imported, 4/4 files"
check "...every variable is back with its value and type" $RESTORE_CHECK variables-same "$SERVER" r g
check "r: echo NONE > mode" set_mode r NONE
check "r's backup shows the same variables.json" cmp "$M/graphs/r/variables.json" "$BK/variables.json"

S=$M/graphs/s/restore
check "s: echo RESTORING > mode" set_mode s RESTORING
check "s: rsync -a of the set" rsync -a "$BK/" "$S/"
check "...every variable is back" $RESTORE_CHECK variables-same "$SERVER" s g

# refusals: nothing posted
mkdir -p "$T/bad1" "$T/bad2"
printf '{"a":1,"b":[1,2]}\n' >"$T/bad1/variables.json"
check_fails "a list value fails the copy" bash -c "mkdir -p '$S/list' && cp '$T/bad1/variables.json' '$S/list/'"
check "...restore.status says what is wrong" status_grep s list/variables.json "failed, .*EINVAL: variable 'b': a graph variable is a string, a number or a boolean.*nothing imported"
printf '{"a":1,"b":}\n' >"$T/bad2/variables.json"
check_fails "malformed JSON fails the copy" bash -c "mkdir -p '$S/bad' && cp '$T/bad2/variables.json' '$S/bad/'"
check "...with its column" status_grep s bad/variables.json "failed, .*EINVAL: column 12: "
check_eq "...and neither posted anything" "" "$($RESTORE_CHECK variables "$SERVER" s | grep -o '"a":')"
check "s: echo NONE > mode" set_mode s NONE
finish
