#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What a fleet installs: the man pages (rendered without warnings, naming
# every object, command and option the built stampede has), the bash
# completion (sourced, asked as bash asks it), the systemd unit (verified),
# and the Debian package: built, linted, installed into this system, run
# from /usr/sbin, purged, and nothing of it left (also when a check fails:
# the package is purged at exit).  Installed, the agent is started as its
# unit says (systemctl when systemd runs this system, else the unit's
# ExecStart run by hand, in a test network namespace either way), answers
# probes on a test veth, and ends on SIGTERM before the purge.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

cd "$TOP" || exit 1
MAN8=$BUILD/man/stampede.8
MAN5=$BUILD/man/stampede.conf.5
UNIT=deploy/systemd/stampede.service
UNIT_PATH=/lib/systemd/system/stampede.service

missing=$(build_missing "$STAMPEDE")
if [ -n "$missing" ]; then
	skip packaging "$missing"
	finish
fi

# The help's "stampede OBJECT COMMAND" pairs: what the binary dispatches.
"$STAMPEDE" help >"$T/help" 2>&1
sed -n 's/^\(Usage: \|       \)stampede \([a-z]*\) \([a-z]*\).*/\2 \3/p' "$T/help" |
	grep -v '^help ' | sort -u >"$T/pairs"
objects=$(sed -n 's/^OBJECT := {\(.*\)}/\1/p' "$T/help" | tr -d '|')
options=$(sed -n '/^OPTIONS := {/,/}/p' "$T/help" | grep -o -- '--[a-z-]*')

# ---- man pages --------------------------------------------------------------

# man_clean NAME PAGE: man renders PAGE without a warning; the text in $T/NAME.txt.
man_clean() {
	local name=$1 page=$2
	if ! command -v man >/dev/null 2>&1; then
		skip "man/$name/render" "no man (package man-db; make test installs it)"
		return 1
	fi
	if ! MANWIDTH=80 man --warnings -E UTF-8 -l "$page" >"$T/$name.txt" 2>"$T/$name.err" ||
		[ -s "$T/$name.err" ]; then
		fail "man/$name/render" "man --warnings -l $page: $(oneline "$(cat "$T/$name.err")")"
		return 1
	fi
	pass "man/$name/render"
}

test_man() {
	local obj cmd o missing=""
	check man/stampede.8/current "$MAN8 is not what $STAMPEDE help --man prints (make man)" \
		cmp -s "$MAN8" <("$STAMPEDE" help --man)
	if man_clean stampede.8 "$MAN8"; then
		[ "$(wc -l <"$T/pairs")" -ge 10 ] ||
			fail man/stampede.8/commands "read only $(wc -l <"$T/pairs") commands from stampede help"
		while read -r obj cmd; do
			grep -q "stampede $obj $cmd" "$T/stampede.8.txt" || missing="$missing $obj/$cmd"
		done <"$T/pairs"
		for obj in $objects; do
			grep -q "^   $obj\$" "$T/stampede.8.txt" || missing="$missing section:$obj"
		done
		for o in $options; do
			grep -q -- "$o" "$T/stampede.8.txt" || missing="$missing $o"
		done
		check man/stampede.8/complete "not in the man page:$missing" test -z "$missing"
	fi
	if man_clean stampede.conf.5 "$MAN5"; then
		# Every key and section of the default configuration is described.
		missing=""
		while read -r o; do
			grep -qF -- "$o" "$T/stampede.conf.5.txt" || missing="$missing $o"
		done < <(sed -n 's/^#\?\([a-z-]*\) =.*/\1/p; s/^\(\[[a-z]*\]\)$/\1/p' deploy/stampede.conf)
		check man/stampede.conf.5/keys "deploy/stampede.conf's words not in stampede.conf(5):$missing" \
			test -z "$missing"
	fi
}

# ---- bash completion --------------------------------------------------------

# flat WORDS: words one to a line, as one line.
flat() { tr -s '\n' ' ' <<<"$1"; }

