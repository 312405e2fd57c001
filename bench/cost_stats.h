/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Summaries of a benchmark's per-round figures: median and spread. */
#ifndef STAMPEDE_BENCH_COST_STATS_H
#define STAMPEDE_BENCH_COST_STATS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Rounds a benchmark may run. */
#define MAX_RUNS 99

static inline int cost_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of n values (n >= 1, at most MAX_RUNS); an even n takes the mean of the middle two. */
static inline double median(const double *v, unsigned int n)
{
	double s[MAX_RUNS];

	memcpy(s, v, n * sizeof(*v));
	qsort(s, n, sizeof(*s), cost_cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static inline double min_of(const double *v, unsigned int n)
{
	double m = v[0];
	unsigned int i;

	for (i = 1; i < n; i++)
		if (v[i] < m)
			m = v[i];
	return m;
}

static inline double max_of(const double *v, unsigned int n)
{
	double m = v[0];
	unsigned int i;

	for (i = 1; i < n; i++)
		if (v[i] > m)
			m = v[i];
	return m;
}

static inline int cost_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* Mean of the middle half: fractional like a mean, deaf to outliers like a median. */
static inline double interquartile_mean(uint32_t *v, unsigned int n)
{
	unsigned int i, lo = n / 4, hi = n - n / 4;
	double sum = 0;

	qsort(v, n, sizeof(*v), cost_cmp_u32);
	for (i = lo; i < hi; i++)
		sum += v[i];
	return sum / (hi - lo);
}

#endif /* STAMPEDE_BENCH_COST_STATS_H */
