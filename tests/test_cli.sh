#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The controller's command line: help, version, prefixes, every argument
# error, and every command on a veth in a namespace of our own, with the
# JSON shapes scripts rely on.  Errors must be exactly one line on stderr
# starting "stampede: error: ", with exit status 1 (README).
#
# Commands that would parse successfully are never run without -n in the
# host's namespace: the argument-error tests name a device that does not
# exist, so even a parser bug cannot attach anything to the host.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS=stp${RUN_TAG}c
IF0=stp${RUN_TAG}c0 # the reflector's interface
IF1=stp${RUN_TAG}c1 # its peer, for the foreign XDP program
NODEV=nodev${RUN_TAG} # never exists

# The counters of include/stampede_kern_user.h, by class: "name class" lines.
# shellcheck disable=SC2317 # called through check
counters() {
	sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\), *\([A-Z]*\),.*/\1 \2/p' \
		"$TOP/include/stampede_kern_user.h"
}

# ---- without privileges -----------------------------------------------------

test_help() {
	local obj
	expect_text cli/help "reflector stats session" help
	expect_text cli/help/reflector "attach detach show" reflector help
	expect_text cli/help/stats "show reset" stats help
	expect_text cli/help/session "list" session help
	# help after a command, or help OBJECT [COMMAND]: that help only.
	help_only cli/help/after-command "stampede reflector attach dev IFNAME" "stampede (reflector detach|stats)" \
		reflector attach help
	help_only cli/help/after-command-stats "stampede stats show \\[dev IFNAME\\]" "stampede (stats reset|reflector)" \
		stats show help
	help_only cli/help/object "stampede reflector show.*stampede reflector attach.*stampede reflector detach" \
		"stampede (stats|session)" \
		help reflector
	help_only cli/help/object-command "stampede stats reset" "stampede (stats show|reflector)" help stats reset
	help_only cli/help/object-help "stampede session list" "stampede (reflector|stats)" session help
	expect_error cli/help/unknown-object "unknown object 'frob'" help frob
	expect_error cli/help/unknown-command "unknown command 'frob' for 'stats'" help stats frob
	# No object at all: usage, as bpftool does, on either stream.
	cli
	if grep -q reflector "$T/out" "$T/err"; then
		pass cli/no-arguments
	else
		fail cli/no-arguments "stampede without arguments exited $RC and printed no usage: $(oneline "$(cli_out)$(cli_err)")"
	fi
}

# help_only NAME WANT NOT ARGS...: the command succeeds and its output
# matches WANT (one extended regular expression over the output as one
# line) but not NOT: the help asked for, and none other.
help_only() {
	local name=$1 want=$2 not=$3 flat
	shift 3
	cli "$@"
	flat=$(tr '\n' ' ' <"$T/out")
	if [ "$RC" -ne 0 ]; then
		fail "$name" "stampede $* exited $RC: $(oneline "$(cli_err)")"
	elif ! grep -Eq -- "$want" <<<"$flat"; then
		fail "$name" "stampede $* did not print /$want/: $(oneline "$(cli_out)")"
	elif grep -Eq -- "$not" <<<"$flat"; then
		fail "$name" "stampede $* printed more than its help (/$not/): $(oneline "$(cli_out)")"
	else
		pass "$name"
	fi
}

# The version is 0.1.0-based: "0.1.0-gHASH" before any release tag,
# "X.Y.Z[-N-gHASH]" from git describe after one, never a bare commit id.
test_version() {
	cli -V
	if [ "$RC" -eq 0 ] && head -n 1 "$T/out" | grep -Eq '^stampede [0-9]+\.[0-9]+\.[0-9]+([-+][0-9a-z.-]+)?$'; then
		pass cli/version
	else
		fail cli/version "stampede -V exited $RC: $(oneline "$(cli_out)$(cli_err)")"
	fi
	expect_json cli/version-json '.version | test("^[0-9]+\\.[0-9]+\\.[0-9]+")' -j -V
}

