#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `metrics show` and `metrics serve`: the Prometheus exposition of a
# reflector that answered real traffic (stamp_send, and stampede probe
# with TLVs) checked by promtool, sample by sample against `stats show`,
# `session list` and `reflector show`, and then scraped by a real
# Prometheus server whose query API must report the reflected count that
# `stats show` does.  Then the agent probing the reflector ([target]): its
# per-target families checked by promtool, and its own Prometheus must see
# the RTT histogram count the replies received.  Then targets with keys
# (auth-key, hmac-key) against the XDP reflector's authenticated port and
# stamp_reflect's badly signed replies: replies, HMAC failures counted per
# target, bad key lines refused.  Both servers run inside the reflector's namespace,
# on its loopback: a fresh namespace has every port free, so the default
# address (127.0.0.1:9862) is tested as it is.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

NS_R=stm${RUN_TAG}r
NS_S=stm${RUN_TAG}s
IF_R=stm${RUN_TAG}r0
IF_S=stm${RUN_TAG}s0
R4=198.18.0.1
S4=198.18.0.2
METRICS_PORT=9862
PROM_PORT=9090
# Polls of the servers: every 0.2 s, at most 20 s in all.
POLLS=100

why=$(root_missing)
STAMP_REFLECT=$BUILD/testing/stamp_reflect
[ -z "$why" ] && why=$(build_missing "$STAMPEDE" "$STAMP_SEND" "$STAMP_REFLECT")
for tool in jq curl promtool prometheus; do
	[ -z "$why" ] && ! command -v "$tool" >/dev/null && why="needs $tool (make test-deps)"
done
if [ -n "$why" ]; then
	skip metrics "$why"
	finish
fi

# ---- argument errors (nothing is served) -----------------------------------

test_errors() {
	expect_error metrics/error/listen-no-port "bad listen address '127.0.0.1'" \
		-n "$NS_R" metrics serve listen 127.0.0.1
	expect_error metrics/error/listen-bad-port "bad listen port '65536'" \
		-n "$NS_R" metrics serve listen 127.0.0.1:65536
	expect_error metrics/error/listen-name "'localhost' is not an IPv4 address" \
		-n "$NS_R" metrics serve listen localhost:9862
	expect_error metrics/error/listen-bad-ipv6 "'::zz' is not an IPv6 address" \
		-n "$NS_R" metrics serve listen '[::zz]:9862'
	expect_error metrics/error/listen-not-local "cannot listen on 198.18.255.1:9862" \
		-n "$NS_R" metrics serve listen 198.18.255.1:9862
	expect_error metrics/error/serve-extra "unexpected 'now'" \
		-n "$NS_R" metrics serve listen 127.0.0.1:9862 now
	expect_error metrics/error/show-extra "takes no arguments" -n "$NS_R" metrics show dev x
	expect_error metrics/error/json "-j does not apply" -j -n "$NS_R" metrics show
}

# ---- the exposition, read once ------------------------------------------

# The counters of include/stampede_kern_user.h: "name class" lines.
counters() {
	sed -n 's/^[[:space:]]*X(\([a-z_0-9]*\), *\([A-Z]*\),.*/\1 \2/p' \
		"$TOP/include/stampede_kern_user.h"
}

# series FILE NAME{LABELS}: the value of that one series, or nothing.
series() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }

# The exposition's shape beyond what promtool checks: every sample after
# its family's TYPE line, every value a number, every counter an integer.
# Prints the first offending line, nothing when all hold.
shape_problem() {
	awk '
		/^# TYPE / { type[$3] = $4; next }
		/^#/ { next }
		{
			name = $1; sub(/\{.*/, "", name)
			if (!(name in type)) { print "no TYPE before: " $0; exit }
			if (NF != 2 || $2 !~ /^[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$/) { print "bad value: " $0; exit }
			if (type[name] == "counter" && $2 !~ /^[0-9]+$/) { print "counter not an integer: " $0; exit }
			if ($1 ~ /\{/ && $1 !~ /^[a-z_]+\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\}$/) { print "bad labels: " $0; exit }
		}' "$1"
}

# close_to M R: M is a positive number within a millionth of R (JSON
# output rounds the double reflector show prints).
# shellcheck disable=SC2016,SC2317 # $m and $r are jq's; called through check
close_to() {
	jq -en --argjson m "$1" --argjson r "$2" '$m > 0 and ($m - $r | fabs) <= $r * 1e-6' >/dev/null 2>&1
}

# The series `stats -j show` implies, "SERIES VALUE" per line: every frame
# outcome and reason, every event, every TLV type and result.
expected_from_stats() {
	local stats=$1 name class outcome v
	printf 'stampede_frames_total{interface="%s",outcome="reflected"} %s\n' "$IF_R" \
		"$(jq_val .reflected "$stats")"
	while read -r name class; do
		v=$(jq_val ".reasons.$name // .events.$name" "$stats")
		case $class in
		PASS | DROP)
			outcome=passed
			[ "$class" = DROP ] && outcome=dropped
			printf 'stampede_frames_total{interface="%s",outcome="%s",reason="%s"} %s\n' \
				"$IF_R" "$outcome" "$name" "$v"
			;;
		EVENT)
			printf 'stampede_events_total{interface="%s",event="%s"} %s\n' "$IF_R" "$name" "$v"
			;;
		esac
	done < <(counters)
	jq -r --arg i "$IF_R" '.tlvs[] | . as $t | ("answered", "unrecognized", "malformed") |
		"stampede_tlvs_total{interface=\"\($i)\",type=\"\($t.name)\",result=\"\(.)\"} \($t[.])"' "$stats"
}

