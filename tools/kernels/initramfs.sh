#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Builds the initramfs a kernel-matrix guest boots: busybox for the basics,
# the host's own programs that the test suites use (with the shared
# libraries they load), and the repository's built tree at the same path
# as on the host, so the suites run there unchanged.
#
#   tools/kernels/initramfs.sh OUT.cpio TOP BUILD
#
# The archive is uncompressed (the kernel unpacks it fastest that way) and
# kernel-independent: the guest init (tools/kernels/guest-init.sh) loads
# the modules of the kernel it runs on from a second archive that
# tools/kernels/run.sh appends.
set -euo pipefail

[ $# -eq 3 ] || {
	echo "usage: $0 OUT.cpio TOP BUILD" >&2
	exit 2
}
out=$1 top=$2 build=$3
export PATH=$PATH:/usr/sbin:/sbin

# Programs of the host the suites call (the rest comes from busybox).
PROGRAMS="bash dash ip ethtool jq nsenter setpriv timeout mktemp date sleep
cat tr head tail wc sort uniq cut seq grep sed awk find xargs stat kill
pgrep pkill sysctl env id ls rm mkdir cp mv ln chmod uname printf
basename dirname readlink realpath tee true false nproc od bpftool curl
mount umount stdbuf xdp-loader tc"

root=$(mktemp -d "${TMPDIR:-/tmp}/stampede-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,proc,sys,dev,tmp,run,var,etc,root}
ln -s ../run "$root/var/run"

busybox=$(command -v busybox) || {
	echo "initramfs: busybox is missing (apt-get install busybox-static)" >&2
	exit 1
}
# ldd fails on a static program: the guest has no libraries before ours.
! ldd "$busybox" >/dev/null 2>&1 || {
	echo "initramfs: $busybox is not static (apt-get install busybox-static)" >&2
	exit 1
}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# copy_file PATH: PATH into the archive at the same place, links resolved
# to their target's content.
copy_file() {
	local dst=$root$1
	[ -e "$dst" ] && [ ! -L "$dst" ] && return 0
	mkdir -p "$(dirname "$dst")"
	rm -f "$dst"
	cp -L "$1" "$dst"
}

# copy_libs PATH: every shared library ldd names for the program PATH
# (none for a script or a static program).
copy_libs() {
	local lib
	for lib in $(ldd "$1" 2>/dev/null | awk '/=> \// { print $3 } /^\s*\/lib/ { print $1 }'); do
		copy_file "$lib"
	done
}

# copy_program NAME: the host's NAME into /usr/bin (ahead of busybox on the
# guest's PATH), with its shared libraries.
copy_program() {
	local path
	path=$(PATH=$PATH:/usr/sbin:/sbin type -P "$1") || {
		echo "initramfs: $1 is missing on this host" >&2
		exit 1
	}
	mkdir -p "$root/usr/bin"
	rm -f "$root/usr/bin/$1"
	cp -L "$path" "$root/usr/bin/$1"
	copy_libs "$path"
}

for p in $PROGRAMS; do
	copy_program "$p"
done
# The dynamic loader at the path the programs name.
copy_file /lib64/ld-linux-x86-64.so.2
# sh is dash, as on Debian (tests/run.sh and tools scripts are POSIX sh).
ln -sf /usr/bin/dash "$root/bin/sh"
cat >"$root/etc/passwd" <<EOF
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<EOF
root:x:0:
nogroup:x:65534:
EOF
printf '127.0.0.1 localhost\n::1 localhost\n' >"$root/etc/hosts"
echo "hosts: files" >"$root/etc/nsswitch.conf"
# TAI - UTC for PTP timestamps when the kernel's is unset, as on a host.
[ -r /usr/share/zoneinfo/leap-seconds.list ] && copy_file /usr/share/zoneinfo/leap-seconds.list
# libnss for getent/getaddrinfo of "localhost" in glibc programs.
for lib in /lib/x86_64-linux-gnu/libnss_files.so.2; do
	[ -e "$lib" ] && copy_file "$lib"
done

# The repository: scripts and the built programs, at their host paths.
mkdir -p "$root$top"
(cd "$top" && find tests testing tools bench -type f \( -name '*.sh' -o -name '*.h' -o -name '*.c' \) -print0 |
	cpio -0 -pdm --quiet "$root$top")
(cd "$build" && find . -type f \( -perm -u+x -o -name '*.bpf.o' -o -name '*.sh' \) ! -path './kernels/*' ! -path './obj/*' -print0 |
	cpio -0 -pdm --quiet "$root$build")
# The built programs' own shared libraries: stampede links GnuTLS (which
# its static libmicrohttpd needs) dynamically, see the Makefile.
while IFS= read -r -d '' f; do
	copy_libs "$f"
done < <(find "$build" -type f -perm -u+x ! -path "$build/kernels/*" ! -path "$build/obj/*" -print0)
install -m 0755 "$top/tools/kernels/guest-init.sh" "$root/init"

(cd "$root" && find . -print0 | cpio -0 -o -H newc --quiet) >"$out.tmp"
mv "$out.tmp" "$out"
