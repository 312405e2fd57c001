#!/bin/bash
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# Boots one kernel of the matrix under qemu (TCG: these machines have no
# KVM) with the initramfs of tools/kernels/initramfs.sh, runs COMMAND in
# the guest from the current directory, copies the guest's console to
# stdout and exits with COMMAND's status.  125: the guest gave no status
# (it did not boot, panicked or timed out).
#
#   tools/kernels/run.sh KERNEL_DIR INITRAMFS SECONDS COMMAND...
#
# KERNEL_DIR is one of tools/kernels/fetch.sh's (vmlinuz, modules/).
# Environment: QEMU_MEM (MiB, default 1536), QEMU_SMP (default 1).
set -euo pipefail

[ $# -ge 4 ] || {
	echo "usage: $0 KERNEL_DIR INITRAMFS SECONDS COMMAND..." >&2
	exit 2
}
kdir=$1 initramfs=$2 seconds=$3
shift 3

command -v qemu-system-x86_64 >/dev/null || {
	echo "run: qemu-system-x86_64 is missing (apt-get install qemu-system-x86)" >&2
	exit 2
}

work=$(mktemp -d "${TMPDIR:-/tmp}/stampede-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/job"
cp -r "$kdir/modules" "$work/job/modules"
{
	printf 'cd %q || { echo "# guest: %s is not in the initramfs"; exit 126; }\n' "$PWD" "$PWD"
	# Variables the suites read, as they are on the host.
	for v in BUILD CI STAMPEDE_TEST_FILTER STAMPEDE_TEST_SUITES STAMPEDE_TEST_TIMEOUT; do
		[ -n "${!v+x}" ] && printf 'export %s=%q\n' "$v" "${!v}"
	done
	printf 'export KERNEL_MATRIX_GUEST=%q\n' "$(cat "$kdir/release")"
	printf '%q ' "$@"
	printf '\n'
} >"$work/job/job"
(cd "$work/job" && find . -print0 | cpio -0 -o -H newc --quiet) >"$work/job.cpio"
cat "$initramfs" "$work/job.cpio" >"$work/initrd"

# The serial console is the guest's stdout; the kernel's own messages are
# kept off it (loglevel) so that test lines come through whole.
set +e
timeout -k 10 "$seconds" qemu-system-x86_64 -machine q35 -accel tcg -cpu max \
	-m "${QEMU_MEM:-1536}" -smp "${QEMU_SMP:-1}" -nographic -no-reboot \
	-nic none -kernel "$kdir/vmlinuz" -initrd "$work/initrd" \
	-append "console=ttyS0 loglevel=1 panic=-1 oops=panic rdinit=/init" \
	</dev/null 2>"$work/qemu.err" | tr -d '\r' | tee "$work/console" |
	sed -n -e '/^@@stampede-guest-start@@$/,$p' |
	grep -av -e '^@@stampede-guest-' -e '^\[ *[0-9]*\.[0-9]*\] '
qemu_rc=${PIPESTATUS[0]}
set -e
status=$(sed -n 's/^@@stampede-guest-exit \([0-9]*\)@@$/\1/p' "$work/console" | tail -n 1)
if [ -z "$status" ]; then
	if [ "$qemu_rc" -eq 124 ]; then
		echo "# run: the guest ($(cat "$kdir/release")) did not finish in ${seconds}s" >&2
	else
		echo "# run: the guest ($(cat "$kdir/release")) gave no exit status (qemu: $qemu_rc $(tr '\n' ' ' <"$work/qemu.err"))" >&2
	fi
	exit 125
fi
exit "$status"
