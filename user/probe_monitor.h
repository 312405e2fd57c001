/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The probe as a monitor (`probe HOST report SECS`, and the agent's
 * targets): it runs until stopped, so nothing may grow with the number of
 * requests.  The requests in flight live in a ring indexed by sequence
 * number modulo its size, large enough for every request a timeout can
 * keep waiting; a request whose timeout passes unanswered is lost then.
 * The statistics of a report period (its replies' figures) are reset when
 * the period is reported; the totals keep going, as running sums.
 */
#ifndef STAMPEDE_PROBE_MONITOR_H
#define STAMPEDE_PROBE_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"
#include "probe_figures.h"

/* A ring slot: one request, while it may still be answered. */
enum probe_slot_state {
	PROBE_SLOT_FREE,     /* never used, or a request the kernel would not send */
	PROBE_SLOT_SENT,     /* waiting for its reply */
	PROBE_SLOT_ANSWERED, /* answered (a copy more is a duplicate) */
	PROBE_SLOT_LOST,     /* its timeout passed: a reply now is late */
};

struct probe_slot {
	struct probe_sent sent;
	uint64_t seq;	   /* the full number; the wire carries its low 32 bits */
	int64_t sent_mono; /* CLOCK_MONOTONIC, for the timeout */
	enum probe_slot_state state;
};

/* Running figures over every reply: no sample is kept. */
struct probe_running {
	uint64_t n;
	double min, max, sum, sumsq;
};

/* What a period, or the whole run, counted. */
struct probe_counts {
	uint64_t sent, received, lost, duplicates, late, reordered, unknown, negative_rtt;
};

/* A report period's replies, kept until it is reported. */
struct probe_period {
	struct probe_counts c;
	int64_t start_ns; /* CLOCK_REALTIME */
	double *rtt, *residence, *forward, *backward;
	size_t n, n_rtt, n_sync, cap;
	enum probe_ts_source tx, rx; /* the least precise stamps a figure used */
};

/* Everything since the start. */
struct probe_totals {
	struct probe_counts c;
	struct probe_running rtt_us, residence_us, forward_us, backward_us;
	uint64_t n_sync;    /* replies with one-way figures */
	double jitter_us;   /* RFC 3550, over every RTT in arrival order */
	double last_rtt_us; /* for the next jitter step */
	uint64_t periods;   /* reported so far */
	int64_t start_ns;   /* CLOCK_REALTIME */
};

/*
 * Told of every request and reply as it happens (the agent's exported
 * metrics), from the probing thread: @f is the first reply's figures, or
 * NULL when only the counts changed.
 */
typedef void (*probe_monitor_hook)(void *ctx, const struct probe_totals *t,
				   const struct probe_fig *f);

struct probe_monitor {
	struct probe_slot *ring;
	uint32_t size;	  /* a power of two: seq % size stays right across 2^32 */
	uint64_t next;	  /* the number the next request gets */
	uint64_t oldest;  /* the oldest request that may still be waiting */
	uint64_t highest; /* highest number answered, for reordering */
	bool any_answered;
	uint32_t *seq_by_id; /* size entries: the kernel's TX stamp IDs, when it counts */
	struct probe_period period;
	struct probe_totals totals;
	probe_monitor_hook hook;
	void *hook_ctx;
};

/*
 * The ring for a run that sends every @interval_ms and waits @timeout_ms
 * for a reply: the next power of two above the requests that can be in
 * flight at once.  -1 (reported) when out of memory.
 */
int probe_monitor_init(struct probe_monitor *m, uint32_t interval_ms, uint32_t timeout_ms);
void probe_monitor_free(struct probe_monitor *m);

/* The slot request @seq (its low 32 bits, as on the wire) is in, or NULL when it left it. */
struct probe_slot *probe_monitor_slot(const struct probe_monitor *m, uint32_t seq);

/*
 * A slot for request m->next, taken from what was there before (still
 * waiting: lost now).  The caller fills it and calls
 * probe_monitor_sent() when the kernel took the request.
 */
struct probe_slot *probe_monitor_claim(struct probe_monitor *m, int64_t now_mono);
void probe_monitor_sent(struct probe_monitor *m, struct probe_slot *s);

/* What a reply to @seq is: as probe_book_reply() says, late replies counted. */
enum probe_seq_kind probe_monitor_reply(struct probe_monitor *m, uint32_t seq);

/* The figures of a first reply, into the period and the totals. */
int probe_monitor_add(struct probe_monitor *m, const struct probe_fig *f);

/* Requests whose timeout has passed unanswered by @now_mono: lost. */
void probe_monitor_expire(struct probe_monitor *m, int64_t now_mono, int64_t timeout_ns);

/* When the oldest waiting request times out (CLOCK_MONOTONIC), or INT64_MAX. */
int64_t probe_monitor_next_expiry(const struct probe_monitor *m, int64_t timeout_ns);

/* Requests sent and neither answered nor lost yet. */
uint64_t probe_monitor_in_flight(const struct probe_monitor *m);

/*
 * A count the run keeps itself changed (a reply whose HMAC did not
 * verify, probe_run.auth_failed): the hook is told, as of the monitor's.
 */
void probe_monitor_changed(struct probe_monitor *m);

/* A new period from @now_ns (CLOCK_REALTIME), the last one's figures dropped. */
void probe_monitor_new_period(struct probe_monitor *m, int64_t now_ns);

/* The period's figures as the counted run's results: summaries, jitter, histogram. */
int probe_monitor_period_results(const struct probe_monitor *m, struct probe_results *res);

#endif /* STAMPEDE_PROBE_MONITOR_H */
