#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# End to end: stampede's XDP reflector on one end of a veth pair, real UDP
# senders (testing/stamp_send) on the other, each end in its own network
# namespace.  Checks the replies on the wire and the counters, then the
# stateful mode, options, reset and detach.  One PASS/FAIL line per check.
#
# Native mode on purpose: generic XDP works on an skb whose checksum the
# stack may still fix or ignore, and so hides checksum bugs.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=stp${RUN_TAG}r # the reflector's namespace
NS_S=stp${RUN_TAG}s # the sender's namespace
IF_R=stp${RUN_TAG}r0
IF_S=stp${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2
R6=2001:db8::1
S6=2001:db8::2
# An address on the reflector's link that is not the reflector's own.
OTHER4=198.18.0.3
COUNT=50

# ---- helpers ----------------------------------------------------------------

# sr ARGS...: stampede for the reflector's namespace.
sr() { cli -n "$NS_R" "$@"; }

# send NAME ARGS...: run stamp_send in the sender's namespace; the JSON
# result is in $T/NAME.json.  Returns non-zero (after a FAIL line) when the
# sender itself failed.
send() {
	local name=$1
	shift
	mkdir -p "$(dirname "$T/$name")"
	if ! ip netns exec "$NS_S" "$STAMP_SEND" "$@" >"$T/$name.json" 2>"$T/$name.err"; then
		fail "$name" "stamp_send $* failed: $(oneline "$(cat "$T/$name.err")")"
		return 1
	fi
	if ! jq_ok 'type == "object"' "$T/$name.json"; then
		fail "$name" "stamp_send printed no JSON: $(oneline "$(cat "$T/$name.json")")"
		return 1
	fi
}

# res NAME FILTER: a member of the last stamp_send result called NAME.
res() { jq_val "$2" "$T/$1.json"; }

# check_answered NAME COUNT: every one of COUNT packets answered, validly.
check_answered() {
	local name=$1 n=$2 sent recv valid
	sent=$(res "$name" .sent) recv=$(res "$name" .received) valid=$(res "$name" .valid)
	if [ "$sent" = "$n" ] && [ "$recv" = "$n" ]; then
		pass "$name/answered"
	else
		fail "$name/answered" "sent $sent, received $recv replies, want $n"
	fi
	if [ "$valid" = "$n" ] && jq_ok '.errors == []' "$T/$name.json"; then
		pass "$name/valid"
	else
		fail "$name/valid" "$valid of $n replies valid$(res "$name" 'if .errors == [] then "" else ": " + (.errors | join("; ")) end')"
	fi
}

# check_unanswered NAME COUNT: nothing came back, and the stack of the
# reflector's host saw the packets intact (it answered ICMP unreachable).
check_unanswered() {
	local name=$1 n=$2
	if [ "$(res "$name" .sent)" = "$n" ] && [ "$(res "$name" .received)" = 0 ]; then
		pass "$name/not-answered"
	else
		fail "$name/not-answered" "sent $(res "$name" .sent), got $(res "$name" .received) replies, want none"
	fi
	check "$name/reached-stack" "no ICMP port unreachable came back: the packet did not reach the stack intact" \
		jq_ok '.refused >= 1' "$T/$name.json"
}

# seqs_are NAME FIRST LAST: the reflector sequence numbers of the replies,
# sorted, are exactly FIRST..LAST.
# shellcheck disable=SC2317 # called through check
seqs_are() {
	jq_ok "(.reflector_seqs | sort) == [range($2; $3 + 1)]" "$T/$1.json"
}

# stats FILE: `stats show -j dev IF_R` into $T/FILE.json.
stats() {
	sr -j stats show dev "$IF_R"
	cp "$T/out" "$T/$1.json"
	if [ "$RC" -ne 0 ] || ! jq_ok 'type == "object"' "$T/$1.json"; then
		fail "stats-$1" "stats show -j failed ($RC): $(oneline "$(cli_err)")"
		return 1
	fi
}

# counter FILE NAME: one counter of a stats snapshot (top level or a reason).
counter() {
	jq -r --arg n "$2" '(.[$n] // .reasons[$n] // .events[$n]) // "missing"' "$T/$1.json" 2>/dev/null
}

# delta BEFORE AFTER NAME: how much a counter grew between two snapshots.
delta() {
	local a b
	a=$(counter "$1" "$3") b=$(counter "$2" "$3")
	case "$a$b" in
	*[!0-9]*) echo "missing" ;;
	*) echo $((b - a)) ;;
	esac
}

