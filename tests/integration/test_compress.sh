#!/bin/bash
# -o compress=gzip and -o compress=zstd: the snapshot files show as
# schema.json.gz, vertices.jsonl.gz, ... (.zst) with exact sizes, decompress
# to the API's content (read independently), are listed with their sizes and
# hashes in manifest.json (format_version 2), are byte-identical in two
# snapshots of an unchanged graph, and after a few vertices change a delta
# rsync of the new backup over the old sends a small part of the file.
# restore/ takes the compressed sets (cp -r, rsync -a) into empty graphs
# (RESTORING, byte-identical again), a plain set through a compressing
# mount, a gzip file under any name; a corrupt .gz fails its close() with
# EINVAL naming the file, nothing of it imported.
. "$(dirname "$0")/lib.sh"
require_fuse
command -v zstd >/dev/null || { echo "zstd (the command) is needed: scripts/install-deps.sh" >&2; exit 1; }

start_server SERVER --generate "g=20000,50000,7" --graph rg --graph rz --graph rp --graph rbad || exit 1
P=$T/plain
mount_fs "$SERVER" "$P" -o spool_dir="$T",state_dir=none || exit 1
for cz in gz zst; do
	name=$([ $cz = gz ] && echo gzip || echo zstd)
	mount_fs "$SERVER" "$T/$cz" -o spool_dir="$T",state_dir="$T/state.$cz",snapshot_ttl=1,compress=$name || exit 1
done
FILES="schema.json vertices.jsonl edges.jsonl variables.json"
DATA="schema.json vertices.jsonl edges.jsonl"
unpack() { # CZ FILE: the plain bytes on stdout
	if [ "$1" = gz ]; then gzip -dc "$2"; else zstd -qdc "$2"; fi
}
exports() { grep -c "snapshot of graph 'g' compressed" "$T/$1.log"; }

check "the expected content is read from the API directly" $EXPECTED "$SERVER" g "$T/exp"
check "plain backup with cp -r" cp -r "$P/graphs/g" "$T/bplain"

# manifest.json against the files beside it: names, sizes, hashes, plain ones
check_manifest() { # DIR CZNAME PLAIN_DIR
	python3 - "$@" <<'PY'
import hashlib, json, os, sys
d, cz, plain = sys.argv[1:4]
m = json.load(open(os.path.join(d, "manifest.json")))
sfx = {"gzip": ".gz", "zstd": ".zst"}[cz]
assert m["format_version"] == 2, m["format_version"]
assert m["compression"] == cz, m.get("compression")
names = sorted(m["files"])
want = sorted(f + sfx for f in ["schema.json", "vertices.jsonl", "edges.jsonl", "variables.json"])
assert names == want, names
sha = lambda p: hashlib.sha256(open(p, "rb").read()).hexdigest()
for n, e in m["files"].items():
    p = os.path.join(d, n)
    assert os.path.getsize(p) == e["size"], (n, os.path.getsize(p), e["size"])
    assert sha(p) == e["sha256"], n
    q = os.path.join(plain, n[: -len(sfx)])
    assert os.path.getsize(q) == e["plain_size"], n
    assert sha(q) == e["plain_sha256"], n
PY
}