test_syntax_errors() {
	expect_error cli/netns-bad-name "bad netns name" -n ../etc reflector show
	expect_error cli/netns-relative-path "bad netns name 'run/netns/x'" -n run/netns/x reflector show
	expect_error cli/netns-path-missing "no such network namespace '/nonexistent$RUN_TAG'" \
		-n "/nonexistent$RUN_TAG" reflector show
	expect_error cli/netns-path-not-netns "'/etc/hostname' is not a network namespace" \
		-n /etc/hostname reflector show
	expect_error cli/all-netns-and-netns "exclude" -a -n foo reflector show
	expect_error cli/all-netns-attach "-a .*not for 'reflector attach'" -a reflector attach dev "$NODEV"
	expect_error cli/all-netns-detach "-a .*not for 'reflector detach'" -a reflector detach dev "$NODEV"
	expect_error cli/all-netns-reset "-a .*not for 'stats reset'" -a stats reset
	expect_error cli/all-netns-dev "no 'dev'" -a reflector show dev "$NODEV"
	expect_error cli/no-object-json "missing object" -j
	expect_error cli/unknown-object "unknown object 'frobnicate'" frobnicate
	expect_error cli/unknown-object-json "unknown object" -j frobnicate
	# "s" is a prefix of both stats and session.
	expect_error cli/ambiguous-object "ambiguous object 's'.*stats.*session|ambiguous object 's'.*session.*stats" s show
	expect_error cli/unknown-command "unknown command 'frob'" reflector frob
	expect_error cli/unknown-option "bogus" --bogus reflector show
	expect_error cli/netns-needs-value "" -n
	expect_error cli/attach/needs-dev "needs 'dev IFNAME'" reflector attach
	expect_error cli/attach/unknown-argument "unknown argument 'bogus'" reflector attach dev "$NODEV" bogus
	local kw
	for kw in port auth-port mode timestamp sessions ttl loopguard clock-reads count-other \
		cos-remark micro-session sync-source reflected-control reply-max amplify return-prefix \
		allow rate-limit rate-limit-all auth-key; do
		expect_error "cli/attach/$kw-needs-value" "'$kw' needs a value" reflector attach dev "$NODEV" "$kw"
	done
	expect_error cli/attach/dev-needs-value "'dev' needs a value" reflector attach dev
	expect_error cli/attach/port-0 "bad port '0'" reflector attach dev "$NODEV" port 0
	expect_error cli/attach/port-70000 "bad port '70000'" reflector attach dev "$NODEV" port 70000
	expect_error cli/attach/port-abc "bad port 'abc'" reflector attach dev "$NODEV" port abc
	expect_error cli/attach/port-negative "bad port '-1'" reflector attach dev "$NODEV" port -1
	expect_error cli/attach/port-duplicate "twice" reflector attach dev "$NODEV" port 862 port 862
	expect_error cli/attach/port-9 "too many" reflector attach dev "$NODEV" \
		port 1 port 2 port 3 port 4 port 5 port 6 port 7 port 8 port 9
	expect_error cli/attach/port-and-auth-port "both" reflector attach dev "$NODEV" port 862 auth-port 862
	expect_error cli/attach/auth-key-twice "'auth-key' given twice" \
		reflector attach dev "$NODEV" auth-port 863 auth-key a auth-key b
	expect_error cli/attach/ttl-0 "bad ttl '0'" reflector attach dev "$NODEV" ttl 0
	expect_error cli/attach/ttl-256 "bad ttl '256'" reflector attach dev "$NODEV" ttl 256
	expect_error cli/attach/ttl-abc "bad ttl 'x'" reflector attach dev "$NODEV" ttl x
	expect_error cli/attach/sessions-0 "bad sessions '0'" reflector attach dev "$NODEV" sessions 0
	expect_error cli/attach/sessions-huge "bad sessions '99999999'" reflector attach dev "$NODEV" sessions 99999999
	expect_error cli/attach/sessions-abc "bad sessions 'many'" reflector attach dev "$NODEV" sessions many
	expect_error cli/attach/mode-bad "bad mode 'turbo'.*native" reflector attach dev "$NODEV" mode turbo
	expect_error cli/attach/timestamp-bad "bad timestamp 'gps'.*ntp" reflector attach dev "$NODEV" timestamp gps
	expect_error cli/attach/loopguard-bad "bad loopguard 'maybe'" reflector attach dev "$NODEV" loopguard maybe
	expect_error cli/attach/clock-reads-0 "bad clock-reads '0': expected 1-2" reflector attach dev "$NODEV" clock-reads 0
	expect_error cli/attach/clock-reads-3 "bad clock-reads '3': expected 1-2" reflector attach dev "$NODEV" clock-reads 3
	expect_error cli/attach/count-other-bad "bad count-other 'all'" reflector attach dev "$NODEV" count-other all
	expect_error cli/attach/cos-remark-bad "bad cos-remark 'maybe': expected on or off" reflector attach dev "$NODEV" cos-remark maybe
	expect_error cli/attach/micro-session-0 "bad micro-session '0': 0 means no Micro-session ID" reflector attach dev "$NODEV" micro-session 0
	expect_error cli/attach/micro-session-65536 "bad micro-session '65536': expected 1-65535" reflector attach dev "$NODEV" micro-session 65536
	expect_error cli/attach/micro-session-abc "bad micro-session 'abc'" reflector attach dev "$NODEV" micro-session abc
	expect_error cli/attach/sync-source-bad "bad sync-source 'gps': expected auto, ntp, ptp, ssu, gnss or free-running" reflector attach dev "$NODEV" sync-source gps
	expect_error cli/attach/reflected-control-bad "bad reflected-control 'yes': expected on or off" reflector attach dev "$NODEV" reflected-control yes
	expect_error cli/attach/reply-max-43 "bad reply-max '43': expected 44-65507" reflector attach dev "$NODEV" reply-max 43
	expect_error cli/attach/reply-max-65508 "bad reply-max '65508': expected 44-65507" reflector attach dev "$NODEV" reply-max 65508
	expect_error cli/attach/amplify-0 "bad amplify '0': expected 1-16" reflector attach dev "$NODEV" amplify 0
	expect_error cli/attach/amplify-17 "bad amplify '17': expected 1-16" reflector attach dev "$NODEV" amplify 17
	expect_error cli/attach/return-prefix-bad "bad return-prefix 'nowhere'" reflector attach dev "$NODEV" return-prefix nowhere
	expect_error cli/attach/return-prefix-len-v4 "bad return-prefix '10.0.0.0/33': expected a length of 0-32" reflector attach dev "$NODEV" return-prefix 10.0.0.0/33
	expect_error cli/attach/return-prefix-len-v6 "bad return-prefix '2001:db8::/129': expected a length of 0-128" reflector attach dev "$NODEV" return-prefix 2001:db8::/129
	expect_error cli/attach/return-prefix-no-len "bad return-prefix '10.0.0.0/'" reflector attach dev "$NODEV" return-prefix 10.0.0.0/
	expect_error cli/attach/return-prefix-host-bits "host bits set; did you mean 10.0.0.0/8" reflector attach dev "$NODEV" return-prefix 10.1.2.3/8
	expect_error cli/attach/return-prefix-host-bits-v6 "host bits set; did you mean 2001:db8::/32" reflector attach dev "$NODEV" return-prefix 2001:db8::1/32
	expect_error cli/attach/return-prefix-twice "given twice" reflector attach dev "$NODEV" \
		return-prefix 10.0.0.0/8 return-prefix 10.0.0.0/8
	expect_error cli/attach/allow-bad "bad allow 'nowhere': expected a.b.c.d/n or x:x::/n" reflector attach dev "$NODEV" allow nowhere
	expect_error cli/attach/allow-len "bad allow '10.0.0.0/33': expected a length of 0-32" reflector attach dev "$NODEV" allow 10.0.0.0/33
	expect_error cli/attach/allow-host-bits "bad allow '198.18.1.1/16': host bits set; did you mean 198.18.0.0/16" reflector attach dev "$NODEV" allow 198.18.1.1/16
	expect_error cli/attach/allow-v4-mapped "bad allow '::ffff:198.18.0.0/112': an IPv4-mapped IPv6 prefix; IPv6 requests from such sources are never answered, and IPv4 is written 198.18.0.0/16" reflector attach dev "$NODEV" allow ::ffff:198.18.0.0/112
	expect_error cli/attach/return-prefix-v4-mapped "bad return-prefix '::ffff:0:0/96': an IPv4-mapped IPv6 prefix" reflector attach dev "$NODEV" return-prefix ::ffff:0:0/96
	expect_error cli/attach/allow-twice "allow 10.0.0.0/8 given twice" reflector attach dev "$NODEV" allow 10.0.0.0/8 allow 10.0.0.0/8
	expect_error cli/attach/allow-none-and-prefix "'allow none' cannot go with allowed prefixes" reflector attach dev "$NODEV" allow 10.0.0.0/8 allow none
	expect_error cli/attach/rate-limit-0 "bad rate-limit rate '0': expected 1-100000000" reflector attach dev "$NODEV" rate-limit 0
	expect_error cli/attach/rate-limit-burst "bad rate-limit burst 'x'" reflector attach dev "$NODEV" rate-limit 10,x
	expect_error cli/attach/rate-limit-all-big "bad rate-limit-all rate '100000001'" reflector attach dev "$NODEV" rate-limit-all 100000001
	expect_error cli/attach/rate-limit-twice "'rate-limit' given twice" reflector attach dev "$NODEV" rate-limit 10 rate-limit 20
	expect_error cli/set/needs-dev "needs 'dev IFNAME'" reflector set allow 10.0.0.0/8
	expect_error cli/set/needs-policy "needs allow, rate-limit or rate-limit-all" reflector set dev "$NODEV"
	expect_error cli/set/not-a-policy "'ttl' cannot be set on a running reflector" reflector set dev "$NODEV" ttl 3
	expect_error cli/set/allow-bad "bad allow '1.2.3.4/8': host bits set" reflector set dev "$NODEV" allow 1.2.3.4/8
	expect_error cli/attach/return-prefix-9 "too many 'return-prefix'" reflector attach dev "$NODEV" \
		return-prefix 10.1.0.0/16 return-prefix 10.2.0.0/16 return-prefix 10.3.0.0/16 \
		return-prefix 10.4.0.0/16 return-prefix 10.5.0.0/16 return-prefix 10.6.0.0/16 \
		return-prefix 10.7.0.0/16 return-prefix 10.8.0.0/16 return-prefix 10.9.0.0/16
	expect_error cli/attach/sync-source-twice "'sync-source' given twice" reflector attach dev "$NODEV" sync-source ntp sync-source ptp
	expect_error cli/attach/ttl-twice "twice" reflector attach dev "$NODEV" ttl 5 ttl 6
	expect_error cli/attach/stateful-stateless "exclude" reflector attach dev "$NODEV" stateful stateless
	expect_error cli/attach/bad-ifname "" reflector attach dev ../../etc
	expect_error cli/detach/needs-dev "needs 'dev IFNAME'" reflector detach
	expect_error cli/detach/unknown-argument "unknown argument 'port'" reflector detach dev "$NODEV" port 862
	expect_error cli/stats/unknown-command "unknown command" stats frob
	expect_error cli/session/unknown-command "unknown command" session frob
}

