// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The words of `probe HOST [keyword value]...`, checked one by one. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "auth_keys.h"
#include "cli.h"
#include "dscp.h"
#include "probe.h"
#include "probe_auth.h"
#include "probe_ping_opts.h"
#include "stamp_wire.h"

enum keyword {
	KW_PORT,
	KW_COUNT,
	KW_INTERVAL,
	KW_SIZE,
	KW_SSID,
	KW_TTL,
	KW_DSCP,
	KW_ECN,
	KW_TIMESTAMP,
	KW_SOURCE,
	KW_SPORT,
	KW_TIMEOUT,
	KW_STATEFUL,
	KW_TLV,
	KW_REPORT,
	KW_AUTH_KEY,
	KW_HMAC_KEY,
};

static const char *const keywords[] = {
	[KW_PORT] = "port",
	[KW_COUNT] = "count",
	[KW_INTERVAL] = "interval",
	[KW_SIZE] = "size",
	[KW_SSID] = "ssid",
	[KW_TTL] = "ttl",
	[KW_DSCP] = "dscp",
	[KW_ECN] = "ecn",
	[KW_TIMESTAMP] = "timestamp",
	[KW_SOURCE] = "source",
	[KW_SPORT] = "sport",
	[KW_TIMEOUT] = "timeout",
	[KW_STATEFUL] = "stateful",
	[KW_TLV] = "tlv",
	[KW_REPORT] = "report",
	[KW_AUTH_KEY] = "auth-key", /* authenticated mode */
	[KW_HMAC_KEY] = "hmac-key", /* unauthenticated mode with an HMAC TLV */
	NULL,
};

static int parse_number(struct cli_args *args, const char *keyword, uint64_t min, uint64_t max,
			uint64_t *val)
{
	const char *word;

	if (cli_value(args, keyword, &word))
		return -1;
	return cli_parse_uint(word, keyword, min, max, val);
}

static int parse_size(struct cli_args *args, uint32_t *size)
{
	uint64_t num;
	size_t need;

	if (parse_number(args, "size", STAMP_BASE_LEN, PROBE_MAX_SIZE, &num))
		return -1;
	need = probe_request_size_problem(num, NULL, 0);
	if (need)
		return cli_error("bad size %llu: %d octets of base packet leave no room for an"
				 " Extra Padding TLV header (4 octets): use %d or %zu and up",
				 (unsigned long long)num, STAMP_BASE_LEN, STAMP_BASE_LEN, need);
	*size = num;
	return 0;
}

static int parse_keyword(struct cli_args *args, struct probe_opts *o, enum keyword kw)
{
	static const char *const ts_names[] = {"ntp", "ptp", NULL};
	const char *word;
	uint64_t num = 0;
	int i;

	switch (kw) {
	case KW_PORT:
	case KW_SPORT:
		if (parse_number(args, keywords[kw], 1, 65535, &num))
			return -1;
		*(kw == KW_PORT ? &o->port : &o->sport) = num;
		return 0;
	case KW_COUNT:
		if (parse_number(args, "count", 1, PROBE_MAX_COUNT, &num))
			return -1;
		o->count = num;
		return 0;
	case KW_INTERVAL:
		if (parse_number(args, "interval", PROBE_MIN_INTERVAL_MS, PROBE_MAX_INTERVAL_MS,
				 &num))
			return -1;
		o->interval_ms = num;
		return 0;
	case KW_TIMEOUT:
		if (parse_number(args, "timeout", 1, PROBE_MAX_TIMEOUT_MS, &num))
			return -1;
		o->timeout_ms = num;
		return 0;
	case KW_SIZE:
		return parse_size(args, &o->size);
	case KW_SSID:
		/* 0 means "no SSID" to a reflector: ours is always named. */
		if (parse_number(args, "ssid", 1, 65535, &num))
			return -1;
		o->ssid = num;
		return 0;
	case KW_TTL:
		if (parse_number(args, "ttl", 1, 255, &num))
			return -1;
		o->ttl = num;
		return 0;
	case KW_DSCP:
		if (cli_value(args, "dscp", &word))
			return -1;
		return dscp_parse(word, "dscp", &o->dscp);
	case KW_ECN:
		if (parse_number(args, "ecn", 0, 3, &num))
			return -1;
		o->ecn = num;
		return 0;
	case KW_TIMESTAMP:
		if (cli_value(args, "timestamp", &word))
			return -1;
		i = cli_match_value(word, ts_names, "timestamp");
		o->ptp = i == 1;
		return i < 0 ? -1 : 0;
	case KW_SOURCE:
		return cli_value(args, "source", &o->source);
	case KW_STATEFUL:
		o->stateful = true;
		return 0;
	case KW_TLV:
		if (cli_value(args, "tlv", &word))
			return -1;
		return probe_tlv_parse(word, &o->tlvs);
	case KW_REPORT:
		if (parse_number(args, "report", 1, PROBE_MAX_REPORT_S, &num))
			return -1;
		o->report_s = num;
		o->continuous = true;
		return 0;
	case KW_AUTH_KEY:
	case KW_HMAC_KEY:
		if (o->auth_key)
			return cli_error(
				"'auth-key' and 'hmac-key' exclude each other: authenticated"
				" mode signs its TLVs with an HMAC TLV of its own");
		o->hmac_tlv = kw == KW_HMAC_KEY;
		return cli_value(args, keywords[kw], &o->auth_key);
	}
	return -1;
}

