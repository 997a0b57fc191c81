#!/bin/bash
# Labels with a time to live: manifest.json lists each (ttl, ttl_start_time)
# and says whether element expiry survives a restore (only when it counts
# from a property, ttl_start_time); a restore of the schema says in
# restore.status which labels' element clocks restart; the labels come back
# with their ttl and ttl_start_time.  Arguments: PERSONA BACKEND (the real
# server with HGFS_REAL).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/restore_lib.sh"
require_fuse

start_server SERVER --persona "${1:-1.7}" --backend "${2:-memory}" --graph g --graph r --graph g2 || exit 1
M=$T/mnt
mount_fs "$SERVER" "$M" -o spool_dir="$T" || exit 1


check "labels with a ttl, with and without ttl_start_time, made through the API" $RESTORE_CHECK ttl-build "$SERVER" g
BK=$T/bk
check "backup of g" backup_set g "$BK"
ttl=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["ttl"], sort_keys=True))' "$BK/manifest.json")
check_eq "manifest.json lists the three labels with a ttl and whether expiry survives a restore" \
	'[{"expiry_survives_restore": true, "label": "a", "ttl": 86400000, "ttl_start_time": "born", "type": "vertexlabel"}, {"expiry_survives_restore": false, "label": "b", "ttl": 3600000, "ttl_start_time": null, "type": "vertexlabel"}, {"expiry_survives_restore": false, "label": "e", "ttl": 1800000, "ttl_start_time": null, "type": "edgelabel"}]' \
	"$ttl"
check "manifest.json still matches its files" $EXPECTED --check-manifest "$BK"

check "r: echo RESTORING > mode" set_mode r RESTORING
check "r: cp -r of the set" cp -r "$BK/." "$M/graphs/r/restore/"
check "...the set is whole" status_is r manifest.json "imported, 4/4 files( |$)"
check "...restore.status says whose element clocks restart (b and e, not a)" \
	status_grep r schema.json "element clocks restart: vertex label 'b', edge label 'e' have a ttl without ttl_start_time"
check "...and the log says so too" grep -q "element clocks restart: vertex label 'b', edge label 'e'" "$M.log"
check_eq "the labels come back with their ttl and ttl_start_time" "$($RESTORE_CHECK labels "$SERVER" g)" "$($RESTORE_CHECK labels "$SERVER" r)"
check "r: echo NONE > mode" set_mode r NONE

# a set without labels that expire: an empty list, no note
check "an empty graph's manifest has an empty ttl list" python3 -c 'import json,sys; sys.exit(json.load(open(sys.argv[1]))["ttl"] != [])' "$M/graphs/g2/manifest.json"
finish