# as_nobody COMMAND...: COMMAND with cli() running stampede as user nobody,
# from a copy it can reach (the build tree may be under a directory nobody
# cannot enter).  Meant for a subshell: it changes cli()'s settings.
as_nobody() {
	STAMPEDE=$T/bin/stampede
	CLI_RUNNER=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	"$@"
}

# Not root: one clear error line, non-zero exit, for every kind of command.
test_not_root() {
	local why args
	if ! command -v setpriv >/dev/null; then
		fail cli/not-root "setpriv (util-linux) is missing"
		return
	fi
	mkdir -p "$T/bin" && cp "$STAMPEDE" "$T/bin/stampede" && chmod 755 "$T" "$T/bin" "$T/bin/stampede"
	while read -r name args; do
		# shellcheck disable=SC2086 # args is a word list
		why=$(as_nobody error_problem "permission|root" $args)
		if [ -z "$why" ]; then
			pass "cli/not-root/$name"
		else
			fail "cli/not-root/$name" "as nobody: stampede $args: $why"
		fi
	done <<-EOF
		show reflector show
		attach reflector attach dev $NODEV
		netns -n $NS stats show
	EOF
}

# ---- as root, in a namespace of our own --------------------------------------

# with_caps CAPS COMMAND...: COMMAND with cli() running stampede as root in
# $NS (nsenter: -n itself needs CAP_SYS_ADMIN) with only the capabilities
# CAPS ("+bpf,+net_admin").  Meant for a subshell.
with_caps() {
	local caps=$1
	shift
	CLI_RUNNER=(nsenter "--net=/run/netns/$NS" setpriv "--inh-caps=-all,$caps"
		"--ambient-caps=-all,$caps" "--bounding-set=-all,$caps")
	"$@"
}

# An attach that fails leaves the interface as it was; the capabilities
# README names are enough, each command's error names what it lacks.
test_capabilities() {
	local dir why
	dir=$(ns_pin_dir "$NS")
	why=$(with_caps +bpf,+net_admin,+perfmon error_problem "CAP_SYS_ADMIN missing" \
		reflector attach dev "$IF0" mode generic)
	check cli/caps/attach-without-sys-admin "$why" test -z "$why"
	if has_xdp "$NS" "$IF0" || [ -e "$dir/$IF0" ]; then
		fail cli/caps/failed-attach-leaves-nothing "left behind: $(find "$dir" 2>/dev/null | tr '\n' ' ') $(oneline "$(ip -n "$NS" link show dev "$IF0")")"
		ip -n "$NS" link set dev "$IF0" xdp off 2>/dev/null
		rm -rf "${dir:?}/$IF0"
	else
		pass cli/caps/failed-attach-leaves-nothing
	fi
	(with_caps +net_admin,+sys_admin expect_ok cli/caps/attach reflector attach dev "$IF0" mode generic)
	(with_caps +net_admin,+sys_admin expect_ok cli/caps/set reflector set dev "$IF0" allow 198.18.0.0/15)
	why=$(with_caps +bpf,+net_admin,+perfmon error_problem "reflector set .*CAP_SYS_ADMIN missing" \
		reflector set dev "$IF0" allow none)
	check cli/caps/set-without-sys-admin "$why" test -z "$why"
	(with_caps +sys_admin expect_text cli/caps/show "$IF0" reflector show)
	(with_caps +bpf expect_text cli/caps/stats "reflected" stats show dev "$IF0")
	(with_caps +bpf expect_ok cli/caps/stats-reset stats reset dev "$IF0")
	why=$(with_caps +bpf error_problem "reflector show .*needs CAP_SYS_ADMIN" reflector show)
	check cli/caps/show-without-sys-admin "$why" test -z "$why"
	(with_caps +bpf,+net_admin expect_ok cli/caps/detach reflector detach dev "$IF0")
	check cli/caps/detached "XDP still on $IF0" no_xdp "$NS" "$IF0"
}

# mode auto on a veth whose peer has no XDP program: generic, said in one
# line; native there warns of the peer's missing program and of its tx
# checksum offload (on by default), and not once both are fixed.
test_veth_peer() {
	expect_json cli/veth/auto-generic '.mode == "generic"' -n "$NS" -j reflector attach dev "$IF0"
	check cli/veth/auto-generic-note "no note: $(oneline "$(cli_err)")" \
		grep -q "note: dev $IF0 is a veth whose peer $IF1 has no XDP program.*generic mode" "$T/err"
	expect_ok cli/veth/detach-generic -n "$NS" reflector detach dev "$IF0"
	expect_ok cli/veth/native -n "$NS" reflector attach dev "$IF0" mode native
	check cli/veth/csum-warning "no checksum warning: $(oneline "$(cli_err)")" \
		grep -q "veth peer $IF1 has tx checksum offload on" "$T/err"
	check cli/veth/no-xdp-warning "no warning of the peer's missing program: $(oneline "$(cli_err)")" \
		grep -q "its peer $IF1 has none" "$T/err"
	expect_ok cli/veth/detach-native -n "$NS" reflector detach dev "$IF0"
	attach_xdp_pass "$NS" "$IF1" && ip netns exec "$NS" ethtool -K "$IF1" tx off >/dev/null
	expect_json cli/veth/auto-native '.mode == "native"' -n "$NS" -j reflector attach dev "$IF0"
	check cli/veth/no-warning "warned: $(oneline "$(cli_err)")" test ! -s "$T/err"
	expect_ok cli/veth/detach -n "$NS" reflector detach dev "$IF0"
	ip -n "$NS" link set dev "$IF1" xdp off
	ip netns exec "$NS" ethtool -K "$IF1" tx on >/dev/null
}

