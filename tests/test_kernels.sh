#!/usr/bin/env bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# The kernel matrix: Debian's cloud kernels 5.10 (bullseye), 6.1 (bookworm)
# and 6.12 (trixie) booted under qemu (TCG), each running the data path's
# unit suite (BPF_PROG_TEST_RUN, the same expected bytes as here) and the
# veth end-to-end and probe suites against the stampede built here:
# attach native and generic, stateless and stateful, NTP and PTP, IPv4 and
# IPv6 probes with and without TLVs, detach and no leftovers.  Each guest
# test is reported as kernel-RELEASE/NAME.
#
# Environment: STAMPEDE_KERNELS (suites to boot, default all three),
# STAMPEDE_KERNEL_SUITES (guest suites, default "xdp_unit sha256_unit test_fuzz features_unit test_features test_clock
# test_agent test_e2e test_probe test_multiprog test_tc"), STAMPEDE_KERNEL_TIMEOUT (seconds per guest, default 900).
set -u
# shellcheck source=testing/lib.sh
. "$(dirname "$0")/../testing/lib.sh"

KERNELS=${STAMPEDE_KERNELS:-bullseye bookworm trixie}
SUITES=${STAMPEDE_KERNEL_SUITES:-xdp_unit sha256_unit test_fuzz features_unit test_features test_clock test_agent test_e2e test_probe test_multiprog test_tc}
GUEST_TIMEOUT=${STAMPEDE_KERNEL_TIMEOUT:-900}

why=$(root_missing)
[ -z "$why" ] && why=$(build_missing "$STAMPEDE" "$BUILD/tests/xdp_unit")
[ -z "$why" ] && [ ! -s "$BUILD/testing/xdp_pass.bpf.o" ] && why="$BUILD/testing/xdp_pass.bpf.o is not built (run make test)"
[ -z "$why" ] && ! command -v qemu-system-x86_64 >/dev/null && why="needs qemu-system-x86_64 (make test installs qemu-system-x86)"
[ -z "$why" ] && ! command -v busybox >/dev/null && why="needs busybox (make test installs busybox-static)"
if [ -n "$why" ]; then
	skip kernels "$why"
	finish
fi

# The kernels, fetched once into $BUILD/kernels (Debian's archive).
if ! "$TOP/tools/kernels/fetch.sh" "$BUILD/kernels" $KERNELS >"$T/fetch.out" 2>"$T/fetch.err"; then
	fail kernels/fetch "$(oneline "$(tail -5 "$T/fetch.err")")"
	finish
fi
if ! bash "$TOP/tools/kernels/initramfs.sh" "$T/initramfs.cpio" "$TOP" "$BUILD" 2>"$T/initramfs.err"; then
	fail kernels/initramfs "$(oneline "$(cat "$T/initramfs.err")")"
	finish
fi

# guest SUITE RELEASE DIR: one guest's run, its lines renamed, into $T/SUITE.out.
guest() {
	local suite=$1 release=$2 dir=$3 short rc
	short=${release%%-*}
	(
		cd "$TOP" || exit 1
		CI=${CI:-} STAMPEDE_TEST_SUITES="$SUITES" STAMPEDE_TEST_FILTER= \
			bash tools/kernels/run.sh "$dir" "$T/initramfs.cpio" "$GUEST_TIMEOUT" \
			sh tests/run.sh
	) >"$T/$suite.raw" 2>"$T/$suite.err"
	rc=$?
	{
		sed -n -e "s/^\(PASS\|FAIL\|SKIP\) /\1 kernel-$short\//p" \
			-e 's/^\(# .*\)/\1/p' "$T/$suite.raw"
		if [ "$rc" -eq 125 ]; then
			echo "FAIL kernel-$short/guest: $(oneline "$(tail -3 "$T/$suite.err")")"
		elif ! grep -q '^[0-9]* passed, [0-9]* failed' "$T/$suite.raw"; then
			echo "FAIL kernel-$short/guest: the guest's run ended without its closing line (status $rc): $(oneline "$(tail -3 "$T/$suite.raw")")"
		fi
	} >"$T/$suite.out"
}

# Two guests at a time: one per core of these machines.
pids=()
while read -r suite release dir; do
	note "kernel $release ($suite): $SUITES"
	guest "$suite" "$release" "$dir" &
	pids+=($!)
	if [ "${#pids[@]}" -ge 2 ]; then
		wait "${pids[0]}"
		pids=("${pids[@]:1}")
	fi
done <"$T/fetch.out"
wait
while read -r suite release dir; do
	while IFS= read -r line; do
		case $line in
		"FAIL "*) n_failed=$((n_failed + 1)) ;;
		esac
		echo "$line"
	done <"$T/$suite.out"
done <"$T/fetch.out"
finish
