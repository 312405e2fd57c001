// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Summing a reflector's per-CPU counter maps.  The counters come from the
 * STAMPEDE_COUNTERS X-macro, so one added to the data path shows up in
 * `stats show` and the metrics without a change here.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "stamp_tlv_names.h"
#include "stats_read.h"

const struct stats_counter_desc stats_counters[STAMPEDE_CNT_MAX] = {
#define COUNTER_DESC(name, class, desc)                               \
	[STAMPEDE_CNT_##name] = {#name, STAMPEDE_CLASS_##class, desc, \
				 offsetof(struct stampede_stats, name)},
	STAMPEDE_COUNTERS(COUNTER_DESC)
#undef COUNTER_DESC
};

/* A row of stampede_tlv_stats.type: the TLV type's name, "other" for row 0 (any other type). */
const char *stats_tlv_row_name(unsigned int row)
{
	const char *name = row ? stamp_tlv_name(row) : NULL;

	return name ? name : "other";
}

/*
 * The kernel copies a per-CPU value of the map's own size for every CPU:
 * a map made by a stampede with other counters (a binary upgraded under
 * an attached reflector) would overrun our buffers, so it is refused.
 */
static int check_value_size(const struct attached *a, int i, size_t want)
{
	struct bpf_map_info info = {0};
	__u32 len = sizeof(info);

	if (a->map_fd[i] < 0)
		return 0; /* an optional map the reflector does not have */
	if (bpf_obj_get_info_by_fd(a->map_fd[i], &info, &len))
		return cli_error("dev %s: cannot read the %s map: %s", a->ifname, pin_map_names[i],
				 strerror(errno));
	if (info.value_size != want)
		return cli_error("dev %s: the %s map was made by another version of stampede"
				 " (%u-byte values, not %zu); detach and attach again",
				 a->ifname, pin_map_names[i], info.value_size, want);
	return 0;
}

int stats_maps_check(const struct attached *a)
{
	return check_value_size(a, PIN_MAP_stats, sizeof(struct stampede_stats)) ?:
		       check_value_size(a, PIN_MAP_tlv_stats, sizeof(struct stampede_tlv_stats)) ?:
		       check_value_size(a, PIN_MAP_access_reports, sizeof(uint64_t));
}

/* The tlv_stats map summed over the CPUs; absent on an older reflector. */
static int read_tlvs(const struct attached *a, int ncpus, struct stats_totals *t)
{
	size_t stride = stats_percpu_stride(sizeof(struct stampede_tlv_stats));
	int fd = a->map_fd[PIN_MAP_tlv_stats];
	__u32 key = 0;
	char *values;
	int cpu, i;

	if (fd < 0)
		return 0;
	values = calloc(ncpus, stride);
	if (!values)
		return cli_error("out of memory");
	if (bpf_map_lookup_elem(fd, &key, values)) {
		free(values);
		return cli_error("dev %s: cannot read the tlv_stats map: %s", a->ifname,
				 strerror(errno));
	}
	for (cpu = 0; cpu < ncpus; cpu++) {
		struct stampede_tlv_stats one;

		memcpy(&one, values + cpu * stride, sizeof(one));
		for (i = 0; i < STAMPEDE_TLV_STATS_TYPES; i++) {
			t->tlvs[i].seen += one.type[i].seen;
			t->tlvs[i].answered += one.type[i].answered;
			t->tlvs[i].unrecognized += one.type[i].unrecognized;
			t->tlvs[i].malformed += one.type[i].malformed;
		}
	}
	free(values);
	t->have_tlvs = true;
	return 0;
}

/* The access_reports map's non-zero keys, summed over the CPUs. */
static int read_access(const struct attached *a, int ncpus, struct stats_totals *t)
{
	int fd = a->map_fd[PIN_MAP_access_reports];
	uint64_t *values, sum;
	__u32 key;
	int cpu;

	if (fd < 0)
		return 0;
	values = calloc(ncpus, sizeof(*values));
	if (!values)
		return cli_error("out of memory");
	for (key = 0; key < STAMPEDE_ACCESS_REPORT_KEYS; key++) {
		if (bpf_map_lookup_elem(fd, &key, values)) {
			free(values);
			return cli_error("dev %s: cannot read the access_reports map: %s",
					 a->ifname, strerror(errno));
		}
		for (cpu = 0, sum = 0; cpu < ncpus; cpu++)
			sum += values[cpu];
		if (sum)
			t->access[t->n_access++] = (struct stats_access_count){key, sum};
	}
	free(values);
	t->have_access = true;
	return 0;
}

int stats_read(const struct attached *a, struct stats_totals *t)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t stride = stats_percpu_stride(sizeof(struct stampede_stats));
	__u32 key = 0;
	char *values;
	int cpu, i;

	if (ncpus <= 0)
		return cli_error("cannot count the possible CPUs: %s", strerror(-ncpus));
	if (stats_maps_check(a))
		return -1;
	values = calloc(ncpus, stride);
	if (!values)
		return cli_error("out of memory");
	if (bpf_map_lookup_elem(a->map_fd[PIN_MAP_stats], &key, values)) {
		free(values);
		return cli_error("dev %s: cannot read the stats map: %s", a->ifname,
				 strerror(errno));
	}
	memset(t, 0, sizeof(*t));
	for (cpu = 0; cpu < ncpus; cpu++) {
		for (i = 0; i < STAMPEDE_CNT_MAX; i++) {
			uint64_t v;

			memcpy(&v, values + cpu * stride + stats_counters[i].offset, sizeof(v));
			t->count[i] += v;
		}
	}
	free(values);
	for (i = 0; i < STAMPEDE_CNT_MAX; i++)
		t->by_class[stats_counters[i].class] += t->count[i];
	return read_tlvs(a, ncpus, t) ?: read_access(a, ncpus, t);
}