# refresh re-applies the running settings; a replace says what it changed.
test_refresh() {
	expect_ok cli/refresh/attach -n "$NS" reflector attach dev "$IF0" mode generic stateful \
		port 862 port 8620 ttl 64
	expect_text cli/refresh/changed "^changed: stateful -> stateless, ports 862, 8620 -> 862, ttl 64 -> 255" \
		-n "$NS" reflector attach dev "$IF0"
	expect_ok cli/refresh/again -n "$NS" reflector attach dev "$IF0" stateful port 862 port 8620 ttl 64
	ip -n "$NS" addr add 198.18.1.7/24 dev "$IF0"
	expect_json cli/refresh/json '.action == "refreshed" and .stateful == true and .ports == [862, 8620]
		and .ttl == 64 and .mode == "generic" and .local_addrs >= 3 and .sessions_max == 16384' \
		-n "$NS" -j reflector refresh dev "$IF0"
	ip -n "$NS" addr del 198.18.1.7/24 dev "$IF0"
	expect_error cli/refresh/not-attached "no stampede reflector" -n "$NS" reflector refresh dev "$IF1"
	expect_ok cli/refresh/detach -n "$NS" reflector detach dev "$IF0"
}

# A renamed interface (CNI plugins rename) keeps its reflector under its new name.
test_rename() {
	local new=${IF0}n
	expect_ok cli/rename/attach -n "$NS" reflector attach dev "$IF0" mode generic ttl 9
	ip -n "$NS" link set dev "$IF0" down && ip -n "$NS" link set dev "$IF0" name "$new" &&
		ip -n "$NS" link set dev "$new" up
	defer "ip -n '$NS' link set dev '$new' name '$IF0'"
	expect_json cli/rename/show "length == 1 and .[0].ifname == \"$new\"" -n "$NS" -j reflector show
	expect_text cli/rename/stats "reflected" -n "$NS" stats show dev "$new"
	expect_json cli/rename/attach-new-name '.action == "refreshed" and .ttl == 9' \
		-n "$NS" -j reflector refresh dev "$new"
	expect_ok cli/rename/detach -n "$NS" reflector detach dev "$new"
	ip -n "$NS" link set dev "$new" down && ip -n "$NS" link set dev "$new" name "$IF0" &&
		ip -n "$NS" link set dev "$IF0" up
}

# A link detached from outside is told from a vanished interface, and the
# next attach takes the pinned maps up again.
test_detached_outside() {
	local dir id
	dir=$(ns_pin_dir "$NS")
	expect_ok cli/outside/attach -n "$NS" reflector attach dev "$IF0" mode generic stateful
	id=$(bpftool -j link show pinned "$dir/$IF0/link" | jq .id)
	bpftool link detach id "$id"
	expect_json cli/outside/show-json '.state == "detached_from_outside" and .mode == "none"' \
		-n "$NS" -j reflector show dev "$IF0"
	expect_text cli/outside/show-text "detached.from.outside" -n "$NS" reflector show dev "$IF0"
	expect_json cli/outside/attach-again '.action == "reattached" and .stateful == true and .state == "attached"' \
		-n "$NS" -j reflector attach dev "$IF0" mode generic stateful
	check cli/outside/xdp "no XDP on $IF0" has_xdp "$NS" "$IF0"
	expect_ok cli/outside/detach -n "$NS" reflector detach dev "$IF0"
}

setup() {
	ns_new "$NS" && forget_pins "$NS" &&
		ip -n "$NS" link add "$IF0" type veth peer name "$IF1" &&
		ip -n "$NS" link set "$IF0" up && ip -n "$NS" link set "$IF1" up &&
		ip -n "$NS" addr add 198.18.1.1/24 dev "$IF0" &&
		ip -n "$NS" addr add 2001:db8:1::1/64 dev "$IF0" nodad
}

test_nothing_attached() {
	expect_error cli/netns-unknown "no such network namespace" -n "nons$RUN_TAG" reflector show
	expect_error cli/attach/unknown-interface "no such interface '$NODEV'" -n "$NS" reflector attach dev "$NODEV"
	expect_error cli/detach/not-attached "no stampede reflector" -n "$NS" reflector detach dev "$IF0"
	expect_error cli/detach/no-such-interface "^stampede: error: no such interface '$NODEV'\$" \
		-n "$NS" reflector detach dev "$NODEV"
	expect_error cli/stats/no-such-interface "no such interface '$NODEV'" -n "$NS" stats show dev "$NODEV"
	# Without -n, in the host's namespace (a detach of a name it does not
	# have, which can change nothing): the hint names the namespace.
	expect_error cli/detach/other-netns-hint "no such interface '$IF0'.*namespace $NS .*-n $NS" \
		reflector detach dev "$IF0"
	expect_json cli/netns-path '. == []' -n "/run/netns/$NS" -j reflector show
	expect_error cli/stats/not-attached "no stampede reflector" -n "$NS" stats show dev "$IF0"
	expect_error cli/stats/reset-not-attached "no stampede reflector" -n "$NS" stats reset dev "$IF0"
	expect_error cli/session/not-attached "no stampede reflector" -n "$NS" session list dev "$IF0"
	expect_error cli/show/not-attached "no stampede reflector" -n "$NS" reflector show dev "$IF0"
	expect_json cli/show/none-json '. == []' -n "$NS" -j reflector show
	expect_json cli/stats/none-json '. == []' -n "$NS" -j stats show
}

# A foreign XDP program on the device: attach in an XDP mode refuses,
# offering mode tc (which mode auto picks: tests/test_tc.sh), leaves it
# alone and leaves no pins behind.
test_foreign_xdp() {
	local dir
	dir=$(ns_pin_dir "$NS")
	if ! attach_xdp_pass "$NS" "$IF1" >"$T/xdp.log" 2>&1; then
		fail cli/attach/foreign-xdp "could not attach the test's own XDP program: $(oneline "$(cat "$T/xdp.log")")"
		return
	fi
	expect_error cli/attach/foreign-xdp "already has an XDP program.*'mode tc'" \
		-n "$NS" reflector attach dev "$IF1" mode native
	if [ "$(xdp_prog_name "$NS" "$IF1")" = xdp_pass ]; then
		pass cli/attach/foreign-xdp-stays
	else
		fail cli/attach/foreign-xdp-stays "the other program is gone: $(oneline "$(ip -n "$NS" link show dev "$IF1")")"
	fi
	check cli/attach/foreign-xdp-no-pins "pins left behind: $(find "$dir" 2>/dev/null | tr '\n' ' ')" \
		test ! -e "$dir/$IF1"
	ip -n "$NS" link set dev "$IF1" xdp off
}

# lo has no native XDP: mode native fails after the maps were pinned, and
# must take the pins back; mode auto falls back to generic.
test_native_refused() {
	local dir
	dir=$(ns_pin_dir "$NS")
	expect_error cli/attach/native-refused "native" -n "$NS" reflector attach dev lo mode native
	if [ -e "$dir/lo" ] || has_xdp "$NS" lo; then
		fail cli/attach/native-refused-no-pins "left behind: $(find "$dir" 2>/dev/null | tr '\n' ' ') $(oneline "$(ip -n "$NS" link show dev lo)")"
	else
		pass cli/attach/native-refused-no-pins
	fi
	expect_json cli/attach/auto-generic '.mode == "generic"' -n "$NS" -j reflector attach dev lo
	expect_ok cli/detach/lo -n "$NS" reflector detach dev lo
}

