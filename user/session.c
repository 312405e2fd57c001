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
#include "objects.h"
#include "output.h"

/* Enough for "[IPv6]:port". */
#define ENDPOINT_LEN (INET6_ADDRSTRLEN + 8)

void session_usage(FILE *out)
{
	fprintf(out, "Usage: stampede session list [dev IFNAME]\n"
		     "       stampede session help\n"
		     "\n"
		     "Lists the sessions of stateful reflectors (stateless ones keep none).\n");
}

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

static void session_emit(struct session_ctx *ctx, const char *ifname,
			 const struct stampede_session_slot *slot)
{
	if (json_output)
		json_object_array_add(ctx->list, session_json(ctx, ifname, &slot->key, &slot->s));
	else
		session_print(ctx, ifname, &slot->key, &slot->s);
}

/* Every set of the table, and in it every slot that holds a session. */
static int list_one(struct attached *a, void *arg)
{
	struct session_ctx *ctx = arg;
	struct stampede_session_set set;
	struct bpf_map_info map = {0};
	int fd = a->map_fd[PIN_MAP_sessions];
	__u32 len = sizeof(map), zero = 0, i, w;

	if (bpf_map_lookup_elem(a->map_fd[PIN_MAP_clock], &zero, &ctx->clock))
		return cli_error("dev %s: cannot read the clock map: %s", a->ifname,
				 strerror(errno));
	if (bpf_obj_get_info_by_fd(fd, &map, &len))
		return cli_error("dev %s: cannot read the sessions map: %s", a->ifname,
				 strerror(errno));
	if (map.value_size != sizeof(set))
		return cli_error("dev %s: the sessions map was made by another version of"
				 " stampede; detach and attach again",
				 a->ifname);
	for (i = 0; i < map.max_entries; i++) {
		if (bpf_map_lookup_elem(fd, &i, &set))
			return cli_error("dev %s: cannot read set %u of the sessions map: %s",
					 a->ifname, i, strerror(errno));
		for (w = 0; w < STAMPEDE_SESSION_WAYS; w++)
			if (set.way[w].in_use)
				session_emit(ctx, a->ifname, &set.way[w]);
	}
	return 0;
}

static int session_list(struct cli_args *args)
{
	struct session_ctx ctx = {0};
	const char *ifname;

	if (cli_parse_dev(args, false, &ifname) ||
	    cli_need_root("reading stampede's pins needs root (CAP_BPF)"))
		return -1;
	if (json_output)
		ctx.list = json_object_new_array();
	if (attached_for_each(ifname, list_one, &ctx)) {
		json_object_put(ctx.list);
		return -1;
	}
	if (json_output)
		output_json(ctx.list);
	return 0;
}

static int session_help(struct cli_args *args)
{
	(void)args;
	session_usage(stdout);
	return 0;
}

int do_session(int argc, char **argv)
{
	static const struct command cmds[] = {
		{"list", session_list},
		{"show", session_list},
		{"help", session_help},
		{NULL, NULL},
	};

	return run_command("session", cmds, argc, argv);
}
