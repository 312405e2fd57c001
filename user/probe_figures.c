// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Per-reply figures and the run's statistics. */
#include <stdlib.h>

#include "probe_figures.h"

const char *const probe_ts_source_names[] = {
	[PROBE_TS_USER] = "user",
	[PROBE_TS_SOFTWARE] = "software",
	[PROBE_TS_HARDWARE] = "hardware",
	NULL,
};

/* The best UTC stamp of a pair: software, else the user-space one. */
static int64_t utc_stamp(int64_t sw_ns, int64_t user_ns, enum probe_ts_source *src)
{
	*src = sw_ns ? PROBE_TS_SOFTWARE : PROBE_TS_USER;
	return sw_ns ? sw_ns : user_ns;
}

void probe_reply_figures(const struct probe_run *run, const struct probe_rec *rec,
			 struct probe_fig *f)
{
	const struct probe_reply *r = &rec->reply;
	static const struct probe_sent none;
	const struct probe_sent *s = probe_run_sent(run, r->sender_seq);
	int64_t t1, t4;

	/* Every reply taken matched a request sent: this is only a guard. */
	if (!s)
		s = &none;

	*f = (struct probe_fig){.hops = -1};
	f->t1_ns = utc_stamp(s->t1_sw_ns, s->t1_user_ns, &f->tx);
	f->t4_ns = utc_stamp(rec->t4_sw_ns, rec->t4_user_ns, &f->rx);
	t1 = f->t1_ns;
	t4 = f->t4_ns;
	/* Hardware stamps are the NIC's clock: good for a difference of two of them only. */
	if (s->t1_hw_ns && rec->t4_hw_ns) {
		t1 = s->t1_hw_ns;
		t4 = rec->t4_hw_ns;
		f->tx = f->rx = PROBE_TS_HARDWARE;
	}
	f->residence_ns = r->t3_ns - r->t2_ns;
	f->rtt_ns = (t4 - t1) - f->residence_ns;
	f->negative_rtt = f->rtt_ns < 0;
	/* A Multiplier of 0 is not a valid estimate (RFC 4656 4.1.2): not synchronized then. */
	f->synchronized = (s->error_estimate & STAMP_EE_S) && (r->reflector_ee & STAMP_EE_S) &&
			  (r->reflector_ee & STAMP_EE_MULT_MASK);
	/*
	 * PTP timestamps are TAI; ours are UTC.  Without this host's TAI
	 * offset (a synchronized clock often runs without one) they would
	 * differ by the leap seconds, 37 s: not comparable, so no one-way
	 * figures.
	 */
	if ((r->reflector_ee & STAMP_EE_Z) && !run->tai_offset_ns)
		f->synchronized = false;
	if (f->synchronized) {
		f->forward_ns = r->t2_ns - f->t1_ns;
		f->backward_ns = f->t4_ns - r->t3_ns;
	}
	if (r->has_ttl && r->sender_ttl <= run->opts->ttl)
		f->hops = run->opts->ttl - r->sender_ttl;
}

/* The sources the requests' stamps came from, when no reply tells. */
static enum probe_ts_source sent_tx_source(const struct probe_run *run)
{
	enum probe_ts_source src = PROBE_TS_HARDWARE;
	bool any = false;
	uint32_t i;

	for (i = 0; i < run->opts->count; i++) {
		const struct probe_sent *s = &run->sent[i];

		if (!probe_book_was_sent(&run->book, i))
			continue;
		any = true;
		if (!s->t1_hw_ns && src == PROBE_TS_HARDWARE)
			src = PROBE_TS_SOFTWARE;
		if (!s->t1_sw_ns && !s->t1_hw_ns)
			src = PROBE_TS_USER;
	}
	if (!any)
		return run->sock.tx_stamps ? PROBE_TS_SOFTWARE : PROBE_TS_USER;
	return src;
}

struct samples {
	double *rtt, *residence, *forward, *backward;
	size_t n, n_rtt, n_sync;
};

