#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `stampede probe`, the Session-Sender, end to end: against the XDP
# reflector and against testing/stamp_reflect (STAMP, TWAMP-Light 41-octet
# and 36-octet replies, deliberate loss, stateful numbering), each in a
# reflector namespace joined by a veth pair to the probe's namespace.  Then
# JSON and text output, bad input, no reply at all, and Ctrl-C.  One
# PASS/FAIL line per check.
#
# Every probe runs in the sender's namespace (-n, or ip netns exec for the
# unprivileged case), so nothing is ever sent from the host's namespace.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=prb${RUN_TAG}r # the reflectors' namespace
NS_S=prb${RUN_TAG}s # the probe's namespace
IF_R=prb${RUN_TAG}r0
IF_S=prb${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2
R6=2001:db8::1
S6=2001:db8::2
# On the link, routed to the reflector's MAC, but nobody's address: the
# reflector's stack drops what is sent there, and says nothing.
SILENT4=198.18.0.9
UPORT=8620 # stamp_reflect's port (the XDP reflector answers 862)
STAMP_REFLECT=$BUILD/testing/stamp_reflect
# Every probe is cut off after this long, whatever goes wrong.
PROBE_LIMIT=30

# ---- helpers ----------------------------------------------------------------

# probe NAME ARGS...: `stampede -n NS_S -j probe ARGS` into $T/NAME.json
# (stdout) and $T/NAME.err; its exit status in PRC.
probe() {
	local name=$1
	shift
	mkdir -p "$(dirname "$T/$name")"
	timeout -k 5 "$PROBE_LIMIT" "$STAMPEDE" -n "$NS_S" -j probe "$@" \
		>"$T/$name.json" 2>"$T/$name.err" </dev/null
	PRC=$?
}

# What is wrong with the last probe NAME as a successful JSON run, or nothing:
# exit 0, exactly one JSON object on stdout, nothing on stderr.
json_run_problem() {
	local name=$1
	if [ "$PRC" -ne 0 ]; then
		echo "exited $PRC: $(oneline "$(cat "$T/$name.err")")"
	elif ! jq -e -s 'length == 1 and (.[0] | type == "object")' "$T/$name.json" >/dev/null 2>&1; then
		echo "stdout is not one JSON object: $(oneline "$(cat "$T/$name.json")")"
	elif [ -s "$T/$name.err" ]; then
		echo "stderr not empty: $(oneline "$(cat "$T/$name.err")")"
	fi
}

# expect_probe NAME FILTER ARGS...: the probe succeeds and jq FILTER holds.
expect_probe() {
	local name=$1 filter=$2 why
	shift 2
	probe "$name" "$@"
	why=$(json_run_problem "$name")
	if [ -z "$why" ] && ! jq_ok "$filter" "$T/$name.json"; then
		why="$filter does not hold: $(oneline "$(jq -c 'del(.replies, .histogram)' "$T/$name.json" 2>&1)")"
	fi
	if [ -z "$why" ]; then
		pass "$name"
	else
		fail "$name" "probe $*: $why"
		return 1
	fi
}

# holds NAME CHECK FILTER: jq FILTER holds on the last $T/NAME.json.
holds() {
	check "$1/$2" "$3 does not hold: $(oneline "$(jq -c '[.replies[]? | {seq, reflector_seq, sender_ttl, hops, length, t1_ns, t2_ns, t3_ns, t4_ns, rtt_us, residence_us}]' "$T/$1.json" 2>&1)")" \
		jq_ok "$3" "$T/$1.json"
}

# Each reply's times in order on this one host's clock, RTT positive,
# residence not negative.  Compared exactly as the "SECONDS.NNNNNNNNN"
# strings (of one length here): jq reads the _ns numbers as doubles.
ORDERED='all(.replies[]; .t1 <= .t2 and .t2 <= .t3 and .t3 <= .t4
	and .rtt_us > 0 and .residence_us >= 0)'

# exact_times NAME: each reply's t1..t4 strings are its t1_ns..t4_ns, digit
# for digit (read from the JSON text: jq would round the numbers).
exact_times() {
	local f=$T/$1.json ns exact
	ns=$(grep -o '"t[1-4]_ns":[0-9]*' "$f" | sed 's/.*://')
	exact=$(grep -o '"t[1-4]":"[0-9]*\.[0-9]\{9\}"' "$f" | sed 's/.*:"//; s/"//; s/\.//')
	check "$1/exact-times" "t1..t4 not the t1_ns..t4_ns digits: $(oneline "$ns / $exact")" \
		test -n "$ns" -a "$ns" = "$exact"
}
# Every request answered once.
ALL_ANSWERED='.received == .sent and .lost == 0 and .lost_seqs == [] and .duplicates == 0
	and (.replies | length) == .sent'

# reflect_start NAME ARGS...: stamp_reflect in the reflectors' namespace on
# UPORT, stopped at exit; waits (5 s at most) until it is listening.  Its
# pid in REFLECT_PID, its JSON counters at exit in $T/NAME.reflect.json.
reflect_start() {
	local name=$1 ready=$T/$1.ready i
	shift
	mkdir -p "$(dirname "$ready")"
	rm -f "$ready"
	ip netns exec "$NS_R" "$STAMP_REFLECT" -p "$UPORT" --ready-file "$ready" "$@" \
		>"$T/$name.reflect.json" 2>"$T/$name.reflect.err" </dev/null &
	REFLECT_PID=$!
	defer "kill $REFLECT_PID"
	for ((i = 0; i < 50; i++)); do
		[ -s "$ready" ] && return 0
		kill -0 "$REFLECT_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$name/reflector" "stamp_reflect $* did not start: $(oneline "$(cat "$T/$name.reflect.err")")"
	return 1
}

# reflect_stop: SIGINT to the last stamp_reflect, and wait (5 s at most).
reflect_stop() { stop_process "$REFLECT_PID"; }

# ---- the network --------------------------------------------------------------

setup() {
	testbed_new || return 1
	ip -n "$NS_S" neigh add "$SILENT4" lladdr "$(if_mac "$NS_R" "$IF_R")" dev "$IF_S" nud permanent
}

# ---- against the XDP reflector -------------------------------------------------