for cz in gz zst; do
	G=$T/$cz/graphs/g
	check_eq "$cz: the graph directory lists the compressed names, manifest.json plain" \
		"edges.jsonl.$cz export.status manifest.json mode restore restore.status schema.json.$cz variables.json.$cz vertices.jsonl.$cz" \
		"$(ls "$G" | tr '\n' ' ' | sed 's/ $//')"
	for f in $FILES; do
		check_eq "$cz: st_size of $f.$cz is the bytes read" "$(stat -c %s "$G/$f.$cz")" "$(wc -c <"$G/$f.$cz")"
	done
	check "$cz: backup with cp -r" cp -r "$G" "$T/b1$cz"
	check "$cz: the files are valid for the standard tool" bash -c "cd '$T/b1$cz' && $([ $cz = gz ] && echo 'gzip -t' || echo 'zstd -qt') *.$cz"
	for f in $DATA; do
		check "$cz: $f.$cz decompresses to the API's content" bash -c "$(declare -f unpack); unpack $cz '$T/b1$cz/$f.$cz' | cmp - '$T/exp/$f'"
	done
	check "$cz: variables.json.$cz decompresses to the plain mount's" bash -c "$(declare -f unpack); unpack $cz '$T/b1$cz/variables.json.$cz' | cmp - '$T/bplain/variables.json'"
	check "$cz: manifest.json lists the compressed files (sizes, SHA-256) and their plain forms" \
		check_manifest "$T/b1$cz" "$([ $cz = gz ] && echo gzip || echo zstd)" "$T/bplain"
	check "$cz: the compressed set is smaller than a third of the plain one" \
		test $(($(cat "$T/b1$cz"/*.$cz | wc -c) * 3)) -lt "$(cat "$T/bplain"/*.json* | wc -c)"
	n1=$(exports $cz)
	sleep 1.3 # past snapshot_ttl: the next look exports again
	check "$cz: second backup of the unchanged graph" cp -r "$G" "$T/b2$cz"
	check "$cz: it came from a new export" test "$(exports $cz)" -gt "$n1"
	for f in $FILES; do
		check "$cz: $f.$cz is byte-identical in both snapshots" cmp "$T/b1$cz/$f.$cz" "$T/b2$cz/$f.$cz"
	done
	check "$cz: manifest.json too" cmp "$T/b1$cz/manifest.json" "$T/b2$cz/manifest.json"
done

# ---- rsyncable: a few vertices change, rsync's delta stays small ----
vlines=$(grep '"label":"v_num"' "$T/exp/vertices.jsonl" | awk 'NR == 40 || NR == 400 || NR == 1200' |
	sed 's/"p_byte":-\{0,1\}[0-9]*/"p_byte":7/' | paste -sd, -)
check_eq "three v_num vertices change on the server (upserts)" 201 \
	"$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "[$vlines]" "$SERVER/graphs/g/graph/vertices/batch")"
check "the API's content changed" bash -c "$EXPECTED '$SERVER' g '$T/exp2' && ! cmp -s '$T/exp/vertices.jsonl' '$T/exp2/vertices.jsonl'"
sleep 1.3
for cz in gz zst; do
	G=$T/$cz/graphs/g
	cp -a "$T/b1$cz" "$T/b3$cz"
	check "$cz: rsync --no-whole-file --stats of the changed graph over the first backup" \
		bash -c "rsync -a --no-whole-file --stats '$G/' '$T/b3$cz/' > '$T/rsync.$cz'"
	check "$cz: the new vertices.jsonl.$cz holds the change" bash -c "$(declare -f unpack); unpack $cz '$T/b3$cz/vertices.jsonl.$cz' | cmp - '$T/exp2/vertices.jsonl'"
	check "$cz: ...and differs from the first backup's" bash -c "! cmp -s '$T/b1$cz/vertices.jsonl.$cz' '$T/b3$cz/vertices.jsonl.$cz'"
	check "$cz: edges.jsonl.$cz did not change" cmp "$T/b1$cz/edges.jsonl.$cz" "$T/b3$cz/edges.jsonl.$cz"
	literal=$(sed -n 's/^Literal data: \([0-9,]*\) bytes.*/\1/p' "$T/rsync.$cz" | tr -d ,)
	vsize=$(stat -c %s "$T/b3$cz/vertices.jsonl.$cz")
	log "$cz: rsync sent $literal literal bytes; vertices.jsonl.$cz is $vsize bytes"
	check "$cz: rsync sent less than a fifth of vertices.jsonl.$cz as literal data" test "${literal:-999999999}" -lt $((vsize / 5))
	check "$cz: the updated backup's manifest matches its files" check_manifest "$T/b3$cz" "$([ $cz = gz ] && echo gzip || echo zstd)" "$T/exp2"
done

# ---- restore ----
set_mode() { echo "$3" >"$1/graphs/$2/mode"; }
check "rg: RESTORING" set_mode "$T/gz" rg RESTORING
check "rg: cp -r of the gzip set into restore/" cp -r "$T/b1gz/." "$T/gz/graphs/rg/restore/"
check "rz: RESTORING" set_mode "$T/zst" rz RESTORING
check "rz: rsync -a of the zstd set into restore/" rsync -a "$T/b1zst/" "$T/zst/graphs/rz/restore/"
check "rp: RESTORING" set_mode "$T/gz" rp RESTORING
check "rp: a plain set through a compressing mount" cp -r "$T/bplain/." "$T/gz/graphs/rp/restore/"
check "rg: restore.status: the set is complete" grep -q "manifest.json: imported, 4/4 files" "$T/gz/graphs/rg/restore.status"
check "rz: restore.status: the set is complete" grep -q "manifest.json: imported, 4/4 files" "$T/zst/graphs/rz/restore.status"
check "rz: restore.status: 20000 vertices from vertices.jsonl.zst" grep -q "vertices.jsonl.zst: imported, 20000/20000 vertices" "$T/zst/graphs/rz/restore.status"
for r in rg rz rp; do
	check "$r: NONE" set_mode "$T/gz" $r NONE
	for f in $DATA; do
		check "$r: $f backed up again (plain mount) equals the original" cmp "$P/graphs/$r/$f" "$T/bplain/$f"
	done
done

# ---- corrupt and unnamed ----
mkdir -p "$T/bad"
cp "$T/b1gz/vertices.jsonl.gz" "$T/b1gz/schema.json.gz" "$T/bad/"
python3 -c "
import sys; p = sys.argv[1]; d = bytearray(open(p, 'rb').read()); d[len(d) // 2] ^= 0x55; open(p, 'wb').write(d)" "$T/bad/vertices.jsonl.gz"
RB=$T/gz/graphs/rbad
check "rbad: RESTORING" set_mode "$T/gz" rbad RESTORING
check "rbad: the schema" cp "$T/bad/schema.json.gz" "$RB/restore/"
check_fails "rbad: cp of a corrupt vertices.jsonl.gz fails (close: EINVAL)" cp "$T/bad/vertices.jsonl.gz" "$RB/restore/"
check "rbad: restore.status names the file and says corrupt gzip data" \
	grep -q "^vertices.jsonl.gz: failed, 0/0 vertices - EINVAL: corrupt gzip data" "$RB/restore.status"
check "rbad: the log names the file" grep -q "restore/vertices.jsonl.gz: corrupt gzip data" "$T/gz.log"
check_eq "rbad: no vertex reached the server" 0 "$(gzip -dc "$RB/vertices.jsonl.gz" | wc -c)"
head -c 5000 "$T/b1zst/edges.jsonl.zst" >"$T/bad/edges.jsonl.zst"
check_fails "rbad: cp of a truncated edges.jsonl.zst fails" cp "$T/bad/edges.jsonl.zst" "$RB/restore/"
check "rbad: restore.status says truncated" grep -q "^edges.jsonl.zst: failed.*truncated zstd data" "$RB/restore.status"
check "rbad: a gzip file named part-1 is recognised by its magic and content" cp "$T/b1gz/vertices.jsonl.gz" "$RB/restore/part-1"
check "rbad: part-1 imported as vertices" grep -q "^part-1: imported, 20000/20000 vertices" "$RB/restore.status"
check "rbad: NONE" set_mode "$T/gz" rbad NONE
check "rbad: the vertices are the original's" bash -c "gzip -dc '$RB/vertices.jsonl.gz' | cmp - '$T/bplain/vertices.jsonl'"

finish
