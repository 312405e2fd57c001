#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Runs every test suite and sums up: `make test` calls it with BUILD set.
#
# Suites: each $BUILD/tests/*_unit or $BUILD/tests/test_* program (built
# from tests/*.c, or tests/DIR/*.c for DIR_unit; the tools the suites use,
# such as stamp_send, are built from testing/), then each tests/test_*.sh.  A suite prints one line per test
# on stdout:
#   PASS name | FAIL name: why | SKIP name: reason | # comment
# This runner echoes those lines, counts them and prints one closing line
#   N passed, N failed[, N skipped]
# (skipped only outside CI).  It exits 0 only when nothing failed.
#
# A suite that exits non-zero without printing a FAIL line (it crashed, or
# died on an error) counts as one failure, as does a suite that printed no
# result at all.  Under CI=true every SKIP is a failure: CI runs as root on
# a machine that can run everything, so a skip there hides a broken test.
#
# Environment: BUILD (default build), CI, STAMPEDE_TEST_TIMEOUT (seconds per
# suite, default 900), STAMPEDE_TEST_FILTER (run only suites whose name
# contains it), STAMPEDE_TEST_SUITES (run only these suites, names separated
# by spaces: the kernel matrix's guests use it).
set -u

cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
# The build directory as make was given it: test_build asks make about
# targets by the names make gave them (relative, or absolute).
STAMPEDE_MAKE_BUILD=${STAMPEDE_MAKE_BUILD:-$BUILD}
export STAMPEDE_MAKE_BUILD
case $BUILD in
/*) ;;
*) BUILD=$(pwd)/$BUILD ;;
esac
export BUILD

case ${CI:-} in
true | 1 | yes) in_ci=1 ;;
*) in_ci=0 ;;
esac

suite_timeout=${STAMPEDE_TEST_TIMEOUT:-900}
filter=${STAMPEDE_TEST_FILTER:-}
only=${STAMPEDE_TEST_SUITES:-}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/stampede-run.XXXXXX") || exit 1
# shellcheck disable=SC2064 # expand $tmp now: it does not change
trap "rm -rf '$tmp'" EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

passed=0
failed=0
skipped=0

# Reads a suite's stdout, echoes and counts its result lines, and writes
# the tally "passed failed skipped results" to $1 (it runs in a subshell of
# the pipeline, so it cannot set the caller's variables).
tally() {
	out=$1
	suite=$2
	p=0 f=0 s=0 n=0
	while IFS= read -r line; do
		case $line in
		"PASS "*)
			p=$((p + 1)) n=$((n + 1))
			echo "$line"
			;;
		"FAIL "*)
			f=$((f + 1)) n=$((n + 1))
			echo "$line"
			;;
		"SKIP "*)
			n=$((n + 1))
			if [ "$in_ci" = 1 ]; then
				f=$((f + 1))
				rest=${line#SKIP }
				why="no reason given"
				case $rest in *": "*) why=${rest#*: } ;; esac
				echo "FAIL ${rest%%: *}: skipped, and CI=true counts a skip as a failure: $why"
			else
				s=$((s + 1))
				echo "$line"
			fi
			;;
		"#"*) echo "$line" ;;
		*) echo "# $suite: $line" ;;
		esac
	done
	echo "$p $f $s $n" >"$out"
}

selected() {
	if [ -n "$only" ]; then
		case " $only " in
		*" $1 "*) ;;
		*) return 1 ;;
		esac
	fi
	case $1 in
	*"$filter"*) return 0 ;;
	*) return 1 ;;
	esac
}

# The kernel matrix boots three emulated machines: twice the time.
timeout_of() {
	case $1 in
	test_kernels) echo $((suite_timeout * 2)) ;;
	*) echo "$suite_timeout" ;;
	esac
}

# run_suite NAME COMMAND...: runs one suite with a time limit and adds its
# results to the totals.
run_suite() {
	name=$1
	shift
	selected "$name" || return 0
	echo "# suite $name"
	# --foreground keeps the suite in our process group, so Ctrl-C
	# reaches it directly and its own traps clean up.
	{
		timeout --foreground -k 30 "$(timeout_of "$name")" "$@" </dev/null
		echo $? >"$tmp/rc"
	} | tally "$tmp/tally" "$name"
	rc=$(cat "$tmp/rc")
	read -r p f s n <"$tmp/tally"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
	if [ "$rc" -eq 124 ]; then
		echo "FAIL suite/$name: timed out after $(timeout_of "$name")s"
		failed=$((failed + 1))
	elif [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		if [ "$rc" -gt 128 ]; then
			echo "FAIL suite/$name: exited with status $rc (killed by signal $((rc - 128)))"
		else
			echo "FAIL suite/$name: exited with status $rc"
		fi
		failed=$((failed + 1))
	elif [ "$n" -eq 0 ]; then
		echo "FAIL suite/$name: printed no test result"
		failed=$((failed + 1))
	fi
}

# Unit-test programs built from tests/*.c (only *_unit and test_* names are
# suites), and from tests/DIR/*.c, each directory one program DIR_unit
# (tests/xdp/ is xdp_unit).  The tools the suites use are in testing/.
for c in tests/*.c tests/*/main.c; do
	[ -e "$c" ] || continue
	case $c in
	*/main.c) name=$(basename "$(dirname "$c")")_unit ;;
	*) name=$(basename "$c" .c) ;;
	esac
	case $name in
	*_unit | test_*) ;;
	*) continue ;;
	esac
	bin=$BUILD/tests/$name
	selected "$name" || continue
	if [ -x "$bin" ]; then
		run_suite "$name" "$bin"
	else
		echo "FAIL suite/$name: $bin is not built (run make test)"
		failed=$((failed + 1))
	fi
done

for sh in tests/test_*.sh; do
	[ -e "$sh" ] || continue
	run_suite "$(basename "$sh" .sh)" bash "$sh"
done

if [ "$in_ci" = 1 ]; then
	echo "$passed passed, $failed failed"
else
	echo "$passed passed, $failed failed, $skipped skipped"
fi
[ "$failed" -eq 0 ]
