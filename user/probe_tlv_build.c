// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* STAMP TLVs of the probe: `tlv` words parsed and built into request TLVs. */
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cli.h"
#include "dscp.h"
#include "probe.h"
#include "probe_tlv.h"
#include "stamp_tlv_names.h"
#include "probe_tlv_int.h"

/* ---- building requests ----------------------------------------------------- */

/* The most values one `tlv` word carries after its name (reflected-control). */
#define TLV_ARGS_MAX 3

/* One `tlv` word split at its commas: the TLV's name, then its values. */
struct tlv_word {
	const char *whole;
	const char *name;
	const char *arg[TLV_ARGS_MAX];
	unsigned int n_args;
};

/* What a `tlv` name takes, and how it is built. */
struct tlv_kind {
	uint8_t type; /* its name is stamp_tlv_name(type); 0: "raw", any type */
	unsigned int min_args, max_args;
	const char *usage;
	int (*build)(const struct tlv_word *w, struct probe_tlv_set *set);
};

/*
 * A new TLV at the end of @set, its @length octets of Value zeroed in the
 * store (or not stored at all with @zeros); NULL after cli_error().
 */
static struct probe_tlv_req *add_tlv(struct probe_tlv_set *set, uint8_t type, size_t length,
				     bool zeros)
{
	struct probe_tlv_req *r;

	if (set->n == PROBE_TLV_MAX) {
		cli_error("too many TLVs: at most %d per request", PROBE_TLV_MAX);
		return NULL;
	}
	if (!zeros && length > (size_t)PROBE_TLV_VALUES_MAX - set->values_len) {
		cli_error("TLV values too long: at most %d octets in all, padding aside",
			  PROBE_TLV_VALUES_MAX);
		return NULL;
	}
	r = &set->req[set->n++];
	*r = (struct probe_tlv_req){.type = type, .length = length, .zeros = zeros};
	if (!zeros) {
		r->value_at = set->values_len;
		memset(set->values + r->value_at, 0, length);
		set->values_len += length;
	}
	return r;
}

static uint8_t *value_of(struct probe_tlv_set *set, const struct probe_tlv_req *r)
{
	return set->values + r->value_at;
}

/* Store @length octets of @value as a TLV of @type. */
static int add_value(struct probe_tlv_set *set, uint8_t type, const uint8_t *value, size_t length)
{
	struct probe_tlv_req *r = add_tlv(set, type, length, false);

	if (!r)
		return -1;
	memcpy(value_of(set, r), value, length);
	return 0;
}

static int add_zeros(struct probe_tlv_set *set, uint8_t type, size_t length)
{
	return add_tlv(set, type, length, true) ? 0 : -1;
}

/*
 * A number in [@min, @max], or one of @names (a unique prefix will do);
 * @expected lists the names for the error line.
 */
static int parse_code(const char *word, const struct code_name *names, const char *expected,
		      const char *what, uint64_t min, uint64_t max, uint64_t *code)
{
	size_t len = strlen(word);
	const struct code_name *n, *found = NULL;
	unsigned int matches = 0;

	if (len && strspn(word, "0123456789") == len)
		return cli_parse_uint(word, what, min, max, code);
	for (n = names; len && n->name; n++) {
		if (!strcmp(n->name, word)) {
			found = n;
			matches = 1;
			break;
		}
		if (!strncmp(n->name, word, len)) {
			found = n;
			matches++;
		}
	}
	if (matches != 1)
		return cli_error("bad %s '%s': expected %s or %llu-%llu", what, word, expected,
				 (unsigned long long)min, (unsigned long long)max);
	*code = found->code;
	return 0;
}

/* An IPv4 (dotted quad) or IPv6 address: its length, 0 after cli_error(). */
static size_t parse_address(const char *word, const char *what, uint8_t *addr)
{
	if (inet_pton(AF_INET, word, addr) == 1)
		return STAMP_DNA_V4_LEN;
	if (inet_pton(AF_INET6, word, addr) == 1)
		return STAMP_DNA_V6_LEN;
	cli_error("bad %s '%s': expected an IPv4 or IPv6 address", what, word);
	return 0;
}

static int parse_hex(const char *word, uint8_t *out, size_t cap)
{
	const char *p = word;
	int n;

	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	n = cli_hex_octets(p, out, cap);
	if (n == CLI_HEX_LONG)
		return cli_error("bad raw value: longer than %zu octets", cap);
	if (n == CLI_HEX_ODD)
		return cli_error("bad raw value '%s': expected an even number of hex digits", word);
	if (n < 0)
		return cli_error("bad raw value '%s': expected hex digits", word);
	return n;
}

