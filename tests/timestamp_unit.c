// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Unit tests of the data path's division-free time arithmetic
 * (include/ns_fixed32.h), against exact 128-bit integer arithmetic done
 * here: ns * 2^32 / 10^9 for NTP timestamps, and the seconds/nanoseconds
 * split for PTP ones.  The BPF program encodes with the same header; the
 * reflector tests (xdp_unit) check the encoded timestamps on the wire.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ns_fixed32.h"
#include "harness.h"

#define NSEC 1000000000ULL
/* PTP's 32-bit seconds end here; the split is exact below it. */
#define SPLIT_LIMIT_NS (NSEC << 32)

/* Exact ns * 2^32 / 10^9 rounded down, modulo 2^64 like the wire format. */
static uint64_t exact_fixed32(uint64_t ns)
{
	return (uint64_t)(((unsigned __int128)ns << 32) / NSEC);
}

/* The documented bound: the exact value or up to 3 units of 2^-32 s below. */
static bool fixed32_ok(uint64_t ns, uint64_t *shortfall)
{
	*shortfall = exact_fixed32(ns) - ns_to_fixed32(ns);
	return *shortfall <= 3;
}

static bool split_ok(uint64_t ns)
{
	uint32_t nsec;
	uint64_t sec = ns_split_seconds(ns, &nsec);

	return sec == ns / NSEC && nsec == ns % NSEC;
}

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void report(bool ok, const char *name, uint64_t ns, const char *why)
{
	th_result(name, ok, "%s at ns %llu", why, (unsigned long long)ns);
}

/* Instants around second boundaries, where a split goes wrong if it can. */
static bool for_each_edge(bool (*check)(uint64_t ns, uint64_t *bad), uint64_t limit, uint64_t *bad)
{
	static const uint64_t secs[] = {0,
					1,
					2,
					59,
					3600,
					86400,
					1000000000ULL,
					1798000000ULL, /* 2026 */
					2085978495ULL, /* the NTP era turns over near here */
					(1ULL << 31),
					(1ULL << 32) - 2,
					(1ULL << 32) - 1};
	static const int64_t offs[] = {-3, -2, -1, 0, 1, 2, 3, 499999999, 999999999};

	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++)
		for (size_t j = 0; j < sizeof(offs) / sizeof(offs[0]); j++) {
			uint64_t ns = secs[i] * NSEC + (uint64_t)offs[j];

			if ((offs[j] < 0 && secs[i] == 0) || ns >= limit)
				continue;
			if (!check(ns, bad))
				return false;
		}
	return true;
}

static bool check_fixed32(uint64_t ns, uint64_t *bad)
{
	uint64_t shortfall;

	*bad = ns;
	return fixed32_ok(ns, &shortfall);
}

static bool check_split(uint64_t ns, uint64_t *bad)
{
	*bad = ns;
	return split_ok(ns);
}

int main(void)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL, ns, bad = 0, shortfall, worst = 0;
	bool ok;

	report(ns_to_fixed32(0) == 0, "fixed32_zero", 0, "0 ns is not 0");
	report(fixed32_ok(NSEC, &shortfall), "fixed32_one_second", NSEC,
	       "one second is more than 3 units below 1.0");
	report(for_each_edge(check_fixed32, UINT64_MAX, &bad), "fixed32_second_edges", bad,
	       "more than 3 units below the exact value");

	/* Every magnitude, up to the largest 64-bit count of nanoseconds. */
	ok = true;
	for (int i = 0; i < 2000000 && ok; i++) {
		ns = xorshift(&seed) >> (i % 64);
		ok = fixed32_ok(ns, &shortfall);
		worst = shortfall > worst ? shortfall : worst;
		bad = ns;
	}
	ok = ok && fixed32_ok(UINT64_MAX, &shortfall);
	report(ok, "fixed32_random_2e6", bad, "more than 3 units below the exact value");
	printf("# fixed32: largest shortfall seen %llu units of 2^-32 s\n",
	       (unsigned long long)worst);

	report(for_each_edge(check_split, SPLIT_LIMIT_NS, &bad), "split_second_edges", bad,
	       "seconds or nanoseconds differ from ns / 10^9, ns % 10^9");
	ok = true;
	for (int i = 0; i < 2000000 && ok; i++) {
		ns = xorshift(&seed) % SPLIT_LIMIT_NS;
		ok = split_ok(ns);
		bad = ns;
	}
	report(ok, "split_random_2e6", bad, "seconds or nanoseconds differ");

	/*
	 * The first instants of many consecutive seconds around now (2026):
	 * where the fixed-point seconds fall one short and the split must
	 * carry the remainder over.  The sweep must meet that case.
	 */
	ok = true;
	unsigned long carried = 0;
	for (uint64_t s = 1798000000ULL; s < 1798000000ULL + 100000 && ok; s++)
		for (uint64_t d = 0; d < 4 && ok; d++) {
			ns = s * NSEC + d;
			carried += (ns_to_fixed32(ns) >> 32) != s;
			ok = split_ok(ns) && fixed32_ok(ns, &shortfall);
			bad = ns;
		}
	report(ok, "split_and_fixed32_second_starts_sweep", bad, "wrong near a second's start");
	report(carried > 0, "split_carry_case_met", 0, "the sweep never met a short second");
	printf("# split: %lu of 400000 instants needed the carry\n", carried);
	return th_exit();
}
