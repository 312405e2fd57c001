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
# The address watch (bpf/addr_watch.bpf.c), where the kernel takes it: an
# address removed is refused the moment `ip addr del` returns, IPv4 and
# IPv6, cycle after cycle, with the agent stopped (so that its republish
# cannot be what refuses it); the same address removed in another network
# namespace is not; re-attach leaves exactly one watch, detach and prune
# none.  Where the kernel refuses it, `reflector show` says off and why,
# the agent says so once, and a removed address is refused from the
# republish on.
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
R6=2001:db8::1
S6=2001:db8::2
EXTRA4=198.18.0.10
EXTRA6=2001:db8::10
NS_O=sta${RUN_TAG}o

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

# replies ADDR COUNT [INTERVAL_MS]: valid replies of COUNT requests to ADDR (IPv4 or IPv6).
replies() {
	local family=-4
	case $1 in *:*) family=-6 ;; esac
	ip netns exec "$NS_S" "$STAMP_SEND" "$family" -c "$2" -i "${3:-2}" -T 500 "$1" >"$T/send.json" 2>"$T/send.err"
	jq_val .valid "$T/send.json"
}

answered() { [ "$(replies "$1" 1)" = 1 ]; }
unanswered() { ! answered "$1"; }
extras_answered() { answered "$EXTRA4" && answered "$EXTRA6"; }
attached() { cli -n "$NS_R" -j reflector show dev "$1" && jq_ok '.prog_name != null' "$T/out"; }
not_attached() { ! attached "$1"; }
reflected() {
	cli -n "$NS_R" -j stats show dev "$IF_R"
	jq_val '(if type == "array" then .[0] else . end) | .counters.reflected // .reflected' "$T/out"
}

# not_local: requests to a STAMP port of an address that is not the interface's, counted.
not_local() {
	cli -n "$NS_R" -j stats show dev "$IF_R"
	jq_val '(if type == "array" then .[0] else . end) | .reasons.not_local' "$T/out"
}

# watch_mode IFNAME: the address watch as `reflector show -j` reports it.
watch_mode() {
	cli -n "$NS_R" -j reflector show dev "$1"
	jq_val '.addr_watch.mode' "$T/out"
}

# watch_links IFNAME: the ids of the watch's pinned links, one a line.
watch_links() {
	local dir p
	dir=$(ns_pin_dir "$NS_R")/$1
	for p in addr_watch_v4 addr_watch_v6; do
		[ -e "$dir/$p" ] && bpftool -j link show pinned "$dir/$p" 2>/dev/null | jq -r .id
	done
}

# kernel_since MAJOR MINOR: the running kernel is that version or later.
kernel_since() {
	local major minor
	major=$(uname -r | cut -d. -f1)
	minor=$(uname -r | cut -d. -f2)
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }
}
# Whether the kernel has kprobes through perf events (the kprobe PMU).
has_kprobes() { [ -d /sys/bus/event_source/devices/kprobe ]; }

# links_gone ID...: none of these link ids exists any more.
links_gone() {
	local id
	for id in "$@"; do
		bpftool link show id "$id" >/dev/null 2>&1 && return 1
	done
	return 0
}

# removal_cycle: add EXTRA4 and EXTRA6, wait until both are answered, stop
# the agent (its republish must not be what refuses them), remove both and
# send to them at once; $R4 must go on being answered.  Sets CYCLE_V4,
# CYCLE_V6 (replies from the removed addresses, of 3 each), CYCLE_R4 (of
# 2), CYCLE_REFUSED (not_local's growth meanwhile: the requests did reach
# the reflector), or CYCLE_V4=unready when the added addresses were never
# answered.
removal_cycle() {
	local before after
	ip -n "$NS_R" addr add "$EXTRA4/24" dev "$IF_R"
	ip -n "$NS_R" addr add "$EXTRA6/64" dev "$IF_R" nodad
	if ! wait_for answer 5 extras_answered; then
		CYCLE_V4=unready
		ip -n "$NS_R" addr del "$EXTRA4/24" dev "$IF_R"
		ip -n "$NS_R" addr del "$EXTRA6/64" dev "$IF_R"
		return
	fi
	kill -STOP "$AGENT_PID"
	before=$(not_local)
	ip -n "$NS_R" addr del "$EXTRA4/24" dev "$IF_R"
	ip -n "$NS_R" addr del "$EXTRA6/64" dev "$IF_R"
	CYCLE_V4=$(replies "$EXTRA4" 3 1)
	CYCLE_V6=$(replies "$EXTRA6" 3 1)
	CYCLE_R4=$(replies "$R4" 2 1)
	after=$(not_local)
	kill -CONT "$AGENT_PID"
	CYCLE_REFUSED=$((${after:-0} - ${before:-0}))
}