# Names of the counters of one class, as a JSON array.
# shellcheck disable=SC2317 # called through check
counter_names() {
	counters | awk -v c="$1" '$2 == c { print $1 }' | jq -R . | jq -s -c .
}

# stats_shape_ok FILE: the members a stats object has: the four totals as
# integers, a reasons object with every PASS and DROP counter, passed and
# dropped their sums, and every EVENT counter somewhere.
# shellcheck disable=SC2317 # called through check
stats_shape_ok() {
	jq -e --argjson pass "$(counter_names PASS)" --argjson drop "$(counter_names DROP)" \
		--argjson event "$(counter_names EVENT)" '
		def int: type == "number" and . == floor and . >= 0;
		. as $s
		| (.received | int) and (.reflected | int) and (.passed | int) and (.dropped | int)
		and (.reasons | type == "object")
		and all($pass[], $drop[]; . as $n | $s.reasons[$n] | int)
		and .passed == ([$pass[] as $n | .reasons[$n]] | add)
		and .dropped == ([$drop[] as $n | .reasons[$n]] | add)
		and all($event[]; . as $n | ($s[$n] // $s.reasons[$n] // $s.events[$n]) | int)' \
		"$1" >/dev/null 2>&1
}

test_attached() {
	local dir
	dir=$(ns_pin_dir "$NS")
	expect_json cli/attach ".action == \"attached\" and .ifname == \"$IF0\"" \
		-n "$NS" -j reflector attach dev "$IF0" mode native
	has_xdp "$NS" "$IF0" || return
	check cli/attach/pinned "no link pin in $dir/$IF0" test -e "$dir/$IF0/link"

	# Unique prefixes of object and command.
	expect_text cli/prefix "$IF0" -n "$NS" ref sh
	expect_text cli/prefix-stats "reflected" -n "$NS" st sh dev "$IF0"

	expect_json cli/show/json '
		.ifname == "'"$IF0"'" and (.ifindex | type == "number") and (.prog_id | type == "number")
		and (.prog_name == "stampede_xdp" or .prog_name == "stampede_locked") and .mode == "native" and .ports == [862]
		and .auth_ports == [] and .stateful == false and .timestamp == "ntp" and .ttl == 255
		and .loopguard == true and .clock_reads == 1 and .count_other == false
		and .state == "attached" and .sessions_max == 4 and .local_addrs >= 2
		and (.clock_source | type == "string") and (.loaded_at | type == "string")
		and (.clock | (.tai_offset_s | type == "number") and (.synchronized | type == "boolean")
		     and (.error_estimate_s | type == "number"))' -n "$NS" -j reflector show dev "$IF0"
	expect_json cli/show/json-all "type == \"array\" and length == 1 and .[0].ifname == \"$IF0\"" \
		-n "$NS" -j reflector show
	expect_text cli/show/text "$IF0 862 native" -n "$NS" reflector show dev "$IF0"
	test_all_netns
	test_netns_proc_path

	expect_json cli/stats/json-sum '.received == .reflected + .passed + .dropped' \
		-n "$NS" -j stats show dev "$IF0"
	check cli/stats/json "stats show -j: $(oneline "$(cli_out)")" stats_shape_ok "$T/out"
	expect_json cli/stats/json-all "type == \"array\" and length == 1 and .[0].ifname == \"$IF0\"" \
		-n "$NS" -j stats show
	jq '.[0]' "$T/out" >"$T/one.json" 2>/dev/null
	check cli/stats/json-all-shape "stats show -j without dev: $(oneline "$(cli_out)")" \
		stats_shape_ok "$T/one.json"
	cli -n "$NS" -p stats show dev "$IF0"
	if [ "$RC" -eq 0 ] && [ "$(wc -l <"$T/out")" -gt 5 ] && stats_shape_ok "$T/out"; then
		pass cli/stats/pretty
	else
		fail cli/stats/pretty "stats show -p exited $RC: $(oneline "$(cli_out)$(cli_err)")"
	fi
	expect_text cli/stats/text "received reflected passed dropped" -n "$NS" stats show dev "$IF0"
	expect_ok cli/stats/reset -n "$NS" stats reset dev "$IF0"
	# Without dev: every reflector in the namespace, as show does.
	expect_json cli/stats/reset-all "type == \"array\" and length == 1 and .[0].ifname == \"$IF0\"" \
		-n "$NS" -j stats reset
	# A stateless reflector keeps no sessions, and says so.
	expect_json cli/session/list-stateless ".ifname == \"$IF0\" and .stateful == false and .sessions == []" \
		-n "$NS" -j session list dev "$IF0"
	expect_text cli/session/list-stateless-text "^dev $IF0: stateless" -n "$NS" session list dev "$IF0"
	expect_json cli/session/list-all-stateless ".[0].stateful == false and .[0].sessions == []" \
		-n "$NS" -j session list

	# Attach again: a replace, with the new options.
	expect_json cli/replace '.action == "replaced"' -n "$NS" -j reflector attach dev "$IF0" \
		port 862 port 8620 auth-port 8630 stateful timestamp ptp ttl 64 loopguard off clock-reads 2 \
		count-other on
	expect_json cli/replace/options '.ports == [862, 8620] and .auth_ports == [8630] and .stateful == true
			and .timestamp == "ptp" and .ttl == 64 and .loopguard == false and .mode == "native"
			and .clock_reads == 2 and .count_other == true' \
		-n "$NS" -j reflector show dev "$IF0"
	expect_json cli/session/list-stateful '.stateful == true and .sessions == [] and .sessions_max == 16384' \
		-n "$NS" -j session list dev "$IF0"
	expect_text cli/session/list-stateful-text "^dev $IF0: stateful, 0 sessions" \
		-n "$NS" session list dev "$IF0"
	expect_error cli/replace/other-mode "mode" -n "$NS" reflector attach dev "$IF0" mode generic
	expect_error cli/replace/resize-sessions "sessions" -n "$NS" reflector attach dev "$IF0" stateful sessions 1000
	expect_json cli/replace/failed-keeps '.mode == "native" and .ports == [862, 8620] and .stateful == true' \
		-n "$NS" -j reflector show dev "$IF0"

	# Detach, twice.
	expect_ok cli/detach -n "$NS" reflector detach dev "$IF0"
	check cli/detach/no-xdp "XDP still on $IF0" no_xdp "$NS" "$IF0"
	check cli/detach/no-pins "pins left: $(find "$dir" 2>/dev/null | tr '\n' ' ')" test ! -e "$dir"
	expect_error cli/detach/again "no stampede reflector" -n "$NS" reflector detach dev "$IF0"

	# Generic mode, and a sessions size of our own.
	expect_json cli/attach/generic '.mode == "generic" and .sessions_max == 1024' \
		-n "$NS" -j reflector attach dev "$IF0" mode generic stateful sessions 1000
	check cli/attach/generic-no-veth-warning "generic mode warned: $(oneline "$(cli_err)")" \
		test -z "$(grep "is a veth" "$T/err")"
	expect_ok cli/detach/generic -n "$NS" reflector detach dev "$IF0"
	check cli/detach/generic-no-pins "pins left: $(find "$dir" 2>/dev/null | tr '\n' ' ')" test ! -e "$dir"
}

# A key file, written mode 0600 as root unless told otherwise: key_file NAME MODE LINE...
key_file() {
	local f=$T/$1 mode=$2
	shift 2
	printf '%s\n' "$@" >"$f" && chmod "$mode" "$f" && chown 0:0 "$f"
	echo "$f"
}

# auth-key FILE: checked (mode, owner, every line), turned into states in
# the auth_keys map, shown only as a count and a fingerprint, replaced on a
# re-attach, kept by refresh and by a re-attach without auth-key.
test_auth_keys() {
	local good other secret=5e5e5e5e0123456789abcdef01234567 f dir
	dir=$(ns_pin_dir "$NS")
	good=$(key_file keys 600 "# the default key" "hex:$secret" \
		"port 8630 ssid 7 text:only-for-ssid-7   # a comment")
	other=$(key_file keys2 400 "port 8630 hex:00112233445566778899aabbccddeeff" \
		"port 8631 hex:ffeeddccbbaa99887766554433221100")

	f=$(key_file defaultonly 600 "hex:$secret")
	expect_error cli/auth-key/no-auth-port "auth-key $f: a default key \\(a line without port\\) needs an auth-port" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-key "$f"
	f=$(key_file loose 644 "hex:$secret")
	expect_error cli/auth-key/mode "auth-key $f: mode 0644; a key file must be mode 0600 or stricter" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file notroot 600 "hex:$secret") && chown 65534 "$f"
	expect_error cli/auth-key/owner "auth-key $f: owned by uid 65534" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	expect_error cli/auth-key/missing "auth-key $T/none: No such file" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$T/none"
	f=$(key_file badhex 600 "" "hex:$secret" "port 8630 hex:12345")
	expect_error cli/auth-key/odd-hex "auth-key $f:3: expected an even number of hex digits" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file notours 600 "port 999 hex:$secret")
	expect_error cli/auth-key/not-our-port "auth-key $f:1: not a port of this reflector: port '999'" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file twodefaults 600 "hex:$secret" "text:another")
	expect_error cli/auth-key/two-defaults "auth-key $f:2: a second default key" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file dup 600 "port 8630 ssid 1 hex:$secret" "port 8630 ssid 1 text:x")
	expect_error cli/auth-key/duplicate "auth-key $f:2: a second key for this port and ssid" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file nokey 600 "port 8630" "# nothing")
	expect_error cli/auth-key/no-key-word "auth-key $f:1: expected \\[port PORT \\[ssid SSID\\]\\] KEY\$" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file plain 600 "port 8630 0011223344")
	expect_error cli/auth-key/not-a-key "auth-key $f:1: expected a key as hex:HEXDIGITS or text:WORD\$" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file empty 600 "# nothing here")
	expect_error cli/auth-key/empty "auth-key $f: no key in it" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	f=$(key_file badssid 600 "port 8630 ssid 70000 hex:$secret")
	expect_error cli/auth-key/bad-ssid "auth-key $f:1: bad ssid" \
		-n "$NS" reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$f"
	check cli/auth-key/errors-attach-nothing "something attached after a bad key file" no_xdp "$NS" "$IF0"

	expect_json cli/auth-key/attach '.action == "attached" and .auth_keys.count == 2
		and (.auth_keys.fingerprint | test("^[0-9a-f]{8}$"))' \
		-n "$NS" -j reflector attach dev "$IF0" mode generic auth-port 8630 auth-key "$good"
	local fp
	fp=$(jq_val .auth_keys.fingerprint "$T/out")
	expect_text cli/auth-key/show-text "auth keys set: 2, fingerprint $fp" -n "$NS" reflector show dev "$IF0"
	check cli/auth-key/show-no-secret "show printed the key" test -z "$(grep -i "$secret\|only-for" "$T/out")"
	# The map holds the states and a fingerprint: neither the key's octets nor its text.
	bpftool -j map dump pinned "$dir/$IF0/auth_keys" >"$T/dump" 2>&1
	jq -r '.[] | .value | map(ltrimstr("0x")) | join("")' "$T/dump" >"$T/values" 2>&1
	check cli/auth-key/map-entries "auth_keys map: $(oneline "$(head -c 300 "$T/dump")")" \
		[ "$(grep -c . "$T/values")" = 3 ]
	check cli/auth-key/map-no-key "the key is in the map" test -z "$(grep -i "${secret:0:12}" "$T/values")"
	expect_json cli/auth-key/refresh-keeps ".action == \"refreshed\" and .auth_keys.fingerprint == \"$fp\"" \
		-n "$NS" -j reflector refresh dev "$IF0"
	expect_json cli/auth-key/reattach-keeps ".auth_keys.count == 2 and .auth_keys.fingerprint == \"$fp\"" \
		-n "$NS" -j reflector attach dev "$IF0" auth-port 8630 stateful
	expect_json cli/auth-key/replace ".auth_keys.count == 2 and .auth_keys.fingerprint != \"$fp\"" \
		-n "$NS" -j reflector attach dev "$IF0" auth-port 8630 auth-port 8631 auth-key "$other"
	# The same keys written otherwise give the same fingerprint.
	local fp2
	fp2=$(jq_val .auth_keys.fingerprint "$T/out")
	f=$(key_file reordered 600 "port 8631 hex:FFEEDDCCBBAA99887766554433221100 # upper case" \
		"port 8630 hex:00112233445566778899aabbccddeeff")
	expect_json cli/auth-key/same-keys-same-fingerprint ".auth_keys.fingerprint == \"$fp2\"" \
		-n "$NS" -j reflector attach dev "$IF0" auth-port 8630 auth-port 8631 auth-key "$f"
	expect_json cli/auth-key/port-gone-prunes '.auth_keys.count == 1' \
		-n "$NS" -j reflector attach dev "$IF0" auth-port 8631
	# An unauthenticated port's key (HMAC TLVs), named: no auth-port needed.
	f=$(key_file plainport 600 "port 862 hex:$secret")
	expect_json cli/auth-key/unauth-port-key '.auth_keys.count == 1' \
		-n "$NS" -j reflector attach dev "$IF0" auth-key "$f"
	expect_json cli/auth-key/unauth-port-key-kept '.auth_keys.count == 1' \
		-n "$NS" -j reflector attach dev "$IF0" auth-port 8631
	expect_json cli/auth-key/none '.auth_keys.count == 0 and .auth_keys.fingerprint == null' \
		-n "$NS" -j reflector attach dev "$IF0" auth-port 8631 auth-key none
	expect_text cli/auth-key/none-text "auth keys: none" -n "$NS" reflector show dev "$IF0"
	expect_ok cli/auth-key/detach -n "$NS" reflector detach dev "$IF0"
}