# check_delta NAME BEFORE AFTER COUNTER OP WANT: e.g. ... runt -eq 5.
check_delta() {
	local name=$1 op=$5 d
	d=$(delta "$2" "$3" "$4")
	if [ "$d" != missing ] && test "$d" "$op" "$6"; then
		pass "$name"
	else
		fail "$name" "counter $4 grew by $d, want $5 $6"
	fi
}

# check_sum FILE NAME: received = reflected + passed + dropped.
check_sum() {
	if jq_ok '.received == .reflected + .passed + .dropped' "$T/$1.json"; then
		pass "$2"
	else
		fail "$2" "received != reflected + passed + dropped: $(jq -c '{received, reflected, passed, dropped}' "$T/$1.json" 2>&1)"
	fi
}

# ---- the network --------------------------------------------------------------

setup() {
	testbed_new || return 1
	# Unreachable ports must answer every packet with ICMP (proof that
	# the packets reached the stack intact), not a rate-limited few.
	ip netns exec "$NS_R" sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv6.icmp.ratelimit=0 || return 1
	# A neighbour entry, so packets to an address that is not the
	# reflector's still reach its interface (for not_local).
	ip -n "$NS_S" neigh add "$OTHER4" lladdr "$(if_mac "$NS_R" "$IF_R")" dev "$IF_S" nud permanent
}

# ---- the tests ------------------------------------------------------------------

test_attach() {
	expect_ok e2e/attach -n "$NS_R" reflector attach dev "$IF_R" mode native
	# The peer runs an XDP program and writes full checksums: nothing to warn of.
	check e2e/attach/no-veth-warning "warned: $(oneline "$(cli_err)")" test ! -s "$T/err"
	if is_reflector_prog "$(xdp_prog_name "$NS_R" "$IF_R")" &&
		ip -n "$NS_R" link show dev "$IF_R" | grep -q 'prog/xdp id'; then
		pass e2e/attach/native
	else
		fail e2e/attach/native "no native XDP program stampede_xdp (or stampede_locked) on $IF_R: $(oneline "$(ip -n "$NS_R" link show dev "$IF_R")")"
	fi
	sr -j reflector show dev "$IF_R"
	check e2e/attach/show "reflector show -j: $(oneline "$(cli_out)$(cli_err)")" \
		jq_ok ".mode == \"native\" and .stateful == false and .ports == [862] and .ttl == 255 and .local_addrs >= 2" "$T/out"
}

# stateless_family NAME FAMILY TTL SSID ADDR: COUNT packets over one family,
# every one answered, the sender's sequence numbers copied, TTLs right.
stateless_family() {
	local name=$1
	send "$name" "$2" -c "$COUNT" -i 1 -T 2000 -t "$3" --ssid "$4" "$5" || return
	check_answered "$name" "$COUNT"
	check "$name/stateless-seq" "reflector seqs are not the sender's: $(res "$name" -c .reflector_seqs)" \
		jq_ok ".reflector_seqs == [range($COUNT)]" "$T/$name.json"
	check "$name/reply-ttl" "replies arrived with TTL / Hop Limit $(res "$name" -c .reply_ttl_seen), want 255" \
		jq_ok '.reply_ttl_seen == [255]' "$T/$name.json"
}

# Stateless STAMP over both families, then the counters account for it.
test_stateless() {
	stateless_family e2e/ipv4 -4 17 7 "$R4"
	stateless_family e2e/ipv6 -6 33 8 "$R6"
	stats s1 || return
	if [ "$(counter s1 reflected)" = $((2 * COUNT)) ]; then
		pass e2e/stats/reflected
	else
		fail e2e/stats/reflected "reflected = $(counter s1 reflected), want $((2 * COUNT))"
	fi
	check_sum s1 e2e/stats/sum
	check e2e/stats/no-drops "dropped = $(counter s1 dropped)" jq_ok '.dropped == 0' "$T/s1.json"
	# Only background frames were passed so far: ARP (not_ip), IPv6
	# ND/MLD (not_udp); no other reason may have counted anything.
	check e2e/stats/no-stray-reasons "$(jq -c '.reasons | with_entries(select(.value != 0))' "$T/s1.json" 2>&1)" \
		jq_ok '.reasons | del(.not_ip, .not_udp) | all(.[]; . == 0)' "$T/s1.json"
}

