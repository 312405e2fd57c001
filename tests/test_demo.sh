#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make demo`, the README's main command, run as an operator runs it: it
# must succeed, show both probes and the counters, and leave nothing behind
# (namespace, pin, XDP link), also when interrupted half-way.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

why=$(root_missing)
if [ -n "$why" ]; then
	skip demo "$why"
	finish
fi
# make demo builds what it needs itself, as it must on a fresh machine.

# What the demo may leave behind, as one comparable text: its namespaces,
# the pin directories of namespaces, and the XDP links in the kernel.
leftovers() {
	ip netns list | grep -o 'stampede-demo-[rs]-[0-9]*' | sort
	find "$STAMPEDE_PIN_ROOT" -maxdepth 1 -name 'netns-*' 2>/dev/null | sort
	bpftool -j link show 2>/dev/null | jq -r '.[] | select(.type == "xdp") | .id' | sort
}

# Demo processes are stopped at exit whatever happened (expanded then).
demo_pid=""
# shellcheck disable=SC2016
defer '[ -n "$demo_pid" ] && kill -KILL -- "-$demo_pid"'

before=$(leftovers)
COUNT=5
DEMO_COUNT=$COUNT DEMO_INTERVAL=20 make -s -C "$TOP" demo BUILD="$BUILD" \
	>"$T/demo.out" 2>"$T/demo.err" </dev/null
rc=$?
check demo.exit "make demo exited $rc: $(oneline "$(tail -5 "$T/demo.err")")" [ "$rc" -eq 0 ]

# Each probe's summary says every packet came back; the counters agree.
out=$(cat "$T/demo.out")
for family in IPv4 IPv6; do
	section=$(sed -n "/== probe over $family/,/^== /p" "$T/demo.out")
	check "demo.probe_$family" "no complete $family probe in: $(oneline "$section")" \
		grep -q "^$COUNT sent, $COUNT received, 0% loss" <<<"$section"
done
# The TLV probe: three requests, each answered with its Location, Timestamp
# Information and Class of Service TLVs decoded.
section=$(sed -n "/== probe with TLVs/,/^== /p" "$T/demo.out")
check demo.probe_tlvs "no complete TLV probe in: $(oneline "$section")" \
	grep -q "^3 sent, 3 received, 0% loss" <<<"$section"
check demo.probe_tlvs_decoded "not three re-marked CoS answers in: $(oneline "$section")" \
	test "$(grep -c "^    cos: dscp1 46 .*(re-marked)" <<<"$section")" = 3
check demo.stats "the counters do not show $((2 * COUNT + 3)) reflected: $(oneline "$out")" \
	grep -q "reflected $((2 * COUNT + 3))" <<<"$out"
check demo.clean "left behind: $(oneline "$(diff <(echo "$before") <(leftovers))")" \
	[ "$before" = "$(leftovers)" ]

# Interrupted while probing: Ctrl-C reaches the whole foreground process
# group, as in a terminal; the demo must still remove everything.  A
# background job of a script starts with SIGINT ignored, which its shell
# could not trap: env gives it the terminal's default back.
DEMO_COUNT=500 DEMO_INTERVAL=20 setsid env --default-signal=INT bash "$TOP/tools/demo.sh" \
	>"$T/int.out" 2>"$T/int.err" </dev/null &
demo_pid=$!
for _ in $(seq 100); do
	grep -q '== probe over IPv4' "$T/int.out" 2>/dev/null && break
	sleep 0.1
done
sleep 0.5
kill -INT -- "-$demo_pid"
for _ in $(seq 100); do
	kill -0 "$demo_pid" 2>/dev/null || break
	sleep 0.1
done
wait "$demo_pid"
rc=$?
demo_pid=""
check demo.interrupt_exit "exit status $rc after Ctrl-C, expected 130: $(oneline "$(cat "$T/int.err")")" \
	[ "$rc" -eq 130 ]
check demo.interrupt_clean "left behind after Ctrl-C: $(oneline "$(diff <(echo "$before") <(leftovers))")" \
	[ "$before" = "$(leftovers)" ]
finish