conf "$T/keep.conf" keep
conf "$T/detach.conf" detach

agent_start agent1 "$T/keep.conf"
# The log is read for the message only once the wait is over (it may not exist before).
if wait_for running 20 grep -q "^agent: running" "$T/agent1.log"; then
	pass agent/running
else
	fail agent/running "the agent did not start: $(oneline "$(cat "$T/agent1.log" 2>&1)")"
fi
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

# The address watch: fentry or kprobe where the kernel takes it, else off
# with the kernel's reasons, in JSON and text.
cli -n "$NS_R" -j reflector show dev "$IF_R"
WATCH=$(jq_val '.addr_watch.mode' "$T/out")
note "agent: addr-watch ${WATCH:-?} $(jq -c '.addr_watch.reason' "$T/out" 2>/dev/null)"
check agent/addr-watch-reported "reflector show -j: addr_watch $(oneline "$(jq -c .addr_watch "$T/out" 2>&1)")" \
	jq_ok '.addr_watch | (.mode == "fentry" or .mode == "kprobe") and .reason == null
		or .mode == "off" and (.reason | type == "string" and length > 0)' "$T/out"
cli -n "$NS_R" reflector show dev "$IF_R"
check agent/addr-watch-shown "reflector show has no 'addr-watch $WATCH' line: $(oneline "$(cli_out)")" \
	grep -q "^	addr-watch $WATCH" "$T/out"
case $WATCH in
fentry | kprobe) watching=1 ;;
*) watching=0 ;;
esac

# The sender keeps sending to the extra addresses once they are gone (no
# neighbour resolution to fail): the requests reach the reflector, which
# must refuse them (counted not_local) for an address no longer its own.
MAC_R=$(if_mac "$NS_R" "$IF_R")
ip -n "$NS_S" neigh replace "$EXTRA4" lladdr "$MAC_R" dev "$IF_S" nud permanent
ip -n "$NS_S" neigh replace "$EXTRA6" lladdr "$MAC_R" dev "$IF_S" nud permanent

if [ "$watching" = 1 ]; then
	# Removed: refused at once, the agent stopped, every cycle.
	CYCLES=10
	v4="" v6="" r4="" refused="" unready=0
	for ((cycle = 1; cycle <= CYCLES; cycle++)); do
		removal_cycle
		if [ "$CYCLE_V4" = unready ]; then
			unready=$((unready + 1))
			continue
		fi
		[ "$CYCLE_V4" = 0 ] || v4="$v4 cycle $cycle: $CYCLE_V4 of 3;"
		[ "$CYCLE_V6" = 0 ] || v6="$v6 cycle $cycle: $CYCLE_V6 of 3;"
		[ "$CYCLE_R4" = 2 ] || r4="$r4 cycle $cycle: $CYCLE_R4 of 2;"
		[ "$CYCLE_REFUSED" -ge 6 ] || refused="$refused cycle $cycle: $CYCLE_REFUSED;"
	done
	check agent/addr-removed-cycles "added addresses never answered in $unready of $CYCLES cycles" \
		[ "$unready" = 0 ]
	check agent/addr-removed-v4 "replies from a removed IPv4 address right after ip addr del:$v4" \
		[ -z "$v4" ]
	check agent/addr-removed-v6 "replies from a removed IPv6 address right after ip addr del:$v6" \
		[ -z "$v6" ]
	check agent/addr-removed-others-answered "$R4 not answered beside the removals:$r4" [ -z "$r4" ]
	check agent/addr-removed-reached "the requests to the removed addresses were not all counted not_local (want 6 a cycle):$refused" \
		[ -z "$refused" ]
