#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The build graph: every program depends on the files it includes, so a
# change anywhere rebuilds what uses it (the unit tests include user/*.c
# files, and once ran stale code after such a change).  Asked of make with
# -q (is it up to date?) and -W FILE (as if FILE had just changed): nothing
# is built or touched.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

cd "$TOP" || exit 1
# The names make test built its targets under: BUILD as the Makefile had
# it (run.sh passes it on), not run.sh's absolute form.
if [ -n "${STAMPEDE_MAKE_BUILD:-}" ]; then
	BUILD=$STAMPEDE_MAKE_BUILD
else
	case $BUILD in
	"$TOP"/*) BUILD=${BUILD#"$TOP"/} ;;
	esac
fi
# up_to_date TARGET [FILE]: make -q's verdict, with FILE taken as changed.
up_to_date() {
	local target=$1
	shift
	make -q BUILD="$BUILD" ${1:+-W "$1"} "$target" >/dev/null 2>&1
}
# needs_rebuild TARGET FILE: FILE's change would rebuild TARGET.
needs_rebuild() { ! up_to_date "$1" "$2"; }

# (The controller itself is remade on every run: its version header is
# checked each time, so make -q never calls it up to date.)
check build/up-to-date "after make test, the unit tests are not up to date: the checks below would prove nothing" \
	up_to_date "$BUILD/tests/probe_unit"
# The unit tests link the controller's library: a change to its code
# rebuilds them.
for pair in probe_unit:user/probe_stats.c probe_unit:user/probe_ping_opts.c \
	probe_tlv_unit:user/probe_tlv_decode.c probe_tlv_unit:user/probe_report.c \
	xdp_unit:user/kernel_features.c features_unit:user/kernel_features.c; do
	name=${pair%%:*} src=${pair#*:}
	check "build/$name/$(basename "$src")" "$name is not rebuilt when $src changes" \
		needs_rebuild "$BUILD/tests/$name" "$src"
done
# The XDP unit tests are one program from tests/xdp/*.c and testing/.
for src in tests/xdp/tlv_walk.c tests/xdp/xdp_test.h testing/check.h testing/harness.c; do
	check "build/xdp_unit/$(basename "$src")" "xdp_unit is not rebuilt when $src changes" \
		needs_rebuild "$BUILD/tests/xdp_unit" "$src"
done
check build/stamp_send/tool_cli.h "stamp_send is not rebuilt when testing/tool_cli.h changes" \
	needs_rebuild "$BUILD/testing/stamp_send" testing/tool_cli.h
# No circle: testing/ uses neither tests/ nor bench/, bench/ does not use tests/.
# (A dependency: an #include, a sourced script, a built program or object.)
refs=$(grep -lE '#include.*(tests|bench)/|^[.] .*(tests|bench)/|BUILD/(tests|bench)/|-I(tests|bench)' testing/* 2>/dev/null)
check build/testing-standalone "testing/ refers to tests/ or bench/: $(oneline "$refs")" test -z "$refs"
refs=$(grep -lE '#include.*tests/|^[.] .*tests/|BUILD/tests/|-Itests' bench/* 2>/dev/null)
check build/bench-without-tests "bench/ refers to tests/: $(oneline "$refs")" test -z "$refs"
check build/skeleton/bpf-header "the skeleton (the program the controller embeds) is not rebuilt when bpf/tlv/io.h changes" \
	needs_rebuild "$BUILD/stampede.skel.h" bpf/tlv/io.h
# The tc skeleton is built from bpf/stampede.bpf.c too (bpf/stampede_tc.bpf.c includes it).
check build/skeleton/tc-from-xdp-source "the tc skeleton is not rebuilt when bpf/stampede.bpf.c changes" \
	needs_rebuild "$BUILD/stampede_tc.skel.h" bpf/stampede.bpf.c
check build/probe_unit/header "probe_unit is not rebuilt when user/probe_stats.h changes" \
	needs_rebuild "$BUILD/tests/probe_unit" user/probe_stats.h

# make install: the binary and its documentation under DESTDIR/PREFIX, runnable.
if make -s BUILD="$BUILD" install DESTDIR="$T/root" PREFIX=/usr >"$T/install.out" 2>&1; then
	"$T/root/usr/sbin/stampede" -V >"$T/version.out" 2>&1
	check build/install "the installed stampede does not run: $(oneline "$(cat "$T/version.out")")" \
		grep -q "^stampede " "$T/version.out"
	check build/install-doc "no README under $T/root/usr/share/doc/stampede" \
		test -s "$T/root/usr/share/doc/stampede/README.md"
	make -s BUILD="$BUILD" uninstall DESTDIR="$T/root" PREFIX=/usr >/dev/null 2>&1
	check build/uninstall "make uninstall left: $(oneline "$(find "$T/root" -type f)")" \
		test -z "$(find "$T/root" -type f)"
else
	fail build/install "make install failed: $(oneline "$(cat "$T/install.out")")"
fi
# Every header says what it needs: each compiles on its own.
make -s BUILD="$BUILD" hdrcheck >"$T/hdrcheck.out" 2>&1
check build/hdrcheck "make hdrcheck: $(oneline "$(tail -5 "$T/hdrcheck.out")")" \
	grep -q "every header compiles alone" "$T/hdrcheck.out"
# install-deps.sh --check names what is missing and installs nothing.
check build/deps-check "install-deps.sh --check failed on this machine, where make test installed everything" \
	sh tools/install-deps.sh --test --check
finish