# -a from the host's namespace: every namespace's reflectors, each with
# its namespace (other reflectors may run on this machine: only ours is
# looked for).
test_all_netns() {
	local ours=".ifname == \"$IF0\" and .netns == \"$NS\""
	expect_json cli/all-netns/show-json "any(.[]; $ours and .mode == \"native\")" -j -a reflector show
	expect_text cli/all-netns/show-text "^netns $NS:\$ ^dev $IF0 " -a reflector show
	expect_json cli/all-netns/stats-json "any(.[]; $ours and (.received | type == \"number\"))" \
		-j -a stats show
	expect_json cli/all-netns/session-json "any(.[]; $ours and .stateful == false)" -j -a session list
	test_all_netns_unreadable
}

# -a with a reflector it cannot read (its stats map laid out by another
# stampede version, as during an upgrade): that one is reported in its
# place, the others are still listed, and the exit status says so.
test_all_netns_unreadable() {
	local ns3=stp${RUN_TAG}f ours=".ifname == \"$IF0\" and .netns == \"$NS\"" pin size
	ns_new "$ns3" && veth_new "$ns3" "${IF0}f" "$ns3" "${IF0}e" || {
		fail cli/all-netns/unreadable/setup "cannot make namespace $ns3"
		return
	}
	defer "rm -rf '$(ns_pin_dir "$ns3")'"
	expect_ok cli/all-netns/unreadable/attach -n "$ns3" reflector attach dev "${IF0}f" mode generic
	pin="$(ns_pin_dir "$ns3")/${IF0}f/stats"
	size=$(bpftool -j map show pinned "$pin" | jq -r .bytes_value)
	if ! rm "$pin" || ! bpftool map create "$pin" type percpu_array key 4 value $((size + 8)) \
		entries 1 name stats; then
		fail cli/all-netns/unreadable/setup "cannot pin a stats map of another layout"
		return
	fi
	cli -j -a stats show
	check cli/all-netns/unreadable/status "exit status $RC, want 1" test "$RC" -eq 1
	check cli/all-netns/unreadable/others-listed "ours is not listed: $(oneline "$(cli_out)")" \
		jq_ok "any(.[]; $ours and (.received | type == \"number\"))" "$T/out"
	check cli/all-netns/unreadable/listed-as-error "the unreadable one is not listed with its error: $(oneline "$(cli_out)")" \
		jq_ok "any(.[]; .ifname == \"${IF0}f\" and .netns == \"$ns3\" and (.error | test(\"another version\")))" "$T/out"
	check cli/all-netns/unreadable/said "no error line naming $ns3: $(oneline "$(cli_err)")" \
		grep -q "^stampede: error: netns $ns3: .*another version" "$T/err"
	cli -a stats show
	check cli/all-netns/unreadable/text "text: $(oneline "$(cli_out)")" \
		grep -q "^dev ${IF0}f: cannot be read: .*another version" "$T/out"
	cli -n "$ns3" reflector detach dev "${IF0}f"
	ip netns del "$ns3"
}