test_xdp() {
	local fam addr name i
	expect_ok probe/xdp/attach -n "$NS_R" reflector attach dev "$IF_R" mode native
	for fam in 4 6; do
		addr=$R4
		[ "$fam" = 6 ] && addr=$R6
		name=probe/xdp/ipv$fam
		expect_probe "$name" ".sent == 5 and $ALL_ANSWERED" "$addr" count 5 interval 20 timeout 500 ||
			continue
		holds "$name" ordered "$ORDERED"
		exact_times "$name"
		# A veth is no hop: the reflector sees our TTL 255 as it was sent.
		holds "$name" ttl-hops 'all(.replies[]; .sender_ttl == 255 and .hops == 0 and .length == 44)'
		holds "$name" seqs '[.replies[].seq] == [range(5)] and [.replies[].reflector_seq] == [range(5)]'
		holds "$name" address ".address == \"$addr\" and .port == 862"
		# T1 is the kernel's TX stamp; T4 the kernel's RX stamp (at least
		# once the kernel has switched RX stamping on).
		holds "$name" kernel-stamps '.timestamps.tx == "software" and any(.replies[]; .timestamps.rx == "software")'
	done
	# Padded to 200 octets: the reflector understood the Extra Padding TLV (U cleared).
	name=probe/xdp/padding
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 3 interval 10 size 200 timeout 500 &&
		holds "$name" tlv 'all(.replies[]; .length == 200 and (.tlvs | length) == 1
			and (.tlvs[0] | .type == 1 and .name == "padding" and .length == 152
				and .unrecognized == false and .malformed == false and .integrity_failed == false))'
	# HOST as a name: `ip netns exec` puts /etc/netns/NS/hosts over
	# /etc/hosts for the command, so the names resolve only in here.
	name=probe/xdp/hostname
	if mkdir -p "/etc/netns/$NS_S"; then
		defer "rm -rf '/etc/netns/$NS_S'; rmdir /etc/netns 2>/dev/null"
		printf '%s reflector4.test\n%s reflector6.test\n%s reflector46.test\n%s reflector46.test\n' \
			"$R4" "$R6" "$R4" "$R6" >"/etc/netns/$NS_S/hosts"
		for fam in 4 6; do
			addr=$R4
			[ "$fam" = 6 ] && addr=$R6
			timeout -k 5 "$PROBE_LIMIT" ip netns exec "$NS_S" "$STAMPEDE" -j probe \
				"reflector$fam.test" count 2 interval 10 timeout 500 \
				>"$T/hostname$fam.json" 2>"$T/hostname$fam.err" </dev/null
			check "$name/ipv$fam" "reflector$fam.test: $(oneline "$(cat "$T/hostname$fam.json" "$T/hostname$fam.err")")" \
				jq_ok ".host == \"reflector$fam.test\" and .address == \"$addr\" and .received == 2" \
				"$T/hostname$fam.json"
			# ping's -4 / -6 pick the family of a name that has both.
			timeout -k 5 "$PROBE_LIMIT" ip netns exec "$NS_S" "$STAMPEDE" -j probe \
				"-$fam" reflector46.test -c 1 \
				>"$T/hostname46-$fam.json" 2>"$T/hostname46-$fam.err" </dev/null
			check "$name/dash-$fam" "-$fam reflector46.test: $(oneline "$(cat "$T/hostname46-$fam.json" "$T/hostname46-$fam.err")")" \
				jq_ok ".address == \"$addr\" and .received == 1" "$T/hostname46-$fam.json"
		done
	else
		fail "$name" "cannot create /etc/netns/$NS_S"
	fi
	# The reflector's link-local address (once past duplicate address
	# detection: 3 s at most), with the interface named.
	name=probe/xdp/link-local
	for ((i = 0; i < 30; i++)); do
		addr=$(ip -n "$NS_R" -6 -o addr show dev "$IF_R" scope link -tentative |
			sed -n 's/.* inet6 \(fe80[0-9a-f:]*\)\/.*/\1/p')
		[ -n "$addr" ] && break
		sleep 0.1
	done
	if [ -n "$addr" ]; then
		expect_probe "$name" "$ALL_ANSWERED and .address == \"$addr\"" "$addr%$IF_S" count 2 interval 10 timeout 500
	else
		fail "$name" "no link-local address on $IF_R"
	fi
	# Our TTL is what the reflector reports back.
	name=probe/xdp/ttl
	expect_probe "$name" "$ALL_ANSWERED" "$R6" count 2 interval 10 ttl 64 dscp AF41 ecn 1 timeout 500 &&
		holds "$name" ttl-64 'all(.replies[]; .sender_ttl == 64 and .hops == 0) and .ttl == 64 and .dscp == 34 and .ecn == 1'
	# Two TTLs: the one our request had at the reflector (sender_ttl, in
	# the reply's payload), and the one the reply arrived with (reply_ttl,
	# the reflector's ttl option here), ping's ttl=.
	expect_ok probe/xdp/attach-ttl-100 -n "$NS_R" reflector attach dev "$IF_R" mode native ttl 100
	for fam in 4 6; do
		addr=$R4
		[ "$fam" = 6 ] && addr=$R6
		name=probe/xdp/reply-ttl-ipv$fam
		expect_probe "$name" "$ALL_ANSWERED" "$addr" count 2 interval 10 ttl 64 timeout 500 &&
			holds "$name" two-ttls 'all(.replies[]; .sender_ttl == 64 and .hops == 0 and .reply_ttl == 100)'
	done
	cli -n "$NS_S" probe "$R4" count 1 ttl 64 timeout 500
	check probe/xdp/reply-ttl-text "want 'sender_ttl=64 hops=0 reply_ttl=100': $(oneline "$(cli_out)")" \
		grep -q ' sender_ttl=64 hops=0 reply_ttl=100 ' "$T/out"
	expect_ok probe/xdp/attach-ttl-255 -n "$NS_R" reflector attach dev "$IF_R" mode native
}

# In generic mode XDP_TX sends back the very skb our socket sent, and the
# kernel gives our socket a second TX stamp for it: T1 must stay the first,
# so T1 <= T2 and the RTT is positive, never 0 or negative.
test_xdp_generic() {
	local fam addr name
	"$STAMPEDE" -n "$NS_R" reflector detach dev "$IF_R" >/dev/null 2>&1
	expect_ok probe/xdp-generic/attach -n "$NS_R" reflector attach dev "$IF_R" mode generic
	for fam in 4 6; do
		addr=$R4
		[ "$fam" = 6 ] && addr=$R6
		name=probe/xdp-generic/ipv$fam
		expect_probe "$name" ".sent == 5 and $ALL_ANSWERED" "$addr" count 5 interval 20 timeout 500 ||
			continue
		holds "$name" t1-first 'all(.replies[]; .t2 >= .t1 and .rtt_us > 0
			and .negative_rtt == false) and .negative_rtt == 0 and .timestamps.tx == "software"'
	done
	# Back to native mode, as the tests after this one expect.
	expect_ok probe/xdp-generic/detach -n "$NS_R" reflector detach dev "$IF_R"
	expect_ok probe/xdp-generic/native-again -n "$NS_R" reflector attach dev "$IF_R" mode native
}

# ---- TLVs answered by the XDP reflector ------------------------------------------

# tlv_of NAME: the jq path of the reply TLV named NAME (first of it).
tlv_of() { printf '(.tlvs | map(select(.name == "%s")) | .[0])' "$1"; }

test_xdp_tlvs() {
	local fam addr src peer mac second name
	mac=$(if_mac "$NS_S" "$IF_S")
	if ! ip -n "$NS_R" addr add 198.18.0.3/15 dev "$IF_R" ||
		! ip -n "$NS_R" addr add 2001:db8::3/64 dev "$IF_R" nodad; then
		fail probe/xdp-tlv/addresses "cannot add the reflector's second addresses"
		return
	fi
	expect_ok probe/xdp-tlv/attach -n "$NS_R" reflector attach dev "$IF_R" mode native
	for fam in 4 6; do
		addr=$R4 peer=$S4 second=198.18.0.3 src=ipv4
		[ "$fam" = 6 ] && addr=$R6 peer=$S6 second=2001:db8::3 src=ipv6
		name=probe/xdp-tlv/stateless-ipv$fam
		expect_probe "$name" "$ALL_ANSWERED" "$addr" count 3 interval 10 timeout 500 dscp CS1 ecn 1 \
			tlv location tlv timestamp-info tlv cos,AF41,2 tlv access,3gpp,unavailable \
			tlv follow-up tlv direct tlv dest-addr,"$addr" || continue
		holds "$name" location "all(.replies[]; $(tlv_of location) | .unrecognized == false
			and .dst_port == 862 and .src_port > 0
			and ([.sub_tlvs[] | .name] == [\"src-eui48\", \"dst-$src\", \"src-$src\"])
			and .sub_tlvs[0].mac == \"$mac\" and .sub_tlvs[1].address == \"$addr\"
			and .sub_tlvs[2].address == \"$peer\")"
		holds "$name" timestamp-info "all(.replies[]; $(tlv_of timestamp-info) | .unrecognized == false
			and .timestamp_in == \"sw-local\" and .timestamp_out == \"sw-local\"
			and (.sync_src_in == \"ntp\" or .sync_src_in == \"free-running\"))"
		# Sent with CS1 (8) and ECN 1; answered with AF41 (34) and ECN 2 in the IP header.
		holds "$name" cos "all(.replies[]; ($(tlv_of cos) | .unrecognized == false and .dscp1 == 34
			and .dscp2 == 8 and .ecn == 1 and .rp == 0 and .ec1 == 2 and .rpe == 3)
			and .reply_dscp == 34 and .reply_ecn == 2)"
		holds "$name" access "all(.replies[]; $(tlv_of access) | .unrecognized == false
			and .id == \"3gpp\" and .return_code == \"unavailable\")"
		holds "$name" follow-up "all(.replies[]; $(tlv_of follow-up) | .unrecognized == false
			and .seq == 0 and .timestamp_ns == null)"
		# Stateless: Direct Measurement has the answering CPU's counts, this reply's included.
		holds "$name" direct "all(.replies[]; $(tlv_of direct) | .unrecognized == false
			and .reflector_tx >= 1 and .reflector_rx >= .reflector_tx)"
		holds "$name" dest-addr "all(.replies[]; ($(tlv_of dest-addr) | .unrecognized == false)
			and .from == \"$addr\")"
		# Destination Node Address names the reflector's second address: replies come from it.
		name=probe/xdp-tlv/dest-addr-moves-ipv$fam
		expect_probe "$name" "$ALL_ANSWERED" "$addr" count 2 interval 10 timeout 500 \
			tlv dest-addr,"$second" &&
			holds "$name" from "all(.replies[]; .from == \"$second\"
				and ($(tlv_of dest-addr) | .unrecognized == false))"
		# An address that is not the reflector's: U, and the reply from the usual one.
		name=probe/xdp-tlv/dest-addr-foreign-ipv$fam
		expect_probe "$name" "$ALL_ANSWERED" "$addr" count 2 interval 10 timeout 500 \
			tlv dest-addr,"$peer" &&
			holds "$name" from "all(.replies[]; .from == \"$addr\"
				and ($(tlv_of dest-addr) | .unrecognized == true))"
	done
	# Return Path "no reply requested": nothing comes back, and it is counted
	# by the reflector.  No reply asked for is no loss: no loss figure, exit 0.
	name=probe/xdp-tlv/no-reply
	expect_probe "$name" '.sent == 3 and .received == 0 and .no_reply_requested == true
		and .lost == null and .loss_percent == null and .lost_seqs == []' \
		"$R4" count 3 interval 10 timeout 300 tlv return-path,no-reply
	cli -n "$NS_S" probe "$R4" count 2 interval 10 timeout 300 tlv return-path,no-reply
	check "$name/text" "want exit 0 and '2 sent, 0 received, no reply requested', no loss figure; got exit $RC: $(oneline "$(cli_out)$(cli_err)")" \
		sh -c "[ $RC -eq 0 ] && grep -q '^2 sent, 0 received, no reply requested' '$T/out' && ! grep -q '% loss' '$T/out'"
	cli -n "$NS_R" -j stats show dev "$IF_R"
	check "$name/counted" "no_reply not 3: $(oneline "$(cli_out)")" \
		jq_ok '[.. | objects | select(has("no_reply")) | .no_reply] | any(. >= 3)' "$T/out"
	name=probe/xdp-tlv/same-link
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 2 interval 10 timeout 500 tlv return-path,same-link &&
		holds "$name" answered "all(.replies[]; $(tlv_of return-path) | .unrecognized == false)"

	# Stateful: Direct Measurement counts, Follow-Up Telemetry names the previous reply.
	expect_ok probe/xdp-tlv/attach-stateful -n "$NS_R" reflector attach dev "$IF_R" mode native stateful
	name=probe/xdp-tlv/stateful
	expect_probe "$name" "$ALL_ANSWERED" "$R6" count 4 interval 10 timeout 500 tlv direct tlv follow-up || return
	holds "$name" direct "[.replies[] | $(tlv_of direct) | [.sender_tx, .reflector_rx, .reflector_tx]]
		== [[1, 1, 1], [2, 2, 2], [3, 3, 3], [4, 4, 4]]"
	holds "$name" follow-up "(.replies[0] | $(tlv_of follow-up) | .seq == 0 and .timestamp_ns == null
			and .mode == 0)
		and ([range(1; 4) as \$i | (.replies[\$i] | $(tlv_of follow-up)) as \$f
			| \$f.seq == .replies[\$i - 1].reflector_seq and \$f.mode == \"sw-local\"
			and \$f.timestamp_ns == .replies[\$i - 1].t3_ns] | all)"
}

