#!/bin/bash
# examples/demo.sh, the first command of the README, run as a user runs it
# (on this build: HUGEGRAPHFS_BUILD): it sets up (nothing to install here),
# starts hgserver, mounts, backs up with cp, rsync and tar, checks the
# backup against manifest.json, shows the two refusals, restores, backs the
# restored graph up byte-identical, merges, unmounts, and ends with status
# 0, leaving nothing mounted and nothing behind.
. "$(dirname "$0")/lib.sh"
require_fuse

OUT=$T/demo.out
before=$(ls -d /tmp/hugegraphfs-demo.* 2>/dev/null | wc -l)
check "examples/demo.sh runs to its end (exit status 0)" \
	sh -c "HUGEGRAPHFS_BUILD='$BUILDDIR' '$SRCDIR/examples/demo.sh' >'$OUT' 2>&1"
log "$(tail -n 5 "$OUT" | tr '\n' '|')"
check_eq "...every file of the backup matches manifest.json's sha256" \
	"schema.json: OK vertices.jsonl: OK edges.jsonl: OK variables.json: OK" \
	"$(grep -E '^[a-z]+\.jsonl?: (OK|FAILED)$' "$OUT" | tr '\n' ' ' | sed 's/ $//')"
check_eq "...both refusals shown (restore in mode NONE, a bad mode)" 2 "$(grep -c '^(refused, exit status [1-9]' "$OUT")"
check "...the restored graph backs up byte for byte like the original" grep -q '^identical: ' "$OUT"
check "...the merge adds nothing" grep -q '^(same counts' "$OUT"
check "...it finishes" grep -q '^demo finished' "$OUT"
check "...and leaves nothing mounted" sh -c "! grep -q hugegraphfs-demo /proc/mounts"
check_eq "...nor its temporary directory" "$before" "$(ls -d /tmp/hugegraphfs-demo.* 2>/dev/null | wc -l)"
finish
