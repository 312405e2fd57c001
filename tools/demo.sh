#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make demo`: stampede end to end on a throw-away testbed.
#
# Two network namespaces joined by a veth pair stand for a host running the
# XDP reflector and a host measuring it.  The demo attaches the reflector in
# one, probes it from the other over IPv4 and IPv6 with `stampede probe`
# (and once with TLVs), shows the reflector's counters, and removes
# everything it made: the namespaces (and with them the veth pair), the
# reflector's link and its pins under /sys/fs/bpf.  That also happens when it is interrupted (Ctrl-C)
# or fails half-way.
#
# Environment: BUILD (default build), DEMO_COUNT (probes per family,
# default 20), DEMO_INTERVAL (ms between probes, default 50).
set -u

# shellcheck source=tools/paths.sh
. "$(dirname "${BASH_SOURCE[0]}")/paths.sh"
# The sender's veth needs an XDP program of its own: veth delivers a frame
# the peer sends back with XDP_TX only through its XDP receive path.  The
# empty XDP_PASS program of the benchmark does, and changes nothing.
XDP_PASS_OBJ=$BUILD/testing/xdp_pass.bpf.o
COUNT=${DEMO_COUNT:-20}
INTERVAL=${DEMO_INTERVAL:-50}

# Unique per run; interface names stay under 16 characters.
TAG=$$
NS_R=stampede-demo-r-$TAG # the reflector's host
NS_S=stampede-demo-s-$TAG # the measuring host
IF_R=sdemo${TAG}r
IF_S=sdemo${TAG}s
R4=198.18.0.1
S4=198.18.0.2
R6=2001:db8::1
S6=2001:db8::2

die() {
	echo "demo: $*" >&2
	exit 1
}

# Show a command as an operator would type it, then run it.  It runs in
# the background while the shell waits for it: `stampede probe` answers
# Ctrl-C itself (summary so far, then a normal exit, as ping does), and a
# shell that waits on a foreground command which handled SIGINT assumes the
# interrupt was dealt with and would go on with the demo.  `wait` is cut
# short by the signal instead, so the INT trap below runs.
child=""
show() {
	echo "# $*" | sed "s|$STAMPEDE|stampede|"
	"$@" &
	child=$!
	wait "$child"
	local rc=$?
	child=""
	return "$rc"
}

section() {
	printf '\n== %s ==\n' "$*"
}

pin_dir=""
cleanup() {
	trap '' INT TERM # finish cleaning up even when interrupted again
	# A command still running (interrupted while waiting) ends first.
	if [ -n "$child" ]; then
		kill -INT "$child" 2>/dev/null
		wait "$child" 2>/dev/null
		child=""
	fi
	if [ -n "$pin_dir" ]; then
		"$STAMPEDE" -n "$NS_R" reflector detach dev "$IF_R" >/dev/null 2>&1
		rm -rf "$pin_dir"
		rmdir /sys/fs/bpf/stampede 2>/dev/null
	fi
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_R" 2>/dev/null
	return 0
}

setup() {
	ip netns add "$NS_R" && ip netns add "$NS_S" || return 1
	# Remembered now: the next attach or detach prunes pins of a namespace
	# that is gone, but this demo leaves none behind in the first place.
	pin_dir=/sys/fs/bpf/stampede/netns-$(stat -L -c %i "/run/netns/$NS_R") || return 1
	ip -n "$NS_R" link add "$IF_R" type veth peer name "$IF_S" netns "$NS_S" || return 1
	ip -n "$NS_R" addr add "$R4/24" dev "$IF_R" &&
		ip -n "$NS_R" addr add "$R6/64" dev "$IF_R" nodad &&
		ip -n "$NS_S" addr add "$S4/24" dev "$IF_S" &&
		ip -n "$NS_S" addr add "$S6/64" dev "$IF_S" nodad || return 1
	local ns
	for ns in "$NS_R" "$NS_S"; do
		ip -n "$ns" link set lo up || return 1
	done
	ip -n "$NS_R" link set "$IF_R" up && ip -n "$NS_S" link set "$IF_S" up || return 1
	# A veth computes no checksums: the sender's stack must write them itself.
	ip netns exec "$NS_S" ethtool -K "$IF_S" tx off >/dev/null || return 1
	ip -n "$NS_S" link set dev "$IF_S" xdpdrv obj "$XDP_PASS_OBJ" sec xdp
}

main() {
	[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, BPF); run it as root"
	[ -x "$STAMPEDE" ] || die "$STAMPEDE is not built; run make demo"
	[ -s "$XDP_PASS_OBJ" ] || die "$XDP_PASS_OBJ is not built; run make demo"
	command -v ethtool >/dev/null || die "needs ethtool (Debian: apt-get install ethtool)"

	trap cleanup EXIT
	trap 'echo; echo "demo: interrupted, cleaning up" >&2; exit 130' INT
	trap 'echo "demo: terminated, cleaning up" >&2; exit 143' TERM

	section "testbed"
	echo "namespace $NS_R: $IF_R $R4/24 $R6/64   (runs the XDP reflector)"
	echo "namespace $NS_S: $IF_S $S4/24 $S6/64   (runs stampede probe)"
	echo "$IF_S runs an empty XDP program: native XDP_TX replies reach a veth only through XDP"
	setup || die "could not build the testbed (see the error above)"

	section "attach the reflector in $NS_R"
	show "$STAMPEDE" -n "$NS_R" reflector attach dev "$IF_R" mode native || die "attach failed"
	show "$STAMPEDE" -n "$NS_R" reflector show dev "$IF_R" || die "show failed"

	local status=0
	section "probe over IPv4 from $NS_S"
	show "$STAMPEDE" -n "$NS_S" probe "$R4" count "$COUNT" interval "$INTERVAL" || status=1
	section "probe over IPv6 from $NS_S"
	show "$STAMPEDE" -n "$NS_S" probe "$R6" count "$COUNT" interval "$INTERVAL" || status=1
	# What the XDP reflector answers in TLVs: where the packet arrived, how
	# it timestamps, and the reply re-marked with the DSCP asked for.
	section "probe with TLVs (Location, Timestamp Information, Class of Service EF)"
	show "$STAMPEDE" -n "$NS_S" probe "$R4" count 3 interval "$INTERVAL" \
		tlv location tlv timestamp-info tlv cos,EF || status=1

	section "the reflector's counters"
	show "$STAMPEDE" -n "$NS_R" stats show dev "$IF_R" || status=1

	section "tear down"
	show "$STAMPEDE" -n "$NS_R" reflector detach dev "$IF_R" || status=1
	cleanup
	pin_dir=""
	echo "removed namespaces $NS_R and $NS_S, the reflector's link and pins"
	[ "$status" -eq 0 ] || die "a probe or a command above failed"
	echo "demo: done"
}

main "$@"
