#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make deb`: the Debian package of the built controller, made with
# dpkg-deb --build from a staged tree, so no debian/ source tree has to be
# kept beside the Makefile.  Run from the top of the repository with BUILD
# set, after make has built $BUILD/stampede and $BUILD/man/*.  Prints the
# path of the .deb it wrote.
set -eu

BUILD=${BUILD:-build}
bin=$BUILD/deb/stampede
for f in "$bin" "$BUILD/man/stampede.8" "$BUILD/man/stampede.conf.5"; do
	[ -s "$f" ] || {
		echo "mkdeb: $f is not built (run make deb)" >&2
		exit 1
	}
done

# The package's version is the binary's (stampede -V, from git describe),
# in Debian's order: 0.1.0-gHASH (no release tag yet, on the way to 0.1.0)
# sorts before 0.1.0 as 0.1.0~gHASH; 0.1.0-3-gHASH (3 commits after the
# tag) after it as 0.1.0+3.gHASH; a -dirty tree says .dirty.  -1 is the
# package's own revision.
upstream=$("$bin" -V | sed -n 's/^stampede //p')
case $upstream in
"") echo "mkdeb: $bin -V printed no version" >&2; exit 1 ;;
esac
debver=$(printf '%s\n' "$upstream" | sed -E \
	-e 's/-dirty$/.dirty/' \
	-e 's/^([0-9]+\.[0-9]+\.[0-9]+)-([0-9]+)-g/\1+\2.g/' \
	-e 's/^([0-9]+\.[0-9]+\.[0-9]+)-g/\1~g/')-1
arch=$(dpkg --print-architecture)
maintainer=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>' 2>/dev/null || true)}
[ -n "$maintainer" ] || maintainer="stampede maintainers <root@localhost>"

stage=$BUILD/deb/stage
rm -rf "$stage"
umask 022
mkdir -p "$stage/DEBIAN"

# Files: a stripped binary (its BPF program is data in it, which strip
# keeps), gzipped man pages, the completion, the unit (Debian 12's unit
# directory), the conffile, the documentation.
install -D -m 0755 "$bin" "$stage/usr/sbin/stampede"
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	"$stage/usr/sbin/stampede"
install -D -m 0644 "$BUILD/man/stampede.8" "$stage/usr/share/man/man8/stampede.8"
install -D -m 0644 "$BUILD/man/stampede.conf.5" "$stage/usr/share/man/man5/stampede.conf.5"
gzip -9n "$stage/usr/share/man/man8/stampede.8" "$stage/usr/share/man/man5/stampede.conf.5"
install -D -m 0644 tools/completion/stampede \
	"$stage/usr/share/bash-completion/completions/stampede"
install -D -m 0644 deploy/systemd/stampede.service "$stage/lib/systemd/system/stampede.service"
install -D -m 0644 deploy/stampede.conf "$stage/etc/stampede/stampede.conf"
doc=$stage/usr/share/doc/stampede
install -D -m 0644 README.md "$doc/README.md"
install -D -m 0644 docs/datapath.md "$doc/datapath.md"

# copyright in Debian's machine-readable format; the GPL-2 text is on every
# Debian system, the BSD text is short and goes in whole.
{
	cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: stampede

Files: *
Copyright: 2026 the stampede authors
License: GPL-2.0-only or BSD-2-Clause

License: GPL-2.0-only
 On Debian systems, the complete text of the GNU General Public License
 version 2 can be found in /usr/share/common-licenses/GPL-2.

License: BSD-2-Clause
EOF
	sed -n '/^Redistribution and use/,/^OF THIS SOFTWARE/p' LICENSE |
		sed -e 's/^$/./' -e 's/^/ /'
} >"$doc/copyright"
chmod 0644 "$doc/copyright"

# A Debian binary package carries a changelog; this one says what the
# package was built from.
date=$(date -R -d "@$(git log -1 --format=%ct 2>/dev/null || date +%s)")
cat >"$doc/changelog.Debian" <<EOF
stampede ($debver) unstable; urgency=medium

  * Built with make deb from stampede $upstream.

 -- $maintainer  $date