/* A random non-zero SSID, so runs from one host are separate sessions. */
static uint16_t random_ssid(void)
{
	uint16_t ssid = 0;

	/* Never wait for the entropy pool (early boot): any non-zero value will do. */
	if (getrandom(&ssid, sizeof(ssid), GRND_NONBLOCK) != sizeof(ssid))
		ssid = (uint16_t)(getpid() ^ time(NULL));
	return ssid ? ssid : 1;
}

/*
 * The size with the TLVs asked for: the base and the TLVs exactly when no
 * size was given, otherwise the size given if it holds them (any room
 * left over becomes Extra Padding, which needs 4 octets at least).
 */
static int fit_tlvs(struct probe_opts *o, bool size_given)
{
	struct probe_tlv tlvs[PROBE_TLV_MAX];
	uint8_t values[PROBE_TLV_VALUES_MAX];
	size_t n = probe_tlv_render(&o->tlvs, 0, tlvs, values), need, fit;

	need = STAMP_BASE_LEN + probe_tlv_set_len(&o->tlvs);
	if (need > PROBE_MAX_SIZE)
		return cli_error("the TLVs asked for take %zu octets with the base, more than the"
				 " largest size %d",
				 need, PROBE_MAX_SIZE);
	if (!size_given) {
		o->size = need;
		return 0;
	}
	fit = probe_request_size_problem(o->size, tlvs, n);
	if (fit)
		return cli_error("size %u cannot hold the TLVs asked for (%zu octets with the"
				 " base): use %zu, or %zu and up",
				 o->size, need, need, need + STAMP_TLV_HDR_LEN);
	return 0;
}

/*
 * Authenticated mode: the 112-octet base, then the TLVs asked for and the
 * HMAC TLV over them (RFC 8972 4.8); no other size.
 */
static int auth_options(struct probe_opts *o, bool size_given)
{
	size_t size = STAMP_AUTH_BASE_SIZE;

	if (o->tlvs.n)
		size += probe_tlv_set_len(&o->tlvs) + PROBE_AUTH_TLV_EXTRA;
	if (size_given && o->size != size)
		return cli_error("auth-key: authenticated requests are %zu octets here (the base,"
				 " the TLVs and the HMAC TLV); leave out 'size'",
				 size);
	if (size > PROBE_MAX_SIZE)
		return cli_error("auth-key: the TLVs asked for make a request of %zu octets, more"
				 " than %d",
				 size, PROBE_MAX_SIZE);
	o->size = (uint32_t)size;
	return 0;
}

/*
 * Whether replies may come from another address of the reflector than the
 * one the requests go to: a Destination Node Address or Return Path TLV
 * (RFC 9503) makes them.  The socket is then left unconnected.
 */
static bool replies_may_move(const struct probe_opts *o)
{
	return probe_tlv_set_has(&o->tlvs, STAMP_TLV_DEST_NODE_ADDR) ||
	       probe_tlv_set_has(&o->tlvs, STAMP_TLV_RETURN_PATH);
}

struct probe_socket_cfg probe_socket_cfg_of(const struct probe_opts *o)
{
	return (struct probe_socket_cfg){
		.host = o->host,
		.family = o->family,
		.port = o->port,
		.source = o->source,
		.sport = o->sport,
		.ttl = o->ttl,
		.tos = (uint8_t)(o->dscp << 2 | o->ecn),
		.size = o->size,
		.any_source = replies_may_move(o),
	};
}

