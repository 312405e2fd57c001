# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# shellcheck shell=bash
# Helpers for the shell test suites (test_cli.sh, test_e2e.sh); sourced.
#
# Output protocol (tests/run.sh reads it): one line per test on stdout,
#   PASS name | FAIL name: why | SKIP name: reason
# and anything else on stdout starts with "# ".  A suite exits non-zero
# when a test failed.

# shellcheck source=tools/paths.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/paths.sh"
# shellcheck disable=SC2034 # used by the suites
STAMP_SEND=$BUILD/testing/stamp_send
STAMPEDE_PIN_ROOT=/sys/fs/bpf/stampede

n_failed=0

pass() { echo "PASS $1"; }
fail() {
	echo "FAIL $1: ${2//$'\n'/ | }" # one line, whatever the reason holds
	n_failed=$((n_failed + 1))
}
skip() { echo "SKIP $1: $2"; }
note() { echo "# $*"; }

# check NAME WHY-IF-FALSE COMMAND...: PASS when COMMAND succeeds.
check() {
	local name=$1 why=$2
	shift 2
	if "$@"; then
		pass "$name"
	else
		fail "$name" "$why"
	fi
}

# One line, for FAIL messages: newlines become " | ", and it is cut short.
oneline() {
	local s
	s=$(printf '%s' "$1" | tr '\n' '\037' | sed 's/\x1f/ | /g')
	[ "${#s}" -gt 300 ] && s="${s:0:300}..."
	printf '%s' "${s:-(nothing)}"
}

# ---- cleanup ------------------------------------------------------------
# Cleanup commands run in reverse order on every exit, also on a failure
# and on Ctrl-C, so no namespace, link or pin outlives the suite.

CLEANUPS=()
defer() { CLEANUPS+=("$*"); }

run_cleanups() {
	local i
	trap '' INT TERM # finish the cleanup even when interrupted again
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[i]}" >/dev/null 2>&1 || true
	done
	CLEANUPS=()
	[ -n "${T:-}" ] && rm -rf "$T"
}

# finish: exit with the suite's status (the EXIT trap cleans up).
finish() {
	[ "$n_failed" -eq 0 ]
	exit
}

T=$(mktemp -d "${TMPDIR:-/tmp}/stampede-test.XXXXXX") || exit 1
trap run_cleanups EXIT
trap 'note "interrupted"; exit 130' INT
trap 'note "terminated"; exit 143' TERM

# ---- preconditions --------------------------------------------------------

# Why the privileged tests cannot run here, or nothing when they can.
root_missing() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "needs root (BPF programs, network namespaces); run make test as root"
	elif ! command -v ip >/dev/null 2>&1; then
		echo "needs ip (iproute2)"
	fi
}

# Why the built programs are missing, or nothing.
build_missing() {
	local f
	for f in "$@"; do
		[ -x "$f" ] || {
			echo "$f is not built (run make test)"
			return
		}
	done
}

# ---- running the controller -------------------------------------------------

# cli ARGS...: runs stampede; stdout in $T/out, stderr in $T/err, status in RC.
# CLI_RUNNER is a command to run it under (setpriv, for the permission tests).
CLI_RUNNER=()
cli() {
	"${CLI_RUNNER[@]}" "$STAMPEDE" "$@" >"$T/out" 2>"$T/err" </dev/null
	RC=$?
}

cli_out() { cat "$T/out"; }
cli_err() { cat "$T/err"; }

# Whether the arguments ask for JSON (-j/-p/--json/--pretty before the object).
wants_json() {
	local a
	for a in "$@"; do
		case $a in
		-j | -p | --json | --pretty | -[a-zA-Z]*[jp]*) return 0 ;;
		-*) ;;
		*) return 1 ;;
		esac
	done
	return 1
}

# expect_ok NAME ARGS...: the command succeeds with no error line.
expect_ok() {
	local name=$1
	shift
	cli "$@"
	if [ "$RC" -ne 0 ]; then
		fail "$name" "stampede $* exited $RC: $(oneline "$(cli_err)")"
	elif grep -q 'error' "$T/err"; then
		fail "$name" "stampede $* succeeded but printed: $(oneline "$(cli_err)")"
	else
		pass "$name"
	fi
}

