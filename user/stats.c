// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The `stats` object: the per-CPU counters summed, shown and reset.  The
 * counters come from the STAMPEDE_COUNTERS X-macro, so one added to the
 * data path shows up here without a change.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "cli.h"
#include "objects.h"
#include "output.h"
#include "stamp_tlv_names.h"

struct counter_desc {
	const char *name;
	enum stampede_counter_class class;
	const char *desc;
	size_t offset;
};

static const struct counter_desc counters[STAMPEDE_CNT_MAX] = {
#define COUNTER_DESC(name, class, desc)                               \
	[STAMPEDE_CNT_##name] = {#name, STAMPEDE_CLASS_##class, desc, \
				 offsetof(struct stampede_stats, name)},
	STAMPEDE_COUNTERS(COUNTER_DESC)
#undef COUNTER_DESC
};

/* A row of stampede_tlv_stats.type: the TLV type's name, "other" for row 0 (any other type). */
static const char *tlv_row_name(unsigned int row)
{
	const char *name = row ? stamp_tlv_name(row) : NULL;

	return name ? name : "other";
}

struct access_report_count {
	__u32 key; /* (Access ID << 8) | Return Code */
	uint64_t count;
};

struct totals {
	uint64_t count[STAMPEDE_CNT_MAX];
	uint64_t by_class[STAMPEDE_CLASS_EVENT + 1];
	bool have_tlvs; /* the tlv_stats map is pinned (not an older reflector) */
	struct stampede_tlv_counters tlvs[STAMPEDE_TLV_STATS_TYPES];
	bool have_access;
	unsigned int n_access;
	struct access_report_count access[STAMPEDE_ACCESS_REPORT_KEYS];
};

/* A per-CPU map value: one struct per possible CPU, each 8-byte aligned. */
static size_t percpu_stride_of(size_t size)
{
	return (size + 7) & ~(size_t)7;
}

static size_t percpu_stride(void)
{
	return percpu_stride_of(sizeof(struct stampede_stats));
}

/* The tlv_stats map summed over the CPUs; absent on an older reflector. */
static int read_tlvs(const struct attached *a, int ncpus, struct totals *t)
{
	size_t stride = percpu_stride_of(sizeof(struct stampede_tlv_stats));
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
static int read_access(const struct attached *a, int ncpus, struct totals *t)
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
			t->access[t->n_access++] = (struct access_report_count){key, sum};
	}
	free(values);
	t->have_access = true;
	return 0;
}

static int read_totals(const struct attached *a, struct totals *t)
{
	int ncpus = libbpf_num_possible_cpus();
	size_t stride = percpu_stride();
	__u32 key = 0;
	char *values;
	int cpu, i;

	if (ncpus <= 0)
		return cli_error("cannot count the possible CPUs: %s", strerror(-ncpus));
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

			memcpy(&v, values + cpu * stride + counters[i].offset, sizeof(v));
			t->count[i] += v;
		}
	}
	free(values);
	for (i = 0; i < STAMPEDE_CNT_MAX; i++)
		t->by_class[counters[i].class] += t->count[i];
	return read_tlvs(a, ncpus, t) ?: read_access(a, ncpus, t);
}

static uint64_t received(const struct totals *t)
{
	return t->by_class[STAMPEDE_CLASS_OUTCOME] + t->by_class[STAMPEDE_CLASS_PASS] +
	       t->by_class[STAMPEDE_CLASS_DROP];
}

/* Every row, "other" (index 0) first; null for a reflector without the map. */
static struct json_object *tlvs_json(const struct totals *t)
{
	struct json_object *arr;
	int i;

	if (!t->have_tlvs)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < STAMPEDE_TLV_STATS_TYPES; i++) {
		struct json_object *row = json_object_new_object();

		json_add_uint(row, "type", i);
		json_add_string(row, "name", tlv_row_name(i));
		json_add_uint(row, "seen", t->tlvs[i].seen);
		json_add_uint(row, "answered", t->tlvs[i].answered);
		json_add_uint(row, "unrecognized", t->tlvs[i].unrecognized);
		json_add_uint(row, "malformed", t->tlvs[i].malformed);
		json_object_array_add(arr, row);
	}
	return arr;
}

static struct json_object *access_json(const struct totals *t)
{
	struct json_object *arr;
	unsigned int i;