# complete WORD...: what the completion offers for the last WORD (maybe
# ""), one per line, as bash would call it for "stampede WORD...".
complete() {
	bash --norc --noprofile -c '
		. tools/completion/stampede || exit 1
		COMP_WORDS=(stampede "$@")
		COMP_CWORD=$#
		COMP_LINE="stampede $*"
		COMP_POINT=${#COMP_LINE}
		_stampede stampede "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
		printf "%s\n" "${COMPREPLY[@]}"' completion "$@" 2>&1 | LC_ALL=C sort
}

# expect_completion NAME "WANT..." WORD...: exactly WANT is offered.
expect_completion() {
	local name=$1 want got
	want=$(tr ' ' '\n' <<<"$2" | sed '/^$/d' | LC_ALL=C sort)
	shift 2
	got=$(complete "$@")
	if [ "$got" = "$want" ]; then
		pass "$name"
	else
		fail "$name" "stampede $* <TAB> offered '$(flat "$got")', want '$(flat "$want")'"
	fi
}

# offers NAME "WORDS" WORD...: every one of WORDS is among the offers.
offers() {
	local name=$1 words=$2 w got missing=""
	shift 2
	got=$(complete "$@")
	for w in $words; do
		grep -qxF -- "$w" <<<"$got" || missing="$missing $w"
	done
	check "$name" "stampede $* <TAB> does not offer:$missing (offers: $(flat "$got"))" test -z "$missing"
}

test_completion() {
	local ns=stp${RUN_TAG}k obj cmds keywords
	expect_completion completion/object-prefix reflector ref
	expect_completion completion/command-prefix attach reflector at
	expect_completion completion/stateful "stateful stateless" reflector attach dev lo st
	expect_completion completion/stateful-once "" reflector attach dev lo stateless st
	expect_completion completion/mode "native generic auto tc" reflector attach dev lo mode ""
	offers completion/dev lo reflector attach dev ""
	offers completion/options "--json --netns -n" -
	if [ -z "$(root_missing)" ]; then
		ns_new "$ns"
		offers completion/netns "$ns" -n ""
	else
		skip completion/netns "$(root_missing)"
	fi
	# Nothing the binary has is missing from the completion.
	offers completion/objects "$objects" ""
	for obj in $objects; do
		cmds=$(sed -n "s/^$obj //p" "$T/pairs")
		[ -n "$cmds" ] && offers "completion/$obj" "$cmds" "$obj" ""
	done
	# attach's keywords, as its synopsis (up to the first blank line) names
	# them: "[port", "|stateless]", "dev".
	"$STAMPEDE" reflector attach help 2>&1 | sed '/^$/q' >"$T/attach"
	keywords=$(grep -o -e '\[[a-z-]*' -e '|[a-z-]*\]' "$T/attach" | tr -d '[]|' | sort -u)
	[ "$(wc -w <<<"$keywords")" -ge 15 ] ||
		fail completion/attach-synopsis "read only '$(flat "$keywords")' from reflector attach help"
	offers completion/attach-keywords "$keywords" reflector attach ""
	# probe's, as its first synopsis names them: "[port", "| hmac-key".
	"$STAMPEDE" probe help 2>&1 | sed '/^$/q' >"$T/probe"
	keywords=$(grep -o -e '\[[a-z][a-z-]*' -e '| [a-z][a-z-]*' "$T/probe" | tr -d '[| ' | sort -u)
	[ "$(wc -w <<<"$keywords")" -ge 17 ] ||
		fail completion/probe-synopsis "read only '$(flat "$keywords")' from probe help"
	offers completion/probe-keywords "$keywords" probe 198.18.0.1 ""
}

# ---- the systemd unit -------------------------------------------------------

test_unit() {
	check unit/capabilities "$UNIT does not bound the capabilities to CAP_BPF CAP_NET_ADMIN CAP_PERFMON CAP_SYS_ADMIN" \
		grep -qx 'CapabilityBoundingSet=CAP_BPF CAP_NET_ADMIN CAP_PERFMON CAP_SYS_ADMIN' "$UNIT"
	check unit/exec "$UNIT does not run stampede agent with /etc/stampede/stampede.conf" \
		grep -qx 'ExecStart=/usr/sbin/stampede agent config /etc/stampede/stampede.conf' "$UNIT"
}

# unit_verify: systemd-analyze verify of the installed unit (it checks that
# ExecStart's program and the Documentation= pages exist, so only after
# the package is installed).
unit_verify() {
	if ! command -v systemd-analyze >/dev/null 2>&1; then
		skip unit/verify "no systemd-analyze (package systemd; make test installs it)"
		return
	fi
	if systemd-analyze verify "$UNIT_PATH" >"$T/verify" 2>&1 && ! [ -s "$T/verify" ]; then
		pass unit/verify
	else
		fail unit/verify "systemd-analyze verify $UNIT_PATH: $(oneline "$(cat "$T/verify")")"
	fi
}

# ---- the Debian package -----------------------------------------------------

# version_matches DEBVER UPSTREAM: the package's version names the same
# release and commit as stampede -V, and one built before the first
# release tag (UPSTREAM X.Y.Z-gHASH) sorts before the release X.Y.Z.
# shellcheck disable=SC2317 # called through check
version_matches() {
	local debver=$1 upstream=$2 release hash
	release=${upstream%%-*}
	hash=$(grep -o 'g[0-9a-f]\{4,\}' <<<"$upstream")
	case $debver in "$release"*-1) ;; *) return 1 ;; esac
	[ -z "$hash" ] || [[ $debver == *"$hash"* ]] || return 1
	case $upstream in
	*-g*) [[ $upstream == *-*-g* ]] ||
		dpkg --compare-versions "$debver" lt "$release" || return 1 ;;
	esac
	dpkg --compare-versions "$debver" gt "0" # a valid version at all
}

