/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The probe's arithmetic, pure and separately testable: order statistics,
 * standard deviation, RFC 3550 jitter, the RTT histogram, and the sequence
 * number bookkeeping (loss, duplicates, reordering, directional loss).
 */
#ifndef STAMPEDE_PROBE_STATS_H
#define STAMPEDE_PROBE_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Order statistics of a sample. */
struct probe_summary {
	size_t n;
	double min, mean, median, p90, p99, max;
	double stddev; /* population (divides by n), as ping's mdev */
};

/*
 * The @pct percentile (0..100) of @sorted (ascending, @n >= 1): linear
 * interpolation between the closest ranks, rank = pct / 100 * (n - 1)
 * counted from 0 (Hyndman and Fan's type 7, numpy's default), so the
 * median of an even sample is the mean of the middle two.
 */
double probe_percentile(const double *sorted, size_t n, double pct);

/* Summarize @values (@n >= 1); sorts them in place. */
void probe_summarize(double *values, size_t n, struct probe_summary *s);

/*
 * RFC 3550 6.4.1 interarrival jitter over @values in arrival order: J
 * starts at 0 and for each consecutive pair moves 1/16 of the way to
 * |D| = |v[i] - v[i-1]|.  Needs @n >= 2 (0 otherwise).
 */
double probe_jitter(const double *values, size_t n);

#define PROBE_HIST_MAX_BINS 12

struct probe_hist_bin {
	double from, to; /* [from, to) */
	size_t count;
};

/* The spread (max / min) from which the histogram's bins grow geometrically. */
#define PROBE_HIST_LOG_RATIO 100

/*
 * A histogram of @values (@n >= 1) in at most PROBE_HIST_MAX_BINS bins of
 * equal width: the smallest 1, 2 or 5 times a power of ten that covers
 * (max - min) / 10, the first bin starting at the multiple of the width at
 * or below min, so the edges are round numbers.  All values equal: one bin
 * of width 1 from floor(min).  When max is PROBE_HIST_LOG_RATIO times min
 * or more, the edges grow instead: 1, 2, 5, 10, 20, 50 ... (decades when
 * that takes more than PROBE_HIST_MAX_BINS bins).  Returns the number of bins.
 */
size_t probe_histogram(const double *values, size_t n, struct probe_hist_bin *bins);

/* What a reply's sender sequence number is to the bookkeeping. */
enum probe_seq_kind {
	PROBE_SEQ_FIRST,     /* the first reply to a request we sent */
	PROBE_SEQ_DUPLICATE, /* one more reply to an answered request */
	PROBE_SEQ_UNKNOWN,   /* no request of ours had this number */
};

/* Sequence numbers 0..capacity-1, each sent or not, answered or not. */
struct probe_book {
	uint32_t capacity;
	uint8_t *state; /* per number: PROBE_BOOK_* bits */
	uint64_t sent, answered, duplicates, reordered, unknown;
	int64_t highest; /* highest number answered so far, -1 for none */
};

int probe_book_init(struct probe_book *b, uint32_t capacity);
void probe_book_free(struct probe_book *b);
void probe_book_sent(struct probe_book *b, uint32_t seq);
bool probe_book_was_sent(const struct probe_book *b, uint32_t seq);
bool probe_book_answered(const struct probe_book *b, uint32_t seq);

/*
 * Account one reply to @seq.  A first reply whose number is below the
 * highest answered before it counts as reordered (it arrived late).
 */
enum probe_seq_kind probe_book_reply(struct probe_book *b, uint32_t seq);

/* Sent and never answered. */
uint64_t probe_book_lost(const struct probe_book *b);

/* The numbers sent up to and including @seq. */
uint64_t probe_book_sent_upto(const struct probe_book *b, uint32_t seq);

/*
 * RFC 8762 4.3.2: a stateful reflector numbers what it received, from 0.
 * With its highest number R (on the reply to our request @seq_of_r), it
 * had received R + 1 of the @sent_upto requests we sent up to @seq_of_r:
 * the rest were lost forward; of its R + 1 replies we got @received: the
 * rest were lost backward.  Requests after @seq_of_r that got no reply
 * cannot be told apart.  Unknown (false) when the numbers do not fit a
 * session counted from 0 (a reused session, a reflector that is not
 * stateful).
 */
struct probe_direction_loss {
	bool known;
	uint64_t forward, backward, unknown;
};

void probe_direction_loss(uint64_t sent_upto, uint32_t highest_reflector_seq, uint64_t received,
			  uint64_t lost, struct probe_direction_loss *out);

/*
 * Whether a reflector taken for stateful answers as a stateless one: every
 * reply carried our own sequence number back as the reflector's
 * (@every_reply_echoed), although a request before the highest one
 * answered was lost.  A stateful reflector would have numbered past that
 * gap one lower, had the request been lost forward; so either it echoes
 * our numbers (stateless), or every loss was backward: the numbers cannot
 * tell which, and the direction of the loss stays unknown.
 */
bool probe_reflector_looks_stateless(const struct probe_book *b, bool every_reply_echoed);

#endif /* STAMPEDE_PROBE_STATS_H */
