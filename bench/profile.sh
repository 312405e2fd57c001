#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Where one bench/prog_cost case spends its time, by BPF source line.
#
#   BUILD=build bash bench/profile.sh CASE [SECONDS]
#
# Runs prog_cost for CASE (and the baseline it is compared with) on one CPU,
# sized by a short calibration run to measure for about SECONDS (default 8),
# records that CPU with `perf record -e cpu-clock -g` meanwhile and hands
# `perf script -F ip,sym` to bench/profile (bench/profile.c says how samples
# become lines).  The programs are the ones prog_cost holds open, read from
# its file descriptors: the three reflectors it loads are all stampede_xdp
# with one tag, and other users may run reflectors of their own; profile
# tells them apart by their JITed address ranges.
#
# Knobs (environment): PROFILE_CPU (the last CPU), PROFILE_TOP lines per
# program (25), PROFILE_JSON=FILE to write the profile as JSON too.
set -u

CASE=${1:-}
SECS=${2:-8}
BUILD=${BUILD:-build}
CPU=${PROFILE_CPU:-$(($(nproc) - 1))}
TOP=${PROFILE_TOP:-25}
JSON=${PROFILE_JSON:-}

PROG_COST=$BUILD/bench/prog_cost
PROFILE=$BUILD/bench/profile
RUNS=9		   # rounds after prog_cost's warm-up one
R1_CALL_NS=3000	   # a repeat-1 call's syscall and checks, beyond the program (measured)
CAL_TIMEOUT=120	   # the calibration run
LOAD_WAIT_POLLS=300 # 0.1 s each: prog_cost loading its programs

die() {
	echo "profile.sh: $*" >&2
	exit 1
}

