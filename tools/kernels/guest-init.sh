#!/bin/sh
# SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
# /init of a kernel-matrix guest (tools/kernels/run.sh boots it): mounts
# what a host has (proc, sysfs, devtmpfs, bpffs, tmpfs on /run),
# loads the kernel's modules from /modules, runs /job, and powers off after
# printing the job's exit status on the console as
#   @@stampede-guest-exit STATUS@@
# which run.sh reads (a guest that dies prints no such line).
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
# What udev would make: bash's process substitution needs /dev/fd.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# /tmp stays on the initramfs (already in memory): the repository may
# live under it (CI clones anywhere), at the host's path.
mount -t tmpfs tmpfs /run
mount -t bpf bpf /sys/fs/bpf
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
if [ -r /modules/order ]; then
	while read -r m; do
		insmod "/modules/$m.ko" || echo "# guest: insmod $m failed"
	done </modules/order
fi
ip link set lo up
hostname stampede-guest
# The guest's clock starts at the host's (qemu's RTC is UTC).
hwclock -s -u 2>/dev/null
# Firmware noise ends where this line begins (run.sh prints from here).
printf '\n@@stampede-guest-start@@\n'
echo "# guest: kernel $(uname -r), $(nproc) CPU"
sh /job
echo "@@stampede-guest-exit $?@@"
sync
poweroff -f
