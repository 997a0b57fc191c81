#!/bin/bash
# The mode file: every way users write it, the server's state after each,
# and refused values failing at write().
. "$(dirname "$0")/lib.sh"
require_fuse
PERSONA=${1:-1.7}

# The real server cannot have a second user here (tests/real/README.md):
# the reader's part runs against hgserver only.
READER=(--reader viewer:look)
[ -n "${HGFS_REAL:-}" ] && READER=()
start_server SERVER --persona "$PERSONA" --graph g --auth admin:secret "${READER[@]}" || exit 1
M=$T/mnt
HUGEGRAPH_PASSWORD=secret mount_fs "$SERVER" "$M" -o user=admin || exit 1
F=$M/graphs/g/mode

server_mode() { curl -s -u admin:secret "$SERVER/graphs/g/mode"; }

check_eq "cat mode shows the server's mode" "NONE" "$(cat "$F")"
check_eq "stat size matches the content" 5 "$(stat -c %s "$F")"

check "echo RESTORING > mode" bash -c "echo RESTORING > '$F'"
check_eq "the server is in RESTORING" '{"mode":"RESTORING"}' "$(server_mode)"
check_eq "cat mode reads it back fresh" "RESTORING" "$(cat "$F")"

check "printf without newline (applied at close)" bash -c "printf none > '$F'"
check_eq "the server is in NONE" '{"mode":"NONE"}' "$(server_mode)"

check "tee, lower case" bash -c "echo merging | tee '$F' >/dev/null"
check_eq "the server is in MERGING" '{"mode":"MERGING"}' "$(server_mode)"

check "/bin/echo with surrounding blanks" bash -c "/bin/echo '  Restoring  ' > '$F'"
check_eq "the server is in RESTORING again" '{"mode":"RESTORING"}' "$(server_mode)"

check "append with >>" bash -c "echo NONE >> '$F'"
check_eq "the server is in NONE after >>" '{"mode":"NONE"}' "$(server_mode)"

check "sed -i (temporary file renamed over mode)" sed -i 's/NONE/MERGING/' "$F"
check_eq "the server is in MERGING after sed -i" '{"mode":"MERGING"}' "$(server_mode)"
check_eq "sed -i leaves no temporary file" "edges.jsonl export.status manifest.json mode restore restore.status schema.json variables.json vertices.jsonl " "$(ls "$M/graphs/g" | tr '\n' ' ')"

check "a file written beside mode and renamed over it" bash -c "echo RESTORING > '$M/graphs/g/.mode.new' && mv '$M/graphs/g/.mode.new' '$F'"
check_eq "the server is in RESTORING after mv" '{"mode":"RESTORING"}' "$(server_mode)"

VIM=$(command -v vim || command -v vim.tiny)
check "vim edits mode in place (swap file beside it)" timeout 20 "$VIM" -N -u NONE -i NONE -es -c '%s/RESTORING/MERGING/' -c wq "$F"
check_eq "the server is in MERGING after vim" '{"mode":"MERGING"}' "$(server_mode)"
check "ed edits mode" bash -c "printf ',s/MERGING/RESTORING/\nw\nq\n' | ed -s '$F'"
check_eq "the server is in RESTORING after ed" '{"mode":"RESTORING"}' "$(server_mode)"
check_eq "the editors leave no file behind" "edges.jsonl export.status manifest.json mode restore restore.status schema.json variables.json vertices.jsonl " "$(ls -a "$M/graphs/g" | grep -v '^\.\.\?$' | tr '\n' ' ')"

check "dd with conv=notrunc" bash -c "printf 'NONE\n' | dd of='$F' conv=notrunc status=none"
check_eq "the server is in NONE after dd" '{"mode":"NONE"}' "$(server_mode)"

# refused values fail at write(), so that even bash's echo reports them
check_fails "echo BOGUS > mode fails (bash builtin)" bash -c "echo BOGUS > '$F'"
err=$(bash -c "echo BOGUS > '$F'" 2>&1)
check "the shell says: Invalid argument" grep -q "Invalid argument" <<<"$err"
check_eq "a refused value changes nothing" '{"mode":"NONE"}' "$(server_mode)"
check_fails "LOADING is not offered" bash -c "echo LOADING > '$F'"
check_fails "two values at once" bash -c "echo 'NONE RESTORING' > '$F'"
check_fails "an incomplete value fails at close" bash -c "printf REST | cat > '$F'"
check_eq "still NONE after refused values" '{"mode":"NONE"}' "$(server_mode)"
check "the refusal is in the log" grep -q "refused mode value" "$M.log"
check_fails "renaming garbage over mode fails" bash -c "echo nope > '$M/graphs/g/tmpfile' && mv '$M/graphs/g/tmpfile' '$F'"
rm -f "$M/graphs/g/tmpfile"
check_fails "mode cannot be removed" rm -f "$F"
check "chmod and touch of mode succeed" bash -c "chmod 644 '$F' && touch '$F'"

check "unmount" unmount_fs "$M"

if [ -n "${HGFS_REAL:-}" ]; then
	log "no reader user on the real server (it cannot create users on Java 17)"
	finish
fi

# a user who may read but not write: EACCES at write
HUGEGRAPH_PASSWORD=look mount_fs "$SERVER" "$M" -o user=viewer || exit 1
check_eq "a reader can read the mode" "NONE" "$(cat "$F")"
err=$(bash -c "echo RESTORING > '$F'" 2>&1)
check "a reader's write is refused with Permission denied" grep -q "Permission denied" <<<"$err"
check_eq "the server's mode is unchanged" '{"mode":"NONE"}' "$(server_mode)"
check "the server's 403 message is in the log" grep -q "403" "$M.log"
check "unmount" unmount_fs "$M"
finish
