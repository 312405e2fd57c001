// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * The `stats` object: the per-CPU counters summed, shown and reset.  The
 * counters come from the STAMPEDE_COUNTERS X-macro, so one added to the
 * data path shows up here without a change.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "attached.h"
#include "cli.h"
#include "objects.h"
#include "output.h"

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

struct totals {
	uint64_t count[STAMPEDE_CNT_MAX];
	uint64_t by_class[STAMPEDE_CLASS_EVENT + 1];
};

void stats_usage(FILE *out)
{
	fprintf(out, "Usage: stampede stats show [dev IFNAME]\n"
		     "       stampede stats reset [dev IFNAME]\n"
		     "       stampede stats help\n"
		     "\n"
		     "received = reflected + passed + dropped; the reasons say why a frame\n"
		     "was passed to the stack or dropped, the events note things about\n"
		     "reflected packets.  Frames not for a STAMP port (other protocols and\n"
		     "ports, or broken before the port) are counted only by a reflector\n"
		     "attached with count-other on.\n");
}

/* A per-CPU map value: one struct per possible CPU, each 8-byte aligned. */
static size_t percpu_stride(void)
{
	return (sizeof(struct stampede_stats) + 7) & ~(size_t)7;
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
	return 0;
}

static uint64_t received(const struct totals *t)
{
	return t->by_class[STAMPEDE_CLASS_OUTCOME] + t->by_class[STAMPEDE_CLASS_PASS] +
	       t->by_class[STAMPEDE_CLASS_DROP];
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
}

static int show_one(struct attached *a, void *ctx)
{
	struct json_object *list = ctx;
	struct totals t;

	if (read_totals(a, &t))
		return -1;
	if (json_output)
		json_object_array_add(list, totals_json(a->ifname, &t));
	else
		totals_print(a->ifname, &t);
	return 0;
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
	return attached_run_each(args, show_one, "reading stampede's pins needs root (CAP_BPF)");
}

static int stats_reset(struct cli_args *args)
{
	return attached_run_each(args, reset_one, "resetting counters needs root (CAP_BPF)");
}

static int stats_help(struct cli_args *args)
{
	(void)args;
	stats_usage(stdout);
	return 0;
}

int do_stats(int argc, char **argv)
{
	static const struct command cmds[] = {
		{"show", stats_show}, {"list", stats_show}, {"reset", stats_reset},
		{"help", stats_help}, {NULL, NULL},
	};

	return run_command("stats", cmds, argc, argv);
}