else
	# Off: refused from the agent's republish on.  How long after the
	# removal that came is reported, not asserted (this machine is shared).
	before=$(republished)
	t0=$(date +%s%N)
	ip -n "$NS_R" addr del "$EXTRA4/24" dev "$IF_R"
	wait_for republish 5 test "$(republished)" -gt "$before"
	t1=$(date +%s%N)
	note "agent: the removed address was republished within $(((t1 - t0) / 1000)) us of ip addr del returning (polled every 100 ms)"
	n=$(replies "$EXTRA4" 3)
	check agent/addr-removed "replies to a removed address: $n (want 0)" [ "${n:-x}" = 0 ]
fi
# Wherever the address went, the agent's republish follows: nothing left.
wait_for republish 5 unanswered "$EXTRA4"

# The same addresses removed in another network namespace, from an
# interface of the same ifindex: not this reflector's to delete.
ifindex=$(ip -n "$NS_R" -o link show dev "$IF_R" | cut -d: -f1)
if ns_new "$NS_O" &&
	ip -n "$NS_O" link add "${IF_R}o" index "$ifindex" type veth peer name "${IF_R}p" index $((ifindex + 100)) &&
	ip -n "$NS_O" link set "${IF_R}o" up && ip -n "$NS_O" link set "${IF_R}p" up; then
	ip -n "$NS_R" addr add "$EXTRA4/24" dev "$IF_R"
	ip -n "$NS_R" addr add "$EXTRA6/64" dev "$IF_R" nodad
	ip -n "$NS_O" addr add "$EXTRA4/24" dev "${IF_R}o"
	ip -n "$NS_O" addr add "$EXTRA6/64" dev "${IF_R}o" nodad
	wait_for answer 5 extras_answered
	kill -STOP "$AGENT_PID"
	ip -n "$NS_O" addr del "$EXTRA4/24" dev "${IF_R}o"
	ip -n "$NS_O" addr del "$EXTRA6/64" dev "${IF_R}o"
	n4=$(replies "$EXTRA4" 3 1)
	n6=$(replies "$EXTRA6" 3 1)
	kill -CONT "$AGENT_PID"
	check agent/other-netns-removal "after the same addresses went in another namespace (ifindex $ifindex there too): $n4 of 3 IPv4, $n6 of 3 IPv6 replies" \
		test "$n4" = 3 -a "$n6" = 3
	ip -n "$NS_R" addr del "$EXTRA4/24" dev "$IF_R"
	ip -n "$NS_R" addr del "$EXTRA6/64" dev "$IF_R"
	wait_for republish 5 unanswered "$EXTRA4"
else
	fail agent/other-netns-removal "cannot make $NS_O with an interface of ifindex $ifindex"
fi

# A matching interface that appears is attached.
ip -n "$NS_R" link add "$IF_NEW" type veth peer name "${IF_NEW}p" &&
	ip -n "$NS_R" link set "$IF_NEW" up
check agent/new-interface "the agent did not attach to the new $IF_NEW: $(oneline "$(tail -3 "$T/agent1.log")")" \
	wait_for attach 10 attached "$IF_NEW"

# Re-attached (a hot replace): exactly one watch, the old one's links gone;
# and it answers for the interface as the first did.  The interface that
# went meanwhile is pruned with its watch.
mapfile -t old_links < <(watch_links "$IF_R")
mapfile -t new_if_links < <(watch_links "$IF_NEW")
ip -n "$NS_R" link del "$IF_NEW"
cli -n "$NS_R" reflector attach dev "$IF_R"
mapfile -t now_links < <(watch_links "$IF_R")
rc=$RC
mode=$(watch_mode "$IF_R")
# one_watch WANT_LINKS: the re-attach went through, left WANT_LINKS watch links and the old ones gone.
one_watch() {
	[ "$rc" = 0 ] && [ "${#now_links[@]}" = "$1" ] && [ "$mode" = "$WATCH" ] &&
		[ "${#old_links[@]}" = "$1" ] && links_gone "${old_links[@]}"
}
# pruned WANT_LINKS: the pins of the interface that went, and its watch links, are gone.
pruned() {
	[ ! -e "$(ns_pin_dir "$NS_R")/$IF_NEW" ] && [ "${#new_if_links[@]}" = "$1" ] &&
		links_gone "${new_if_links[@]}"
}
if [ "$watching" = 1 ]; then
	check agent/reattach-one-watch "re-attached: exit $rc, watch $mode, links before ${old_links[*]:-none}, after ${now_links[*]:-none} (want two new ones, the old ones gone)" \
		one_watch 2
	removal_cycle
	check agent/reattach-watch-refuses "after the re-attach: $CYCLE_V4 of 3 IPv4, ${CYCLE_V6:-?} of 3 IPv6 replies from removed addresses, $R4 ${CYCLE_R4:-?} of 2" \
		test "$CYCLE_V4" = 0 -a "${CYCLE_V6:-x}" = 0 -a "${CYCLE_R4:-x}" = 2
	check agent/prune-no-watch "$IF_NEW's watch links ${new_if_links[*]:-none} (want two) outlived its pins, or pins are left: $(oneline "$(ls "$(ns_pin_dir "$NS_R")" 2>&1)")" \
		pruned 2
