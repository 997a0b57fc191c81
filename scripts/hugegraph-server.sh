#!/bin/bash
# hugegraph-server.sh - a real Apache HugeGraph server on loopback, assembled
# from the jars Apache publishes on Maven Central (no source build, nothing
# else downloaded).
#
#   scripts/hugegraph-server.sh fetch VERSION
#   scripts/hugegraph-server.sh start VERSION [--backend memory|rocksdb]
#         [--port N] [--auth PASSWORD] [--graphs a,b,c] [--home DIR]
#         [--heap SIZE] [--timeout SECONDS] [--batch-max N] [--fresh]
#         [--auth-proxy]
#   scripts/hugegraph-server.sh stop VERSION [--home DIR]
#   scripts/hugegraph-server.sh status VERSION [--home DIR]
#   scripts/hugegraph-server.sh versions
#
# fetch assembles lib/ of VERSION (1.5.0, 1.7.0) into
# $HUGEGRAPHFS_CACHE (default ~/.cache/hugegraphfs) with a one-dependency pom
# and `mvn dependency:copy-dependencies`; start fetches when needed, writes an
# instance directory (default $HUGEGRAPHFS_CACHE/instances/VERSION) with its
# config files, initialises rocksdb stores, starts the server in the
# background, waits until GET /versions answers and prints its URL on stdout.
# stop sends SIGTERM to the pid it recorded (SIGKILL after 30 s).
#
# --auth PASSWORD turns HugeGraph's StandardAuthenticator on, with `admin`
# as the administrator and PASSWORD as its password.  --graphs names the
# graphs (conf/graphs/<name>.properties; default "hugegraph").  --fresh
# deletes the instance's data first (rocksdb keeps it across restarts).
# --batch-max N lowers the most vertices and edges a batch create takes
# (batch.max_vertices_per_batch, batch.max_edges_per_batch; default 500).
# --auth-proxy (with --auth) opens the graphs through HugeGraph's auth proxy
# (gremlin.graph=org.apache.hugegraph.auth.HugeFactoryAuthProxy, as the
# official distribution does): without it the auth API cannot create users,
# groups, targets, belongs or accesses (500 "Property creator can't be
# null"). The proxy cannot load on JDK 17 by itself, so a stand-in for
# HugeGraph's util.Reflection (scripts/jdk17-shim/, compiled with javac) is
# put before the jars.
# Needs java 11+ (Debian 12: openjdk-17-jre-headless; --auth-proxy also javac:
# openjdk-17-jdk-headless) and mvn (maven).
set -euo pipefail

CACHE=${HUGEGRAPHFS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hugegraphfs}
# 1.3.0 cannot be assembled: Maven Central's org.apache.hugegraph:hugegraph-dist:1.3.0
# is the toolchain's (a 7 KB jar whose parent is hugegraph-toolchain, no
# dependencies), not the server's. 1.0.0 and 1.2.0 were not tried.
KNOWN_VERSIONS="1.5.0 1.7.0"
prog=$(basename "$0")

die() { echo "$prog: $*" >&2; exit 1; }

usage() {
	sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
	exit "${1:-0}"
}

check_version() {
	case " $KNOWN_VERSIONS " in
	*" $1 "*) ;;
	*) die "unknown HugeGraph version '$1' (known: $KNOWN_VERSIONS)" ;;
	esac
}

need() {
	command -v "$1" >/dev/null 2>&1 ||
		die "'$1' is not installed (scripts/install-deps.sh --real installs Java and Maven)"
}

# --- assembling -------------------------------------------------------------

# The registry is reached as Maven Central only: a mirror of every repository
# onto it, because some HugeGraph dependencies name snapshot repositories that
# cannot be reached from here (each try would wait for a time-out).
write_settings() {
	cat >"$1" <<'EOF'
<settings>
  <mirrors>
    <mirror>
      <id>central-only</id>
      <mirrorOf>*</mirrorOf>
      <url>https://repo.maven.apache.org/maven2</url>
    </mirror>
  </mirrors>
</settings>
EOF
}

# 1.7.0's hugegraph-struct names a parent POM with an unresolved ${revision},
# which Maven refuses; it is excluded from the tree and copied on its own.
write_pom() {
	local v=$1 exclusions=""
	if [ "$v" = 1.7.0 ]; then
		exclusions="<exclusions><exclusion><groupId>org.apache.hugegraph</groupId><artifactId>hugegraph-struct</artifactId></exclusion></exclusions>"
	fi
	cat <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>hugegraphfs.local</groupId>
  <artifactId>hugegraph-server-assembly</artifactId>
  <version>$v</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.hugegraph</groupId>
      <artifactId>hugegraph-dist</artifactId>
      <version>$v</version>
      $exclusions
    </dependency>
  </dependencies>
</project>
EOF
}

