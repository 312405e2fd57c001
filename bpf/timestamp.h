/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Clock reads and STAMP timestamp formats (NTP 64-bit, PTPv2 truncated). */
#ifndef STAMPEDE_BPF_TIMESTAMP_H
#define STAMPEDE_BPF_TIMESTAMP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"

extern const volatile struct stampede_config cfg;

/*
 * CLOCK_TAI in ns.  Kernels before 6.1 lack bpf_ktime_get_tai_ns(); there
 * the controller sets STAMPEDE_F_CLOCK_BOOT and publishes the TAI - boot
 * offset.  The flag is read-only data, so the verifier never sees the
 * branch a kernel cannot run.
 */
static __always_inline __u64 clock_tai_ns(const struct stampede_clock *clk)
{
	if (cfg.flags & STAMPEDE_F_CLOCK_BOOT)
		return bpf_ktime_get_boot_ns() + clk->boot_to_tai_ns;
	return bpf_ktime_get_tai_ns();
}

/* TAI ns to the configured wire format: PTP is TAI, NTP is UTC since 1900. */
static __always_inline void stamp_ts_from_tai(struct stamp_timestamp *ts, __u64 tai_ns,
					      const struct stampede_clock *clk)
{
	__u64 sec, rem;

	if (cfg.flags & STAMPEDE_F_PTP) {
		ts->sec = bpf_htonl((__u32)(tai_ns / STAMP_NSEC_PER_SEC));
		ts->frac = bpf_htonl((__u32)(tai_ns % STAMP_NSEC_PER_SEC));
		return;
	}
	tai_ns -= clk->tai_offset_ns;
	sec = tai_ns / STAMP_NSEC_PER_SEC;
	rem = tai_ns % STAMP_NSEC_PER_SEC;
	/* NTP seconds wrap at 2^32 (era 1 starts in 2036), as on the wire. */
	ts->sec = bpf_htonl((__u32)(sec + STAMP_NTP_UNIX_OFFSET));
	ts->frac = bpf_htonl((__u32)((rem << 32) / STAMP_NSEC_PER_SEC));
}

/* The reflector's Error Estimate: Z matches the format; Multiplier never 0. */
static __always_inline __be16 stamp_error_estimate(const struct stampede_clock *clk)
{
	__u16 ee = clk->error_estimate & ~STAMP_EE_Z;

	if (!(ee & STAMP_EE_MULT_MASK))
		ee |= 1;
	if (cfg.flags & STAMPEDE_F_PTP)
		ee |= STAMP_EE_Z;
	return bpf_htons(ee);
}

#endif /* STAMPEDE_BPF_TIMESTAMP_H */