# ---- the installed agent, started from its unit ------------------------------

NS_R=stk${RUN_TAG}r
NS_S=stk${RUN_TAG}s
IF_R=stk${RUN_TAG}r0
IF_S=stk${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2

# The agent's pid, when it runs by hand.
AGENT_PID=""

# agent_running: the agent logged that it runs, or it ended (poll target).
# shellcheck disable=SC2317 # called through wait_until
agent_ready() { grep -q '^agent: running' "$T/unit-agent.log"; }
# shellcheck disable=SC2317 # called through wait_until
agent_ended() { ! kill -0 "$AGENT_PID" 2>/dev/null; }
# shellcheck disable=SC2317 # called through wait_until
unit_ready() { journalctl -u stampede.service --since "@$1" -o cat 2>/dev/null | grep -q '^agent: running'; }
# shellcheck disable=SC2317 # called through wait_until
unit_inactive() { ! systemctl is-active -q stampede.service; }

# wait_until COMMAND...: COMMAND holds within 20 s (polled every 0.1 s).
wait_until() {
	local i
	for ((i = 0; i < 200; i++)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# The Done-when of the agent's issue: installed by dpkg, started as its
# unit says, it attaches to the configured interface and answers probes.
# The unit runs in the test's reflector namespace: by hand with nsenter
# (only the network namespace changes, the pins go to the host's bpffs as
# under systemd), under systemd with a NetworkNamespacePath= drop-in.
agent_from_unit() {
	local exec started rc dropin=/run/systemd/system/stampede.service.d
	exec=$(sed -n 's/^ExecStart=//p' "$UNIT_PATH")
	if [ -z "$exec" ] || [ "$(grep -c '^ExecStart=' "$UNIT_PATH")" -ne 1 ]; then
		fail unit-agent/exec "want one ExecStart= in $UNIT_PATH: $(oneline "$(grep ExecStart "$UNIT_PATH")")"
		return
	fi
	if ! xdp_pass_obj >/dev/null 2>&1 || ! command -v nsenter >/dev/null; then
		skip unit-agent "needs $BUILD/testing/xdp_pass.bpf.o (make test) and nsenter"
		return
	fi
	if ! testbed_new >"$T/testbed.log" 2>&1; then
		fail unit-agent/setup "$(oneline "$(cat "$T/testbed.log")")"
		return
	fi
	# The package's conffile: dpkg --purge removes it, changed or not.
	cat >/etc/stampede/stampede.conf <<-CONF
		# test_packaging: the reflector side of its testbed
		[reflector]
		interfaces = $IF_R
		on-exit = detach
	CONF
	if [ "$(ps -p 1 -o comm=)" = systemd ]; then
		mkdir -p "$dropin" && defer "rm -rf '$dropin'; systemctl daemon-reload"
		printf '[Service]\nNetworkNamespacePath=/run/netns/%s\n' "$NS_R" >"$dropin/netns.conf"
		systemctl daemon-reload
		started=$(date +%s)
		defer "systemctl stop stampede.service"
		check unit-agent/start "systemctl start stampede: $(oneline "$(systemctl status stampede.service 2>&1 | tail -n 5)")" \
			sh -c 'systemctl start stampede.service'
		wait_until unit_ready "$started"
	else
		note "systemd is not PID 1: running the unit's ExecStart by hand: $exec"
		# shellcheck disable=SC2086 # ExecStart= is split at blanks, as systemd does here
		nsenter --net="/run/netns/$NS_R" $exec >"$T/unit-agent.log" 2>&1 </dev/null &
		AGENT_PID=$!
		defer "kill -KILL $AGENT_PID"
		wait_until agent_ready
	fi
	check unit-agent/attached "the agent did not attach to $IF_R: $(oneline "$(tail -n 5 "$T/unit-agent.log" 2>/dev/null)")" \
		has_xdp "$NS_R" "$IF_R"
	/usr/sbin/stampede -n "$NS_S" -j probe "$R4" count 3 interval 20 timeout 500 >"$T/unit-probe.json" 2>&1
	check unit-agent/answers "want 3 replies from the agent's reflector: $(oneline "$(jq -c 'del(.replies, .histogram)' "$T/unit-probe.json" 2>&1)")" \
		jq_ok '.sent == 3 and .received == 3' "$T/unit-probe.json"
	if [ -n "$AGENT_PID" ]; then
		kill -TERM "$AGENT_PID"
		wait_until agent_ended
		wait "$AGENT_PID"
		rc=$?
		check unit-agent/sigterm "the agent did not end with status 0 on SIGTERM (got $rc): $(oneline "$(tail -n 3 "$T/unit-agent.log")")" \
			sh -c "[ $rc -eq 0 ] && grep -q '^agent: stopped, reflectors detached' '$T/unit-agent.log'"
	else
		systemctl stop stampede.service
		check unit-agent/sigterm "systemctl stop stampede did not end it" wait_until unit_inactive
	fi
	check unit-agent/detached "on-exit detach: $IF_R still has a reflector" no_xdp "$NS_R" "$IF_R"
}

test_deb() {
	local deb debver upstream lib pkg missing="" f d
	if ! deb=$(make -s BUILD="$BUILD" deb 2>"$T/deb.err") || ! [ -s "$deb" ]; then
		fail deb/build "make deb: $(oneline "$(cat "$T/deb.err")")"
		return
	fi
	pass deb/build
	dpkg-deb -f "$deb" >"$T/control"
	dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$T/contents"

	upstream=$("$STAMPEDE" -V | sed -n 's/^stampede //p')
	debver=$(dpkg-deb -f "$deb" Version)
	check deb/version "package version $debver does not carry stampede -V's $upstream" \
		version_matches "$debver" "$upstream"

	# Depends names the package of every library the packaged binary loads.
	dpkg-deb -x "$deb" "$T/x"
	for lib in $(objdump -p "$T/x/usr/sbin/stampede" | awk '$1 == "NEEDED" {print $2}'); do
		pkg=$(dpkg -S "*/$lib" 2>/dev/null | head -n1 | cut -d: -f1)
		grep -q "^Depends:.*\\b${pkg:-none}\\b" "$T/control" || missing="$missing $lib(${pkg:-?})"
	done
	check deb/depends "Depends ($(grep ^Depends: "$T/control")) lacks:$missing" test -z "$missing"
	missing=""
	check deb/conffile "the package does not mark /etc/stampede/stampede.conf a conffile" \
		test "$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)" = /etc/stampede/stampede.conf
	for f in /usr/sbin/stampede /usr/share/man/man8/stampede.8.gz /usr/share/man/man5/stampede.conf.5.gz \
		/usr/share/bash-completion/completions/stampede "$UNIT_PATH" /etc/stampede/stampede.conf \
		/usr/share/doc/stampede/copyright /usr/share/doc/stampede/changelog.Debian.gz; do
		grep -qx "$f" "$T/contents" || missing="$missing $f"
	done
	check deb/contents "not in the package:$missing" test -z "$missing"

	if command -v lintian >/dev/null 2>&1; then
		# Its findings are notes; errors fail.  It warns about running as root.
		lintian --allow-root --tag-display-limit 0 "$deb" >"$T/lintian" 2>&1
		while IFS= read -r f; do note "lintian: $f"; done <"$T/lintian"
		check deb/lintian "lintian errors: $(oneline "$(grep '^E:' "$T/lintian")")" \
			test -z "$(grep '^E:' "$T/lintian")"
	else
		skip deb/lintian "no lintian (make test installs it)"
	fi

	if [ -n "$(root_missing)" ]; then
		skip deb/install "$(root_missing)"
		return
	fi
	# Only a system without stampede installed: the purge below would take
	# an administrator's package with it.
	if dpkg-query -W -f '${Status}' stampede 2>/dev/null | grep -q installed; then
		skip deb/install "a stampede package is installed here already; not replacing it"
		return
	fi
	# The directories the package would create, to see them gone again.
	: >"$T/new-dirs"
	while IFS= read -r f; do
		case $f in */) [ -d "$f" ] || echo "${f%/}" >>"$T/new-dirs" ;; esac
	done <"$T/contents"
	defer "dpkg --purge stampede"
	if ! dpkg -i "$deb" >"$T/dpkg.out" 2>&1; then
		fail deb/install "dpkg -i $deb: $(oneline "$(cat "$T/dpkg.out")")"
		return
	fi
	missing=""
	while IFS= read -r f; do
		case $f in */) ;; *) [ -e "$f" ] || missing="$missing $f" ;; esac
	done <"$T/contents"
	check deb/install "dpkg -i left out:$missing" test -z "$missing"
	/usr/sbin/stampede -V >"$T/installed-version" 2>&1
	check deb/installed-runs "/usr/sbin/stampede -V: $(oneline "$(cat "$T/installed-version")")" \
		grep -qx "stampede $upstream" "$T/installed-version"
	check deb/installed-man "man -w stampede does not find the installed page" \
		sh -c 'man -w stampede 2>/dev/null | grep -q "^/usr/share/man/man8/stampede.8.gz$"'
	unit_verify
	agent_from_unit

	if ! dpkg --purge stampede >"$T/purge.out" 2>&1; then
		fail deb/purge "dpkg --purge stampede: $(oneline "$(cat "$T/purge.out")")"
		return
	fi
	missing=""
	while IFS= read -r f; do
		case $f in */) ;; *) [ -e "$f" ] && missing="$missing $f" ;; esac
	done <"$T/contents"
	while IFS= read -r d; do
		[ -e "$d" ] && missing="$missing $d/"
	done <"$T/new-dirs"
	[ -e /etc/systemd/system/multi-user.target.wants/stampede.service ] &&
		missing="$missing (the unit's enablement)"
	dpkg-query -W stampede >/dev/null 2>&1 && missing="$missing (dpkg still knows stampede)"
	check deb/purge "dpkg --purge left:$missing" test -z "$missing"
}

test_man
test_completion
test_unit
test_deb
finish
