#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# stampede beside another XDP program on one interface, through libxdp's
# multi-program dispatcher: xdp-loader (xdp-tools) attaches a program that
# counts its own UDP traffic (tests/xdp_count.bpf.c), stampede joins the
# dispatcher, probes are answered and the other program still counts what
# is its own; stampede's replace, refresh and detach leave it attached and
# counting.  Also: a program attached without libxdp is refused in one
# line, and 'multiprog on' makes a dispatcher that xdp-loader then joins.
#
# The dispatcher needs the kernel to load freplace (BPF_PROG_TYPE_EXT)
# programs; a kernel that refuses them (lockdown, a BPF LSM) makes libxdp
# attach programs alone: there the suite checks that stampede refuses the
# lone program in one line and leaves it counting.
# The kernel matrix (tests/test_kernels.sh) runs this suite on Debian's
# kernels, where they run.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=stm${RUN_TAG}r
NS_S=stm${RUN_TAG}s
IF_R=stm${RUN_TAG}r0
IF_S=stm${RUN_TAG}s0
R4=198.18.7.1
S4=198.18.7.2
COUNT_OBJ=$BUILD/tests/xdp_count.bpf.o
# xdp-loader pins the counting program's map here.
XPIN=/sys/fs/bpf/stampede-test-$RUN_TAG
N=10

why=$(root_missing)$(build_missing "$STAMPEDE")
[ -z "$why" ] && [ ! -s "$COUNT_OBJ" ] && why="$COUNT_OBJ is not built (run make test)"
[ -z "$why" ] && ! command -v xdp-loader >/dev/null 2>&1 && why="needs xdp-loader (apt-get install xdp-tools)"
if [ -n "$why" ]; then
	skip multiprog "$why"
	exit 0
fi

sr() { cli -n "$NS_R" "$@"; }
# xdp-loader in the reflector's namespace, with the host's bpffs (ip netns
# exec would give it a private /sys, where libxdp finds no bpffs).
xl() { nsenter --net="/run/netns/$NS_R" xdp-loader "$@"; }
xl_status() { xl status "$IF_R" 2>&1; }

# The counting program's counter KEY (0: its port 9999, 1: port 862).
counted() {
	bpftool -j map lookup pinned "$XPIN/xdp_count_udp" key "$1" 0 0 0 2>/dev/null |
		jq -r '.formatted.value // empty' 2>/dev/null | head -1
}

# send_udp N: N datagrams to the counting program's port 9999.
send_udp() {
	ip netns exec "$NS_S" bash -c "for i in \$(seq $1); do echo x >/dev/udp/$R4/9999; done" 2>/dev/null
}

# probed NAME: N probes from the sender, every one answered.
probed() {
	ip netns exec "$NS_S" "$STAMPEDE" -j probe "$R4" count "$N" interval 10 timeout 1000 \
		>"$T/probe.json" 2>"$T/probe.err"
	if jq_ok ".received == $N" "$T/probe.json"; then
		pass "$1"
	else
		fail "$1" "$(jq -r '.received' "$T/probe.json" 2>/dev/null) of $N probes answered: $(oneline "$(cat "$T/probe.err")")"
	fi
}

# prog_in_status NAME: xdp-loader lists a program called NAME on IF_R.
prog_in_status() { xl_status | grep -qw "$1"; }

testbed_new || {
	fail multiprog/setup "cannot build the testbed"
	finish
}
ip netns exec "$NS_R" sysctl -qw net.ipv4.icmp_ratelimit=0
mkdir -p "$XPIN" && defer "rm -rf '$XPIN'"
defer "nsenter --net=/run/netns/$NS_R xdp-loader unload $IF_R --all"

# ---- a program attached without libxdp: refused in one line ----------------
ip -n "$NS_R" link set dev "$IF_R" xdpdrv obj "$COUNT_OBJ" sec xdp
id=$(ip -n "$NS_R" -j link show dev "$IF_R" | jq -r '.[0].xdp.prog.id // empty')
expect_error multiprog/other-prog/refused "without libxdp's dispatcher \(prog id $id, name xdp_count\).*'mode tc'" \
	-n "$NS_R" reflector attach dev "$IF_R" mode native