# expect_json NAME FILTER ARGS...: the command succeeds and jq FILTER holds
# on its output.
expect_json() {
	local name=$1 filter=$2
	shift 2
	cli "$@"
	if [ "$RC" -eq 0 ] && jq_ok "$filter" "$T/out"; then
		pass "$name"
	else
		fail "$name" "stampede $* exited $RC, output $(oneline "$(cli_out)"), stderr $(oneline "$(cli_err)")"
	fi
}

# expect_text NAME "WORD..." ARGS...: the command succeeds and prints every
# WORD (a grep pattern) on stdout.
expect_text() {
	local name=$1 words=$2 w
	shift 2
	cli "$@"
	if [ "$RC" -eq 0 ]; then
		for w in $words; do
			if ! grep -q -- "$w" "$T/out"; then
				fail "$name" "stampede $* did not print '$w': $(oneline "$(cli_out)")"
				return
			fi
		done
		pass "$name"
	else
		fail "$name" "stampede $* exited $RC: $(oneline "$(cli_err)")"
	fi
}

# error_problem PATTERN ARGS...: runs the command and says what is wrong with
# its error report, or nothing when it is right: exit status 1 (README), one
# line on stderr starting "stampede: error: " and matching the extended
# regular expression PATTERN (case-insensitive; empty: any), nothing on
# stdout, or with -j exactly one JSON object with an "error" string.
error_problem() {
	local pattern=$1 lines
	shift
	cli "$@"
	lines=$(wc -l <"$T/err")
	if [ "$RC" -eq 0 ]; then
		echo "exited 0; stderr: $(oneline "$(cli_err)")"
	elif [ "$RC" -ne 1 ]; then
		echo "exited $RC, want 1; stderr: $(oneline "$(cli_err)")"
	elif [ "$lines" -ne 1 ]; then
		echo "$lines lines on stderr, want 1: $(oneline "$(cli_err)")"
	elif ! grep -q '^stampede: error: ' "$T/err"; then
		echo "stderr does not start with 'stampede: error: ': $(oneline "$(cli_err)")"
	elif [ -n "$pattern" ] && ! grep -Eqi -- "$pattern" "$T/err"; then
		echo "error does not match /$pattern/: $(oneline "$(cli_err)")"
	elif wants_json "$@"; then
		jq -e 'type == "object" and (.error | type == "string")' "$T/out" >/dev/null 2>&1 ||
			echo "with -j, stdout is not {\"error\": STRING}: $(oneline "$(cli_out)")"
	elif [ -s "$T/out" ]; then
		echo "stdout not empty on error: $(oneline "$(cli_out)")"
	fi
}

# expect_error NAME PATTERN ARGS...: the command fails with one error line.
expect_error() {
	local name=$1 pattern=$2 why
	shift 2
	# In a subshell: RC is lost, $T/out and $T/err stay for the caller.
	why=$(error_problem "$pattern" "$@")
	if [ -n "$why" ]; then
		fail "$name" "stampede $*: $why"
	else
		pass "$name"
	fi
}

# ---- JSON -------------------------------------------------------------------

# jq_ok FILTER FILE: FILTER (with -e) holds on FILE.  An empty FILE holds
# nothing: jq 1.6 -e exits 0 when it reads no value at all.
jq_ok() { [ -s "$2" ] && jq -e "$1" "$2" >/dev/null 2>&1; }

# jq_val FILTER FILE: the raw value, or nothing.
jq_val() { jq -r "$1" "$2" 2>/dev/null; }

# ---- namespaces and interfaces ----------------------------------------------

# Unique per run, so parallel runs do not collide; ifnames stay under 16.
# shellcheck disable=SC2034 # used by the suites
RUN_TAG=$$

# ns_new NAME: a fresh network namespace with lo up, deleted at exit.
ns_new() {
	ip netns add "$1" || return 1
	defer "ip netns del '$1'"
	ip -n "$1" link set lo up
}

# The pin directory stampede uses for a namespace's interfaces
# (pins under /sys/fs/bpf/stampede/netns-INODE/IFNAME, see user/pins.h).
ns_pin_dir() {
	local ino
	ino=$(stat -L -c %i "/run/netns/$1" 2>/dev/null) || return 1
	echo "$STAMPEDE_PIN_ROOT/netns-$ino"
}

