// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The continuous probe's bounded bookkeeping (probe_monitor.h). */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "probe_monitor.h"

#define NSEC_PER_MSEC 1000000LL
/* A ring never smaller than this: a few requests of slack cost nothing. */
#define MIN_RING 64

int probe_monitor_init(struct probe_monitor *m, uint32_t interval_ms, uint32_t timeout_ms)
{
	/* In flight at once: those sent within a timeout, the one sending, and slack. */
	uint64_t need = (uint64_t)timeout_ms / (interval_ms ? interval_ms : 1) + 3;
	uint32_t size = MIN_RING;

	*m = (struct probe_monitor){0};
	while (size < need)
		size *= 2;
	m->size = size;
	m->ring = calloc(size, sizeof(*m->ring));
	m->seq_by_id = calloc(size, sizeof(*m->seq_by_id));
	if (!m->ring || !m->seq_by_id) {
		probe_monitor_free(m);
		return cli_error("out of memory for %u requests in flight", size);
	}
	return 0;
}

void probe_monitor_free(struct probe_monitor *m)
{
	free(m->ring);
	free(m->seq_by_id);
	free(m->period.rtt);
	free(m->period.residence);
	free(m->period.forward);
	free(m->period.backward);
	memset(m, 0, sizeof(*m));
}

static void notify(struct probe_monitor *m, const struct probe_fig *f)
{
	if (m->hook)
		m->hook(m->hook_ctx, &m->totals, f);
}

void probe_monitor_changed(struct probe_monitor *m)
{
	notify(m, NULL);
}

struct probe_slot *probe_monitor_slot(const struct probe_monitor *m, uint32_t seq)
{
	struct probe_slot *s = &m->ring[seq & (m->size - 1)];

	if (s->state == PROBE_SLOT_FREE || (uint32_t)s->seq != seq)
		return NULL;
	return s;
}

static void lose(struct probe_monitor *m, struct probe_slot *s)
{
	s->state = PROBE_SLOT_LOST;
	m->period.c.lost++;
	m->totals.c.lost++;
}

struct probe_slot *probe_monitor_claim(struct probe_monitor *m, int64_t now_mono)
{
	struct probe_slot *s = &m->ring[m->next & (m->size - 1)];

	/* The ring is sized so this does not happen; if it did, the old one is lost. */
	if (s->state == PROBE_SLOT_SENT)
		lose(m, s);
	*s = (struct probe_slot){.seq = m->next++, .sent_mono = now_mono};
	if (m->oldest + m->size < m->next)
		m->oldest = m->next - m->size;
	return s;
}

void probe_monitor_sent(struct probe_monitor *m, struct probe_slot *s)
{
	s->state = PROBE_SLOT_SENT;
	m->period.c.sent++;
	m->totals.c.sent++;
	notify(m, NULL);
}

enum probe_seq_kind probe_monitor_reply(struct probe_monitor *m, uint32_t seq)
{
	struct probe_slot *s = probe_monitor_slot(m, seq);
	enum probe_seq_kind kind = PROBE_SEQ_FIRST;

	if (!s) {
		m->period.c.unknown++;
		m->totals.c.unknown++;
		return PROBE_SEQ_UNKNOWN;
	}
	switch (s->state) {
	case PROBE_SLOT_SENT:
		s->state = PROBE_SLOT_ANSWERED;
		m->period.c.received++;
		m->totals.c.received++;
		if (m->any_answered && s->seq < m->highest) {
			m->period.c.reordered++;
			m->totals.c.reordered++;
		} else {
			m->highest = s->seq;
		}
		m->any_answered = true;
		return PROBE_SEQ_FIRST;
	case PROBE_SLOT_ANSWERED:
		m->period.c.duplicates++;
		m->totals.c.duplicates++;
		kind = PROBE_SEQ_DUPLICATE;
		break;
	case PROBE_SLOT_LOST:
		/* Counted lost when its timeout passed: not received after all. */
		m->period.c.late++;
		m->totals.c.late++;
		kind = PROBE_SEQ_UNKNOWN;
		break;
	default:
		kind = PROBE_SEQ_UNKNOWN;
	}
	notify(m, NULL);
	return kind;
}

static void running_add(struct probe_running *r, double v)
{
	if (!r->n || v < r->min)
		r->min = v;
	if (!r->n || v > r->max)
		r->max = v;
	r->n++;
	r->sum += v;
	r->sumsq += v * v;
}

static double abs_d(double x)
{
	return x < 0 ? -x : x;
}

/* Room in the period's sample arrays for one more. */
static int period_grow(struct probe_period *p)
{
	double **arr[] = {&p->rtt, &p->residence, &p->forward, &p->backward};
	size_t cap = p->cap ? 2 * p->cap : 64, i;

	if (p->n < p->cap)
		return 0;
	for (i = 0; i < sizeof(arr) / sizeof(arr[0]); i++) {
		double *grown = realloc(*arr[i], cap * sizeof(double));

		if (!grown)
			return cli_error("out of memory for %zu replies in a period", cap);
		*arr[i] = grown;
	}
	p->cap = cap;
	return 0;
}

