/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Prometheus families of the agent's probe targets ([target NAME]),
 * labelled target="NAME": the RTT as a histogram of fixed buckets, the
 * requests sent, replies received, requests lost, late replies and
 * replies whose HMAC did not verify as counters, the jitter, and the
 * one-way delays only when both ends said their clocks were synchronized.
 */
#ifndef STAMPEDE_METRICS_PROBE_H
#define STAMPEDE_METRICS_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * The RTT buckets' upper bounds in seconds, fixed so that series of
 * every target and every agent add up: 50 us to 2.5 s on the 1-2.5-5
 * scale, then +Inf.  Documented in stampede.conf(5).
 */
#define METRICS_RTT_BUCKETS 15
extern const double metrics_rtt_buckets[METRICS_RTT_BUCKETS];

struct metrics_target {
	char name[64];
	uint64_t sent, received, lost, late, duplicates;
	uint64_t auth_failed; /* replies whose HMAC (HMAC TLV) did not verify */
	/* Replies by RTT: count[i] those up to bucket i (not cumulative), the rest over. */
	uint64_t bucket[METRICS_RTT_BUCKETS + 1];
	uint64_t rtt_count; /* replies with an RTT (a negative one is none) */
	double rtt_sum_s;
	bool have_jitter;
	double jitter_s; /* RFC 3550, over every RTT */
	/* The last reply's one-way delays, when both ends were synchronized for it. */
	bool synchronized;
	double forward_s, backward_s;
};

/* One reply's RTT (seconds, >= 0) into @t's histogram. */
void metrics_target_add_rtt(struct metrics_target *t, double rtt_s);

/* The families of @n targets; nothing when @n is 0. */
void metrics_probe_print(FILE *out, const struct metrics_target *t, size_t n);

#endif /* STAMPEDE_METRICS_PROBE_H */