# Traffic that must not be answered, each counted under its reason.
test_not_reflected() {
	local fam addr
	stats n0 || return
	for fam in 4 6; do
		addr=$R4
		[ "$fam" = 6 ] && addr=$R6
		send "e2e/runt/ipv$fam" "-$fam" -c 5 -i 2 -T 500 -s 10 "$addr" &&
			check_unanswered "e2e/runt/ipv$fam" 5
		send "e2e/not-stamp/ipv$fam" "-$fam" -c 5 -i 2 -T 500 -p 863 "$addr" &&
			check_unanswered "e2e/not-stamp/ipv$fam" 5
		send "e2e/loop-guard/ipv$fam" "-$fam" -c 5 -i 2 -T 500 -P 862 "$addr" &&
			check_unanswered "e2e/loop-guard/ipv$fam" 5
	done
	# Not ours: the reflector's stack drops it (no forwarding), so no
	# ICMP comes back either.
	send e2e/not-local -4 -c 5 -i 2 -T 300 "$OTHER4" &&
		check e2e/not-local/not-answered "got $(res e2e/not-local .received) replies" \
			jq_ok '.received == 0' "$T/e2e/not-local.json"
	stats n1 || return
	check_delta e2e/runt/counted n0 n1 runt -eq 10
	# Another port is everyone else's traffic: not counted by default.
	check_delta e2e/not-stamp/uncounted n0 n1 not_stamp -eq 0
	check_delta e2e/loop-guard/counted n0 n1 loop_guard -eq 10
	check_delta e2e/not-local/counted n0 n1 not_local -ge 5
	check_delta e2e/not-reflected/reflected-unchanged n0 n1 reflected -eq 0
	check_sum n1 e2e/not-reflected/sum
}

# Short (TWAMP-Light) and long (Extra Padding TLV) test packets.
test_sizes() {
	stats z0 || return
	# TWAMP-Light: answered with the 44-octet reflector packet.  The
	# reflector must grow the frame; on veth a frame of up to 64 octets
	# (IPv4 payload up to 22) has only the slack of a 64-octet cache line
	# as tailroom, which is exactly the hard case.
	send e2e/twamp-light/ipv4-20 -4 -c 10 -i 1 -s 20 --ssid 3 "$R4" &&
		check_answered e2e/twamp-light/ipv4-20 10
	send e2e/twamp-light/ipv4-30 -4 -c 10 -i 1 -s 30 --ssid 3 "$R4" &&
		check_answered e2e/twamp-light/ipv4-30 10
	send e2e/twamp-light/ipv6-20 -6 -c 10 -i 1 -s 20 --ssid 3 "$R6" &&
		check_answered e2e/twamp-light/ipv6-20 10
	# 14 octets (RFC 5357's minimum): no SSID in it, the reply's is 0.
	send e2e/twamp-light/ipv4-14 -4 -c 5 -i 1 -s 14 --ssid 3 "$R4" &&
		check_answered e2e/twamp-light/ipv4-14 5
	send e2e/twamp-light/ipv6-14 -6 -c 5 -i 1 -s 14 --ssid 3 "$R6" &&
		check_answered e2e/twamp-light/ipv6-14 5
	send e2e/padding/ipv4 -4 -c 5 -i 1 -s 200 "$R4" &&
		check_answered e2e/padding/ipv4 5
	# Near the MTU (1500 - 40 - 8): the checksum over a long payload.
	send e2e/padding/ipv6 -6 -c 5 -i 1 -s 1452 "$R6" &&
		check_answered e2e/padding/ipv6 5
	stats z1 || return
	check_delta e2e/twamp-light/counted z0 z1 twamp_light -eq 40
	if [ "$(delta z0 z1 no_tailroom)" = 0 ]; then
		pass e2e/twamp-light/no-tailroom
	else
		fail e2e/twamp-light/no-tailroom "$(delta z0 z1 no_tailroom) TWAMP-Light packets counted no_tailroom: bpf_xdp_adjust_tail could not grow the frame (a veth frame of up to 64 octets has a few octets of tailroom; the headroom is 256)"
	fi
	check_delta e2e/padding/counted z0 z1 tlv_padding -eq 10
	check_delta e2e/sizes/reflected z0 z1 reflected -eq 50
	check_sum z1 e2e/sizes/sum
}

