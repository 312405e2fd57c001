#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Hot replace under load: 100 re-attaches (the same options, changed ones,
# refresh and set among them) while `stampede probe` sends a stateful
# request every millisecond; no reply may be lost, and the counters and
# the probe's stateful session must survive every replace.  Then link
# down/up, an MTU change, and an address added and removed while attached:
# each answered right after (a removed address refused from then on).
#
# Bounded: 100 re-attaches, probes of PROBE_COUNT requests (as many as the
# re-attaches need, at most MAX_PROBES of them), every command under
# timeout(1), the whole re-attach phase under PHASE_LIMIT seconds.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=sth${RUN_TAG}r
NS_S=sth${RUN_TAG}s
IF_R=sth${RUN_TAG}r0
IF_S=sth${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2
R6=2001:db8::1
S6=2001:db8::2
NEW4=198.18.0.5
NEW6=2001:db8::5

REATTACHES=100
PROBE_COUNT=4000 # 4 s at 1 ms: a probe spans a few tens of re-attaches
MAX_PROBES=40
PHASE_LIMIT=300

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$STAMPEDE")
if [ -n "$why" ]; then
	skip hot-replace "$why"
	finish
fi
if ! testbed_new; then
	fail hot-replace/setup "cannot build the testbed"
	finish
fi

sr() { cli -n "$NS_R" "$@"; }

# The settings of the re-attaches, in turn: all stateful (a switch to
# stateless empties the session table by design), the rest changing.
VARIANTS=(
	"stateful"
	"stateful ttl 64"
	"stateful clock-reads 2"
	"stateful count-other on"
	"stateful port 862 port 8620"
	"stateful allow 198.18.0.0/24 allow 2001:db8::/64"
	"stateful rate-limit 100000"
	"stateful rate-limit 50000,1000 rate-limit-all 100000 allow $S4"
	"stateful cos-remark off loopguard off"
	"stateful"
)

# reattach I: the I-th program swap: an attach of a variant, a refresh, or a set.
reattach() {
	local i=$1 v
	case $((i % 12)) in
	10) sr reflector refresh dev "$IF_R" ;;
	11) sr reflector set dev "$IF_R" allow 198.18.0.0/16 allow 2001:db8::/32 rate-limit 100000 ;;
	*)
		v=${VARIANTS[$((i % 12 % ${#VARIANTS[@]}))]}
		# shellcheck disable=SC2086 # the variant's words
		timeout 30 "$STAMPEDE" -n "$NS_R" reflector attach dev "$IF_R" $v >"$T/out" 2>"$T/err" </dev/null
		RC=$?
		;;
	esac
	[ "$RC" -eq 0 ]
}

# probe_start N: a stateful probe in the sender's namespace, JSON in $T/probe-N.json.
PROBE_PID=""
probe_start() {
	timeout 60 "$STAMPEDE" -n "$NS_S" -j probe "$R4" count "$PROBE_COUNT" interval 1 \
		stateful timeout 2000 >"$T/probe-$1.json" 2>"$T/probe-$1.err" &
	PROBE_PID=$!
	defer "kill $PROBE_PID"
}

# stat_val FILTER: of `stats show -j` (.reflected, .reasons.not_local).
stat_val() {
	"$STAMPEDE" -n "$NS_R" -j stats show dev "$IF_R" 2>/dev/null | jq -r "$1"
}

if ! sr reflector attach dev "$IF_R" stateful; then
	fail hot-replace/attach "$(oneline "$(cli_err)")"
	finish
fi
sr stats reset dev "$IF_R"

# ---- 100 re-attaches under load ---------------------------------------------

done_n=0 probes=0 attach_fail=""
start=$SECONDS
while [ "$done_n" -lt "$REATTACHES" ] && [ "$probes" -lt "$MAX_PROBES" ] &&
	[ $((SECONDS - start)) -lt "$PHASE_LIMIT" ]; do
	probes=$((probes + 1))
	probe_start "$probes"
	sleep 0.2 # the probe's first requests are out
	under=0
	while [ "$done_n" -lt "$REATTACHES" ] && kill -0 "$PROBE_PID" 2>/dev/null &&
		[ $((SECONDS - start)) -lt "$PHASE_LIMIT" ]; do
		if ! reattach "$done_n"; then
			attach_fail="re-attach $done_n failed: $(oneline "$(cli_err)")"
			break 2
		fi
		# Counted only when the probe was still sending after it.
		kill -0 "$PROBE_PID" 2>/dev/null && done_n=$((done_n + 1)) under=$((under + 1))
	done
	wait "$PROBE_PID"
	echo "$under" >"$T/probe-$probes.under"
done
[ -n "$PROBE_PID" ] && wait "$PROBE_PID" 2>/dev/null
note "$done_n re-attaches under $probes probes of $PROBE_COUNT requests in $((SECONDS - start)) s"

if [ -n "$attach_fail" ]; then
	fail hot-replace/reattach "$attach_fail"
elif [ "$done_n" -lt "$REATTACHES" ]; then
	fail hot-replace/reattach "only $done_n of $REATTACHES re-attaches in $PHASE_LIMIT s"
else
	pass hot-replace/reattach
fi

# Every probe: each request answered, none lost in either direction.
lost_why="" total=0 sessions_why=""
"$STAMPEDE" -n "$NS_R" -j session list dev "$IF_R" >"$T/sessions.json" 2>"$T/sessions.err"
for ((p = 1; p <= probes; p++)); do
	f=$T/probe-$p.json
	if ! jq_ok ".sent == $PROBE_COUNT and .received == $PROBE_COUNT and .lost == 0 and
		.duplicates == 0 and .direction_loss.forward_lost == 0 and
		.direction_loss.backward_lost == 0" "$f"; then
		lost_why+="probe $p ($(cat "$T/probe-$p.under" 2>/dev/null) re-attaches): $(jq -c '{sent, received, lost, lost_seqs: .lost_seqs[:10], direction_loss}' "$f" 2>/dev/null || cat "$T/probe-$p.err"); "
		continue
	fi
	total=$((total + PROBE_COUNT))
	# Its session: one, that saw and answered every request across the replaces.
	sport=$(jq_val .sport "$f")
	if ! jq_ok "[.sessions[] | select(.sender_port == $sport)] | length == 1 and
		.[0].received == $PROBE_COUNT and .[0].reflected == $PROBE_COUNT" "$T/sessions.json"; then
		sessions_why+="probe $p (sport $sport): $(jq -c "[.sessions[] | select(.sender_port == $sport) | {received, reflected}]" "$T/sessions.json"); "
	fi
done
check hot-replace/no-reply-lost "$lost_why" [ -z "$lost_why" ]
check hot-replace/sessions-kept "stateful sessions lost or reset: $sessions_why" [ -z "$sessions_why" ]
# Counted since the reset before the first probe: every reply, and no test
# packet passed or dropped (with count-other on, ARP and neighbour
# discovery count too, under the reasons of other traffic).
reflected=$(stat_val .reflected)
stat_val '[.reasons | to_entries[] | select(.value > 0 and (.key | IN("not_ip", "vlan_depth",
	"bad_header", "fragment", "ipv6_ext", "not_udp", "not_stamp") | not))] | from_entries' >"$T/others"