/* Keyword @kw once (but `tlv`: a request carries many), its value from @args. */
static int take_keyword(struct cli_args *args, struct probe_opts *o, int kw, unsigned int *seen)
{
	if ((*seen & (1U << kw)) && kw != KW_TLV)
		return cli_error("'%s' given twice", keywords[kw]);
	*seen |= 1U << kw;
	return parse_keyword(args, o, kw);
}

/* A ping option: a flag, or the keyword it stands for with its value. */
static int take_ping_option(struct cli_args *args, const char *word, struct probe_opts *o,
			    unsigned int *seen)
{
	struct probe_ping_opt ping;
	struct cli_args value;
	char *argv[1];
	int kw;

	if (probe_ping_option(args, word, o, &ping))
		return -1;
	if (!ping.keyword)
		return 0;
	for (kw = 0; strcmp(keywords[kw], ping.keyword); kw++)
		;
	/* The value as the keyword's own next word, so it is checked the same way. */
	argv[0] = (char *)ping.value;
	value = (struct cli_args){.argc = 1, .argv = argv, .cmd = args->cmd};
	return take_keyword(&value, o, kw, seen);
}

/*
 * HOST: the first word that is no option.  A keyword there is a HOST
 * forgotten, not a host named "count".
 */
static int take_host(const char *word, struct probe_opts *o)
{
	int kw;

	if (!word[0])
		return cli_error("'probe' needs HOST; see 'stampede probe help'");
	for (kw = 0; keywords[kw]; kw++)
		if (!strcmp(word, keywords[kw]))
			return cli_error("'probe' needs HOST first, before '%s'", word);
	o->host = word;
	return 0;
}

int probe_parse_words(struct cli_args *args, struct probe_opts *o)
{
	unsigned int seen = 0;
	const char *word;
	int kw, err;

	*o = (struct probe_opts){
		.port = STAMP_DEFAULT_PORT,
		.count = PROBE_DEFAULT_COUNT,
		.interval_ms = PROBE_DEFAULT_INTERVAL_MS,
		.size = STAMP_BASE_LEN,
		.ttl = PROBE_DEFAULT_TTL,
		.timeout_ms = PROBE_DEFAULT_TIMEOUT_MS,
	};
	/* ping's options anywhere (-c 3 HOST, HOST -c 3); keywords after HOST. */
	while ((word = cli_next(args))) {
		if (probe_is_option(word)) {
			err = take_ping_option(args, word, o, &seen);
		} else if (!o->host) {
			err = take_host(word, o);
		} else {
			kw = cli_match(word, keywords, "argument", args->cmd);
			err = kw < 0 ? -1 : take_keyword(args, o, kw, &seen);
		}
		if (err)
			return -1;
	}
	if (!o->host)
		return cli_error("'probe' needs HOST; see 'stampede probe help'");
	if (!(seen & (1U << KW_SSID)))
		o->ssid = random_ssid();
	/* `report` without `count`: until stopped. */
	if (o->continuous && !(seen & (1U << KW_COUNT)))
		o->count = 0;
	if (probe_authenticated(o))
		return o->tlvs.n && probe_tlv_set_check(&o->tlvs)
			       ? -1
			       : auth_options(o, seen & (1U << KW_SIZE));
	/*
	 * hmac-key: unauthenticated mode, an HMAC TLV after the TLVs asked
	 * for (RFC 8972 4.8), and any padding `size` leaves after it.
	 */
	if (o->hmac_tlv && probe_tlv_add_hmac(&o->tlvs))
		return -1;
	if (!o->tlvs.n)
		return 0;
	return probe_tlv_set_check(&o->tlvs) || fit_tlvs(o, seen & (1U << KW_SIZE)) ? -1 : 0;
}

int probe_load_key(struct probe_opts *o)
{
	if (!o->auth_key)
		return 0;
	return auth_key_for(o->auth_key, o->port, o->ssid, probe_authenticated(o), &o->auth);
}

/*
 * The key is read last, so that a bad word is told before a bad file, and
 * before anything is sent.
 */
int probe_parse(struct cli_args *args, struct probe_opts *o)
{
	return probe_parse_words(args, o) || probe_load_key(o) ? -1 : 0;
}
