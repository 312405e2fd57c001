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

/*
 * An instant on the wire's timescale (TAI for PTP, UTC for NTP), split
 * into seconds and nanoseconds.  Splitting takes a 64-bit division, which
 * BPF has no cheap form of (no high multiply): a packet splits T2 once and
 * derives T3 from it, so it pays one division, not four.
 */
struct wire_time {
	__u64 sec;
	__u32 nsec;
};

/* T2: the received instant, CLOCK_TAI ns, split once. */
static __always_inline void wire_time_split(struct wire_time *wt, __u64 tai_ns,
					    const struct stampede_clock *clk)
{
	if (!(cfg.flags & STAMPEDE_F_PTP))
		tai_ns -= clk->tai_offset_ns;
	wt->sec = tai_ns / STAMP_NSEC_PER_SEC;
	wt->nsec = tai_ns - wt->sec * STAMP_NSEC_PER_SEC;
}

/*
 * T3 from T2: @later_tai_ns is the transmit instant, @earlier_tai_ns the
 * one @wt was split from.  Both are on the same timescale, so the UTC
 * offset cancels.  The gap is nanoseconds; the division stays for the
 * case that never happens (a gap of a second or more).
 */
static __always_inline void wire_time_advance(struct wire_time *wt, __u64 earlier_tai_ns,
					      __u64 later_tai_ns)
{
	__u64 gap = later_tai_ns - earlier_tai_ns, nsec;

	if (gap >= STAMP_NSEC_PER_SEC) {
		wt->sec += gap / STAMP_NSEC_PER_SEC;
		gap %= STAMP_NSEC_PER_SEC;
	}
	nsec = wt->nsec + gap;
	if (nsec >= STAMP_NSEC_PER_SEC) {
		nsec -= STAMP_NSEC_PER_SEC;
		wt->sec++;
	}
	wt->nsec = nsec;
}

/*
 * 2^62 / 10^9 rounded down: nanoseconds times this, shifted right by 30, is
 * the NTP binary fraction (ns * 2^32 / 10^9).  The product stays below 2^63
 * for ns < 10^9, and the result is the exact fraction or one below it
 * (0.23 ns).
 */
#define STAMP_NS_TO_FRAC_MUL   4611686018ULL
#define STAMP_NS_TO_FRAC_SHIFT 30

/* The configured wire format: PTPv2 truncated (TAI) or NTP (UTC since 1900). */
static __always_inline void stamp_ts_encode(struct stamp_timestamp *ts, const struct wire_time *wt)
{
	if (cfg.flags & STAMPEDE_F_PTP) {
		ts->sec = bpf_htonl((__u32)wt->sec);
		ts->frac = bpf_htonl(wt->nsec);
		return;
	}
	/* NTP seconds wrap at 2^32 (era 1 starts in 2036), as on the wire. */
	ts->sec = bpf_htonl((__u32)(wt->sec + STAMP_NTP_UNIX_OFFSET));
	ts->frac = bpf_htonl((__u32)((wt->nsec * STAMP_NS_TO_FRAC_MUL) >> STAMP_NS_TO_FRAC_SHIFT));
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