# The TLV answers that attach options switch on or change.
test_xdp_tlv_options() {
	local name
	ip -n "$NS_S" addr add 198.18.0.4/15 dev "$IF_S" ||
		{ fail probe/xdp-tlv-opt/address "cannot add the sender's second address"; return; }
	expect_ok probe/xdp-tlv-opt/attach -n "$NS_R" reflector attach dev "$IF_R" mode native \
		micro-session 7 reflected-control on amplify 4 return-prefix 198.18.0.4/32 \
		sync-source ptp
	expect_ok probe/xdp-tlv-opt/stats-reset -n "$NS_R" stats reset dev "$IF_R"
	name=probe/xdp-tlv-opt/micro-session
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 2 interval 10 timeout 500 tlv micro-session,5 &&
		holds "$name" ids "all(.replies[]; $(tlv_of micro-session) | .unrecognized == false
			and .sender_id == 5 and .reflector_id == 7)"
	name=probe/xdp-tlv-opt/micro-session-other-link
	probe "$name" "$R4" count 2 interval 10 timeout 300 tlv micro-session,5,9
	check "$name" "want none answered: $(oneline "$(jq -c '{sent, received}' "$T/$name.json" 2>&1)")" \
		jq_ok '.sent == 2 and .received == 0' "$T/$name.json"
	name=probe/xdp-tlv-opt/sync-source
	expect_probe "$name" "$ALL_ANSWERED" "$R6" count 1 timeout 500 tlv timestamp-info &&
		holds "$name" ptp "all(.replies[]; $(tlv_of timestamp-info) | .sync_src_in == \"ptp\"
			and .sync_src_out == \"ptp\")"
	# A 60-octet request (base and this TLV of 12 octets) asks for a 200-octet reply: within 4 times.
	name=probe/xdp-tlv-opt/reflected-grow
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 2 interval 10 timeout 500 \
		tlv reflected-control,200 &&
		holds "$name" length "all(.replies[]; .length == 200
			and ($(tlv_of reflected-control) | .unrecognized == false and .c_flag == false))"
	name=probe/xdp-tlv-opt/reflected-refused
	expect_probe "$name" "$ALL_ANSWERED" "$R6" count 2 interval 10 timeout 500 \
		tlv reflected-control,1000 &&
		holds "$name" c-flag "all(.replies[]; .length == 60
			and ($(tlv_of reflected-control) | .unrecognized == false and .c_flag == true))"
	name=probe/xdp-tlv-opt/reflected-count
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 2 interval 10 timeout 500 \
		tlv reflected-control,100,3 &&
		holds "$name" once-with-c "all(.replies[]; .length == 100
			and ($(tlv_of reflected-control) | .c_flag == true))"
	# A Return Address inside the allowed prefix is followed (the sender's
	# second address; the probe's socket takes replies on any of its
	# addresses); one outside it is refused.
	name=probe/xdp-tlv-opt/return-address
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 2 interval 10 timeout 500 \
		tlv return-path,addr=198.18.0.4 &&
		holds "$name" followed "all(.replies[]; $(tlv_of return-path) | .unrecognized == false)"
	name=probe/xdp-tlv-opt/return-address-refused
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 2 interval 10 timeout 500 \
		tlv return-path,addr=198.18.0.2 &&
		holds "$name" refused "all(.replies[]; $(tlv_of return-path) | .unrecognized == true)"
	cli -n "$NS_R" -j stats show dev "$IF_R"
	# The mismatched IDs count as answered: the TLV was understood, the packet dropped.
	check probe/xdp-tlv-opt/counters "want micro_session 2, reply_rerouted 2, reply_resized 4 and per-TLV rows: $(oneline "$(jq -c '{reasons, events, tlvs}' "$T/out")")" \
		jq_ok '.reasons.micro_session == 2 and .events.reply_rerouted == 2 and .events.reply_resized == 4
			and (.tlvs[] | select(.name == "micro-session") | .answered == 4 and .seen == 4)
			and (.tlvs[] | select(.name == "return-path") | .answered == 2 and .unrecognized == 2)' "$T/out"

	expect_ok probe/xdp-tlv-opt/attach-cos-off -n "$NS_R" reflector attach dev "$IF_R" mode native \
		cos-remark off
	name=probe/xdp-tlv-opt/cos-refused
	expect_probe "$name" "$ALL_ANSWERED" "$R6" count 2 interval 10 timeout 500 dscp CS1 \
		tlv cos,AF41,1 &&
		holds "$name" rp "all(.replies[]; ($(tlv_of cos) | .rp == 1 and .rpe == 2 and .dscp2 == 8)
			and .reply_dscp == 8 and .reply_ecn == 0)"
}

# ---- JSON and text output -------------------------------------------------------