test_show() {
	local line missing="" n=0 problem tlv_sum seen have want

	cli -n "$NS_R" -j stats show dev "$IF_R"
	cp "$T/out" "$T/stats.json"
	cli -n "$NS_R" metrics show
	cp "$T/out" "$T/metrics.txt"
	if [ "$RC" -ne 0 ]; then
		fail metrics/show "metrics show exited $RC: $(oneline "$(cli_err)")"
		return
	fi
	pass metrics/show
	check metrics/promtool "promtool check metrics: $(oneline "$(promtool check metrics <"$T/metrics.txt" 2>&1)")" \
		promtool check metrics <"$T/metrics.txt"
	problem=$(shape_problem "$T/metrics.txt")
	check metrics/shape "$problem" [ -z "$problem" ]
	check metrics/traffic "the reflector answered nothing: the comparisons below prove little ($(oneline "$(cat "$T/stats.json")"))" \
		[ "$(jq_val .reflected "$T/stats.json")" -ge 8 ]

	# Every counter of stats show, as the same number.
	while IFS= read -r line; do
		n=$((n + 1))
		grep -qxF -- "$line" "$T/metrics.txt" || missing="$missing; $line"
	done < <(expected_from_stats "$T/stats.json")
	check metrics/same-as-stats "series not in the exposition as stats show has them:$(oneline "$missing")" \
		[ -z "$missing" -a "$n" -gt 40 ]
	# The probe's TLVs were counted, and seen is the sum over result.
	seen=$(jq_val '.tlvs[] | select(.name == "location") | .seen' "$T/stats.json")
	tlv_sum=$(awk -v i="$IF_R" 'index($1, "stampede_tlvs_total{interface=\"" i "\",type=\"location\"") == 1 { s += $2 } END { print s + 0 }' "$T/metrics.txt")
	check metrics/tlv-seen "location TLVs: sum over result $tlv_sum, stats show seen $seen" \
		[ "$tlv_sum" -gt 0 -a "$tlv_sum" = "$seen" ]
	# Access ID 1 is 3GPP, Return Code 1 "available" (RFC 8972 4.6).
	check metrics/access-report "no access report series for 3gpp (1), available (1): $(oneline "$(grep access_reports "$T/metrics.txt")")" \
		grep -q "^stampede_access_reports_total{interface=\"$IF_R\",access_id=\"1\",return_code=\"1\"} 3$" "$T/metrics.txt"

	# The session table, as session list sees it: stamp_send's session and the probe's.
	cli -n "$NS_R" -j session list dev "$IF_R"
	have=$(series "$T/metrics.txt" "stampede_sessions{interface=\"$IF_R\"}")
	want=$(jq_val '.sessions | length' "$T/out")
	check metrics/sessions "stampede_sessions $have, session list $want" [ "$want" -ge 2 -a "$have" = "$want" ]
	have=$(series "$T/metrics.txt" "stampede_sessions_max{interface=\"$IF_R\"}")
	want=$(jq_val .sessions_max "$T/out")
	check metrics/sessions-max "stampede_sessions_max $have, session list $want" [ "$want" -gt 0 -a "$have" = "$want" ]

	# The clock, as reflector show sees it.
	cli -n "$NS_R" -j reflector show dev "$IF_R"
	check metrics/clock-tai-offset "tai offset $(series "$T/metrics.txt" "stampede_clock_tai_offset_seconds{interface=\"$IF_R\"}"), reflector show $(jq_val .clock.tai_offset_s "$T/out")" \
		[ "$(series "$T/metrics.txt" "stampede_clock_tai_offset_seconds{interface=\"$IF_R\"}")" = "$(jq_val .clock.tai_offset_s "$T/out")" ]
	check metrics/clock-synchronized "synchronized $(series "$T/metrics.txt" "stampede_clock_synchronized{interface=\"$IF_R\"}"), reflector show $(jq_val .clock.synchronized "$T/out")" \
		[ "$(series "$T/metrics.txt" "stampede_clock_synchronized{interface=\"$IF_R\"}")" = "$(jq_val 'if .clock.synchronized then 1 else 0 end' "$T/out")" ]
	check metrics/clock-error-estimate "error estimate $(series "$T/metrics.txt" "stampede_clock_error_estimate_seconds{interface=\"$IF_R\"}"), reflector show $(jq_val .clock.error_estimate_s "$T/out")" \
		close_to "$(series "$T/metrics.txt" "stampede_clock_error_estimate_seconds{interface=\"$IF_R\"}")" \
		"$(jq_val .clock.error_estimate_s "$T/out")"

	cli -j -V
	check metrics/build-info "build info does not say version $(jq_val .version "$T/out"): $(oneline "$(grep '^stampede_build_info' "$T/metrics.txt")")" \
		grep -qxF "stampede_build_info{version=\"$(jq_val .version "$T/out")\",libbpf=\"$(jq_val .libbpf_version "$T/out")\"} 1" "$T/metrics.txt"
	check metrics/reflectors "stampede_reflectors is not 1: $(oneline "$(grep '^stampede_reflectors' "$T/metrics.txt")")" \
		grep -qx "stampede_reflectors 1" "$T/metrics.txt"
}

