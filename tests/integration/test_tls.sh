#!/bin/bash
# TLS: hugegraphfs against https:// servers, as an operator would mount them.
# A private CA (openssl) signs a server certificate for 127.0.0.1/localhost,
# one for another host name, an expired one and a client certificate; a
# self-signed certificate stands apart.  stunnel serves each in front of
# hgserver on its own loopback port (the client-certificate port requires a
# certificate signed by the CA).  Backups over TLS are compared byte for byte
# with a plain-http backup of the same graph; refusals must exit non-zero,
# mount nothing and say what is wrong.  Redirects are never followed.
. "$(dirname "$0")/lib.sh"
require_fuse
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

STUNNEL=$(command -v stunnel4 || command -v stunnel)
if [ -z "$STUNNEL" ] || ! command -v openssl >/dev/null; then
	if [ "${CI:-}" = true ]; then
		echo "stunnel4 or openssl missing (scripts/install-deps.sh installs them): failing in CI" >&2
		exit 1
	fi
	echo "1..0 # SKIP stunnel4 or openssl missing (scripts/install-deps.sh installs them)"
	exit 77
fi

DATA=(schema.json vertices.jsonl edges.jsonl variables.json)
P=$T/pki

# --- the certificates -------------------------------------------------------
make_pki() {
	local EC=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
	mkdir -p "$P" && cd "$P" || return 1
	openssl req -x509 "${EC[@]}" -keyout ca.key -out ca.crt -days 30 -subj "/CN=hugegraphfs test CA" \
		-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign,cRLSign || return 1
	# leaf NAME CN SAN EKU: a key and a certificate signed by the CA for 30 days
	leaf() {
		openssl req "${EC[@]}" -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" || return 1
		printf 'basicConstraints=CA:false\nextendedKeyUsage=%s\n%s\n' "$4" "${3:+subjectAltName=$3}" >"$1.ext"
		openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 \
			-extfile "$1.ext" -out "$1.crt"
	}
	leaf server 127.0.0.1 "IP:127.0.0.1,DNS:localhost" serverAuth || return 1
	leaf wronghost wrong.example "DNS:wrong.example" serverAuth || return 1
	leaf client "hugegraphfs client" "" clientAuth || return 1
	openssl req -x509 "${EC[@]}" -keyout self.key -out self.crt -days 30 -subj "/CN=127.0.0.1" \
		-addext subjectAltName=IP:127.0.0.1,DNS:localhost || return 1
	# expired (2020-01-01..02): openssl 3.0's x509 -req cannot backdate, its ca can
	openssl req "${EC[@]}" -keyout expired.key -out expired.csr -subj "/CN=127.0.0.1" || return 1
	mkdir -p newcerts && : >index.txt && echo 1000 >serial
	cat >ca.cnf <<-EOF
	[ca]
	default_ca = test_ca
	[test_ca]
	dir = .
	database = index.txt
	new_certs_dir = newcerts
	certificate = ca.crt
	private_key = ca.key
	serial = serial
	default_md = sha256
	policy = any
	unique_subject = no
	[any]
	commonName = supplied
	[ext]
	basicConstraints = CA:false
	extendedKeyUsage = serverAuth
	subjectAltName = IP:127.0.0.1,DNS:localhost
	EOF
	openssl ca -batch -config ca.cnf -extensions ext -startdate 20200101000000Z -enddate 20200102000000Z \
		-in expired.csr -out expired.crt -notext || return 1
	# the client key encrypted (refused: never a password prompt)
	openssl pkey -in client.key -aes256 -passout pass:secret -out client-enc.key || return 1
	# a CA directory for -o capath
	mkdir -p capath && cp ca.crt capath/ && openssl rehash capath
}
( make_pki ) >"$T/pki.log" 2>&1 || { cat "$T/pki.log"; echo "making the certificates failed" >&2; exit 1; }
check "the expired certificate has expired" bash -c "! openssl x509 -in '$P/expired.crt' -noout -checkend 0"