static int build_padding(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint64_t len;

	if (cli_parse_uint(w->arg[0], "padding length", 0,
			   PROBE_MAX_SIZE - STAMP_BASE_LEN - STAMP_TLV_HDR_LEN, &len))
		return -1;
	return add_zeros(set, STAMP_TLV_EXTRA_PADDING, len);
}

/* A request sub-TLV: U set as in any TLV a sender sends, the value left zero. */
static uint8_t *put_sub_request(uint8_t *p, uint8_t type, uint16_t length)
{
	p[0] = STAMP_TLV_FLAG_U;
	p[1] = type;
	probe_put16(p + 2, length);
	return p + STAMP_TLV_HDR_LEN + length;
}

/* Ports zero, then the three request sub-TLVs the reflector fills in (RFC 8972 4.2.1). */
static int build_location(const struct tlv_word *w, struct probe_tlv_set *set)
{
	const size_t len = STAMP_LOC_PORTS_LEN + 3 * STAMP_TLV_HDR_LEN + STAMP_LOC_MAC_LEN +
			   2 * STAMP_LOC_IP_LEN;
	uint8_t v[STAMP_LOC_PORTS_LEN + 3 * STAMP_TLV_HDR_LEN + STAMP_LOC_MAC_LEN +
		  2 * STAMP_LOC_IP_LEN] = {0};
	uint8_t *p = v + STAMP_LOC_PORTS_LEN;

	(void)w;
	p = put_sub_request(p, STAMP_LOC_SRC_MAC, STAMP_LOC_MAC_LEN);
	p = put_sub_request(p, STAMP_LOC_DST_IP, STAMP_LOC_IP_LEN);
	put_sub_request(p, STAMP_LOC_SRC_IP, STAMP_LOC_IP_LEN);
	return add_value(set, STAMP_TLV_LOCATION, v, len);
}

static int build_timestamp_info(const struct tlv_word *w, struct probe_tlv_set *set)
{
	(void)w;
	return add_zeros(set, STAMP_TLV_TIMESTAMP_INFO, STAMP_TS_INFO_LEN);
}

/* DSCP1 asked for the reply; EC1 too when given (cos-ecn draft); RP and RPE zero. */
static int build_cos(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_COS_LEN], dscp;
	uint64_t ecn = 0;

	if (dscp_parse(w->arg[0], "cos dscp", &dscp))
		return -1;
	if (w->n_args > 1 && cli_parse_uint(w->arg[1], "cos ecn", 0, 3, &ecn))
		return -1;
	probe_put32(v, (uint32_t)dscp << STAMP_COS_DSCP1_SHIFT | (uint32_t)ecn << COS_EC1_SHIFT);
	return add_value(set, STAMP_TLV_CLASS_OF_SERVICE, v, sizeof(v));
}

static int build_direct(const struct tlv_word *w, struct probe_tlv_set *set)
{
	struct probe_tlv_req *r =
		add_tlv(set, STAMP_TLV_DIRECT_MEASUREMENT, STAMP_DIRECT_MEAS_LEN, false);

	(void)w;
	if (!r)
		return -1;
	r->sender_tx = true;
	return 0;
}

static int build_access(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_ACCESS_REPORT_LEN] = {0};
	uint64_t id, code;

	if (parse_code(w->arg[0], probe_tlv_access_ids, "3gpp, non-3gpp", "access id", 1, 15,
		       &id) ||
	    parse_code(w->arg[1], probe_tlv_access_codes, "available, unavailable", "access code",
		       0, 255, &code))
		return -1;
	v[0] = (uint8_t)(id << 4);
	v[1] = (uint8_t)code;
	return add_value(set, STAMP_TLV_ACCESS_REPORT, v, sizeof(v));
}

static int build_follow_up(const struct tlv_word *w, struct probe_tlv_set *set)
{
	(void)w;
	return add_zeros(set, STAMP_TLV_FOLLOW_UP_TELEMETRY, STAMP_FOLLOW_UP_LEN);
}

static int build_dest_addr(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t addr[STAMP_DNA_V6_LEN];
	size_t len = parse_address(w->arg[0], "dest-addr", addr);

	return len ? add_value(set, STAMP_TLV_DEST_NODE_ADDR, addr, len) : -1;
}