int probe_monitor_add(struct probe_monitor *m, const struct probe_fig *f)
{
	struct probe_period *p = &m->period;
	struct probe_totals *t = &m->totals;
	double rtt = f->rtt_ns / 1e3;

	if (period_grow(p))
		return -1;
	if (f->negative_rtt) {
		p->c.negative_rtt++;
		t->c.negative_rtt++;
	} else {
		p->rtt[p->n_rtt++] = rtt;
		if (t->rtt_us.n)
			t->jitter_us += (abs_d(rtt - t->last_rtt_us) - t->jitter_us) / 16.0;
		t->last_rtt_us = rtt;
		running_add(&t->rtt_us, rtt);
	}
	p->residence[p->n++] = f->residence_ns / 1e3;
	running_add(&t->residence_us, f->residence_ns / 1e3);
	if (f->synchronized) {
		p->forward[p->n_sync] = f->forward_ns / 1e3;
		p->backward[p->n_sync++] = f->backward_ns / 1e3;
		running_add(&t->forward_us, f->forward_ns / 1e3);
		running_add(&t->backward_us, f->backward_ns / 1e3);
		t->n_sync++;
	}
	p->tx = f->tx < p->tx ? f->tx : p->tx;
	p->rx = f->rx < p->rx ? f->rx : p->rx;
	notify(m, f);
	return 0;
}

void probe_monitor_expire(struct probe_monitor *m, int64_t now_mono, int64_t timeout_ns)
{
	bool any = false;

	while (m->oldest < m->next) {
		struct probe_slot *s = &m->ring[m->oldest & (m->size - 1)];

		if (s->state == PROBE_SLOT_SENT) {
			if (now_mono - s->sent_mono < timeout_ns)
				break;
			lose(m, s);
			any = true;
		}
		m->oldest++;
	}
	if (any)
		notify(m, NULL);
}

int64_t probe_monitor_next_expiry(const struct probe_monitor *m, int64_t timeout_ns)
{
	uint64_t seq;

	for (seq = m->oldest; seq < m->next; seq++) {
		const struct probe_slot *s = &m->ring[seq & (m->size - 1)];

		if (s->state == PROBE_SLOT_SENT)
			return s->sent_mono + timeout_ns;
	}
	return INT64_MAX;
}

uint64_t probe_monitor_in_flight(const struct probe_monitor *m)
{
	const struct probe_counts *c = &m->totals.c;

	return c->sent - c->received - c->lost;
}

void probe_monitor_new_period(struct probe_monitor *m, int64_t now_ns)
{
	struct probe_period *p = &m->period;

	p->c = (struct probe_counts){0};
	p->n = p->n_rtt = p->n_sync = 0;
	p->start_ns = now_ns;
	p->tx = p->rx = PROBE_TS_HARDWARE;
}

int probe_monitor_period_results(const struct probe_monitor *m, struct probe_results *res)
{
	const struct probe_period *p = &m->period;
	size_t n = p->n ? p->n : 1;
	double *rtt = malloc(n * sizeof(double)), *res_us = malloc(n * sizeof(double));

	*res = (struct probe_results){
		.sent = p->c.sent,
		.received = p->c.received,
		.lost = p->c.lost,
		.duplicates = p->c.duplicates,
		.reordered = p->c.reordered,
		.unknown_seq = p->c.unknown,
		.negative_rtt = p->c.negative_rtt,
		.tx = p->tx,
		.rx = p->rx,
	};
	if (!rtt || !res_us) {
		free(rtt);
		free(res_us);
		return cli_error("out of memory for %zu replies", n);
	}
	/* Loss among the requests decided this period: answered or timed out. */
	if (p->c.received + p->c.lost)
		res->loss_percent = 100.0 * (double)p->c.lost / (double)(p->c.received + p->c.lost);
	/* Copies: the summaries sort, jitter wants arrival order. */
	if (p->n) {
		memcpy(rtt, p->rtt, p->n_rtt * sizeof(double));
		memcpy(res_us, p->residence, p->n * sizeof(double));
	}
	res->have_jitter = p->n_rtt >= 2;
	res->jitter_us = probe_jitter(rtt, p->n_rtt);
	res->n_hist = probe_histogram(rtt, p->n_rtt, res->hist);
	probe_summarize(rtt, p->n_rtt, &res->rtt_us);
	probe_summarize(res_us, p->n, &res->residence_us);
	res->synchronized = p->n && p->n_sync == p->n;
	if (res->synchronized) {
		memcpy(rtt, p->forward, p->n_sync * sizeof(double));
		probe_summarize(rtt, p->n_sync, &res->forward_us);
		memcpy(rtt, p->backward, p->n_sync * sizeof(double));
		probe_summarize(rtt, p->n_sync, &res->backward_us);
	}
	free(rtt);
	free(res_us);
	return 0;
}
