// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* Order statistics, jitter, histogram and sequence bookkeeping of the probe. */
#include <stdlib.h>

#include "probe_stats.h"

#define PROBE_BOOK_SENT	    1
#define PROBE_BOOK_ANSWERED 2

/* The histogram aims at about this many bins before rounding the width. */
#define PROBE_HIST_TARGET_BINS 10

/*
 * The few bits of libm we need, here because stampede links no libm (the
 * Makefile keeps the binary's dependencies to libc).
 */
static double abs_d(double x)
{
	return x < 0 ? -x : x;
}

/* floor() for the magnitudes here (|x| < 2^62). */
static double floor_d(double x)
{
	double t = (double)(int64_t)x;

	return t > x ? t - 1 : t;
}

/* Newton's iteration; stops when the estimate no longer decreases. */
static double sqrt_d(double x)
{
	double r, next;

	if (!(x > 0))
		return 0;
	r = x > 1 ? x : 1;
	for (;;) {
		next = (r + x / r) / 2;
		if (next >= r)
			return r;
		r = next;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double probe_percentile(const double *sorted, size_t n, double pct)
{
	double rank, frac;
	size_t lo;

	if (n == 0)
		return 0;
	if (pct <= 0)
		return sorted[0];
	if (pct >= 100)
		return sorted[n - 1];
	rank = pct / 100.0 * (double)(n - 1);
	lo = (size_t)rank;
	frac = rank - (double)lo;
	if (lo + 1 >= n)
		return sorted[n - 1];
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

void probe_summarize(double *values, size_t n, struct probe_summary *s)
{
	double sum = 0, sq = 0;
	size_t i;

	*s = (struct probe_summary){.n = n};
	if (n == 0)
		return;
	qsort(values, n, sizeof(*values), cmp_double);
	for (i = 0; i < n; i++)
		sum += values[i];
	s->mean = sum / (double)n;
	/* Two passes: the sum of squared deviations does not cancel out. */
	for (i = 0; i < n; i++)
		sq += (values[i] - s->mean) * (values[i] - s->mean);
	s->stddev = sqrt_d(sq / (double)n);
	s->min = values[0];
	s->max = values[n - 1];
	s->median = probe_percentile(values, n, 50);
	s->p90 = probe_percentile(values, n, 90);
	s->p99 = probe_percentile(values, n, 99);
}

double probe_jitter(const double *values, size_t n)
{
	double j = 0;
	size_t i;

	for (i = 1; i < n; i++)
		j += (abs_d(values[i] - values[i - 1]) - j) / 16.0;
	return j;
}

/* The smallest 1, 2 or 5 times a power of ten that is >= @raw (> 0). */
static double round_width(double raw)
{
	static const double steps[] = {1, 2, 5};
	double decade = 1;
	size_t i;

	/* The power of ten at or below @raw (RTTs span ns to minutes). */
	while (decade > raw)
		decade /= 10;
	while (decade * 10 <= raw)
		decade *= 10;
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		if (steps[i] * decade >= raw * (1 - 1e-12))
			return steps[i] * decade;
	return 10 * decade;
}

/*
 * Bins with edges on the 1-2-5 scale (1, 2, 5, 10, 20, 50, ... us), or on
 * decades when those would be too many, from the edge at or below @min to
 * the first above @max; @min > 0.  Returns the number of bins.
 */
static size_t log_bins(double min, double max, struct probe_hist_bin *bins)
{
	static const double steps[] = {1, 2, 5};
	double decade = 1, edge, next;
	size_t n_bins = 0, s = 0, per_decade = 3, i;

	/* The decade at or below min, by multiplication: no libm. */
	while (decade > min)
		decade /= 10;
	while (decade * 10 <= min)
		decade *= 10;
	/* Too many decades for three bins each: one bin a decade. */
	for (edge = decade, i = 0; edge <= max; edge *= 10)
		i++;
	if (i * 3 > PROBE_HIST_MAX_BINS)
		per_decade = 1;
	/* The first edge: the largest step at or below min. */
	while (per_decade == 3 && s < 2 && decade * steps[s + 1] <= min)
		s++;
	edge = decade * (per_decade == 3 ? steps[s] : 1);
	while (n_bins < PROBE_HIST_MAX_BINS && edge <= max) {
		if (per_decade == 1) {
			next = edge * 10;
		} else {
			s = (s + 1) % 3;
			if (!s)
				decade *= 10;
			next = decade * steps[s];
		}
		bins[n_bins++] = (struct probe_hist_bin){.from = edge, .to = next};
		edge = next;
	}
	return n_bins;
}

size_t probe_histogram(const double *values, size_t n, struct probe_hist_bin *bins)
{
	double min, max, width, from;
	size_t i, n_bins, k;

	if (n == 0)
		return 0;
	min = max = values[0];
	for (i = 1; i < n; i++) {
		min = values[i] < min ? values[i] : min;
		max = values[i] > max ? values[i] : max;
	}
	/*
	 * A spread over two decades or more: equal widths would put nearly
	 * every value in the first bin and show the outliers alone.
	 */
	if (min > 0 && max >= PROBE_HIST_LOG_RATIO * min) {
		n_bins = log_bins(min, max, bins);
		for (i = 0; i < n; i++)
			for (k = n_bins; k-- > 0;)
				if (values[i] >= bins[k].from || !k) {
					bins[k].count++;
					break;
				}
		return n_bins;
	}
	/* Equal values, or a spread too small for a double to split. */
	if (!(max - min > 1e-9)) {
		width = 1;
		from = floor_d(min);
	} else {
		width = round_width((max - min) / PROBE_HIST_TARGET_BINS);
		from = floor_d(min / width) * width;
	}
	/* max - from < max - min + width <= 11 widths: at most 12 bins. */
	n_bins = (size_t)floor_d((max - from) / width) + 1;
	if (n_bins > PROBE_HIST_MAX_BINS)
		n_bins = PROBE_HIST_MAX_BINS;
	for (k = 0; k < n_bins; k++)
		bins[k] = (struct probe_hist_bin){
			.from = from + (double)k * width,
			.to = from + (double)(k + 1) * width,
		};
	for (i = 0; i < n; i++) {
		double pos = floor_d((values[i] - from) / width);

		/* Rounding may put an edge value one bin off the end. */
		k = pos < 0 ? 0 : (size_t)pos;
		bins[k < n_bins ? k : n_bins - 1].count++;
	}
	return n_bins;
}

int probe_book_init(struct probe_book *b, uint32_t capacity)
{
	*b = (struct probe_book){.capacity = capacity, .highest = -1};
	b->state = calloc(capacity ? capacity : 1, 1);
	return b->state ? 0 : -1;
}

void probe_book_free(struct probe_book *b)
{
	free(b->state);
	b->state = NULL;
}

void probe_book_sent(struct probe_book *b, uint32_t seq)
{
	if (seq >= b->capacity || (b->state[seq] & PROBE_BOOK_SENT))
		return;
	b->state[seq] |= PROBE_BOOK_SENT;
	b->sent++;
}

bool probe_book_was_sent(const struct probe_book *b, uint32_t seq)
{
	return seq < b->capacity && (b->state[seq] & PROBE_BOOK_SENT);
}

bool probe_book_answered(const struct probe_book *b, uint32_t seq)
{
	return seq < b->capacity && (b->state[seq] & PROBE_BOOK_ANSWERED);
}

enum probe_seq_kind probe_book_reply(struct probe_book *b, uint32_t seq)
{
	if (!probe_book_was_sent(b, seq)) {
		b->unknown++;
		return PROBE_SEQ_UNKNOWN;
	}
	if (b->state[seq] & PROBE_BOOK_ANSWERED) {
		b->duplicates++;
		return PROBE_SEQ_DUPLICATE;
	}
	b->state[seq] |= PROBE_BOOK_ANSWERED;
	b->answered++;
	if ((int64_t)seq < b->highest)
		b->reordered++;
	else
		b->highest = seq;
	return PROBE_SEQ_FIRST;
}

uint64_t probe_book_lost(const struct probe_book *b)
{
	return b->sent - b->answered;
}

uint64_t probe_book_sent_upto(const struct probe_book *b, uint32_t seq)
{
	uint64_t n = 0;
	uint32_t i;

	for (i = 0; i < b->capacity && i <= seq; i++)
		n += (b->state[i] & PROBE_BOOK_SENT) != 0;
	return n;
}

void probe_direction_loss(uint64_t sent_upto, uint32_t highest_reflector_seq, uint64_t received,
			  uint64_t lost, struct probe_direction_loss *out)
{
	uint64_t reflected = (uint64_t)highest_reflector_seq + 1;

	*out = (struct probe_direction_loss){0};
	if (received == 0 || reflected > sent_upto || received > reflected)
		return;
	out->forward = sent_upto - reflected;
	out->backward = reflected - received;
	if (out->forward + out->backward > lost)
		return;
	out->unknown = lost - out->forward - out->backward;
	out->known = true;
}

bool probe_reflector_looks_stateless(const struct probe_book *b, bool every_reply_echoed)
{
	uint32_t seq;

	if (!every_reply_echoed || b->highest < 0)
		return false;
	for (seq = 0; seq < (uint32_t)b->highest; seq++)
		if (probe_book_was_sent(b, seq) && !probe_book_answered(b, seq))
			return true;
	return false;
}
