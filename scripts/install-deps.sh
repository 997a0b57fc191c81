#!/bin/bash
# Installs what hugegraphfs needs to build, test and demo on Debian 12,
# including Java (a JDK: the auth-proxy shim is compiled with javac) and Maven for the real-server suite (scripts/hugegraph-server.sh
# assembles Apache HugeGraph from Maven Central with them).
# Does nothing when everything is there already.  Needs root (or sudo).
set -euo pipefail

PACKAGES=(
	build-essential meson ninja-build pkg-config
	libfuse3-dev fuse3 libcurl4-openssl-dev libcjson-dev libssl-dev zlib1g-dev libzstd-dev
	check libmicrohttpd-dev
	curl rsync tar gzip zstd python3 ed vim-tiny restic rclone borgbackup openssl stunnel4
	man-db groff-base mount util-linux
	openjdk-17-jdk-headless maven unzip
)

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
echo "installing: ${missing[*]}"
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
