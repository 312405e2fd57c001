/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Nanoseconds to seconds without a division, for the data path: a 64-bit
 * division is the dearest arithmetic instruction a reflection would run,
 * and BPF has no high multiply to divide by a constant the usual way.
 * Shared with the tests, which check it against exact 128-bit arithmetic.
 */
#ifndef STAMPEDE_NS_FIXED32_H
#define STAMPEDE_NS_FIXED32_H

#include <linux/types.h>

#define NS_FIXED32_NSEC_PER_SEC 1000000000ULL

/* 2^64 / 10^9 and 2^32 / 10^9: integer part, and fraction * 2^32 rounded down. */
#define NS_FIXED32_2P64_INT  18446744073ULL
#define NS_FIXED32_2P64_FRAC 3047500985ULL
#define NS_FIXED32_2P32_INT  4ULL
#define NS_FIXED32_2P32_FRAC 1266874889ULL

/*
 * @ns as seconds in 32.32 binary fixed point, ns * 2^32 / 10^9 modulo 2^64
 * (the NTP timestamp layout).  With ns = h * 2^32 + l:
 *
 *   ns * 2^32 / 10^9 = h * (2^64 / 10^9) + l * (2^32 / 10^9)
 *
 * Every product fits 64 bits for any ns.  The two rounded-down fraction
 * terms each lose less than 2 units of 2^-32 s, so the result is the exact
 * value rounded down, or up to 3 units (0.7 ns) below that.
 */
static inline __attribute__((always_inline)) __u64 ns_to_fixed32(__u64 ns)
{
	__u64 h = ns >> 32, l = ns & 0xffffffff;

	return h * NS_FIXED32_2P64_INT + ((h * NS_FIXED32_2P64_FRAC) >> 32) +
	       l * NS_FIXED32_2P32_INT + ((l * NS_FIXED32_2P32_FRAC) >> 32);
}

/*
 * Whole seconds of @ns, and the nanoseconds left in *nsec: exact for ns
 * below 2^32 seconds (the year 2106 on a 1970 epoch).  The seconds of
 * ns_to_fixed32 are the exact ones, or one less within 0.7 ns after a
 * second begins, which the remainder shows.
 */
static inline __attribute__((always_inline)) __u64 ns_split_seconds(__u64 ns, __u32 *nsec)
{
	__u64 sec = ns_to_fixed32(ns) >> 32, rem = ns - sec * NS_FIXED32_NSEC_PER_SEC;

	if (rem >= NS_FIXED32_NSEC_PER_SEC) {
		rem -= NS_FIXED32_NSEC_PER_SEC;
		sec++;
	}
	*nsec = (__u32)rem;
	return sec;
}

#endif /* STAMPEDE_NS_FIXED32_H */
