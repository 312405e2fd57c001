// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The keyword arguments of `reflector attach`, checked one by one. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "attach.h"
#include "stamp_tlv_names.h"
#include "cli.h"
#include "stamp_wire.h"
#include "source_policy.h"

const char *const attach_mode_names[] = {
	[ATTACH_MODE_NATIVE] = "native",
	[ATTACH_MODE_GENERIC] = "generic",
	[ATTACH_MODE_AUTO] = "auto",
	[ATTACH_MODE_TC] = "tc",
	NULL,
};

const char *const attach_multiprog_names[] = {
	[ATTACH_MULTIPROG_AUTO] = "auto",
	[ATTACH_MULTIPROG_ON] = "on",
	[ATTACH_MULTIPROG_OFF] = "off",
	NULL,
};

/* 0 is "auto"; the rest from the one table of names. */
#define SYNC_SRC_NAME(value, name) [value] = name,
const char *const attach_sync_src_names[] = {
	"auto",
	STAMP_SYNC_SOURCES(SYNC_SRC_NAME) NULL,
};
#undef SYNC_SRC_NAME

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
	KW_COS_REMARK,
	KW_MICRO_SESSION,
	KW_SYNC_SOURCE,
	KW_REFLECTED_CONTROL,
	KW_REPLY_MAX,
	KW_AMPLIFY,
	KW_RETURN_PREFIX,
	KW_ALLOW,
	KW_RATE_LIMIT,
	KW_RATE_LIMIT_ALL,
	KW_MULTIPROG,
	KW_AUTH_KEY,
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
	[KW_COS_REMARK] = "cos-remark",
	[KW_MICRO_SESSION] = "micro-session",
	[KW_SYNC_SOURCE] = "sync-source",
	[KW_REFLECTED_CONTROL] = "reflected-control",
	[KW_REPLY_MAX] = "reply-max",
	[KW_AMPLIFY] = "amplify",
	[KW_RETURN_PREFIX] = "return-prefix",
	[KW_ALLOW] = "allow",
	[KW_RATE_LIMIT] = "rate-limit",
	[KW_RATE_LIMIT_ALL] = "rate-limit-all",
	[KW_MULTIPROG] = "multiprog",
	[KW_AUTH_KEY] = "auth-key",
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

static int bad_prefix(const char *word, const char *kw, const char *why)
{
	return cli_error("bad %s '%s': %s", kw, word, why);
}

int attach_parse_prefix(const char *word, const char *kw, struct stampede_prefix *p)
{
	char addr[INET6_ADDRSTRLEN + 1], *end;
	const char *slash = strchr(word, '/');
	size_t alen = slash ? (size_t)(slash - word) : strlen(word);
	unsigned long len, max;
	unsigned int bit;
	struct in_addr v4;
	bool is_v4;

	memset(p, 0, sizeof(*p));
	if (!alen || alen >= sizeof(addr))
		return bad_prefix(word, kw, "expected a.b.c.d/n or x:x::/n");
	memcpy(addr, word, alen);
	addr[alen] = '\0';
	is_v4 = inet_pton(AF_INET, addr, &v4) == 1;
	if (is_v4) {
		p->addr.h[5] = 0xffff;
		p->addr.w[3] = v4.s_addr;
	} else if (inet_pton(AF_INET6, addr, p->addr.b) != 1) {
		return bad_prefix(word, kw, "expected a.b.c.d/n or x:x::/n");
	}
	max = is_v4 ? 32 : 128;
	len = max;
	if (slash) {
		errno = 0;
		len = strtoul(slash + 1, &end, 10);
		if (slash[1] < '0' || slash[1] > '9' || *end || errno || len > max)
			return cli_error("bad %s '%s': expected a length of 0-%lu after '/'", kw,
					 word, max);
	}
	p->len = is_v4 ? 96 + len : len;
	/*
	 * The maps hold IPv4 as ::ffff:a.b.c.d, so ::ffff:a.b.c.d/(96 + n)
	 * would silently become a.b.c.d/n, while an IPv6 request from an
	 * IPv4-mapped source is never answered.  Say which was meant.
	 */
	if (!is_v4 && p->len >= 96 && IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)p->addr.b)) {
		char text[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &p->addr.w[3], text, sizeof(text));
		return cli_error("bad %s '%s': an IPv4-mapped IPv6 prefix; IPv6 requests from"
				 " such sources are never answered, and IPv4 is written %s/%u",
				 kw, word, text, p->len - 96);
	}
	for (bit = p->len; bit < 128; bit++) {
		if (p->addr.b[bit / 8] & (0x80 >> (bit % 8))) {
			char fixed[INET6_ADDRSTRLEN + 8];

			for (; bit < 128; bit++)
				p->addr.b[bit / 8] &= ~(0x80 >> (bit % 8));
			attach_format_prefix(p, fixed, sizeof(fixed));
			return cli_error("bad %s '%s': host bits set; did you mean %s?", kw, word,
					 fixed);
		}
	}
	return 0;
}

