// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The `session` object: the stateful reflector's session table. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "addrs.h"
#include "attached.h"
#include "cli.h"
#include "clock.h"
#include "describe.h"
#include "netns.h"
#include "objects.h"
#include "output.h"
#include "session.h"

/* Enough for "[IPv6]:port". */
#define ENDPOINT_LEN (INET6_ADDRSTRLEN + 8)

struct session_ctx {
	struct json_object *list;
	struct stampede_clock clock;
};

static void format_time(const struct session_ctx *ctx, uint64_t tai_ns, char *buf, size_t len)
{
	/* The map keeps CLOCK_TAI; people read UTC. */
	clock_format_utc(tai_ns - ctx->clock.tai_offset_ns, buf, len);
}

static struct json_object *session_json(const struct session_ctx *ctx, const char *ifname,
					const struct stampede_session_key *key,
					const struct stampede_session *s)
{
	struct json_object *obj = json_object_new_object();
	char addr[INET6_ADDRSTRLEN], when[CLOCK_UTC_LEN];

	json_add_string(obj, "ifname", ifname);
	addrs_format(&key->src, addr, sizeof(addr));
	json_add_string(obj, "sender_addr", addr);
	json_add_uint(obj, "sender_port", ntohs(key->sport));
	addrs_format(&key->dst, addr, sizeof(addr));
	json_add_string(obj, "reflector_addr", addr);
	json_add_uint(obj, "reflector_port", ntohs(key->dport));
	json_add_uint(obj, "ssid", ntohs(key->ssid));
	json_add_uint(obj, "received", s->received);
	json_add_uint(obj, "reflected", s->reflected);
	format_time(ctx, s->first_seen_ns, when, sizeof(when));
	json_add_string(obj, "first_seen", when);
	format_time(ctx, s->last_seen_ns, when, sizeof(when));
	json_add_string(obj, "last_seen", when);
	json_add_uint(obj, "last_seq", s->last_seq);
	json_add_uint(obj, "highest_seq", s->highest_seq);
	json_add_uint(obj, "seq_gaps", s->seq_gaps);
	json_add_uint(obj, "duplicates", s->duplicates);
	json_add_uint(obj, "reordered", s->reordered);
	return obj;
}

/* "198.18.0.1:862" or "[2001:db8::1]:862" */
static void format_endpoint(const union stampede_addr *addr, __be16 port, char *buf, size_t len)
{
	char text[INET6_ADDRSTRLEN];

	addrs_format(addr, text, sizeof(text));
	snprintf(buf, len, strchr(text, ':') ? "[%s]:%u" : "%s:%u", text, ntohs(port));
}

static void session_print(const struct session_ctx *ctx, const char *ifname,
			  const struct stampede_session_key *key, const struct stampede_session *s)
{
	char sender[ENDPOINT_LEN], reflector[ENDPOINT_LEN];
	char first[CLOCK_UTC_LEN], last[CLOCK_UTC_LEN];

	format_endpoint(&key->src, key->sport, sender, sizeof(sender));
	format_endpoint(&key->dst, key->dport, reflector, sizeof(reflector));
	format_time(ctx, s->first_seen_ns, first, sizeof(first));
	format_time(ctx, s->last_seen_ns, last, sizeof(last));
	printf("dev %s: %s -> %s ssid %u\n", ifname, sender, reflector, ntohs(key->ssid));
	printf("\treceived %llu, reflected %llu, first seen %s, last seen %s\n",
	       (unsigned long long)s->received, (unsigned long long)s->reflected, first, last);
	printf("\tlast seq %u, highest seq %u, seq gaps %llu, duplicates %llu, reordered %llu\n",
	       s->last_seq, s->highest_seq, (unsigned long long)s->seq_gaps,
	       (unsigned long long)s->duplicates, (unsigned long long)s->reordered);
}

/* A session in the reflector's list: a JSON object, or its text lines. */
static void session_emit(struct session_ctx *ctx, struct json_object *sessions, const char *ifname,
			 const struct stampede_session_slot *slot)
{
	if (json_output)
		json_object_array_add(sessions, session_json(ctx, ifname, &slot->key, &slot->s));
	else
		session_print(ctx, ifname, &slot->key, &slot->s);
}

/* The sessions map's geometry, checked against this stampede's layout. */
static int sessions_map_info(const char *ifname, int fd, struct bpf_map_info *map)
{
	__u32 len = sizeof(*map);

	memset(map, 0, sizeof(*map));
	if (bpf_obj_get_info_by_fd(fd, map, &len))
		return cli_error("dev %s: cannot read the sessions map: %s", ifname,
				 strerror(errno));
	if (map->value_size != sizeof(struct stampede_session_set))
		return cli_error("dev %s: the sessions map was made by another version of"
				 " stampede; detach and attach again",
				 ifname);
	return 0;
}

static unsigned int sessions_in_use(const struct stampede_session_set *set)
{
	unsigned int w, n = 0;

	for (w = 0; w < STAMPEDE_SESSION_WAYS; w++)
		n += !!set->way[w].in_use;
	return n;
}