test_output() {
	local name=probe/json/types
	expect_probe "$name" "$ALL_ANSWERED" "$R4" count 3 interval 10 timeout 500 || return
	holds "$name" counts '[.sent, .received, .lost, .duplicates, .reordered, .loss_percent] | all(type == "number")'
	holds "$name" rtt-members '.rtt_us | keys == ["max", "mean", "median", "min", "p90", "p99", "stddev"] and all(.[]; type == "number")'
	holds "$name" rtt-order '.rtt_us | .min <= .median and .median <= .p90 and .p90 <= .p99 and .p99 <= .max and .min <= .mean and .mean <= .max'
	holds "$name" contract '(.host | type) == "string" and (.ssid | type) == "number" and .timestamp == "ntp"
		and (.synchronized | type) == "boolean" and (.jitter_us | type) == "number"
		and (.residence_us | keys) == ["max", "mean", "median", "min"]
		and (.histogram | length >= 1 and all(.[]; (.from_us | type) == "number" and .to_us > .from_us))
		and ([.histogram[].count] | add) == .received
		and (.timestamps.tx | IN("hardware", "software", "user"))
		and (.timestamps.rx | IN("hardware", "software", "user"))'
	# One-way delays only as numbers when both clocks say so, never otherwise.
	holds "$name" one-way 'if .synchronized then (.forward_us.median | type) == "number" and (.backward_us.median | type) == "number"
		else .forward_us == null and .backward_us == null and all(.replies[]; .forward_us == null and .backward_us == null) end'
	holds "$name" source ".source == \"$S4\" and .sport > 0"
	holds "$name" reply-members 'all(.replies[]; [.seq, .reflector_seq, .rtt_us, .residence_us, .t1_ns, .t2_ns, .t3_ns, .t4_ns, .length] | all(type == "number"))'

	# Text: one line per reply, then the summary.
	cli -n "$NS_S" probe "$R4" count 3 interval 10 timeout 500
	if [ "$RC" -ne 0 ]; then
		fail probe/text "exited $RC: $(oneline "$(cli_err)")"
		return
	fi
	check probe/text/reply-lines "want 3 lines '44 octets from $R4: seq=N rtt=... sender_ttl=255 hops=0 reply_ttl=255': $(oneline "$(cli_out)")" \
		test "$(grep -cE "^44 octets from $R4: seq=[0-2] rtt=[0-9.]+ (us|ms) residence=[0-9.]+ (us|ms) sender_ttl=255 hops=0 reply_ttl=255 reflector_seq=[0-2]$" "$T/out")" = 3
	# Below a millisecond in microseconds, never "0.000 ms".
	# shellcheck disable=SC2016 # an awk program: $i is awk's
	check probe/text/units "want rtt in us below 1 ms, in ms from 1 ms: $(oneline "$(cli_out)")" \
		awk '/ octets from / { for (i = 1; i < NF; i++) if ($i ~ /^(rtt|residence)=/) {
				v = substr($i, index($i, "=") + 1) + 0; u = $(i + 1)
				if (!((u == "us" && v < 1000) || (u == "ms" && v >= 1))) bad = 1; n++ } }
			END { exit bad || n != 6 }' "$T/out"
	check probe/text/header "want the header with source, sport, dscp and ecn: $(oneline "$(head -1 "$T/out")")" \
		grep -qE "^PROBE $R4 \($R4\) port 862 from $S4 port [0-9]+: 44 octets, ssid [0-9]+, 3 requests every 10 ms, ttl 255, dscp 0, ecn 0, ntp timestamps$" "$T/out"
	local want
	for want in "^--- $R4 probe statistics ---$" '^3 sent, 3 received, 0% loss, 0 duplicates, 0 reordered$' \
		'^rtt min/mean/median/p90/p99/max/stddev = [0-9.]+(/[0-9.]+){6} (us|ms)$' '^jitter = [0-9.]+ (us|ms)$' \
		'^residence min/mean/median/max = ' '^forward \(T2-T1\)' '^backward \(T4-T3\)' \
		'^timestamps: tx (software|hardware|user), rx (software|hardware|user)$' '^rtt histogram:$'; do
		if ! grep -Eq -- "$want" "$T/out"; then
			fail probe/text/summary "no line /$want/ in: $(oneline "$(cli_out)")"
			return
		fi
	done
	pass probe/text/summary
	# One request, one duplicate: singular.
	cli -n "$NS_S" probe "$R4" count 1 dscp EF ecn 1 timeout 500
	check probe/text/singular "want '1 request,' and 'dscp 46, ecn 1' in the header: $(oneline "$(cli_out)")" \
		sh -c "head -1 '$T/out' | grep -q ': 44 octets, ssid [0-9]*, 1 request, ttl 255, dscp 46, ecn 1, ntp timestamps\$' &&
			grep -q '^1 sent, 1 received, 0% loss, 0 duplicates, 0 reordered\$' '$T/out'"
}

# ---- ping's options ------------------------------------------------------------------

test_ping_options() {
	local name=probe/ping/values
	# Before HOST, as people type them; -i in seconds.
	expect_probe "$name" ".count == 3 and .interval_ms == 10 and .size == 100 and .ttl == 64
		and .address == \"$R4\" and $ALL_ANSWERED" -c 3 -i 0.01 -s 100 -t 64 -4 "$R4"
	# After HOST too, values attached, among keywords.
	expect_probe probe/ping/after-host ".count == 2 and .interval_ms == 5 and .address == \"$R6\"
		and $ALL_ANSWERED" "$R6" -c2 timeout 500 -i.005 -6
	cli -n "$NS_S" probe -q -c 2 -i 0.01 "$R4"
	check probe/ping/quiet "want the summary and no reply line: $(oneline "$(cli_out)")" \
		sh -c "! grep -q 'octets from' '$T/out' && grep -q '^2 sent, 2 received' '$T/out'"
	cli -n "$NS_S" probe -D -c 2 -i 0.01 "$R4"
	check probe/ping/print-time "want 2 lines '[SECONDS.USEC] 44 octets from': $(oneline "$(cli_out)")" \
		test "$(grep -cE '^\[[0-9]{10}\.[0-9]{6}\] 44 octets from ' "$T/out")" = 2
	cli -n "$NS_S" probe -O -c 3 -i 0.02 "$SILENT4" timeout 100
	check probe/ping/outstanding "want 'no answer yet for seq=0' and seq=1: $(oneline "$(cli_out)")" \
		sh -c "grep -q '^no answer yet for seq=0\$' '$T/out' && grep -q '^no answer yet for seq=1\$' '$T/out'"
	expect_error probe/ping/refused-W "option '-W' is not taken by 'probe': use 'timeout MS'" \
		-n "$NS_S" probe -W 1 "$R4"
	expect_error probe/ping/refused-I "use 'source ADDR'" -n "$NS_S" probe -I eth0 "$R4"
	expect_error probe/ping/unknown "unknown option '-x' for 'probe'" -n "$NS_S" probe -x "$R4"
	expect_error probe/ping/interval-too-fine "bad -i '0.0005'" -n "$NS_S" probe -i 0.0005 "$R4"
	expect_error probe/ping/interval-word "bad -i 'abc'" -n "$NS_S" probe "$R4" -i abc
	expect_error probe/ping/count-missing "'-c' needs a value" -n "$NS_S" probe "$R4" -c
	expect_error probe/ping/count-twice "'count' given twice" -n "$NS_S" probe -c 2 "$R4" count 3
	expect_error probe/ping/count-bad "bad count '0'" -n "$NS_S" probe -c 0 "$R4"
	expect_error probe/ping/both-families "-4 and -6 both given" -n "$NS_S" probe -4 -6 "$R4"
	expect_error probe/ping/family-mismatch "'$R6' is not an IPv4 address, as -4 asks" \
		-n "$NS_S" probe -4 "$R6"
	expect_error probe/ping/no-host "needs HOST" -n "$NS_S" probe -c 3
}

# ---- against stamp_reflect --------------------------------------------------------

test_layouts() {
	local layout len name
	for layout in stamp twamp41 short36; do
		name=probe/reflect/$layout
		reflect_start "$name" --layout "$layout" || continue
		case $layout in
		stamp) len=44 ;;
		twamp41) len=41 ;;
		short36) len=36 ;;
		esac
		if expect_probe "$name" ".sent == 4 and $ALL_ANSWERED" "$R4" port "$UPORT" count 4 interval 10 timeout 500; then
			holds "$name" ordered "$ORDERED"
			holds "$name" length "all(.replies[]; .length == $len)"
			if [ "$layout" = short36 ]; then
				# The reply ends before the Ses-Sender TTL: unknown, not 0.
				holds "$name" ttl-unknown 'all(.replies[]; .sender_ttl == null and .hops == null)'
			else
				holds "$name" ttl-known 'all(.replies[]; .sender_ttl == 255 and .hops == 0)'
			fi
		fi
		reflect_stop
	done
	# PTP (TAI) timestamps both ways, over IPv6.
	name=probe/reflect/ptp
	if reflect_start "$name" --timestamp ptp; then
		expect_probe "$name" "$ALL_ANSWERED and .timestamp == \"ptp\"" "$R6" port "$UPORT" count 3 interval 10 timestamp ptp timeout 500 &&
			holds "$name" ordered "$ORDERED"
		reflect_stop
	fi
}

# ---- TLVs (RFC 8972 and later) ------------------------------------------------------

# stamp_reflect knows no TLV: it echoes each with U set, and the probe says so.
test_tlvs() {
	local name=probe/tlv/echoed
	reflect_start "$name" || return
	if expect_probe "$name" "$ALL_ANSWERED and .size == 44 + 8 + 16 + 8" "$R4" port "$UPORT" count 3 interval 10 timeout 500 \
		tlv cos,EF,1 tlv direct tlv dest-addr,"$R4"; then
		holds "$name" requested '[.tlvs[] | .name] == ["cos", "direct", "dest-addr"]'
		holds "$name" unrecognized 'all(.replies[]; [.tlvs[] | .name] == ["cos", "direct", "dest-addr"]
			and all(.tlvs[]; .unrecognized == true and .c_flag == false))'
		# Unconnected (dest-addr): replies still matched, their source and traffic class recorded.
		holds "$name" from "all(.replies[]; .from == \"$R4\" and (.reply_dscp | type) == \"number\"
			and (.reply_ecn | type) == \"number\") and .ignored.other_port == 0"
	fi
	cli -n "$NS_S" probe "$R4" port "$UPORT" count 1 timeout 500 tlv cos,EF
	check probe/tlv/text "want the cos line and the received DSCP: $(oneline "$(cli_out)")" \
		sh -c "grep -q '^    cos: not understood by the reflector (U)\$' '$T/out' &&
			grep -Eq '^    received: dscp [0-9]+ ecn [0-3]\$' '$T/out'"
	reflect_stop
	expect_error probe/tlv/error-unknown "bad tlv 'frob'" -n "$NS_S" probe "$R4" tlv frob
	expect_error probe/tlv/error-size "size 50 cannot hold the TLVs" -n "$NS_S" probe "$R4" size 50 tlv cos,EF
}

# ---- authenticated mode (RFC 8762 4.2.2, 4.3.2) -------------------------------------

AUTH_HEX=8c1d4e0b6f2a9d735e40c1b8a27f96d3a0b1c2d3e4f5