# shellcheck disable=SC2317 # called through check
counters_kept() { [ "$reflected" = "$((probes * PROBE_COUNT))" ] && [ "$(cat "$T/others")" = "{}" ]; }
check hot-replace/counters-kept "reflected $reflected, the probes had $((probes * PROBE_COUNT)) answered; test packets not answered: $(cat "$T/others")" \
	counters_kept

# ---- the interface changing under an attached reflector ----------------------

# answered NAME ADDR: five requests to ADDR, all answered.
answered() {
	local name=$1 addr=$2
	timeout 20 "$STAMPEDE" -n "$NS_S" -j probe "$addr" count 5 interval 10 timeout 1000 \
		>"$T/$name.json" 2>"$T/$name.err"
	check "hot-replace/$name" "to $addr: $(jq -c '{sent, received, lost}' "$T/$name.json" 2>/dev/null || oneline "$(cat "$T/$name.err")")" \
		jq_ok '.sent == 5 and .received == 5' "$T/$name.json"
}

# refused NAME ADDR: five requests to ADDR, none answered, all counted not_local.
refused() {
	local name=$1 addr=$2 before after
	before=$(stat_val .reasons.not_local)
	timeout 20 "$STAMPEDE" -n "$NS_S" -j probe "$addr" count 5 interval 10 timeout 300 \
		>"$T/$name.json" 2>"$T/$name.err"
	after=$(stat_val .reasons.not_local)
	check "hot-replace/$name" "to $addr: $(jq -c '{sent, received}' "$T/$name.json" 2>/dev/null), not_local $before -> $after" \
		none_answered "$T/$name.json" "$((${after:-0} - ${before:-0}))"
}

# shellcheck disable=SC2317 # called through check
# none_answered FILE NOT_LOCAL: the probe got no reply, and the reflector passed all 5 as not_local.
none_answered() { jq_ok '.sent == 5 and .received == 0' "$1" && [ "$2" = 5 ]; }

sr reflector attach dev "$IF_R" stateful
ip -n "$NS_R" link set "$IF_R" down && ip -n "$NS_R" link set "$IF_R" up
# The sender's routes come back with the link's carrier: bounded wait.
for ((i = 0; i < 50; i++)); do
	ip -n "$NS_S" -o link show dev "$IF_S" | grep -q LOWER_UP && break
	sleep 0.1
done
answered link-down-up "$R4"
# IPv6 addresses go with the link (keep_addr_on_down 0): back for what follows.
ip -n "$NS_R" addr replace "$R6/64" dev "$IF_R" nodad
ip -n "$NS_S" addr replace "$S6/64" dev "$IF_S" nodad
sr reflector refresh dev "$IF_R"
answered link-down-up-v6 "$R6"

ip -n "$NS_R" link set "$IF_R" mtu 1400 && ip -n "$NS_S" link set "$IF_S" mtu 1400
answered mtu-change "$R4"
sr reflector refresh dev "$IF_R"
sr -j reflector show dev "$IF_R"
check hot-replace/mtu-refresh "reflector show after refresh: $(oneline "$(cli_out)")" \
	jq_ok '.mtu == 1400 and .reply_max == 1372' "$T/out"
answered mtu-refreshed "$R4"

ip -n "$NS_R" addr add "$NEW4/24" dev "$IF_R"
ip -n "$NS_R" addr add "$NEW6/64" dev "$IF_R" nodad
sr reflector refresh dev "$IF_R"
answered address-added "$NEW4"
answered address-added-v6 "$NEW6"
answered address-added-old-kept "$R4"

# Removed: the sender still sends there (its neighbour entries stay), the
# reflector must not answer for an address that is no longer its own.
mac=$(if_mac "$NS_R" "$IF_R")
ip -n "$NS_S" neigh replace "$NEW4" lladdr "$mac" dev "$IF_S" nud permanent
ip -n "$NS_S" neigh replace "$NEW6" lladdr "$mac" dev "$IF_S" nud permanent
ip -n "$NS_R" addr del "$NEW4/24" dev "$IF_R"
ip -n "$NS_R" addr del "$NEW6/64" dev "$IF_R"
sr reflector refresh dev "$IF_R"
refused address-removed "$NEW4"
refused address-removed-v6 "$NEW6"
answered address-removed-old-kept "$R4"
finish
