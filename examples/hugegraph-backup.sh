#!/bin/sh
# hugegraph-backup.sh - dated, hard-linked backups of the graphs of a
# hugegraphfs mount, with retention.  Run it from cron or a systemd timer
# (examples/systemd/hugegraph-backup.{service,timer}).
#
#   hugegraph-backup.sh [-k DAYS] MOUNT DEST [GRAPH...]
#
# Copies MOUNT/graphs/<graph>/{schema.json,vertices.jsonl,edges.jsonl,
# variables.json,manifest.json} of every graph (or of the GRAPHs named) into
# DEST/<UTC time>/<graph>/ with `rsync -a --link-dest`: a file unchanged since
# the last backup (same size and mtime: hugegraphfs keeps the mtime of
# unchanged snapshot files) is a hard link to the last backup's copy and
# takes no space.  DEST/latest points to the last complete backup; a backup
# is written as DEST/.incomplete-<time> and renamed only once every graph
# was copied.  Backups older than DAYS days (default 14) are then removed;
# the latest one is always kept.  A manifest saying "consistent": false is
# reported on stderr (the backup is kept: see README, Consistency).
#
# Mount read-only on a backup host:  hugegraphfs -o ro URL MOUNT
# cron:  17 3 * * *  /usr/local/share/doc/hugegraphfs/examples/hugegraph-backup.sh -k 30 /mnt/hugegraph /srv/backup/hugegraph
#
# Exit status: 0 done; 1 usage; 2 a graph could not be copied (nothing of
# this run is kept, older backups are untouched).
set -eu

keep=14
while getopts k: opt; do
	case $opt in
	k) keep=$OPTARG ;;
	*) echo "usage: $0 [-k DAYS] MOUNT DEST [GRAPH...]" >&2; exit 1 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -lt 2 ]; then
	echo "usage: $0 [-k DAYS] MOUNT DEST [GRAPH...]" >&2
	exit 1
fi
case $keep in
'' | *[!0-9]*) echo "$0: -k wants a number of days, not '$keep'" >&2; exit 1 ;;
esac
mount=$1 dest=$2
shift 2
if [ ! -d "$mount/graphs" ]; then
	echo "$0: $mount/graphs: not a hugegraphfs mount (is it mounted?)" >&2
	exit 1
fi
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)
if [ $# -eq 0 ]; then
	# every graph the mount shows (ls: listing exports nothing)
	set -- $(ls "$mount/graphs")
fi
if [ $# -eq 0 ]; then
	echo "$0: $mount/graphs holds no graph" >&2
	exit 2
fi

stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
while [ -e "$dest/$stamp" ]; do # one backup a second at most
	sleep 1
	stamp=$(date -u +%Y-%m-%dT%H%M%SZ)
done
work=$dest/.incomplete-$stamp
trap 'rm -rf "$work"' EXIT
mkdir "$work"
for g in "$@"; do
	src=$mount/graphs/$g
	mkdir "$work/$g"
	link=
	[ -d "$dest/latest/$g" ] && link=--link-dest=$dest/latest/$g
	if ! rsync -a $link "$src/schema.json" "$src/vertices.jsonl" "$src/edges.jsonl" \
		"$src/variables.json" "$src/manifest.json" "$work/$g/"; then
		echo "$0: copying graph $g failed; nothing of this backup is kept" >&2
		exit 2
	fi
	if grep -q '"consistent": *false' "$work/$g/manifest.json"; then
		echo "$0: warning: graph $g changed during the backup: $(grep '"consistency"' "$work/$g/manifest.json")" >&2
	fi
done
mv "$work" "$dest/$stamp"
trap - EXIT
ln -sfn "$stamp" "$dest/.latest.new"
mv -T "$dest/.latest.new" "$dest/latest"

# retention: backups named before the cutoff go, the latest stays
cutoff=$(date -u -d "@$(($(date +%s) - keep * 86400))" +%Y-%m-%dT%H%M%SZ)
for old in "$dest"/[0-9][0-9][0-9][0-9]-*; do
	[ -d "$old" ] || continue
	name=${old##*/}
	[ "$name" = "$stamp" ] && continue
	if [ "$name" \< "$cutoff" ]; then
		rm -rf "$old"
	fi
done
echo "backup $dest/$stamp: $*"