void attach_format_prefix(const struct stampede_prefix *p, char *buf, size_t len)
{
	static const __u8 v4_mapped[12] = {[10] = 0xff, [11] = 0xff};
	char text[INET6_ADDRSTRLEN];

	if (p->len >= 96 && !memcmp(p->addr.b, v4_mapped, sizeof(v4_mapped))) {
		inet_ntop(AF_INET, &p->addr.w[3], text, sizeof(text));
		snprintf(buf, len, "%s/%u", text, p->len - 96);
	} else {
		inet_ntop(AF_INET6, p->addr.b, text, sizeof(text));
		snprintf(buf, len, "%s/%u", text, p->len);
	}
}

/* @word, a prefix for keyword @kw, added to @list (@n of at most @max) once. */
static int add_prefix(struct stampede_prefix *list, unsigned int *n, unsigned int max,
		      const char *kw, const char *word)
{
	struct stampede_prefix p;
	unsigned int i;

	if (attach_parse_prefix(word, kw, &p))
		return -1;
	for (i = 0; i < *n; i++)
		if (list[i].len == p.len && !memcmp(&list[i].addr, &p.addr, sizeof(p.addr)))
			return cli_error("%s %s given twice", kw, word);
	if (*n == max)
		return cli_error("too many '%s' values: at most %u", kw, max);
	list[(*n)++] = p;
	return 0;
}

/*
 * allow PREFIX: one more source prefix; "allow none" alone says the list is
 * empty (for `reflector set`).
 */
static int add_allow(struct attach_req *req, const char *word)
{
	if (!strcmp(word, "none")) {
		if (req->n_allow)
			return cli_error("'allow none' cannot go with allowed prefixes");
		req->allow_given = true;
		return 0;
	}
	if (req->allow_given && !req->n_allow)
		return cli_error("'allow none' cannot go with allowed prefixes");
	req->allow_given = true;
	return add_prefix(req->allow, &req->n_allow, STAMPEDE_MAX_ALLOW_PREFIXES, "allow", word);
}

/* The keyword's value, matched by prefix against @names. */
static int choice(struct cli_args *args, const char *keyword, const char *const *names)
{
	const char *val;

	if (cli_value(args, keyword, &val))
		return -1;
	return cli_match_value(val, names, keyword);
}