# -n takes a container's /proc/PID/ns/net: a process of our namespace's.
test_netns_proc_path() {
	local pid
	ip netns exec "$NS" sleep 60 &
	pid=$!
	defer "kill $pid"
	# ip netns exec becomes sleep once it has entered the namespace.
	for _ in $(seq 50); do
		[ "$(stat -L -c %i "/proc/$pid/ns/net" 2>/dev/null)" = "$(stat -L -c %i "/run/netns/$NS")" ] && break
		sleep 0.1
	done
	expect_json cli/netns-proc-path ".ifname == \"$IF0\"" -n "/proc/$pid/ns/net" -j reflector show dev "$IF0"
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# stats_tlvs_ok FILE: a stats object's per-TLV rows (all 13, "other" first)
# and its Access Report counts.
# shellcheck disable=SC2317 # called through check
stats_tlvs_ok() {
	jq -e '
		def int: type == "number" and . == floor and . >= 0;
		(.tlvs | type == "array" and length == 13)
		and ([.tlvs[].type] == [range(13)])
		and .tlvs[0].name == "other" and .tlvs[1].name == "padding"
		and .tlvs[12].name == "reflected-control"
		and all(.tlvs[]; (.seen | int) and (.answered | int) and (.unrecognized | int)
			and (.malformed | int))
		and (.access_reports | type == "array")
		and all(.access_reports[]; (.access_id | int) and (.return_code | int) and (.count | int))' \
		"$1" >/dev/null 2>&1
}

# The TLV options: what attach was given, reflector show reads back from
# the running program; a replace without them brings the defaults back.
test_tlv_options() {
	ip -n "$NS" link set dev "$IF0" mtu 1400
	expect_json cli/tlv/attach '.action == "attached"' -n "$NS" -j reflector attach dev "$IF0" \
		mode generic cos-remark off micro-session 4242 sync-source gnss reflected-control on \
		reply-max 1000 amplify 4 return-prefix 198.18.0.0/15 return-prefix 2001:db8::/32 \
		return-prefix 192.0.2.1
	expect_json cli/tlv/show-json '
		.cos_remark == false and .micro_session_id == 4242 and .sync_source == "gnss"
		and .clock.sync_source == "gnss" and .reflected_control == true and .mtu == 1400
		and .reply_max == 1000 and .amplify == 4
		and .return_prefixes == ["198.18.0.0/15", "2001:db8::/32", "192.0.2.1/32"]' \
		-n "$NS" -j reflector show dev "$IF0"
	expect_text cli/tlv/show-text "micro-session 4242 gnss 198.18.0.0/15 2001:db8::/32" \
		-n "$NS" reflector show dev "$IF0"
	cli -n "$NS" -j stats show dev "$IF0"
	check cli/tlv/stats-json "stats show -j: $(oneline "$(cli_out)")" stats_tlvs_ok "$T/out"
	# Replaced without the options: the defaults (reply-max the MTU less 28).
	expect_json cli/tlv/defaults '
		.action == "replaced" and .cos_remark == true and .micro_session_id == null
		and (.sync_source == "ntp" or .sync_source == "free-running")
		and .reflected_control == false and .mtu == 1400 and .reply_max == 1372
		and .amplify == 1 and .return_prefixes == []' \
		-n "$NS" -j reflector attach dev "$IF0"
	expect_json cli/tlv/sync-source-ptp '.sync_source == "ptp"' \
		-n "$NS" -j reflector attach dev "$IF0" sync-source ptp
	expect_ok cli/tlv/detach -n "$NS" reflector detach dev "$IF0"
	ip -n "$NS" link set dev "$IF0" mtu 1500
}

# allow, rate-limit, rate-limit-all: at attach, shown, changed by set
# without a detach (what changed printed), kept by refresh, gone with a
# plain attach; a bad value changes nothing.
test_source_policy() {
	expect_ok cli/policy/attach -n "$NS" reflector attach dev "$IF0" mode generic stateful \
		allow 2001:db8::/32 allow 198.18.0.0/15 rate-limit 100,10
	expect_json cli/policy/show-json '.allow == ["198.18.0.0/15", "2001:db8::/32"]
		and .rate_limit == {pps: 100, burst: 10} and .rate_limit_all == null' \
		-n "$NS" -j reflector show dev "$IF0"
	expect_text cli/policy/show-text "allow.198.18.0.0/15,.2001:db8::/32 100/s.burst.10" \
		-n "$NS" reflector show dev "$IF0"
	expect_text cli/policy/set "^changed: allow 198.18.0.0/15, 2001:db8::/32 -> 192.0.2.0/24, rate-limit-all none -> 1000/s burst 1000$" \
		-n "$NS" reflector set dev "$IF0" allow 192.0.2.0/24 rate-limit-all 1000
	expect_json cli/policy/set-kept '.stateful == true and .mode == "generic"
		and .allow == ["192.0.2.0/24"] and .rate_limit == {pps: 100, burst: 10}
		and .rate_limit_all == {pps: 1000, burst: 1000}' -n "$NS" -j reflector show dev "$IF0"
	expect_error cli/policy/set-bad "bad allow '192.0.2.1/24'" -n "$NS" reflector set dev "$IF0" allow 192.0.2.1/24
	expect_json cli/policy/refresh-keeps '.action == "refreshed" and .allow == ["192.0.2.0/24"]
		and .rate_limit.pps == 100 and .rate_limit_all.pps == 1000' \
		-n "$NS" -j reflector refresh dev "$IF0"
	expect_json cli/policy/set-none '.action == "set" and .allow == [] and .rate_limit == null
		and (.changed | test("allow 192.0.2.0/24 -> none"))' \
		-n "$NS" -j reflector set dev "$IF0" allow none rate-limit none
	expect_json cli/policy/attach-clears '.action == "replaced" and .allow == []
		and .rate_limit_all == null' -n "$NS" -j reflector attach dev "$IF0" stateful
	expect_error cli/policy/set-not-attached "no stampede reflector" -n "$NS" reflector set dev "$IF1" allow none
	expect_ok cli/policy/detach -n "$NS" reflector detach dev "$IF0"
}

# A namespace deleted with a reflector still attached (a Kubernetes pod
# going away) leaves pins nobody can reach; the next attach or detach
# anywhere removes them, since their link no longer holds a device.
test_defunct_pruned() {
	local ns2=stp${RUN_TAG}g dir2
	ns_new "$ns2" && veth_new "$ns2" "${IF0}g" "$ns2" "${IF0}h" || {
		fail cli/prune/setup "cannot make namespace $ns2"
		return
	}
	dir2=$(ns_pin_dir "$ns2")
	defer "rm -rf '$dir2'"
	expect_ok cli/prune/attach -n "$ns2" reflector attach dev "${IF0}g"
	check cli/prune/pinned "no pins in $dir2" test -e "$dir2/${IF0}g/link"
	# A pin this version does not know by name (as a newer one may leave):
	# pruned with the rest.
	check cli/prune/foreign-pin "cannot pin a map under another name" \
		bpftool map pin pinned "$dir2/${IF0}g/stats" "$dir2/${IF0}g/pinned_by_a_newer_version"
	ip netns del "$ns2"
	# The kernel dismantles a deleted namespace in the background: attach
	# (or replace) until the link has let go, for at most 10 s.
	for _ in $(seq 20); do
		cli -n "$NS" reflector attach dev "$IF0"
		[ "$RC" -ne 0 ] || [ ! -e "$dir2" ] && break
		sleep 0.5
	done
	check cli/prune/attach-elsewhere "attach exited $RC: $(oneline "$(cli_err)")" test "$RC" -eq 0
	check cli/prune/removed "pins of the deleted namespace remain: $(find "$dir2" 2>/dev/null | tr '\n' ' ')" \
		test ! -e "$dir2"
	if grep -q "interface is gone" "$T/err"; then
		pass cli/prune/said-so
	else
		fail cli/prune/said-so "no note on stderr: $(oneline "$(cli_err)")"
	fi
	expect_ok cli/prune/detach -n "$NS" reflector detach dev "$IF0"
}

# Attaches racing each other are serialized: one attaches, the others
# replace, and one complete reflector is left.
test_parallel_attach() {
	local i attached=0 replaced=0 dir
	dir=$(ns_pin_dir "$NS")
	for i in 1 2 3 4; do
		"$STAMPEDE" -n "$NS" -j reflector attach dev "$IF0" >"$T/par$i.json" 2>"$T/par$i.err" &
	done
	wait
	for i in 1 2 3 4; do
		case $(jq -r .action "$T/par$i.json" 2>/dev/null) in
		attached) attached=$((attached + 1)) ;;
		replaced) replaced=$((replaced + 1)) ;;
		esac
	done
	if [ "$attached" = 1 ] && [ "$replaced" = 3 ]; then
		pass cli/attach/parallel
	else
		fail cli/attach/parallel "$attached attached and $replaced replaced of 4: $(oneline "$(cat "$T"/par*.err)")"
	fi
	check cli/attach/parallel-one-link "pins: $(find "$dir" 2>/dev/null | tr '\n' ' ')" \
		test -e "$dir/$IF0/link"
	expect_ok cli/attach/parallel-detach -n "$NS" reflector detach dev "$IF0"
}

