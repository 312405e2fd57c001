#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `clock sync` and `clock watch`: the clock facts republished to an
# attached reflector without re-attaching, checked on the wire by the
# replies' timestamps (testing/stamp_send checks T2 and T3 against its own
# clock, 5 ms of slack).  A clock map made wrong on purpose (TAI - UTC off
# by 1000 s) makes every reply invalid until the command repairs it.  In a
# kernel-matrix guest (KERNEL_MATRIX_GUEST set) the system clock is also
# stepped for real, an hour ahead: with the watcher running the replies
# follow at once; on kernels without bpf_ktime_get_tai_ns (5.10) they do
# not without it.  The host's own clock is never stepped.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=stc${RUN_TAG}r
NS_S=stc${RUN_TAG}s
IF_R=stc${RUN_TAG}r0
IF_S=stc${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$STAMPEDE" "$STAMP_SEND")
[ -z "$why" ] && ! command -v bpftool >/dev/null && why="needs bpftool"
if [ -n "$why" ]; then
	skip clock "$why"
	finish
fi
if ! testbed_new; then
	fail clock/setup "cannot build the testbed"
	finish
fi
cli -n "$NS_R" reflector attach dev "$IF_R"
if [ "$RC" -ne 0 ]; then
	fail clock/setup "attach exited $RC: $(oneline "$(cli_err)")"
	finish
fi
CLOCK_PIN="$(ns_pin_dir "$NS_R")/$IF_R/clock"

# replies NAME: 3 requests; prints how many replies were valid.
replies() {
	ip netns exec "$NS_S" "$STAMP_SEND" -4 -c 3 -i 2 -T 500 "$R4" >"$T/$1.json" 2>"$T/$1.err"
	jq_val .valid "$T/$1.json"
}

# spoil_clock: TAI - UTC of the clock map set to 1000 s, the rest kept.
spoil_clock() {
	local bytes
	bytes=$(bpftool -j map lookup pinned "$CLOCK_PIN" key 0 0 0 0 | jq -r '.value[8:] | join(" ")') &&
		[ -n "$bytes" ] &&
		# shellcheck disable=SC2086 # one word per octet
		bpftool map update pinned "$CLOCK_PIN" key 0 0 0 0 \
			value 0x00 0x10 0xa5 0xd4 0xe8 0x00 0x00 0x00 $bytes
}

n=$(replies base)
check clock/baseline "replies invalid before anything was changed: $(oneline "$(cat "$T/base.json" 2>/dev/null)")" \
	[ "$n" = 3 ]
if spoil_clock; then
	n=$(replies spoiled)
	check clock/spoiled "the spoiled clock map still gave valid replies: the test proves nothing" \
		[ "$n" = 0 ]
	cli -n "$NS_R" clock sync dev "$IF_R"
	check clock/sync "clock sync exited $RC: $(oneline "$(cli_err)")" [ "$RC" -eq 0 ]
	n=$(replies synced)
	check clock/sync-replies "after clock sync: $(oneline "$(cat "$T/synced.json")")" \
		[ "$n" = 3 ]
else
	fail clock/spoiled "cannot rewrite the pinned clock map with bpftool"
fi
cli -n "$NS_R" clock sync dev nosuchif
check clock/sync-missing "clock sync dev nosuchif: exit $RC, $(oneline "$(cli_err)")" \
	[ "$RC" -eq 1 ]

# The watcher republishes on its own (every 100 ms here).
"$STAMPEDE" -n "$NS_R" clock watch dev "$IF_R" interval 100 >"$T/watch.out" 2>"$T/watch.err" &
watch_pid=$!
defer "stop_process $watch_pid"
sleep 0.5
if spoil_clock; then
	sleep 0.5
	n=$(replies tick)
	check clock/watch-tick "the watcher did not repair the clock map: $(oneline "$(cat "$T/tick.json") $(cat "$T/watch.err")")" \
		[ "$n" = 3 ]
fi

if [ -n "${KERNEL_MATRIX_GUEST:-}" ]; then
	tai_helper=$("$STAMPEDE" -j feature probe | jq -r .features.ktime_get_tai_ns.available)
	# Stepped with the watcher running: replies right at once.
	date -s "@$(($(date +%s) + 3600))" >/dev/null
	sleep 0.3
	n=$(replies step)
	check clock/step-watched "after a clock step, with clock watch: $(oneline "$(cat "$T/step.json")")" \
		[ "$n" = 3 ]
	check clock/step-reported "clock watch did not report the step: $(oneline "$(cat "$T/watch.out")")" \
		grep -q "(step)" "$T/watch.out"
	stop_process "$watch_pid"
	# Without it, only kernels with bpf_ktime_get_tai_ns follow.
	date -s "@$(($(date +%s) - 3600))" >/dev/null
	sleep 0.1
	n=$(replies unwatched)
	if [ "$tai_helper" = true ]; then
		check clock/step-unwatched "the TAI helper should follow a step by itself: $(oneline "$(cat "$T/unwatched.json")")" \
			[ "$n" = 3 ]
	else
		check clock/step-unwatched "without the watcher, a boot-clock kernel should stay behind a step (valid $n)" \
			[ "$n" = 0 ]
	fi
	cli -n "$NS_R" clock sync dev "$IF_R"
fi
stop_process "$watch_pid"
check clock/watch-exit "clock watch wrote errors: $(oneline "$(cat "$T/watch.err")")" \
	[ ! -s "$T/watch.err" ]
finish