fetch() {
	local v=$1
	local dir=$CACHE/hugegraph-$v
	check_version "$v"
	if [ -f "$dir/lib/.complete" ]; then
		return 0
	fi
	need mvn
	need java
	mkdir -p "$dir"
	local work
	work=$(mktemp -d "$dir/assemble.XXXXXX")
	write_settings "$work/settings.xml"
	write_pom "$v" >"$work/pom.xml"
	echo "$prog: assembling HugeGraph $v from Maven Central into $dir (the first time takes a few minutes)" >&2
	local mvn=(mvn -B -q -s "$work/settings.xml" -f "$work/pom.xml" -Dmaven.artifact.threads=16)
	if ! "${mvn[@]}" dependency:copy-dependencies -DincludeScope=runtime \
		-DoutputDirectory="$work/lib" >"$work/mvn.log" 2>&1; then
		tail -n 30 "$work/mvn.log" >&2
		die "mvn dependency:copy-dependencies of org.apache.hugegraph:hugegraph-dist:$v failed (log: $work/mvn.log)"
	fi
	if [ "$v" = 1.7.0 ]; then
		if ! "${mvn[@]}" dependency:copy -Dartifact=org.apache.hugegraph:hugegraph-struct:$v \
			-DoutputDirectory="$work/lib" >>"$work/mvn.log" 2>&1; then
			tail -n 30 "$work/mvn.log" >&2
			die "mvn dependency:copy of org.apache.hugegraph:hugegraph-struct:$v failed (log: $work/mvn.log)"
		fi
	fi
	local j
	for j in hugegraph-dist hugegraph-core hugegraph-api hugegraph-rocksdb rocksdbjni gremlin-server jersey-server; do
		ls "$work/lib/$j"-[0-9]*.jar >/dev/null 2>&1 || die "assembling $v: $j-*.jar is missing from lib/ (log: $work/mvn.log)"
	done
	rm -rf "$dir/lib"
	mv "$work/lib" "$dir/lib"
	# the configuration templates the release packs into hugegraph-dist
	(cd "$dir" && rm -rf template && mkdir template && cd template &&
		unzip -qo ../lib/hugegraph-dist-"$v".jar 'conf/*' 'scripts/*')
	# class path order: log4j's slf4j binding, HugeGraph's jars, the rest
	# (classes exist twice in 1.7.0; never rely on a directory listing's order)
	(
		cd "$dir/lib"
		ls log4j-slf4j-impl-*.jar
		ls hugegraph*.jar | LC_ALL=C sort
		ls *.jar | grep -v -e '^hugegraph' -e '^log4j-slf4j-impl-' | LC_ALL=C sort
	) | sed "s|^|$dir/lib/|" | paste -sd: >"$dir/classpath"
	rm -rf "$work"
	touch "$dir/lib/.complete"
	echo "$prog: HugeGraph $v assembled: $(ls "$dir/lib" | wc -l) jars, $(du -sh "$dir/lib" | cut -f1)" >&2
}

# --- configuration ----------------------------------------------------------

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

write_graph_conf() {
	local file=$1 name=$2 backend=$3 factory=org.apache.hugegraph.HugeFactory
	[ "${4:-0}" = 1 ] && factory=org.apache.hugegraph.auth.HugeFactoryAuthProxy
	{
		echo "gremlin.graph=$factory"
		echo "vertex.cache_type=l1"
		echo "edge.cache_type=l1"
		echo "store=$name"
		echo "task.scheduler_type=local"
		echo "task.schedule_period=1"
		echo "task.wait_timeout=10"
		case $backend in
		memory)
			echo "backend=memory"
			echo "serializer=text"
			;;
		rocksdb)
			echo "backend=rocksdb"
			echo "serializer=binary"
			echo "rocksdb.data_path=./data/$name"
			echo "rocksdb.wal_path=./data/$name"
			;;
		esac
	} >"$file"
}

