#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# mode tc: the reflector as a clsact ingress filter (bpf/stampede_tc.bpf.c),
# its replies sent back out of the interface with bpf_redirect.  On a
# netns/veth testbed: attach mode tc, probes from the peer answered over
# IPv4 and IPv6 and counted, show says tc, replace and refresh keep the
# filter's place and the counters, detach leaves no filter, qdisc or pin;
# mode auto attaches in tc when the XDP hook holds a program attached
# without libxdp's dispatcher, and that program keeps running.  The peer
# needs no XDP program (replies leave by the veth's egress, not XDP_TX).
# The kernel matrix (tests/test_kernels.sh) runs it on Debian's kernels.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=stm${RUN_TAG}r
NS_S=stm${RUN_TAG}s
IF_R=stm${RUN_TAG}r0
IF_S=stm${RUN_TAG}s0
R4=198.18.11.1
S4=198.18.11.2
R6=2001:db8:11::1
S6=2001:db8:11::2
N=10

why=$(root_missing)$(build_missing "$STAMPEDE")
[ -z "$why" ] && ! command -v tc >/dev/null 2>&1 && why="needs tc (iproute2)"
[ -z "$why" ] && [ ! -s "$BUILD/testing/xdp_pass.bpf.o" ] && why="$BUILD/testing/xdp_pass.bpf.o is not built (run make test)"
if [ -n "$why" ]; then
	skip tc "$why"
	exit 0
fi

sr() { cli -n "$NS_R" "$@"; }

# probed NAME ADDR: N probes from the sender to ADDR, every one answered.
probed() {
	ip netns exec "$NS_S" "$STAMPEDE" -j probe "$2" count "$N" interval 10 timeout 1000 \
		>"$T/probe.json" 2>"$T/probe.err"
	if jq_ok ".received == $N" "$T/probe.json"; then
		pass "$1"
	else
		fail "$1" "$(jq -r '.received' "$T/probe.json" 2>/dev/null) of $N probes answered: $(oneline "$(cat "$T/probe.err")")"
	fi
}

# reflected: the reflector's reflected counter.
reflected() {
	sr -j stats show dev "$IF_R"
	jq_val .reflected "$T/out"
}

# Our filter on IF_R's ingress: its line in tc's listing (handle 0x5354).
tc_filter() { tc -n "$NS_R" filter show dev "$IF_R" ingress 2>/dev/null | grep 'handle 0x5354'; }
# shellcheck disable=SC2317 # called through eval
has_clsact() { tc -n "$NS_R" qdisc show dev "$IF_R" | grep -q clsact; }
pin_dir() { echo "$(ns_pin_dir "$NS_R")/$IF_R"; }

# no_trace NAME: no filter, no clsact qdisc, no pins left.
no_trace() {
	check "$1/no-filter" "a filter is left: $(oneline "$(tc_filter)")" test -z "$(tc_filter)"
	check "$1/no-qdisc" "the clsact qdisc stampede made is left" eval '! has_clsact'
	check "$1/no-pins" "pins left: $(ls "$(pin_dir)" 2>&1)" test ! -e "$(pin_dir)"
}

# The sender needs no XDP program: a tc reply leaves by the veth's egress.
testbed_new no-xdp || {
	fail tc/setup "cannot build the testbed"
	finish
}

# ---- mode tc: attached, answering, counted -----------------------------------
expect_json tc/attach '.mode == "tc" and .state == "attached" and .multiprog == false' \
	-j -n "$NS_R" reflector attach dev "$IF_R" mode tc
check tc/attach/filter "no stampede filter on $IF_R ingress: $(oneline "$(tc -n "$NS_R" filter show dev "$IF_R" ingress 2>&1)")" \
	eval 'tc_filter | grep -Eq "stampede_tc(_locked)?.*direct-action"'
check tc/attach/no-xdp "an XDP program on $IF_R: $(oneline "$(ip -n "$NS_R" link show dev "$IF_R")")" no_xdp "$NS_R" "$IF_R"
expect_text tc/show "tc mode" -n "$NS_R" reflector show dev "$IF_R"
probed tc/probe/ipv4 "$R4"
probed tc/probe/ipv6 "$R6"
check tc/stats/reflected "reflected $(reflected), want $((2 * N))" test "$(reflected)" = $((2 * N))