else
	check agent/reattach-one-watch "re-attached: exit $rc, watch $mode (want off), links ${now_links[*]:-none} (want none)" \
		one_watch 0
	check agent/prune-no-watch "$IF_NEW's pins outlived it: $(oneline "$(ls "$(ns_pin_dir "$NS_R")" 2>&1)")" \
		pruned 0
	# Said once, for both interfaces the agent attached.
	check agent/addr-watch-off-said-once "the agent's 'addr-watch off' lines: $(grep -c '^agent: addr-watch off (' "$T/agent1.log")" \
		[ "$(grep -c '^agent: addr-watch off (.\+)' "$T/agent1.log")" = 1 ]
fi

# The fallback, asked for (STAMPEDE_ADDR_WATCH=kprobe: fentry not tried).
# `reflector attach` runs a kprobe watch where the kernel can pin its links
# (kprobes through perf events, and Linux 5.15's perf links); elsewhere it
# keeps the watch that runs.  Attached again without it: the first kind.
if has_kprobes && kernel_since 5 15; then want=kprobe; else want=$WATCH; fi
mapfile -t old_links < <(watch_links "$IF_R")
STAMPEDE_ADDR_WATCH=kprobe cli -n "$NS_R" reflector attach dev "$IF_R"
rc=$RC
mode=$(watch_mode "$IF_R")
mapfile -t now_links < <(watch_links "$IF_R")
# kprobe_replaced: this kind's links in place of the old ones; kept: the same ones.
kprobe_replaced() {
	[ "$rc" = 0 ] && [ "$mode" = kprobe ] && [ "${#now_links[@]}" = 2 ] &&
		[ "${#old_links[@]}" = 2 ] && links_gone "${old_links[@]}"
}
watch_kept() { [ "$rc" = 0 ] && [ "$mode" = "$WATCH" ] && [ "${old_links[*]}" = "${now_links[*]}" ]; }
if [ "$want" = kprobe ]; then
	check agent/kprobe-attach "attached with STAMPEDE_ADDR_WATCH=kprobe: exit $rc, watch $mode, links ${old_links[*]:-none} -> ${now_links[*]:-none}" \
		kprobe_replaced
	removal_cycle
	check agent/kprobe-refuses "kprobe watch: $CYCLE_V4 of 3 IPv4, ${CYCLE_V6:-?} of 3 IPv6 replies from removed addresses, $R4 ${CYCLE_R4:-?} of 2" \
		test "$CYCLE_V4" = 0 -a "${CYCLE_V6:-x}" = 0 -a "${CYCLE_R4:-x}" = 2
else
	check agent/kprobe-attach "attached with STAMPEDE_ADDR_WATCH=kprobe where $(uname -r) cannot pin kprobe links: exit $rc, watch $mode (want $WATCH kept), links ${old_links[*]:-none} -> ${now_links[*]:-none}" \
		watch_kept
fi
# Asked off (STAMPEDE_ADDR_WATCH=off): the watch that runs goes with it.
old_links=("${now_links[@]}")
STAMPEDE_ADDR_WATCH=off cli -n "$NS_R" reflector attach dev "$IF_R"
rc=$RC
mode=$(watch_mode "$IF_R")
reason=$(jq_val '.addr_watch.reason' "$T/out")
mapfile -t now_links < <(watch_links "$IF_R")
turned_off() {
	[ "$rc" = 0 ] && [ "$mode" = off ] && [ "${reason#turned off}" != "$reason" ] &&
		[ "${#now_links[@]}" = 0 ] && links_gone "${old_links[@]}"
}
check agent/watch-turned-off "attached with STAMPEDE_ADDR_WATCH=off: exit $rc, watch $mode ($reason), links ${old_links[*]:-none} -> ${now_links[*]:-none} (want none)" \
	turned_off
