#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The live part of the benchmark: reflection over a veth pair between two
# network namespaces, measured side by side in one run.
#
#   BUILD=build bash bench/live.sh OUT.json
#
# Throughput: bench/live generates IPv4 STAMP requests with
# BPF_F_TEST_XDP_LIVE_FRAMES on the sender's veth and counts the replies
# with an XDP sink there, for three reflectors behind the peer veth:
#   floor          bench/floor.bpf.o (parse, swap, XDP_TX: the cheapest reflection)
#   xdp_stateless  stampede reflector attach ... mode native
#   userspace      testing/stamp_reflect (recvmmsg/sendmmsg)
#   xdp_auth       the stampede reflector in authenticated mode (RFC 8762
#                  4.2.2): attach ... auth-port 863 auth-key FILE, 112-octet
#                  requests signed with the key (bench/live --auth-hex)
#   userspace_auth stamp_reflect -p 863 --auth-hex KEY (OpenSSL's HMAC)
# interleaved over LIVE_REPS repetitions, so drift hits all alike; medians
# with min and max.  Latency: `stampede -j probe` at a low rate through the
# XDP reflector and through stamp_reflect, in alternating rounds.
#
# Writes one JSON object to OUT.json and a readable table on stderr.
# Knobs (environment): LIVE_REPS (5), LIVE_COUNT frames per run (2000000),
# LIVE_BATCH (64), LIVE_CPU generator CPU (0), LIVE_USER_CPU CPU of
# stamp_reflect (another CPU than the generator's when there is one),
# LIVE_PROBES (2000 per reflector), LIVE_INTERVAL_MS (2), LIVE_LAT_ROUNDS
# (4: the probes of each reflector in that many alternating rounds),
# LIVE_AUTH_COUNT frames per run of the authenticated cases (500000: each
# reply costs two HMACs, so fewer frames give runs of about the same length),
# LIVE_CASES (all five).
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

OUT=${1:-}
if [ -z "$OUT" ] || [ $# -ne 1 ]; then
	echo "usage: BUILD=DIR bash bench/live.sh OUT.json" >&2
	exit 2
fi

REPS=${LIVE_REPS:-5}
COUNT=${LIVE_COUNT:-2000000}
BATCH=${LIVE_BATCH:-64}
GEN_CPU=${LIVE_CPU:-0}
PROBES=${LIVE_PROBES:-2000}
INTERVAL_MS=${LIVE_INTERVAL_MS:-2}
LAT_ROUNDS=${LIVE_LAT_ROUNDS:-4}
AUTH_COUNT=${LIVE_AUTH_COUNT:-500000}
CASES=${LIVE_CASES:-floor xdp_stateless userspace xdp_auth userspace_auth}

LIVE=$BUILD/bench/live
GEN_OBJ=$BUILD/bench/live_gen.bpf.o
GEN_AUTH_OBJ=$BUILD/bench/live_gen_auth.bpf.o
SINK_OBJ=$BUILD/bench/live_sink.bpf.o
FLOOR_OBJ=$BUILD/bench/floor.bpf.o
REFLECT=$BUILD/testing/stamp_reflect

NS_R=lv${RUN_TAG}r # the reflector's namespace
NS_S=lv${RUN_TAG}s # the sender's (generator, sink, probe)
IF_R=lv${RUN_TAG}r0
IF_S=lv${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2
# Authenticated mode: the port and a benchmark-only key (not a secret).
AUTH_PORT=863
AUTH_KEY=5374616d70656465206c6976652062656e6368206b6579

# Every run is bounded: the generator by its count, the wait for replies by
# live's --max-wait-ms, and each command by a timeout on top.
LIVE_TIMEOUT=180
PROBE_TIMEOUT=$((${LIVE_PROBES:-2000} * ${LIVE_INTERVAL_MS:-2} / 1000 + 60))

say() { echo "live: $*" >&2; }
die() {
	echo "live: error: $*" >&2
	exit 1
}

# ---- preconditions ---------------------------------------------------------

why=$(root_missing)
[ -z "$why" ] || die "$why"
command -v jq >/dev/null || die "needs jq (make test-deps installs it)"
command -v taskset >/dev/null || die "needs taskset (util-linux)"
# in_range NAME VALUE MIN MAX: VALUE (of the variable NAME) is a number in MIN..MAX.
in_range() {
	case $2 in
	'' | *[!0-9]* | 0?*) die "$1 must be a number, got '$2'" ;;
	esac
	if [ "${#2}" -gt 10 ] || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		die "$1 must be in $3..$4, got $2"
	fi
}
in_range LIVE_REPS "$REPS" 1 100
in_range LIVE_COUNT "$COUNT" 1 100000000
in_range LIVE_AUTH_COUNT "$AUTH_COUNT" 1 100000000
in_range LIVE_BATCH "$BATCH" 1 256
in_range LIVE_CPU "$GEN_CPU" 0 4095
in_range LIVE_PROBES "$PROBES" 1 100000
in_range LIVE_INTERVAL_MS "$INTERVAL_MS" 1 1000
in_range LIVE_LAT_ROUNDS "$LAT_ROUNDS" 1 100
# Each reflector gets PROBES probes in all, split over the rounds.
ROUND_PROBES=$(((PROBES + LAT_ROUNDS - 1) / LAT_ROUNDS))
for c in $CASES; do
	case $c in
	floor) need_floor=1 ;;
	xdp_auth | userspace_auth) need_auth=1 ;;
	xdp_stateless | userspace) ;;
	*) die "LIVE_CASES: unknown case '$c' (floor, xdp_stateless, userspace, xdp_auth, userspace_auth)" ;;
	esac
