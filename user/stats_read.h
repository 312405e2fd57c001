/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * A reflector's per-CPU counters summed over the CPUs: what `stats show`
 * prints and the Prometheus exposition (metrics.c) renders, read by one
 * piece of code so that the two never disagree.
 */
#ifndef STAMPEDE_STATS_READ_H
#define STAMPEDE_STATS_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "attached.h"
#include "stampede_kern_user.h"

/* One counter of STAMPEDE_COUNTERS: its field name, class and meaning. */
struct stats_counter_desc {
	const char *name;
	enum stampede_counter_class class;
	const char *desc;
	size_t offset;
};

extern const struct stats_counter_desc stats_counters[STAMPEDE_CNT_MAX];

struct stats_access_count {
	__u32 key; /* (Access ID << 8) | Return Code */
	uint64_t count;
};

struct stats_totals {
	uint64_t count[STAMPEDE_CNT_MAX];
	uint64_t by_class[STAMPEDE_CLASS_EVENT + 1];
	bool have_tlvs; /* the tlv_stats map is pinned (not an older reflector) */
	struct stampede_tlv_counters tlvs[STAMPEDE_TLV_STATS_TYPES];
	bool have_access;
	unsigned int n_access;
	struct stats_access_count access[STAMPEDE_ACCESS_REPORT_KEYS];
};

/*
 * Whether @a's counter maps have this stampede's layout; reported when
 * not.  stats_read() checks; a writer (stats reset) must check first.
 */
int stats_maps_check(const struct attached *a);

/* Sum @a's stats, tlv_stats and access_reports maps into @t (64 KiB: not on the stack). */
int stats_read(const struct attached *a, struct stats_totals *t);

/* Every frame the program saw: each ends in exactly one outcome, pass or drop counter. */
static inline uint64_t stats_received(const struct stats_totals *t)
{
	return t->by_class[STAMPEDE_CLASS_OUTCOME] + t->by_class[STAMPEDE_CLASS_PASS] +
	       t->by_class[STAMPEDE_CLASS_DROP];
}

/* A row of stampede_tlv_stats.type: the TLV type's name, "other" for row 0 (any other type). */
const char *stats_tlv_row_name(unsigned int row);

/* A per-CPU map value: one struct per possible CPU, each 8-byte aligned. */
static inline size_t stats_percpu_stride(size_t size)
{
	return (size + 7) & ~(size_t)7;
}

#endif /* STAMPEDE_STATS_READ_H */
