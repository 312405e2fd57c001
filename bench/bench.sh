#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# `make bench`: the whole benchmark in one run, on this machine, side by
# side (BENCHMARKS.md says what each figure means).
#
#   1. per-packet cost with BPF_PROG_TEST_RUN   bench/prog_cost
#   2. live throughput over veth                 bench/live.sh
#   3. the userspace reference, same load        bench/live.sh
#   4. latency through both                      bench/live.sh
#
# Tables go to stdout; $BUILD/bench.json holds every figure: "cases" (per
# case name, ns_per_pkt, ratio and how it was measured), "live",
# "latency", "machine" and "targets" (each target, its value, met or not).
# Exit status 0 when everything was measured, whether or not the targets
# were met (the table and the JSON say that); 1 when a measurement failed.
#
# Environment: BUILD (default build), BENCH_RUNS and BENCH_REPEAT (prog_cost
# rounds and repeat count), and live.sh's LIVE_* knobs.
set -u
# shellcheck source=tools/paths.sh
. "$(dirname "${BASH_SOURCE[0]}")/../tools/paths.sh"

die() {
	echo "bench: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (BPF programs, network namespaces); run make bench as root"
command -v jq >/dev/null || die "needs jq (Debian: apt-get install jq)"

OUT=$BUILD/bench.json
COST=$BUILD/bench-cost.json
LIVE=$BUILD/bench-live.json
rm -f "$OUT" "$COST" "$LIVE"

started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
echo "== 1. per-packet cost (BPF_PROG_TEST_RUN) =="
"$BUILD/bench/prog_cost" --runs "${BENCH_RUNS:-9}" --repeat "${BENCH_REPEAT:-1000000}" \
	--json "$COST" || die "prog_cost failed"

echo
echo "== 2-4. live throughput, userspace reference, latency (veth) =="
bash "$TOP/bench/live.sh" "$LIVE" 2>&1 || die "live.sh failed"

# Targets of the issue, from this run's figures.
jq -n --slurpfile cost "$COST" --slurpfile live "$LIVE" \
	--arg started "$started" --arg kernel "$(uname -r)" --arg cpus "$(nproc)" \
	--arg model "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)" \
	--arg clocksource "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource 2>/dev/null)" \
	--arg spectre_v2 "$(cat /sys/devices/system/cpu/vulnerabilities/spectre_v2 2>/dev/null)" \
	--arg srso "$(cat /sys/devices/system/cpu/vulnerabilities/spec_rstack_overflow 2>/dev/null)" '
	def ratio($n): ($cost[0][] | select(.name == $n) | .ratio);
	def target($name; $value; $op; $limit):
		{name: $name, value: $value, target: "\($op) \($limit)",
		 met: (if $value == null then false
		       elif $op == "<=" then $value <= $limit else $value >= $limit end)};
	{
		command: "make bench",
		started: $started,
		machine: {kernel: $kernel, cpus: ($cpus | tonumber), cpu_model: $model,
			  clocksource: $clocksource,
			  # Every helper call, indirect call and return pays for these.
			  mitigations: {spectre_v2: $spectre_v2, spec_rstack_overflow: $srso}},
		cases: $cost[0],
		live: $live[0].live,
		latency: $live[0].latency,
		targets: [
			target("stateless-v4 / floor"; ratio("stateless-v4"); "<="; 3.0),
			target("stateless-v6 / floor"; ratio("stateless-v6"); "<="; 3.0),
			target("stateful-v4 / floor"; ratio("stateful-v4"); "<="; 4.0),
			target("passthrough-v4 / pass-empty"; ratio("passthrough-v4"); "<="; 1.3),
			target("stateless-v4-rate-limit / stateless-v4"; ratio("stateless-v4-rate-limit"); "<="; 1.25),
			target("stateless-v6-rate-limit / stateless-v6"; ratio("stateless-v6-rate-limit"); "<="; 1.25),
			target("live: xdp stateless / floor"; $live[0].live.ratios.xdp_stateless_to_floor; ">="; 0.7),
			target("live: xdp stateless / userspace"; $live[0].live.ratios.xdp_stateless_to_userspace; ">="; 10),
			target("live: xdp auth / userspace auth"; $live[0].live.ratios.xdp_auth_to_userspace_auth; ">="; 10),
			target("latency: median rtt xdp / userspace"; $live[0].latency.ratio_median; "<="; 0.5)
		]
	}' >"$OUT" || die "cannot write $OUT"

echo
echo "== targets (ratios from this run) =="
jq -r '.targets[] | [.name, (.value | if . == null then "-" else (. * 100 | round / 100 | tostring) end),
	.target, (if .met then "met" else "MISSED" end)] | @tsv' "$OUT" |
	awk -F'\t' '{printf "%-40s %8s  %-8s %s\n", $1, $2, $3, $4}'
echo
echo "bench: every figure is in $OUT"