cli -n "$NS_R" reflector attach dev "$IF_R"
rc=$RC
mode=$(watch_mode "$IF_R")
mapfile -t now_links < <(watch_links "$IF_R")
watch_back() { [ "$rc" = 0 ] && [ "$mode" = "$WATCH" ] && [ "${#now_links[@]}" = $((watching * 2)) ]; }
check agent/watch-back "attached again without STAMPEDE_ADDR_WATCH: exit $rc, watch $mode (want $WATCH), links ${now_links[*]:-none}" \
	watch_back

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

# Restarted: attaches in place, counters kept.  With the kprobe fallback
# asked for: where the kernel cannot pin kprobe links (before 5.15) the
# agent holds them, and they refuse removed addresses all the same.
count=$(reflected)
STAMPEDE_ADDR_WATCH=kprobe agent_start agent2 "$T/keep.conf"
wait_for running 20 grep -q "^agent: running" "$T/agent2.log"
after=$(reflected)
check agent/restart-keeps-counters "reflected went from $count to $after across the restart" \
	[ "${after:-0}" -ge "${count:-1}" ]
cli -n "$NS_R" -j reflector show dev "$IF_R"
if has_kprobes; then
	if kernel_since 5 15; then
		filter='.addr_watch == {"mode": "kprobe", "reason": null}'
	else
		filter='.addr_watch.mode == "kprobe" and (.addr_watch.reason | startswith("held by pid '"$AGENT_PID"':"))'
	fi
	check agent/kprobe-agent "the agent with STAMPEDE_ADDR_WATCH=kprobe: $(oneline "$(jq -c .addr_watch "$T/out" 2>&1)")" \
		jq_ok "$filter" "$T/out"
	removal_cycle
	check agent/kprobe-agent-refuses "the agent's kprobe watch: $CYCLE_V4 of 3 IPv4, ${CYCLE_V6:-?} of 3 IPv6 replies from removed addresses, $R4 ${CYCLE_R4:-?} of 2" \
		test "$CYCLE_V4" = 0 -a "${CYCLE_V6:-x}" = 0 -a "${CYCLE_R4:-x}" = 2
else
	check agent/kprobe-agent "the agent with STAMPEDE_ADDR_WATCH=kprobe, no kprobes here: $(oneline "$(jq -c .addr_watch "$T/out" 2>&1)") (want $WATCH)" \
		jq_ok ".addr_watch.mode == \"$WATCH\"" "$T/out"
fi

# A bad configuration: one line naming file, line and key; nothing changes.
printf '[reflector]\ninterfaces = %s\nports = 862 nope\n' "$IF_R" >"$T/bad.conf"
count=$(reflected)
cli -n "$NS_R" agent config "$T/bad.conf"
# refused_once PATTERN: the last command exited 1 with one line matching PATTERN.
refused_once() { [ "$RC" -eq 1 ] && [ "$(wc -l <"$T/err")" -eq 1 ] && grep -q -- "$1" "$T/err"; }
check agent/bad-config "a bad configuration: exit $RC, $(oneline "$(cli_err)")" \
	refused_once "bad.conf:3: \[reflector\] ports: bad port 'nope'"
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
	if refused_once "$pattern"; then
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
mapfile -t old_links < <(watch_links "$IF_R")
kill -TERM "$AGENT_PID"
wait_for exit 10 grep -q "^agent: stopped" "$T/agent3.log"
check agent/term-detach "on-exit detach: $IF_R still has a reflector: $(oneline "$(tail -3 "$T/agent3.log")")" \
	not_attached "$IF_R"
# no_watch_left: the detached reflector's pins and its watch's links are gone.
no_watch_left() {
	[ ! -e "$(ns_pin_dir "$NS_R")/$IF_R" ] && [ "${#old_links[@]}" = $((watching * 2)) ] &&
		links_gone "${old_links[@]}"
}
check agent/detach-no-watch "after the detach: pins $(oneline "$(ls "$(ns_pin_dir "$NS_R")/$IF_R" 2>&1)"); watch links ${old_links[*]:-none} (want $((watching * 2)), gone)" \
	no_watch_left
finish
