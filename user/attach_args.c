// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The keyword arguments of `reflector attach`, checked one by one. */
#include <stddef.h>
#include <stdint.h>

#include "attach.h"
#include "cli.h"
#include "stamp_wire.h"

const char *const attach_mode_names[] = {
	[ATTACH_MODE_NATIVE] = "native",
	[ATTACH_MODE_GENERIC] = "generic",
	[ATTACH_MODE_AUTO] = "auto",
	NULL,
};

enum keyword {
	KW_DEV,
	KW_PORT,
	KW_AUTH_PORT,
	KW_MODE,
	KW_STATEFUL,
	KW_STATELESS,
	KW_TIMESTAMP,
	KW_SESSIONS,
	KW_TTL,
	KW_LOOPGUARD,
	KW_CLOCK_READS,
	KW_COUNT_OTHER,
};

static const char *const keywords[] = {
	[KW_DEV] = "dev",
	[KW_PORT] = "port",
	[KW_AUTH_PORT] = "auth-port",
	[KW_MODE] = "mode",
	[KW_STATEFUL] = "stateful",
	[KW_STATELESS] = "stateless",
	[KW_TIMESTAMP] = "timestamp",
	[KW_SESSIONS] = "sessions",
	[KW_TTL] = "ttl",
	[KW_LOOPGUARD] = "loopguard",
	[KW_CLOCK_READS] = "clock-reads",
	[KW_COUNT_OTHER] = "count-other",
	NULL,
};

static bool has_port(const __u16 *ports, unsigned int n, __u16 port)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (ports[i] == port)
			return true;
	return false;
}

static int add_port(struct attach_req *req, bool auth, const char *word)
{
	const char *kw = auth ? "auth-port" : "port";
	__u16 *ports = auth ? req->auth_ports : req->ports;
	unsigned int *n = auth ? &req->n_auth_ports : &req->n_ports;
	uint64_t port;

	if (cli_parse_uint(word, kw, 1, 65535, &port))
		return -1;
	if (has_port(ports, *n, port))
		return cli_error("%s %llu given twice", kw, (unsigned long long)port);
	if (has_port(auth ? req->ports : req->auth_ports, auth ? req->n_ports : req->n_auth_ports,
		     port))
		return cli_error("port %llu is both a 'port' and an 'auth-port'",
				 (unsigned long long)port);
	if (*n == STAMPEDE_MAX_PORTS)
		return cli_error("too many '%s' values: at most %d", kw, STAMPEDE_MAX_PORTS);
	ports[(*n)++] = port;
	return 0;
}

/* The keyword's value, matched by prefix against @names. */
static int choice(struct cli_args *args, const char *keyword, const char *const *names)
{
	const char *val;

	if (cli_value(args, keyword, &val))
		return -1;
	return cli_match_value(val, names, keyword);
}

static int parse_number(struct cli_args *args, const char *keyword, uint64_t max, uint64_t *val)
{
	const char *word;

	if (cli_value(args, keyword, &word))
		return -1;
	return cli_parse_uint(word, keyword, 1, max, val);
}

static int parse_keyword(struct cli_args *args, struct attach_req *req, enum keyword kw)
{
	static const char *const ts_names[] = {"ntp", "ptp", NULL};
	static const char *const onoff[] = {"on", "off", NULL};
	const char *word;
	uint64_t num;
	int i;

	switch (kw) {
	case KW_DEV:
		return cli_value(args, "dev", &req->ifname);
	case KW_PORT:
	case KW_AUTH_PORT:
		if (cli_value(args, keywords[kw], &word))
			return -1;
		return add_port(req, kw == KW_AUTH_PORT, word);
	case KW_MODE:
		i = choice(args, "mode", attach_mode_names);
		req->mode = i;
		req->mode_given = true;
		return i < 0 ? -1 : 0;
	case KW_STATEFUL:
	case KW_STATELESS:
		req->stateful = kw == KW_STATEFUL;
		return 0;
	case KW_TIMESTAMP:
		i = choice(args, "timestamp", ts_names);
		req->ptp = i == 1;
		return i < 0 ? -1 : 0;
	case KW_SESSIONS:
		if (parse_number(args, "sessions", STAMPEDE_MAX_SESSIONS, &num))
			return -1;
		req->sessions = num;
		req->sessions_given = true;
		return 0;
	case KW_TTL:
		if (parse_number(args, "ttl", 255, &num))
			return -1;
		req->ttl = num;
		return 0;
	case KW_LOOPGUARD:
		i = choice(args, "loopguard", onoff);
		req->loopguard = i == 0;
		return i < 0 ? -1 : 0;
	case KW_CLOCK_READS:
		if (parse_number(args, "clock-reads", 2, &num))
			return -1;
		req->clock_reads = num;
		return 0;
	case KW_COUNT_OTHER:
		i = choice(args, "count-other", onoff);
		req->count_other = i == 0;
		return i < 0 ? -1 : 0;
	}
	return -1;
}

int attach_parse(struct cli_args *args, struct attach_req *req)
{
	unsigned int seen = 0;
	const char *word;
	int kw;

	*req = (struct attach_req){
		.mode = ATTACH_MODE_AUTO,
		.sessions = STAMPEDE_DEFAULT_SESSIONS,
		.ttl = STAMPEDE_DEFAULT_REPLY_TTL,
		.loopguard = true,
		.clock_reads = 1,
	};
	while ((word = cli_next(args))) {
		kw = cli_match(word, keywords, "argument", args->cmd);
		if (kw < 0)
			return -1;
		/* port and auth-port repeat; a second value of anything else is a slip. */
		if (kw != KW_PORT && kw != KW_AUTH_PORT && (seen & (1U << kw)))
			return cli_error("'%s' given twice", keywords[kw]);
		if ((kw == KW_STATEFUL && (seen & (1U << KW_STATELESS))) ||
		    (kw == KW_STATELESS && (seen & (1U << KW_STATEFUL))))
			return cli_error("'stateful' and 'stateless' exclude each other");
		seen |= 1U << kw;
		if (parse_keyword(args, req, kw))
			return -1;
	}
	if (!req->ifname)
		return cli_error("'%s' needs 'dev IFNAME'", args->cmd);
	if (!req->n_ports) {
		if (has_port(req->auth_ports, req->n_auth_ports, STAMP_DEFAULT_PORT))
			return cli_error("auth-port %d is the default port; name the"
					 " unauthenticated ones with 'port'",
					 STAMP_DEFAULT_PORT);
		req->ports[req->n_ports++] = STAMP_DEFAULT_PORT;
	}
	return 0;
}
