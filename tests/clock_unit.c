// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the Error Estimate encoder (RFC 4656 4.1.2) the controller
 * publishes for the data path.  Expected values are worked out here with
 * long double arithmetic, independently of the encoder's integer method.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "harness.h"

static void result(bool ok, const char *name, uint64_t error_ns, uint16_t ee)
{
	th_result(name, ok, "error %llu ns encoded as 0x%04x", (unsigned long long)error_ns, ee);
}

static long double ee_seconds(uint16_t ee)
{
	int scale = (ee >> 8) & 0x3f;

	return (long double)(ee & 0xff) * powl(2.0L, scale - 32);
}

/* Covers the error, with the smallest scale that can, and the smallest multiplier. */
static bool ee_is_tightest(uint16_t ee, uint64_t error_ns)
{
	long double err = (long double)error_ns / 1e9L;
	int scale = (ee >> 8) & 0x3f;
	unsigned int mult = ee & 0xff;

	if (mult == 0 || ee_seconds(ee) < err)
		return false;
	/* One less multiplier would not cover it. */
	if ((mult - 1) * powl(2.0L, scale - 32) >= err)
		return false;
	/* The scale below cannot cover it with any multiplier. */
	return scale == 0 || 255.0L * powl(2.0L, scale - 33) < err;
}

/* A leap-seconds list in the IERS/NIST format, with its expiry (NTP seconds). */
static const char leap_list[] = "#\n"
				"#	File expires on 28 June 2026\n"
				"#@	3991593600\n"
				"#\n"
				"2272060800	10	# 1 Jan 1972\n"
				"3644697600	36	# 1 Jul 2015\n"
				"3692217600	37	# 1 Jan 2017\n";

/* clock_leap_offset() on @text at NTP time @now: the offset and expired flag wanted. */
static void leap_case(const char *name, const char *text, uint64_t now, int want, bool want_exp)
{
	char path[] = "/tmp/stampede-leap.XXXXXX";
	bool expired = !want_exp;
	int fd = mkstemp(path), got = -2;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (f) {
		fputs(text, f);
		fclose(f);
		got = clock_leap_offset(path, now, &expired);
		unlink(path);
	}
	th_result(name, got == want && expired == want_exp,
		  "offset %d expired %d, expected %d and %d", got, expired, want, want_exp);
}

int main(void)
{
	static const uint64_t errors_ns[] = {
		1000,	  1001,	     4096,	    999999,	    1000000,	      1234567,
		16000000, 500000000, 1000000000ULL, 16000000000ULL, 3600000000000ULL,
	};
	char name[64];
	uint16_t ee;
	size_t i;

	for (i = 0; i < sizeof(errors_ns) / sizeof(errors_ns[0]); i++) {
		ee = clock_encode_error_estimate(true, errors_ns[i]);
		snprintf(name, sizeof(name), "ee_tightest_%lluns",
			 (unsigned long long)errors_ns[i]);
		result(ee_is_tightest(ee, errors_ns[i]) && (ee & STAMP_EE_S) && !(ee & STAMP_EE_Z),
		       name, errors_ns[i], ee);
	}

	/* Below the 1 us floor the clock cannot vouch for: reported as 1 us. */
	ee = clock_encode_error_estimate(true, 0);
	result(ee == clock_encode_error_estimate(true, 1000) && (ee & 0xff), "ee_floor_1us", 0, ee);

	/* S follows synchronization; the multiplier is never 0. */
	ee = clock_encode_error_estimate(false, 16000000);
	result(!(ee & STAMP_EE_S) && (ee & 0xff) && ee_is_tightest(ee, 16000000), "ee_unsynced",
	       16000000, ee);

	/* TAI - UTC for PTP from the system's leap-seconds list. */
	leap_case("leap/current", leap_list, 3900000000ULL, 37, false);
	leap_case("leap/expired", leap_list, 4000000000ULL, 37, true);
	leap_case("leap/before-2017", leap_list, 3692217599ULL, 36, false);
	leap_case("leap/empty", "# nothing\n", 3900000000ULL, -1, false);

	/* The decoder the CLI prints with agrees with the wire definition. */
	ee = clock_encode_error_estimate(true, 1000000);
	result(fabsl((long double)clock_error_estimate_seconds(ee) - ee_seconds(ee)) < 1e-15L,
	       "ee_decode_seconds", 1000000, ee);

	/* An exhaustive sweep of microsecond errors up to 100 ms. */
	for (uint64_t us = 1; us <= 100000; us++) {
		ee = clock_encode_error_estimate(true, us * 1000);
		if (!ee_is_tightest(ee, us * 1000)) {
			result(false, "ee_sweep_1us_to_100ms", us * 1000, ee);
			return th_exit();
		}
	}
	result(true, "ee_sweep_1us_to_100ms", 0, 0);
	return th_exit();
}
