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
#include "stats_read.h"

/* Every row, "other" (index 0) first; null for a reflector without the map. */
static struct json_object *tlvs_json(const struct stats_totals *t)
{
	struct json_object *arr;
	int i;

	if (!t->have_tlvs)
		return NULL;
	arr = json_object_new_array();
	for (i = 0; i < STAMPEDE_TLV_STATS_TYPES; i++) {
		struct json_object *row = json_object_new_object();

		json_add_uint(row, "type", i);
		json_add_string(row, "name", stats_tlv_row_name(i));
		json_add_uint(row, "seen", t->tlvs[i].seen);
		json_add_uint(row, "answered", t->tlvs[i].answered);
		json_add_uint(row, "unrecognized", t->tlvs[i].unrecognized);
		json_add_uint(row, "malformed", t->tlvs[i].malformed);
		json_object_array_add(arr, row);
	}
	return arr;
}

static struct json_object *access_json(const struct stats_totals *t)
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

static struct json_object *totals_json(const char *ifname, const struct stats_totals *t)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *reasons = json_object_new_object();
	struct json_object *events = json_object_new_object();
	int i;

	json_add_string(obj, "ifname", ifname);
	json_add_uint(obj, "received", stats_received(t));
	json_add_uint(obj, "reflected", t->by_class[STAMPEDE_CLASS_OUTCOME]);
	json_add_uint(obj, "passed", t->by_class[STAMPEDE_CLASS_PASS]);
	json_add_uint(obj, "dropped", t->by_class[STAMPEDE_CLASS_DROP]);
	for (i = 0; i < STAMPEDE_CNT_MAX; i++) {
		if (stats_counters[i].class == STAMPEDE_CLASS_PASS ||
		    stats_counters[i].class == STAMPEDE_CLASS_DROP)
			json_add_uint(reasons, stats_counters[i].name, t->count[i]);
		else if (stats_counters[i].class == STAMPEDE_CLASS_EVENT)
			json_add_uint(events, stats_counters[i].name, t->count[i]);
	}
	json_object_object_add(obj, "reasons", reasons);
	json_object_object_add(obj, "events", events);
	json_object_object_add(obj, "tlvs", tlvs_json(t));
	json_object_object_add(obj, "access_reports", access_json(t));
	return obj;
}

static void print_class(const struct stats_totals *t, enum stampede_counter_class class,
			const char *label)
{
	int i;

	for (i = 0; i < STAMPEDE_CNT_MAX; i++)
		if (stats_counters[i].class == class && t->count[i])
			printf("  %-8s %-18s %12llu  %s\n", label, stats_counters[i].name,
			       (unsigned long long)t->count[i], stats_counters[i].desc);
}

/* The TLV types seen, as a table; "other" (index 0) last. */
static void print_tlvs(const struct stats_totals *t)
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
		printf(" %-30s %12llu %12llu %12llu %12llu\n", stats_tlv_row_name(type),
		       (unsigned long long)t->tlvs[type].seen,
		       (unsigned long long)t->tlvs[type].answered,
		       (unsigned long long)t->tlvs[type].unrecognized,
		       (unsigned long long)t->tlvs[type].malformed);
	}
}

static void print_access(const struct stats_totals *t)
{
	unsigned int i;

	for (i = 0; t->have_access && i < t->n_access; i++)
		printf("  access report: access id %u, return code %u: %llu\n",
		       t->access[i].key >> 8, t->access[i].key & 0xff,
		       (unsigned long long)t->access[i].count);
}

static void totals_print(const char *ifname, const struct stats_totals *t)
{
	printf("dev %s: received %llu, reflected %llu, passed %llu, dropped %llu\n", ifname,
	       (unsigned long long)stats_received(t),
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
	static struct stats_totals t; /* large (access reports); one at a time */
	struct json_object *list = ctx;

	if (stats_read(a, &t))
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
	size_t stride = stats_percpu_stride(sizeof(struct stampede_tlv_stats));
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
	if (stats_maps_check(a))
		return -1;
	zeros = calloc(ncpus, stats_percpu_stride(sizeof(struct stampede_stats)));
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