check multiprog/other-prog/untouched "the other program is gone: $(oneline "$(ip -n "$NS_R" link show dev "$IF_R")")" \
	test "$(xdp_prog_name "$NS_R" "$IF_R")" = xdp_count
ip -n "$NS_R" link set dev "$IF_R" xdpdrv off

# ---- the dispatcher: xdp-loader's program first, then stampede --------------
xl load -m native -p "$XPIN" "$IF_R" "$COUNT_OBJ" >"$T/xl.out" 2>&1
if ! prog_in_status xdp_dispatcher; then
	# This kernel refuses freplace programs (lockdown or a BPF LSM), so
	# libxdp attached xdp_count alone: to stampede it is a program attached
	# without the dispatcher, refused in one line and left running.
	note "libxdp attached xdp_count without its dispatcher (freplace refused): $(oneline "$(cat "$T/xl.out")")"
	check multiprog/no-dispatcher/loaded "xdp-loader status: $(oneline "$(xl_status)")" prog_in_status xdp_count
	expect_error multiprog/no-dispatcher/refused "without libxdp's dispatcher \(prog id [0-9]+, name xdp_count\)" \
		-n "$NS_R" reflector attach dev "$IF_R" mode native
	send_udp 4
	check multiprog/no-dispatcher/other-counts "counted $(counted 0), want 4" test "$(counted 0)" = 4
	check multiprog/no-dispatcher/no-pins "pins left: $(ls "$(ns_pin_dir "$NS_R")/$IF_R" 2>&1)" \
		test ! -e "$(ns_pin_dir "$NS_R")/$IF_R"
	finish
fi
pass multiprog/xdp-loader/loaded

# Linux 5.10 refuses stampede's program as an freplace component (its
# global functions take the XDP context), and so do kernels that check
# changes_pkt_data (6.12.x, 6.13 on: stampede resizes frames, the slots of
# Debian 12's libxdp 1.3 dispatcher do not): one line, the other program
# kept.
release=$(uname -r)
major=${release%%.*} minor=${release#*.}
minor=${minor%%.*}
if [ "$major" -lt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 12 ]; } || [ "$major" -gt 6 ]; then
	expect_error multiprog/old-kernel/refused "refused stampede's program as a component" \
		-n "$NS_R" reflector attach dev "$IF_R" mode native
	check multiprog/old-kernel/other-kept "xdp-loader status: $(oneline "$(xl_status)")" prog_in_status xdp_count
	send_udp 4
	check multiprog/old-kernel/other-counts "counted $(counted 0), want 4" test "$(counted 0)" = 4
	check multiprog/old-kernel/no-pins "pins left: $(ls "$(ns_pin_dir "$NS_R")/$IF_R" 2>&1)" \
		test ! -e "$(ns_pin_dir "$NS_R")/$IF_R"
	# mode auto: XDP cannot be had there, so a tc filter after the dispatcher.
	expect_json multiprog/old-kernel/auto-tc '.mode == "tc"' -j -n "$NS_R" reflector attach dev "$IF_R"
	probed multiprog/old-kernel/tc-answered
	send_udp 3
	check multiprog/old-kernel/tc-other-counts "counted $(counted 0), want 7" test "$(counted 0)" = 7
	expect_ok multiprog/old-kernel/tc-detach -n "$NS_R" reflector detach dev "$IF_R"
	check multiprog/old-kernel/tc-other-kept "xdp-loader status: $(oneline "$(xl_status)")" prog_in_status xdp_count
	note "kernel $release refuses stampede in libxdp 1.3's dispatcher; 6.1 takes it"
	finish
fi
expect_ok multiprog/attach/joined -n "$NS_R" reflector attach dev "$IF_R"
disp=$(ip -n "$NS_R" -j link show dev "$IF_R" | jq -r '.[0].xdp.prog.id // empty')
expect_json multiprog/show/dispatcher \
	".multiprog == true and .dispatcher_id == ${disp:-0} and .mode == \"native\" and .state == \"attached\" and .run_priority == 10" \
	-j -n "$NS_R" reflector show dev "$IF_R"
