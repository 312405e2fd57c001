/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Clock reads and STAMP timestamp formats (NTP 64-bit, PTPv2 truncated). */
#ifndef STAMPEDE_BPF_TIMESTAMP_H
#define STAMPEDE_BPF_TIMESTAMP_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "stamp_wire.h"
#include "stampede_kern_user.h"
#include "ns_fixed32.h"

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

/*
 * A CLOCK_TAI instant in the configured wire format, without a division
 * (ns_fixed32.h).  NTP: UTC seconds since 1900 (mod 2^32, as on the wire:
 * era 1 starts in 2036) and the binary fraction, exact or up to 0.7 ns
 * below.  PTPv2 truncated: TAI seconds since 1970 and nanoseconds, exact.
 */
static __always_inline void stamp_ts_of(struct stamp_timestamp *ts, __u64 tai_ns,
					const struct stampede_clock *clk)
{
	__u64 fixed, sec;
	__u32 nsec;

	if (cfg.flags & STAMPEDE_F_PTP) {
		/* TAI even where the kernel's TAI - UTC is unset (struct stampede_clock). */
		sec = ns_split_seconds(tai_ns + clk->ptp_adjust_ns, &nsec);
		ts->sec = bpf_htonl((__u32)sec);
		ts->frac = bpf_htonl(nsec);
		return;
	}
	fixed = ns_to_fixed32(tai_ns - clk->tai_offset_ns) + ((__u64)STAMP_NTP_UNIX_OFFSET << 32);
	ts->sec = bpf_htonl((__u32)(fixed >> 32));
	ts->frac = bpf_htonl((__u32)fixed);
}

/* The reflector's Error Estimate: Z matches the format; Multiplier never 0. */
static __always_inline __be16 stamp_error_estimate(const struct stampede_clock *clk)
{
	__u16 ee = (cfg.flags & STAMPEDE_F_PTP ? clk->ptp_error_estimate : clk->error_estimate) &
		   ~STAMP_EE_Z;

	if (!(ee & STAMP_EE_MULT_MASK))
		ee |= 1;
	if (cfg.flags & STAMPEDE_F_PTP)
		ee |= STAMP_EE_Z;
	return bpf_htons(ee);
}

#endif /* STAMPEDE_BPF_TIMESTAMP_H */