done
why=$(build_missing "$STAMPEDE" "$LIVE" "$REFLECT")
[ -z "$why" ] || die "$why"
for f in "$GEN_OBJ" "$SINK_OBJ" ${need_floor:+"$FLOOR_OBJ"} ${need_auth:+"$GEN_AUTH_OBJ"}; do
	[ -s "$f" ] || die "$f is not built (make BUILD=$BUILD $f)"
done

NCPUS=$(nproc)
[ "$GEN_CPU" -lt "$NCPUS" ] || die "LIVE_CPU=$GEN_CPU, but there are $NCPUS CPUs"
# stamp_reflect gets a CPU of its own when there is one, as a userspace
# reflector would in production.
USER_CPU=${LIVE_USER_CPU:-$(((GEN_CPU + 1) % NCPUS))}
in_range LIVE_USER_CPU "$USER_CPU" 0 4095
[ "$USER_CPU" -lt "$NCPUS" ] || die "LIVE_USER_CPU=$USER_CPU, but there are $NCPUS CPUs"

# ---- the testbed --------------------------------------------------------------

setup() {
	# The sink, not a pass program, receives on the sender's veth.
	testbed_new no-xdp || return 1
	# The probe needs the reflector's MAC without ARP delays in its first RTTs.
	ip -n "$NS_S" neigh replace "$R4" lladdr "$(if_mac "$NS_R" "$IF_R")" dev "$IF_S" nud permanent &&
		ip -n "$NS_R" neigh replace "$S4" lladdr "$(if_mac "$NS_S" "$IF_S")" dev "$IF_R" nud permanent
}

xdp_off() { ip -n "$1" link set dev "$2" xdpdrv off 2>/dev/null; }

# ---- the reflectors -----------------------------------------------------------

REFLECT_PID=

# start_userspace [ARGS...]: stamp_reflect in NS_R on USER_CPU, with an
# XDP_PASS program on its veth (veth hands XDP_TX frames of the peer only to
# an interface that runs XDP); ARGS go to stamp_reflect.
start_userspace() {
	local i
	attach_xdp_pass "$NS_R" "$IF_R" || return 1
	rm -f "$T/ready" "$T/reflect.json"
	ip netns exec "$NS_R" taskset -c "$USER_CPU" "$REFLECT" -4 -a "$R4" \
		--ready-file "$T/ready" "$@" >"$T/reflect.json" 2>"$T/reflect.err" &
	REFLECT_PID=$!
	for ((i = 0; i < 100; i++)); do
		[ -s "$T/ready" ] && return 0
		kill -0 "$REFLECT_PID" 2>/dev/null || break
		sleep 0.05
	done
	say "stamp_reflect did not start: $(cat "$T/reflect.err")"
	return 1
}