# Re-attach with other options while a sender is running: the program is
# replaced atomically (no packet lost), the counters survive.
test_replace_stateful() {
	local pid
	stats r0 || return
	ip netns exec "$NS_S" "$STAMP_SEND" -4 -c 300 -i 5 -T 2000 --ssid 99 "$R4" \
		>"$T/e2e-replace.json" 2>"$T/e2e-replace.err" &
	pid=$!
	sleep 0.3
	expect_ok e2e/replace/attach -n "$NS_R" reflector attach dev "$IF_R" mode native stateful
	kill -0 "$pid" 2>/dev/null || note "the sender finished before the replace did: no overlap tested"
	wait "$pid"
	check e2e/replace/no-loss "a sender during the replace lost replies: $(oneline "$(cat "$T/e2e-replace.json" "$T/e2e-replace.err")")" \
		jq_ok '.sent == 300 and .received == 300 and .valid == 300' "$T/e2e-replace.json"
	stats r1 || return
	# Every counter (all numbers in the document) at least what it was.
	if jq -e -n --slurpfile a "$T/r0.json" --slurpfile b "$T/r1.json" \
		'[$a[0] | paths(numbers)] as $ps | all($ps[]; . as $p | ($b[0] | getpath($p)) >= ($a[0] | getpath($p)))' \
		>/dev/null 2>&1; then
		pass e2e/replace/counters-kept
	else
		fail e2e/replace/counters-kept "before $(jq -c . "$T/r0.json"), after $(jq -c . "$T/r1.json")"
	fi
	sr -j reflector show dev "$IF_R"
	check e2e/replace/show-stateful "reflector show -j: $(oneline "$(cli_out)$(cli_err)")" \
		jq_ok '.stateful == true and .mode == "native"' "$T/out"
}

# Stateful: each session (5-tuple and SSID) counts its replies from 0, and
# keeps book of the sender's numbers (gaps, late and duplicate packets).
test_stateful() {
	stats t0 || return
	stateful_send a1 "0 19" -4 -c 20 -P 40001 --ssid 1 "$R4"
	# Replaced in place: the sessions stay where they are (the new program
	# hashes with the old one's secret), so the numbers go on below.
	expect_ok e2e/stateful/replace -n "$NS_R" reflector attach dev "$IF_R" mode native stateful
	stateful_send b "0 19" -4 -c 20 -P 40002 --ssid 1 "$R4"
	# The first session again: its numbers go on.  The sender skips
	# 20..24 (5 gaps), sends them late (5 reordered), then 33 and 34
	# again (2 duplicates).
	stateful_send a2 "20 29" -4 -c 10 -P 40001 --ssid 1 --seq-start 25 "$R4"
	stateful_send a3 "30 34" -4 -c 5 -P 40001 --ssid 1 --seq-start 20 "$R4"
	stateful_send a4 "35 36" -4 -c 2 -P 40001 --ssid 1 --seq-start 33 "$R4"
	# Same ports, another SSID: another session.
	stateful_send ssid "0 4" -4 -c 5 -P 40001 --ssid 2 "$R4"
	stateful_send ipv6 "0 9" -6 -c 10 -P 40001 --ssid 1 "$R6"
	stats t1 || return
	check_delta e2e/stateful/session-new t0 t1 session_new -eq 4
	check_sum t1 e2e/stateful/sum
	check_sessions
}

# Sessions belong to the stateful mode they were made in: re-attached
# stateless the reflector lists none and says it is stateless; stateful
# again, it starts from an empty table (the earlier sessions are stale).
test_mode_switch_drops_sessions() {
	expect_ok e2e/mode-switch/stateless -n "$NS_R" reflector attach dev "$IF_R" mode native stateless
	expect_json e2e/mode-switch/stateless-list '.stateful == false and .sessions == []' \
		-n "$NS_R" -j session list dev "$IF_R"
	expect_ok e2e/mode-switch/stateful -n "$NS_R" reflector attach dev "$IF_R" mode native stateful
	expect_json e2e/mode-switch/stale-dropped '.stateful == true and .sessions == []' \
		-n "$NS_R" -j session list dev "$IF_R"
	stateful_send mode-switch "0 4" -4 -c 5 -P 40001 --ssid 1 "$R4"
	expect_json e2e/mode-switch/new-session \
		'.sessions | length == 1 and .[0].reflected == 5 and .[0].highest_seq == 4' \
		-n "$NS_R" -j session list dev "$IF_R"
}

