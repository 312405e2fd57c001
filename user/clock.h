/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The clock facts the data path needs (TAI offset, CLOCK_TAI - CLOCK_BOOTTIME,
 * Error Estimate) and time formatting.  No libbpf here: the Error Estimate
 * encoder is a pure inline function so tests can use it on its own.
 */
#ifndef STAMPEDE_CLOCK_H
#define STAMPEDE_CLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "stampede_kern_user.h"
#include "stamp_wire.h"

#define CLOCK_EE_MAX_SCALE 63
#define CLOCK_EE_MAX_MULT  255
/* RFC 4656 does not allow an estimate below what the clock can vouch for. */
#define CLOCK_EE_MIN_ERROR_NS 1000ULL

/*
 * The smallest Multiplier (1..255) with Multiplier * 2^(scale - 32) s >=
 * @error_ns, or 0 when even 255 is too small at this scale.
 */
static inline uint64_t clock_ee_multiplier(uint64_t error_ns, unsigned int scale)
{
	const uint64_t ns = STAMP_NSEC_PER_SEC;
	uint64_t q, r, mult;
	unsigned int k;

	if (scale > 32) {
		/* One unit is 2^k seconds: fits in 64 bits for k <= 31. */
		uint64_t unit_ns = ns << (scale - 32);

		mult = error_ns / unit_ns + (error_ns % unit_ns != 0);
		return mult <= CLOCK_EE_MAX_MULT ? mult : 0;
	}
	/* error * 2^k / 1e9, split in whole seconds and the rest to stay in 64 bits. */
	k = 32 - scale;
	q = error_ns / ns;
	r = error_ns % ns;
	if (q > ((uint64_t)CLOCK_EE_MAX_MULT >> k))
		return 0;
	mult = (q << k) + ((r << k) + ns - 1) / ns;
	return mult <= CLOCK_EE_MAX_MULT ? mult : 0;
}

/*
 * RFC 4656 4.1.2 Error Estimate, S|Z|Scale|Multiplier in host order: the
 * smallest Scale whose Multiplier (never 0) covers @error_ns.  Z is the
 * data path's business (it knows the timestamp format), so it stays clear.
 */
static inline uint16_t clock_encode_error_estimate(bool synchronized, uint64_t error_ns)
{
	uint16_t ee = synchronized ? STAMP_EE_S : 0;
	unsigned int scale;
	uint64_t mult = 0;

	if (error_ns < CLOCK_EE_MIN_ERROR_NS)
		error_ns = CLOCK_EE_MIN_ERROR_NS;
	for (scale = 0; scale <= CLOCK_EE_MAX_SCALE; scale++) {
		mult = clock_ee_multiplier(error_ns, scale);
		if (mult)
			break;
	}
	if (!mult) {
		/* Unreachable for 64-bit nanoseconds; say "as large as it gets". */
		scale = CLOCK_EE_MAX_SCALE;
		mult = CLOCK_EE_MAX_MULT;
	}
	return ee | (uint16_t)(scale << STAMP_EE_SCALE_SHIFT) | (uint16_t)mult;
}

/* The error, in seconds, an Error Estimate stands for. */
static inline double clock_error_estimate_seconds(uint16_t ee)
{
	int scale = (ee & STAMP_EE_SCALE_MASK) >> STAMP_EE_SCALE_SHIFT;
	double mult = ee & STAMP_EE_MULT_MASK;

	return scale >= 32 ? mult * (double)(1ULL << (scale - 32))
			   : mult / (double)(1ULL << (32 - scale));
}

/*
 * Read the kernel's clock state (adjtimex, clocks) into a "clock" map entry.
 * sync_src says NTP when the kernel clock is synchronized (the S bit of the
 * Error Estimate), else free-running; the caller may override it.
 */
int clock_read(struct stampede_clock *clk);

/* The system's list of leap seconds and TAI - UTC (tzdata). */
#define CLOCK_LEAP_SECONDS_LIST "/usr/share/zoneinfo/leap-seconds.list"
/* How far off PTP timestamps may be when TAI - UTC is not known: 37 s today, and more to come. */
#define CLOCK_TAI_UNKNOWN_ERROR_NS (40ULL * STAMP_NSEC_PER_SEC)

/*
 * TAI - UTC in seconds at NTP time @ntp_now from a leap-seconds list in the
 * IERS/NIST format (lines "NTP_SECONDS OFFSET", "#@ EXPIRY"); *@expired when
 * @ntp_now is past the list's expiry.  -1 when the file has no entry.
 */
int clock_leap_offset(const char *path, uint64_t ntp_now, bool *expired);

/* Nanoseconds since the epoch as "2026-11-27T01:44:10.414Z" (ms) into @buf. */
void clock_format_utc(uint64_t unix_ns, char *buf, size_t len);

/* A CLOCK_BOOTTIME instant (e.g. a program's load time) as Unix ns. */
uint64_t clock_boot_to_unix_ns(uint64_t boot_ns);

#define CLOCK_UTC_LEN 32

#endif /* STAMPEDE_CLOCK_H */