/* no-reply, same-link (Control Code) or addr=ADDR (Return Address), RFC 9503 4.1. */
static int build_return_path(const struct tlv_word *w, struct probe_tlv_set *set)
{
	static const char *const codes[] = {"no-reply", "same-link", NULL};
	uint8_t v[STAMP_TLV_HDR_LEN + STAMP_DNA_V6_LEN] = {0};
	const char *arg = w->arg[0];
	size_t len;
	int code;

	/* RFC 9503 4: "A Session-Sender MUST NOT insert more than one Return Path TLV". */
	if (probe_tlv_set_has(set, STAMP_TLV_RETURN_PATH))
		return cli_error("'tlv return-path' given twice: a request carries one at most");
	if (!strncmp(arg, "addr=", 5)) {
		len = parse_address(arg + 5, "return-path address", v + STAMP_TLV_HDR_LEN);
		if (!len)
			return -1;
		v[1] = STAMP_RP_RETURN_ADDRESS;
	} else {
		code = cli_match_value(arg, codes, "return-path");
		if (code < 0)
			return -1;
		len = STAMP_RP_CONTROL_CODE_LEN;
		v[1] = STAMP_RP_CONTROL_CODE;
		set->no_reply = !code;
		probe_put32(v + STAMP_TLV_HDR_LEN, code ? STAMP_RP_CC_SAME_LINK : 0);
	}
	v[0] = STAMP_TLV_FLAG_U;
	probe_put16(v + 2, (uint16_t)len);
	return add_value(set, STAMP_TLV_RETURN_PATH, v, STAMP_TLV_HDR_LEN + len);
}

static int build_micro_session(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_MICRO_SESSION_LEN];
	uint64_t sender, reflector = 0;

	if (cli_parse_uint(w->arg[0], "micro-session sender id", 0, 65535, &sender) ||
	    (w->n_args > 1 &&
	     cli_parse_uint(w->arg[1], "micro-session reflector id", 0, 65535, &reflector)))
		return -1;
	probe_put16(v, (uint16_t)sender);
	probe_put16(v + 2, (uint16_t)reflector);
	return add_value(set, STAMP_TLV_MICRO_SESSION_ID, v, sizeof(v));
}

static int build_reflected_control(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[STAMP_RTPC_MIN_LEN];
	uint64_t length, count = 1, interval = 0;

	if (cli_parse_uint(w->arg[0], "reflected-control length", 0, 65535, &length) ||
	    (w->n_args > 1 &&
	     cli_parse_uint(w->arg[1], "reflected-control count", 0, 65535, &count)) ||
	    (w->n_args > 2 &&
	     cli_parse_uint(w->arg[2], "reflected-control interval", 0, UINT32_MAX, &interval)))
		return -1;
	probe_put16(v, (uint16_t)length);
	probe_put16(v + 2, (uint16_t)count);
	set->more_replies |= count != 0;
	probe_put32(v + 4, (uint32_t)interval);
	/*
	 * The draft (-14, section 3) wants at least 12 octets: the fixed
	 * fields, then sub-TLVs.  None is asked for here, so an empty one of
	 * no assigned type (0) fills the four, with U set as a sender sets it.
	 */
	memset(v + STAMP_RTPC_FIXED_LEN, 0, STAMP_RTPC_MIN_LEN - STAMP_RTPC_FIXED_LEN);
	v[STAMP_RTPC_FIXED_LEN] = STAMP_TLV_FLAG_U;
	return add_value(set, STAMP_TLV_REFLECTED_CONTROL, v, sizeof(v));
}

static int build_raw(const struct tlv_word *w, struct probe_tlv_set *set)
{
	uint8_t v[PROBE_TLV_VALUES_MAX];
	uint64_t type;
	int len = 0;

	if (cli_parse_uint(w->arg[0], "tlv type", 1, 255, &type))
		return -1;
	if (w->n_args > 1) {
		len = parse_hex(w->arg[1], v, sizeof(v));
		if (len < 0)
			return -1;
	}
	return add_value(set, (uint8_t)type, v, len);
}

/* The `tlv` words: the one table of their names (tlv_kind_of matches them). */
static const struct tlv_kind tlv_kinds[] = {
	{STAMP_TLV_EXTRA_PADDING, 1, 1, "padding,LENGTH", build_padding},
	{STAMP_TLV_LOCATION, 0, 0, "location", build_location},
	{STAMP_TLV_TIMESTAMP_INFO, 0, 0, "timestamp-info", build_timestamp_info},
	{STAMP_TLV_CLASS_OF_SERVICE, 1, 2, "cos,DSCP[,ECN]", build_cos},
	{STAMP_TLV_DIRECT_MEASUREMENT, 0, 0, "direct", build_direct},
	{STAMP_TLV_ACCESS_REPORT, 2, 2, "access,ID,CODE", build_access},
	{STAMP_TLV_FOLLOW_UP_TELEMETRY, 0, 0, "follow-up", build_follow_up},
	{STAMP_TLV_DEST_NODE_ADDR, 1, 1, "dest-addr,ADDR", build_dest_addr},
	{STAMP_TLV_RETURN_PATH, 1, 1, "return-path,{no-reply|same-link|addr=ADDR}",
	 build_return_path},
	{STAMP_TLV_MICRO_SESSION_ID, 1, 2, "micro-session,SENDER_ID[,REFLECTOR_ID]",
	 build_micro_session},
	{STAMP_TLV_REFLECTED_CONTROL, 1, 3, "reflected-control,LENGTH[,COUNT[,INTERVAL_NS]]",
	 build_reflected_control},
	{0, 1, 2, "raw,TYPE[,HEX]", build_raw},
};