# stateful_send NAME "FIRST LAST" ARGS...: send, all answered, reflector
# sequence numbers FIRST..LAST.
stateful_send() {
	local name=e2e/stateful/$1 first=${2% *} last=${2#* }
	shift 2
	send "$name" -i 1 "$@" || return
	check_answered "$name" $((last - first + 1))
	check "$name/seq" "reflector seqs $(res "$name" -c .reflector_seqs), want $first..$last" \
		seqs_are "$name" "$first" "$last"
}

# session_problem ADDR PORT SSID WANT: what is wrong with the one listed
# session from the sender's ADDR, PORT and SSID, or nothing.  WANT is a
# JSON object of members it must have.
session_problem() {
	jq -r --arg a "$1" --argjson p "$2" --argjson s "$3" --argjson want "$4" '
		[.sessions[] | select(.sender_addr == $a and .sender_port == $p and .ssid == $s)] as $m
		| if ($m | length) != 1 then "\($m | length) sessions listed"
		  else $m[0] as $x
		  | [$want | to_entries[] | select($x[.key] != .value)
		     | "\(.key) \($x[.key]), want \(.value)"] | join(", ")
		  end' "$T/out" 2>&1
}

check_sessions() {
	local addr port ssid want why
	sr -j session list dev "$IF_R"
	if [ "$RC" -ne 0 ] || ! jq_ok '.stateful == true and (.sessions | type == "array")' "$T/out"; then
		fail e2e/session-list "session list -j exited $RC: $(oneline "$(cli_out)$(cli_err)")"
		return
	fi
	pass e2e/session-list
	while read -r addr port ssid want; do
		why=$(session_problem "$addr" "$port" "$ssid" "$want")
		if [ -z "$why" ]; then
			pass "e2e/session-list/$addr-$port-ssid$ssid"
		else
			fail "e2e/session-list/$addr-$port-ssid$ssid" "$why"
		fi
	done <<-EOF
		$S4 40001 1 {"reflected":37,"seq_gaps":5,"reordered":5,"duplicates":2,"highest_seq":34,"last_seq":34,"reflector_addr":"$R4","reflector_port":862,"ifname":"$IF_R"}
		$S4 40002 1 {"reflected":20,"seq_gaps":0,"reordered":0,"duplicates":0,"highest_seq":19,"last_seq":19}
		$S4 40001 2 {"reflected":5,"seq_gaps":0,"reordered":0,"duplicates":0,"highest_seq":4}
		$S6 40001 1 {"reflected":10,"seq_gaps":0,"reordered":0,"duplicates":0,"highest_seq":9,"reflector_addr":"$R6"}
	EOF
}

# Other options: own port list, reply TTL, PTP timestamps, no loop guard,
# other traffic counted.
test_options() {
	expect_ok e2e/options/attach -n "$NS_R" reflector attach dev "$IF_R" mode native \
		port 8620 ttl 64 timestamp ptp loopguard off count-other on
	stats o0 || return
	send e2e/options/ptp -4 -c 10 -i 1 -p 8620 "$R4" && {
		check_answered e2e/options/ptp 10
		check e2e/options/reply-ttl "replies arrived with TTL $(res e2e/options/ptp -c .reply_ttl_seen), want 64" \
			jq_ok '.reply_ttl_seen == [64]' "$T/e2e/options/ptp.json"
	}
	send e2e/options/loopguard-off -6 -c 5 -i 1 -p 8620 -P 8620 "$R6" &&
		check_answered e2e/options/loopguard-off 5
	send e2e/options/old-port -4 -c 5 -i 1 -T 300 "$R4" &&
		check e2e/options/old-port "port 862 still answered: $(res e2e/options/old-port .received) replies" \
			jq_ok '.received == 0' "$T/e2e/options/old-port.json"
	stats o1 || return
	check_delta e2e/options/old-port/counted o0 o1 not_stamp -ge 5
	check_delta e2e/options/loopguard-off/counted o0 o1 loop_guard -eq 0
}

# More addresses than local_set holds (8 per family): the first is compared
# from the set, the last is found through the local_addrs hash; an address
# removed from the interface is no longer answered after the next attach.
test_many_addresses() {
	local i last=198.18.0.40
	for i in $(seq 30 40); do
		ip -n "$NS_R" addr add "198.18.0.$i/24" dev "$IF_R" || {
			fail e2e/addrs/add "cannot add 198.18.0.$i"
			return
		}
	done
	expect_ok e2e/addrs/attach -n "$NS_R" reflector attach dev "$IF_R" mode native
	send e2e/addrs/first -4 -c 5 -i 1 "$R4" && check_answered e2e/addrs/first 5
	send e2e/addrs/last -4 -c 5 -i 1 "$last" && check_answered e2e/addrs/last 5
	expect_json e2e/addrs/counted ".local_addrs >= 13" -n "$NS_R" -j reflector show dev "$IF_R"
	ip -n "$NS_R" addr del "$last/24" dev "$IF_R"
	expect_ok e2e/addrs/reattach -n "$NS_R" reflector attach dev "$IF_R" mode native
	send e2e/addrs/removed -4 -c 3 -i 1 -T 300 "$last" &&
		check e2e/addrs/removed "a removed address still answered: $(res e2e/addrs/removed .received) replies" \
			jq_ok '.received == 0' "$T/e2e/addrs/removed.json"
	for i in $(seq 30 39); do
		ip -n "$NS_R" addr del "198.18.0.$i/24" dev "$IF_R"
	done
}

# bpftool link detach from outside: shown as such (not "interface gone"),
# and the next attach takes the pinned counters up again.
test_detached_outside() {
	local id
	stats d0 || return
	id=$(bpftool -j link show pinned "$(ns_pin_dir "$NS_R")/$IF_R/link" | jq .id)
	bpftool link detach id "$id"
	expect_json e2e/outside/show '.state == "detached_from_outside"' -n "$NS_R" -j reflector show dev "$IF_R"
	expect_json e2e/outside/attach '.action == "reattached"' -n "$NS_R" -j reflector attach dev "$IF_R" mode native
	stats d1 || return
	check_delta e2e/outside/counters-kept d0 d1 reflected -ge 0
	check e2e/outside/counters-nonzero "reflected = $(counter d1 reflected)" test "$(counter d1 reflected)" -gt 0
	send e2e/outside/answered -4 -c 5 -i 1 "$R4" && check_answered e2e/outside/answered 5
}

test_reset() {
	expect_ok e2e/reset -n "$NS_R" stats reset dev "$IF_R"
	stats x0 || return
	# Background frames (ARP, IPv6 ND/MLD) may arrive at any time: only
	# the counters that the tests moved must be exactly 0.
	if jq -e '[.reflected, (.reasons | .runt, .loop_guard, .not_stamp, .not_local)] | all(. == 0)' \
		"$T/x0.json" >/dev/null 2>&1 &&
		[ "$(counter x0 twamp_light)" = 0 ] && [ "$(counter x0 tlv_padding)" = 0 ] &&
		[ "$(counter x0 session_new)" = 0 ]; then
		pass e2e/reset/zero
	else
		fail e2e/reset/zero "after reset: $(jq -c . "$T/x0.json" 2>&1)"
	fi
	check_sum x0 e2e/reset/sum
}

test_detach() {
	local dir
	dir=$(ns_pin_dir "$NS_R")
	expect_ok e2e/detach -n "$NS_R" reflector detach dev "$IF_R"
	if has_xdp "$NS_R" "$IF_R"; then
		fail e2e/detach/no-xdp "XDP still attached: $(oneline "$(ip -n "$NS_R" link show dev "$IF_R")")"
	else
		pass e2e/detach/no-xdp
	fi
	check e2e/detach/no-pins "pins left: $(find "$dir" 2>/dev/null | tr '\n' ' ')" \
		test ! -e "$dir/$IF_R"
	check e2e/detach/no-netns-dir "empty pin directory left: $dir" test ! -e "$dir"
	send e2e/detach/send -4 -c 3 -i 1 -T 300 "$R4" &&
		check e2e/detach/not-answered "still answered after detach: $(res e2e/detach/send .received) replies" \
			jq_ok '.received == 0' "$T/e2e/detach/send.json"
	expect_error e2e/detach/stats-gone '' -n "$NS_R" stats show dev "$IF_R"
}

main() {
	local why
	why=$(root_missing)
	[ -z "$why" ] && why=$(build_missing "$STAMPEDE" "$STAMP_SEND")
	if [ -z "$why" ] && ! command -v jq >/dev/null; then why="needs jq (make test-deps)"; fi
	if [ -n "$why" ]; then
		skip e2e "$why"
		finish
	fi
	if ! setup >"$T/setup.log" 2>&1; then
		fail e2e/setup "$(oneline "$(cat "$T/setup.log")")"
		finish
	fi
	pass e2e/setup
	test_attach
	if ! has_xdp "$NS_R" "$IF_R"; then
		note "no reflector attached: the remaining e2e tests cannot run"
		finish
	fi
	test_stateless
	test_not_reflected
	test_sizes
	test_replace_stateful
	test_stateful
	test_mode_switch_drops_sessions
	test_options
	test_many_addresses
	test_detached_outside
	test_reset
	test_detach
	finish
}

main
