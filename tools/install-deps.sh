#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Make sure the build (and, with --test, the test) dependencies are present.
# On Debian as root, install what is missing with apt-get (one update first);
# elsewhere name the missing packages and fail.
set -eu

# "package:probe" pairs; a probe is a command name or an absolute file path.
build_deps="clang:clang llvm:llvm-strip gcc:gcc make:make pkg-config:pkg-config
libbpf-dev:/usr/include/bpf/libbpf.h libelf-dev:/usr/include/libelf.h
zlib1g-dev:/usr/include/zlib.h libjson-c-dev:/usr/include/json-c/json.h
libinih-dev:/usr/include/ini.h libxdp-dev:/usr/include/xdp/libxdp.h
linux-libc-dev:/usr/include/linux/bpf.h bpftool:bpftool
libmicrohttpd-dev:/usr/include/microhttpd.h libgnutls28-dev:/usr/include/gnutls/gnutls.h"
run_deps="iproute2:ip ethtool:ethtool"
# The kernel matrix (tests/test_kernels.sh): qemu boots Debian's kernels with
# a busybox initramfs; apt fetches the kernels with Debian's archive keys.
# The packaging suite (tests/test_packaging.sh) renders the man pages,
# verifies the unit, computes the package's Depends and lints the package.
# tests/test_metrics.sh checks the exposition with promtool and scrapes it
# with a real Prometheus server (both from the prometheus package).
# tests/test_multiprog.sh attaches a program beside stampede with xdp-loader.
# tests/test_k8s.sh validates deploy/kubernetes/ with tools/k8s-validate.js
# (node, and the npm packages below).  tests/test_auth_vectors.sh
# regenerates the authenticated mode's known answers with Python's hashlib
# and hmac; xdp_unit, stamp_reflect and the probe's tests check the
# authenticated mode's MACs with OpenSSL's HMAC() (libcrypto, linked into
# those test programs only).
test_deps="jq:jq util-linux:nsenter procps:pgrep qemu-system-x86:qemu-system-x86_64
busybox-static:/bin/busybox cpio:cpio xz-utils:xz
debian-archive-keyring:/usr/share/keyrings/debian-archive-keyring.gpg
man-db:man systemd:systemd-analyze dpkg-dev:dpkg-shlibdeps lintian:lintian
binutils:objdump prometheus:promtool curl:curl xdp-tools:xdp-loader
nodejs:node npm:npm python3:python3 libssl-dev:/usr/include/openssl/hmac.h"
# npm packages of the test suite, pinned, installed into a cache directory
# of the build ($STAMPEDE_NPM_DIR, make passes $(BUILD)/npm), never globally.
npm_deps="kubernetes-models@4.5.1 js-yaml@4.1.0"
npm_dir=${STAMPEDE_NPM_DIR:-build/npm}

# --test: the test dependencies too; --check: only name what is missing.
deps="$build_deps $run_deps"
check_only=0
with_npm=0
for arg in "$@"; do
	case $arg in
	--test)
		deps="$deps $test_deps"
		with_npm=1
		;;
	--check) check_only=1 ;;
	*)
		echo "usage: $0 [--test] [--check]" >&2
		exit 2
		;;
	esac
done

have() {
	case "$1" in
	/*) [ -e "$1" ] ;;
	*) command -v "$1" >/dev/null 2>&1 || [ -x "/usr/sbin/$1" ] || [ -x "/sbin/$1" ] ;;
	esac
}

# The npm packages, each at its pinned version, once node and npm are there.
npm_missing() {
	for p in $npm_deps; do
		[ "$(cat "$npm_dir/node_modules/${p%@*}/package.json" 2>/dev/null |
			sed -n 's/^  "version": "\(.*\)",$/\1/p')" = "${p##*@}" ] || return 0
	done
	return 1
}
npm_install() {
	[ "$with_npm" = 1 ] && npm_missing || return 0
	if [ "$check_only" = 1 ]; then
		echo "install-deps: missing npm packages in $npm_dir: $npm_deps (run 'make test-deps')" >&2
		return 1
	fi
	echo "install-deps: installing into $npm_dir: $npm_deps" >&2
	mkdir -p "$npm_dir"
	# shellcheck disable=SC2086
	npm install --prefix "$npm_dir" --no-save --no-audit --no-fund --ignore-scripts \
		--loglevel=error $npm_deps >&2
}

missing=""
for pair in $deps; do
	pkg=${pair%%:*}
	probe=${pair#*:}
	have "$probe" || missing="$missing $pkg"
done
if [ -z "$missing" ]; then
	npm_install
	exit
fi

if [ "$check_only" = 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	npm_install
	exit
fi
echo "install-deps: missing packages:$missing" >&2
echo "install-deps: install them (Debian: apt-get install$missing), or run 'make deps' as root" >&2
exit 1