# stop_userspace: SIGINT (it prints its counters), a bounded wait, then
# SIGKILL; safe to call when it is not running (the cleanup does).
stop_userspace() {
	[ -n "$REFLECT_PID" ] || return 0
	stop_process "$REFLECT_PID"
	REFLECT_PID=
}

# case_up NAME: put the reflector of a case in place on a bare interface.
case_up() {
	case $1 in
	floor) ip -n "$NS_R" link set dev "$IF_R" xdpdrv obj "$FLOOR_OBJ" sec xdp ;;
	xdp_stateless)
		"$STAMPEDE" -n "$NS_R" reflector attach dev "$IF_R" mode native >/dev/null &&
			"$STAMPEDE" -n "$NS_R" stats reset dev "$IF_R" >/dev/null
		;;
	userspace) start_userspace ;;
	xdp_auth)
		"$STAMPEDE" -n "$NS_R" reflector attach dev "$IF_R" mode native \
			auth-port "$AUTH_PORT" auth-key "$T/auth.keys" >/dev/null &&
			"$STAMPEDE" -n "$NS_R" stats reset dev "$IF_R" >/dev/null
		;;
	userspace_auth) start_userspace -p "$AUTH_PORT" --auth-hex "$AUTH_KEY" ;;
	esac
}

# case_down NAME: remove it again; what the reflector itself counted goes
# to $T/refl.json (an object, empty for floor, which counts nothing).
case_down() {
	echo '{}' >"$T/refl.json"
	case $1 in
	floor) xdp_off "$NS_R" "$IF_R" ;;
	xdp_stateless | xdp_auth)
		"$STAMPEDE" -n "$NS_R" -j stats show dev "$IF_R" 2>/dev/null |
			jq -c '{received, reflected, passed, dropped, auth_failed: .reasons.auth_failed}' >"$T/refl.tmp" 2>/dev/null &&
			mv "$T/refl.tmp" "$T/refl.json"
		"$STAMPEDE" -n "$NS_R" reflector detach dev "$IF_R" >/dev/null
		;;
	userspace | userspace_auth)
		stop_userspace
		jq -e 'type == "object"' "$T/reflect.json" >/dev/null 2>&1 &&
			cp "$T/reflect.json" "$T/refl.json"
		xdp_off "$NS_R" "$IF_R"
		;;
	esac
}

# UDP receive-buffer drops in NS_R: where a userspace reflector loses.
rcvbuf_errors() {
	# shellcheck disable=SC2016 # awk's $6, not the shell's
	ip netns exec "$NS_R" awk '/^Udp:/ { if (h) { print $6; exit } h = 1 }' /proc/net/snmp
}

# others_snapshot FILE: "pid ticks" of every process that is not part of
# this benchmark (CPU time so far, user + system, in clock ticks), so that
# others_delta can tell which runs shared the machine with someone else's
# load.  A process that starts and ends between two snapshots is missed; a
# competing benchmark is not.
others_snapshot() {
	# shellcheck disable=SC2016 # awk's fields
	cat /proc/[0-9]*/stat 2>/dev/null | awk '
		{ i = index($0, " ("); j = match($0, /\) [A-Z] /)
		  if (!i || !j) next
		  comm = substr($0, i + 2, j - i - 2)
		  split(substr($0, j + 2), f, " ")
		  if (comm ~ /^(live|stamp_reflect|stampede|timeout|ip|jq|bash|taskset|awk|cat|sleep)$/) next
		  print $1, f[12] + f[13] }' >"$1"
}

# others_delta BEFORE AFTER: ticks used in between (new processes count whole).
others_delta() {
	awk 'NR == FNR { t[$1] = $2; next } { d += ($1 in t) ? $2 - t[$1] : $2 } END { print d + 0 }' "$1" "$2"
}
CLK_TCK=$(getconf CLK_TCK)

# ---- throughput ---------------------------------------------------------------------