	if (!t->have_access)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < t->n_access; i++) {
		struct json_object *row = json_object_new_object();

		json_add_uint(row, "access_id", t->access[i].key >> 8);
		json_add_uint(row, "return_code", t->access[i].key & 0xff);
		json_add_uint(row, "count", t->access[i].count);
		json_object_array_add(arr, row);
	}
	return arr;
}

static struct json_object *totals_json(const char *ifname, const struct totals *t)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *reasons = json_object_new_object();
	struct json_object *events = json_object_new_object();
	int i;

	json_add_string(obj, "ifname", ifname);
	json_add_uint(obj, "received", received(t));
	json_add_uint(obj, "reflected", t->by_class[STAMPEDE_CLASS_OUTCOME]);
	json_add_uint(obj, "passed", t->by_class[STAMPEDE_CLASS_PASS]);
	json_add_uint(obj, "dropped", t->by_class[STAMPEDE_CLASS_DROP]);
	for (i = 0; i < STAMPEDE_CNT_MAX; i++) {
		if (counters[i].class == STAMPEDE_CLASS_PASS ||
		    counters[i].class == STAMPEDE_CLASS_DROP)
			json_add_uint(reasons, counters[i].name, t->count[i]);
		else if (counters[i].class == STAMPEDE_CLASS_EVENT)
			json_add_uint(events, counters[i].name, t->count[i]);
	}
	json_object_object_add(obj, "reasons", reasons);
	json_object_object_add(obj, "events", events);
	json_object_object_add(obj, "tlvs", tlvs_json(t));
	json_object_object_add(obj, "access_reports", access_json(t));
	return obj;
}

static void print_class(const struct totals *t, enum stampede_counter_class class,
			const char *label)
{
	int i;

	for (i = 0; i < STAMPEDE_CNT_MAX; i++)
		if (counters[i].class == class && t->count[i])
			printf("  %-8s %-18s %12llu  %s\n", label, counters[i].name,
			       (unsigned long long)t->count[i], counters[i].desc);
}

/* The TLV types seen, as a table; "other" (index 0) last. */
static void print_tlvs(const struct totals *t)
{
	bool header = false;
	int i, type;

	if (!t->have_tlvs) {
		printf("  TLV counters: not kept by this reflector (attached by an older"
		       " stampede; detach and attach again)\n");
		return;
	}
	for (i = 1; i <= STAMPEDE_TLV_STATS_TYPES; i++) {
		type = i % STAMPEDE_TLV_STATS_TYPES;
		if (!t->tlvs[type].seen)
			continue;
		if (!header) {
			printf("  %-5s %-30s %12s %12s %12s %12s\n", "tlv", "name", "seen",
			       "answered", "unrecognized", "malformed");
			header = true;
		}
		if (type)
			printf("  %-5d", type);
		else
			printf("  %-5s", "-");
		printf(" %-30s %12llu %12llu %12llu %12llu\n", tlv_row_name(type),
		       (unsigned long long)t->tlvs[type].seen,
		       (unsigned long long)t->tlvs[type].answered,
		       (unsigned long long)t->tlvs[type].unrecognized,
		       (unsigned long long)t->tlvs[type].malformed);
	}
}

static void print_access(const struct totals *t)
{
	unsigned int i;

	for (i = 0; t->have_access && i < t->n_access; i++)
		printf("  access report: access id %u, return code %u: %llu\n",
		       t->access[i].key >> 8, t->access[i].key & 0xff,
		       (unsigned long long)t->access[i].count);
}

static void totals_print(const char *ifname, const struct totals *t)
{
	printf("dev %s: received %llu, reflected %llu, passed %llu, dropped %llu\n", ifname,
	       (unsigned long long)received(t),
	       (unsigned long long)t->by_class[STAMPEDE_CLASS_OUTCOME],
	       (unsigned long long)t->by_class[STAMPEDE_CLASS_PASS],
	       (unsigned long long)t->by_class[STAMPEDE_CLASS_DROP]);
	print_class(t, STAMPEDE_CLASS_PASS, "passed");
	print_class(t, STAMPEDE_CLASS_DROP, "dropped");
	print_class(t, STAMPEDE_CLASS_EVENT, "event");
	print_tlvs(t);
	print_access(t);
}