#define TLV_KINDS (sizeof(tlv_kinds) / sizeof(tlv_kinds[0]))

static const char *tlv_kind_name(const struct tlv_kind *kind)
{
	return kind->type ? stamp_tlv_name(kind->type) : "raw";
}

/* The names of tlv_kinds, NULL-terminated, for cli_match_value(). */
static const char *const *tlv_kind_names(void)
{
	static const char *names[TLV_KINDS + 1];
	unsigned int i;

	if (!names[0])
		for (i = 0; i < TLV_KINDS; i++)
			names[i] = tlv_kind_name(&tlv_kinds[i]);
	return names;
}

/*
 * Split @copy (a writable copy of @w->whole) at its commas.  A leading
 * number is a type: "240,0102" is "raw,240,0102".
 */
static int split_word(char *copy, struct tlv_word *w, const struct tlv_kind **kind)
{
	char *part = strsep(&copy, ",");
	int i;

	if (part[0] >= '0' && part[0] <= '9') {
		*kind = &tlv_kinds[TLV_KINDS - 1];
		w->arg[w->n_args++] = part;
	} else if (!strcmp(part, stamp_tlv_name(STAMP_TLV_HMAC))) {
		/* RFC 8972 4.8: it follows every other TLV, its Value computed over them. */
		return cli_error("'tlv hmac' is not a word: the HMAC TLV follows the other TLVs by"
				 " itself, with 'hmac-key FILE' (unauthenticated mode) or"
				 " 'auth-key FILE' (authenticated mode)");
	} else {
		i = cli_match_value(part, tlv_kind_names(), "tlv");
		if (i < 0)
			return -1;
		*kind = &tlv_kinds[i];
	}
	w->name = tlv_kind_name(*kind);
	while ((part = strsep(&copy, ","))) {
		if (w->n_args == (*kind)->max_args)
			return cli_error("bad tlv '%s': expected %s", w->whole, (*kind)->usage);
		w->arg[w->n_args++] = part;
	}
	if (w->n_args < (*kind)->min_args)
		return cli_error("bad tlv '%s': expected %s", w->whole, (*kind)->usage);
	return 0;
}

int probe_tlv_parse(const char *word, struct probe_tlv_set *set)
{
	struct tlv_word w = {.whole = word};
	const struct tlv_kind *kind = NULL;
	char *copy;
	int ret;

	if (!word[0])
		return cli_error("'tlv' needs a value: TYPE[,VALUES]");
	copy = strdup(word);
	if (!copy)
		return cli_error("out of memory for 'tlv %s'", word);
	ret = split_word(copy, &w, &kind);
	if (!ret)
		ret = kind->build(&w, set);
	free(copy);
	return ret;
}

int probe_tlv_add_hmac(struct probe_tlv_set *set)
{
	if (set->n == PROBE_TLV_MAX)
		return cli_error("too many TLVs: at most %d per request with hmac-key, whose HMAC"
				 " TLV is one more",
				 PROBE_TLV_MAX - 1);
	return add_zeros(set, STAMP_TLV_HMAC, STAMP_HMAC_LEN);
}

int probe_tlv_set_check(const struct probe_tlv_set *set)
{
	/* draft-ietf-ippm-asymmetrical-pkts 4.3: the sender MUST NOT ask for both. */
	if (set->no_reply && set->more_replies)
		return cli_error("'tlv return-path,no-reply' and 'tlv reflected-control' with a"
				 " count contradict each other");
	return 0;
}

bool probe_tlv_set_has(const struct probe_tlv_set *set, uint8_t type)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->req[i].type == type)
			return true;
	return false;
}

size_t probe_tlv_set_len(const struct probe_tlv_set *set)
{
	size_t len = 0;
	unsigned int i;

	for (i = 0; i < set->n; i++)
		len += STAMP_TLV_HDR_LEN + set->req[i].length;
	return len;
}

size_t probe_tlv_render(const struct probe_tlv_set *set, uint32_t sender_tx, struct probe_tlv *out,
			uint8_t *values)
{
	unsigned int i;

	memcpy(values, set->values, set->values_len);
	for (i = 0; i < set->n; i++) {
		const struct probe_tlv_req *r = &set->req[i];

		out[i] = (struct probe_tlv){.type = r->type, .length = r->length};
		if (r->zeros)
			continue;
		out[i].value = values + r->value_at;
		/* RFC 8972 4.5: S_TxC, the test packets sent so far; R_RxC and R_TxC zero. */
		if (r->sender_tx)
			probe_put32(values + r->value_at, sender_tx);
	}
	return set->n;
}