# run_case NAME REP: one measurement, appended to $T/runs.jsonl.  timeout
# --foreground keeps live in our process group, so Ctrl-C reaches it.
run_case() {
	local name=$1 rep=$2 rb0 rb1 rc gen=$GEN_OBJ count=$COUNT auth=()
	case $name in
	*_auth)
		gen=$GEN_AUTH_OBJ count=$AUTH_COUNT
		auth=(--dport "$AUTH_PORT" --auth-hex "$AUTH_KEY")
		;;
	esac
	if ! case_up "$name"; then
		case_down "$name"
		die "cannot set up case $name"
	fi
	rb0=$(rcvbuf_errors)
	others_snapshot "$T/others0"
	ip netns exec "$NS_S" timeout --foreground "$LIVE_TIMEOUT" "$LIVE" --dev "$IF_S" \
		--src-mac "$(if_mac "$NS_S" "$IF_S")" --dst-mac "$(if_mac "$NS_R" "$IF_R")" \
		--src "$S4" --dst "$R4" --gen "$gen" --sink "$SINK_OBJ" --cpu "$GEN_CPU" \
		--count "$count" --batch "$BATCH" "${auth[@]}" >"$T/run.json" 2>"$T/run.err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		case_down "$name"
		[ "$rc" -eq 124 ] && die "live ($name, repetition $rep) took longer than ${LIVE_TIMEOUT}s"
		[ "$rc" -gt 128 ] && die "interrupted"
		die "live ($name, repetition $rep) failed: $(cat "$T/run.err")"
	fi
	others_snapshot "$T/others1"
	rb1=$(rcvbuf_errors)
	case_down "$name"
	jq -c --arg name "$name" --argjson rep "$rep" --slurpfile refl "$T/refl.json" \
		--argjson rb "$((rb1 - rb0))" --argjson ot "$(others_delta "$T/others0" "$T/others1")" --argjson hz "$CLK_TCK" \
		'{case: $name, rep: $rep} + . + {reflector: $refl[0],
		  others_cpu_percent: (($ot / $hz) / (.elapsed_ns / 1e9 + 0.4) * 100 | . * 10 | round / 10)}
		 + (if $name | startswith("userspace") then {udp_rcvbuf_errors: $rb} else {} end)' \
		"$T/run.json" >>"$T/runs.jsonl" || die "live printed no JSON: $(cat "$T/run.json")"
	say "$(printf '%-14s rep %d: %10.0f pps reflected, %d of %d lost; others used %s%% of a CPU' \
		"$name" "$rep" "$(jq .reflected_pps "$T/run.json")" "$(jq .lost "$T/run.json")" "$count" \
		"$(tail -n 1 "$T/runs.jsonl" | jq .others_cpu_percent)")"
}

# ---- latency ------------------------------------------------------------------------

# probe_round NAME ROUND: one round of probes through one reflector into
# $T/probe-NAME-ROUND.json; false if the probe failed.  The probe runs on
# the generator's CPU, so both reflectors are measured from the same place.
probe_round() {
	local name=$1 round=$2 out=$T/probe-$1-$2.json rc=0
	taskset -c "$GEN_CPU" timeout --foreground "$PROBE_TIMEOUT" "$STAMPEDE" -n "$NS_S" -j \
		probe "$R4" count "$ROUND_PROBES" interval "$INTERVAL_MS" >"$out" 2>"$T/probe.err" \
		</dev/null || rc=$?
	jq -e '.rtt_us.median | type == "number"' "$out" >/dev/null 2>&1 && return 0
	jq -nc --arg e "probe through $name failed (exit $rc): $(head -c 300 "$T/probe.err")" \
		'{error: $e}' >"$T/lat-$name.json"
	return 1
}