/* KEYWORD N, with N in [min, max]. */
static int parse_range(struct cli_args *args, const char *keyword, uint64_t min, uint64_t max,
		       uint64_t *val)
{
	const char *word;

	if (cli_value(args, keyword, &word))
		return -1;
	return cli_parse_uint(word, keyword, min, max, val);
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
		if (parse_range(args, "sessions", 1, STAMPEDE_MAX_SESSIONS, &num))
			return -1;
		req->sessions = num;
		req->sessions_given = true;
		return 0;
	case KW_TTL:
		if (parse_range(args, "ttl", 1, 255, &num))
			return -1;
		req->ttl = num;
		return 0;
	case KW_LOOPGUARD:
		i = choice(args, "loopguard", onoff);
		req->loopguard = i == 0;
		return i < 0 ? -1 : 0;
	case KW_CLOCK_READS:
		if (parse_range(args, "clock-reads", 1, 2, &num))
			return -1;
		req->clock_reads = num;
		return 0;
	case KW_COUNT_OTHER:
		i = choice(args, "count-other", onoff);
		req->count_other = i == 0;
		return i < 0 ? -1 : 0;
	case KW_COS_REMARK:
		i = choice(args, "cos-remark", onoff);
		req->cos_remark = i == 0;
		return i < 0 ? -1 : 0;
	case KW_MICRO_SESSION:
		if (cli_value(args, "micro-session", &word))
			return -1;
		/* RFC 9534 3: a Micro-session ID of 0 means "not checked". */
		if (word[0] && strspn(word, "0") == strlen(word))
			return cli_error("bad micro-session '%s': 0 means no Micro-session ID"
					 " (RFC 9534); expected 1-65535",
					 word);
		if (cli_parse_uint(word, "micro-session", 1, 65535, &num))
			return -1;
		req->micro_session_id = num;
		return 0;
	case KW_SYNC_SOURCE:
		i = choice(args, "sync-source", attach_sync_src_names);
		req->sync_src = i < 0 ? 0 : i;
		return i < 0 ? -1 : 0;
	case KW_REFLECTED_CONTROL:
		i = choice(args, "reflected-control", onoff);
		req->reflected_ctl = i == 0;
		return i < 0 ? -1 : 0;
	case KW_REPLY_MAX:
		if (parse_range(args, "reply-max", ATTACH_REPLY_MAX_MIN, ATTACH_REPLY_MAX_MAX,
				&num))
			return -1;
		req->reply_max = num;
		return 0;
	case KW_AMPLIFY:
		if (parse_range(args, "amplify", 1, STAMPEDE_MAX_AMPLIFY, &num))
			return -1;
		req->amplify = num;
		return 0;
	case KW_RETURN_PREFIX:
		if (cli_value(args, "return-prefix", &word))
			return -1;
		return add_prefix(req->return_prefixes, &req->n_return_prefixes,
				  STAMPEDE_MAX_RETURN_PREFIXES, "return-prefix", word);
	case KW_ALLOW:
		if (cli_value(args, "allow", &word))
			return -1;
		return add_allow(req, word);
	case KW_RATE_LIMIT:
		if (cli_value(args, "rate-limit", &word))
			return -1;
		req->rate_given = true;
		return policy_parse_rate(word, "rate-limit", &req->rate_pps, &req->rate_burst);
	case KW_RATE_LIMIT_ALL:
		if (cli_value(args, "rate-limit-all", &word))
			return -1;
		req->rate_all_given = true;
		return policy_parse_rate(word, "rate-limit-all", &req->rate_all_pps,
					 &req->rate_all_burst);
	case KW_MULTIPROG:
		i = choice(args, "multiprog", attach_multiprog_names);
		req->multiprog = i;
		req->multiprog_given = true;
		return i < 0 ? -1 : 0;
	case KW_AUTH_KEY:
		if (cli_value(args, "auth-key", &word))
			return -1;
		if (!strcmp(word, "none"))
			req->auth_key_none = true;
		else
			req->auth_key_file = word;
		return 0;
	}
	return -1;
}

void attach_req_defaults(struct attach_req *req)
{
	*req = (struct attach_req){
		.mode = ATTACH_MODE_AUTO,
		.sessions = STAMPEDE_DEFAULT_SESSIONS,
		.ttl = STAMPEDE_DEFAULT_REPLY_TTL,
		.loopguard = true,
		.clock_reads = 1,
		.cos_remark = true,
		.amplify = STAMPEDE_DEFAULT_AMPLIFY,
	};
}

