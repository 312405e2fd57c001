#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# A short fixed-seed run of the XDP fuzzer (fuzz/, `make fuzz` runs
# the long campaign): generated and mutated frames through the reflector
# with BPF_PROG_TEST_RUN, every outcome judged independently.  Also: the
# run reached the source policy (allow-list, rate limits), and the same
# seed gives the same frames and outcomes.
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

# Ten configurations, whatever the number of frames.
batch=$(((frames + 9) / 10))
"$FUZZ" --seed "$seed" --frames "$frames" --batch "$batch" --quiet >"$T/run" 2>"$T/err"
rc=$?
summary=$(grep '^frames ' "$T/run")
[ -n "$summary" ] && note "fuzz: $summary (seed $seed)"
if [ "$rc" -eq 0 ] && grep -q '^violations 0 ' "$T/run"; then
	pass fuzz/short_run_no_violation
elif [ "$rc" -eq 1 ]; then
	# The violations, each with its frame in hex, for the log.
	sed 's/^/# /' "$T/run" | head -60
	fail fuzz/short_run_no_violation "$(oneline "$(grep -m3 '^VIOLATION' "$T/run")") (replay: $FUZZ --seed $seed --frames $frames --batch $batch)"
else
	fail fuzz/short_run_no_violation "exited $rc: $(oneline "$(tail -3 "$T/err")")"
fi

# The seed's ten configurations include an allow-list and both rate limits
# (config.c draws them): frames must have met each, or the wiring is gone.
counter() { sed -n "s/^counters:.* $1 \([0-9]*\).*/\1/p" "$T/run"; }
for c in not_allowed rate_limited rate_limited_all; do
	n=$(counter "$c")
	check "fuzz/reached_$c" "counter $c is '${n:-absent}' after seed $seed (counters: $(oneline "$(grep '^counters:' "$T/run")"))" \
		test "${n:-0}" -gt 0
done

# The same seed, the same frames: the outcomes add up to the same counts.
# Which of a rate-limited sender's requests are answered and which dropped
# depends on how fast the frames ran, so the two are compared as one:
# "frames passed answered+dropped".
outcomes() {
	sed -n 's/^frames \([0-9]*\) in .*configurations; \([0-9]*\) answered, \([0-9]*\) passed, \([0-9]*\) dropped$/\1 \3 \2 \4/p' "$1" |
		awk '{print $1, $2, $3 + $4}'
}
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
c=$(outcomes "$T/c" | awk '{print $2, $3}')
d=$(outcomes "$T/d" | awk '{print $2, $3}')
e=$(outcomes "$T/e" | awk '{print $2, $3}')
replay_ok() {
	[ -n "$c" ] && [ -n "$d" ] && [ -n "$e" ] &&
		[ "$(echo "$d $e" | awk '{print $1 - $3, $2 - $4}')" = "$c" ]
}
check fuzz/batch_replays_alone "batch 2 alone: '$c'; batches 0-2 '$d', 0-1 '$e'" replay_ok
finish