configure() {
	local v=$1 home=$2 backend=$3 port=$4 gport=$5 auth=$6 graphs=$7 batch=$8 proxy=${9:-0}
	local tpl=$CACHE/hugegraph-$v/template
	mkdir -p "$home/conf/graphs" "$home/logs" "$home/tmp" "$home/data" "$home/scripts"
	cp "$tpl/conf/log4j2.xml" "$home/conf/"
	cp -r "$tpl/scripts/." "$home/scripts/"
	# the release's gremlin-server.yaml, bound to loopback and our port
	sed -e "s|^#\{0,1\}host:.*|host: 127.0.0.1|" -e "s|^#\{0,1\}port:.*|port: $gport|" \
		"$tpl/conf/gremlin-server.yaml" >"$home/conf/gremlin-server.yaml"
	grep -q "^port: $gport" "$home/conf/gremlin-server.yaml" || die "could not set the gremlin port in gremlin-server.yaml"
	local first=${graphs%%,*}
	{
		echo "restserver.url=http://127.0.0.1:$port"
		echo "gremlinserver.url=http://127.0.0.1:$gport"
		echo "graphs=./conf/graphs"
		echo "server.id=server-1"
		echo "server.role=master"
		echo "batch.max_write_threads=0"
		if [ -n "$batch" ]; then
			echo "batch.max_vertices_per_batch=$batch"
			echo "batch.max_edges_per_batch=$batch"
		fi
		if [ -n "$auth" ]; then
			echo "auth.authenticator=org.apache.hugegraph.auth.StandardAuthenticator"
			echo "auth.graph_store=$first"
			echo "auth.admin_token=$auth"
		fi
	} >"$home/conf/rest-server.properties"
	rm -f "$home/conf/graphs/"*.properties
	local g
	IFS=, read -ra names <<<"$graphs"
	for g in "${names[@]}"; do
		[[ $g =~ ^[A-Za-z][A-Za-z0-9_]{0,47}$ ]] || die "invalid graph name '$g'"
		write_graph_conf "$home/conf/graphs/$g.properties" "$g" "$backend" "$proxy"
	done
}

# scripts/jdk17-shim compiled into the cache (again when the source is newer)
build_shim() {
	local src out=$CACHE/jdk17-shim javac
	src=$(cd "$(dirname "$0")" && pwd)/jdk17-shim/org/apache/hugegraph/util/Reflection.java
	javac=$(dirname "$(readlink -f "$(command -v java)")")/javac
	[ -x "$javac" ] || javac=$(command -v javac) || die "--auth-proxy needs javac (a JDK)"
	if [ ! -f "$out/org/apache/hugegraph/util/Reflection.class" ] ||
		[ "$src" -nt "$out/org/apache/hugegraph/util/Reflection.class" ]; then
		mkdir -p "$out"
		"$javac" --release 11 -nowarn -d "$out" "$src" >&2 || die "cannot compile $src"
	fi
	echo "$out"
}

java_opts() {
	local home=$1 heap=$2 p
	JAVA_OPTS=(-Xms256m "-Xmx$heap" "-Djava.io.tmpdir=$home/tmp"
		-Dlog4j2.formatMsgNoLookups=true -Dfile.encoding=UTF-8
		--add-exports=java.base/jdk.internal.reflect=ALL-UNNAMED
		--add-modules=jdk.unsupported
		--add-exports=java.base/sun.nio.ch=ALL-UNNAMED)
	for p in java.lang java.lang.reflect java.lang.invoke java.util java.util.concurrent \
		java.nio sun.nio.ch java.io java.net jdk.internal.misc; do
		JAVA_OPTS+=("--add-opens=java.base/$p=ALL-UNNAMED")
	done
}

# --- start / stop -----------------------------------------------------------

pid_of() {
	local f=$1/server.pid pid
	[ -f "$f" ] || return 1
	pid=$(cat "$f")
	kill -0 "$pid" 2>/dev/null || return 1
	echo "$pid"
}