# pool_rounds NAME: the rounds' replies through one reflector, summed up
# into $T/lat-NAME.json.  rtt_us is STAMP's round trip, (T4 - T1) -
# (T3 - T2): the reflector's residence time is left out by definition;
# round_trip_us (T4 - T1) keeps it, so it is reported too.
pool_rounds() {
	local name=$1
	jq -s -c 'def pct($p): sort as $a | ($a | length) as $n
			| if $n == 0 then null else $a[([(($p * $n / 100) | ceil) - 1, 0] | max)] end;
		[.[].replies[]? | select(.duplicate | not)] as $r
		| [$r[].rtt_us] as $rtt | [$r[] | (.t4_ns - .t1_ns) / 1000] as $rt
		| [$r[].residence_us] as $res
		| {median_us: ($rtt | pct(50)), p99_us: ($rtt | pct(99)), min_us: ($rtt | min),
		   max_us: ($rtt | max), sent: (map(.sent) | add), received: (map(.received) | add),
		   lost: (map(.lost) | add), rounds: length, residence_median_us: ($res | pct(50)),
		   round_trip_us: {median: ($rt | pct(50)), p99: ($rt | pct(99))}}' \
		"$T"/probe-"$name"-*.json >"$T/lat-$name.json"
}

# latency: both reflectors in LAT_ROUNDS alternating rounds (A B B A ...),
# so that the machine's drift during the run falls on both alike; the
# result in $T/latency.json.
latency() {
	local round name order
	if ! "$STAMPEDE" probe help >/dev/null 2>&1; then
		say "latency: this stampede has no probe command; skipped"
		jq -nc '{error: "stampede has no probe command (not built in yet)"}' >"$T/latency.json"
		return
	fi
	# The probe's replies come back by XDP_TX from the XDP reflector: the
	# sender's veth needs an XDP program for them (the sink is gone).
	attach_xdp_pass "$NS_S" "$IF_S" || die "cannot attach XDP_PASS on $IF_S"
	for round in $(seq "$LAT_ROUNDS"); do
		order="xdp_stateless userspace"
		[ $((round % 2)) = 0 ] && order="userspace xdp_stateless"
		for name in $order; do
			[ -e "$T/lat-$name.json" ] && continue # failed in an earlier round
			case_up "$name" || die "cannot start $name for the latency run"
			probe_round "$name" "$round"
			case_down "$name"
		done
	done
	xdp_off "$NS_S" "$IF_S"
	for name in xdp_stateless userspace; do
		[ -e "$T/lat-$name.json" ] || pool_rounds "$name"
	done
	jq -nc --slurpfile x "$T/lat-xdp_stateless.json" --slurpfile u "$T/lat-userspace.json" '
		$x[0] as $x | $u[0] as $u
		| def ratio(a; b): if (a | type) == "number" and (b | type) == "number" and b > 0
			then a / b else null end;
		{xdp_stateless: $x, userspace: $u,
		 ratio_median: ratio($x.median_us; $u.median_us),
		 ratio_round_trip_median: ratio($x.round_trip_us.median?; $u.round_trip_us.median?)}' >"$T/latency.json"
}

# ---- report -------------------------------------------------------------------------