# --- the servers --------------------------------------------------------------
start_server SERVER --generate "g=3000,6000,11" || exit 1
HGPORT=${SERVER##*:}
python3 -u "$SRCDIR/tests/integration/redirect.py" "$T/redirect.hits" >"$T/redirect.out" 2>"$T/redirect.err" &
SERVER_PIDS+=("$!")
for _ in $(seq 1 100); do grep -q '^ports' "$T/redirect.out" && break; sleep 0.1; done
read -r _ R1 R2 TARGET <"$T/redirect.out"
[ -n "${TARGET:-}" ] || { echo "redirect.py did not start" >&2; cat "$T/redirect.err" >&2; exit 1; }
: >"$T/redirect.hits"

# free loopback ports for stunnel's services (bound and released at once)
read -r CA_PORT SELF_PORT WRONG_PORT EXPIRED_PORT CLIENT_PORT REDIR_PORT < <(python3 -c '
import socket
ss = [socket.socket() for _ in range(6)]
for s in ss:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')
service() { # NAME PORT BACKEND CERT
	printf '[%s]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s/%s.crt\nkey = %s/%s.key\n' \
		"$1" "$2" "$3" "$P" "$4" "$P" "$4"
}
{
	printf 'foreground = yes\npid =\n'
	service ca "$CA_PORT" "$HGPORT" server
	service self "$SELF_PORT" "$HGPORT" self
	service wrong "$WRONG_PORT" "$HGPORT" wronghost
	service expired "$EXPIRED_PORT" "$HGPORT" expired
	service client "$CLIENT_PORT" "$HGPORT" server
	printf 'CAfile = %s/ca.crt\nverifyChain = yes\nrequireCert = yes\n' "$P"
	service redir "$REDIR_PORT" "$R1" server
} >"$T/stunnel.conf"
"$STUNNEL" "$T/stunnel.conf" >"$T/stunnel.out" 2>"$T/stunnel.err" &
SERVER_PIDS+=("$!")
STUNNEL_PID=$!
for port in "$CA_PORT" "$SELF_PORT" "$WRONG_PORT" "$EXPIRED_PORT" "$CLIENT_PORT" "$REDIR_PORT"; do
	for _ in $(seq 1 100); do
		(exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
		kill -0 "$STUNNEL_PID" 2>/dev/null || { cat "$T/stunnel.err" >&2; echo "stunnel exited" >&2; exit 1; }
		sleep 0.1
	done
done
log "stunnel $STUNNEL_PID: ca $CA_PORT self $SELF_PORT wrong $WRONG_PORT expired $EXPIRED_PORT client $CLIENT_PORT redirect $REDIR_PORT"

# --- helpers -------------------------------------------------------------------
# backup NAME URL OPTIONS...: mounts, copies graphs/g with cp -r into $T/b.NAME, unmounts.
backup() {
	local name=$1 url=$2; shift 2
	local mnt=$T/m.$name
	mount_fs "$url" "$mnt" -o spool_dir="$T" "$@" || return 1
	cp -r "$mnt/graphs/g" "$T/b.$name" || { unmount_fs "$mnt"; return 1; }
	unmount_fs "$mnt"
}
# refused DESC PATTERN URL OPTIONS...: the daemon (-f) exits non-zero by
# itself, mounts nothing and says PATTERN (grep -E, case-insensitive) on
# stderr.  A mount that wrongly succeeds is stopped after 20 s and fails.
refused() {
	local desc=$1 pattern=$2 url=$3; shift 3
	local mnt=$T/m.refused out rc
	mkdir -p "$mnt"
	out=$(timeout 20 "$HUGEGRAPHFS" -f "$url" "$mnt" -o spool_dir="$T" "$@" 2>&1); rc=$?
	echo "$out" >>"$T/refused.log"
	if [ "$rc" -eq 0 ] || [ "$rc" -eq 124 ]; then
		not_ok "$desc: refused" "exit code $rc (124: it mounted and was stopped)" "$out"
	elif grep -qs " $mnt fuse" /proc/mounts; then
		not_ok "$desc: refused" "something is mounted"
	elif ! grep -qiE -- "$pattern" <<<"$out"; then
		not_ok "$desc: refused saying /$pattern/" "stderr: $out"
	else
		ok "$desc: refused (exit $rc) saying /$pattern/"
	fi
}
CA=https://127.0.0.1:$CA_PORT

# --- the baseline: plain http --------------------------------------------------
check "a plain-http backup" backup plain "$SERVER"
check "...holds the generated graph" test "$(wc -l <"$T/b.plain/vertices.jsonl")" -eq 3000

# --- a CA-signed certificate -----------------------------------------------------
check "CA-signed, -o cacert: backup" backup ca "$CA" -o cacert="$P/ca.crt"
check "CA-signed, -o cacert: byte-identical to the plain-http backup" same_files "$T/b.plain" "$T/b.ca" "${DATA[@]}"
check "CA-signed, -o capath, by the name localhost: backup" backup capath "https://localhost:$CA_PORT" -o capath="$P/capath"
check "CA-signed, -o capath: byte-identical to the plain-http backup" same_files "$T/b.plain" "$T/b.capath" "${DATA[@]}"
# relative file names work after the daemon detaches (it changes to /)
mkdir -p "$T/m.detached"
out=$(cd "$P" && "$HUGEGRAPHFS" "$CA" "$T/m.detached" -o cacert=ca.crt,spool_dir="$T",log_file="$T/detached.log" 2>&1); rc=$?
MOUNTS+=("$T/m.detached")
check_eq "detached with a relative -o cacert: exit 0" "0" "$rc"
check "...and reads the graph over TLS" cmp "$T/m.detached/graphs/g/vertices.jsonl" "$T/b.plain/vertices.jsonl"
check "...unmount" unmount_fs "$T/m.detached"
refused "CA-signed without -o cacert (the system's CAs do not know it)" \
	"certificate verification failed.*not signed by a trusted CA.*cacert" "$CA"

# --- a self-signed certificate -------------------------------------------------------
refused "self-signed" "certificate verification failed.*self-signed certificate" "https://127.0.0.1:$SELF_PORT"
refused "self-signed, another CA given" "certificate verification failed" "https://127.0.0.1:$SELF_PORT" -o cacert="$P/ca.crt"
check "self-signed, -o insecure: backup" backup insecure "https://127.0.0.1:$SELF_PORT" -o insecure
check "self-signed, -o insecure: byte-identical to the plain-http backup" same_files "$T/b.plain" "$T/b.insecure" "${DATA[@]}"
check "-o insecure: a warning on stderr (-f)" grep -q "WARNING: -o insecure: the server's TLS certificate and host name are NOT verified" "$T/m.insecure.log"
# detached, with a log file: the warning goes to both, at every start
for n in 1 2; do
	mkdir -p "$T/m.insecure_bg"
	"$HUGEGRAPHFS" "https://127.0.0.1:$SELF_PORT" "$T/m.insecure_bg" -o insecure,spool_dir="$T",log_file="$T/insecure_bg.log" 2>"$T/insecure_bg.$n.err"
	rc=$?
	MOUNTS+=("$T/m.insecure_bg")
	check_eq "-o insecure, detached, start $n: exit 0" "0" "$rc"
	check "-o insecure, start $n: the warning on stderr" grep -q "WARNING: -o insecure" "$T/insecure_bg.$n.err"
	# the detached daemon logs it after the parent has returned: wait for it
	for _ in $(seq 1 50); do
		[ "$(grep -c "WARNING: -o insecure" "$T/insecure_bg.log" 2>/dev/null)" -ge "$n" ] && break
		sleep 0.1
	done
	check_eq "-o insecure, start $n: the warning in the log, once a start" "$n" "$(grep -c "WARNING: -o insecure" "$T/insecure_bg.log")"
	check "-o insecure, start $n: unmount" unmount_fs "$T/m.insecure_bg"
done

# --- a wrong host name, an expired certificate ------------------------------------------
refused "a certificate for another host name" "host name mismatch.*127\.0\.0\.1" "https://127.0.0.1:$WRONG_PORT" -o cacert="$P/ca.crt"
refused "a certificate for another host name (by name)" "host name mismatch.*localhost" "https://localhost:$WRONG_PORT" -o cacert="$P/ca.crt"
refused "an expired certificate" "certificate has expired" "https://127.0.0.1:$EXPIRED_PORT" -o cacert="$P/ca.crt"

# --- client certificates -------------------------------------------------------------------
CL=https://127.0.0.1:$CLIENT_PORT
refused "a server requiring a client certificate, none given" "requires a client certificate.*cert=FILE,key=FILE" "$CL" -o cacert="$P/ca.crt"
refused "a client certificate the server does not trust" "accept the client certificate" "$CL" -o cacert="$P/ca.crt",cert="$P/self.crt",key="$P/self.key"
refused "an encrypted client key (no password prompt)" "client certificate or its key.*cannot be used" "$CL" -o cacert="$P/ca.crt",cert="$P/client.crt",key="$P/client-enc.key"
check "-o cert=,key=: backup" backup client "$CL" -o cacert="$P/ca.crt",cert="$P/client.crt",key="$P/client.key"
check "-o cert=,key=: byte-identical to the plain-http backup" same_files "$T/b.plain" "$T/b.client" "${DATA[@]}"
cat "$P/client.crt" "$P/client.key" >"$P/client-both.pem"
check "-o cert= of a file holding certificate and key: backup" backup clientboth "$CL" -o cacert="$P/ca.crt",cert="$P/client-both.pem"
check "...byte-identical" same_files "$T/b.plain" "$T/b.clientboth" "${DATA[@]}"

# --- refused at startup, before any request ------------------------------------------------------
refused "a missing -o cacert file" "cacert $T/none.pem: No such file" "$CA" -o cacert="$T/none.pem"
refused "a missing -o cert file" "cert $T/none.crt: No such file" "$CL" -o cert="$T/none.crt",key="$P/client.key"
refused "a missing -o key file" "key $T/none.key: No such file" "$CL" -o cert="$P/client.crt",key="$T/none.key"
refused "-o capath of a file" "capath $P/ca.crt: not a directory" "$CA" -o capath="$P/ca.crt"
refused "-o key without -o cert" "without cert" "$CL" -o key="$P/client.key"
refused "TLS options with an http:// URL" "need an https:// URL" "$SERVER" -o cacert="$P/ca.crt"
refused "-o insecure with an http:// URL" "need an https:// URL" "$SERVER" -o insecure
refused "https:// to a plain http server" "does not speak TLS" "https://127.0.0.1:$HGPORT"
refused "http:// to a TLS port" "cannot use http://127.0.0.1:$CA_PORT" "http://127.0.0.1:$CA_PORT"

# --- redirects are never followed ------------------------------------------------------------
refused "a 302 to another port" "redirects to http://127\.0\.0\.1:$TARGET/versions.*not followed" "http://127.0.0.1:$R1"
refused "a 301 to another host name" "redirects to http://localhost:$TARGET/versions.*not followed" "http://127.0.0.1:$R2"
refused "https answering 302 to http://" "redirects to http://127\.0\.0\.1:$TARGET/versions.*not followed" \
	"https://127.0.0.1:$REDIR_PORT" -o cacert="$P/ca.crt"
check "the redirect target" curl -sf "http://127.0.0.1:$TARGET/versions" -o /dev/null
check_eq "...was asked only by that check: no redirect was followed" "GET /versions" "$(cat "$T/redirect.hits")"

finish