int session_table_count(const struct attached *a, __u32 sets, unsigned int *count)
{
	struct stampede_session_set set;
	__u32 i;

	*count = 0;
	for (i = 0; i < sets; i++) {
		if (bpf_map_lookup_elem(a->map_fd[PIN_MAP_sessions], &i, &set))
			return cli_error("dev %s: cannot read set %u of the sessions map: %s",
					 a->ifname, i, strerror(errno));
		*count += sessions_in_use(&set);
	}
	return 0;
}

/* Every set of the table, and in it every slot that holds a session. */
static int emit_sessions(struct session_ctx *ctx, const struct attached *a, __u32 sets,
			 struct json_object *sessions)
{
	struct stampede_session_set set;
	__u32 i, w;

	for (i = 0; i < sets; i++) {
		if (bpf_map_lookup_elem(a->map_fd[PIN_MAP_sessions], &i, &set))
			return cli_error("dev %s: cannot read set %u of the sessions map: %s",
					 a->ifname, i, strerror(errno));
		for (w = 0; w < STAMPEDE_SESSION_WAYS; w++)
			if (set.way[w].in_use)
				session_emit(ctx, sessions, a->ifname, &set.way[w]);
	}
	return 0;
}

/*
 * The text list's first line: what the reflector keeps, so that an empty
 * list never looks like a failure.
 */
static int print_header(const struct attached *a, const struct reflector_info *info, __u32 sets)
{
	unsigned int n;

	if (!(info->cfg.flags & STAMPEDE_F_STATEFUL)) {
		printf("dev %s: stateless reflector, keeps no sessions (attach with 'stateful'"
		       " to keep them)\n",
		       a->ifname);
		return 0;
	}
	if (session_table_count(a, sets, &n))
		return -1;
	printf("dev %s: stateful, %u %s (the table holds %u)\n", a->ifname, n,
	       cli_plural(n, "session", "sessions"), info->sessions_max);
	return 0;
}

/*
 * One reflector: its mode and its sessions.  A stateless reflector's map
 * is not read: it keeps none, whatever an earlier stateful program left.
 */
static int list_one(struct attached *a, void *arg)
{
	struct session_ctx *ctx = arg;
	struct json_object *obj = NULL, *sessions = NULL;
	struct reflector_info info;
	struct bpf_map_info map;
	bool stateful;

	if (reflector_describe(a, &info) ||
	    sessions_map_info(a->ifname, a->map_fd[PIN_MAP_sessions], &map))
		return -1;
	ctx->clock = info.clock;
	stateful = info.cfg.flags & STAMPEDE_F_STATEFUL;
	if (json_output) {
		obj = json_object_new_object();
		sessions = json_object_new_array();
		json_add_string(obj, "ifname", a->ifname);
		json_add_bool(obj, "stateful", stateful);
		json_add_uint(obj, "sessions_max", info.sessions_max);
		json_object_object_add(obj, "sessions", sessions);
		json_object_array_add(ctx->list, obj);
	} else if (print_header(a, &info, map.max_entries)) {
		return -1;
	}
	if (!stateful)
		return 0;
	return emit_sessions(ctx, a, map.max_entries, sessions);
}

static int session_list(struct cli_args *args)
{
	struct session_ctx ctx = {0};
	const char *ifname;
	int ret;

	if (cli_parse_dev(args, false, &ifname) ||
	    cli_need_caps("session list (it reads the running program by id)", CLI_NEED_SYS_ADMIN))
		return -1;
	if (all_netns && ifname)
		return cli_error("-a covers every reflector; give it no 'dev'");
	if (json_output)
		ctx.list = json_object_new_array();
	ret = all_netns ? attached_for_each_netns(list_one, &ctx, ctx.list)
			: attached_for_each(ifname, list_one, &ctx);
	if (ret < 0) {
		json_object_put(ctx.list);
		return -1;
	}
	if (json_output)
		output_json_list(ctx.list, ifname);
	return ret ? -1 : 0;
}

int session_table_clear(const char *ifname, int fd)
{
	struct stampede_session_set empty = {0};
	struct bpf_map_info map;
	__u32 i;

	if (sessions_map_info(ifname, fd, &map))
		return -1;
	for (i = 0; i < map.max_entries; i++)
		if (bpf_map_update_elem(fd, &i, &empty, BPF_EXIST))
			return cli_error("dev %s: cannot clear set %u of the sessions map: %s",
					 ifname, i, strerror(errno));
	return 0;
}

const struct cli_cmd session_cmds[] = {
	{
		.name = "list",
		.run = session_list,
		.synopsis = "[dev IFNAME]",
		.about =
			"list prints the sessions of stateful reflectors; a stateless one keeps\n"
			"none and says so.  A reflector re-attached stateless, or stateful after\n"
			"being stateless, starts with an empty table.  With -a, the reflectors of\n"
			"every network namespace.\n",
		.all_netns = true,
	},
	{.name = "show", .run = session_list, .all_netns = true},
	{.name = "help", .synopsis = ""},
	{NULL},
};