# Pinned maps carry BTF: bpftool shows the counters by name.
test_bpftool_btf() {
	local dir
	dir=$(ns_pin_dir "$NS")
	expect_ok cli/btf/attach -n "$NS" reflector attach dev "$IF0"
	if bpftool -j map dump pinned "$dir/$IF0/stats" >"$T/dump.json" 2>&1 &&
		jq -e '.[0].formatted.values[0].value | has("reflected") and has("not_stamp") and has("runt")' \
			"$T/dump.json" >/dev/null 2>&1; then
		pass cli/btf/stats-named
	else
		fail cli/btf/stats-named "bpftool map dump: $(oneline "$(head -c 300 "$T/dump.json")")"
	fi
	if bpftool -j map dump pinned "$dir/$IF0/clock" >"$T/dump.json" 2>&1 &&
		jq -e '.[0].formatted.value | has("tai_offset_ns") and has("error_estimate")' "$T/dump.json" \
			>/dev/null 2>&1; then
		pass cli/btf/clock-named
	else
		fail cli/btf/clock-named "bpftool map dump: $(oneline "$(head -c 300 "$T/dump.json")")"
	fi
	expect_ok cli/btf/detach -n "$NS" reflector detach dev "$IF0"
}

main() {
	local why
	why=$(build_missing "$STAMPEDE")
	if [ -z "$why" ] && ! command -v jq >/dev/null; then why="needs jq (make test-deps)"; fi
	if [ -n "$why" ]; then
		fail cli "$why"
		finish
	fi
	test_help
	test_version
	test_syntax_errors
	why=$(root_missing)
	if [ -n "$why" ]; then
		skip cli/attached "$why"
		finish
	fi
	if ! setup >"$T/setup.log" 2>&1; then
		fail cli/setup "$(oneline "$(cat "$T/setup.log")")"
		finish
	fi
	test_not_root
	test_nothing_attached
	test_foreign_xdp
	test_native_refused
	test_attached
	test_tlv_options
	test_auth_keys
	test_capabilities
	test_veth_peer
	test_refresh
	test_source_policy
	test_rename
	test_detached_outside
	test_defunct_pruned
	test_parallel_attach
	test_bpftool_btf
	finish
}

main