# forget_pins NS: at exit, detach what a test may have left in NS and remove
# its pin directory, then the pin root if that is empty.  Call it after
# ns_new: cleanups run in reverse, so this runs before the namespace goes.
forget_pins() {
	local dir
	dir=$(ns_pin_dir "$1") || return 1
	defer "remove_pins '$1' '$dir'"
}

remove_pins() {
	local ns=$1 dir=$2 d
	for d in "$dir"/*/; do
		[ -d "$d" ] && "$STAMPEDE" -n "$ns" reflector detach dev "$(basename "$d")"
	done
	rm -rf "$dir"
	rmdir "$STAMPEDE_PIN_ROOT" 2>/dev/null
	return 0
}

# veth_new NS_A IF_A NS_B IF_B: a veth pair between two namespaces, both up.
veth_new() {
	ip -n "$1" link add "$2" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# testbed_new [no-xdp]: the two-namespace testbed of the network suites.  $NS_R and
# $NS_S (both removed at exit, pins in NS_R forgotten) joined by $IF_R <->
# $IF_S with $R4/24 and $S4/24, and $R6/64 and $S6/64 when R6 is set.  The
# sender's veth writes full UDP checksums itself (over a veth the stack
# would leave them to the "hardware", and the reflector would see only the
# pseudo-header sum); an XDP program on it receives the reflector's XDP_TX
# replies unless the caller passes "no-xdp".
# shellcheck disable=SC2120 # the argument is optional
testbed_new() {
	ns_new "$NS_R" && forget_pins "$NS_R" && ns_new "$NS_S" &&
		veth_new "$NS_R" "$IF_R" "$NS_S" "$IF_S" || return 1
	ip -n "$NS_R" addr add "$R4/24" dev "$IF_R" &&
		ip -n "$NS_S" addr add "$S4/24" dev "$IF_S" || return 1
	if [ -n "${R6:-}" ]; then
		ip -n "$NS_R" addr add "$R6/64" dev "$IF_R" nodad &&
			ip -n "$NS_S" addr add "$S6/64" dev "$IF_S" nodad || return 1
	fi
	ip netns exec "$NS_S" ethtool -K "$IF_S" tx off >/dev/null || return 1
	[ "${1:-}" = no-xdp ] || attach_xdp_pass "$NS_S" "$IF_S"
}

# stop_process PID: SIGINT (the tools print their counters on it), up to
# 5 s for it to end, then SIGKILL; reaps it.  Safe when it has ended.
stop_process() {
	local i
	kill -INT "$1" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.05
	done
	kill -KILL "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# The MAC address of IFNAME in NS.
if_mac() { ip -n "$1" -o link show dev "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# Whether IFNAME in NS has an XDP program attached (any mode).
has_xdp() { ip -n "$1" link show dev "$2" | grep -q 'prog/xdp'; }
no_xdp() { ! has_xdp "$@"; }

# The reflector's program names: stampede_locked on kernels before 5.12
# (bpf/stampede.bpf.c says why there are two).
is_reflector_prog() { [ "$1" = stampede_xdp ] || [ "$1" = stampede_locked ]; }

# Name of the XDP program attached to IFNAME in NS.
xdp_prog_name() { ip -n "$1" link show dev "$2" | sed -n 's/.*prog\/xdp[a-z]* id [0-9]* name \([^ ]*\).*/\1/p'; }

# xdp_pass_obj: path of a trivial XDP program that passes every frame
# (testing/xdp_pass.bpf.c, built by make test and make bench).  The tests attach it to the
# *sender's* veth: a frame that the reflector sends back with XDP_TX
# reaches the peer veth only when an XDP program runs there.
xdp_pass_obj() {
	local obj=$BUILD/testing/xdp_pass.bpf.o
	if [ ! -s "$obj" ]; then
		echo "$obj is not built (run make test)" >&2
		return 1
	fi
	echo "$obj"
}

# attach_xdp_pass NS IFNAME: attach the trivial program in native mode.
attach_xdp_pass() {
	local obj
	obj=$(xdp_pass_obj) || return 1
	ip -n "$1" link set dev "$2" xdpdrv obj "$obj" sec xdp
}
