#!/bin/bash
# meson install (into a DESTDIR under the test's directory, never /):
# hugegraphfs, the man page, the reference server as
# hugegraph-reference-server and the examples are installed and work; the
# man page renders without warnings (man --warnings, groff -ww, lexgrog);
# the systemd units pass systemd-analyze verify; and --help, the man page
# and README.md list the same options and exit statuses.
. "$(dirname "$0")/lib.sh"

BUILD=$(cd "$(dirname "$HUGEGRAPHFS")/.." && pwd)
D=$T/dest
check "meson install --destdir" meson install -C "$BUILD" --no-rebuild --destdir "$D" --quiet
PREFIX=$(python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])' \
	< <(meson introspect --buildoptions "$BUILD"))
R=$D$PREFIX
log "prefix $PREFIX"
check "hugegraphfs is installed in bin/" test -x "$R/bin/hugegraphfs"
check "the reference server is installed as bin/hugegraph-reference-server" test -x "$R/bin/hugegraph-reference-server"
check_fails "...and not as bin/hgserver" test -e "$R/bin/hgserver"
MAN=$R/share/man/man1/hugegraphfs.1
check "the man page is installed as man1/hugegraphfs.1" test -f "$MAN"
EX=$R/share/doc/hugegraphfs/examples
for f in hugegraph-backup.sh fstab modern/schema.json systemd/hugegraphfs.service systemd/mnt-hugegraph.mount \
	systemd/hugegraph-backup.service systemd/hugegraph-backup.timer; do
	check "example $f is installed" test -f "$EX/$f"
done
check "hugegraph-backup.sh is executable" test -x "$EX/hugegraph-backup.sh"
check "the installed units name the installed paths" grep -q "ExecStart=$PREFIX/bin/hugegraphfs " "$EX/systemd/hugegraphfs.service"
check "...and the installed backup script" grep -q "ExecStart=$PREFIX/share/doc/hugegraphfs/examples/hugegraph-backup.sh " "$EX/systemd/hugegraph-backup.service"

# the installed programs run
check_eq "installed hugegraphfs --version" "hugegraphfs $(meson introspect --projectinfo "$BUILD" | python3 -c 'import json,sys; print(json.load(sys.stdin)["version"])')" \
	"$("$R/bin/hugegraphfs" --version 2>&1)"
HGSERVER=$R/bin/hugegraph-reference-server
check "the installed reference server's usage names it" bash -c "'$HGSERVER' --bogus 2>&1 | grep -q '^usage: hugegraph-reference-server --listen'"
start_server SERVER --load "g=$EX/modern" || exit 1
check_eq "the installed reference server serves the installed example graph" '{"graphs":["g"]}' "$(curl -s "$SERVER/graphs")"

# the man page renders clean
if command -v man >/dev/null && command -v lexgrog >/dev/null; then
	warn=$(MANWIDTH=80 man --warnings -l "$MAN" 2>&1 >/dev/null)
	check_eq "man --warnings -l renders without a warning" "" "$warn"
	check "lexgrog finds its NAME line" bash -c "lexgrog '$MAN' | grep -q 'hugegraphfs - mount an Apache HugeGraph server'"
	warn=$(groff -man -ww -z "$MAN" 2>&1)
	check_eq "groff -ww finds nothing" "" "$warn"
	page=$(MANWIDTH=80 man -l "$MAN" 2>/dev/null)
	for s in SYNOPSIS OPTIONS "THE TREE" "FILE FORMATS" SNAPSHOTS RESTORE EXAMPLES "EXIT STATUS"; do
		check "the man page has a section $s" grep -q "^$s" <<<"$page"
	done
else
	[ "${CI:-}" = true ] && not_ok "man and lexgrog are missing (man-db: scripts/install-deps.sh)"
	log "skipping the man page lint: man-db is not installed"
fi

# the systemd units
if command -v systemd-analyze >/dev/null; then
	mkdir -p "$T/units"
	for u in hugegraphfs.service mnt-hugegraph.mount hugegraph-backup.service hugegraph-backup.timer; do
		sed "s|$PREFIX/|$R/|g" "$EX/systemd/$u" >"$T/units/$u"
	done
	for u in hugegraphfs.service mnt-hugegraph.mount hugegraph-backup.service hugegraph-backup.timer; do
		# Documentation=man:hugegraphfs(1) is looked up: the installed page
		out=$(cd "$T/units" && MANPATH=$R/share/man: systemd-analyze verify "./$u" 2>&1)
		check_eq "systemd-analyze verify $u says nothing" "" "$out"
		[ -n "$out" ] && log "$u: $out"
	done
else
	log "skipping systemd-analyze verify: systemd-analyze is not installed (the units are not checked)"
fi
check "hugegraphfs.service restarts on failure" grep -q "^Restart=on-failure" "$EX/systemd/hugegraphfs.service"
check "...and takes the password as a credential" grep -q "^LoadCredential=hugegraph-password:" "$EX/systemd/hugegraphfs.service"

# --help, the man page and README.md agree
check "--help, hugegraphfs(1) and README.md list the same options and exit statuses" \
	python3 - "$HUGEGRAPHFS" "$SRCDIR/man/hugegraphfs.1" "$SRCDIR/README.md" <<'PY'
import re, subprocess, sys
helptext = subprocess.run([sys.argv[1], "--help"], capture_output=True, text=True).stdout
ours = helptext.split("FUSE options:")[0]
man = open(sys.argv[2]).read().replace("\\-", "-").replace("\\fB", "").replace("\\fI", "").replace("\\fR", "")
man = re.sub(r'^\.(BI|B|BR|IB) ', '', man, flags=re.M).replace('"', '')
readme = open(sys.argv[3]).read()
bad = []
# libfuse's uid=, gid=, umask= are named in allow_other's line
opts = set(re.findall(r"-o ([a-z_]+)", ours)) - {"uid", "gid", "umask"}
assert len(opts) > 15, opts
for o in sorted(opts):
    if not re.search(r"-o %s\b" % o, man):
        bad.append("man page lacks -o %s" % o)
    if not re.search(r"`-o %s\b" % o, readme):
        bad.append("README lacks -o %s" % o)
for o in sorted(set(re.findall(r"`-o ([a-z_]+)", readme))):
    if o not in opts and o not in ("allow_other", "umask", "uid", "gid", "default_permissions", "max_threads", "debug", "password"):
        bad.append("README's -o %s is not in --help" % o)
# exit statuses: "N word" in --help, ".B N" under EXIT STATUS in the man page, "| N |" in README
m = re.search(r"exit status: (.*?)\n\n", ours, re.S)
codes = dict(re.findall(r"(\d) ([a-z-]+)", m.group(1).replace("\n", " "))) if m else {}
assert len(codes) >= 7, codes
es = man.split(".SH EXIT STATUS")[1].split(".SH ")[0]
mancodes = re.findall(r"^\.TP\n(\d)\n", es, re.M) or re.findall(r"^(\d)$", es, re.M)
rd = readme.split("### Exit status")[1].split("\n## ")[0] if "### Exit status" in readme else ""
rdcodes = re.findall(r"^\| `?(\d)`? \|", rd, re.M)
if sorted(codes) != sorted(mancodes):
    bad.append("exit codes: --help %s, man page %s" % (sorted(codes), sorted(mancodes)))
if sorted(codes) != sorted(rdcodes):
    bad.append("exit codes: --help %s, README %s" % (sorted(codes), sorted(rdcodes)))
if bad:
    print("\n".join(bad))
    sys.exit(1)
PY
finish