start() {
	local v=$1; shift
	local backend=memory port="" auth="" graphs=hugegraph home="" heap=1g timeout=180 fresh=0 batch="" proxy=0
	while [ $# -gt 0 ]; do
		case $1 in
		--backend) backend=$2; shift 2 ;;
		--port) port=$2; shift 2 ;;
		--auth) auth=$2; shift 2 ;;
		--graphs) graphs=$2; shift 2 ;;
		--home) home=$2; shift 2 ;;
		--heap) heap=$2; shift 2 ;;
		--timeout) timeout=$2; shift 2 ;;
		--batch-max) batch=$2; shift 2 ;;
		--fresh) fresh=1; shift ;;
		--auth-proxy) proxy=1; shift ;;
		*) die "start: unknown option '$1'" ;;
		esac
	done
	case $backend in memory | rocksdb) ;; *) die "--backend must be memory or rocksdb" ;; esac
	check_version "$v"
	need java
	fetch "$v"
	home=${home:-$CACHE/instances/$v}
	mkdir -p "$home"
	home=$(cd "$home" && pwd)
	if pid=$(pid_of "$home"); then
		die "HugeGraph $v is already running from $home (pid $pid); stop it first"
	fi
	[ -n "$port" ] || port=$(free_port)
	local gport
	gport=$(free_port)
	[ "$fresh" = 1 ] && rm -rf "$home/data"
	[ "$proxy" = 1 ] && [ -z "$auth" ] && die "--auth-proxy needs --auth"
	configure "$v" "$home" "$backend" "$port" "$gport" "$auth" "$graphs" "$batch" "$proxy"
	# what a restart of this instance needs (tests restart a killed server)
	echo "--backend $backend --graphs $graphs${auth:+ --auth $auth}${batch:+ --batch-max $batch}$([ "$proxy" = 1 ] && echo " --auth-proxy")" >"$home/start.args"
	local cp
	cp=$(cat "$CACHE/hugegraph-$v/classpath")
	[ "$proxy" = 1 ] && cp="$(build_shim):$cp"
	java_opts "$home" "$heap"
	cd "$home"
	if [ "$backend" = rocksdb ]; then
		# InitStore creates the stores of every graph (and with auth the
		# admin user, whose password it reads from stdin); it is a no-op
		# for stores that exist already.
		if ! printf '%s\n' "$auth" | java "${JAVA_OPTS[@]}" -cp "$cp" \
			org.apache.hugegraph.cmd.InitStore conf/rest-server.properties \
			>logs/init-store.out 2>&1; then
			tail -n 30 logs/init-store.out >&2
			die "InitStore failed (log: $home/logs/init-store.out)"
		fi
	fi
	setsid java "${JAVA_OPTS[@]}" -cp "$cp" org.apache.hugegraph.dist.HugeGraphServer \
		conf/gremlin-server.yaml conf/rest-server.properties \
		</dev/null >logs/server.out 2>&1 &
	local pid=$!
	echo "$pid" >server.pid
	echo "http://127.0.0.1:$port" >server.url
	local i code
	for ((i = 0; i < timeout * 5; i++)); do
		code=$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/versions" || true)
		if [ "$code" = 200 ]; then
			echo "$prog: HugeGraph $v ($backend${auth:+, auth}) answers on http://127.0.0.1:$port (pid $pid, home $home, $((i / 5)) s)" >&2
			echo "http://127.0.0.1:$port"
			return 0
		fi
		if ! kill -0 "$pid" 2>/dev/null; then
			tail -n 40 logs/server.out >&2
			die "HugeGraph $v exited during start-up (log: $home/logs/server.out)"
		fi
		sleep 0.2
	done
	tail -n 40 logs/server.out >&2
	kill -9 "$pid" 2>/dev/null || true
	die "HugeGraph $v did not answer within $timeout s (log: $home/logs/server.out)"
}

stop() {
	local v=$1; shift
	local home=""
	while [ $# -gt 0 ]; do
		case $1 in
		--home) home=$2; shift 2 ;;
		*) die "stop: unknown option '$1'" ;;
		esac
	done
	check_version "$v"
	home=${home:-$CACHE/instances/$v}
	local pid i
	if ! pid=$(pid_of "$home"); then
		echo "$prog: HugeGraph $v is not running from $home" >&2
		rm -f "$home/server.pid"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "$prog: HugeGraph $v (pid $pid) did not stop within 30 s; killing it" >&2
		kill -KILL "$pid" 2>/dev/null || true
	fi
	rm -f "$home/server.pid"
	echo "$prog: HugeGraph $v stopped" >&2
}

status() {
	local v=$1; shift
	local home=""
	[ "${1:-}" = --home ] && home=$2
	check_version "$v"
	home=${home:-$CACHE/instances/$v}
	local pid
	if pid=$(pid_of "$home"); then
		echo "HugeGraph $v running: pid $pid, $(cat "$home/server.url")"
	else
		echo "HugeGraph $v not running from $home"
		return 1
	fi
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case $cmd in
fetch) [ $# -eq 1 ] || usage 2; fetch "$1" ;;
start) [ $# -ge 1 ] || usage 2; start "$@" ;;
stop) [ $# -ge 1 ] || usage 2; stop "$@" ;;
status) [ $# -ge 1 ] || usage 2; status "$@" ;;
versions) echo "$KNOWN_VERSIONS" ;;
-h | --help | help) usage 0 ;;
*) usage 2 ;;
esac
