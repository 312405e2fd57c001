/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * What the replies mean: per reply RTT = (T4 - T1) - (T3 - T2), residence
 * T3 - T2, one-way delays when both clocks say they are synchronized, hops;
 * and over the run the statistics the report prints.
 */
#ifndef STAMPEDE_PROBE_FIGURES_H
#define STAMPEDE_PROBE_FIGURES_H

#include "probe.h"

/* The figures of one reply. */
struct probe_fig {
	int64_t t1_ns, t4_ns;	     /* UTC: software stamps, or user-space ones */
	enum probe_ts_source tx, rx; /* the stamps the RTT was computed from */
	int64_t rtt_ns, residence_ns;
	/*
	 * RTT below 0: no path is that fast, so a timestamp is wrong (a clock
	 * stepped, a reflector's T3 - T2 overstated).  The figure is kept
	 * for the record but left out of the run's RTT statistics.
	 */
	bool negative_rtt;
	bool synchronized; /* our S bit and the reflector's: one-way delays mean something */
	int64_t forward_ns, backward_ns; /* T2 - T1 and T4 - T3, when synchronized */
	int hops;			 /* our TTL - Ses-Sender TTL; -1 unknown */
};

void probe_reply_figures(const struct probe_run *run, const struct probe_rec *rec,
			 struct probe_fig *f);

/* The run's figures, over the first reply to each request (duplicates left out). */
struct probe_results {
	uint64_t sent, received, lost, duplicates, reordered, unknown_seq;
	double loss_percent;
	/*
	 * The requests asked for no reply (Return Path "no reply", RFC 9503):
	 * a request unanswered is no loss, so there is no loss figure.
	 */
	bool no_reply_requested;
	/* rtt_us, jitter and histogram leave out negative RTTs: rtt_us.n may be < received. */
	struct probe_summary rtt_us, residence_us, forward_us, backward_us;
	uint64_t negative_rtt; /* first replies whose RTT came out below 0 */
	bool synchronized;     /* every reply was: forward_us and backward_us are set */
	bool have_jitter;
	double jitter_us;
	struct probe_hist_bin hist[PROBE_HIST_MAX_BINS];
	size_t n_hist;
	enum probe_ts_source tx, rx; /* the least precise stamps any figure used */
	bool stateful;
	bool looks_stateless; /* stateful asked for, replies say otherwise: direction unknown */
	struct probe_direction_loss direction;
};

int probe_results_compute(const struct probe_run *run, struct probe_results *res);

#endif /* STAMPEDE_PROBE_FIGURES_H */
