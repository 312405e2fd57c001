#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The benchmark's programs, run briefly so they do not rot between `make
# bench` runs.  No timing is asserted (this machine is shared and noisy):
# prog_cost checks every run of every case itself (action, counters, the
# frame that comes back, checksums), and the live part must reflect, count
# and clean up.  The figures themselves belong to `make bench`.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$BUILD/bench/prog_cost" "$BUILD/bench/live" \
	"$BUILD/testing/stamp_reflect" "$STAMPEDE")
if [ -n "$why" ]; then
	skip bench "$why"
	finish
fi

# ---- per-packet cost: every case runs and passes its own checks ----------
"$BUILD/bench/prog_cost" --runs 3 --repeat 100000 --r1-calls 1000 --no-table \
	--json "$T/cost.json" >"$T/cost.out" 2>"$T/cost.err"
rc=$?
check bench.cost.exit "prog_cost exited $rc: $(oneline "$(cat "$T/cost.err")")" [ "$rc" -eq 0 ]
for c in floor pass-empty floor-clock stateless-v4 stateless-v6 stateful-v4 twamp-light-v4 \
	tlv-padding-v4 passthrough-v4 passthrough-v4-counted stateless-v4-rate-limit \
	stateless-v6-rate-limit stateless-v4-rate-limit-all stateless-v4-allow auth-v4 \
	auth-hmac-tlv-v4 openssl-hmac-auth openssl-hmac-auth-tlv; do
	check "bench.cost.$c" "no positive ns_per_pkt for $c in $(oneline "$(cat "$T/cost.json")")" \
		jq_ok ".[] | select(.name == \"$c\") | .ns_per_pkt > 0" "$T/cost.json"
done
check bench.cost.ratios "reflection cases lack a ratio to floor" \
	jq_ok '[.[] | select(.name | test("^state|^tlv|^twamp-light-v4$")) | select(.name | test("-rate-limit|-allow") | not) | .ratio_to == "floor" and .ratio > 0] | all and length >= 5' \
	"$T/cost.json"
check bench.cost.policy_ratios "the rate-limit and allow cases are not compared with stateless" \
	jq_ok '[.[] | select(.name | test("-rate-limit|-allow")) | (.ratio_to | test("^stateless-v[46]$")) and .ratio > 0] | all and length == 4' \
	"$T/cost.json"
check bench.cost.auth_ratios "the authenticated cases are not compared with OpenSSL's HMAC" \
	jq_ok '[.[] | select(.name | test("^auth-")) | (.ratio_to | test("^openssl-hmac-auth")) and .ratio > 0] | all and length == 2' \
	"$T/cost.json"
check bench.cost.tc_ratios "the mode tc cases are not compared with the XDP reflector" \
	jq_ok '[.[] | select(.name | test("^tc-")) | (.ratio_to | test("^stateless-v[46]$")) and .ns_per_pkt > 0] | all and length == 2' \
	"$T/cost.json"
check bench.cost.passthrough_ratio "passthrough-v4 is not compared with pass-empty" \
	jq_ok '.[] | select(.name == "passthrough-v4") | .ratio_to == "pass-empty" and .ratio > 0' \
	"$T/cost.json"

# ---- live: a short run of each case, replies counted, nothing left ---------
before=$(ip netns list | grep -c '^lv')
LIVE_REPS=1 LIVE_COUNT=20000 LIVE_AUTH_COUNT=20000 LIVE_PROBES=20 LIVE_INTERVAL_MS=1 \
	bash "$TOP/bench/live.sh" "$T/live.json" >"$T/live.out" 2>"$T/live.err"
rc=$?
check bench.live.exit "live.sh exited $rc: $(oneline "$(tail -5 "$T/live.err")")" [ "$rc" -eq 0 ]
for c in floor xdp_stateless userspace xdp_auth userspace_auth; do
	check "bench.live.$c" "$c reflected nothing: $(oneline "$(cat "$T/live.json" 2>/dev/null)")" \
		jq_ok ".live.cases[] | select(.name == \"$c\") | .reflected_pps.median > 0" "$T/live.json"
done
# The authenticated requests are signed right: the XDP reflector verified every one.
check bench.live.xdp_auth_verified "the XDP reflector refused authenticated requests" \
	jq_ok '.live.cases[] | select(.name == "xdp_auth") | .runs | all(.reflector.auth_failed == 0 and .reflector.reflected >= .replies)' "$T/live.json"
# The XDP reflectors are not overloaded by 20000 frames: every one comes back.
check bench.live.floor_all "floor lost frames of a short run" \
	jq_ok '.live.cases[] | select(.name == "floor") | .runs | all(.replies == .sent)' "$T/live.json"
for r in xdp_stateless userspace; do
	check "bench.latency.$r" "no latency through $r" \
		jq_ok ".latency.$r.received == 20 and .latency.$r.median_us > 0" "$T/live.json"
done
check bench.live.clean "live.sh left namespaces behind" [ "$(ip netns list | grep -c '^lv')" -eq "$before" ]
finish