if [ -z "$CASE" ] || [ $# -gt 2 ]; then
	echo "usage: BUILD=DIR bash bench/profile.sh CASE [SECONDS]" >&2
	exit 1
fi
# number NAME VALUE MIN MAX
number() {
	case $2 in
	'' | *[!0-9]* | 0?*) die "$1 must be a number, got '$2'" ;;
	esac
	{ [ "${#2}" -le 6 ] && [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; } ||
		die "$1 must be in $3..$4, got $2"
}
number SECONDS "$SECS" 1 600
number PROFILE_CPU "$CPU" 0 $(($(nproc) - 1))
number PROFILE_TOP "$TOP" 1 100000
PERF_TIMEOUT=$((SECS + 60))
[ "$(id -u)" = 0 ] || die "needs root (perf on a CPU, BPF programs)"
for tool in perf jq; do
	command -v $tool >/dev/null || die "needs $tool (Debian: apt-get install ${tool/perf/linux-perf})"
done
if [ ! -x "$PROG_COST" ] || [ ! -x "$PROFILE" ]; then
	die "build first: make BUILD=$BUILD $PROG_COST $PROFILE and bench/*.bpf.o in $BUILD/bench"
fi
"$PROG_COST" --list | grep -qxF -- "$CASE" ||
	die "unknown case '$CASE'; prog_cost --list names them"

# ---- cleanup: prog_cost and the temporary files, also when interrupted ----

TMP=$(mktemp -d /tmp/stampede-profile.XXXXXX) || die "cannot make a temporary directory"
PC_PID=
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	trap '' INT TERM
	if [ -n "$PC_PID" ] && kill -0 "$PC_PID" 2>/dev/null; then
		kill "$PC_PID" 2>/dev/null
		wait "$PC_PID" 2>/dev/null
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'echo "profile.sh: interrupted" >&2; exit 130' INT
trap 'echo "profile.sh: terminated" >&2; exit 143' TERM

# ---- size the run: repeats (or repeat-1 calls) for about SECONDS + 2 -------

timeout --foreground "$CAL_TIMEOUT" "$PROG_COST" --case "$CASE" --cpu "$CPU" --runs 3 \
	--repeat 100000 --r1-calls 1000 --no-table --json "$TMP/cal.json" 2>"$TMP/cal.err" ||
	die "calibration run failed: $(head -1 "$TMP/cal.err")"
# ns of one repeat of every selected series in a round, and of one repeat-1 call.
read -r REPEAT R1_CALLS < <(jq -r --argjson secs "$SECS" --argjson rounds $((RUNS + 1)) \
	--argjson r1ns "$R1_CALL_NS" '
	def clamp(lo; hi): if . < lo then lo elif . > hi then hi else . end;
	(map(select(.calls_per_run == null)
	     | if .components then .components.reset_with_reflector
	                           + .components.reset_with_pass_empty
	       else .ns_per_pkt end) | add // 0) as $rep
	| (map(select(.calls_per_run != null) | .ns_per_pkt + $r1ns) | add // 0) as $r1
	| (($secs + 2) * 1e9 / $rounds / (if $rep > 0 and $r1 > 0 then 2 else 1 end)) as $ns
	| [ (if $rep > 0 then $ns / $rep else 0 end | floor | clamp(100000; 100000000)),
	    (if $r1 > 0 then $ns / $r1 else 0 end | floor | clamp(1000; 1000000)) ]
	| @tsv' "$TMP/cal.json")
{ [ -n "${REPEAT:-}" ] && [ -n "${R1_CALLS:-}" ]; } || die "cannot read the calibration run's JSON"

# ---- run it, find its programs, record ------------------------------------

"$PROG_COST" --case "$CASE" --cpu "$CPU" --runs "$RUNS" --repeat "$REPEAT" \
	--r1-calls "$R1_CALLS" >"$TMP/cost.txt" 2>&1 &
PC_PID=$!

# Its programs: the prog_id of every BPF file descriptor, once the count
# has held for half a second (prog_cost loads them all before measuring).
prog_ids() {
	grep -h '^prog_id:' /proc/"$PC_PID"/fdinfo/* 2>/dev/null | awk '{print $2}' | sort -n
}
ids='' last='' same=0
for ((i = 0; i < LOAD_WAIT_POLLS; i++)); do
	kill -0 "$PC_PID" 2>/dev/null || die "prog_cost ended early: $(head -1 "$TMP/cost.txt")"
	ids=$(prog_ids | tr '\n' ' ')
	if [ -n "$ids" ] && [ "$ids" = "$last" ]; then
		same=$((same + 1))
		[ $same -ge 5 ] && break
	else
		same=0
	fi
	last=$ids
	sleep 0.1
done
[ $same -ge 5 ] || die "prog_cost did not finish loading its programs"
id_args=()
for id in $ids; do
	id_args+=(--id "$id")
done
json_args=()
[ -z "$JSON" ] || json_args=(--json "$JSON")

echo "# prog_cost --case $CASE on CPU $CPU: --runs $RUNS --repeat $REPEAT --r1-calls $R1_CALLS;" \
	"perf record -e cpu-clock -g -C $CPU for ${SECS}s; programs $ids"
# profile opens the programs before it reads, so they stay loaded (and
# their addresses valid) even if prog_cost ends first.  Recording stops
# after SECONDS or when prog_cost ends, whichever comes first.  The
# timeouts stay in the foreground so that Ctrl-C reaches perf.
# shellcheck disable=SC2016 # expanded by the bash that perf runs
WAIT_LOOP='for ((i = 0; i < $1 * 5; i++)); do kill -0 "$2" 2>/dev/null || break; sleep 0.2; done'
{
	timeout --foreground "$PERF_TIMEOUT" perf record -q -g -e cpu-clock -C "$CPU" \
		-o "$TMP/perf.data" -- bash -c "$WAIT_LOOP" - "$SECS" "$PC_PID" \
		>"$TMP/record.log" 2>&1 ||
		echo "profile.sh: perf record failed: $(tail -1 "$TMP/record.log")" >&2
	timeout --foreground "$PERF_TIMEOUT" perf script -i "$TMP/perf.data" -F ip,sym \
		2>"$TMP/script.log"
} | "$PROFILE" "${id_args[@]}" --top "$TOP" "${json_args[@]}"
status=${PIPESTATUS[1]}

# prog_cost was sized to end soon after the recording; bounded wait, then stop it.
for ((i = 0; i < (SECS + 30) * 10; i++)); do
	kill -0 "$PC_PID" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$PC_PID" 2>/dev/null; then
	echo "profile.sh: prog_cost still running after the recording; stopped" >&2
	kill "$PC_PID"
	wait "$PC_PID" 2>/dev/null
elif ! wait "$PC_PID"; then
	echo "profile.sh: prog_cost failed: $(head -1 "$TMP/cost.txt")" >&2
	status=1
else
	echo
	awk 'NR <= 2 || !/^#/' "$TMP/cost.txt"
fi
PC_PID=
exit "$status"