#define KW_BIT(kw) (1U << (kw))
_Static_assert(sizeof(keywords) / sizeof(keywords[0]) - 1 <= 32,
	       "a keyword is a bit of an unsigned int");

/* Keywords whose values add up; a second value of any other is a slip. */
#define KW_REPEATING \
	(KW_BIT(KW_PORT) | KW_BIT(KW_AUTH_PORT) | KW_BIT(KW_RETURN_PREFIX) | KW_BIT(KW_ALLOW))

/* Which keywords each command takes, a bit per enum keyword. */
enum command { CMD_ATTACH, CMD_SET };
static const unsigned int command_takes[] = {
	[CMD_ATTACH] = ~0U,
	/* What a running reflector can change: its source policy (the error below names it). */
	[CMD_SET] = KW_BIT(KW_DEV) | KW_BIT(KW_ALLOW) | KW_BIT(KW_RATE_LIMIT) |
		    KW_BIT(KW_RATE_LIMIT_ALL),
};

/*
 * The keyword words of command @cmd, each checked against what @cmd takes
 * and parsed into @req over the defaults; @seen: a bit per keyword given.
 */
static int parse_keywords(struct cli_args *args, struct attach_req *req, enum command cmd,
			  unsigned int *seen)
{
	const char *word;
	int kw;

	attach_req_defaults(req);
	*seen = 0;
	while ((word = cli_next(args))) {
		kw = cli_match(word, keywords, "argument", args->cmd);
		if (kw < 0)
			return -1;
		/* Only `reflector set` leaves keywords out: attach takes every one. */
		if (!(command_takes[cmd] & KW_BIT(kw)))
			return cli_error(
				"'%s' cannot be set on a running reflector; 'reflector set'"
				" takes allow, rate-limit and rate-limit-all ('reflector"
				" attach' sets the rest)",
				keywords[kw]);
		if (!(KW_REPEATING & KW_BIT(kw)) && (*seen & KW_BIT(kw)))
			return cli_error("'%s' given twice", keywords[kw]);
		if ((kw == KW_STATEFUL && (*seen & KW_BIT(KW_STATELESS))) ||
		    (kw == KW_STATELESS && (*seen & KW_BIT(KW_STATEFUL))))
			return cli_error("'stateful' and 'stateless' exclude each other");
		*seen |= KW_BIT(kw);
		if (parse_keyword(args, req, kw))
			return -1;
	}
	if (!req->ifname)
		return cli_error("'%s' needs 'dev IFNAME'", args->cmd);
	return 0;
}

int attach_parse(struct cli_args *args, struct attach_req *req)
{
	unsigned int seen;

	if (parse_keywords(args, req, CMD_ATTACH, &seen))
		return -1;
	if (!req->reflected_ctl && (seen & (KW_BIT(KW_REPLY_MAX) | KW_BIT(KW_AMPLIFY))))
		cli_warn("reply-max and amplify bound replies resized by Reflected Test Packet"
			 " Control, which is off ('reflected-control on' enables it)");
	if (!req->n_ports) {
		if (has_port(req->auth_ports, req->n_auth_ports, STAMP_DEFAULT_PORT))
			return cli_error("auth-port %d is the default port; name the"
					 " unauthenticated ones with 'port'",
					 STAMP_DEFAULT_PORT);
		req->ports[req->n_ports++] = STAMP_DEFAULT_PORT;
	}
	return 0;
}

int attach_parse_set(struct cli_args *args, struct attach_req *req)
{
	unsigned int seen;

	if (parse_keywords(args, req, CMD_SET, &seen))
		return -1;
	if (!req->allow_given && !req->rate_given && !req->rate_all_given)
		return cli_error("'%s' needs allow, rate-limit or rate-limit-all", args->cmd);
	return 0;
}
