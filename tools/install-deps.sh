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
libinih-dev:/usr/include/ini.h
linux-libc-dev:/usr/include/linux/bpf.h bpftool:bpftool
libmicrohttpd-dev:/usr/include/microhttpd.h libgnutls28-dev:/usr/include/gnutls/gnutls.h"
run_deps="iproute2:ip ethtool:ethtool"
# The kernel matrix (tests/test_kernels.sh): qemu boots Debian's kernels with
# a busybox initramfs; apt fetches the kernels with Debian's archive keys.
# The packaging suite (tests/test_packaging.sh) renders the man pages,
# verifies the unit, computes the package's Depends and lints the package.
# tests/test_metrics.sh checks the exposition with promtool and scrapes it
# with a real Prometheus server (both from the prometheus package).
# tests/test_auth_vectors.sh regenerates the authenticated mode's known
# answers with Python's hashlib and hmac.
test_deps="jq:jq util-linux:nsenter procps:pgrep qemu-system-x86:qemu-system-x86_64
busybox-static:/bin/busybox cpio:cpio xz-utils:xz
debian-archive-keyring:/usr/share/keyrings/debian-archive-keyring.gpg
man-db:man systemd:systemd-analyze dpkg-dev:dpkg-shlibdeps lintian:lintian
binutils:objdump prometheus:promtool curl:curl python3:python3"

# --test: the test dependencies too; --check: only name what is missing.
deps="$build_deps $run_deps"
check_only=0
for arg in "$@"; do
	case $arg in
	--test) deps="$deps $test_deps" ;;
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

missing=""
for pair in $deps; do
	pkg=${pair%%:*}
	probe=${pair#*:}
	have "$probe" || missing="$missing $pkg"
done
[ -z "$missing" ] && exit 0

if [ "$check_only" = 0 ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "install-deps: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >&2
	exit 0
fi
echo "install-deps: missing packages:$missing" >&2
echo "install-deps: install them (Debian: apt-get install$missing), or run 'make deps' as root" >&2
exit 1