EOF
gzip -9n "$doc/changelog.Debian"

# Depends: the packages of the libraries the binary is linked to.
# dpkg-shlibdeps (dpkg-dev) reads a control file of a source package; a
# minimal one will do.  Without it, a fixed list, which
# tests/test_packaging.sh holds against the binary's NEEDED entries.
depends=""
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
	src=$BUILD/deb/src
	rm -rf "$src"
	mkdir -p "$src/debian"
	printf 'Source: stampede\n\nPackage: stampede\nArchitecture: any\n' >"$src/debian/control"
	exe=$(cd "$stage/usr/sbin" && pwd)/stampede
	depends=$(cd "$src" && dpkg-shlibdeps -O "$exe" | sed -n 's/^shlibs:Depends=//p')
	rm -rf "$src"
fi
[ -n "$depends" ] || depends="libbpf1, libc6, libelf1, libjson-c5, zlib1g"

# The conffile: dpkg keeps a changed one on upgrade and removes it on purge.
echo /etc/stampede/stampede.conf >"$stage/DEBIAN/conffiles"

# The maintainer scripts act on the unit only where systemd runs, through
# Debian's helpers (init-system-helpers, essential); in a container or a
# chroot that builds an image they do nothing, but a purge always removes
# what an enable left.  A unit that fails to start does not fail the
# installation: it is said, and the package stays configured.
cat >"$stage/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
	deb-systemd-helper enable stampede.service >/dev/null || true
	# First install: start; upgrade: the new binary takes over.
	deb-systemd-invoke restart stampede.service >/dev/null ||
		echo "stampede: stampede.service did not start; see journalctl -u stampede" >&2
fi
exit 0
EOF
cat >"$stage/DEBIAN/prerm" <<'EOF'
#!/bin/sh
set -e
# On upgrade the unit keeps running until postinst restarts it.
if [ "$1" = remove ] && [ -d /run/systemd/system ]; then
	deb-systemd-invoke stop stampede.service >/dev/null || true
fi
exit 0
EOF
cat >"$stage/DEBIAN/postrm" <<'EOF'
#!/bin/sh
set -e
if { [ "$1" = remove ] || [ "$1" = purge ]; } && [ -d /run/systemd/system ]; then
	systemctl --system daemon-reload >/dev/null || true
fi
if [ "$1" = purge ] && command -v deb-systemd-helper >/dev/null; then
	deb-systemd-helper purge stampede.service >/dev/null || true
fi
exit 0
EOF
chmod 0755 "$stage/DEBIAN/postinst" "$stage/DEBIAN/prerm" "$stage/DEBIAN/postrm"

(cd "$stage" && find . -path ./DEBIAN -prune -o -path ./etc -prune -o -type f -print |
	sed 's|^\./||' | LC_ALL=C sort | xargs md5sum) >"$stage/DEBIAN/md5sums"
chmod 0644 "$stage/DEBIAN/md5sums" "$stage/DEBIAN/conffiles"

size=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
cat >"$stage/DEBIAN/control" <<EOF
Package: stampede
Version: $debver
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $size
Depends: $depends
Section: net
Priority: optional
Description: STAMP reflector in the Linux XDP hook
 stampede answers STAMP test packets (RFC 8762, with the TLVs of RFC 8972
 and later) in the network driver's XDP hook, before the network stack,
 and sends the reply back out of the interface it came in on.  It keeps
 per-session counters, stamps NTP or PTP timestamps and counts every frame
 it sees.  The controller, stampede, attaches and inspects reflectors and
 measures paths as a STAMP Session-Sender (stampede probe); a systemd unit
 runs its agent from /etc/stampede/stampede.conf.
EOF

deb=$BUILD/deb/stampede_${debver}_$arch.deb
rm -f "$BUILD"/deb/stampede_*.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$deb"
