#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `stampede agent` on a two-namespace testbed: it attaches the interfaces
# its configuration names (a pattern here), attaches again when a matching
# interface appears, republishes the addresses as they come and go, keeps
# reflection going when it is killed (SIGKILL under load: no reply lost)
# and when it is restarted (counters kept), leaves or removes the
# reflectors on SIGTERM as configured, and refuses a bad configuration in
# one line (file, line, key) without touching the running reflector, also
# for the probe targets ([target NAME]).
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=sta${RUN_TAG}r
NS_S=sta${RUN_TAG}s
IF_R=sta${RUN_TAG}r0
IF_S=sta${RUN_TAG}s0
IF_NEW=sta${RUN_TAG}r1
R4=198.18.0.1
S4=198.18.0.2
EXTRA4=198.18.0.10

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$STAMPEDE" "$STAMP_SEND")
if [ -n "$why" ]; then
	skip agent "$why"
	finish
fi
if ! testbed_new; then
	fail agent/setup "cannot build the testbed"
	finish
fi

# conf FILE ON_EXIT: the agent's configuration for this testbed.
conf() {
	cat >"$1" <<-CONF
		# the reflector side of the testbed, and any interface like it
		[reflector]
		interfaces = sta${RUN_TAG}r*
		ports = 862
		stateful = no
		on-exit = $2
		[clock]
		interval-ms = 200
		[metrics]
		listen = 127.0.0.1:9862
	CONF
}

AGENT_PID=""
# agent_start NAME CONF: the agent in the reflector's namespace, output in $T/NAME.log.
agent_start() {
	"$STAMPEDE" -n "$NS_R" agent config "$2" >"$T/$1.log" 2>&1 &
	AGENT_PID=$!
	defer "stop_process $AGENT_PID"
}

