#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Fetches the Debian cloud kernels of the kernel matrix and unpacks the parts
# a test guest needs (vmlinuz, and the modules the guest loads) under
# DEST/SUITE/ (DEST: $BUILD/kernels).  Cached: a suite already unpacked is
# not fetched again.  Prints one line per suite: SUITE RELEASE DIR.
#
#   tools/kernels/fetch.sh DEST SUITE...     SUITE: bullseye bookworm trixie
#
# Each suite is read from Debian's archive with an apt configuration of its
# own (sources list, lists and cache under DEST/apt/SUITE), so the host's
# apt state is untouched; the newest linux-image-cloud-amd64 of the suite
# (security updates included) decides the version.
set -eu

[ $# -ge 2 ] || {
	echo "usage: $0 DEST SUITE..." >&2
	exit 2
}
dest=$1
shift
mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] || {
	echo "fetch: $keyring is missing (apt-get install debian-archive-keyring)" >&2
	exit 1
}

# The modules a guest loads, in load order (dependencies first).
MODULES="drivers/net/veth net/sched/sch_ingress net/sched/cls_bpf"

for suite in "$@"; do
	case $suite in
	bullseye | bookworm | trixie) ;;
	*)
		echo "fetch: unknown suite '$suite' (bullseye, bookworm or trixie)" >&2
		exit 1
		;;
	esac
	out=$dest/$suite
	if [ -s "$out/release" ] && [ -s "$out/vmlinuz" ]; then
		echo "$suite $(cat "$out/release") $out"
		continue
	fi
	apt=$dest/apt/$suite
	mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial"
	cat >"$apt/sources.list" <<EOF
deb [signed-by=$keyring] http://deb.debian.org/debian $suite main
deb [signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main
EOF
	set -- -o "Dir::Etc::SourceList=$apt/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache" \
		-o Dir::State::status=/dev/null -o APT::Architecture=amd64 \
		-o APT::Sandbox::User=root
	apt-get "$@" update -qq >&2
	pkg=$(apt-cache "$@" depends linux-image-cloud-amd64 |
		awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
	[ -n "$pkg" ] || {
		echo "fetch: $suite has no linux-image-cloud-amd64" >&2
		exit 1
	}
	rm -rf "$apt/deb" "$out"
	mkdir -p "$apt/deb" "$out/modules"
	(cd "$apt/deb" && apt-get "$@" download -qq "$pkg" >&2)
	unpacked=$apt/unpacked
	rm -rf "$unpacked"
	dpkg-deb -x "$apt"/deb/*.deb "$unpacked"
	release=${pkg#linux-image-}
	cp "$unpacked/boot/vmlinuz-$release" "$out/vmlinuz"
	cp "$unpacked/boot/config-$release" "$out/config"
	# Modules are under /lib (bullseye, bookworm) or /usr/lib (trixie),
	# xz-compressed from trixie on: the guest's insmod takes them plain.
	moddir=$(ls -d "$unpacked"/lib/modules/"$release" "$unpacked"/usr/lib/modules/"$release" 2>/dev/null | head -n 1)
	for m in $MODULES; do
		name=$(basename "$m")
		if [ -e "$moddir/kernel/$m.ko" ]; then
			cp "$moddir/kernel/$m.ko" "$out/modules/$name.ko"
		elif [ -e "$moddir/kernel/$m.ko.xz" ]; then
			xz -dc "$moddir/kernel/$m.ko.xz" >"$out/modules/$name.ko"
		else
			# built in (=y) in this kernel, or absent: the guest
			# says which when a test needs it
			continue
		fi
		echo "$name" >>"$out/modules/order"
	done
	rm -rf "$unpacked" "$apt/deb"
	echo "$release" >"$out/release"
	echo "$suite $release $out"
done
