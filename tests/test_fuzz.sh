#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A short fixed-seed run of the XDP fuzzer (tests/fuzz, `make fuzz` runs
# the long campaign): generated and mutated frames through the reflector
# with BPF_PROG_TEST_RUN, every outcome judged independently.  Also: the
# same seed gives the same frames and outcomes.
#
# Environment: STAMPEDE_FUZZ_FRAMES (default 100000; 20000 in a guest of
# the kernel matrix, where TCG runs about 3000 frames a second),
# STAMPEDE_FUZZ_SEED (default 8762).
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

FUZZ=$BUILD/fuzz/stampede-fuzz
if [ -n "${KERNEL_MATRIX_GUEST:-}" ]; then
	frames=${STAMPEDE_FUZZ_FRAMES:-20000}
	B=1000 # frames per batch of the replay checks
else
	frames=${STAMPEDE_FUZZ_FRAMES:-100000}
	B=5000
fi
seed=${STAMPEDE_FUZZ_SEED:-8762}

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$FUZZ")
if [ -n "$why" ]; then
	skip fuzz "$why"
	finish
fi

# Batches of 10^4: ten configurations in 10^5 frames.
"$FUZZ" --seed "$seed" --frames "$frames" --batch 10000 --quiet >"$T/run" 2>"$T/err"
rc=$?
summary=$(grep '^frames ' "$T/run")
[ -n "$summary" ] && note "fuzz: $summary (seed $seed)"
if [ "$rc" -eq 0 ] && grep -q '^violations 0 ' "$T/run"; then
	pass fuzz/short_run_no_violation
elif [ "$rc" -eq 1 ]; then
	# The violations, each with its frame in hex, for the log.
	sed 's/^/# /' "$T/run" | head -60
	fail fuzz/short_run_no_violation "$(oneline "$(grep -m3 '^VIOLATION' "$T/run")") (replay: $FUZZ --seed $seed --frames $frames --batch 10000)"
else
	fail fuzz/short_run_no_violation "exited $rc: $(oneline "$(tail -3 "$T/err")")"
fi

# The same seed, the same frames: the outcomes add up to the same counts.
outcomes() { sed -n 's/^frames \([0-9]*\) in .*configurations; \(.*\)$/\1 \2/p' "$1"; }
"$FUZZ" --seed 7 --frames $((4 * B)) --batch $B --quiet >"$T/a" 2>&1
"$FUZZ" --seed 7 --frames $((4 * B)) --batch $B --quiet >"$T/b" 2>&1
a=$(outcomes "$T/a")
b=$(outcomes "$T/b")
check fuzz/same_seed_same_outcomes "seed 7 gave '$a', then '$b'" \
	test -n "$a" -a "$a" = "$b"
# A batch replays alone: --first-batch 2 runs what the third batch ran.
"$FUZZ" --seed 7 --frames $B --batch $B --first-batch 2 --quiet >"$T/c" 2>&1
"$FUZZ" --seed 7 --frames $((3 * B)) --batch $B --quiet >"$T/d" 2>&1
"$FUZZ" --seed 7 --frames $((2 * B)) --batch $B --quiet >"$T/e" 2>&1
c=$(outcomes "$T/c" | awk '{print $2, $4, $6}')
d=$(outcomes "$T/d" | awk '{print $2, $4, $6}')
e=$(outcomes "$T/e" | awk '{print $2, $4, $6}')
replay_ok() {
	[ -n "$c" ] && [ -n "$d" ] && [ -n "$e" ] &&
		[ "$(echo "$d $e" | awk '{print $1 - $4, $2 - $5, $3 - $6}')" = "$c" ]
}
check fuzz/batch_replays_alone "batch 2 alone: '$c'; batches 0-2 '$d', 0-1 '$e'" replay_ok
finish