# ---- replace and refresh: the filter's place and the counters kept ----------
sr -j reflector show dev "$IF_R"
old=$(jq_val .prog_id "$T/out")
expect_text tc/replace "changed:.*ttl 255 -> 64" -n "$NS_R" reflector attach dev "$IF_R" ttl 64
sr -j reflector show dev "$IF_R"
new=$(jq_val .prog_id "$T/out")
check tc/replace/new-prog "prog id $old -> $new; filter: $(oneline "$(tc_filter)")" \
	eval "[ '$new' != '$old' ] && tc_filter | grep -q 'id $new '"
n_filters=$(tc -n "$NS_R" filter show dev "$IF_R" ingress | grep -c 'handle ')
check tc/replace/one-filter "$n_filters filters on $IF_R ingress, want 1" test "$n_filters" = 1
check tc/replace/counters-kept "reflected $(reflected) after the replace, want $((2 * N))" \
	test "$(reflected)" = $((2 * N))
probed tc/replace/answered "$R4"
expect_ok tc/refresh -n "$NS_R" reflector refresh dev "$IF_R"
probed tc/refresh/answered "$R6"
expect_error tc/mode-change-refused "attached in tc mode; detach first" \
	-n "$NS_R" reflector attach dev "$IF_R" mode native

# ---- detach: no filter, qdisc or pin left -----------------------------------
expect_ok tc/detach -n "$NS_R" reflector detach dev "$IF_R"
no_trace tc/detach

# ---- a clsact qdisc that was there stays --------------------------------------
tc -n "$NS_R" qdisc add dev "$IF_R" clsact
expect_ok tc/own-qdisc/attach -n "$NS_R" reflector attach dev "$IF_R" mode tc
probed tc/own-qdisc/answered "$R4"
expect_ok tc/own-qdisc/detach -n "$NS_R" reflector detach dev "$IF_R"
check tc/own-qdisc/kept "the clsact qdisc that was there before went" has_clsact
check tc/own-qdisc/no-filter "a filter is left: $(oneline "$(tc_filter)")" test -z "$(tc_filter)"
tc -n "$NS_R" qdisc del dev "$IF_R" clsact

# ---- mode auto beside an XDP program attached without libxdp: tc -------------
attach_xdp_pass "$NS_R" "$IF_R" || fail tc/auto/setup "cannot attach xdp_pass to $IF_R"
expect_error tc/native-offers-tc "without libxdp's dispatcher.*'mode tc'" \
	-n "$NS_R" reflector attach dev "$IF_R" mode native
expect_json tc/auto/picks-tc '.mode == "tc"' -j -n "$NS_R" reflector attach dev "$IF_R"
check tc/auto/note "no note of the fallback: $(oneline "$(cli_err)")" \
	grep -q "attaching in mode tc" "$T/err"
check tc/auto/other-kept "xdp_pass is not on $IF_R: $(oneline "$(ip -n "$NS_R" link show dev "$IF_R")")" \
	test "$(xdp_prog_name "$NS_R" "$IF_R")" = xdp_pass
probed tc/auto/answered-ipv4 "$R4"
probed tc/auto/answered-ipv6 "$R6"
check tc/auto/counted "reflected $(reflected), want $((2 * N))" test "$(reflected)" = $((2 * N))
expect_ok tc/auto/detach -n "$NS_R" reflector detach dev "$IF_R"
no_trace tc/auto/detach
check tc/auto/other-stays "xdp_pass left $IF_R: $(oneline "$(ip -n "$NS_R" link show dev "$IF_R")")" \
	test "$(xdp_prog_name "$NS_R" "$IF_R")" = xdp_pass
ip -n "$NS_R" link set dev "$IF_R" xdpdrv off

# ---- the interface goes: detach removes the pins it left -------------------------
expect_ok tc/gone/attach -n "$NS_R" reflector attach dev "$IF_R" mode tc
ip -n "$NS_R" link del "$IF_R"
expect_text tc/gone/detach "interface is gone" -n "$NS_R" reflector detach dev "$IF_R"
check tc/gone/no-pins "pins left after the interface went: $(ls "$(pin_dir)" 2>&1)" test ! -e "$(pin_dir)"

finish