static int samples_alloc(struct samples *sm, size_t n)
{
	*sm = (struct samples){0};
	/* calloc(0) may give NULL: ask for one at least. */
	n = n ? n : 1;
	sm->rtt = calloc(n, sizeof(double));
	sm->residence = calloc(n, sizeof(double));
	sm->forward = calloc(n, sizeof(double));
	sm->backward = calloc(n, sizeof(double));
	return sm->rtt && sm->residence && sm->forward && sm->backward ? 0 : -1;
}

static void samples_free(struct samples *sm)
{
	free(sm->rtt);
	free(sm->residence);
	free(sm->forward);
	free(sm->backward);
}

/*
 * Loss told forward and backward from the highest reflector sequence
 * number and the request it answered; not when the replies only echo our
 * numbers across a gap (a stateless reflector, or backward loss only).
 */
static void stateful_loss(const struct probe_run *run, struct probe_results *res)
{
	uint32_t highest = 0, seq_of_highest = 0;
	bool any = false, echoed = true;
	size_t i;

	for (i = 0; i < run->n_recs; i++) {
		const struct probe_reply *r = &run->recs[i].reply;

		if (run->recs[i].duplicate)
			continue;
		echoed = echoed && r->reflector_seq == r->sender_seq;
		if (any && r->reflector_seq <= highest)
			continue;
		highest = r->reflector_seq;
		seq_of_highest = r->sender_seq;
		any = true;
	}
	res->looks_stateless = probe_reflector_looks_stateless(&run->book, any && echoed);
	if (any && !res->looks_stateless)
		probe_direction_loss(probe_book_sent_upto(&run->book, seq_of_highest), highest,
				     res->received, res->lost, &res->direction);
}

int probe_results_compute(const struct probe_run *run, struct probe_results *res)
{
	struct samples sm;
	struct probe_fig f;
	size_t i;

	*res = (struct probe_results){
		.sent = run->book.sent,
		.received = run->book.answered,
		.lost = probe_book_lost(&run->book),
		.duplicates = run->book.duplicates,
		.reordered = run->book.reordered,
		.unknown_seq = run->book.unknown,
		.tx = PROBE_TS_HARDWARE,
		.rx = PROBE_TS_HARDWARE,
		.stateful = run->opts->stateful,
		.no_reply_requested = run->opts->tlvs.no_reply,
	};
	if (res->sent)
		res->loss_percent = 100.0 * (double)res->lost / (double)res->sent;
	if (samples_alloc(&sm, run->n_recs)) {
		samples_free(&sm);
		return cli_error("out of memory for %zu replies", run->n_recs);
	}
	for (i = 0; i < run->n_recs; i++) {
		if (run->recs[i].duplicate)
			continue;
		probe_reply_figures(run, &run->recs[i], &f);
		if (f.negative_rtt)
			res->negative_rtt++;
		else
			sm.rtt[sm.n_rtt++] = f.rtt_ns / 1e3;
		sm.residence[sm.n] = f.residence_ns / 1e3;
		sm.n++;
		if (f.synchronized) {
			sm.forward[sm.n_sync] = f.forward_ns / 1e3;
			sm.backward[sm.n_sync] = f.backward_ns / 1e3;
			sm.n_sync++;
		}
		res->tx = f.tx < res->tx ? f.tx : res->tx;
		res->rx = f.rx < res->rx ? f.rx : res->rx;
	}
	if (!sm.n) {
		res->tx = sent_tx_source(run);
		res->rx = run->sock.rx_stamps ? PROBE_TS_SOFTWARE : PROBE_TS_USER;
	}
	/* Jitter in arrival order, before the summaries sort the samples. */
	res->have_jitter = sm.n_rtt >= 2;
	res->jitter_us = probe_jitter(sm.rtt, sm.n_rtt);
	res->n_hist = probe_histogram(sm.rtt, sm.n_rtt, res->hist);
	probe_summarize(sm.rtt, sm.n_rtt, &res->rtt_us);
	probe_summarize(sm.residence, sm.n, &res->residence_us);
	res->synchronized = sm.n && sm.n_sync == sm.n;
	if (res->synchronized) {
		probe_summarize(sm.forward, sm.n_sync, &res->forward_us);
		probe_summarize(sm.backward, sm.n_sync, &res->backward_us);
	}
	if (res->stateful)
		stateful_loss(run, res);
	samples_free(&sm);
	return 0;
}