# ---- served over HTTP, scraped by Prometheus ----------------------------

# poll COMMAND...: true as soon as COMMAND succeeds, false after POLLS tries.
poll() {
	local i
	for ((i = 0; i < POLLS; i++)); do
		"$@" && return 0
		sleep 0.2
	done
	return 1
}

# in_ns_curl ARGS...: curl in the reflector's namespace, 2 s at most.
in_ns_curl() { ip netns exec "$NS_R" curl -s -g -m 2 "$@"; }

# shellcheck disable=SC2317 # called through poll
http_up() { in_ns_curl -o /dev/null "http://$1/metrics"; }

test_serve() {
	local pid pid6 status

	"$STAMPEDE" -n "$NS_R" metrics serve >"$T/serve.out" 2>"$T/serve.err" &
	pid=$!
	defer "stop_process $pid"
	if ! poll http_up "127.0.0.1:$METRICS_PORT"; then
		fail metrics/serve "nothing answered on 127.0.0.1:$METRICS_PORT in 20 s: $(oneline "$(cat "$T/serve.out" "$T/serve.err")")"
		return
	fi
	in_ns_curl -D "$T/headers" -o "$T/served.txt" "http://127.0.0.1:$METRICS_PORT/metrics"
	check metrics/serve "the served exposition lacks the reflector: $(oneline "$(head -c 300 "$T/served.txt")")" \
		grep -q "^stampede_frames_total{interface=\"$IF_R\",outcome=\"reflected\"} " "$T/served.txt"
	check metrics/serve-promtool "promtool check metrics on the served exposition: $(oneline "$(promtool check metrics <"$T/served.txt" 2>&1)")" \
		promtool check metrics <"$T/served.txt"
	check metrics/serve-content-type "content type: $(oneline "$(grep -i content-type "$T/headers")")" \
		grep -qi '^content-type: text/plain; version=0.0.4' "$T/headers"
	status=$(in_ns_curl -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT/")
	check metrics/serve-404 "GET / answered $status, want 404" [ "$status" = 404 ]
	expect_error metrics/serve-busy "cannot listen on 127.0.0.1:$METRICS_PORT: address already in use" \
		-n "$NS_R" metrics serve listen "127.0.0.1:$METRICS_PORT"

	"$STAMPEDE" -n "$NS_R" metrics serve listen "[::1]:$((METRICS_PORT + 1))" >/dev/null 2>"$T/serve6.err" &
	pid6=$!
	defer "stop_process $pid6"
	check metrics/serve-ipv6 "nothing answered on [::1]:$((METRICS_PORT + 1)): $(oneline "$(cat "$T/serve6.err")")" \
		poll http_up "[::1]:$((METRICS_PORT + 1))"
	kill -TERM "$pid6"
	check metrics/serve-sigterm "metrics serve did not end with status 0 on SIGTERM" \
		poll_exit "$pid6"

	test_prometheus
	stop_process "$pid"
	check metrics/serve-quiet "metrics serve wrote errors: $(oneline "$(cat "$T/serve.err")")" \
		[ ! -s "$T/serve.err" ]
}

# ended PID: PID is no longer running.
# shellcheck disable=SC2317 # called through poll
ended() { ! kill -0 "$1" 2>/dev/null; }

# poll_exit PID: PID ends within the polls with status 0.
# shellcheck disable=SC2317 # called through check
poll_exit() {
	poll ended "$1" && wait "$1"
}

# query EXPR: the value of the one series Prometheus has for EXPR, or nothing
# (also while it starts and answers "Service Unavailable" in plain text).
query() {
	in_ns_curl -G --data-urlencode "query=$1" "http://127.0.0.1:$PROM_PORT/api/v1/query" >"$T/query.json" &&
		jq -r '.data.result | if length == 1 then .[0].value[1] else empty end' "$T/query.json" 2>/dev/null
}

# shellcheck disable=SC2317 # called through poll
scraped_reflected() {
	[ "$(query "stampede_frames_total{interface=\"$IF_R\",outcome=\"reflected\"}")" = "$1" ]
}

test_prometheus() {
	local pid want
	cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: stampede
    static_configs:
      - targets: ['127.0.0.1:$METRICS_PORT']
EOF
	ip netns exec "$NS_R" prometheus --config.file="$T/prometheus.yml" \
		--storage.tsdb.path="$T/tsdb" --web.listen-address="127.0.0.1:$PROM_PORT" \
		>"$T/prometheus.log" 2>&1 &
	pid=$!
	defer "stop_process $pid"
	cli -n "$NS_R" -j stats show dev "$IF_R"
	want=$(jq_val .reflected "$T/out")
	if poll scraped_reflected "$want"; then
		pass metrics/prometheus
	else
		fail metrics/prometheus "Prometheus did not report $want reflected in 20 s: query $(oneline "$(cat "$T/query.json" 2>/dev/null)"), log $(oneline "$(tail -n 3 "$T/prometheus.log")")"
	fi
	check metrics/prometheus-up "up{job=\"stampede\"} is not 1: $(oneline "$(cat "$T/query.json")")" \
		[ "$(query 'up{job="stampede"}')" = 1 ]
	stop_process "$pid"
}

if ! testbed_new; then
	fail metrics/setup "cannot build the testbed"
	finish
fi
cli -n "$NS_R" reflector attach dev "$IF_R" stateful
if [ "$RC" -ne 0 ]; then
	fail metrics/setup "attach exited $RC: $(oneline "$(cli_err)")"
	finish
fi
test_errors
# Traffic: plain test packets, and a probe with a location TLV, an Access
# Report and a type nobody knows (returned unrecognized).
ip netns exec "$NS_S" "$STAMP_SEND" -4 -c 5 -i 2 -T 500 "$R4" >"$T/send.json" 2>"$T/send.err"
"$STAMPEDE" -n "$NS_S" probe "$R4" count 3 interval 10 timeout 500 tlv location \
	tlv access,3gpp,available tlv 200 >"$T/probe.out" 2>&1
# A reflector whose counters another stampede laid out (a binary upgraded
# under it): one error line, not a read past our buffers.  Its stats map is
# swapped for one with a counter more; done last, as it spoils the reflector.
test_foreign_layout() {
	local pin size
	pin="$(ns_pin_dir "$NS_R")/$IF_R/stats"
	size=$(bpftool -j map show pinned "$pin" | jq -r .bytes_value)
	if ! rm "$pin" || ! bpftool map create "$pin" type percpu_array key 4 value $((size + 8)) \
		entries 1 name stats; then
		fail metrics/foreign-layout "cannot pin a stats map of another layout"
		return
	fi
	expect_error metrics/foreign-layout "the stats map was made by another version of stampede" \
		-n "$NS_R" metrics show
	expect_error metrics/foreign-layout-stats "the stats map was made by another version of stampede" \
		-n "$NS_R" stats show
}

# ---- the agent probing a target ----------------------------------------------

# The agent runs in the sender's namespace, with nothing to attach there,
# and probes the reflector over the veth; its Prometheus runs there too.
AGENT_PORT=9863
AGENT_PROM_PORT=9091

# shellcheck disable=SC2317 # called through poll (s_http_up, s_query)
s_curl() { ip netns exec "$NS_S" curl -s -g -m 2 "$@"; }
# shellcheck disable=SC2317 # called through poll
s_http_up() { s_curl -o /dev/null "http://127.0.0.1:$AGENT_PORT/metrics"; }

# s_has_replies: a scrape of the agent into $T/agent.txt counts two replies
# (the jitter needs two RTTs).
# shellcheck disable=SC2317 # called through poll
s_has_replies() {
	s_curl -o "$T/agent.txt" "http://127.0.0.1:$AGENT_PORT/metrics" &&
		grep -Eq '^stampede_probe_received_total\{target="refl"\} ([2-9]|[1-9][0-9]+)$' "$T/agent.txt"
}

# s_query EXPR: as query, from the Prometheus in the sender's namespace.
# shellcheck disable=SC2317 # called through poll (histogram_counts_replies)
s_query() {
	s_curl -G --data-urlencode "query=$1" "http://127.0.0.1:$AGENT_PROM_PORT/api/v1/query" >"$T/s_query.json" &&
		jq -r '.data.result | if length == 1 then .[0].value[1] else empty end' "$T/s_query.json" 2>/dev/null
}

# The histogram's count and the received counter of one scrape agree, and
# at least 5 replies were counted.  An instant query takes both from the
# latest scrape; `==` keeps the series only when they are equal.
# shellcheck disable=SC2317 # called through poll
histogram_counts_replies() {
	local v
	v=$(s_query 'stampede_probe_rtt_seconds_count{target="refl"} == stampede_probe_received_total{target="refl"}')
	[ -n "$v" ] && [ "$v" -ge 5 ]
}

# The exposition's histogram: buckets cumulative, +Inf == _count ==
# received (a scrape is one consistent copy), sent >= received + lost.
histogram_problem() {
	awk '
		/^stampede_probe_rtt_seconds_bucket\{target="refl"/ {
			if ($2 + 0 < prev) { print "bucket below the one before: " $0; exit }
			prev = $2 + 0; n++
			if ($1 ~ /le="\+Inf"/) inf = $2
		}
		/^stampede_probe_rtt_seconds_count\{target="refl"\}/ { count = $2 }
		/^stampede_probe_received_total\{target="refl"\}/ { received = $2 }
		/^stampede_probe_sent_total\{target="refl"\}/ { sent = $2 }
		/^stampede_probe_lost_total\{target="refl"\}/ { lost = $2 }
		END {
			if (n != 16) { print n " buckets, want 15 and +Inf"; exit }
			if (inf != count || count != received || received < 1) { print "+Inf " inf ", count " count ", received " received; exit }
			if (sent < received + lost) { print "sent " sent " < received " received " + lost " lost; exit }
		}' "$1"
}

test_agent_probe() {
	local pid prom why
	cat >"$T/agent.conf" <<-CONF
		# no [reflector]: this agent only probes
		[target refl]
		host = $R4
		interval = 50
		timeout = 500
		tlv = location
		[metrics]
		listen = 127.0.0.1:$AGENT_PORT
	CONF
	"$STAMPEDE" -n "$NS_S" agent config "$T/agent.conf" >"$T/agent.log" 2>&1 &
	pid=$!
	defer "stop_process $pid"
	if ! poll s_http_up; then
		fail metrics/agent-probe "the agent served nothing in 20 s: $(oneline "$(cat "$T/agent.log")")"
		return
	fi
	# Scraped once two replies were counted (more do not matter: the checks compare).
	poll s_has_replies

	check metrics/agent-probe/promtool "promtool check metrics: $(oneline "$(promtool check metrics <"$T/agent.txt" 2>&1)")" \
		promtool check metrics <"$T/agent.txt"
	check metrics/agent-probe/families "want the target's histogram, counters and jitter: $(oneline "$(grep probe "$T/agent.txt")")" \
		sh -c "grep -q '^# TYPE stampede_probe_rtt_seconds histogram$' '$T/agent.txt' &&
			grep -q '^stampede_probe_rtt_seconds_bucket{target=\"refl\",le=\"0.001\"} ' '$T/agent.txt' &&
			grep -q '^stampede_probe_lost_total{target=\"refl\"} 0$' '$T/agent.txt' &&
			grep -q '^stampede_probe_jitter_seconds{target=\"refl\"} ' '$T/agent.txt'"
	why=$(histogram_problem "$T/agent.txt")
	check metrics/agent-probe/histogram "$why" test -z "$why"
	# One-way delays only when both ends say synchronized: here the
	# reflector's S bit is this host's clock state, as the probe's is.
	if grep -q '^stampede_probe_one_way_delay_seconds{' "$T/agent.txt"; then
		check metrics/agent-probe/one-way-synchronized "one-way delays shown while the reflector says unsynchronized" \
			grep -q "^stampede_clock_synchronized{interface=\"$IF_R\"} 1$" "$T/served.txt"
	else
		pass metrics/agent-probe/one-way-synchronized
	fi
	cat >"$T/prometheus-agent.yml" <<-EOF
		global:
		  scrape_interval: 1s
		  scrape_timeout: 1s
		scrape_configs:
		  - job_name: agent
		    static_configs:
		      - targets: ['127.0.0.1:$AGENT_PORT']
	EOF
	ip netns exec "$NS_S" prometheus --config.file="$T/prometheus-agent.yml" \
		--storage.tsdb.path="$T/tsdb-agent" --web.listen-address="127.0.0.1:$AGENT_PROM_PORT" \
		>"$T/prometheus-agent.log" 2>&1 &
	prom=$!
	defer "stop_process $prom"
	check metrics/agent-probe/prometheus "Prometheus's histogram count is not the replies received (5 at least) in 20 s: $(oneline "$(cat "$T/s_query.json" 2>/dev/null)"), log $(oneline "$(tail -n 3 "$T/prometheus-agent.log")")" \
		poll histogram_counts_replies
	stop_process "$prom"
	kill -TERM "$pid"
	check metrics/agent-probe/sigterm "the agent did not end with status 0 on SIGTERM: $(oneline "$(tail -n 3 "$T/agent.log")")" \
		poll_exit "$pid"
	check metrics/agent-probe/log "want the target's totals in the agent's log: $(oneline "$(cat "$T/agent.log")")" \
		grep -q '^agent: target refl: [1-9][0-9]* sent, [1-9][0-9]* received, [0-9][0-9]* lost$' "$T/agent.log"
}

# ---- the agent's targets with keys (auth-key, hmac-key) ------------------------

AUTH_HEX=8c1d4e0b6f2a9d735e40c1b8a27f96d3a0b1c2d3e4f5
HMAC_HEX=5e1f0c2b7a9d84e6310fa2c4b8d7e9f1
AUTH_PORT=8630	 # the XDP reflector's authenticated port
BADSIG_PORT=8640 # stamp_reflect's, whose replies' HMACs are wrong
AGENT_AUTH_PORT=9864

# key_file NAME LINE...: a key file, mode 0600, owned by root; its path.
key_file() {
	local f=$T/$1.keys
	shift
	printf '%s\n' "$@" >"$f" && chmod 600 "$f" && chown 0:0 "$f"
	echo "$f"
}

# value FILE NAME TARGET: that target's sample of family NAME, or nothing.
# shellcheck disable=SC2317 # called through poll and check
value() { series "$1" "$2{target=\"$3\"}"; }

# auth_targets_counted: a scrape of the agent into $T/agent-auth.txt has
# 3 replies of auth and hmac, 3 failures of badsig, 3 losses of wrongkey.
# shellcheck disable=SC2317 # called through poll
auth_targets_counted() {
	local f=$T/agent-auth.txt
	s_curl -o "$f" "http://127.0.0.1:$AGENT_AUTH_PORT/metrics" &&
		[ "$(value "$f" stampede_probe_received_total auth)" -ge 3 ] 2>/dev/null &&
		[ "$(value "$f" stampede_probe_received_total hmac)" -ge 3 ] 2>/dev/null &&
		[ "$(value "$f" stampede_probe_auth_failed_total badsig)" -ge 3 ] 2>/dev/null &&
		[ "$(value "$f" stampede_probe_lost_total wrongkey)" -ge 3 ] 2>/dev/null
}

# reflector_count NAME: the reflector's stampede_frames_total or
# stampede_events_total sample for reason or event NAME, from metrics show.
reflector_count() {
	"$STAMPEDE" -n "$NS_R" metrics show |
		awk -v r="reason=\"$1\"" -v e="event=\"$1\"" -v i="interface=\"$IF_R\"" \
			'index($1, i) && (index($1, r) || index($1, e)) { print $2; exit }'
}

# target_line NAME: the agent's stop line for target NAME, in $T/agent-auth.log.
target_line() { grep "^agent: target $1: " "$T/agent-auth.log"; }

# line_field LINE N WHAT: the number before WHAT ("sent", "auth failed") in LINE.
line_field() { printf '%s\n' "$1" | sed -n "s/.* \([0-9][0-9]*\) $2\(,.*\)\{0,1\}\$/\1/p"; }

# is_number VALUE...: every VALUE a number (a missing sample is none).
# shellcheck disable=SC2317 # called through check
is_number() {
	local v
	for v in "$@"; do
		[[ $v =~ ^[0-9]+$ ]] || return 1
	done
}

# shellcheck disable=SC2317 # called through check
verified_target() { [ "$(value "$1" stampede_probe_auth_failed_total "$2")" = 0 ]; }

# shellcheck disable=SC2317 # called through check
all_replies_failed() {
	[ "$(value "$1" stampede_probe_received_total badsig)" = 0 ] &&
		[ "$(value "$1" stampede_probe_auth_failed_total badsig)" -ge 3 ]
}

# shellcheck disable=SC2317 # called through check
none_answered() {
	[ "$(value "$1" stampede_probe_received_total wrongkey)" = 0 ] &&
		[ "$(value "$1" stampede_probe_auth_failed_total wrongkey)" = 0 ]
}

# ge A B, eq A B: both numbers, and A >= B (A = B).
# shellcheck disable=SC2317 # called through check
ge() { is_number "$1" "$2" && [ "$1" -ge "$2" ]; }
# shellcheck disable=SC2317 # called through check
eq() { is_number "$1" "$2" && [ "$1" -eq "$2" ]; }

# badsig_line_ok LINE REFLECTED: badsig's stop line has 0 received and 3
# to REFLECTED (stamp_reflect's replies) auth failed.
# shellcheck disable=SC2317 # called through check
badsig_line_ok() {
	local failed
	failed=$(line_field "$1" "auth failed")
	eq "$(line_field "$1" received)" 0 && ge "$failed" 3 && ge "$2" "$failed"
}

# One agent, four targets: the XDP reflector's authenticated port with the
# right key (answered) and the wrong one (dropped by the reflector, which
# counts them: no reply to fail here), stamp_reflect signing its replies
# wrong (each counted stampede_probe_auth_failed_total, none received), and
# an HMAC TLV to the XDP reflector's unauthenticated port (answered, and
# verified by the reflector).
test_agent_auth() {
	local good wrong both hkey pid rpid f=$T/agent-auth.txt t line
	local failed0 verified0 tlv_failed0 failed verified tlv_failed
	good=$(key_file good "hex:$AUTH_HEX")
	wrong=$(key_file wrong "hex:00$AUTH_HEX")
	# The reflector's: the default key for its auth-port, a line for port 862's HMAC TLVs.
	both=$(key_file both "hex:$AUTH_HEX" "port 862 hex:$HMAC_HEX")
	hkey=$(key_file hkey "port 862 hex:$HMAC_HEX")
	cli -n "$NS_R" reflector attach dev "$IF_R" port 862 auth-port "$AUTH_PORT" auth-key "$both" stateful
	if [ "$RC" -ne 0 ]; then
		fail metrics/agent-auth/attach "attach with auth-port exited $RC: $(oneline "$(cli_err)")"
		return
	fi
	ip netns exec "$NS_R" "$STAMP_REFLECT" -p "$BADSIG_PORT" --auth-hex "$AUTH_HEX" --auth-sign-bad \
		--ready-file "$T/badsig.ready" >"$T/badsig.json" 2>"$T/badsig.err" </dev/null &
	rpid=$!
	defer "stop_process $rpid"
	if ! poll test -s "$T/badsig.ready"; then
		fail metrics/agent-auth/stamp-reflect "stamp_reflect did not start: $(oneline "$(cat "$T/badsig.err")")"
		return
	fi
	failed0=$(reflector_count auth_failed)
	verified0=$(reflector_count hmac_tlv_verified)
	tlv_failed0=$(reflector_count hmac_tlv_failed)
	cat >"$T/agent-auth.conf" <<-CONF
		[target auth]
		host = $R4
		auth-key = $good
		port = $AUTH_PORT
		interval = 50
		timeout = 500
		[target wrongkey]
		host = $R4
		port = $AUTH_PORT
		auth-key = $wrong
		interval = 50
		timeout = 200
		[target badsig]
		host = $R4
		port = $BADSIG_PORT
		auth-key = $good
		interval = 50
		timeout = 200
		[target hmac]
		host = $R4
		hmac-key = $hkey
		tlv = timestamp-info
		interval = 50
		timeout = 500
		[metrics]
		listen = 127.0.0.1:$AGENT_AUTH_PORT
	CONF
	"$STAMPEDE" -n "$NS_S" agent config "$T/agent-auth.conf" >"$T/agent-auth.log" 2>&1 &
	pid=$!
	defer "stop_process $pid"
	if ! poll auth_targets_counted; then
		fail metrics/agent-auth "the targets did not count 3 replies, failures and losses in 20 s: $(oneline "$(grep -E '^stampede_probe_(received|lost|auth_failed)_total' "$f" 2>/dev/null) $(cat "$T/agent-auth.log")")"
		# No more traffic for the tests after this one.
		stop_process "$pid"
		stop_process "$rpid"
		return
	fi
	pass metrics/agent-auth
	check metrics/agent-auth/promtool "promtool check metrics: $(oneline "$(promtool check metrics <"$f" 2>&1)")" \
		promtool check metrics <"$f"
	check metrics/agent-auth/help "no HELP line of stampede_probe_auth_failed_total" \
		grep -q '^# HELP stampede_probe_auth_failed_total [A-Z]' "$f"
	check metrics/agent-auth/type "stampede_probe_auth_failed_total is not a counter: $(oneline "$(grep auth_failed "$f")")" \
		grep -qx '# TYPE stampede_probe_auth_failed_total counter' "$f"
	for t in auth hmac; do
		check "metrics/agent-auth/$t-verified" "$t: want replies and no HMAC failure: $(oneline "$(grep "target=\"$t\"" "$f" | grep _total)")" \
			verified_target "$f" "$t"
	done
	check metrics/agent-auth/badsig "badsig: want 0 received, its failures counted: $(oneline "$(grep 'target="badsig"' "$f" | grep _total)")" \
		all_replies_failed "$f"
	check metrics/agent-auth/wrongkey "wrongkey: want 0 received, no reply failed (the reflector answers none): $(oneline "$(grep 'target="wrongkey"' "$f" | grep _total)")" \
		none_answered "$f"
	kill -TERM "$pid"
	check metrics/agent-auth/sigterm "the agent did not end with status 0 on SIGTERM: $(oneline "$(tail -n 5 "$T/agent-auth.log")")" \
		poll_exit "$pid"
	stop_process "$rpid"

	# The stop lines, against the reflectors' own counts.
	line=$(target_line auth)
	check metrics/agent-auth/log-auth "want auth's totals with 0 auth failed: $(oneline "$line")" \
		grep -Eq '^agent: target auth: [1-9][0-9]* sent, [1-9][0-9]* received, [0-9]+ lost, 0 auth failed$' "$T/agent-auth.log"
	line=$(target_line wrongkey)
	failed=$(reflector_count auth_failed)
	check metrics/agent-auth/reflector-dropped "want each request of wrongkey dropped by the reflector as auth_failed ($failed0 -> $failed): $(oneline "$line")" \
		eq "$((failed - failed0))" "$(line_field "$line" sent)"
	line=$(target_line badsig)
	check metrics/agent-auth/log-badsig "want badsig's failures, 3 at least, as many as stamp_reflect's replies at most: $(oneline "$line $(cat "$T/badsig.json")")" \
		badsig_line_ok "$line" "$(jq_val .reflected "$T/badsig.json")"
	verified=$(reflector_count hmac_tlv_verified)
	tlv_failed=$(reflector_count hmac_tlv_failed)
	line=$(target_line hmac)
	check metrics/agent-auth/reflector-verified "want the reflector to verify every HMAC TLV of hmac ($verified0 -> $verified verified, $tlv_failed0 -> $tlv_failed failed): $(oneline "$line")" \
		ge "$((verified - verified0))" "$(line_field "$line" received)"
	check metrics/agent-auth/reflector-none-failed "HMAC TLVs failed at the reflector: $tlv_failed0 -> $tlv_failed" \
		eq "$tlv_failed" "$tlv_failed0"
}

# bad_agent_conf NAME PATTERN LINES...: the agent refuses a file of LINES
# (a reflector section naming the running reflector's interface first) in
# one line matching PATTERN, exit 1.
bad_agent_conf() {
	local name=$1 pattern=$2
	shift 2
	printf '%s\n' "[reflector]" "interfaces = $IF_R" "$@" >"$T/$name.conf"
	expect_error "metrics/agent-auth/$name" "$pattern" -n "$NS_R" agent config "$T/$name.conf"
}

# Bad key lines of a target: one line naming the file, the line and the
# key; the running reflector untouched (same program and ports, same counts).
test_agent_auth_errors() {
	local good=$T/good.keys hkey=$T/hkey.keys loose mine before after
	loose=$(key_file loose "hex:$AUTH_HEX") && chmod 644 "$loose"
	mine=$(key_file mine "hex:$AUTH_HEX") && chown 65534 "$mine"
	cli -n "$NS_R" -j reflector show dev "$IF_R"
	before=$(jq -c '{prog_id, ports, auth_ports}' "$T/out")
	"$STAMPEDE" -n "$NS_R" metrics show | grep '^stampede_frames_total' >"$T/before-errors.txt"
	bad_agent_conf key-mode "key-mode.conf:5: \[target a\] auth-key: auth-key $loose: mode 0644" \
		'[target a]' "host = $R4" "auth-key = $loose"
	bad_agent_conf key-owner "key-owner.conf:6: \[target a\] auth-key: auth-key $mine: owned by uid 65534" \
		'[target a]' "host = $R4" "port = $AUTH_PORT" "auth-key = $mine"
	bad_agent_conf key-missing "key-missing.conf:4: \[target a\] auth-key: auth-key $T/none.keys: No such file" \
		'[target a]' "auth-key = $T/none.keys" "host = $R4"
	# hkey names port 862 only: the port, given after it, decides.
	bad_agent_conf key-no-port "key-no-port.conf:5: \[target a\] hmac-key: hmac-key $hkey: no key for port $AUTH_PORT" \
		'[target a]' "host = $R4" "hmac-key = $hkey" "port = $AUTH_PORT"
	bad_agent_conf key-both "key-both.conf:6: \[target a\] hmac-key: 'auth-key' and 'hmac-key' exclude each other" \
		'[target a]' "host = $R4" "auth-key = $good" "hmac-key = $hkey"
	bad_agent_conf key-twice "key-twice.conf:6: \[target a\] auth-key: 'auth-key' given twice" \
		'[target a]' "host = $R4" "auth-key = $good" "auth-key = $good"
	bad_agent_conf key-size "key-size.conf:6: \[target a\] size: auth-key: authenticated requests are 112 octets" \
		'[target a]' "host = $R4" "auth-key = $good" "size = 44"
	cli -n "$NS_R" -j reflector show dev "$IF_R"
	after=$(jq -c '{prog_id, ports, auth_ports}' "$T/out")
	"$STAMPEDE" -n "$NS_R" metrics show | grep '^stampede_frames_total' >"$T/after-errors.txt"
	check metrics/agent-auth/errors-untouched-prog "the running reflector changed after refused configurations: $before -> $after" \
		[ "$before" = "$after" -a "$(jq_val .prog_id "$T/out")" -gt 0 -a "$(jq -c .auth_ports "$T/out")" = "[$AUTH_PORT]" ]
	check metrics/agent-auth/errors-untouched-counts "the running reflector's counts changed after refused configurations: $(oneline "$(diff "$T/before-errors.txt" "$T/after-errors.txt")")" \
		cmp -s "$T/before-errors.txt" "$T/after-errors.txt"
}

test_show
test_serve
test_agent_probe
test_agent_auth
test_agent_auth_errors
test_foreign_layout
finish