static int show_one(struct attached *a, void *ctx)
{
	static struct totals t; /* large (access reports); one at a time */
	struct json_object *list = ctx;

	if (read_totals(a, &t))
		return -1;
	if (json_output)
		json_object_array_add(list, totals_json(a->ifname, &t));
	else
		totals_print(a->ifname, &t);
	return 0;
}

/* Zero tlv_stats and access_reports, where the reflector has them. */
static int reset_tlvs(const struct attached *a, int ncpus)
{
	size_t stride = percpu_stride_of(sizeof(struct stampede_tlv_stats));
	int fd = a->map_fd[PIN_MAP_access_reports];
	void *zeros;
	__u32 key;
	int err = 0;

	/* Big enough for either map's per-CPU value. */
	zeros = calloc(ncpus, stride);
	if (!zeros)
		return cli_error("out of memory");
	key = 0;
	if (a->map_fd[PIN_MAP_tlv_stats] >= 0 &&
	    bpf_map_update_elem(a->map_fd[PIN_MAP_tlv_stats], &key, zeros, BPF_ANY))
		err = cli_error("dev %s: cannot reset the tlv_stats map: %s", a->ifname,
				strerror(errno));
	for (key = 0; !err && fd >= 0 && key < STAMPEDE_ACCESS_REPORT_KEYS; key++)
		if (bpf_map_update_elem(fd, &key, zeros, BPF_ANY))
			err = cli_error("dev %s: cannot reset the access_reports map: %s",
					a->ifname, strerror(errno));
	free(zeros);
	return err;
}

static int reset_one(struct attached *a, void *ctx)
{
	int ncpus = libbpf_num_possible_cpus();
	struct json_object *list = ctx;
	__u32 key = 0;
	void *zeros;
	int err = 0;

	if (ncpus <= 0)
		return cli_error("cannot count the possible CPUs: %s", strerror(-ncpus));
	zeros = calloc(ncpus, percpu_stride());
	if (!zeros)
		return cli_error("out of memory");
	/* A per-CPU update writes every CPU's slot. */
	if (bpf_map_update_elem(a->map_fd[PIN_MAP_stats], &key, zeros, BPF_ANY))
		err = cli_error("dev %s: cannot reset the stats map: %s", a->ifname,
				strerror(errno));
	else
		err = reset_tlvs(a, ncpus);
	free(zeros);
	if (err)
		return err;
	if (json_output) {
		struct json_object *obj = json_object_new_object();

		json_add_string(obj, "ifname", a->ifname);
		json_add_bool(obj, "reset", true);
		json_object_array_add(list, obj);
	} else {
		printf("reset the counters of dev %s\n", a->ifname);
	}
	return 0;
}

static int stats_show(struct cli_args *args)
{
	return attached_run_each(args, show_one, "stats show", CLI_NEED_BPF);
}

static int stats_reset(struct cli_args *args)
{
	return attached_run_each(args, reset_one, "stats reset", CLI_NEED_BPF);
}

const struct cli_cmd stats_cmds[] = {
	{
		.name = "show",
		.run = stats_show,
		.synopsis = "[dev IFNAME]",
		.about =
			"show: received = reflected + passed + dropped.  reflected counts replies "
			"handed\n"
			"to XDP_TX, not replies delivered: drops after that show in 'ip -s link'\n"
			"and 'ethtool -S' (a veth peer's xdp counters), and as InCsumErrors on a\n"
			"sender whose veth had tx checksum offload on.  The reasons say why a\n"
			"frame was passed to the stack or dropped, the events note things about\n"
			"reflected packets.  Frames not for a STAMP port (other protocols and\n"
			"ports, or broken before the port) are counted only by a reflector\n"
			"attached with count-other on.  TLVs are counted by type (seen, answered,\n"
			"returned unrecognized, malformed), and Access Report TLVs by Access ID\n"
			"and Return Code.  With -a, the reflectors of every network namespace.\n",
		.all_netns = true,
	},
	{.name = "list", .run = stats_show, .all_netns = true},
	{
		.name = "reset",
		.run = stats_reset,
		.synopsis = "[dev IFNAME]",
		.about = "reset sets the counters to zero (every reflector's without dev).\n",
	},
	{.name = "help", .synopsis = ""},
	{NULL},
};