assemble() {
	local lat=$1
	jq -s --argjson lat "$lat" --argjson count "$COUNT" --argjson batch "$BATCH" \
		--argjson auth_count "$AUTH_COUNT" --argjson auth_port "$AUTH_PORT" \
		--argjson cpu "$GEN_CPU" --argjson ucpu "$USER_CPU" --argjson reps "$REPS" \
		--argjson ncpus "$NCPUS" --arg load0 "$LOAD0" --arg load1 "$(cut -d' ' -f1-3 /proc/loadavg)" \
		--arg kernel "$(uname -r)" --arg cases "$CASES" --argjson probes "$PROBES" \
		--argjson interval "$INTERVAL_MS" --argjson steal "$STEAL_PCT" '
	def spread: sort as $a | ($a | length) as $n
		| {median: (if $n % 2 == 1 then $a[($n - 1) / 2] else ($a[$n / 2 - 1] + $a[$n / 2]) / 2 end),
		   min: $a[0], max: $a[-1]};
	def med($c): [.[] | select(.name == $c)][0].reflected_pps.median;
	def ratio(a; b): if (a | type) == "number" and (b | type) == "number" and b > 0 then a / b else null end;
	. as $runs
	| [($cases | split(" ") | map(select(. != "")))[] as $c
	   | [$runs[] | select(.case == $c)] as $r
	   | {name: $c,
	      reflected_pps: ($r | map(.reflected_pps) | spread),
	      ns_per_reply: ($r | map(if .reflected_pps > 0 then 1e9 / .reflected_pps else null end)
	                     | map(select(. != null)) | if length > 0 then spread.median else null end),
	      lost: ($r | map(.lost) | spread),
	      loss_percent: ($r | map(.loss_percent) | spread),
	      others_cpu_percent: ($r | map(.others_cpu_percent) | spread),
	      runs: ($r | map(del(.case)))}] as $cases
	| {live: {
	     generator: {frame: "Ethernet + IPv4 + UDP to port 862 + 44-octet STAMP request (86 octets), one Sequence Number per frame",
	                 auth_frame: "xdp_auth, userspace_auth: Ethernet + IPv4 + UDP to port \($auth_port) + 112-octet authenticated STAMP request (RFC 8762 4.2.2, 154 octets), HMAC-SHA-256 signed once, the same frame (Sequence Number 0) every time",
	                 auth_count: $auth_count,
	                 mode: "BPF_PROG_TEST_RUN, BPF_F_TEST_XDP_LIVE_FRAMES, XDP_TX from the sender veth",
	                 count: $count, batch: $batch, cpu: $cpu, repetitions: $reps,
	                 order: "interleaved: one run of each case per repetition"},
	     host: {cpus: $ncpus, kernel: $kernel, loadavg_before: $load0, loadavg_after: $load1,
	           steal_percent_during_throughput: $steal},
	     cases: $cases,
	     ratios: {xdp_stateless_to_floor: ratio($cases | med("xdp_stateless"); $cases | med("floor")),
	              xdp_stateless_to_userspace: ratio($cases | med("xdp_stateless"); $cases | med("userspace")),
	              xdp_auth_to_userspace_auth: ratio($cases | med("xdp_auth"); $cases | med("userspace_auth"))},
	     notes: [
	       "reflected_pps = replies / elapsed; elapsed runs from the start of the generator to its end or the last reply, whichever is later; lost = sent - replies",
	       "the XDP reflectors run in the softirq of the generator CPU (\($cpu)): veth processes XDP_TX frames on the CPU that sent them, so generator, reflector and sink share that CPU; ns_per_reply (1e9 / median pps) includes the generator and the sink, whose cost is the same in every case, so differences of ns_per_reply are differences of the reflectors",
	       "userspace: stamp_reflect pinned to CPU \($ucpu); its veth runs an XDP_PASS program, because veth delivers the XDP_TX frames of its peer only to an interface with XDP; its replies go through the stack and veth to the sink",
	       "the sink (live_sink.bpf.o, native XDP on the sender veth) counts and drops every UDP datagram from port 862 (\($auth_port) in the authenticated cases)",
	       "xdp_auth: stampede reflector attach ... mode native auth-port \($auth_port) auth-key FILE (stateless); userspace_auth: stamp_reflect -p \($auth_port) --auth-hex KEY, same key; both verify the request HMAC and sign the reply (a request that does not verify is not answered, so not counted by the sink)",
	       "others_cpu_percent (per run): CPU time of processes outside this benchmark during the run (with its warm-up and settling, about 0.4 s more), in percent of one CPU: high values mark runs that shared the machine"]},
	   latency: ($lat + {probes: $probes, interval_ms: $interval,
	             method: "stampede -j probe from the sender namespace, pinned to CPU \($cpu); XDP_PASS on the sender veth for the replies; median_us/p99_us are rtt_us, STAMP round trip without the reflector residence time (T3 - T2); round_trip_us is T4 - T1 with it"})}
	| .targets = {
	     xdp_stateless_to_floor: {want: ">= 0.7", value: .live.ratios.xdp_stateless_to_floor,
	        met: (if .live.ratios.xdp_stateless_to_floor == null then null else .live.ratios.xdp_stateless_to_floor >= 0.7 end)},
	     xdp_stateless_to_userspace: {want: ">= 10", value: .live.ratios.xdp_stateless_to_userspace,
	        met: (if .live.ratios.xdp_stateless_to_userspace == null then null else .live.ratios.xdp_stateless_to_userspace >= 10 end)},
	     xdp_auth_to_userspace_auth: {want: ">= 10", value: .live.ratios.xdp_auth_to_userspace_auth,
	        met: (if .live.ratios.xdp_auth_to_userspace_auth == null then null else .live.ratios.xdp_auth_to_userspace_auth >= 10 end)},
	     rtt_median_xdp_to_userspace: {want: "<= 0.5", value: .latency.ratio_median,
	        met: (if .latency.ratio_median == null then null else .latency.ratio_median <= 0.5 end)}}
	' "$T/runs.jsonl"
}

