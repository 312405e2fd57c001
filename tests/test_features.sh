#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# What `stampede feature` finds on this kernel, against the mainline
# version each feature came with, and what `reflector attach` then loads:
# the program and clock source that feature names.  Runs here and in every
# guest of the kernel matrix (tests/test_kernels.sh), so each Debian kernel
# is checked for the fallbacks it needs.
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$STAMPEDE")
if [ -n "$why" ]; then
	skip features "$why"
	finish
fi

release=$(uname -r)
major=${release%%.*}
minor=${release#*.}
minor=${minor%%.*}
# at_least MAJOR MINOR: the running kernel is that version or later.
at_least() { [ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "$minor" -ge "$2" ]; }; }
yes_no() { if "$@"; then echo true; else echo false; fi; }
# jq_args_ok FILE ARGS...: jq -e with ARGS (options, then the filter) on FILE.
jq_args_ok() {
	local file=$1
	shift
	[ -s "$file" ] && jq -e "$@" "$file" >/dev/null 2>&1
}

cli -j feature probe
cp "$T/out" "$T/feature.json"
check features/json "feature probe -j exited $RC or printed no object: $(oneline "$(cli_err)")" \
	jq_ok '.kernel != null and .features != null' "$T/feature.json"
check features/kernel "kernel is not $release: $(oneline "$(cat "$T/feature.json")")" \
	jq_args_ok "$T/feature.json" --arg r "$release" '.kernel == $r' 
check features/supported "this kernel ($release) is said unsupported" \
	jq_ok '.supported == true' "$T/feature.json"
# Debian's kernels carry these as mainline brought them.
for f in "ktime_get_tai_ns 6 1" "atomic_fetch 5 12" "verified_insns 5 16" "btf 4 18"; do
	set -- $f
	want=$(yes_no at_least "$2" "$3")
	got=$(jq_val ".features.$1.available" "$T/feature.json")
	check "features/$1" "$1 available: $got, expected $want on $release (Linux $2.$3 brought it)" \
		[ "$got" = "$want" ]
done
program=$(jq_val .program "$T/feature.json")
check features/program "program $program, expected $(at_least 5 12 && echo stampede_xdp || echo stampede_locked)" \
	[ "$program" = "$(at_least 5 12 && echo stampede_xdp || echo stampede_locked)" ]

cli feature probe
check features/text "the text form lacks the kernel line: $(oneline "$(cli_out)")" \
	grep -q "^kernel $release: supported" "$T/out"
cli feature probe extra
check features/bad-argument "feature probe extra: exit $RC, $(oneline "$(cli_err)")" \
	grep -q "unknown argument 'extra'" "$T/err"

# What attach loads follows it.
NS=stf${RUN_TAG}
IF=stf${RUN_TAG}a
ns_new "$NS" || {
	fail features/setup "cannot create namespace $NS"
	finish
}
forget_pins "$NS"
ip -n "$NS" link add "$IF" type veth peer name "${IF%a}b" &&
	ip -n "$NS" addr add 198.18.7.1/24 dev "$IF" &&
	ip -n "$NS" link set "$IF" up &&
	ip -n "$NS" link set "${IF%a}b" up || {
	fail features/setup "cannot make the veth pair"
	finish
}
for mode in stateless stateful; do
	cli -n "$NS" reflector attach dev "$IF" "$mode" mode generic
	if [ "$RC" -ne 0 ]; then
		fail "features/attach-$mode" "attach exited $RC: $(oneline "$(cli_err)")"
		continue
	fi
	cli -n "$NS" -j reflector show dev "$IF"
	cp "$T/out" "$T/show.json"
	clock=$(at_least 6 1 && echo tai || echo boot+offset)
	check "features/attach-$mode" "show: $(oneline "$(cat "$T/show.json")"), expected program $program, clock $clock" \
		jq_args_ok "$T/show.json" --arg p "$program" --arg c "$clock" \
		'(if type == "array" then .[0] else . end) | .prog_name == $p and .clock_source == $c' 
	cli -n "$NS" reflector detach dev "$IF"
done
finish