# wait_for WHAT SECONDS COMMAND...: poll COMMAND every 0.1 s, bounded.
wait_for() {
	local n=$(($2 * 10))
	shift 2
	while ((n-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# replies ADDR COUNT [INTERVAL_MS]: valid replies of COUNT requests to ADDR.
replies() {
	ip netns exec "$NS_S" "$STAMP_SEND" -4 -c "$2" -i "${3:-2}" -T 500 "$1" >"$T/send.json" 2>"$T/send.err"
	jq_val .valid "$T/send.json"
}

attached() { cli -n "$NS_R" -j reflector show dev "$1" && jq_ok '.prog_name != null' "$T/out"; }
not_attached() { ! attached "$1"; }
reflected() {
	cli -n "$NS_R" -j stats show dev "$IF_R"
	jq_val '(if type == "array" then .[0] else . end) | .counters.reflected // .reflected' "$T/out"
}

conf "$T/keep.conf" keep
conf "$T/detach.conf" detach

agent_start agent1 "$T/keep.conf"
check agent/running "the agent did not start: $(oneline "$(cat "$T/agent1.log")")" \
	wait_for running 20 grep -q "^agent: running" "$T/agent1.log"
check agent/attached "no reflector on $IF_R: $(oneline "$(cat "$T/agent1.log")")" attached "$IF_R"
n=$(replies "$R4" 3)
check agent/answers "replies through the agent's reflector: $n of 3 valid" [ "$n" = 3 ]
# Its metrics endpoint, on the namespace's loopback.
ip netns exec "$NS_R" curl -s --max-time 5 http://127.0.0.1:9862/metrics >"$T/metrics.txt" 2>&1
check agent/metrics "the agent serves no reflected count for $IF_R: $(oneline "$(head -c 300 "$T/metrics.txt")")" \
	grep -Eq "^stampede_frames_total\{interface=\"$IF_R\",outcome=\"reflected\"\} [1-9]" "$T/metrics.txt"

# republished: how many times the agent has republished $IF_R's addresses.
republished() { grep -c "^agent: dev $IF_R: [0-9]* local address" "$T/agent1.log"; }

# An address added: answered once the agent has republished.
before=$(republished)
ip -n "$NS_R" addr add "$EXTRA4/24" dev "$IF_R"
check agent/addr-added "the agent did not republish after an address was added: $(oneline "$(tail -3 "$T/agent1.log")")" \
	wait_for republish 5 test "$(republished)" -gt "$before"
n=$(replies "$EXTRA4" 3)
check agent/addr-added-answers "replies to the added address: $n of 3" [ "$n" = 3 ]

# Removed: refused from the agent's republish on.  How long after the
# removal that came is reported, not asserted (this machine is shared).
before=$(republished)
t0=$(date +%s%N)
ip -n "$NS_R" addr del "$EXTRA4/24" dev "$IF_R"
wait_for republish 5 test "$(republished)" -gt "$before"
t1=$(date +%s%N)
note "agent: the removed address was republished within $(((t1 - t0) / 1000)) us of ip addr del returning (polled every 100 ms)"
n=$(replies "$EXTRA4" 3)
check agent/addr-removed "replies to a removed address: $n (want 0)" [ "${n:-x}" = 0 ]

# A matching interface that appears is attached.
ip -n "$NS_R" link add "$IF_NEW" type veth peer name "${IF_NEW}p" &&
	ip -n "$NS_R" link set "$IF_NEW" up
check agent/new-interface "the agent did not attach to the new $IF_NEW: $(oneline "$(tail -3 "$T/agent1.log")")" \
	wait_for attach 10 attached "$IF_NEW"

# SIGKILL under load: the reflector does not depend on the agent.
ip netns exec "$NS_S" "$STAMP_SEND" -4 -c 200 -i 5 -T 1000 "$R4" >"$T/load.json" 2>"$T/load.err" &
load_pid=$!
sleep 0.3
kill -KILL "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
wait "$load_pid"
check agent/kill-under-load "replies lost while the agent was killed: $(oneline "$(jq -c '{sent, received, valid}' "$T/load.json")")" \
	jq_ok '.sent == 200 and .valid == 200' "$T/load.json"
check agent/kill-keeps-attached "the reflector went with the killed agent" attached "$IF_R"

# Restarted: attaches in place, counters kept.
count=$(reflected)
agent_start agent2 "$T/keep.conf"
wait_for running 20 grep -q "^agent: running" "$T/agent2.log"
after=$(reflected)
check agent/restart-keeps-counters "reflected went from $count to $after across the restart" \
	[ "${after:-0}" -ge "${count:-1}" ]

# A bad configuration: one line naming file, line and key; nothing changes.
printf '[reflector]\ninterfaces = %s\nports = 862 nope\n' "$IF_R" >"$T/bad.conf"
count=$(reflected)
cli -n "$NS_R" agent config "$T/bad.conf"
check agent/bad-config "a bad configuration: exit $RC, $(oneline "$(cli_err)")" \
	[ "$RC" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q "bad.conf:3: \[reflector\] ports: bad port 'nope'" "$T/err"
check agent/bad-config-untouched "the running reflector changed after a refused configuration" \
	[ "$(reflected)" = "$count" ]
printf '[reflector]\ninterfaces = %s\n[metrics]\nlisten = 127.0.0.1:notaport\n' "$IF_R" >"$T/listen.conf"
cli -n "$NS_R" agent config "$T/listen.conf"
check agent/bad-listen "a bad listen address: exit $RC, $(oneline "$(cli_err)")" \
	grep -q "listen.conf:4: \[metrics\] listen: " "$T/err"
printf '[reflector]\ninterfaces = %snone\n' "$IF_R" >"$T/missing.conf"
cli -n "$NS_R" agent config "$T/missing.conf"
check agent/missing-interface "a missing interface: exit $RC, $(oneline "$(cli_err)")" \
	grep -q "missing.conf:2: \[reflector\] interfaces: no such interface '${IF_R}none'" "$T/err"
# [target NAME]: each mistake one line with file, line and key, exit 1.
# bad_target NAME PATTERN LINES...: a file of LINES is refused so.
bad_target() {
	local name=$1 pattern=$2
	shift 2
	printf '%s\n' "$@" >"$T/$name.conf"
	cli -n "$NS_R" agent config "$T/$name.conf"
	if [ "$RC" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$pattern" "$T/err"; then
		pass "agent/$name"
	else
		fail "agent/$name" "want exit 1 and one line matching '$pattern': exit $RC, $(oneline "$(cli_err)")"
	fi
}
bad_target target-unknown-key "target-unknown-key.conf:3: \[target a\] count: unknown key" \
	'[target a]' "host = $R4" 'count = 5'
bad_target target-bad-value "target-bad-value.conf:2: \[target a\] interval: bad interval '0'" \
	'[target a]' 'interval = 0' "host = $R4"
bad_target target-twice "target-twice.conf:4: \[target a\] port: 'port' given twice" \
	'[target a]' "host = $R4" 'port = 862' 'port = 863'
bad_target target-no-host "target-no-host.conf:3: \[target b\] host: missing" \
	'# b names no host' '' '[target b]' 'port = 862'
bad_target target-unresolvable "target-unresolvable.conf:3: \[target c\] host: cannot resolve 'nosuch$RUN_TAG.invalid'" \
	'[target c]' 'port = 862' "host = nosuch$RUN_TAG.invalid"
bad_target target-bad-name "target-bad-name.conf:2: \[target a\"b\] host: a target needs a name" \
	'[target a"b]' "host = $R4"
check agent/bad-targets-untouched "the running reflector changed after a refused configuration" \
	[ "$(reflected)" = "$count" ]

# SIGTERM: on-exit keep leaves the reflectors; detach removes them.
kill -TERM "$AGENT_PID"
wait_for exit 10 grep -q "^agent: stopped" "$T/agent2.log"
check agent/term-keep "on-exit keep: the reflector was not kept" attached "$IF_R"
agent_start agent3 "$T/detach.conf"
wait_for running 20 grep -q "^agent: running" "$T/agent3.log"
kill -TERM "$AGENT_PID"
wait_for exit 10 grep -q "^agent: stopped" "$T/agent3.log"
check agent/term-detach "on-exit detach: $IF_R still has a reflector: $(oneline "$(tail -3 "$T/agent3.log")")" \
	not_attached "$IF_R"
finish