# auth_file NAME LINE...: a key file, mode 0600, owned by root; its path.
auth_file() {
	local f=$T/$1.keys
	shift
	printf '%s\n' "$@" >"$f" && chmod 600 "$f" && chown 0:0 "$f"
	echo "$f"
}

# The probe signs its requests and verifies every reply against
# stamp_reflect, whose HMAC is OpenSSL's; then against the XDP reflector,
# authenticated and unauthenticated ports side by side.
test_auth() {
	local good wrong name
	good=$(auth_file good "# the test key" "hex:$AUTH_HEX")
	wrong=$(auth_file wrong "hex:00$AUTH_HEX")

	name=probe/auth/reflect
	if reflect_start "$name" --auth-hex "$AUTH_HEX"; then
		expect_probe "$name" ".sent == 4 and $ALL_ANSWERED and .size == 112 and .auth.failed == 0" \
			"$R4" port "$UPORT" count 4 interval 10 timeout 500 auth-key "$good" &&
			holds "$name" signed-replies "$ORDERED and all(.replies[]; .length == 112 and .sender_ttl == 255)"
		reflect_stop
		check "$name/reflector-verified" "stamp_reflect: $(oneline "$(cat "$T/$name.reflect.json")")" \
			jq_ok '.received == 4 and .reflected == 4 and .auth_failed == 0' "$T/$name.reflect.json"
	fi
	# Stateful, over IPv6: the reflector's own numbers come back signed.
	name=probe/auth/reflect-stateful
	if reflect_start "$name" --auth-hex "$AUTH_HEX" --stateful; then
		expect_probe "$name" "$ALL_ANSWERED and [.replies[].reflector_seq] == [range(3)]" \
			"$R6" port "$UPORT" count 3 interval 10 timeout 500 auth-key "$good" stateful
		reflect_stop
	fi
	# Replies whose HMAC is wrong are counted, never received.
	name=probe/auth/bad-replies
	if reflect_start "$name" --auth-hex "$AUTH_HEX" --auth-sign-bad; then
		probe "$name" "$R4" port "$UPORT" count 3 interval 10 timeout 300 auth-key "$good"
		if [ "$PRC" -eq 1 ] && jq_ok '.sent == 3 and .received == 0 and .replies == [] and .auth.failed == 3' "$T/$name.json"; then
			pass "$name"
		else
			fail "$name" "want exit 1, 0 received, 3 auth failures: exit $PRC, $(oneline "$(jq -c 'del(.histogram)' "$T/$name.json" 2>&1) $(cat "$T/$name.err")")"
		fi
		cli -n "$NS_S" probe "$R4" port "$UPORT" count 2 interval 10 timeout 300 auth-key "$good"
		check "$name/text" "want the authentication line: $(oneline "$(cli_out)")" \
			grep -q '^authenticated mode: 2 replies whose HMAC did not verify (not counted as received)$' "$T/out"
		# The continuous mode's text summary says it too.
		cli -n "$NS_S" probe "$R4" port "$UPORT" count 2 interval 10 timeout 300 report 1 -q auth-key "$good"
		check "$name/continuous-text" "want 0 received and the authentication line: $(oneline "$(cli_out)")" \
			sh -c "grep -q '^2 sent, 0 received, 2 lost, ' '$T/out' &&
				grep -q '^authenticated mode: 2 replies whose HMAC did not verify (not counted as received)\$' '$T/out'"
		reflect_stop
	fi
	# Signed with another key: the reflector refuses every request.
	name=probe/auth/wrong-key
	if reflect_start "$name" --auth-hex "$AUTH_HEX"; then
		probe "$name" "$R4" port "$UPORT" count 3 interval 10 timeout 300 auth-key "$wrong"
		reflect_stop
		check "$name" "want no reply and 3 refused by the reflector: exit $PRC, $(oneline "$(cat "$T/$name.reflect.json")")" \
			sh -c "[ $PRC -eq 1 ] && jq -e '.auth_failed == 3 and .reflected == 0' '$T/$name.reflect.json' >/dev/null"
	fi

	# The XDP reflector: port 862 unauthenticated, 8630 authenticated, one interface.
	expect_ok probe/auth/xdp-attach -n "$NS_R" reflector attach dev "$IF_R" mode native \
		port 862 auth-port 8630 auth-key "$good" stateful
	name=probe/auth/xdp
	expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0 and [.replies[].reflector_seq] == [range(4)]" \
		"$R4" port 8630 count 4 interval 10 timeout 500 auth-key "$good" &&
		holds "$name" signed "$ORDERED and all(.replies[]; .length == 112 and .sender_ttl == 255 and .hops == 0)"
	expect_probe probe/auth/xdp-ipv6 "$ALL_ANSWERED and .auth.failed == 0" \
		"$R6" port 8630 count 3 interval 10 timeout 500 auth-key "$good"
	# TLVs under the HMAC TLV (RFC 8972 4.8): answered, the reply's HMAC TLV verified.
	name=probe/auth/xdp-hmac-tlv
	expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0 and .size == 140" \
		"$R4" port 8630 count 3 interval 10 timeout 500 auth-key "$good" tlv timestamp-info &&
		holds "$name" tlvs "all(.replies[]; .length == 140
			and ([.tlvs[] | .name] == [\"timestamp-info\", \"hmac\"])
			and all(.tlvs[]; .unrecognized == false and .integrity_failed == false))"
	expect_probe probe/auth/xdp-unauthenticated-beside "$ALL_ANSWERED and .auth == null and .size == 44" \
		"$R4" count 3 interval 10 timeout 500
	probe probe/auth/xdp-wrong-key "$R4" port 8630 count 3 interval 10 timeout 300 auth-key "$wrong"
	cli -n "$NS_R" -j stats show dev "$IF_R"
	check probe/auth/xdp-wrong-key "want no reply and auth_failed 3: exit $PRC, $(oneline "$(cli_out)")" \
		sh -c "[ $PRC -eq 1 ] && jq -e '.reasons.auth_failed == 3' '$T/out' >/dev/null"
	expect_ok probe/auth/xdp-detach -n "$NS_R" reflector detach dev "$IF_R"

	expect_error probe/auth/error-size "authenticated requests are 112 octets" \
		-n "$NS_S" probe "$R4" auth-key "$good" size 44
	chmod 644 "$good"
	expect_error probe/auth/error-mode "auth-key $good: mode 0644" -n "$NS_S" probe "$R4" auth-key "$good"
	expect_error probe/auth/error-no-key "auth-key $T/x.keys: no key for port 862" \
		-n "$NS_S" probe "$R4" auth-key "$(auth_file x "port 8630 hex:$AUTH_HEX")"
}

# Authenticated mode's TLVs against stamp_reflect: its HMAC TLV is
# OpenSSL's, over the reply's own Sequence Number and TLVs (RFC 8972 4.8).
test_auth_reflect_tlvs() {
	local good name
	good=$(auth_file good "hex:$AUTH_HEX")

	name=probe/auth/reflect-hmac-tlv
	if reflect_start "$name" --auth-hex "$AUTH_HEX"; then
		expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0 and .size == 148" \
			"$R4" port "$UPORT" count 3 interval 10 timeout 500 auth-key "$good" \
			tlv timestamp-info tlv cos,EF &&
			holds "$name" tlvs "all(.replies[]; .length == 148
				and [.tlvs[] | [.name, .unrecognized, .integrity_failed]]
					== [[\"timestamp-info\", true, false], [\"cos\", true, false], [\"hmac\", false, false]])"
		reflect_stop
		check "$name/reflector-verified" "stamp_reflect: $(oneline "$(cat "$T/$name.reflect.json")")" \
			jq_ok '.reflected == 3 and .hmac_tlv_verified == 3 and .hmac_tlv_failed == 0' "$T/$name.reflect.json"
	fi
	# Stateful, request 0 not answered: the reply's numbers are not the
	# request's, and its HMAC TLV must be over its own.
	name=probe/auth/reflect-hmac-tlv-stateful
	if reflect_start "$name" --auth-hex "$AUTH_HEX" --stateful --drop-seqs 0; then
		expect_probe "$name" ".received == 2 and .lost_seqs == [0] and .auth.failed == 0
			and [.replies[] | [.seq, .reflector_seq]] == [[1, 0], [2, 1]]" \
			"$R6" port "$UPORT" count 3 interval 10 timeout 300 auth-key "$good" tlv follow-up
		reflect_stop
	fi
	# A reply whose HMAC TLV is wrong (its base HMAC right) is counted, never received.
	name=probe/auth/reflect-bad-hmac-tlv
	if reflect_start "$name" --auth-hex "$AUTH_HEX" --hmac-tlv-sign-bad; then
		probe "$name" "$R4" port "$UPORT" count 3 interval 10 timeout 300 auth-key "$good" tlv timestamp-info
		check "$name" "want exit 1, 0 received, 3 auth failures: exit $PRC, $(oneline "$(jq -c 'del(.histogram)' "$T/$name.json" 2>&1) $(cat "$T/$name.err")")" \
			sh -c "[ $PRC -eq 1 ] && jq -e '.sent == 3 and .received == 0 and .auth.failed == 3' '$T/$name.json' >/dev/null"
		reflect_stop
	fi
	# An HMAC TLV before ours is misplaced (RFC 8972 4.8): stamp_reflect
	# sends every TLV back with I alone, which the probe takes as it is.
	name=probe/auth/reflect-misplaced
	if reflect_start "$name" --auth-hex "$AUTH_HEX"; then
		expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0" \
			"$R4" port "$UPORT" count 2 interval 10 timeout 300 auth-key "$good" \
			tlv raw,8,00000000000000000000000000000000 &&
			holds "$name" every-tlv-i "all(.replies[]; [.tlvs[] | [.type, .unrecognized, .integrity_failed]]
				== [[8, false, true], [8, false, true]])"
		reflect_stop
		check "$name/reflector-failed" "stamp_reflect: $(oneline "$(cat "$T/$name.reflect.json")")" \
			jq_ok '.hmac_tlv_verified == 0 and .hmac_tlv_failed == 2' "$T/$name.reflect.json"
	fi
}

# hmac-key FILE: unauthenticated mode with an HMAC TLV (RFC 8972 4.8),
# against stamp_reflect --hmac-tlv-hex (OpenSSL's HMAC) and against the XDP
# reflector, whose unauthenticated port has a key from a line naming it.
HMAC_HEX=5e1f0c2b7a9d84e6310fa2c4b8d7e9f1
test_hmac_tlv() {
	local hkey hwrong both name
	hkey=$(auth_file hkey "port $UPORT hex:$HMAC_HEX" "port 862 hex:$HMAC_HEX")
	hwrong=$(auth_file hwrong "port $UPORT hex:00$HMAC_HEX" "port 862 hex:00$HMAC_HEX")
	# The reflector's: the default for auth-port 8630, a line for port 862.
	both=$(auth_file both "hex:$AUTH_HEX" "port 862 hex:$HMAC_HEX")

	name=probe/hmac-tlv/reflect
	if reflect_start "$name" --hmac-tlv-hex "$HMAC_HEX"; then
		expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0 and .size == 100
			and [.tlvs[] | .name] == [\"timestamp-info\", \"hmac\"]" \
			"$R4" port "$UPORT" count 3 interval 10 timeout 500 hmac-key "$hkey" \
			tlv timestamp-info size 100 &&
			holds "$name" tlvs "all(.replies[]; .length == 100
				and [.tlvs[] | [.name, .unrecognized, .integrity_failed]]
					== [[\"timestamp-info\", true, false], [\"hmac\", false, false], [\"padding\", true, false]])"
		reflect_stop
		check "$name/reflector-verified" "stamp_reflect: $(oneline "$(cat "$T/$name.reflect.json")")" \
			jq_ok '.reflected == 3 and .hmac_tlv_verified == 3 and .hmac_tlv_failed == 0' "$T/$name.reflect.json"
	fi
	name=probe/hmac-tlv/reflect-stateful
	if reflect_start "$name" --hmac-tlv-hex "$HMAC_HEX" --stateful --drop-seqs 0; then
		expect_probe "$name" ".received == 2 and .lost_seqs == [0] and .auth.failed == 0
			and [.replies[] | [.seq, .reflector_seq]] == [[1, 0], [2, 1]]" \
			"$R6" port "$UPORT" count 3 interval 10 timeout 300 hmac-key "$hkey" tlv direct
		reflect_stop
	fi
	# Replies whose HMAC TLV is wrong: counted, never received, as in authenticated mode.
	name=probe/hmac-tlv/reflect-bad-replies
	if reflect_start "$name" --hmac-tlv-hex "$HMAC_HEX" --hmac-tlv-sign-bad; then
		probe "$name" "$R4" port "$UPORT" count 3 interval 10 timeout 300 hmac-key "$hkey"
		check "$name" "want exit 1, 0 received, 3 auth failures: exit $PRC, $(oneline "$(jq -c 'del(.histogram)' "$T/$name.json" 2>&1) $(cat "$T/$name.err")")" \
			sh -c "[ $PRC -eq 1 ] && jq -e '.sent == 3 and .received == 0 and .replies == [] and .auth.failed == 3' '$T/$name.json' >/dev/null"
		cli -n "$NS_S" probe "$R4" port "$UPORT" count 2 interval 10 timeout 300 hmac-key "$hkey"
		check "$name/text" "want the HMAC TLV line: $(oneline "$(cli_out)")" \
			grep -q '^hmac tlv: 2 replies whose HMAC TLV did not verify (not counted as received)$' "$T/out"
		cli -n "$NS_S" probe "$R4" port "$UPORT" count 2 interval 10 timeout 300 report 1 -q hmac-key "$hkey"
		check "$name/continuous-text" "want 0 received and the HMAC TLV line: $(oneline "$(cli_out)")" \
			sh -c "grep -q '^2 sent, 0 received, 2 lost, ' '$T/out' &&
				grep -q '^hmac tlv: 2 replies whose HMAC TLV did not verify (not counted as received)\$' '$T/out'"
		reflect_stop
	fi
	# Without a key stamp_reflect knows no HMAC TLV: it comes back with U,
	# our own Value over a Sequence Number that is no longer the reply's.
	name=probe/hmac-tlv/reflect-unkeyed-stateful
	if reflect_start "$name" --stateful --drop-seqs 0; then
		probe "$name" "$R4" port "$UPORT" count 2 interval 10 timeout 300 hmac-key "$hkey"
		check "$name" "want the reply counted: exit $PRC, $(oneline "$(jq -c 'del(.histogram)' "$T/$name.json" 2>&1)")" \
			sh -c "[ $PRC -eq 1 ] && jq -e '.received == 0 and .auth.failed == 1' '$T/$name.json' >/dev/null"
		reflect_stop
	fi

	expect_ok probe/hmac-tlv/xdp-attach -n "$NS_R" reflector attach dev "$IF_R" mode native \
		port 862 auth-port 8630 auth-key "$both" stateful
	cli -n "$NS_R" -j stats show dev "$IF_R"
	local verified0 failed0
	verified0=$(jq_val '.events.hmac_tlv_verified' "$T/out")
	failed0=$(jq_val '.events.hmac_tlv_failed' "$T/out")
	name=probe/hmac-tlv/xdp
	expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0 and .size == 80" \
		"$R4" count 3 interval 10 timeout 500 hmac-key "$hkey" tlv timestamp-info tlv cos,EF &&
		holds "$name" answered "all(.replies[]; .length == 80 and .reply_dscp == 46
			and [.tlvs[] | [.name, .unrecognized, .integrity_failed]]
				== [[\"timestamp-info\", false, false], [\"cos\", false, false], [\"hmac\", false, false]])"
	expect_probe probe/hmac-tlv/xdp-ipv6-padded "$ALL_ANSWERED and .auth.failed == 0 and .size == 120" \
		"$R6" count 3 interval 10 timeout 500 hmac-key "$hkey" tlv follow-up size 120
	# The reflector's key is not ours: it sends every TLV back with I, acts on none.
	name=probe/hmac-tlv/xdp-wrong-key
	expect_probe "$name" "$ALL_ANSWERED and .auth.failed == 0" \
		"$R4" count 3 interval 10 timeout 500 hmac-key "$hwrong" tlv cos,EF &&
		holds "$name" every-tlv-i "all(.replies[]; .reply_dscp == 0
			and [.tlvs[] | [.name, .unrecognized, .integrity_failed]]
				== [[\"cos\", false, true], [\"hmac\", false, true]])"
	cli -n "$NS_R" -j stats show dev "$IF_R"
	check probe/hmac-tlv/xdp-counted "want 6 verified and 3 failed since $verified0/$failed0: $(oneline "$(jq -c .events "$T/out" 2>&1)")" \
		jq_ok "(.events.hmac_tlv_verified - ${verified0:-0}) == 6 and (.events.hmac_tlv_failed - ${failed0:-0}) == 3" "$T/out"
	expect_ok probe/hmac-tlv/xdp-detach -n "$NS_R" reflector detach dev "$IF_R"

	expect_error probe/hmac-tlv/error-default-only "hmac-key $T/good.keys: no key for port 862 \\(a line naming it" \
		-n "$NS_S" probe "$R4" hmac-key "$(auth_file good "hex:$AUTH_HEX")"
	expect_error probe/hmac-tlv/error-with-auth-key "'auth-key' and 'hmac-key' exclude each other" \
		-n "$NS_S" probe "$R4" auth-key "$hkey" hmac-key "$hkey"
	expect_error probe/hmac-tlv/error-tlv-hmac "'tlv hmac' is not a word" -n "$NS_S" probe "$R4" tlv hmac
}

test_loss() {
	local name=probe/loss/every-4
	# Requests 3 and 7 (the 4th and 8th) never answered.
	if reflect_start "$name" --drop-every 4; then
		expect_probe "$name" '.sent == 10 and .received == 8 and .lost == 2 and .lost_seqs == [3, 7] and .loss_percent == 20' \
			"$R4" port "$UPORT" count 10 interval 5 timeout 300
		holds "$name" replies '[.replies[].seq] == [0, 1, 2, 4, 5, 6, 8, 9]'
		reflect_stop
	fi
	name=probe/loss/seqs
	if reflect_start "$name" --drop-seqs 0,5,6; then
		expect_probe "$name" '.sent == 8 and .received == 5 and .lost == 3 and .lost_seqs == [0, 5, 6]' \
			"$R6" port "$UPORT" count 8 interval 5 timeout 300
		reflect_stop
	fi
	# Stateful: the reflector numbers only what it answers, so its drops
	# look like forward loss; a lost last request cannot be placed.
	name=probe/loss/stateful
	if reflect_start "$name" --stateful --drop-seqs 2,7; then
		expect_probe "$name" '.lost_seqs == [2, 7] and .direction_loss == {"forward_lost": 1, "backward_lost": 0,
				"unknown_direction_lost": 1, "reflector_looks_stateless": false}' \
			"$R4" port "$UPORT" count 8 interval 5 timeout 300 stateful
		holds "$name" reflector-seqs '[.replies[].reflector_seq] == [range(6)]'
		reflect_stop
	fi
	# `stateful` against a stateless reflector: its numbers echo ours across
	# the gap, which forward loss at a stateful one could not give.  No
	# direction is told (it used to call the forward loss backward).
	name=probe/loss/stateful-asked-stateless
	if reflect_start "$name" --drop-seqs 2,7; then
		expect_probe "$name" '.lost_seqs == [2, 7] and .direction_loss == {"forward_lost": null,
				"backward_lost": null, "unknown_direction_lost": null, "reflector_looks_stateless": true}' \
			"$R4" port "$UPORT" count 8 interval 5 timeout 300 stateful
		cli -n "$NS_S" probe "$R4" port "$UPORT" count 8 interval 5 timeout 300 stateful
		check "$name/text" "want the 'looks stateless' line and no forward/backward figures: $(oneline "$(cli_out)")" \
			sh -c "grep -q 'looks stateless.*loss direction unknown' '$T/out' && ! grep -q 'backward loss' '$T/out'"
		reflect_stop
	fi
}

# ---- the continuous mode (report SECS) ------------------------------------------------

# The JSON lines of a continuous run: every line one object, periods
# numbered 1..N in order, then exactly one summary, last, whose totals are
# the sums of the periods' (the period cut short by the stop included),
# and every request sent answered, lost or still in flight.
LINES_ADD_UP='(.[:-1] | all(.type == "period")) and .[-1].type == "summary"
	and ([.[:-1][].period] == [range(1; length)])
	and .[-1].periods == (length - 1)
	and ([.[:-1][].sent] | add) == .[-1].sent
	and ([.[:-1][].received] | add) == .[-1].received
	and ([.[:-1][].lost] | add) == .[-1].lost
	and (.[-1] | .sent == .received + .lost + .in_flight)'

# slurped FILTER FILE: jq FILTER holds on the array of FILE's JSON lines.
# shellcheck disable=SC2317 # called through check
slurped() { jq -e -s "$1" "$2" >/dev/null 2>&1; }

# monitor_lost FILE: the lost requests the periods in FILE reported so far.
monitor_lost() {
	jq -s '[.[] | select(.type == "period") | .lost] | add // 0' "$1" 2>/dev/null || echo 0
}

test_continuous() {
	local name=probe/continuous/json out pid i periods rc
	expect_error probe/continuous/report-0 "bad report '0'" -n "$NS_S" probe "$R4" report 0
	expect_error probe/continuous/report-huge "bad report" -n "$NS_S" probe "$R4" report 3601
	expect_error probe/continuous/report-twice "'report' given twice" -n "$NS_S" probe "$R4" report 1 report 2
	# Requests 12..15 never answered: lost in a period of their own time,
	# each 300 ms after it was sent; the periods before it lose nothing.
	reflect_start "$name" --drop-seqs 12,13,14,15 || return
	out=$T/continuous.jsonl
	"$STAMPEDE" -n "$NS_S" -j probe "$R4" port "$UPORT" interval 100 timeout 300 report 1 \
		>"$out" 2>"$T/continuous.err" </dev/null &
	pid=$!
	defer "kill -KILL $pid"
	# Until three periods are out and the four losses reported (30 s at
	# most), then SIGTERM, as systemd or kill would stop it.
	for ((i = 0; i < 300; i++)); do
		periods=$(grep -c '"type":"period"' "$out" 2>/dev/null)
		[ "${periods:-0}" -ge 3 ] && [ "$(monitor_lost "$out")" -ge 4 ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -TERM "$pid"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null && note "$name: still running 5 s after SIGTERM, killed"
	wait "$pid"
	rc=$?
	reflect_stop
	check "$name/exit" "want exit 0 after SIGTERM, got $rc: $(oneline "$(cat "$T/continuous.err")")" test "$rc" -eq 0
	# jq reads each line on its own: a line that is not one JSON object fails.
	check "$name/lines-parse" "not one JSON object per line: $(oneline "$(head -c 600 "$out")")" \
		sh -c "[ \$(wc -l <'$out') -ge 4 ] && while IFS= read -r l; do printf '%s' \"\$l\" | jq -e 'type == \"object\"' >/dev/null || exit 1; done <'$out'"
	check "$name/add-up" "periods and summary do not add up: $(oneline "$(jq -c '{type, period, sent, received, lost, in_flight, periods}' "$out" 2>&1)")" \
		slurped "$LINES_ADD_UP" "$out"
	check "$name/loss-in-a-period" "want the 4 dropped requests lost in the periods, none in the first: $(oneline "$(jq -c '{type, period, sent, received, lost, late}' "$out" 2>&1)")" \
		slurped '(.[-1] | .lost == 4 and .interrupted == true and .received >= 26)
			and (.[0] | .period == 1 and .lost == 0 and .received >= 1)
			and any(.[:-1][]; .lost > 0) and all(.[]; .late == 0 and .duplicates == 0)' "$out"
	check "$name/figures" "a period with replies lacks its rtt figures: $(oneline "$(jq -c '{type, rtt_us, jitter_us, histogram}' "$out" 2>&1)")" \
		slurped 'all(.[:-1][] | select(.received >= 2); .rtt_us.min > 0 and .rtt_us.max >= .rtt_us.min
			and .jitter_us >= 0 and ([.histogram[].count] | add) == .received)
			and (.[-1] | .rtt_us.min > 0 and .rtt_us.mean >= .rtt_us.min and .jitter_us >= 0)' "$out"
	# count ends a continuous run too; the text lines.
	name=probe/continuous/text
	reflect_start "$name" || return
	cli -n "$NS_S" probe "$R4" port "$UPORT" interval 50 count 30 timeout 300 report 1 -q
	reflect_stop
	check "$name" "want 'period 1:' lines and the totals, exit 0; got $RC: $(oneline "$(cli_out)$(cli_err)")" \
		sh -c "[ $RC -eq 0 ] && grep -q '^period 1: [0-9]* sent, [0-9]* received, 0 lost' '$T/out' &&
			grep -q '^30 sent, 30 received, 0 lost, 0 in flight, 0% loss' '$T/out' &&
			grep -q '^rtt min/mean/max/stddev = ' '$T/out'"
}

# ---- nothing comes back -----------------------------------------------------------

test_no_reply() {
	local name=probe/no-reply/unreachable-port
	# The reflector's host answers ICMP port unreachable; still no reply.
	probe "$name" "$R4" port 9 count 3 interval 10 timeout 200
	if [ "$PRC" -eq 1 ] && jq_ok '.sent == 3 and .received == 0 and .loss_percent == 100 and .lost_seqs == [0, 1, 2]
		and (.rtt_us | length == 7 and all(.[]; . == null)) and .jitter_us == null and .residence_us == null
		and .histogram == [] and .replies == []' "$T/$name.json"; then
		pass "$name"
	else
		fail "$name" "want exit 1 and an all-lost summary, got exit $PRC: $(oneline "$(cat "$T/$name.json" "$T/$name.err")")"
	fi
	name=probe/no-reply/silent
	probe "$name" "$SILENT4" count 2 interval 10 timeout 200
	if [ "$PRC" -eq 1 ] && jq_ok '.sent == 2 and .received == 0 and .lost == 2 and .rtt_us.median == null' "$T/$name.json"; then
		pass "$name"
	else
		fail "$name" "want exit 1 and 100% loss, got exit $PRC: $(oneline "$(cat "$T/$name.json" "$T/$name.err")")"
	fi
	# A router on the path answers "administratively prohibited" (ICMPv6
	# type 1 code 1, EACCES on the socket): counted, the run goes on to
	# its summary.  The reflector's namespace routes 2001:db8:99::/64 to
	# a prohibit route.
	name=probe/no-reply/prohibited
	if ip netns exec "$NS_R" sysctl -qw net.ipv6.conf.all.forwarding=1 &&
		ip -n "$NS_R" -6 route add prohibit 2001:db8:99::/64 &&
		ip -n "$NS_S" -6 route add 2001:db8:99::/64 via "$R6"; then
		probe "$name" 2001:db8:99::1 count 5 interval 10 timeout 200
		if [ "$PRC" -eq 1 ] && jq_ok '.sent == 5 and .received == 0 and .icmp_unreachable >= 1' "$T/$name.json"; then
			pass "$name"
		else
			fail "$name" "want exit 1, 5 sent and the ICMP errors counted, got exit $PRC: $(oneline "$(cat "$T/$name.json" "$T/$name.err")")"
		fi
	else
		fail "$name" "cannot set up the prohibit route"
	fi
	cli -n "$NS_S" probe "$SILENT4" count 1 timeout 100
	check probe/no-reply/text "want exit 1 and '1 sent, 0 received, 100% loss', got exit $RC: $(oneline "$(cli_out)$(cli_err)")" \
		grep -q '^1 sent, 0 received, 100% loss' "$T/out"
	check probe/no-reply/exit "exit status $RC, want 1" test "$RC" -eq 1
}

# ---- bad input ----------------------------------------------------------------

test_bad_input() {
	# Each fails before anything is sent; in the probe's namespace all the same.
	expect_error probe/error/missing-host "needs HOST" -n "$NS_S" probe
	expect_error probe/error/keyword-as-host "needs HOST" -n "$NS_S" probe count 3
	expect_error probe/error/count-0 "bad count '0'" -n "$NS_S" probe "$R4" count 0
	expect_error probe/error/count-huge "bad count" -n "$NS_S" probe "$R4" count 100000000
	expect_error probe/error/port-70000 "bad port '70000'" -n "$NS_S" probe "$R4" port 70000
	expect_error probe/error/dscp-XX "bad dscp 'XX'" -n "$NS_S" probe "$R4" dscp XX
	expect_error probe/error/dscp-64 "bad dscp '64'" -n "$NS_S" probe "$R4" dscp 64
	expect_error probe/error/ecn-4 "bad ecn '4'" -n "$NS_S" probe "$R4" ecn 4
	expect_error probe/error/size-46 "size 46" -n "$NS_S" probe "$R4" size 46
	expect_error probe/error/size-huge "bad size" -n "$NS_S" probe "$R4" size 65000
	expect_error probe/error/interval-0 "bad interval '0'" -n "$NS_S" probe "$R4" interval 0
	expect_error probe/error/timestamp "bad timestamp 'xyz'" -n "$NS_S" probe "$R4" timestamp xyz
	expect_error probe/error/unknown-keyword "unknown argument 'frobnicate'" -n "$NS_S" probe "$R4" frobnicate 1
	expect_error probe/error/missing-value "'count' needs a value" -n "$NS_S" probe "$R4" count
	expect_error probe/error/twice "'count' given twice" -n "$NS_S" probe "$R4" count 1 count 2
	expect_error probe/error/json "bad ecn" -j -n "$NS_S" probe "$R4" ecn 9
	expect_error probe/error/bad-source "bad source" -n "$NS_S" probe "$R4" source 198.18.0
	expect_error probe/error/source-family "not an IPv4 address" -n "$NS_S" probe "$R6" source "$S4"
	expect_error probe/error/source-foreign "not an address of this host" -n "$NS_S" probe "$R4" source 198.18.0.77 count 1
	# A link-local address needs its interface: a hint, not "Invalid argument".
	expect_error probe/error/link-local-no-scope "fe80::1 is a link-local address: name the interface, as fe80::1%eth0" \
		-n "$NS_S" probe fe80::1 count 1
	# Larger than the veth's MTU allows without fragmenting.
	expect_error probe/error/size-over-mtu "path MTU" -n "$NS_S" probe "$R4" size 2000 count 1
	# A name under .invalid never resolves (RFC 6761); bounded all the same.
	CLI_RUNNER=(timeout -k 5 20)
	expect_error probe/error/unresolvable "cannot resolve 'nosuch$RUN_TAG.invalid'" -n "$NS_S" probe "nosuch$RUN_TAG.invalid" count 1
	CLI_RUNNER=()
	# A port below 1024 needs privileges: as nobody, in the probe's namespace.
	if ! command -v setpriv >/dev/null; then
		fail probe/error/sport-unprivileged "setpriv (util-linux) is missing"
	else
		CLI_RUNNER=(timeout -k 5 20 ip netns exec "$NS_S" setpriv --reuid=nobody --regid=nogroup --clear-groups)
		expect_error probe/error/sport-unprivileged "permission denied" probe "$R4" sport 100 count 1
		CLI_RUNNER=()
	fi
	expect_text probe/help "HOST count interval size ssid dscp timestamp stateful" probe help
	expect_text probe/help/global "probe" help
}

# ---- Ctrl-C ---------------------------------------------------------------------

# interrupt SIGNAL NAME ARGS...: start a long probe, SIGNAL after 0.5 s;
# its stdout in $T/NAME.out, exit status in PRC.
interrupt() {
	local sig=$1 name=$2 pid i
	shift 2
	"$STAMPEDE" -n "$NS_S" "$@" >"$T/$name.out" 2>"$T/$name.err" </dev/null &
	pid=$!
	defer "kill -KILL $pid"
	sleep 0.5
	kill "-$sig" "$pid"
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null && note "$name: still running 5 s after SIG$sig, killed"
	wait "$pid"
	PRC=$?
}

test_interrupt() {
	local sent
	interrupt INT probe-int-text probe "$R4" count 100 interval 100
	sent=$(sed -n 's/^\([0-9]*\) sent, .*/\1/p' "$T/probe-int-text.out")
	if [ "$PRC" -eq 0 ] && grep -q "^--- $R4 probe statistics (interrupted) ---$" "$T/probe-int-text.out" &&
		[ -n "$sent" ] && [ "$sent" -ge 1 ] && [ "$sent" -lt 100 ]; then
		pass probe/interrupt/text
	else
		fail probe/interrupt/text "want a summary of fewer than 100 sent and exit 0, got exit $PRC: $(oneline "$(cat "$T/probe-int-text.out" "$T/probe-int-text.err")")"
	fi
	interrupt INT probe-int-json -j probe "$R4" count 100 interval 100
	if [ "$PRC" -eq 0 ] && jq_ok '.interrupted == true and .sent >= 1 and .sent < 100 and .received >= .sent - 1' "$T/probe-int-json.out"; then
		pass probe/interrupt/json
	else
		fail probe/interrupt/json "want interrupted, 1..99 sent, all but the last in flight answered, exit 0; got exit $PRC: $(oneline "$(jq -c 'del(.replies, .histogram)' "$T/probe-int-json.out" 2>&1)")"
	fi
	# SIGTERM and SIGHUP end a probe as Ctrl-C does: the summary so far.
	# timeout(1) sends SIGTERM, and exits 124 when it had to.
	timeout 1 "$STAMPEDE" -n "$NS_S" -j probe "$R4" count 30 interval 100 \
		>"$T/probe-term.out" 2>"$T/probe-term.err" </dev/null
	PRC=$?
	if [ "$PRC" -eq 124 ] && jq_ok '.interrupted == true and .sent >= 1 and .sent < 30' "$T/probe-term.out"; then
		pass probe/interrupt/sigterm
	else
		fail probe/interrupt/sigterm "want timeout's SIGTERM to leave an interrupted JSON summary; got exit $PRC: $(oneline "$(jq -c 'del(.replies, .histogram)' "$T/probe-term.out" 2>&1)$(cat "$T/probe-term.err")")"
	fi
	interrupt HUP probe-int-hup probe "$R4" count 100 interval 100
	if [ "$PRC" -eq 0 ] && grep -q "^--- $R4 probe statistics (interrupted) ---$" "$T/probe-int-hup.out"; then
		pass probe/interrupt/sighup
	else
		fail probe/interrupt/sighup "want a summary and exit 0 after SIGHUP, got exit $PRC: $(oneline "$(cat "$T/probe-int-hup.out" "$T/probe-int-hup.err")")"
	fi
}

main() {
	local why
	why=$(root_missing)
	[ -z "$why" ] && why=$(build_missing "$STAMPEDE" "$STAMP_REFLECT")
	if [ -z "$why" ] && ! command -v jq >/dev/null; then why="needs jq (make test-deps)"; fi
	if [ -n "$why" ]; then
		skip probe "$why"
		finish
	fi
	if ! setup >"$T/setup.log" 2>&1; then
		fail probe/setup "$(oneline "$(cat "$T/setup.log")")"
		finish
	fi
	pass probe/setup
	test_bad_input
	test_xdp
	test_xdp_generic
	test_output
	test_ping_options
	test_no_reply
	test_interrupt
	test_continuous
	test_layouts
	test_tlvs
	test_xdp_tlvs
	test_xdp_tlv_options
	test_loss
	test_auth
	test_auth_reflect_tlvs
	test_hmac_tlv
	finish
}

main