table() {
	local f=$1
	jq -r '"live throughput: \(.live.generator.count) frames (authenticated: \(.live.generator.auth_count)) x \(.live.generator.repetitions) repetitions, generator on CPU \(.live.generator.cpu)"' "$f"
	jq -r '(["case", "reflected pps: median", "min", "max", "lost: median", "loss %: median", "others CPU %: max"] | @tsv),
	(.live.cases[] | [.name, (.reflected_pps.median | round), (.reflected_pps.min | round),
	  (.reflected_pps.max | round), .lost.median, (.loss_percent.median * 100 | round / 100),
	  .others_cpu_percent.max] | @tsv)' \
		"$f" | column -t -s $'\t'
	jq -r '
	def n: if type == "number" then (. * 100 | round / 100 | tostring) else "-" end;
	"ratios: xdp_stateless/floor \(.live.ratios.xdp_stateless_to_floor | n), xdp_stateless/userspace \(.live.ratios.xdp_stateless_to_userspace | n), xdp_auth/userspace_auth \(.live.ratios.xdp_auth_to_userspace_auth | n)",
	"latency (\(.latency.probes) probes, \(.latency.interval_ms) ms apart):",
	(if .latency.error then "  \(.latency.error)" else
	  (.latency | to_entries[] | select(.value | type == "object")
	   | "  \(.key): " + (if .value.error then .value.error
	      else "rtt median \(.value.median_us | n) us, p99 \(.value.p99_us | n) us; T4-T1 median \(.value.round_trip_us.median | n) us, p99 \(.value.round_trip_us.p99 | n) us; received \(.value.received) of \(.value.sent)" end)),
	  "  ratio of medians xdp/userspace: rtt \(.latency.ratio_median | n), T4-T1 \(.latency.ratio_round_trip_median | n)" end),
	(.targets | to_entries[] | "target \(.key) \(.value.want): \(.value.value | n) \(if .value.met == null then "(not measured)" elif .value.met then "met" else "MISSED" end)")
	' "$f"
}

# cpu_ticks: "total steal" jiffies of all CPUs (/proc/stat), to tell how
# much of the run the hypervisor took away.
cpu_ticks() {
	# shellcheck disable=SC2016 # awk's fields
	awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t, $9; exit }' /proc/stat
}

# ---- main ---------------------------------------------------------------------------

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
setup || die "cannot build the testbed"
# The XDP reflector's key file: root's, mode 0600 (README, "Authenticated mode").
(umask 077 && echo "hex:$AUTH_KEY" >"$T/auth.keys") || die "cannot write the key file"
defer stop_userspace
say "testbed $NS_S/$IF_S -> $NS_R/$IF_R; generator on CPU $GEN_CPU, stamp_reflect on CPU $USER_CPU"
: >"$T/runs.jsonl"
read -r TICKS0 STEAL0 < <(cpu_ticks)
for ((rep = 1; rep <= REPS; rep++)); do
	for c in $CASES; do
		run_case "$c" "$rep"
	done
done
read -r TICKS1 STEAL1 < <(cpu_ticks)
STEAL_PCT=$(awk -v t=$((TICKS1 - TICKS0)) -v s=$((STEAL1 - STEAL0)) 'BEGIN { printf "%.2f", t ? 100 * s / t : 0 }')
latency
assemble "$(cat "$T/latency.json")" >"$T/out.json" || die "cannot assemble the JSON"
mv "$T/out.json" "$OUT" || die "cannot write $OUT"
table "$OUT" >&2