check multiprog/status/both "xdp-loader status: $(oneline "$(xl_status)")" \
	eval 'prog_in_status xdp_count && prog_in_status stampede_xdp || prog_in_status stampede_locked'
# stampede's priority 10 runs it first: xdp-loader lists it first.
check multiprog/status/stampede-first "xdp-loader status: $(oneline "$(xl_status)")" \
	eval "xl_status | grep -E 'stampede_(xdp|locked)|xdp_count' | head -1 | grep -q stampede_"

probed multiprog/probes/answered
send_udp 5
check multiprog/other/counts "the counting program counted $(counted 0) datagrams to its port, want 5" \
	test "$(counted 0)" = 5
# stampede answered the probes (XDP_TX ends the chain): none reached the
# program after it.
check multiprog/other/no-stamp "the counting program saw $(counted 1) STAMP packets, want 0 (stampede runs first and ends the chain)" \
	test "$(counted 1)" = 0
expect_json multiprog/stats/reflected ".reflected >= $N" -j -n "$NS_R" stats show dev "$IF_R"

# ---- replace and refresh keep one stampede program, and the other --------------
sr -j reflector show dev "$IF_R"
old=$(jq_val .prog_id "$T/out")
expect_text multiprog/replace "changed:.*ttl 255 -> 64" -n "$NS_R" reflector attach dev "$IF_R" ttl 64
n_st=$(xl_status | grep -cE 'stampede_(xdp|locked)')
check multiprog/replace/one-stampede "$n_st stampede programs in the dispatcher, want 1: $(oneline "$(xl_status)")" test "$n_st" = 1
check multiprog/replace/old-gone "the replaced prog id $old is still there" eval "! xl_status | grep -qw 'stampede_[a-z]* *native *$old'"
check multiprog/replace/other-kept "xdp_count left: $(oneline "$(xl_status)")" prog_in_status xdp_count
expect_json multiprog/replace/counters-kept ".reflected >= $N" -j -n "$NS_R" stats show dev "$IF_R"
probed multiprog/replace/answered
expect_ok multiprog/refresh -n "$NS_R" reflector refresh dev "$IF_R"
probed multiprog/refresh/answered
expect_error multiprog/off-refused "multiprog off" -n "$NS_R" reflector attach dev "$IF_R" multiprog off

# ---- detach leaves the other program attached and counting -----------------
expect_ok multiprog/detach -n "$NS_R" reflector detach dev "$IF_R"
check multiprog/detach/other-attached "xdp-loader status: $(oneline "$(xl_status)")" prog_in_status xdp_count
check multiprog/detach/stampede-gone "xdp-loader status: $(oneline "$(xl_status)")" \
	eval '! xl_status | grep -qE "stampede_(xdp|locked)"'
send_udp 3
check multiprog/detach/other-counts "counted $(counted 0) datagrams to its port, want 8" test "$(counted 0)" = 8
check multiprog/detach/pins-gone "pins left: $(ls "$(ns_pin_dir "$NS_R")/$IF_R" 2>&1)" \
	test ! -e "$(ns_pin_dir "$NS_R")/$IF_R"
xl unload "$IF_R" --all >/dev/null 2>&1

# ---- multiprog on: a dispatcher of stampede's that xdp-loader joins ---------
expect_json multiprog/on/attach '.multiprog == true and .mode == "native"' \
	-j -n "$NS_R" reflector attach dev "$IF_R" multiprog on
check multiprog/on/dispatcher "no dispatcher: $(oneline "$(xl_status)")" prog_in_status xdp_dispatcher
rm -f "$XPIN"/*
xl load -m native -p "$XPIN" "$IF_R" "$COUNT_OBJ" >"$T/xl.out" 2>&1
check multiprog/on/xdp-loader-joins "xdp-loader load: $(oneline "$(cat "$T/xl.out")"); status $(oneline "$(xl_status)")" \
	prog_in_status xdp_count
probed multiprog/on/answered
send_udp 2
check multiprog/on/other-counts "counted $(counted 0), want 2" test "$(counted 0)" = 2
expect_ok multiprog/on/detach -n "$NS_R" reflector detach dev "$IF_R"
check multiprog/on/other-stays "xdp-loader status: $(oneline "$(xl_status)")" prog_in_status xdp_count

finish
