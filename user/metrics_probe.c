// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The probe targets' Prometheus families (metrics_probe.h). */
#include <inttypes.h>
#include <stddef.h>

#include "metrics_probe.h"

const double metrics_rtt_buckets[METRICS_RTT_BUCKETS] = {
	0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
	0.025,	 0.05,	 0.1,	  0.25,	  0.5,	 1,	 2.5,
};

void metrics_target_add_rtt(struct metrics_target *t, double rtt_s)
{
	size_t i;

	for (i = 0; i < METRICS_RTT_BUCKETS && rtt_s > metrics_rtt_buckets[i]; i++)
		;
	t->bucket[i]++;
	t->rtt_count++;
	t->rtt_sum_s += rtt_s;
}

static void family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* Target names are checked when the file is read: no quote, no backslash, no newline. */
static void counter(FILE *out, const char *name, const char *help, const struct metrics_target *t,
		    size_t n, size_t offset)
{
	size_t j;

	family(out, name, "counter", help);
	for (j = 0; j < n; j++)
		fprintf(out, "%s{target=\"%s\"} %" PRIu64 "\n", name, t[j].name,
			*(const uint64_t *)((const char *)&t[j] + offset));
}

static void histogram(FILE *out, const struct metrics_target *t, size_t n)
{
	const char *name = "stampede_probe_rtt_seconds";
	uint64_t cum;
	size_t j, i;

	family(out, name, "histogram",
	       "Round-trip time of the replies to the target, less the reflector's residence"
	       " (T4 - T1) - (T3 - T2).");
	for (j = 0; j < n; j++) {
		for (cum = 0, i = 0; i < METRICS_RTT_BUCKETS; i++) {
			cum += t[j].bucket[i];
			fprintf(out, "%s_bucket{target=\"%s\",le=\"%g\"} %" PRIu64 "\n", name,
				t[j].name, metrics_rtt_buckets[i], cum);
		}
		fprintf(out, "%s_bucket{target=\"%s\",le=\"+Inf\"} %" PRIu64 "\n", name, t[j].name,
			t[j].rtt_count);
		fprintf(out, "%s_sum{target=\"%s\"} %.9g\n", name, t[j].name, t[j].rtt_sum_s);
		fprintf(out, "%s_count{target=\"%s\"} %" PRIu64 "\n", name, t[j].name,
			t[j].rtt_count);
	}
}

void metrics_probe_print(FILE *out, const struct metrics_target *t, size_t n)
{
	size_t j;

	if (!n)
		return;
	histogram(out, t, n);
	counter(out, "stampede_probe_sent_total", "Requests sent to the target.", t, n,
		offsetof(struct metrics_target, sent));
	counter(out, "stampede_probe_received_total",
		"First replies received from the target in time (duplicates and late ones"
		" are not).",
		t, n, offsetof(struct metrics_target, received));
	counter(out, "stampede_probe_lost_total",
		"Requests not answered within the timeout after they were sent.", t, n,
		offsetof(struct metrics_target, lost));
	counter(out, "stampede_probe_late_total", "Replies to requests already counted lost.", t, n,
		offsetof(struct metrics_target, late));
	counter(out, "stampede_probe_duplicates_total", "Replies more to an answered request.", t,
		n, offsetof(struct metrics_target, duplicates));
	counter(out, "stampede_probe_auth_failed_total",
		"Replies whose HMAC (auth-key) or HMAC TLV (hmac-key) did not verify, never"
		" counted received; 0 without a key.",
		t, n, offsetof(struct metrics_target, auth_failed));
	family(out, "stampede_probe_jitter_seconds", "gauge",
	       "RFC 3550 interarrival jitter of the round-trip times.");
	for (j = 0; j < n; j++)
		if (t[j].have_jitter)
			fprintf(out, "stampede_probe_jitter_seconds{target=\"%s\"} %.9g\n",
				t[j].name, t[j].jitter_s);
	family(out, "stampede_probe_one_way_delay_seconds", "gauge",
	       "The last reply's one-way delay, forward (T2 - T1) or backward (T4 - T3); only"
	       " while both ends say their clocks are synchronized.");
	for (j = 0; j < n; j++) {
		if (!t[j].synchronized)
			continue;
		fprintf(out,
			"stampede_probe_one_way_delay_seconds{target=\"%s\",direction=\"forward\"}"
			" %.9g\n",
			t[j].name, t[j].forward_s);
		fprintf(out,
			"stampede_probe_one_way_delay_seconds{target=\"%s\",direction=\"backward\"}"
			" %.9g\n",
			t[j].name, t[j].backward_s);
	}
}
